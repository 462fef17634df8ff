"""The staff registry of a cycle, for the gender budget of the Relazione.

One row per person in service at 31 December of the cycle's year, keyed by an anonymous
code, not by `organisation.Person`: the registry covers all staff (128 people in 2019),
while `Person` holds only the posts the plan needs (SG, dirigenti, PO holders). Age is kept
as a band, never a birth date: the gender budget needs no more (data minimisation).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from traguardo.modelutils import choices_constraint
from traguardo.organisation.models import PersonGender
from traguardo.plans.models import Cycle


class StaffRole(models.TextChoices):
    DIRIGENTE = "dirigente", _("Dirigente")
    PO = "po", _("Titolare di posizione organizzativa")
    STAFF = "staff", _("Personale")


class StaffRecord(models.Model):
    Role = StaffRole

    cycle = models.ForeignKey(
        Cycle, on_delete=models.CASCADE, related_name="staff_records", verbose_name=_("ciclo")
    )
    code = models.CharField(_("codice"), max_length=40)
    gender = models.CharField(_("genere"), max_length=1, choices=PersonGender.choices)
    category = models.CharField(_("categoria"), max_length=20)
    age_band = models.CharField(_("fascia di età"), max_length=20)
    part_time = models.BooleanField(_("part time"), default=False)
    role = models.CharField(
        _("ruolo"), max_length=16, choices=StaffRole.choices, default=StaffRole.STAFF
    )
    is_example = models.BooleanField(_("dato di esempio"), default=False)

    class Meta:
        verbose_name = _("persona in servizio")
        verbose_name_plural = _("personale in servizio")
        ordering = ["cycle_id", "code"]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "code"], name="staff_record_unique_code"),
            choices_constraint("gender", PersonGender),
            choices_constraint("role", StaffRole),
        ]

    def __str__(self) -> str:
        return self.code
