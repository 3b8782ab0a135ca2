"""Random hostile text at every validator, the importer and the search: no crash, a clear
message, nothing lost (property-based, hypothesis)."""

from __future__ import annotations

import contextlib
import tempfile
from collections.abc import Iterator
from datetime import date, time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from legalaid.anumber import parse_anumber
from legalaid.context import AppContext
from legalaid.errors import LegalAidError
from legalaid.home import open_home
from legalaid.services.cases import CaseInput, PersonInput, open_case
from legalaid.services.search import count_cases, search_cases
from legalaid.spreadsheets import parsing
from legalaid.spreadsheets.importer import import_file

NASTY = st.sampled_from(
    [
        "\x00",
        "'; DROP TABLE person; --",
        '" OR 1=1 --',
        "שלום עולם",
        "مرحبا",
        "🙂👨‍👩‍👧",
        "\u202e\u202d",
        "NEAR(a b)",
        "a* OR b*",
        "x" * 10_000,
        "\r\n\t",
        "％ＡＢＣ",
        "Ñ" * 300,
    ]
)
TEXT = st.one_of(st.text(max_size=300), NASTY, st.builds(lambda a, b: a + b, NASTY, st.text()))
FAST = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@pytest.fixture(scope="module")
def shared() -> Iterator[AppContext]:
    with tempfile.TemporaryDirectory() as folder:
        ctx = open_home(Path(folder) / "home", unencrypted=True)
        open_case(ctx, CaseInput(crossing="SYS"), [PersonInput("José", "Núñez")])
        yield ctx
        ctx.close()


def _message_ok(error: LegalAidError) -> None:
    text = error.message()
    assert text and "Traceback" not in text
    for problem in error.problems:  # what the person typed may itself hold "%(" (found: '%(')
        for value in problem.params.values():
            text = text.replace(str(value), "")
    assert "%(" not in text  # every placeholder filled


@FAST
@given(TEXT)
def test_a_number_validator(text: str) -> None:
    try:
        assert len(parse_anumber(text)) == 9
    except LegalAidError as error:
        _message_ok(error)


@FAST
@given(TEXT, TEXT, TEXT, TEXT, TEXT, st.dates(min_value=date(1800, 1, 1)))
def test_opening_a_case_with_random_input(
    shared: AppContext,
    given_names: str,
    family: str,
    anumber: str,
    country: str,
    notes: str,
    born: date,
) -> None:
    before = count_cases(shared)
    try:
        open_case(
            shared,
            CaseInput(crossing=country[:5] or None, notes=notes, phone=notes),
            [
                PersonInput(
                    given_names, family, a_number=anumber, nationality=country, birth_date=born
                )
            ],
        )
    except LegalAidError as error:
        _message_ok(error)
        assert count_cases(shared) == before  # nothing half-written
    else:
        assert count_cases(shared) == before + 1
    assert search_cases(shared, "jose nunez")  # nothing lost


@FAST
@given(TEXT)
def test_search_never_crashes(shared: AppContext, query: str) -> None:
    total = count_cases(shared)
    rows = search_cases(shared, query, limit=5)
    found = count_cases(shared, query)
    assert len(rows) <= 5 and len(rows) <= found <= total  # a search only narrows the list
    assert (found == 0) == (rows == [])  # the count and the list agree
    assert all(row.case_number for row in rows)
    assert search_cases(shared, "jose nunez")  # the hostile query changed nothing


@FAST
@given(TEXT)
def test_value_parsers_raise_only_value_errors(text: str) -> None:
    with contextlib.suppress(ValueError):
        assert isinstance(parsing.parse_date(text), date | None)
    with contextlib.suppress(ValueError):
        assert isinstance(parsing.parse_time(text), time | None)
    with contextlib.suppress(ValueError):
        country = parsing.parse_country(text)
        assert country is None or (len(country) == 2 and country.isupper())


@FAST
@given(
    st.lists(st.lists(TEXT, min_size=1, max_size=8), min_size=1, max_size=6),
    st.sampled_from([",", ";"]),
)
def test_importer_with_random_rows(shared: AppContext, rows: list[list[str]], sep: str) -> None:
    import csv
    import io

    out = io.StringIO()
    writer = csv.writer(out, delimiter=sep)
    writer.writerow(
        [
            "expediente",
            "apellidos",
            "nombres",
            "número A",
            "fecha de nacimiento",
            "garita",
            "fecha de audiencia",
            "hora de audiencia",
        ]
    )
    writer.writerows(rows)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "random.csv"
        path.write_text(out.getvalue(), encoding="utf-8")
        before = count_cases(shared)
        try:
            report = import_file(shared, path)
        except LegalAidError as error:
            _message_ok(error)
            assert count_cases(shared) == before
            return
        for rejected in report.rejected:
            assert rejected.reason()
        assert count_cases(shared) == before + report.cases_created


def _workbook() -> bytes:
    import io

    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["expediente", "nombres", "apellidos", "número A"])
    sheet.append(["F-1", "Ana", "Ruiz", "A 012-345-678"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


WORKBOOK = _workbook()


@FAST
@given(
    st.one_of(
        st.binary(max_size=2_000),
        st.builds(  # a real workbook with some bytes changed or cut
            lambda at, junk, cut: (WORKBOOK[:at] + junk + WORKBOOK[at + len(junk) :])[:cut],
            st.integers(0, len(WORKBOOK)),
            st.binary(min_size=1, max_size=40),
            st.integers(0, len(WORKBOOK)),
        ),
        st.builds(
            lambda text, codec: text.encode(codec, "replace"),
            TEXT,
            st.sampled_from(["utf-8", "utf-16", "utf-16-le", "utf-32", "cp1252", "latin-1"]),
        ),
    ),
    st.sampled_from([".csv", ".xlsx", ".txt"]),
)
def test_any_bytes_give_a_sheet_or_a_message(data: bytes, suffix: str) -> None:
    from legalaid.spreadsheets.tabular import read_sheet

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"hoja{suffix}"
        path.write_bytes(data)
        try:
            sheet = read_sheet(path)
        except LegalAidError as error:
            _message_ok(error)
        else:
            assert all(isinstance(cells, list) for _number, cells in sheet.rows)
