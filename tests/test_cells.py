"""Parsing a column in bulk gives the values and the errors of parsing it cell by cell."""

import datetime as dt

import pytest

from ieo import contract as c
from ieo.cells import MAX_TEXT, _cell_by_cell, column_values
from ieo.raw_errors import RawError

FILE = "2019/t.csv"
# Cells that break, or nearly break, every kind's rules: blanks, padding, signs, underscores, full-width digits,
# exponents, NaN and infinity, impossible and partial dates, formulas, control characters (alone and at the
# ends, where strip removes some), over-long text, spellings of reference codes, and repeats of each.
TRICKY = [
    "", " ", "\t", "7", " 7 ", "+3", "-0", "1_000", "１２", "1.0", "1.5", "1e5", "1e999", "nan", "inf", "abc",
    "99999999999999999999", "2019", "19", "2019-05-01", "2019-02-30", "2019-1-1", "20190101", " 2019-05-01 ",
    "=SUM(A1)", " =1", "a\n=b", "a\x00b", "\x1fpadded\x1f", "x\x85", "\x85", "中文", "Beijing", "北京", "beijing ",
    "CN", "cn", "US", "venture_capital", " Angel ", "computer_vision", "computer_vision;nlp", ";", "7", "abc",
    "x" * (MAX_TEXT + 1), "2019-02-30",
]


def every_column():
    return [pytest.param(table, column, id=f"{table.name}.{column.name}")
            for table in c.CONTRACT for column in table.columns]


@pytest.mark.parametrize("table,column", every_column())
def test_bulk_parsing_matches_cell_by_cell_on_every_contract_column(table, column):
    """All the tricky cells in one column, and each alone among plain ones, also first (a column's screen sees
    them all)."""
    for cells in [TRICKY, *(["plain", cell, "2019", cell] for cell in TRICKY), *([cell, "plain"] for cell in TRICKY)]:
        rows = [str(number) for number in range(2, 2 + len(cells))]
        bulk_errors, cell_errors = [], []
        bulk = column_values(column, cells, rows, FILE, bulk_errors)
        one_by_one = _cell_by_cell(column, cells, rows, FILE, cell_errors)
        assert [(type(v), v) for v in bulk] == [(type(v), v) for v in one_by_one], cells
        assert bulk_errors == cell_errors, cells


def column(kind):
    return next(col for table in c.CONTRACT for col in table.columns if col.kind == kind and not col.is_year)


def test_integers_blanks_and_errors_in_row_order():
    errors = []
    values = column_values(column(c.INT), ["x", " 7 ", "", "y", "x", "+3"], ["2", "3", "4", "5", "6", "7"], FILE, errors)
    assert values == [None, 7, None, None, None, 3]
    name = column(c.INT).name
    assert errors == [RawError(FILE, 2, name, "expected an integer, got 'x'"),
                      RawError(FILE, 5, name, "expected an integer, got 'y'"),
                      RawError(FILE, 6, name, "expected an integer, got 'x'")]


def test_dates_and_free_text():
    errors = []
    dates = column_values(column(c.DATE), ["2019-05-01", "2019-02-30"], ["2", "3"], FILE, errors)
    assert dates == [dt.date(2019, 5, 1), None]
    assert errors[0].row == 3 and errors[0].message == "expected an ISO 8601 date (YYYY-MM-DD), got '2019-02-30'"
    errors = []
    text = column_values(column(c.STRING), [" Alpha ", "a\n=b", "=1+1", "b\x07"], ["2", "3", "4", "5"], FILE, errors)
    assert text == ["Alpha", "a\n=b", None, None]
    assert [(e.row, e.message) for e in errors] == [
        (4, "text looks like a spreadsheet formula (starts with '='), got '=1+1'"),
        (5, "text holds the control character U+0007 (only tab and line breaks are allowed), got 'b\\x07'"),
    ]


def test_cells_that_are_not_all_text_are_parsed_one_by_one():
    errors = []
    assert column_values(column(c.INT), [7, "8", None, 2.0], ["2", "3", "4", "5"], FILE, errors) == [7, 8, None, 2]
    assert errors == []
