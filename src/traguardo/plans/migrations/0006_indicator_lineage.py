"""Indicator.lineage: an indicator's identity across the yearly cycles (carry-forward)."""

import uuid

from django.db import migrations, models


def give_lineages(apps, schema_editor):
    Indicator = apps.get_model("plans", "Indicator")
    for pk in Indicator.objects.values_list("pk", flat=True):
        Indicator.objects.filter(pk=pk).update(lineage=uuid.uuid4())


class Migration(migrations.Migration):
    dependencies = [("plans", "0005_transition_override_and_publications")]

    operations = [
        migrations.AddField(
            model_name="indicator",
            name="lineage",
            field=models.UUIDField(null=True, editable=False, verbose_name="identità nei cicli"),
        ),
        migrations.RunPython(give_lineages, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="indicator",
            name="lineage",
            field=models.UUIDField(
                db_index=True, default=uuid.uuid4, editable=False, verbose_name="identità nei cicli"
            ),
        ),
    ]
