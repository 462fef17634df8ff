"""The onboarding pages (issue 13 point 3).

`/installazione/…` for the installation administrator (accounts.InstallationAdmin): the
administrations, a new one, its first cycle, its users. `/ente/…` for the performance
office, about its own administration only: its users and roles, its first cycle. The
invitation e-mails the one-time link where the new user chooses the password.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from smtplib import SMTPException
from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.mail import send_mail
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from traguardo.accounts import current, permissions
from traguardo.accounts.models import Membership, Role
from traguardo.monitoring.cycles import add_cycle
from traguardo.onboarding.forms import CycleForm, EntityForm, InviteForm, LogoForm
from traguardo.organisation.logo import logo_url
from traguardo.organisation.models import Entity
from traguardo.plans.models import Cycle
from traguardo.plans.onboarding import (
    OnboardingRefused,
    add_entity,
    add_user,
    remove_role,
    set_logo,
)

View = Callable[..., HttpResponse]


def installation_admin_required(view: View) -> View:
    """Signed in and installation administrator; otherwise the login page or 403."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not permissions.is_installation_admin(request.user):
            raise PermissionDenied(_("Pagina riservata agli amministratori dell'installazione."))
        return view(request, *args, **kwargs)

    return wrapper


def office_entity(request: HttpRequest) -> Entity:
    """The administration whose performance office the user is: the page's (the URL's code,
    else the one chosen in the header), else their first as an office; `?ente=CODE` (links
    of earlier versions) still picks one. 403 for anyone else and for the administration
    of another office."""
    if not request.user.is_authenticated:
        raise PermissionDenied(_("Accedi come struttura tecnica permanente."))
    own = [
        m.entity_id
        for m in permissions.memberships(request.user)
        if m.role == Role.PERFORMANCE_OFFICE
    ]
    if not own:
        raise PermissionDenied(_("Pagina riservata alla struttura tecnica permanente."))
    refused = _("Non sei la struttura tecnica permanente di questo ente.")
    code = request.GET.get("ente", "").strip()
    entities = Entity.objects.filter(pk__in=own).order_by("name")
    named = current.url_entity(request)
    if named is not None:  # /tvbl/ente/utenti/: that administration or nothing
        if named.pk not in own or (code and code != named.code):
            raise PermissionDenied(refused)
        return named
    if code:
        entity = entities.filter(code=code).first()
        if entity is None:
            raise PermissionDenied(refused)
        return entity
    chosen = current.chosen_entity(request)
    if chosen is not None and chosen.pk in own:
        return chosen
    first = entities.first()
    assert first is not None
    return first


def _office(view: View) -> View:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return view(request, office_entity(request), *args, **kwargs)

    return wrapper


# --- shared by the two areas ------------------------------------------------------------


def _send_invitation(request: HttpRequest, entity: Entity, email: str, link: str) -> bool:
    """E-mails the one-time link (absolute, from TRAGUARDO_SITE_URL, under the
    administration's code when there are several); False (and the link shown to the
    inviter, who passes it on) when the mail server refuses it."""
    subject = _("Traguardo: il tuo accesso per %(entity)s") % {"entity": entity.name}
    body = _(
        "Ti è stato dato un accesso a Traguardo, il ciclo della performance di %(entity)s.\n\n"
        "Scegli la tua password da questo collegamento (vale una sola volta):\n%(link)s\n\n"
        "Poi accedi con il tuo nome utente."
    ) % {"entity": entity.name, "link": link}
    try:
        send_mail(subject, body, None, [email])
    except (OSError, SMTPException) as exc:
        messages.warning(
            request,
            _(
                "L'e-mail a %(email)s non è partita (%(error)s): il ruolo è stato dato; "
                "passa tu alla persona questo collegamento, valido una sola volta: %(link)s"
            )
            % {"email": email, "error": exc.__class__.__name__, "link": link},
        )
        return False
    return True


def _users_page(
    request: HttpRequest, entity: Entity, here: str, context: dict[str, Any]
) -> HttpResponse:
    form = InviteForm()
    if request.method == "POST":
        if request.POST.get("action") == "remove":
            wanted = request.POST.get("membership", "")
            membership = get_object_or_404(
                Membership, pk=int(wanted) if wanted.isdigit() else 0, entity=entity
            )
            try:
                remove_role(membership)
            except OnboardingRefused as exc:
                messages.error(request, exc.message)
            else:
                messages.success(
                    request,
                    _("Tolto il ruolo «%(role)s» a %(user)s.")
                    % {"role": membership.get_role_display(), "user": membership.user},
                )
            return redirect(here)
        form = InviteForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                new = add_user(
                    data["username"],
                    entity,
                    data["role"],
                    unit=data["unit"].strip(),
                    email=data["email"],
                    name=data["name"].strip(),
                )
            except OnboardingRefused as exc:
                form.add_error(None, exc.message)
            else:
                if new.set_password_url:
                    email = new.user.email or data["email"]
                    if _send_invitation(request, entity, email, new.set_password_url):
                        messages.success(
                            request,
                            _("Invito inviato a %(email)s: il collegamento vale una sola volta.")
                            % {"email": email},
                        )
                else:
                    messages.success(
                        request,
                        _("Dato il ruolo «%(role)s» a %(user)s.")
                        % {"role": new.membership.get_role_display(), "user": new.user},
                    )
                return redirect(here)
    rows = (
        Membership.objects.filter(entity=entity)
        .select_related("user", "person")
        .order_by("user__username", "role")
    )
    cycles = Cycle.objects.filter(entity=entity).order_by("-year")
    return render(
        request,
        "onboarding/users.html",
        {"entity": entity, "memberships": rows, "form": form, "cycles": cycles, **context},
        status=400 if form.errors else 200,
    )


