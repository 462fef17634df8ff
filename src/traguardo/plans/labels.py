"""How people read the codes of the Allegato B: a block and an indicator never share one.

"B10" is indicator 10 of the administration's table (the explain code "B10"); block 10 is
"Blocco 10" (explain code "BLOCCO-10"). Every page, export and explanation shown to people
names them this way; the explain codes themselves (core.results) do not change.
"""

from __future__ import annotations

from django.utils.translation import gettext as _


def block(number: int) -> str:
    """Block `number` of the Allegato B: "Blocco 10"."""
    return _("Blocco %(n)s") % {"n": number}


def entity_indicator(number: int) -> str:
    """Indicator `number` of the administration's table: "B10"."""
    return f"B{number}"
