"""The audit trail: one entry per change, with the fields that changed from what to what."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlmodel import Session, col, select

from legalaid.context import AppContext
from legalaid.models import AuditEntry


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def snapshot(record: Any, names: list[str]) -> dict[str, Any]:
    return {name: _plain(getattr(record, name)) for name in names}


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """Fields whose value changed, as {field: [old, new]}."""
    return {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v}


def record(
    session: Session,
    actor: str,
    action: str,
    entity: str,
    entity_id: str,
    case_id: str | None,
    changes: dict[str, Any],
) -> None:
    session.add(
        AuditEntry(
            actor=actor,
            action=action,
            entity=entity,
            entity_id=entity_id,
            case_id=case_id,
            changes=changes,
        )
    )


def case_history(ctx: AppContext, case_id: str) -> list[AuditEntry]:
    """Every audit entry of a case, oldest first."""
    with ctx.db.read() as session:
        query = select(AuditEntry).where(AuditEntry.case_id == case_id)
        return list(session.exec(query.order_by(col(AuditEntry.at))).all())
