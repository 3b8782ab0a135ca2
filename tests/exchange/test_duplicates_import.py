"""An import finds the possible duplicates its households bring (the same family registered at
both offices), honouring "different" and merges, and says how many; a row another office adds to
a household before that household's merge reaches it (or after) follows to the household kept."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from legalaid.context import AppContext
from legalaid.exchange import sync
from legalaid.services.cases import CaseInput, PersonInput, add_person, get_case, open_case
from legalaid.services.duplicates import (
    household_pairs,
    mark_different,
    merge_households,
    separate_households,
)
from tests.cli.test_cli import run
from tests.core.helpers import hearing_in
from tests.exchange.test_duplicate_decisions import ANUMBER, twice_registered
from tests.exchange.test_duplicates_sync import cousins
from tests.exchange.test_sync import clean, dst_name, offices, rows, send

__all__ = ["offices"]  # the fixture, used by name below
MEXICALI = "Casa del Migrante Mexicali"
SAME = ("case", "person", "hearing", "hearing_attendee")


def guadalupe(ctx: AppContext, given: str, family: str, child: str) -> Any:
    """A mother with her A-number and a child: the same family, written as each shelter did."""
    return open_case(
        ctx,
        CaseInput(crossing="SYS", city="Tijuana, B.C."),
        [
            PersonInput(
                given, family, "principal", date(1990, 5, 1), "female", "HN", a_number=ANUMBER
            ),
            PersonInput(child, "Hernández", "child", date(2016, 2, 3), "male", "HN"),
        ],
    ).case


def test_an_import_counts_the_duplicates_it_brings(
    offices: tuple[AppContext, AppContext], tmp_path: Path
) -> None:
    tij, mxl = offices
    there = guadalupe(tij, "María Guadalupe", "Hernández Núñez", "José")
    here = guadalupe(mxl, "Ma. Guadalupe", "Nunez Hernandes", "José")
    cousins(mxl)  # a pair of Mexicali's own: not this file's, not counted on import
    unrelated = open_case(
        tij,
        CaseInput(crossing="SYS", city="Tijuana, B.C."),
        [PersonInput("Wilmer", "Ramos", "principal", date(1988, 1, 2), "male", "HN")],
    ).case
    for case in (there, unrelated):
        sync.share_case(tij, case.case_number, MEXICALI)
    _path, summary = send(tij, mxl, tmp_path, "1")
    assert summary.duplicates == [tuple(sorted((there.id, here.id)))]
    assert summary.as_json()["duplicates"] == 1 and len(household_pairs(mxl)) == 2

    # A later file touching that household: still a possible duplicate, until a person decides.
    add_person(
        tij, there.id, PersonInput("Rosa", "Hernández", "child", date(2019, 7, 8), "female", "HN")
    )
    _path, summary = send(tij, mxl, tmp_path, "2")
    assert len(summary.duplicates) == 1
    mark_different(mxl, here.case_number, there.case_number)
    add_person(
        tij, there.id, PersonInput("Iris", "Hernández", "child", date(2021, 1, 1), "female", "HN")
    )
    _path, summary = send(tij, mxl, tmp_path, "3")
    assert summary.duplicates == [] and summary.changes > 0

    # Merged: the household merged into another is not proposed either.
    again = guadalupe(tij, "Guadalupe", "Hernández", "Pepe")
    sync.share_case(tij, again.case_number, MEXICALI)
    _path, summary = send(tij, mxl, tmp_path, "4")
    assert {frozenset(p) for p in summary.duplicates} == {
        frozenset((again.id, here.id)),
        frozenset((again.id, there.id)),
    }
    merge_households(tij, there.case_number, again.case_number)
    _path, summary = send(tij, mxl, tmp_path, "5")
    assert summary.duplicates == []  # the one left is decided different


def test_the_import_line_of_the_command(
    offices: tuple[AppContext, AppContext], tmp_path: Path
) -> None:
    tij, mxl = offices
    there = guadalupe(tij, "María Guadalupe", "Hernández Núñez", "José")
    guadalupe(mxl, "Ma. Guadalupe", "Nunez Hernandes", "José")
    sync.share_case(tij, there.case_number, MEXICALI)
    path = tmp_path / "envio.bin"
    sync.export_for(tij, dst_name(mxl), path)
    home = mxl.home.root
    mxl.close()
    said = run("--unencrypted", "sync", "import", str(path), home=home, lang="es")
    assert said.returncode == 0, said.stderr
    assert "De Albergue Juventud 2000: 0 hogares actualizados, 1 nuevos" in said.stdout
    assert (
        "1 posible duplicado: un hogar de este archivo puede ser uno que ya está aquí. "
        "`legalaid duplicates` muestra ambos; una persona decide." in said.stdout
    )
    listed = run("--unencrypted", "duplicates", home=home, lang="en")
    assert f"{there.case_number}   " in listed.stdout and "(same A-number)" in listed.stdout


@pytest.mark.parametrize("first", ["row-then-merge", "merge-then-row"])
def test_a_row_added_before_the_merge_arrived_follows_it(
    offices: tuple[AppContext, AppContext], tmp_path: Path, first: str
) -> None:
    tij, mxl = offices
    kept, other = twice_registered(tij)
    for case in (kept, other):
        sync.share_case(tij, case.case_number, MEXICALI)
    send(tij, mxl, tmp_path, "1")
    # Mexicali adds a hearing and a person to the other household; Tijuana merges it meanwhile.
    late = hearing_in(mxl, other.id, 60)
    added = add_person(
        mxl, other.id, PersonInput("Iris", "Hernández", "child", date(2022, 3, 3), "female", "HN")
    )
    merge_households(tij, kept.case_number, other.case_number)
    if first == "row-then-merge":  # Tijuana merged already: the rows arrive after it
        _p, summary = send(mxl, tij, tmp_path, "2")
        assert summary.followed == 2
        _p, summary = send(tij, mxl, tmp_path, "3")
    else:  # Mexicali holds the rows when the merge arrives
        _p, summary = send(tij, mxl, tmp_path, "2")
        assert summary.followed == 2
        _p, summary = send(mxl, tij, tmp_path, "3")
    assert summary.conflicts == 0
    send(tij, mxl, tmp_path, "4")
    person_id = added.id
    for ctx in (tij, mxl):
        together = get_case(ctx, kept.case_number)
        assert late in {h.id for h in together.hearings}, ctx.settings.staff_name
        assert person_id in {p.id for p in together.people}
        hidden = get_case(ctx, other.case_number)
        assert hidden.hearings == [] and hidden.people == []
    assert {t: rows(tij)[t] for t in SAME} == {t: rows(mxl)[t] for t in SAME}
    assert clean(tij) == [] and clean(mxl) == []

    # Separated again: what followed goes back with what the merge moved, at both offices.
    separate_households(mxl, other.case_number)
    send(mxl, tij, tmp_path, "5")
    for ctx in (tij, mxl):
        back = get_case(ctx, other.case_number)
        assert late in {h.id for h in back.hearings}
        assert person_id in {p.id for p in back.people}
    assert {t: rows(tij)[t] for t in SAME} == {t: rows(mxl)[t] for t in SAME}
    assert clean(tij) == [] and clean(mxl) == []


def test_the_spreadsheet_importer_honours_decisions(ctx: AppContext, tmp_path: Path) -> None:
    from legalaid.spreadsheets.importer import IMPORTED, POSSIBLE_DUPLICATE, import_file

    header = "expediente;apellidos;nombres;número A;fecha de nacimiento;garita"

    def sheet(name: str, *lines: str) -> Path:
        path = tmp_path / name
        path.write_text("\n".join((header, *lines)) + "\n", encoding="utf-8")
        return path

    first = import_file(
        ctx,
        sheet(
            "a.csv",
            "C-1;Ruiz;Pablo;;2015-01-01;SYS",
            "C-2;Ruiz;Pablo;;2015-01-01;SYS",
            "C-7;Soto;Ana;;1990-01-01;SYS",
        ),
    )
    assert first.possible_duplicates == 1
    later = sheet("b.csv", "C-7;Ruiz;Pablo;;2015-01-01;SYS", "C-9;Ruiz;Pablo;;2015-01-01;SYS")
    before = import_file(ctx, later, dry_run=True)
    assert [f.fate for f in before.rows] == [POSSIBLE_DUPLICATE, POSSIBLE_DUPLICATE]
    assert before.possible_duplicates == 2

    merge_households(ctx, "C-1", "C-2")  # Pablo of C-2 is Pablo of C-1
    mark_different(ctx, "C-7", "C-1")
    report = import_file(ctx, later)
    fates = {f.row: (f.fate, f.case_number) for f in report.rows}
    assert fates == {2: (IMPORTED, "C-7"), 3: (POSSIBLE_DUPLICATE, "C-9")}
    assert report.possible_duplicates == 1
    note = report.rows[1].message()
    assert "C-1" in note and "C-2" not in note  # the household kept, named once
