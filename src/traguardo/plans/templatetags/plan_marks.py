"""`{% revised marks item %}`: the "modificato con revisione n. N" badge of a plan item."""

from typing import Any

from django.utils.html import format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from django import template
from traguardo.plans.marks import Marks

register = template.Library()


@register.simple_tag
def revised(marks: Marks | None, item: Any) -> SafeString:
    numbers = marks.of(item) if marks is not None else []
    if not numbers:
        return SafeString("")
    return format_html_join(
        " ",
        '<span class="badge revised-mark" style="background:#fff3c4;color:#3b2a00;'
        'border:1px solid #7a5c00">{}</span>',
        ((_("modificato con revisione n. %(n)s") % {"n": n},) for n in numbers),
    )
