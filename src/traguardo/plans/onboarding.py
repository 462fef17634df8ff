"""Onboarding without the Django admin: a new administration and its users.

`add_entity` and `add_user` are the services the `entity add` and `user add` commands call
(and the web pages will). Each checks its input and says what is wrong and where
(`OnboardingRefused`), writes in one transaction and leaves an entry in the audit trail.
They live in plans, the lowest app that may write the audit trail (entity and roles are
below it).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from traguardo.accounts import current, permissions
from traguardo.accounts.models import POST_ROLES, InstallationAdmin, Membership, Role
from traguardo.audit import recorder
from traguardo.audit.middleware import current_user
from traguardo.audit.models import AuditEntry
from traguardo.audit.recorder import jsonable, values_of
from traguardo.organisation import logo
from traguardo.organisation.codes import code_problem
from traguardo.organisation.lookup import EntityNotFound, get_entity
from traguardo.organisation.models import Assignment, Entity, OrgUnit, Person


class OnboardingRefused(ValueError):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def record_created(instance: Any, entity_id: int | None, note: str = "") -> None:
    """An audit entry for a row the audit registry does not follow by itself."""
    user = current_user.get()
    if user is None or not getattr(user, "is_authenticated", False):
        user = None
    AuditEntry.objects.create(
        user=user,
        username=user.get_username() if user is not None else "",
        action=AuditEntry.Action.CREATE,
        model_label=instance._meta.label_lower,
        object_pk=str(instance.pk),
        object_repr=str(instance)[:300],
        entity_id=entity_id,
        changes={
            k: [None, jsonable(v)] for k, v in values_of(instance).items() if v not in (None, "")
        },
        note=note,
    )


def _choices(values: list[str]) -> str:
    return ", ".join(values)


@transaction.atomic
def add_entity(
    code: str, name: str, kind: str, *, short_name: str = "", website: str = ""
) -> Entity:
    """A new administration with its code, name and kind."""
    code = code.strip()
    problem = code_problem(code)
    if problem:
        raise OnboardingRefused(problem)
    if Entity.objects.filter(code=code).exists():
        raise OnboardingRefused(f"il codice «{code}» è già usato da un altro ente")
    name = name.strip()
    if not name:
        raise OnboardingRefused("indica la denominazione dell'ente (--name)")
    if Entity.objects.filter(name=name).exists():
        raise OnboardingRefused(f"esiste già un ente «{name}»")
    if kind not in Entity.Kind.values:
        raise OnboardingRefused(
            f"tipo di ente «{kind}» sconosciuto: usa uno tra {_choices(Entity.Kind.values)}"
        )
    entity = Entity.objects.create(
        code=code, name=name, kind=kind, short_name=short_name.strip(), website=website.strip()
    )
    record_created(entity, entity.pk, "Nuovo ente")
    return entity


@dataclass(frozen=True)
class NewUser:
    user: Any
    membership: Membership
    created: bool  # False: an existing user got a new role
    set_password_url: str  # "" when the user already had a password


def set_password_url(user: Any, entity: Entity | None = None) -> str:
    """The one-time link where `user` chooses a password (Django's reset tokens: it stops
    working once the password is set): absolute, from TRAGUARDO_SITE_URL, under the code of
    `entity` when the installation holds several (`current.absolute_url`)."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return current.absolute_url("accounts:set_password", entity, args=[uid, token])


def _unit(entity: Entity, code: str, day: datetime.date) -> OrgUnit:
    units = OrgUnit.objects.filter(entity=entity, code=code, valid_from__lte=day).order_by(
        "-valid_from"
    )
    unit = units.first()
    if unit is None or (unit.valid_to is not None and unit.valid_to < day):
        known = sorted(
            set(
                OrgUnit.objects.filter(entity=entity, valid_from__lte=day)
                .exclude(valid_to__lt=day)
                .values_list("code", flat=True)
            )
        )
        listed = _choices(known) if known else "nessuna: importa prima il piano"
        raise OnboardingRefused(
            f"unità «{code}» inesistente nell'ente «{entity.code}» il {day:%d/%m/%Y} "
            f"(unità: {listed})"
        )
    return unit


