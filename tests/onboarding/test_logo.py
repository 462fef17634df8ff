"""An administration's logo (issue 16): uploaded by its office, checked (type, size,
content), stored re-drawn as a PNG, shown in the header of its pages and served safely."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from tests.world import World
from traguardo.audit.models import AuditEntry
from traguardo.organisation.models import Entity
from traguardo.plans.models import Cycle
from traguardo.plans.onboarding import OnboardingRefused, set_logo

PAGE = reverse("onboarding:office_entity")


def _png(size: tuple[int, int] = (300, 100), fmt: str = "PNG") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (6, 72, 138)).save(out, format=fmt)
    return out.getvalue()


@pytest.fixture
def media(settings: Any, tmp_path: Any) -> Any:
    settings.MEDIA_ROOT = str(tmp_path)
    return tmp_path


def test_the_office_uploads_a_logo_shown_in_the_header(
    world: World, sign_in: Callable[[str], Client], media: Any
) -> None:
    office = sign_in("ufficio")
    assert 'data-testid="entity-logo"' not in office.get(reverse("web:dashboard")).content.decode()
    upload = SimpleUploadedFile("stemma.jpg", _png(fmt="JPEG"), content_type="image/jpeg")
    response = office.post(PAGE, {"logo": upload}, follow=True)
    assert "Logo caricato." in response.content.decode()
    entity = Entity.objects.get(pk=world.entity.pk)
    assert entity.logo.name.startswith(f"loghi/{entity.code}-")
    assert entity.logo.name.endswith(".png")
    # the header of every page, the staff's and the public ones, shows it
    for client, url in (
        (office, reverse("web:dashboard")),
        (sign_in("po"), reverse("web:tree")),
    ):
        html = client.get(url).content.decode()
        assert 'data-testid="entity-logo"' in html
        assert reverse("web:entity_logo", args=[entity.code]) in html
    Cycle.objects.filter(pk=world.cycle.pk).update(state=Cycle.State.PUBLISHED)
    public = Client().get(f"/{entity.code}" + reverse("reports:results", args=[2019]))
    assert 'data-testid="entity-logo"' in public.content.decode()
    # served as the PNG Traguardo drew, to anyone, never sniffed
    served = Client().get(reverse("web:entity_logo", args=[entity.code]))
    assert served.status_code == 200
    assert served["Content-Type"] == "image/png"
    assert served["X-Content-Type-Options"] == "nosniff"
    image = Image.open(io.BytesIO(b"".join(served.streaming_content)))
    assert image.format == "PNG" and image.size == (300, 100)
    entry = AuditEntry.objects.filter(model_label="organisation.entity").latest("id")
    assert entry.username == "ufficio" and entry.changes["logo"][1] == entity.logo.name


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("stemma.svg", b"<svg xmlns='http://www.w3.org/2000/svg'><script/></svg>", "PNG, JPEG"),
        ("stemma.gif", b"GIF89a", "PNG, JPEG"),
        ("stemma.png", b"%PDF-1.4 not an image", "non è un'immagine leggibile"),
        ("stemma.png", _png(fmt="JPEG"), "non è un'immagine PNG valida"),
    ],
)
def test_a_bad_file_is_refused_with_a_message(
    world: World,
    sign_in: Callable[[str], Client],
    media: Any,
    name: str,
    content: bytes,
    message: str,
) -> None:
    response = sign_in("ufficio").post(PAGE, {"logo": SimpleUploadedFile(name, content)})
    assert response.status_code == 400
    text = response.content.decode().replace("&#x27;", "'").replace("&laquo;", "«")
    assert 'data-testid="logo-error"' in text
    assert message in text and name in text
    assert not Entity.objects.get(pk=world.entity.pk).logo


def test_a_too_large_file_is_refused(world: World, settings: Any, media: Any) -> None:
    settings.TRAGUARDO_LOGO_MAX_KB = 1
    office = get_user_model().objects.get(username="ufficio")
    big = SimpleUploadedFile("stemma.png", _png((800, 800)) + b"\0" * 2048)
    with pytest.raises(OnboardingRefused, match="troppo grande"):
        set_logo(office, world.entity, big)


def test_only_the_office_of_the_administration_sets_it(
    two_worlds: tuple[World, World], sign_in: Callable[[str], Client], media: Any
) -> None:
    mine, theirs = two_worlds
    for username in ("oiv", "po", "b_ufficio"):
        with pytest.raises(OnboardingRefused):
            set_logo(
                get_user_model().objects.get(username=username),
                mine.entity,
                SimpleUploadedFile("a.png", _png()),
            )
    assert sign_in("po").get(PAGE).status_code == 403
    # the other office under this administration's code: refused, nothing stored
    response = sign_in("b_ufficio").post(
        f"/{mine.entity.code}{PAGE}", {"logo": SimpleUploadedFile("a.png", _png())}
    )
    assert response.status_code == 403
    assert not Entity.objects.get(pk=mine.entity.pk).logo
    assert not Entity.objects.get(pk=theirs.entity.pk).logo


def test_the_logo_is_replaced_and_removed(
    world: World, sign_in: Callable[[str], Client], media: Any
) -> None:
    office = sign_in("ufficio")
    office.post(PAGE, {"logo": SimpleUploadedFile("a.png", _png())})
    first = Entity.objects.get(pk=world.entity.pk).logo.name
    office.post(PAGE, {"logo": SimpleUploadedFile("b.webp", _png(fmt="WEBP"))})
    second = Entity.objects.get(pk=world.entity.pk).logo.name
    assert second != first and (media / second).exists()
    office.post(PAGE, {"remove": "on"})
    assert not Entity.objects.get(pk=world.entity.pk).logo
    assert Client().get(reverse("web:entity_logo", args=[world.entity.code])).status_code == 404


def test_the_relazione_carries_the_logo_to_its_cover(world: World, media: Any) -> None:
    from traguardo.reports.relazione.content import build_document

    office = get_user_model().objects.get(username="ufficio")
    assert build_document(world.cycle).logo == b""
    set_logo(office, world.entity, SimpleUploadedFile("a.png", _png()))
    entity = Entity.objects.get(pk=world.entity.pk)
    cycle = Cycle.objects.select_related("entity").get(pk=world.cycle.pk)
    with entity.logo.open("rb") as stored:
        assert build_document(cycle).logo == stored.read()
