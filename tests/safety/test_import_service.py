"""The import's writing service (legalaid.services.imports): one transaction it opens and
commits or rolls back as a whole, an audit entry per household, what changed."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from legalaid.context import AppContext
from legalaid.services.imports import ImportWrite, write_import
from legalaid.services.ops import NOTHING, OpChanges
from legalaid.spreadsheets.importer import import_file
from tests.safety.conftest import dump

ROWS = (
    "expediente;apellidos;nombres;fecha de nacimiento;garita;fecha de audiencia;hora de audiencia\n"
    "S-1;Soto;Iris;1990-01-01;SYS;2031-05-28;8:30\n"
    "S-1;Soto;Eva;2015-01-01;;;\n"
    "S-2;Paz;Noé;1991-02-02;ELP;;\n"
    ";Luna;Sol;1992-03-03;NOG;2031-06-02;9:00\n"
)


def test_an_import_says_everything_changed_and_a_dry_run_nothing(
    ctx: AppContext, tmp_path: Path
) -> None:
    source = tmp_path / "s.csv"
    source.write_text(ROWS, encoding="utf-8")
    before = dump(ctx.home.database)
    dry = import_file(ctx, source, dry_run=True)
    assert dry.changes == NOTHING and not dry.changes
    assert dump(ctx.home.database) == before
    report = import_file(ctx, source)
    assert report.changes == OpChanges.all()
    assert (report.cases_created, report.people_created, report.hearings_created) == (3, 4, 2)


def test_one_audit_entry_per_household_by_the_person_importing(
    ctx: AppContext, tmp_path: Path
) -> None:
    source = tmp_path / "s.csv"
    source.write_text(ROWS, encoding="utf-8")
    import_file(ctx, source)
    with ctx.db.connect() as conn:
        entries = conn.execute(
            text(
                "SELECT c.case_number, a.actor, a.entity, a.changes FROM audit_entry a "
                "JOIN \"case\" c ON c.id = a.case_id WHERE a.action = 'import' "
                "ORDER BY c.case_number"
            )
        ).all()
        courts = conn.execute(
            text("SELECT count(*) FROM audit_entry WHERE action = 'create' AND entity = 'court'")
        ).scalar()
    assert [(number, actor, entity) for number, actor, entity, _changes in entries] == [
        ("S-1", ctx.actor, "case"),
        ("S-2", ctx.actor, "case"),
        (entries[2][0], ctx.actor, "case"),  # the number the office's sequence gave
    ]
    assert entries[2][0] not in ("S-1", "S-2")
    assert [changes for *_rest, changes in entries] == [
        '{"people": [0, 2]}',
        '{"people": [0, 1]}',
        '{"people": [0, 1]}',
    ]
    assert courts == 1  # Nogales has no usual court: its court "to be confirmed", made once


def test_a_failure_while_deciding_leaves_nothing_written(ctx: AppContext) -> None:
    before = dump(ctx.home.database)

    def decide(write: ImportWrite) -> None:
        number = write.case_number(set())  # the sequence moves on, inside the transaction
        case_id = write.add_case(number, {"status": "open", "notes": ""})
        stored = write.add_people(
            case_id, [{"given_names": "Iris", "family_names": "Soto", "relationship": ""}], 0
        )
        write.pending_court("NOG")
        write.merge(stored[0], "sex", "female")
        raise RuntimeError("the file could not be read to the end")

    with pytest.raises(RuntimeError):
        write_import(ctx, decide, dry_run=False, write_every=1)  # the rows written already
    assert dump(ctx.home.database) == before


def test_only_a_persons_details_merge(ctx: AppContext) -> None:
    def decide(write: ImportWrite) -> None:
        write.merge({"id": "x"}, "case_id; DROP TABLE person", "")

    with pytest.raises(ValueError, match="does not merge"):
        write_import(ctx, decide, dry_run=False, write_every=1)
