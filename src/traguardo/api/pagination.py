"""Page-number pagination: ``?page=2&page_size=100`` (at most 200 items a page)."""

from __future__ import annotations

from typing import cast

from django.utils.translation import gettext_lazy as _
from rest_framework.pagination import PageNumberPagination


class Pagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    # Lazy (translated when rendered); DRF's stubs want str, DRF itself calls force_str.
    page_query_description = cast(str, _("Numero di pagina (dalla prima, 1)."))
    page_size_query_description = cast(
        str, _("Elementi per pagina: 50 se non indicato, al massimo 200.")
    )
