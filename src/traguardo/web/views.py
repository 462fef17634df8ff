"""Home page for citizens and the dashboard for staff (filled in by the web application)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from traguardo.accounts.decorators import member_required
from traguardo.plans.models import Cycle


def home(request: HttpRequest) -> HttpResponse:
    published = Cycle.objects.filter(state=Cycle.State.PUBLISHED).select_related("entity")
    return render(request, "web/home.html", {"cycles": published.order_by("-year")})


@member_required
def dashboard(request: HttpRequest) -> HttpResponse:
    cycles = Cycle.objects.select_related("entity").order_by("-year")
    return render(request, "web/dashboard.html", {"cycles": cycles})
