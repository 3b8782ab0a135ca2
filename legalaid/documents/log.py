"""The document log: record what was printed, list a case's papers, find outdated reminders.

Every paper that states a hearing's facts (the letter, the wallet cards, the crossing list,
the message for WhatsApp or SMS) is logged with them, one row per hearing. A hearing's
"reminder" is out of date when the newest paper of any of these kinds printed for it states
facts (date, time, zone, court, crossing, reporting point, report time) that differ from the
hearing's facts now. A rescheduled hearing is a new row that replaces the old one, so the
newest paper of each kind printed for any hearing in that chain counts: the household still
carries the letter, or the card, with the old date.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from babel.dates import format_datetime
from sqlmodel import Session, col, func, select

from legalaid.context import AppContext
from legalaid.documents.facts import CHUNK, printed_facts, reporting_crossing
from legalaid.documents.model import Document
from legalaid.errors import Problem
from legalaid.i18n import N_, _, babel_locale
from legalaid.models import (
    HEARING_PAPERS,
    Court,
    Crossing,
    DocumentLogEntry,
    Hearing,
    HearingStatus,
)
from legalaid.services.cases import _load_case
from legalaid.services.documents import record_documents
from legalaid.services.ops import OpChanges
from legalaid.services.sql import is_postgresql
from legalaid.services.sql import marks as sql_marks

MAX_CHAIN = 50  # reschedules followed back; a real chain is a handful long
_PAPER_KINDS = "(" + ", ".join(f"'{kind}'" for kind in HEARING_PAPERS) + ")"
# What happened to a paper: written to a file, sent to a printer, copied to the clipboard
# (a message), shown on a terminal (a message).
ACTIONS = ("saved", "printed", "copied", "shown")


def log_document(
    ctx: AppContext, doc: Document, *, path: Path | None = None, action: str | None = None
) -> OpChanges:
    """Record a generated document: one row per hearing for the papers that state a
    hearing's facts, one row otherwise. ``action`` defaults to "saved" with a path and
    "printed" without one. Returns what changed."""
    return record_documents(ctx, log_entries(ctx, doc, path=path, action=action))


def absolute(path: Path | None) -> str:
    """The path as stored in the log: absolute, so it still says where the file is when read
    from another folder (not resolved: a link the person chose stays as they named it)."""
    return os.path.abspath(path) if path else ""


def log_entries(
    ctx: AppContext,
    doc: Document,
    *,
    path: Path | None = None,
    sha256: str | None = None,
    size: int | None = None,
    extra: dict[str, Any] | None = None,
    action: str | None = None,
) -> list[DocumentLogEntry]:
    """The log rows for ``doc`` (the batch passes the hash of the whole file it wrote)."""
    action = action or ("saved" if path else "printed")
    if action not in ACTIONS:
        raise ValueError(f"unknown action {action!r}")
    common: dict[str, Any] = {
        "actor": ctx.actor,
        "kind": doc.kind,
        "title": doc.title,
        "sha256": sha256 or hashlib.sha256(doc.pdf).hexdigest(),
        "size": len(doc.pdf) if size is None else size,
        "file": absolute(path),
    }
    notes = {"warnings": [w.as_json() for w in doc.warnings]} if doc.warnings else {}
    if doc.kind in HEARING_PAPERS:
        shared = {**doc.meta, **(extra or {}), **notes, "action": action}
        if len(doc.hearing_ids) > 1:
            shared["hearings_in_paper"] = len(doc.hearing_ids)
        return [
            DocumentLogEntry(
                case_id=doc.case_of.get(hid, doc.case_id) or None,
                hearing_id=hid,
                details={**shared, "facts": doc.printed.get(hid, {})},
                **common,
            )
            for hid in doc.hearing_ids
        ]
    common["case_id"] = doc.case_id or None
    details: dict[str, Any] = {**doc.meta, **(extra or {}), **notes, "action": action}
    hearing_id = doc.hearing_ids[0] if len(doc.hearing_ids) == 1 else None
    if hearing_id:
        details["facts"] = doc.printed.get(hearing_id, {})
    else:
        details["hearing_ids"] = list(doc.hearing_ids)
    return [DocumentLogEntry(hearing_id=hearing_id, details=details, **common)]


def documents_for_case(ctx: AppContext, case_id: str) -> list[DocumentLogEntry]:
    """Every document recorded for a case (id or number), newest first."""
    with ctx.db.read() as session:
        case = _load_case(session, case_id)
        query = select(DocumentLogEntry).where(DocumentLogEntry.case_id == case.id)
        return list(session.exec(query.order_by(col(DocumentLogEntry.at).desc())).all())


def outdated_reminders(ctx: AppContext, hearing_ids: Iterable[str]) -> set[str]:
    """The scheduled hearings among ``hearing_ids`` whose last printed reminder is out of date.

    Only hearings that had a reminder printed (themselves, or a hearing they replaced) can be
    out of date: those are found first from the log, and the facts are compared for them alone
    (at 100,000 cases the Upcoming view's 14 days took 6 s when every hearing was compared).
    """
    ids = list(dict.fromkeys(hearing_ids))
    outdated: set[str] = set()
    if not ids:
        return outdated
    with ctx.db.read() as session:
        reach = _printed_and_their_replacements(session)
        candidates = [i for i in ids if i in reach]
        for start in range(0, len(candidates), CHUNK):
            outdated |= _outdated_chunk(session, candidates[start : start + CHUNK])
    return outdated


def _printed_and_their_replacements(session: Session) -> set[str]:
    """Hearings with a reminder in the log, and every hearing that replaced one of them."""
    conn = session.connection()
    reach = {
        row[0]
        for row in conn.exec_driver_sql(
            "SELECT DISTINCT hearing_id FROM document_log"
            f" WHERE kind IN {_PAPER_KINDS} AND hearing_id IS NOT NULL"
        )
    }
    if not reach:
        return reach
    children: dict[str, list[str]] = {}
    for child, parent in conn.exec_driver_sql(
        "SELECT id, replaces_id FROM hearing WHERE replaces_id IS NOT NULL"
    ):
        children.setdefault(parent, []).append(child)
    frontier = list(reach)
    while frontier:
        frontier = [c for h in frontier for c in children.get(h, ()) if c not in reach]
        reach.update(frontier)
    return reach


def _outdated_chunk(session: Session, ids: list[str]) -> set[str]:
    current = _current_facts(session, ids)
    chains = _chains(session, list(current))
    every = sorted({a for chain in chains.values() for a in chain})
    # Each hearing's newest paper of each kind only: SQLite gives a bare column (details) from
    # the row where max() was found. A hearing printed forty times is read, and its JSON
    # decoded, once per kind.
    latest: dict[str, dict[str, tuple[Any, Any]]] = {}
    rows: Sequence[Any]
    if is_postgresql(session):
        rows = _latest_papers_pg(session, every)
    else:
        rows = session.exec(
            select(
                DocumentLogEntry.hearing_id,
                DocumentLogEntry.kind,
                func.max(DocumentLogEntry.at),
                DocumentLogEntry.details,
            )
            .where(
                col(DocumentLogEntry.kind).in_(HEARING_PAPERS),
                col(DocumentLogEntry.hearing_id).in_(every),
            )
            .group_by(col(DocumentLogEntry.hearing_id), col(DocumentLogEntry.kind))
        ).all()
    for hearing_id, kind, at, details in rows:
        if hearing_id:
            latest.setdefault(hearing_id, {})[kind] = (at, details or {})
    found: set[str] = set()
    for hearing_id, facts in current.items():
        newest: dict[str, tuple[Any, Any]] = {}  # kind -> the newest paper in the chain
        for link in chains[hearing_id]:
            for kind, paper in latest.get(link, {}).items():
                if kind not in newest or paper[0] > newest[kind][0]:
                    newest[kind] = paper
        if any(_differs(paper[1].get("facts", {}), facts) for paper in newest.values()):
            found.add(hearing_id)
    return found


def _latest_papers_pg(session: Session, hearings: list[str]) -> list[Any]:
    """PostgreSQL has no bare columns: the newest row of each (hearing, kind) by DISTINCT ON."""
    from sqlalchemy.dialects.postgresql import distinct_on

    hearing_id, kind = col(DocumentLogEntry.hearing_id), col(DocumentLogEntry.kind)
    return list(
        session.exec(
            select(
                DocumentLogEntry.hearing_id,
                DocumentLogEntry.kind,
                DocumentLogEntry.at,
                DocumentLogEntry.details,
            )
            .where(kind.in_(HEARING_PAPERS), hearing_id.in_(hearings))
            .ext(distinct_on(hearing_id, kind))
            .order_by(hearing_id, kind, col(DocumentLogEntry.at).desc())
        ).all()
    )


def _differs(printed: dict[str, str], now: dict[str, str]) -> bool:
    """Compare the keys both know (an older log may lack a key added later)."""
    return any(printed[key] != value for key, value in now.items() if key in printed)


def _current_facts(session: Session, ids: list[str]) -> dict[str, dict[str, str]]:
    hearings = session.exec(
        select(Hearing).where(col(Hearing.id).in_(ids), Hearing.status == HearingStatus.SCHEDULED)
    ).all()
    every_crossing = session.exec(select(Crossing)).all()
    crossings = {c.id: c for c in every_crossing}
    by_code = {c.code: c for c in every_crossing}
    courts = {c.id: c for c in session.exec(select(Court)).all()}
    out: dict[str, dict[str, str]] = {}
    for h in hearings:
        crossing = crossings.get(h.crossing_id or "")
        out[h.id] = printed_facts(
            h.starts_at,
            h.report_at,
            h.zone,
            h.kind,
            h.mode,
            crossing,
            courts.get(h.court_id or ""),
            reporting_crossing(crossing, by_code) if crossing else None,
        )
    return out


def _chains(session: Session, ids: list[str]) -> dict[str, list[str]]:
    """Each hearing with the hearings it replaced, newest first."""
    parent: dict[str, str | None] = {}
    frontier = set(ids)
    for _step in range(MAX_CHAIN):
        frontier -= set(parent)
        if not frontier:
            break
        rows = session.exec(
            select(Hearing.id, Hearing.replaces_id).where(col(Hearing.id).in_(sorted(frontier)))
        ).all()
        for hearing_id, replaces in rows:
            parent[hearing_id] = replaces
        frontier = {r for _h, r in rows if r}
    chains: dict[str, list[str]] = {}
    for hearing_id in ids:
        chain: list[str] = []
        node = hearing_id
        while node and node not in chain and len(chain) < MAX_CHAIN:
            chain.append(node)
            node = parent.get(node) or ""
        chains[hearing_id] = chain
    return chains


KIND_NAMES = {
    "reminder": N_("Hearing reminder"),
    "risk_note": N_("Risk note"),
    "wallet_cards": N_("Hearing cards"),
    "crossing_list": N_("Crossing list"),
    "message": N_("Hearing message"),
}
ACTION_NAMES = {
    "saved": N_("Saved"),
    "printed": N_("Printed"),
    "copied": N_("Copied to the clipboard"),
    "shown": N_("Shown on the command line"),
}
# Hearings that no longer take place as scheduled: a paper about them is out of date.
_GONE = {HearingStatus.POSTPONED, HearingStatus.CANCELLED, HearingStatus.TO_BE_SET}


@dataclass
class DocumentRow:
    """One logged paper as a person reads it (the Documents tab, ``legalaid documents``)."""

    at: datetime
    kind: str
    title: str
    actor: str
    action: str
    file: str
    hearing_id: str | None
    outdated: bool
    warnings: list[Problem] = field(default_factory=list)

    def kind_name(self) -> str:
        return _(KIND_NAMES.get(self.kind, self.kind))

    def action_name(self) -> str:
        """'Guardado' / 'Impreso' / ...; papers logged before the action was kept: ''."""
        return _(ACTION_NAMES[self.action]) if self.action in ACTION_NAMES else ""

    def when(self) -> str:
        """The date and time on this computer's clock: '28/05/30, 2:03 p. m.'."""
        local = self.at.astimezone()
        text = format_datetime(local, "short", locale=babel_locale())
        return text.replace("\u202f", " ").replace("a.m.", "a. m.").replace("p.m.", "p. m.")

    def line(self) -> str:
        """One line: when · what · action (where) · who, and a mark when out of date."""
        action = self.action_name()
        if self.action == "saved" and self.file:
            action = _("Saved to %(path)s") % {"path": self.file}
        parts = [self.when(), self.title or self.kind_name(), action, self.actor]
        text = " · ".join(p for p in parts if p)
        if self.outdated:
            text = _("%(paper)s — OUT OF DATE: the hearing changed since") % {"paper": text}
        return text

    def as_json(self) -> dict[str, Any]:
        return {
            "at": self.at.isoformat(),
            "kind": self.kind,
            "title": self.title,
            "by": self.actor,
            "action": self.action or None,
            "file": self.file or None,
            "hearing_id": self.hearing_id,
            "outdated": self.outdated,
            "warnings": [w.message() for w in self.warnings],
        }


def document_rows(ctx: AppContext, case_id: str) -> list[DocumentRow]:
    """Every paper recorded for a case (id or number), newest first, each marked out of date
    when what it states about its hearing is no longer the hearing's date, time and place."""
    entries = documents_for_case(ctx, case_id)
    with ctx.db.read() as session:
        live = _live_facts(session, {e.hearing_id for e in entries if e.hearing_id})
    rows: list[DocumentRow] = []
    for entry in entries:
        details = entry.details or {}
        printed = details.get("facts")
        outdated = False
        if entry.hearing_id and isinstance(printed, dict) and entry.kind in HEARING_PAPERS:
            now = live.get(entry.hearing_id)
            outdated = now is None or _differs(printed, now)
        rows.append(
            DocumentRow(
                at=entry.at,
                kind=entry.kind,
                title=entry.title,
                actor=entry.actor,
                action=str(details.get("action", "")),
                file=entry.file,
                hearing_id=entry.hearing_id,
                outdated=outdated,
                warnings=[Problem.from_json(w) for w in details.get("warnings", [])],
            )
        )
    return rows


def _live_facts(session: Session, hearing_ids: set[str | None]) -> dict[str, dict[str, str]]:
    """For each hearing, the facts of the hearing that stands for it now (itself, or the one
    that replaced it, followed to the end); None-like (absent) when that hearing no longer
    takes place (postponed or cancelled with no new date)."""
    wanted = {h for h in hearing_ids if h}
    if not wanted:
        return {}
    conn = session.connection()
    marks = sql_marks(conn, len(wanted))
    case_ids = [
        row[0]
        for row in conn.exec_driver_sql(
            f"SELECT DISTINCT case_id FROM hearing WHERE id IN ({marks})", tuple(wanted)
        )
    ]
    if not case_ids:
        return {}
    marks = sql_marks(conn, len(case_ids))
    rows = conn.exec_driver_sql(
        f"SELECT id, replaces_id, status FROM hearing WHERE case_id IN ({marks})", tuple(case_ids)
    ).all()
    successor = {replaces: hid for hid, replaces, _status in rows if replaces}
    status = {hid: state for hid, _replaces, state in rows}
    final: dict[str, str] = {}
    for start in wanted:
        node, steps = start, 0
        while node in successor and steps < MAX_CHAIN:
            node, steps = successor[node], steps + 1
        final[start] = node
    scheduled = [h for h in set(final.values()) if status.get(h) == HearingStatus.SCHEDULED]
    current = _current_facts(session, scheduled) if scheduled else {}
    out: dict[str, dict[str, str]] = {}
    for start, end in final.items():
        if end in current:
            out[start] = current[end]
        elif status.get(end) not in _GONE:
            out[start] = {}  # held, attended or missed: what the paper said was right then
    return out
