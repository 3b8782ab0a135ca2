"""Bulk inserts for large writes (demo data, imports): plain rows through SQLAlchemy Core,
with the columns every Record needs filled in; the search triggers still run."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import insert

from legalaid.models import (
    AuditEntry,
    Case,
    Hearing,
    HearingAttendee,
    Incident,
    Person,
    RiskAssessment,
)
from legalaid.sort_keys import sort_key, sync_sort_names, write_sort_names

ORDER = (Case, Person, Hearing, HearingAttendee, RiskAssessment, Incident, AuditEntry)


class BulkRows:
    """Rows per table, written parents first in one ``write(conn)``."""

    def __init__(self) -> None:
        self.now = datetime.now(UTC)
        self.tables: dict[Any, list[dict[str, Any]]] = {model: [] for model in ORDER}

    def add(self, model: Any, row: dict[str, Any]) -> None:
        if model is not AuditEntry:
            row.setdefault("created_at", self.now)
            row.setdefault("updated_at", self.now)
            row.setdefault("version", 1)
        self.tables[model].append(row)

    def count(self, model: Any) -> int:
        return len(self.tables[model])

    def write(self, conn: Any) -> None:
        keys = self._sort_keys()
        people_elsewhere = {
            row["case_id"] for row in self.tables[Person] if row["case_id"] not in keys
        }
        for model, rows in self.tables.items():
            if rows:
                conn.execute(insert(model.__table__), rows)
            rows.clear()
        raw = conn.connection.driver_connection
        write_sort_names(raw, keys)  # the new cases' name sort keys (legalaid.sort_keys)
        if people_elsewhere:  # people added to cases written earlier
            sync_sort_names(raw, people_elsewhere)

    def _sort_keys(self) -> dict[str, str]:
        """The name sort key of each new case, from its first person among these rows."""
        first: dict[str, tuple[int, str]] = {}
        new_cases = {row["id"] for row in self.tables[Case]}
        for row in self.tables[Person]:
            case_id = row["case_id"]
            if case_id in new_cases:
                position = row.get("position", 0)
                if case_id not in first or position < first[case_id][0]:
                    key = sort_key(row.get("family_names"), row.get("given_names"))
                    first[case_id] = (position, key)
        return {case_id: first.get(case_id, (0, ""))[1] for case_id in new_cases}
