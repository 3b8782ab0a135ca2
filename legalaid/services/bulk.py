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
        for model, rows in self.tables.items():
            if rows:
                conn.execute(insert(model.__table__), rows)
            rows.clear()
