"""An administration's logo: checked, then stored re-drawn as a small PNG.

The upload is refused unless it is a PNG, JPEG or WebP image (by its content, not only its
name) within the size limits; SVG is refused (it may carry scripts). What is stored is not
the uploaded file but the image decoded and drawn again as a PNG of at most
`STORED_SIZE` pixels: whatever else the file carried (metadata, a payload after the image)
is left behind, and the logo is always served as `image/png`.
"""

from __future__ import annotations

import io
import uuid
import warnings
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

# Extension -> the image format Pillow must find in the content.
ALLOWED = {"png": "PNG", "jpg": "JPEG", "jpeg": "JPEG", "webp": "WEBP"}
MAX_PIXELS = 4000 * 4000  # of the upload, checked before decoding it
STORED_SIZE = (800, 240)  # the stored logo fits in this box (a header is ~60 px high)


class LogoRefused(ValueError):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def max_bytes() -> int:
    return int(getattr(settings, "TRAGUARDO_LOGO_MAX_KB", 1024)) * 1024


def logo_path(instance: Any, filename: str) -> str:
    """A name of ours (never the uploader's), new for every upload (no stale caches)."""
    return f"loghi/{instance.code}-{uuid.uuid4().hex[:12]}.png"


def redrawn(upload: Any) -> ContentFile[bytes]:
    """The uploaded logo as a checked, re-drawn PNG; LogoRefused saying what is wrong."""
    name = str(getattr(upload, "name", "") or "")
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in ALLOWED:
        raise LogoRefused(
            _("Il logo «%(name)s» non è un formato ammesso: carica un'immagine PNG, JPEG o WebP.")
            % {"name": name}
        )
    size = int(getattr(upload, "size", 0) or 0)
    if size > max_bytes():
        raise LogoRefused(
            _("Il logo «%(name)s» è troppo grande (%(size)s kB): il limite è %(limit)s kB.")
            % {"name": name, "size": size // 1024, "limit": max_bytes() // 1024}
        )
    try:
        upload.seek(0)
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(upload)
            if image.format != ALLOWED[extension]:
                raise LogoRefused(
                    _("Il file «%(name)s» non è un'immagine %(kind)s valida.")
                    % {"name": name, "kind": ALLOWED[extension]}
                )
            width, height = image.size
            if width * height > MAX_PIXELS:
                raise LogoRefused(
                    _("Il logo «%(name)s» è troppo grande (%(w)s×%(h)s pixel).")
                    % {"name": name, "w": width, "h": height}
                )
            image.load()
    except LogoRefused:
        raise
    except (
        UnidentifiedImageError,
        OSError,
        SyntaxError,
        ValueError,
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,
    ):
        raise LogoRefused(
            _("Il file «%(name)s» non è un'immagine leggibile.") % {"name": name}
        ) from None
    drawn = image.convert("RGBA")
    drawn.thumbnail(STORED_SIZE)
    out = io.BytesIO()
    drawn.save(out, format="PNG", optimize=True)
    return ContentFile(out.getvalue(), name="logo.png")


def logo_url(entity: Any) -> str:
    """The administration's logo (web:entity_logo), "" when it has none. The stored name
    changes with every upload: it is in the address, so a browser never keeps an old one."""
    if entity is None or not entity.logo:
        return ""
    version = entity.logo.name.rsplit("/", 1)[-1].removesuffix(".png")
    return reverse("web:entity_logo", args=[entity.code]) + f"?v={version}"
