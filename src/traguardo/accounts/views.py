from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, resolve_url
from django.urls import Resolver404, resolve
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

from traguardo.accounts import current, permissions, preferences
from traguardo.accounts.forms import SignInForm
from traguardo.accounts.models import Preference


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True
    form_class = SignInForm

    def get_default_redirect_url(self) -> str:
        # An installation administrator with no role in an administration has no dashboard:
        # their pages are /installazione/ (the onboarding app's, named here by URL name only).
        user = self.request.user
        if permissions.is_installation_admin(user) and not permissions.is_member(user):
            return resolve_url("onboarding:installation")
        return super().get_default_redirect_url()

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        response = super().form_valid(form)
        # A language chosen earlier follows the user to a new browser.
        if Preference.objects.filter(user=form.get_user()).exists():
            language = preferences.preferred_language(form.get_user())
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                language,
                max_age=settings.LANGUAGE_COOKIE_AGE,
                samesite=settings.LANGUAGE_COOKIE_SAMESITE,
            )
        return response


def set_language(request: HttpRequest) -> HttpResponse:
    """Django's language switch; a signed-in user's choice is also remembered (e-mails)."""
    response = django_set_language(request)
    if request.method == "POST":
        preferences.remember_language(request.user, request.POST.get("language", ""))
    return response


@require_POST
def switch_entity(request: HttpRequest) -> HttpResponse:
    """The header's switcher: work in another of the user's administrations. Goes back to
    the same page under the new administration's code (its dashboard when the page was
    about one object, e.g. an objective, which belongs to the old one)."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    code = request.POST.get("ente", "").strip()
    if not code:
        return HttpResponseBadRequest(_("Scegli l'ente in cui lavorare."))
    entity = current.choose(request, code)  # 403 for one the user has no role in
    messages.success(request, _("Ora lavori per: %(name)s.") % {"name": entity.name})
    page = request.POST.get("pagina", "")
    try:
        match = resolve(page) if page.startswith("/") else None
    except Resolver404:
        match = None
    if match is None or match.args or match.kwargs or match.view_name.startswith("accounts:"):
        return redirect(current.reverse_for(request, entity, "web:dashboard"))
    return redirect(current.reverse_for(request, entity, match.view_name))
