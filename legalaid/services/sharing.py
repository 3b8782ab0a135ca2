"""Which offices a case is shared with, sharing it or stopping, and transferring a household.

Sharing is this office's own decision (``case_share``, never exchanged): a case shared with a
trusted office goes, with every change, in that office's next exchange files. Stopping sharing
removes that: future changes are no longer sent (what was sent stays with that office).

A transfer ("a lawyer in Ciudad Juárez takes a case a shelter opened") shares the case with the
office taking it and records, on the household itself (``case.responsible_office``), which
office is now responsible: a household field like any other, so it is in the change record and
travels with the next exchange file. The transferring office keeps its copy, read and write as
before. Every one of these is in the case's history (an audit entry).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from legalaid.context import AppContext
from legalaid.errors import ValidationError
from legalaid.i18n import N_
from legalaid.models import (
    Case,
    CaseShare,
    ChangeEntry,
    ExchangeFile,
    ExchangeSent,
    Office,
    OfficeState,
    utcnow,
)
from legalaid.services import audit
from legalaid.services.ops import CASE, OpChanges
from legalaid.services.writes import edit_record, guarded_write

NOT_TRUSTED = N_(
    "%(office)s is not trusted: compare its fingerprint and trust it before sharing a case "
    "with it (`legalaid office trust`)."
)
OWN_OFFICE = N_("%(office)s is this office: a case is not shared with itself.")
NOT_SHARED = N_("%(case)s is not shared with %(office)s; nothing changed.")
RISK_TABLES = ("risk_assessment", "incident")


@dataclass(frozen=True)
class ShareInfo:
    """One office a case is shared with: since when, by whom, and what was last sent to it."""

    office: str
    office_id: str
    prefix: str
    state: str
    receives_risk: bool
    shared_at: datetime
    shared_by: str
    last_sent: datetime | None  # the newest exchange file that held a change of this case
    last_sent_read: bool  # that office said it has read that file
    waiting: int  # changes of this case not in a file that office has read

    def as_json(self) -> dict[str, Any]:
        return {
            "office": self.office,
            "prefix": self.prefix,
            "state": self.state,
            "receives_risk": self.receives_risk,
            "shared_at": self.shared_at.isoformat(),
            "shared_by": self.shared_by,
            "last_sent": self.last_sent.isoformat() if self.last_sent else None,
            "last_sent_read": self.last_sent_read,
            "waiting": self.waiting,
        }


@dataclass(frozen=True)
class CaseSharing:
    """A case's sharing, as its window and ``legalaid share CASE`` show it."""

    case_id: str
    case_number: str
    version: int
    responsible_office: str | None
    responsible_office_id: str | None
    transferred_at: datetime | None
    responsible_is_here: bool  # the responsible office is this home's own office
    shares: list[ShareInfo] = field(default_factory=list)
    candidates: list[str] = field(default_factory=list)  # trusted offices not shared with yet

    def as_json(self) -> dict[str, Any]:
        return {
            "case_number": self.case_number,
            "responsible_office": self.responsible_office,
            "transferred_at": self.transferred_at.isoformat() if self.transferred_at else None,
            "shared_with": [s.as_json() for s in self.shares],
            "may_share_with": self.candidates,
        }


@dataclass(frozen=True)
class Shared:
    case_number: str
    office: str
    new: bool  # False: it was shared already
    changes: OpChanges


def _case(session: Session, case_ref: str) -> Case:
    from legalaid.services.cases import _load_case

    return _load_case(session, case_ref)


def _office(session: Session, name: str) -> Office:
    from legalaid.services.offices import _find

    return _find(session, name)


def _trusted(row: Office) -> None:
    if row.state == OfficeState.SELF:
        raise ValidationError(OWN_OFFICE, office=row.name)
    if row.state != OfficeState.TRUSTED:
        raise ValidationError(NOT_TRUSTED, office=row.name)


def _add_share(session: Session, actor: str, case: Case, office: Office) -> bool:
    if session.get(CaseShare, (case.id, office.id)) is not None:
        return False
    session.add(CaseShare(case_id=case.id, office_id=office.id, shared_by=actor))
    audit.record(
        session, actor, "share", "case", case.id, case.id, {"shared_with": [None, office.name]}
    )
    return True


def share_case(ctx: AppContext, case_ref: str, office_name: str) -> Shared:
    """Share a case with a trusted office: its changes go in that office's next files."""
    with ctx.db.write() as session:
        case = _case(session, case_ref)
        office = _office(session, office_name)
        _trusted(office)
        new = _add_share(session, ctx.actor, case, office)
        return Shared(case.case_number, office.name, new, OpChanges.of(CASE, case=case.id))


def stop_sharing(ctx: AppContext, case_ref: str, office_name: str) -> Shared:
    """Stop sharing a case with an office: its future changes are no longer sent there (what
    was sent before stays with that office). Works for revoked offices too."""
    with ctx.db.write() as session:
        case = _case(session, case_ref)
        office = _office(session, office_name)
        share = session.get(CaseShare, (case.id, office.id))
        if share is None:
            raise ValidationError(NOT_SHARED, case=case.case_number, office=office.name)
        session.delete(share)
        audit.record(
            session,
            ctx.actor,
            "unshare",
            "case",
            case.id,
            case.id,
            {"shared_with": [office.name, None]},
        )
        return Shared(case.case_number, office.name, True, OpChanges.of(CASE, case=case.id))


