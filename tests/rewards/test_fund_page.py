"""The fund page: art. 67 release from the 2019 results, amounts to the cent, XLSX, privacy."""

import io
from collections.abc import Callable
from decimal import Decimal

from django.test import Client
from openpyxl import load_workbook

from traguardo.plans import versions
from traguardo.plans.models import Cycle
from traguardo.rewards.models import Fund
from traguardo.rewards.services import fund_report, selectivity
from traguardo.scoring.services import score_cycle

ClientAs = Callable[[str], Client]


def test_amounts_add_up_to_the_distributable_fund(people: Cycle) -> None:
    report = fund_report(Fund.objects.get(cycle=people), score_cycle(people))
    assert len(report.released) == 21  # the schede carried by objectives of Allegato C
    # every scheda's objectives were achieved in 2019 (their performance is 100%)
    assert all(r.achievement == 100 for r in report.released)
    assert report.released_total == Decimal("69500.00")
    assert report.distributable == Decimal("189500.00")
    assert report.distribution.total == report.distributable
    assert report.distribution.undistributed == 0
    by = {a.code: a for a in report.distribution.allocations}
    # 58 (category C) is below the 60 threshold: no bonus, and said why
    below = [a for a in by.values() if a.score is not None and a.score < 60]
    assert below and all(a.amount == 0 for a in below)
    assert all(a.amount <= Decimal("7500.00") for a in by.values())
    assert sum(1 for a in by.values() if a.top) <= 42 // 10


def test_release_follows_an_objective_that_falls_short(people: Cycle) -> None:
    from traguardo.monitoring.models import Measurement

    objective = people.operational_objectives.get(art67_scheda=9)
    first = objective.indicators.order_by("number").first()
    assert first is not None
    Measurement.objects.filter(indicator=first, period__code="31.12").update(text="1")
    versions.bump([people.pk])  # a raw update: the write services bump the version themselves
    fund = Fund.objects.get(cycle=people)
    score = score_cycle(people)
    key = f"{objective.home_unit.code}/{objective.number}"
    performance = score.objectives[key].performance
    assert performance is not None and performance < 100
    released = {r.scheda: r for r in fund_report(fund, score).released}
    assert released[9].amount == (Decimal("3000.00") * performance / 100).quantize(
        Decimal("0.01"), rounding="ROUND_DOWN"
    )
    fund.release_rule = "threshold"
    fund.save()
    assert {r.scheda: r for r in fund_report(fund, score).released}[9].amount == 0


