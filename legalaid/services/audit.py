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
    """Every audit entry of a case, oldest first, with those of the households merged into it
    (legalaid.services.duplicates), each of those marked with the case number it came from."""
    from legalaid.i18n import _
    from legalaid.models import Case

    with ctx.db.read() as session:
        merged = dict(
            session.exec(select(Case.id, Case.case_number).where(Case.merged_into == case_id)).all()
        )
        query = select(AuditEntry).where(col(AuditEntry.case_id).in_([case_id, *merged]))
        entries = list(session.exec(query.order_by(col(AuditEntry.at))).all())
    # Copies (never added to a session) carry the mark: the stored entries stay as they are.
    return [
        AuditEntry.model_validate(
            {
                **entry.model_dump(),
                "actor": _("%(who)s (in %(case)s)")
                % {"who": entry.actor, "case": merged[entry.case_id]},
            }
        )
        if entry.case_id in merged
        else entry
        for entry in entries
    ]