@transaction.atomic
def add_user(
    username: str,
    entity: str | Entity,
    role: str,
    *,
    unit: str = "",
    email: str = "",
    name: str = "",
    day: datetime.date | None = None,
) -> NewUser:
    """A user (created if new) with `role` in the administration.

    The Segretario generale, a dirigente or a PO holder is the person heading `unit`: the
    one holding that post there on `day` (today by default), or a new person given the post
    from that day. A new user has no password: `set_password_url` is the one-time link
    where they choose it."""
    try:
        owner = get_entity(entity)
    except EntityNotFound as exc:
        raise OnboardingRefused(str(exc)) from None
    username = username.strip()
    if not username:
        raise OnboardingRefused("indica il nome utente")
    if role not in Role.values:
        raise OnboardingRefused(f"ruolo «{role}» sconosciuto: usa uno tra {_choices(Role.values)}")
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise OnboardingRefused(f"indirizzo e-mail «{email}» non valido") from None
    day = day or timezone.localdate()
    person = None
    if role in POST_ROLES:
        if not unit:
            raise OnboardingRefused(
                f"il ruolo «{role}» è un incarico: indica l'unità che la persona dirige (--unit)"
            )
        org_unit = _unit(owner, unit, day)
        held = (
            Assignment.objects.on(day)
            .filter(unit=org_unit, role=role)
            .select_related("person")
            .order_by("start")
            .first()
        )
        if held is not None:
            person = held.person
        else:
            person = Person.objects.create(entity=owner, display_name=name or username)
            record_created(person, owner.pk, f"Nuova persona per l'utente {username}")
            assignment = Assignment.objects.create(
                person=person, unit=org_unit, role=role, start=day
            )
            record_created(assignment, owner.pk, f"Incarico dell'utente {username}")
    elif unit:
        raise OnboardingRefused(f"il ruolo «{role}» non riguarda un'unità: togli --unit")
    model = get_user_model()
    user = model.objects.filter(username=username).first()
    created = user is None
    if user is None:
        user = model(username=username, email=email, first_name=name)
        user.set_unusable_password()
        user.save()
    elif email and not user.email:
        user.email = email
        user.save(update_fields=["email"])
    if Membership.objects.filter(user=user, entity=owner, role=role).exists():
        raise OnboardingRefused(
            f"l'utente «{username}» ha già il ruolo «{role}» nell'ente «{owner.code}»"
        )
    membership = Membership.objects.create(user=user, entity=owner, role=role, person=person)
    record_created(membership, owner.pk, f"Ruolo di {username}")
    link = set_password_url(user, owner) if not user.has_usable_password() else ""
    return NewUser(user=user, membership=membership, created=created, set_password_url=link)


@dataclass(frozen=True)
class NewInstallationAdmin:
    user: Any
    created: bool  # False: an existing user became installation administrator
    set_password_url: str  # "" when the user already had a password


@transaction.atomic
def add_installation_admin(
    username: str, *, email: str = "", name: str = ""
) -> NewInstallationAdmin:
    """`username` (created if new, without a password) becomes an installation
    administrator: the `/installazione/` pages, where administrations, their first cycle and
    their first users are created. Not a Django superuser."""
    username = username.strip()
    if not username:
        raise OnboardingRefused("indica il nome utente")
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise OnboardingRefused(f"indirizzo e-mail «{email}» non valido") from None
    model = get_user_model()
    user = model.objects.filter(username=username).first()
    created = user is None
    if user is None:
        if not email:
            raise OnboardingRefused(
                "indica l'indirizzo e-mail del nuovo amministratore dell'installazione (--email)"
            )
        user = model(username=username, email=email, first_name=name)
        user.set_unusable_password()
        user.save()
    elif email and not user.email:
        user.email = email
        user.save(update_fields=["email"])
    if InstallationAdmin.objects.filter(user=user).exists():
        raise OnboardingRefused(f"l'utente «{username}» è già amministratore dell'installazione")
    grant = InstallationAdmin.objects.create(user=user)
    record_created(grant, None, f"Amministratore dell'installazione: {username}")
    link = set_password_url(user) if not user.has_usable_password() else ""
    return NewInstallationAdmin(user=user, created=created, set_password_url=link)


def remove_role(membership: Membership) -> None:
    """Takes a role away from a user (the user and the person stay); audited. The last
    performance office of an administration stays: without it nobody could manage it."""
    if membership.role == Role.PERFORMANCE_OFFICE:
        others = Membership.objects.filter(
            entity_id=membership.entity_id, role=Role.PERFORMANCE_OFFICE
        ).exclude(pk=membership.pk)
        if not others.exists():
            raise OnboardingRefused(
                f"«{membership.user}» è l'unico utente della struttura tecnica permanente "
                "dell'ente: invita prima un altro utente con questo ruolo"
            )
    recorder.delete(membership)


def can_edit_entity(user: Any, entity: Entity) -> bool:
    """The administration's own page (its logo): its performance office, or an
    installation administrator."""
    return permissions.is_installation_admin(user) or permissions.has_role_in(
        user, entity.pk, Role.PERFORMANCE_OFFICE
    )


@transaction.atomic
def set_logo(user: Any, entity: Entity, upload: Any | None) -> Entity:
    """The administration's logo (None removes it): checked and re-drawn as a PNG
    (organisation.logo), the old file removed once the change is committed, and an entry
    in the audit trail with the old and new file names."""
    if not can_edit_entity(user, entity):
        raise OnboardingRefused(
            _("Solo la struttura tecnica permanente dell'ente ne cambia il logo.")
        )
    old = entity.logo.name if entity.logo else ""
    if upload is not None:
        try:
            stored = logo.redrawn(upload)
        except logo.LogoRefused as exc:
            raise OnboardingRefused(exc.message) from None
        entity.logo.save("logo.png", stored, save=False)
    else:
        if not old:
            return entity
        entity.logo = ""
    entity.save(update_fields=["logo"])
    AuditEntry.objects.create(
        user=user if getattr(user, "is_authenticated", False) else None,
        username=user.get_username() if getattr(user, "is_authenticated", False) else "",
        action=AuditEntry.Action.UPDATE,
        model_label=entity._meta.label_lower,
        object_pk=str(entity.pk),
        object_repr=str(entity)[:300],
        entity_id=entity.pk,
        changes={"logo": [old or None, entity.logo.name or None]},
    )
    if old:
        storage = entity.logo.storage
        transaction.on_commit(lambda: storage.delete(old))
    return entity
