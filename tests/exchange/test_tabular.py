"""The pure rules of traguardo.core.tabular: codes, weights, loops, CSV, formula injection."""

from __future__ import annotations

from decimal import Decimal

import pytest

from traguardo.core.tabular import (
    CodeError,
    CsvError,
    Issue,
    decode_csv,
    find_loop,
    neutralise,
    parse_indicator_code,
    parse_objective_code,
    parse_unit_code,
    read_csv,
    restore,
    split_list,
    weights_problem,
)


def test_codes() -> None:
    assert parse_unit_code(" 2.1.PDC ") == "2.1.PDC"
    assert parse_objective_code("2.1/1") == ("2.1", 1)
    assert parse_indicator_code("2.1/1#2") == ("2.1/1", 2)
    assert parse_indicator_code("b14") == (None, 14)
    for bad, call in (("2.1 / x", parse_objective_code), ("2.1/1-2", parse_indicator_code)):
        with pytest.raises(CodeError, match="non valido"):
            call(bad)
    with pytest.raises(CodeError, match="usa numeri e sigle separati da punti"):
        parse_unit_code("2,1")
    assert split_list("1.2, 6.4;\n6.5") == ["1.2", "6.4", "6.5"]


def test_weights_must_sum_to_100() -> None:
    assert weights_problem([Decimal("33.333"), Decimal("33.333"), Decimal("33.334")]) is None
    assert weights_problem([Decimal(50), Decimal("40.5")]) == (
        "i pesi degli indicatori sommano a 90,5 invece di 100"
    )


def test_loops_in_a_tree() -> None:
    assert find_loop({"2": None, "2.1": "2", "2.1.1": "2.1"}) is None
    loop = find_loop({"2": "2.1.1", "2.1": "2", "2.1.1": "2.1", "3": None})
    assert loop is not None and loop[0] == loop[-1] and set(loop) == {"2", "2.1", "2.1.1"}


def test_csv_encodings_and_separators() -> None:
    assert decode_csv("città".encode("utf-8-sig")) == ("città", "utf-8-sig")
    assert decode_csv("città".encode()) == ("città", "utf-8")
    assert decode_csv("città €".encode("cp1252")) == ("città €", "cp1252")
    parsed = read_csv("Codice;Valore\r\nB14;54,47%\r\n".encode("cp1252"))
    assert (parsed.delimiter, parsed.rows) == (";", [["Codice", "Valore"], ["B14", "54,47%"]])
    assert read_csv(b"a,b\n1,2\n").delimiter == ","
    with pytest.raises(CsvError, match="dati binari"):
        decode_csv(b"PK\x03\x04\x00\x00")


@pytest.mark.parametrize("text", ["=1+2", "+39 0422", "-2", "@SUM(A1)", "\tx", "\rx"])
def test_formula_injection_is_neutralised_and_restored(text: str) -> None:
    assert neutralise(text) == "'" + text
    assert restore(str(neutralise(text))) == text


def test_numbers_and_plain_text_are_left_alone() -> None:
    assert neutralise(-2) == -2
    assert neutralise(">= 100") == ">= 100"
    assert restore("'ciao") == "'ciao"


def test_issue_says_where() -> None:
    issue = Issue("Indicatori", 12, "Peso", "manca il peso")
    assert str(issue) == "foglio «Indicatori», riga 12, colonna «Peso»: manca il peso"
    assert str(Issue("", None, "", "file vuoto")) == "file vuoto"
