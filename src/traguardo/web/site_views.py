"""The footer pages (accessibility statement, privacy notice, legal notes, contacts):
public, without sign-in, under the administration's prefix (/tvbl/sito/accessibilita/);
edited by its performance office (or the installation's administrator)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from django import forms
from traguardo.accounts import current
from traguardo.organisation.models import Entity
from traguardo.web.models import SitePageKind
from traguardo.web.services import (
    SITE_PAGE_MAX_LENGTH,
    may_edit_site_pages,
    save_site_page,
    site_page_text,
)
from traguardo.web.sitepages import blocks


class SitePageForm(forms.Form):
    text = forms.CharField(
        label=gettext_lazy("Testo della pagina"),
        max_length=SITE_PAGE_MAX_LENGTH,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 24, "class": "form-control"}),
        help_text=gettext_lazy(
            "Testo semplice: una riga che inizia con «## » è un titolo, una riga vuota "
            "separa i paragrafi, una riga che inizia con «- » è una voce di elenco. Le parti "
            "tra parentesi quadre del modello vanno sostituite con i dati dell'ente."
        ),
    )


def _kind(slug: str) -> SitePageKind:
    try:
        return SitePageKind(slug)
    except ValueError:
        raise Http404(_("Pagina inesistente.")) from None


def page(request: HttpRequest, kind: str) -> HttpResponse:
    page_kind = _kind(kind)
    entity = current.public_entity(request)
    if entity is None:
        # Several administrations and none named: each one's page, under its code.
        links = [
            (e, current.reverse_for(request, e, "web:site_page", [page_kind.value]))
            for e in Entity.objects.order_by("name")
        ]
        return render(request, "web/site/choose.html", {"kind": page_kind, "links": links})
    text, saved = site_page_text(entity, page_kind)
    context = {
        "kind": page_kind,
        "entity": entity,
        "blocks": blocks(text),
        "saved": saved,
        "can_edit": may_edit_site_pages(request.user, entity),
    }
    return render(request, "web/site/page.html", context)


@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, kind: str) -> HttpResponse:
    page_kind = _kind(kind)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    entity = current.public_entity(request)
    if entity is None:
        raise Http404(_("Scegli l'ente: l'indirizzo deve contenere il suo codice."))
    if not may_edit_site_pages(request.user, entity):
        raise PermissionDenied(_("Solo l'ufficio performance dell'ente modifica le sue pagine."))
    text, saved = site_page_text(entity, page_kind)
    form = SitePageForm(request.POST if request.method == "POST" else None, initial={"text": text})
    if request.method == "POST" and form.is_valid():
        try:
            save_site_page(request.user, entity, page_kind, form.cleaned_data["text"])
        except ValueError as exc:
            form.add_error("text", str(exc))
        else:
            messages.success(request, _("Pagina salvata."))
            return redirect(reverse("web:site_page", args=[page_kind.value]))
    context = {"kind": page_kind, "entity": entity, "form": form, "saved": saved}
    return render(request, "web/site/edit.html", context)
