"""The administration (Ente), its units over time, and who holds which post when."""

import datetime
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from traguardo.modelutils import choices_constraint
from traguardo.organisation.codes import suggested_code
from traguardo.organisation.logo import logo_path


class EntityKind(models.TextChoices):
    CAMERA_COMMERCIO = "camera_commercio", _("Camera di commercio")
    COMUNE = "comune", _("Comune")
    PROVINCIA = "provincia", _("Provincia o città metropolitana")
    REGIONE = "regione", _("Regione")
    MINISTERO = "ministero", _("Amministrazione centrale")
    UNIVERSITA = "universita", _("Università")
    AZIENDA_SANITARIA = "azienda_sanitaria", _("Azienda sanitaria")
    ALTRO = "altro", _("Altro ente")


class Entity(models.Model):
    """The administration whose performance cycle this is (e.g. a Camera di Commercio)."""

    Kind = EntityKind

    code = models.SlugField(
        _("codice"),
        max_length=20,
        unique=True,
        help_text=_(
            "Breve e stabile, usato negli indirizzi e nei comandi (es. «tvbl»): da 2 a 20 "
            "caratteri tra lettere minuscole, cifre e trattini."
        ),
    )
    name = models.CharField(_("denominazione"), max_length=255, unique=True)
    short_name = models.CharField(_("sigla"), max_length=50, blank=True)
    kind = models.CharField(_("tipo di ente"), max_length=32, choices=Kind.choices)
    website = models.URLField(_("sito web"), blank=True)
    # Checked and re-drawn as a PNG by organisation.logo; set through
    # plans.onboarding.set_logo; served by web:entity_logo.
    logo = models.FileField(_("logo"), upload_to=logo_path, blank=True, max_length=255)

    class Meta:
        verbose_name = _("ente")
        verbose_name_plural = _("enti")
        ordering = ["name"]
        constraints = [
            choices_constraint("kind", EntityKind),
            models.CheckConstraint(
                condition=models.Q(code__regex=r"^[a-z0-9][a-z0-9-]{1,19}$"),
                name="organisation_entity_code_format",
            ),
        ]

    def __str__(self) -> str:
        return self.short_name or self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        # A row created without a code (old callers, the Django admin) gets a free one
        # derived from its name; once given, a code never changes by itself.
        if not self.code:
            others = Entity.objects.exclude(pk=self.pk)
            self.code = suggested_code(self.name, lambda code: others.filter(code=code).exists())
        super().save(*args, **kwargs)


class OrgUnitKind(models.TextChoices):
    AREA = "area", _("Area")
    SETTORE = "settore", _("Settore")
    UFFICIO = "ufficio", _("Ufficio")
    STAFF_PDC = "staff_pdc", _("Personale in diretta collaborazione")


class OrgUnit(models.Model):
    """An Area, Settore, Ufficio or PO staff group, valid over a span of dates.

    `code` is the entity's own numbering ("2", "2.1", "2.1.3", "2.1.PDC"); a unit that is
    reorganised gets a new row with a new `valid_from`, so old cycles keep their units.
    """

    Kind = OrgUnitKind

    entity = models.ForeignKey(
        Entity, on_delete=models.CASCADE, related_name="units", verbose_name=_("ente")
    )
    code = models.CharField(_("codice"), max_length=20)
    short = models.CharField(_("sigla"), max_length=20, blank=True)
    name = models.CharField(_("denominazione"), max_length=500)
    kind = models.CharField(_("tipo"), max_length=16, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("unità superiore"),
    )
    valid_from = models.DateField(_("valida dal"))
    valid_to = models.DateField(_("valida al"), null=True, blank=True)

    class Meta:
        verbose_name = _("unità organizzativa")
        verbose_name_plural = _("unità organizzative")
        ordering = ["entity_id", "code", "valid_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["entity", "code", "valid_from"], name="organisation_orgunit_unique_code"
            ),
            models.CheckConstraint(
                condition=models.Q(valid_to__isnull=True)
                | models.Q(valid_to__gte=models.F("valid_from")),
                name="organisation_orgunit_valid_to_after_from",
            ),
            choices_constraint("kind", OrgUnitKind),
        ]

    def __str__(self) -> str:
        label = f"{self.code} {self.short}" if self.short else self.code
        return f"{label} - {self.name}"


class PersonGender(models.TextChoices):
    MALE = "M", _("Uomo")
    FEMALE = "F", _("Donna")


class Person(models.Model):
    """A member of staff. The seed names nobody: `display_name` may describe the post."""

    Gender = PersonGender

    entity = models.ForeignKey(
        Entity, on_delete=models.CASCADE, related_name="people", verbose_name=_("ente")
    )
    display_name = models.CharField(_("nome"), max_length=255)
    gender = models.CharField(_("genere"), max_length=1, choices=Gender.choices, blank=True)
    category = models.CharField(
        _("categoria"), max_length=20, blank=True, help_text=_("Es. B, C, D, dirigente.")
    )
    birth_year = models.PositiveSmallIntegerField(_("anno di nascita"), null=True, blank=True)

    class Meta:
        verbose_name = _("persona")
        verbose_name_plural = _("persone")
        ordering = ["entity_id", "display_name"]
        constraints = [
            choices_constraint("gender", PersonGender, allow_blank=True),
            models.CheckConstraint(
                condition=models.Q(birth_year__isnull=True) | models.Q(birth_year__gte=1900),
                name="organisation_person_birth_year_plausible",
            ),
        ]

    def __str__(self) -> str:
        return self.display_name


class AssignmentQuerySet(models.QuerySet["Assignment"]):
    def on(self, day: datetime.date) -> "AssignmentQuerySet":
        """Assignments in force on `day` (start and end are both inclusive)."""
        return self.filter(start__lte=day).filter(
            models.Q(end__isnull=True) | models.Q(end__gte=day)
        )


class AssignmentRole(models.TextChoices):
    SEGRETARIO_GENERALE = "segretario_generale", _("Segretario generale")
    DIRIGENTE = "dirigente", _("Dirigente")
    PO = "po", _("Titolare di posizione organizzativa")
    STAFF = "staff", _("Personale")


class Assignment(models.Model):
    """A person holding a post in a unit from `start` to `end` (inclusive; open if null).

    A rotation (avvicendamento) is two rows per person: the old post ends the day before
    the new one starts (in the 2019 seed: ends 2019-05-20, starts 2019-05-21).
    """

    Role = AssignmentRole

    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="assignments", verbose_name=_("persona")
    )
    unit = models.ForeignKey(
        OrgUnit, on_delete=models.PROTECT, related_name="assignments", verbose_name=_("unità")
    )
    role = models.CharField(_("ruolo"), max_length=32, choices=Role.choices)
    start = models.DateField(_("dal"))
    end = models.DateField(_("al"), null=True, blank=True)

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("incarico")
        verbose_name_plural = _("incarichi")
        ordering = ["unit__code", "start", "person_id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__isnull=True) | models.Q(end__gte=models.F("start")),
                name="organisation_assignment_end_after_start",
            ),
            choices_constraint("role", AssignmentRole),
        ]

    def __str__(self) -> str:
        until = self.end.isoformat() if self.end else "…"
        return (
            f"{self.person} - {self.get_role_display()} {self.unit.code} ({self.start} - {until})"
        )
