"""What in the Relazione blocks validating or publishing a cycle: texts not written."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import ngettext

from traguardo.plans.blockers import Blocker
from traguardo.plans.models import Cycle
from traguardo.reports.models import Narrative


def blockers(cycle: Cycle, target: str) -> list[Blocker]:
    if target not in (Cycle.State.VALIDATED, Cycle.State.PUBLISHED):
        return []
    written = {
        section
        for section, html in Narrative.objects.filter(cycle=cycle).values_list("section", "html")
        if html.strip()
    }
    missing = [label for key, label in Narrative.Section.choices if key not in written]
    if not missing:
        return []
    return [
        Blocker(
            ngettext(
                "%(n)s testo della Relazione non è scritto: %(sections)s.",
                "%(n)s testi della Relazione non sono scritti: %(sections)s.",
                len(missing),
            )
            % {"n": len(missing), "sections": "; ".join(str(m) for m in missing)},
            len(missing),
            reverse("relazione:narratives", args=[cycle.year]),
        )
    ]
