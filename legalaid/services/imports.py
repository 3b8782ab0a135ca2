"""Writing a spreadsheet import: one transaction, the rows in bulk, an audit entry per household.

The importer (legalaid.spreadsheets.importer) reads the file, checks and merges its rows and
decides what becomes of each; it writes only through the ``ImportWrite`` that ``write_import``
hands it, inside the one write transaction this service opens and commits: everything the file
brings is written, or nothing is. A dry run takes the same path, every row written, and the
transaction is rolled back at the end.

Reads during the import (what is stored already) go through ``ctx.db.read()``: inside the write,
on the same thread, that is the write's own session, so they see what the import wrote so far.
"""

from __future__ import annotations

from collections.abc import Callable, Container
from datetime import date
from typing import Any, TypeVar

from sqlalchemy import text
from sqlmodel import Session

from legalaid.changes.capture import record_update
from legalaid.context import AppContext
from legalaid.models import AuditEntry, Case, Court, Hearing, HearingAttendee, Person, new_id
from legalaid.services.bulk import BulkRows
from legalaid.services.cases import next_case_number
from legalaid.services.ops import NOTHING, OpChanges
from legalaid.services.reference import pending_court

T = TypeVar("T")

# The person columns a later row of the file may fill in for someone an earlier row added.
MERGEABLE = frozenset({"a_number", "sex", "relationship", "nationality", "language"})
# What a new hearing row holds besides what the import read (court, crossing, zone, times, kind).
HEARING_DEFAULTS: dict[str, Any] = {
    "status": "scheduled",
    "mode": "in_person",
    "outcome": "",
    "source": "other",
    "verified_at": None,
    "verified_by": "",
    "replaces_id": None,
    "notes": "",
}


class ImportWrite:
    """What an import may write, inside the transaction ``write_import`` opened."""

    def __init__(self, ctx: AppContext, session: Session, write_every: int) -> None:
        self._ctx = ctx
        self._session = session
        self._rows = BulkRows()
        self._merged: list[tuple[str, str, Any]] = []  # (person id, column, value)
        self._write_every = write_every
        self._households = 0

    def case_number(self, taken: Container[str]) -> str:
        """The next number of the office's sequence for this year that is not in ``taken``
        (numbers the file brings itself)."""
        prefix, year = self._ctx.settings.office_prefix, date.today().year
        while True:
            number = next_case_number(self._session, prefix, year, self._ctx.settings.desk_letter)
            if number not in taken:
                return number

    def pending_court(self, crossing_code: str) -> Court:
        """The crossing's court "to be confirmed" (legalaid.services.reference)."""
        return pending_court(self._session, self._ctx.actor, crossing_code)

    def add_case(self, case_number: str, values: dict[str, Any]) -> str:
        """A new case; returns its id. Its people come with ``add_people``."""
        case_id = new_id()
        self._rows.add(Case, {"id": case_id, "case_number": case_number, **values})
        return case_id

    def add_people(
        self,
        case_id: str,
        people: list[dict[str, Any]],
        first_position: int,
        hearing: dict[str, Any] | None = None,
    ) -> list[dict[str, Any]]:
        """``people`` into the case, after its ``first_position`` members, with a new hearing
        they attend when ``hearing`` is given, and the audit entry of the household. Returns
        each person's row as it is written (what ``merge`` takes)."""
        stored = []
        for position, person in enumerate(people, start=first_position):
            row = {"id": new_id(), "case_id": case_id, "position": position, "active": True}
            stored.append({**row, **person})
            self._rows.add(Person, stored[-1])
        if hearing is not None:
            hearing_id = new_id()
            self._rows.add(
                Hearing, {"id": hearing_id, "case_id": case_id, **HEARING_DEFAULTS, **hearing}
            )
            for person in stored:
                attendee = {"id": new_id(), "hearing_id": hearing_id, "person_id": person["id"]}
                self._rows.add(HearingAttendee, attendee)
        self._rows.add(
            AuditEntry,
            {
                "id": new_id(),
                "at": self._rows.now,
                "actor": self._ctx.actor,
                "action": "import",
                "entity": "case",
                "entity_id": case_id,
                "case_id": case_id,
                "changes": {"people": [0, len(people)]},
            },
        )
        self._households += 1
        if self._households % self._write_every == 0:  # still in the one transaction
            self._rows.write(self._session.connection())  # less held in memory
        return stored

    def merge(self, person: dict[str, Any], column: str, value: Any) -> None:
        """What a later row of the file adds to a person added earlier (``person`` is the row
        ``add_people`` returned): into the row still to be written, and into the stored row
        at the end, as it may have been written already."""
        if column not in MERGEABLE:
            raise ValueError(f"an import does not merge the column {column}")
        person[column] = value
        self._merged.append((person["id"], column, value))

    def _finish(self) -> None:
        conn = self._session.connection()
        self._rows.write(conn)
        for person_id, column, value in self._merged:
            conn.execute(
                text(f"UPDATE person SET {column} = :value WHERE id = :id"),
                {"value": value, "id": person_id},
            )
            record_update(conn, "person", person_id, {column: value})  # its change entry


def write_import(
    ctx: AppContext, decide: Callable[[ImportWrite], T], *, dry_run: bool, write_every: int
) -> tuple[T, OpChanges]:
    """Run ``decide`` inside one write transaction, with the ``ImportWrite`` it writes
    through, and commit what it wrote (roll it back when ``dry_run``). The rows go to the
    database every ``write_every`` households, inside the transaction. Returns what ``decide``
    returned and what changed: everything (nothing after a dry run)."""
    with ctx.db.write() as session:
        write = ImportWrite(ctx, session, write_every)
        result = decide(write)
        write._finish()
        if dry_run:
            session.rollback()
    return result, NOTHING if dry_run else OpChanges.all()