def transfer_case(
    ctx: AppContext, case_ref: str, office_name: str, expected_version: int | None = None
) -> Shared:
    """Transfer a household to a trusted office: shared with it, and the office recorded on
    the household as the one now responsible (a captured field: it travels). The case stays
    here, open for reading and writing as before. ``expected_version`` (the case window's)
    refuses a transfer over a save made since it was read."""
    with guarded_write(ctx) as session:
        case = _case(session, case_ref)
        office = _office(session, office_name)
        _trusted(office)
        _add_share(session, ctx.actor, case, office)
        edit_record(
            session,
            ctx.actor,
            case,
            expected_version,
            {
                "responsible_office_id": office.id,
                "responsible_office": office.name,
                "transferred_at": utcnow(),
            },
            entity="case",
            case_id=case.id,
            action="transfer",
        )
        return Shared(case.case_number, office.name, True, OpChanges.of(CASE, case=case.id))


def case_sharing(ctx: AppContext, case_ref: str) -> CaseSharing:
    """The offices a case is shared with (by name), with what was last sent to each, and the
    trusted offices it may still be shared with."""
    with ctx.db.read() as session:
        case = _case(session, case_ref)
        rows = session.exec(
            select(CaseShare, Office)
            .join(Office, col(Office.id) == col(CaseShare.office_id))
            .where(CaseShare.case_id == case.id)
        ).all()
        shares = [_share_info(session, case.id, share, office) for share, office in rows]
        offices = session.exec(select(Office)).all()
        own = next((o.id for o in offices if o.state == OfficeState.SELF), None)
        shared_ids = {s.office_id for s in shares}
        candidates = sorted(
            (o.name for o in offices if o.state == OfficeState.TRUSTED and o.id not in shared_ids),
            key=str.lower,
        )
        return CaseSharing(
            case.id,
            case.case_number,
            case.version,
            case.responsible_office,
            case.responsible_office_id,
            case.transferred_at,
            own is not None and case.responsible_office_id == own,
            sorted(shares, key=lambda s: s.office.lower()),
            candidates,
        )


def _share_info(session: Session, case_id: str, share: CaseShare, office: Office) -> ShareInfo:
    last = session.exec(
        select(ExchangeFile.at, ExchangeFile.acknowledged)
        .join(ExchangeSent, col(ExchangeSent.file_id) == col(ExchangeFile.id))
        .join(
            ChangeEntry,
            (col(ChangeEntry.device) == col(ExchangeSent.device))
            & (col(ChangeEntry.seq) == col(ExchangeSent.seq)),
        )
        .where(
            ExchangeFile.direction == "sent",
            ExchangeSent.office_id == office.id,
            ChangeEntry.case_id == case_id,
        )
        .order_by(col(ExchangeFile.at).desc())
        .limit(1)
    ).first()
    read = (
        select(ExchangeSent.device, ExchangeSent.seq)
        .join(
            ExchangeFile,
            (col(ExchangeFile.id) == col(ExchangeSent.file_id))
            & (col(ExchangeFile.direction) == "sent"),
        )
        .where(ExchangeSent.office_id == office.id, col(ExchangeFile.acknowledged))
    ).subquery()
    from sqlalchemy import func, tuple_

    waiting_query = (
        select(func.count())
        .select_from(ChangeEntry)
        .where(
            ChangeEntry.case_id == case_id,
            tuple_(col(ChangeEntry.device), col(ChangeEntry.seq)).not_in(
                select(read.c.device, read.c.seq)
            ),
        )
    )
    if not office.receives_risk:
        waiting_query = waiting_query.where(col(ChangeEntry.table_name).not_in(RISK_TABLES))
    waiting = session.exec(waiting_query).one()
    return ShareInfo(
        office.name,
        office.id,
        office.prefix,
        office.state,
        office.receives_risk,
        share.shared_at,
        share.shared_by,
        last[0] if last else None,
        bool(last[1]) if last else False,
        int(waiting),
    )


# --- the history of exchange files -----------------------------------------------------------
@dataclass(frozen=True)
class ExchangeRecord:
    """One exchange file written or read, with what it did (its summary counts)."""

    direction: str  # sent, received, server (a laptop's sync with the office server)
    office: str
    at: datetime
    changes: int
    acknowledged: bool
    actor: str
    counts: dict[str, Any]  # sent: cases; received: new, updated, conflicts, decisions


def exchange_log(ctx: AppContext, limit: int = 200) -> list[ExchangeRecord]:
    """The exchange files written and read, newest first."""
    with ctx.db.read() as session:
        rows = session.exec(
            select(ExchangeFile, Office.name)
            .join(Office, col(Office.id) == col(ExchangeFile.office_id))
            .order_by(col(ExchangeFile.at).desc())
            .limit(limit)
        ).all()
    return [
        ExchangeRecord(
            f.direction, name, f.at, f.changes, f.acknowledged, f.actor, _counts(f.summary)
        )
        for f, name in rows
    ]


def _counts(summary: str) -> dict[str, Any]:
    try:
        found = json.loads(summary or "{}")
    except ValueError:
        return {}
    return found if isinstance(found, dict) else {}
