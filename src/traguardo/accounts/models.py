"""Who may do what: a user's roles in the entity's performance cycle.

A user is linked to the staff member (`Person`) they are, so that the organisation's posts
(who heads which unit, when) decide the units a dirigente or PO holder answers for; roles
that are not posts in the organisation (performance office, OIV) need no person.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from traguardo.modelutils import choices_constraint
from traguardo.organisation.models import Entity, Person


class Role(models.TextChoices):
    PERFORMANCE_OFFICE = "ufficio_performance", _("Struttura tecnica permanente")
    SEGRETARIO = "segretario_generale", _("Segretario generale")
    DIRIGENTE = "dirigente", _("Dirigente")
    PO = "po", _("Titolare di posizione organizzativa")
    OIV = "oiv", _("Organismo indipendente di valutazione")


# Roles that are posts in the organisation: their scope comes from the person's assignments.
POST_ROLES = frozenset({Role.SEGRETARIO, Role.DIRIGENTE, Role.PO})


class Membership(models.Model):
    Role = Role

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("utente"),
    )
    entity = models.ForeignKey(
        Entity, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("ente")
    )
    role = models.CharField(_("ruolo"), max_length=32, choices=Role.choices)
    person = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name=_("persona"),
        help_text=_("Obbligatoria per Segretario generale, dirigenti e titolari di PO."),
    )

    class Meta:
        verbose_name = _("ruolo utente")
        verbose_name_plural = _("ruoli utente")
        ordering = ["entity_id", "role", "user_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "entity", "role"], name="accounts_membership_unique_role"
            ),
            choices_constraint("role", Role),
            models.CheckConstraint(
                condition=models.Q(person__isnull=False)
                | ~models.Q(role__in=sorted(r.value for r in POST_ROLES)),
                name="accounts_membership_post_roles_need_person",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()}"


class Preference(models.Model):
    """A signed-in user's own settings: the language of the pages and of the e-mails.

    Set when the user picks a language with the switch in the header; read by the e-mails
    sent without a request (reminders). No row: Italian, the default of the application.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="preference",
        verbose_name=_("utente"),
    )
    language = models.CharField(
        _("lingua preferita"), max_length=8, choices=settings.LANGUAGES, default="it"
    )

    class Meta:
        verbose_name = _("preferenza dell'utente")
        verbose_name_plural = _("preferenze degli utenti")
        ordering = ["user_id"]

    def __str__(self) -> str:
        return f"{self.user}: {self.language}"


class SignInFailure(models.Model):
    """A failed sign-in (web form, admin or API token), kept to slow down password guessing
    (accounts.attempts). Removed when the same username signs in, or once old."""

    username = models.CharField(_("nome utente"), max_length=150, db_index=True)
    address = models.CharField(_("indirizzo IP"), max_length=45, blank=True, db_index=True)
    at = models.DateTimeField(_("data"), db_index=True)

    class Meta:
        verbose_name = _("accesso non riuscito")
        verbose_name_plural = _("accessi non riusciti")
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.username} {self.address} {self.at:%d/%m/%Y %H:%M}"


class InstallationAdmin(models.Model):
    """A user who administers the installation (not a Django superuser): creates the
    administrations, their first cycle and their first users, from the `/installazione/`
    pages. Granted with `traguardo user add USERNAME --installation-admin --email E`."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="installation_admin",
        verbose_name=_("utente"),
    )
    granted_at = models.DateTimeField(_("dal"), auto_now_add=True)

    class Meta:
        verbose_name = _("amministratore dell'installazione")
        verbose_name_plural = _("amministratori dell'installazione")
        ordering = ["user_id"]

    def __str__(self) -> str:
        return str(self.user)