def _cycle_page(
    request: HttpRequest, entity: Entity, done: str, context: dict[str, Any]
) -> HttpResponse:
    form = CycleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            cycle, _preview = add_cycle(
                entity, form.cleaned_data["year"], form.cleaned_data["plan"]
            )
        except OnboardingRefused as exc:
            form.add_error(None, exc.message)
        else:
            assert cycle is not None
            messages.success(
                request,
                _("Creato il ciclo %(year)s di %(entity)s: ora scrivi il Piano.")
                % {"year": cycle.year, "entity": entity.name},
            )
            return redirect(done)
    cycles = Cycle.objects.filter(entity=entity).order_by("-year")
    return render(
        request,
        "onboarding/cycle_form.html",
        {"entity": entity, "form": form, "cycles": cycles, **context},
        status=400 if form.errors else 200,
    )


# --- installation administrator ----------------------------------------------------------


@installation_admin_required
def installation(request: HttpRequest) -> HttpResponse:
    entities = Entity.objects.annotate(
        n_cycles=Count("cycles", distinct=True),
        n_users=Count("memberships__user", distinct=True),
    ).order_by("name")
    return render(request, "onboarding/installation.html", {"entities": entities})


@installation_admin_required
@require_http_methods(["GET", "POST"])
def entity_new(request: HttpRequest) -> HttpResponse:
    form = EntityForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            entity = add_entity(
                data["code"],
                data["name"],
                data["kind"],
                short_name=data["short_name"],
                website=data["website"],
            )
        except OnboardingRefused as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request,
                _("Creato l'ente %(name)s: ora crea il suo primo ciclo.") % {"name": entity.name},
            )
            return redirect("onboarding:cycle_new", entity.code)
    return render(
        request, "onboarding/entity_form.html", {"form": form}, status=400 if form.errors else 200
    )


@installation_admin_required
@require_http_methods(["GET", "POST"])
def cycle_new(request: HttpRequest, code: str) -> HttpResponse:
    owner = get_object_or_404(Entity, code=code)
    here = reverse("onboarding:users", args=[owner.code])
    return _cycle_page(request, owner, here, {"installation": True})


@installation_admin_required
@require_http_methods(["GET", "POST"])
def users(request: HttpRequest, code: str) -> HttpResponse:
    owner = get_object_or_404(Entity, code=code)
    here = reverse("onboarding:users", args=[owner.code])
    return _users_page(request, owner, here, {"installation": True})


# --- the performance office, its own administration --------------------------------------


def _own_url(name: str, entity: Entity, request: HttpRequest) -> str:
    """An office page of `entity`: under its code when the installation holds several."""
    if current.several():
        return current.reverse_for(request, entity, name)
    return reverse(name)


@_office
@require_http_methods(["GET", "POST"])
def office_users(request: HttpRequest, entity: Entity) -> HttpResponse:
    here = _own_url("onboarding:office_users", entity, request)
    cycle_url = _own_url("onboarding:office_cycle_new", entity, request)
    smvp_url = _own_url("plans:smvp", entity, request)
    return _users_page(
        request,
        entity,
        here,
        {"installation": False, "cycle_url": cycle_url, "smvp_url": smvp_url},
    )


@_office
@require_http_methods(["GET", "POST"])
def office_cycle_new(request: HttpRequest, entity: Entity) -> HttpResponse:
    return _cycle_page(
        request,
        entity,
        _own_url("plans:editor", entity, request),
        {"installation": False, "users_url": _own_url("onboarding:office_users", entity, request)},
    )


@_office
@require_http_methods(["GET", "POST"])
def office_administration(request: HttpRequest, entity: Entity) -> HttpResponse:
    """The office's own administration: its name and code, and its logo (upload, remove)."""
    here = _own_url("onboarding:office_entity", entity, request)
    form = LogoForm()
    if request.method == "POST":
        form = LogoForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            try:
                set_logo(request.user, entity, None if data["remove"] else data["logo"])
            except OnboardingRefused as exc:
                form.add_error("logo", exc.message)
            else:
                messages.success(
                    request, _("Logo tolto.") if data["remove"] else _("Logo caricato.")
                )
                return redirect(here)
    return render(
        request,
        "onboarding/entity.html",
        {
            "entity": entity,
            "form": form,
            "logo_url": logo_url(entity),
            "users_url": _own_url("onboarding:office_users", entity, request),
        },
        status=400 if form.errors else 200,
    )
