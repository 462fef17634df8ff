"""The Relazione's own content for a cycle imported from the fixture (cycle.yaml).

demo.importer stores the plan; the narratives, the headline indicators of section 1 and
the staff figures live in reports.models and are imported here, once per cycle, by
`traguardo load-demo` (the Relazione never reads the fixture itself). Figures typed inside
the printed narratives are replaced by placeholders, so the text follows the data.
"""

from __future__ import annotations

import re
from typing import Any

from django.db import transaction

from traguardo.core.numbers import parse_number
from traguardo.demo.fixture import DATA
from traguardo.plans.models import Cycle, Indicator
from traguardo.reports.models import HeadlineIndicator, Narrative, StaffFigures
from traguardo.reports.relazione.gender import split_total
from traguardo.reports.relazione.sanitize import text_to_html
from traguardo.yamlfiles import read_yaml

# Printed figure -> placeholder, applied to the imported narratives (see docs/relazione.md).
_FIGURES: tuple[tuple[str, str], ...] = (
    (r"pari a 98,61%", "pari a {{ performance_ente }}"),
    (r"pari al 98,61%", "pari al {{ performance_ente }}"),
    (r"\(128 unità", "({{ personale_totale }} unità"),
    (r"le donne sono il 75%", "le donne sono il {{ personale_donne_pct }}"),
    (r"restante 25%", "restante {{ personale_uomini_pct }}"),
    (r"n\. 128 dipendenti", "n. {{ personale_totale }} dipendenti"),
    (r"\(FTE\) pari a n\. 120,05", "(FTE) pari a n. {{ personale_fte }}"),
    (r"complessivamente n\. 41;", "complessivamente n. {{ revisione_1_variazioni }};"),
)


def fixture_content(year: int) -> dict[str, Any] | None:
    path = DATA / str(year) / "cycle.yaml"
    if not path.exists():
        return None
    data: dict[str, Any] = read_yaml(path)
    return data


def with_placeholders(text: str) -> str:
    for pattern, replacement in _FIGURES:
        text = re.sub(pattern, replacement, text)
    return text


def has_content(cycle: Cycle) -> bool:
    return Narrative.objects.filter(cycle=cycle).exists()


@transaction.atomic
def import_content(cycle: Cycle, data: dict[str, Any]) -> int:
    """Store narratives, headline indicators and staff figures; returns narratives stored."""
    narratives = data.get("narratives") or {}
    stored = 0
    for section in Narrative.Section.values:
        text = narratives.get(section)
        if not text:
            continue
        Narrative.objects.update_or_create(
            cycle=cycle,
            section=section,
            defaults={"html": text_to_html(with_placeholders(str(text)))},
        )
        stored += 1
    headline = data.get("headline") or {}
    HeadlineIndicator.objects.filter(cycle=cycle).delete()
    names = {
        " ".join(i.name.split()).lower(): i
        for i in Indicator.objects.filter(objective__cycle=cycle)
    }
    for position, item in enumerate(headline.get("indicators") or [], start=1):
        label = str(item.get("label", ""))
        HeadlineIndicator.objects.create(
            cycle=cycle,
            position=position,
            label=label,
            indicator=names.get(" ".join(label.split()).lower()),
            value_text=str(item.get("value_printed", "")),
        )
    staff = data.get("staff") or {}
    if staff.get("total_31_12"):
        share = parse_number(str(staff.get("women_share_printed", "0")).rstrip("%"))
        women, men = split_total(int(staff["total_31_12"]), share)
        StaffFigures.objects.update_or_create(
            cycle=cycle,
            defaults={
                "women": women,
                "men": men,
                "managers": int(staff.get("dirigenti") or 0),
                "fte": parse_number(str(staff["fte"])) if staff.get("fte") else None,
                "leavers": sum(int(x.get("count", 0)) for x in staff.get("leavers") or []),
                "joiners": sum(int(x.get("count", 0)) for x in staff.get("joiners") or []),
            },
        )
    return stored


def ensure_content(cycle: Cycle) -> bool:
    """Import the fixture's content for this cycle if none is stored and the fixture is
    this entity's; True if something was imported."""
    if has_content(cycle):
        return False
    data = fixture_content(cycle.year)
    if data is None or (data.get("entity") or {}).get("name") != cycle.entity.name:
        return False
    import_content(cycle, data)
    return True