def test_office_sees_the_page_and_downloads_the_xlsx(people: Cycle, client_as: ClientAs) -> None:
    office = client_as("ufficio")
    page = office.get("/premi/").content.decode()
    assert "Importi di esempio" in page
    assert 'data-testid="distributed-total"><strong>189.500,00 €' in page
    assert "Nessun ciclo precedente" in page
    response = office.get("/premi/premi.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Matricola"
    assert rows[-1][0] == "Totale"
    assert sum(Decimal(str(r[4])) for r in rows[1:-1]) == Decimal("189500.00")


def test_po_and_dirigente_cannot_see_the_fund(people: Cycle, client_as: ClientAs) -> None:
    assert client_as("po").get("/premi/").status_code == 403
    assert client_as("dirigente").get("/premi/premi.xlsx").status_code == 403
    assert client_as("oiv").get("/premi/").status_code == 200


def test_selectivity_by_role_and_category(people: Cycle) -> None:
    groups = {g.group: g for g in selectivity(people, score_cycle(people))}
    assert groups["Categoria C"].count == 22
    c_bands = {b.band: b.count for b in groups["Categoria C"].bands}
    assert c_bands["Eccellente"] == 4  # 100, 99, 97, 95
    assert sum(b.count for b in groups["Categoria C"].bands) == 22
    # cards not yet evaluated are counted as such, never given a score
    po = groups["Titolare di posizione organizzativa"]
    assert po.count == 11 and po.mean is None


def test_selectivity_compared_with_the_previous_cycle(people: Cycle, client_as: ClientAs) -> None:
    from traguardo.rewards.models import Beneficiary

    previous = Cycle.objects.create(
        entity=people.entity, year=2018, plan_period_start=2018, plan_period_end=2020
    )
    fund = Fund.objects.create(
        cycle=previous, base_amount=Decimal("1000.00"), coefficients={"C": "1"}
    )
    for code, score in (("A", "100"), ("B", "100"), ("C", "99")):
        Beneficiary.objects.create(fund=fund, code=code, category="C", score=Decimal(score))
    page = client_as("ufficio").get("/premi/?anno=2019").content.decode()
    assert "Nessun ciclo precedente" not in page
    assert "Anno precedente" in page and "— 2018" in page
    # 2018: all three in the top band, 100% — the old system was not selective
    assert "Eccellente: 3 (100,00%)" in page


def test_office_imports_evaluations_with_presence_by_the_cycles_rules(
    people: Cycle, client_as: ClientAs
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    content = (
        b"matricola;categoria;punteggio;giorni_assenza;part_time\n"
        b"M1;C;92,5;0;\n"
        b"M2;D;88;65;50\n"
        b"M3;B;;;\n"
    )
    response = client_as("ufficio").post(
        "/premi/", {"file": SimpleUploadedFile("valutazioni.csv", content)}, follow=True
    )
    assert "Importati 3 beneficiari" in response.content.decode()
    rows = {b.code: b for b in Fund.objects.get(cycle=people).beneficiaries.all()}
    assert rows["M1"].score == Decimal("92.5") and rows["M1"].presence == 1
    # behaviours.yaml: absences beyond 30 days and part time pro rata: (365 − 35)/365 × 50%
    assert rows["M2"].presence == (Decimal(330) / Decimal(365) / 2).quantize(
        Decimal("0.000001"), rounding="ROUND_DOWN"
    )
    assert rows["M3"].score is None  # not evaluated: no bonus, never a zero score
    report = fund_report(Fund.objects.get(cycle=people), score_cycle(people))
    # two people for 189.500 €: both reach the 7.500 € cap, the rest is an explained saving
    amounts = {a.code: a.amount for a in report.distribution.allocations}
    assert amounts == {"M1": Decimal("7500.00"), "M2": Decimal("7500.00"), "M3": 0}
    assert report.distribution.total + report.distribution.undistributed == report.distributable


def test_an_import_leaves_one_audit_entry_saying_who_replaced_what(
    people: Cycle, client_as: ClientAs
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from traguardo.audit.models import AuditEntry

    fund = Fund.objects.get(cycle=people)
    kept = fund.beneficiaries.order_by("code")[0]
    content = (
        f"matricola;categoria;punteggio\n{kept.code};{kept.category};77\nNUOVO1;C;90\n"
    ).encode()
    client_as("ufficio").post("/premi/", {"file": SimpleUploadedFile("nuove.csv", content)})
    entry = AuditEntry.objects.filter(action="bulk").latest("id")
    assert entry.username == "ufficio"
    assert "nuove.csv" in entry.note
    assert entry.changes["added"] == ["NUOVO1"]
    assert kept.code not in entry.changes["removed"]
    assert len(entry.changes["removed"]) == entry.changes["before"] - 1
    assert entry.changes["changed"][kept.code]["new"] == [kept.category, "77"]


def test_import_errors_keep_the_previous_beneficiaries(people: Cycle, client_as: ClientAs) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    before = Fund.objects.get(cycle=people).beneficiaries.count()
    content = b"matricola,categoria,punteggio\nM1,Z,90\nM1,C,abc\n,C,120\n"
    page = (
        client_as("ufficio")
        .post("/premi/", {"file": SimpleUploadedFile("v.csv", content)}, follow=True)
        .content.decode()
    )
    assert "v.csv, riga 2, colonna categoria: «Z» senza coefficiente" in page
    assert "v.csv, riga 3, colonna matricola: ripetuta" in page
    assert "v.csv, riga 3, colonna punteggio: «abc» non è un numero" in page
    assert "v.csv, riga 4, colonna punteggio: 120 fuori dall" in page
    assert Fund.objects.get(cycle=people).beneficiaries.count() == before


def test_oiv_cannot_import(people: Cycle, client_as: ClientAs) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    content = b"matricola,categoria,punteggio\nM1,C,90\n"
    response = client_as("oiv").post("/premi/", {"file": SimpleUploadedFile("v.csv", content)})
    assert response.status_code == 403
