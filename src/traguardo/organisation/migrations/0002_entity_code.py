"""Entity.code: every administration gets a short, stable code (the demo's is «tvbl»)."""

from django.db import migrations, models


def give_codes(apps, schema_editor):
    from traguardo.organisation.codes import suggested_code

    Entity = apps.get_model("organisation", "Entity")
    used: set[str] = set()
    for entity in Entity.objects.order_by("id"):
        entity.code = suggested_code(entity.name, used.__contains__)
        used.add(entity.code)
        entity.save(update_fields=["code"])


class Migration(migrations.Migration):
    dependencies = [("organisation", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="entity",
            name="code",
            # No index yet: the unique constraint below brings its own (on PostgreSQL a
            # SlugField's index and its "_like" twin would otherwise be created twice).
            field=models.SlugField(max_length=20, null=True, db_index=False, verbose_name="codice"),
        ),
        migrations.RunPython(give_codes, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="entity",
            name="code",
            field=models.SlugField(
                help_text=(
                    "Breve e stabile, usato negli indirizzi e nei comandi (es. «tvbl»): da 2 a "
                    "20 caratteri tra lettere minuscole, cifre e trattini."
                ),
                max_length=20,
                unique=True,
                verbose_name="codice",
            ),
        ),
        migrations.AddConstraint(
            model_name="entity",
            constraint=models.CheckConstraint(
                condition=models.Q(("code__regex", "^[a-z0-9][a-z0-9-]{1,19}$")),
                name="organisation_entity_code_format",
            ),
        ),
    ]
