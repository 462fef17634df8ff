"""The tree lists units as people number them (issue 16: codes sorted as numbers)."""

from traguardo.web.tree import code_key


def test_codes_are_sorted_as_numbers() -> None:
    codes = ["2.10", "2.9", "10.1", "2.1", "STAFF", "2.1.3", "1"]
    assert sorted(codes, key=code_key) == ["1", "2.1", "2.1.3", "2.9", "2.10", "10.1", "STAFF"]
