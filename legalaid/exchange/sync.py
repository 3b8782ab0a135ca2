"""Exchange between offices: change entries out to an exchange file, and in from one, with
field-level conflicts found from the entries' "based on" ids and left to a person.

Export (``export_for``): every change entry of the cases shared with an office that is not in
a file that office has acknowledged, in clock order; risk rows only to an office marked to
receive them. The file is sealed to that office (legalaid.exchange.container) and written
atomically; then it is recorded, with which change went in it. A killed export leaves either
no file or a file that is simply made again.

Import (``import_file``): the file is opened and checked (sender trusted, addressed to this
office), then, in one transaction, each entry not seen before is applied:

- an insert makes the row (unless it exists);
- an update's field whose base is the field's last change here is applied (one edit after
  another is never a conflict);
- otherwise the two changes were made without seeing each other: the same value is no
  conflict; different values are one, found under an id derived from the two changes (so
  every office finds the same), and meanwhile every office shows the same provisional value:
  the one of the later change in clock order (the clock orders; a person decides);
- a delete removes the row.

Before anything is applied, every entry not held here yet is checked against the signature
of the device that made it, vouched for by this office or an office it trusts
(legalaid.exchange.signing): one that does not check refuses the whole file. An entry seen
before is skipped (importing a file twice changes nothing), unless its content differs: that is
an alarm and nothing is imported. The entries are kept verbatim in the change
record, so they can be relayed to a third office. A decision on a conflict is a change like
any other: it travels and closes the conflict at every office.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from sqlalchemy import JSON as SA_JSON
from sqlalchemy import Boolean, Date, DateTime, Integer, Time
from sqlalchemy import select as sa_select
from sqlmodel import col, select

from legalaid import __version__, faults
from legalaid.changes.registry import CAPTURED, LOCAL_COLUMNS
from legalaid.changes.values import dumps
from legalaid.context import AppContext
from legalaid.errors import NotFoundError, ValidationError
from legalaid.exchange import container
from legalaid.exchange.identity import PublicIdentity
from legalaid.exchange.signing import (
    Certificate,
    Signer,
    Verifier,
    certificates,
    keep_certificates,
    q,
    signatures,
    trusted_keys,
)
from legalaid.i18n import N_
from legalaid.models.change import change_id

FORMAT = "legalaid-exchange-1"
OPERATION_OUT, OPERATION_IN = "sync-export", "sync-import"
STEPS_OUT = ("collected", "written", "recorded")
STEPS_IN = ("decrypted", "halfway", "applied", "before-commit", "committed")
MAX_FILE = 512 * 1024 * 1024
RISK_TABLES = frozenset({"risk_assessment", "incident"})
# Exchanged: a case's own rows. Reference rows carry the same id everywhere; the case-number
# counters are each desk's own.
EXCHANGED = frozenset(CAPTURED - {"case_sequence", "crossing", "court"})
# Bookkeeping of every save: two edits of other fields both move it, never a conflict.
NO_CONFLICT = frozenset({"updated_at"})
# The tables whose changes from another office the case's history shows.
AUDITED = frozenset({"case", "person", "hearing", "risk_assessment", "incident"})
NAMESPACE = uuid.UUID("5b0c39e6-43f6-4f53-9d8e-6f1e0c1d9a11")

NOT_TRUSTED = N_(
    "%(office)s is not trusted yet: compare its fingerprint and trust it before sending it "
    "anything (`legalaid office trust`)."
)
NOT_FOR_THIS_OFFICE = N_(
    "This exchange file was made for another office. Nothing was imported; ask the sender to "
    "export it for this office."
)
RISK_FILE_LAWYERS_ONLY = N_(
    "This file from %(office)s carries risk narratives or incidents, and the login %(user)s "
    "may not read them. Nothing was imported; a lawyer of this office must import it."
)
NEWER_SCHEMA = N_(
    "This exchange file was made by a newer LegalAid. It was kept in %(path)s and will be "
    "imported once LegalAid is updated; nothing was imported now."
)
NOT_AN_EXCHANGE = N_(
    "This is not a LegalAid exchange file, or it was damaged. Nothing was imported."
)
CHANGED_ENTRY = N_(
    "This exchange file holds a change already received with other content (change "
    "%(change)s). That should never happen: nothing was imported. Tell the sending office."
)
TOO_LARGE = N_("%(path)s is too large to be an exchange file.")
NO_CONFLICT_FOUND = N_("There is no open conflict %(conflict)s.")
NO_SUCH_SIDE = N_("Choose a value by its number, from 1 to %(count)d.")


@dataclass
class Entry:
    device: str
    seq: int
    table: str
    row_id: str
    case_id: str | None
    op: str
    fields: dict[str, Any]
    bases: dict[str, Any]
    hlc: str
    actor: str
    schema: str
    signature: str = ""  # the device's, base64; not part of what it signs

    @property
    def id(self) -> str:
        return change_id(self.device, self.seq)

    def as_json(self) -> dict[str, Any]:
        return {
            "device": self.device,
            "seq": self.seq,
            "table": self.table,
            "row": self.row_id,
            "case": self.case_id,
            "op": self.op,
            "fields": self.fields,
            "bases": self.bases,
            "hlc": self.hlc,
            "actor": self.actor,
            "schema": self.schema,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Entry:
        entry = cls(
            str(data["device"]),
            int(data["seq"]),
            str(data["table"]),
            str(data["row"]),
            None if data.get("case") is None else str(data["case"]),
            str(data["op"]),
            dict(data["fields"]),
            dict(data["bases"]),
            str(data["hlc"]),
            str(data.get("actor", "")),
            str(data.get("schema", "")),
            str(data.get("sig", "")),
        )
        if entry.op not in ("insert", "update", "delete") or entry.table not in EXCHANGED:
            raise ValueError(f"not an exchangeable change: {entry.op} {entry.table}")
        return entry

    def key(self) -> tuple[str, str, int]:
        return (self.hlc, self.device, self.seq)

    def line(self) -> dict[str, Any]:
        """The entry as a line of an exchange file: with its signature."""
        return {**self.as_json(), "sig": self.signature}


@dataclass
class Summary:
    """What an import did, for the person: counts by kind."""

    office: str = ""
    changes: int = 0
    skipped: int = 0
    households_new: set[str] = field(default_factory=set)
    households_updated: set[str] = field(default_factory=set)
    conflicts: int = 0
    decisions: int = 0
    already: bool = False
    # Pairs of households (case ids) with a possible duplicate, one side brought by the file.
    duplicates: list[tuple[str, str]] = field(default_factory=list)
    followed: int = 0  # rows moved to the household their own was merged into

    def as_json(self) -> dict[str, Any]:
        return {
            "office": self.office,
            "changes": self.changes,
            "skipped": self.skipped,
            "new": len(self.households_new),
            "updated": len(self.households_updated - self.households_new),
            "conflicts": self.conflicts,
            "decisions": self.decisions,
            "duplicates": len(self.duplicates),
            "already": self.already,
        }


@dataclass
class Exported:
    office: str
    changes: int
    cases: int
    path: Path


# --- sharing ---------------------------------------------------------------------------------
def share_case(ctx: AppContext, case_ref: str, office_name: str) -> tuple[str, str]:
    """Share a case with an office: its changes go in that office's next exchange files."""
    from legalaid.models import CaseShare, Office
    from legalaid.services.cases import get_case
    from legalaid.services.offices import _find

    detail = get_case(ctx, case_ref)
    with ctx.db.write() as session:
        office: Office = _find(session, office_name)
        if office.state != "trusted":
            raise ValidationError(NOT_TRUSTED, office=office.name)
        if session.get(CaseShare, (detail.case.id, office.id)) is None:
            session.add(CaseShare(case_id=detail.case.id, office_id=office.id, shared_by=ctx.actor))
        return detail.case.case_number, office.name


def shared_with(ctx: AppContext, case_id: str) -> list[str]:
    from legalaid.models import CaseShare, Office

    with ctx.db.read() as session:
        rows = session.exec(
            select(Office.name)
            .join(CaseShare, col(CaseShare.office_id) == col(Office.id))
            .where(CaseShare.case_id == case_id)
        ).all()
    return sorted(rows)


# --- export ----------------------------------------------------------------------------------
def _entries_for(conn: Any, office_id: str, with_risk: bool) -> list[Entry]:
    tables = sorted(EXCHANGED if with_risk else EXCHANGED - RISK_TABLES)
    marks = ", ".join("?" for _ in tables)
    query = f"""SELECT e.device, e.seq, e.table_name, e.row_id, e.case_id, e.op, e.fields,
        e.bases, e.hlc, e.actor, e.schema_version FROM change_log e
        WHERE e.case_id IN (SELECT case_id FROM case_share WHERE office_id = ?)
        AND e.table_name IN ({marks})
        AND NOT EXISTS (SELECT 1 FROM exchange_sent x JOIN exchange_file f
            ON f.id = x.file_id AND f.direction = 'sent' AND f.acknowledged
            WHERE x.office_id = ? AND x.device = e.device AND x.seq = e.seq)
        ORDER BY e.hlc, e.device, e.seq"""
    return [_entry(r) for r in _sql(conn, query, (office_id, *tables, office_id))]


ENTRY_SELECT = (
    "SELECT e.device, e.seq, e.table_name, e.row_id, e.case_id, e.op, e.fields, e.bases,"
    " e.hlc, e.actor, e.schema_version FROM change_log e"
)


def _entry(r: Any) -> Entry:
    """An entry from a row of ``ENTRY_SELECT``'s columns."""
    return Entry(
        r[0],
        int(r[1]),
        r[2],
        r[3],
        r[4],
        r[5],
        json.loads(r[6]),
        json.loads(r[7]),
        r[8],
        r[9] or "",
        r[10] or "",
    )


def export_for(ctx: AppContext, office_name: str, path: Path) -> Exported:
    """Write the exchange file for ``office_name`` at ``path``."""
    from legalaid.files import write_atomic
    from legalaid.migrations import HEAD
    from legalaid.models import ExchangeFile, Office
    from legalaid.services.offices import _find, own_keys

    keys = own_keys(ctx)
    with ctx.db.write() as session:
        office: Office = _find(session, office_name)
        if office.state != "trusted":
            raise ValidationError(NOT_TRUSTED, office=office.name)
        peer = PublicIdentity(
            office.id, office.name, office.prefix, _b64(office.sign_public), _b64(office.kem_public)
        )
        conn = session.connection()
        entries = signed(
            conn, keys.public.office_id, _entries_for(conn, office.id, office.receives_risk)
        )
        certs = certificates(conn, {e.device for e in entries}, keys)
        session_devices = [r[0] for r in _sql(conn, "SELECT id FROM device")]
        received = session.exec(
            select(ExchangeFile.id)
            .where(ExchangeFile.office_id == office.id, ExchangeFile.direction == "received")
            .order_by(col(ExchangeFile.at).desc())
            .limit(1000)
        ).all()
    faults.reached(OPERATION_OUT, "collected")
    header = {
        "format": FORMAT,
        "schema": HEAD,
        "app": __version__,
        "recipient": office.id,
        "acks": list(received),
        "devices": own_devices(session_devices),
        "certificates": [c.as_json() for c in certs],
        "changes": len(entries),
    }
    payload = "\n".join(dumps(e.line()) for e in entries).encode("utf-8")
    sealed = container.seal(header, payload, keys, [peer])
    file_id = sealed[: container.FILE_ID].hex()
    write_atomic(path, sealed)
    faults.reached(OPERATION_OUT, "written")
    with ctx.db.write() as session:
        session.add(
            ExchangeFile(
                id=file_id,
                direction="sent",
                office_id=office.id,
                actor=ctx.actor,
                changes=len(entries),
                summary=dumps({"cases": len({e.case_id for e in entries})}),
            )
        )
        session.flush()
        if entries:
            _sql(
                session.connection(),
                "INSERT INTO exchange_sent (file_id, device, seq, office_id) VALUES (?, ?, ?, ?)",
                [(file_id, e.device, e.seq, office.id) for e in entries],
            )
    faults.reached(OPERATION_OUT, "recorded")
    return Exported(office.name, len(entries), len({e.case_id for e in entries}), path)


def signed(
    conn: Any, office_id: str, entries: list[Entry], *, keep_unsigned: bool = False
) -> list[Entry]:
    """``entries`` with their signatures: the stored ones, and new ones for this database's own
    devices' entries never signed (signed once, when they first leave). An entry of another
    device without a signature (received before changes were signed) cannot be vouched for:
    it is left out (``keep_unsigned``: kept, for the office's own server)."""
    stored = signatures(conn, [(e.device, e.seq) for e in entries])
    missing = [e for e in entries if (e.device, e.seq) not in stored]
    if missing:
        stored.update(Signer(conn, office_id).sign((e.device, e.seq, e.as_json()) for e in missing))
    out = []
    for entry in entries:
        signature = stored.get((entry.device, entry.seq))
        if signature is not None or keep_unsigned:
            entry.signature = signature or ""
            out.append(entry)
    return out


def own_devices(devices: list[str]) -> list[str]:
    """This home's devices, for the header: the receiver learns which office made a change."""
    return sorted(devices)[:1000]


def _sql(conn: Any, statement: str, params: Any = None) -> Any:
    """A statement written with sqlite3's ``?`` marks, run on either database's driver."""
    if params is None:
        return conn.exec_driver_sql(statement)
    return conn.exec_driver_sql(q(conn, statement), params)


def _b64(text: str) -> bytes:
    import base64

    return base64.b64decode(text)


# --- import ----------------------------------------------------------------------------------
def _decode(column: Any, value: Any) -> Any:
    """A value from a change entry as the column takes it."""
    if value is None:
        return None
    kind = column.type
    impl = getattr(kind, "impl", kind)
    if isinstance(impl, DateTime) or isinstance(kind, DateTime):
        moment = datetime.fromisoformat(value)
        if moment.tzinfo is None:
            from datetime import UTC

            moment = moment.replace(tzinfo=UTC)
        return moment
    if isinstance(impl, Date):
        return date.fromisoformat(value)
    if isinstance(impl, Time):
        return time.fromisoformat(value)
    if isinstance(impl, Boolean):
        return bool(value)
    if isinstance(impl, Integer):
        return int(value)
    if isinstance(impl, SA_JSON):
        return value
    return value


def may_touch_risk(ctx: AppContext, privilege: str = "SELECT") -> bool:
    """Whether this login may read (or, with ``privilege``, write) the risk rows: on a laptop
    always; on the server, lawyers."""
    from legalaid.services.sql import may

    with ctx.db.read() as session:
        return may(session, "risk_assessment", privilege)


def conflict_id(table: str, row_id: str, name: str, a: str, b: str) -> str:
    first, second = sorted((a, b))
    return str(uuid.uuid5(NAMESPACE, f"{table}|{row_id}|{name}|{first}|{second}"))


class _Applier:
    """Applies entries inside one write transaction (plain Core statements: not captured again,
    the entries themselves go into the change record as they came)."""

    def __init__(self, ctx: AppContext, session: Any, summary: Summary) -> None:
        from sqlmodel import SQLModel

        self.ctx, self.session, self.summary = ctx, session, summary
        self.conn = session.connection()
        self.tables = SQLModel.metadata.tables
        self.touched_cases: set[str] = set()
        self.people_cases: set[str] = set()  # households whose members changed
        self.new_cases: list[str] = []
        self.inserts: list[Entry] = []
        self.to_record: list[tuple[Any, ...]] = []
        self.to_sign: list[tuple[str, int, str]] = []
        self.latest_hlc = ""

    # the change record ---------------------------------------------------------------
    def stored(self, entry: Entry) -> tuple[Any, ...] | None:
        return _sql(
            self.conn,
            "SELECT table_name, row_id, op, fields, bases FROM change_log"
            " WHERE device = ? AND seq = ?",
            (entry.device, entry.seq),
        ).first()

    def record(self, entry: Entry) -> None:
        """Keep the entry as it came (written with the next batch, before any lookup)."""
        self.to_record.append(
            (
                entry.device,
                entry.seq,
                entry.table,
                entry.row_id,
                entry.case_id,
                entry.op,
                dumps(entry.fields),
                dumps(entry.bases) if entry.bases else "{}",
                entry.hlc,
                entry.actor,
                entry.schema,
            )
        )
        if entry.signature:
            self.to_sign.append((entry.device, entry.seq, entry.signature))
        self.latest_hlc = max(self.latest_hlc, entry.hlc)

    def flush(self) -> None:
        """Write the run of inserts waiting, then the entries waiting, in one statement each
        per table (a file of new households is mostly long runs of one table)."""
        run, self.inserts = self.inserts, []
        start = 0
        while start < len(run):
            end = start
            while end < len(run) and run[end].table == run[start].table:
                end += 1
            self._insert_rows(run[start:end])
            start = end
        if self.to_record:
            _sql(
                self.conn,
                "INSERT INTO change_log (device, seq, table_name, row_id, case_id, op, fields,"
                " bases, hlc, actor, schema_version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                self.to_record,
            )
            self.to_record = []
        if self.to_sign:
            _sql(
                self.conn,
                "INSERT INTO change_signature (device, seq, signature) VALUES (?, ?, ?)"
                " ON CONFLICT (device, seq) DO NOTHING",
                self.to_sign,
            )
            self.to_sign = []

    def _insert_rows(self, group: list[Entry]) -> None:
        table = self.tables[group[0].table]
        ids = [e.row_id for e in group]
        present: set[str] = set()
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            present.update(
                r[0] for r in self.conn.execute(sa_select(table.c.id).where(table.c.id.in_(chunk)))
            )
        names = [c.name for c in table.columns if c.name not in LOCAL_COLUMNS and c.name != "id"]
        rows = []
        for entry in group:
            if entry.row_id in present:
                continue
            present.add(entry.row_id)
            row = {n: _decode(table.c[n], entry.fields.get(n)) for n in names}
            row["id"] = entry.row_id
            if "version" in table.c:
                row["version"] = 1
            rows.append(row)
            if entry.table == "case":
                self.summary.households_new.add(entry.row_id)
                self.new_cases.append(entry.row_id)
                self.audit(
                    entry, "received", {"case_number": [None, entry.fields.get("case_number")]}
                )
        if rows:
            self.conn.execute(table.insert(), rows)

    def heads(self, entry: Entry) -> dict[str, str]:
        found = _sql(
            self.conn,
            "SELECT heads FROM change_head WHERE table_name = ? AND row_id = ?",
            (entry.table, entry.row_id),
        ).first()
        if found is not None:
            return dict(json.loads(found[0]))
        insert = _sql(
            self.conn,
            "SELECT device, seq FROM change_log WHERE row_id = ? AND table_name = ?"
            " AND op = 'insert' ORDER BY hlc DESC LIMIT 1",
            (entry.row_id, entry.table),
        ).first()
        return {"*": change_id(insert[0], insert[1])} if insert else {}

    def write_heads(self, entry: Entry, heads: dict[str, str] | None) -> None:
        if heads is None:
            _sql(
                self.conn,
                "DELETE FROM change_head WHERE table_name = ? AND row_id = ?",
                (entry.table, entry.row_id),
            )
            return
        _sql(
            self.conn,
            "INSERT INTO change_head (table_name, row_id, heads) VALUES (?, ?, ?)"
            " ON CONFLICT (table_name, row_id) DO UPDATE SET heads = excluded.heads",
            (entry.table, entry.row_id, dumps(heads)),
        )

    def change(self, ident: str | None) -> tuple[str, str, Any] | None:
        """(hlc, actor, fields) of a change held here, by id."""
        if not ident:
            return None
        device, _sep, seq = ident.rpartition(":")
        row = _sql(
            self.conn,
            "SELECT hlc, actor, fields FROM change_log WHERE device = ? AND seq = ?",
            (device, int(seq)),
        ).first()
        return None if row is None else (row[0], row[1], json.loads(row[2]))

    # rows ----------------------------------------------------------------------------
    def exists(self, entry: Entry) -> bool:
        table = self.tables[entry.table]
        return (
            self.conn.execute(sa_select(table.c.id).where(table.c.id == entry.row_id)).first()
            is not None
        )

    def current(self, entry: Entry, name: str) -> Any:
        table = self.tables[entry.table]
        row = self.conn.execute(sa_select(table.c[name]).where(table.c.id == entry.row_id)).first()
        return None if row is None else json.loads(dumps(row[0]))

    def update_row(self, entry: Entry, values: dict[str, Any]) -> None:
        table = self.tables[entry.table]
        decoded = {
            name: _decode(table.c[name], value) for name, value in values.items() if name in table.c
        }
        if "version" in table.c:
            decoded["version"] = table.c.version + 1
        self.conn.execute(table.update().where(table.c.id == entry.row_id).values(**decoded))

    # applying ------------------------------------------------------------------------
    def apply(self, entry: Entry) -> None:
        if entry.case_id:
            self.touched_cases.add(entry.case_id)
            if entry.table == "person" or (entry.table == "case" and entry.op == "insert"):
                self.people_cases.add(entry.case_id)
        if entry.op == "insert":
            self.inserts.append(entry)
            self.record(entry)
            if entry.table == "conflict_decision":
                self.flush()
                self.decided(entry.row_id)
            return
        self.flush()  # the rows and entries before this one are in place for its lookups
        if entry.op == "delete":
            if self.exists(entry):
                table = self.tables[entry.table]
                self.conn.execute(table.delete().where(table.c.id == entry.row_id))
            self.record(entry)
            self.write_heads(entry, None)
            return
        self.apply_update(entry)

    def apply_update(self, entry: Entry) -> None:
        if entry.case_id:
            self.summary.households_updated.add(entry.case_id)
        heads = self.heads(entry)
        new_heads = dict(heads)
        apply: dict[str, Any] = {}
        for name, value in entry.fields.items():
            shown = self.update_field(entry, name, value, heads.get(name, heads.get("*")))
            if shown is not None:
                new_heads[name] = shown[0]
                if shown[0] == entry.id:
                    apply[name] = value
                elif shown[1] is not _SAME:
                    apply[name] = shown[1]
        if apply and self.exists(entry):
            before = {name: self.current(entry, name) for name in apply}
            self.update_row(entry, apply)
            self.audit(
                entry,
                "update",
                {
                    name: [before[name], json.loads(dumps(value))]
                    for name, value in apply.items()
                    if name not in NO_CONFLICT and before[name] != json.loads(dumps(value))
                },
            )
        self.record(entry)
        self.write_heads(entry, new_heads)

    def audit(self, entry: Entry, action: str, changes: dict[str, Any]) -> None:
        """The history shows what came from another office: who made it there, and where."""
        if not changes or entry.table not in AUDITED:
            return
        from legalaid.services import audit

        who = f"{entry.actor or '—'} ({self.summary.office})"
        if self.conn.dialect.name == "postgresql":  # the server's history names its login
            who = self.ctx.actor
        audit.record(self.session, who, action, entry.table, entry.row_id, entry.case_id, changes)

    def update_field(
        self, entry: Entry, name: str, value: Any, local: str | None
    ) -> tuple[str, Any] | None:
        """(the field's head afterwards, the value to show or _SAME) for one field of a
        remote update; None when the field stays as it is.

        A head can be a merge ("x+y"): two changes made without seeing each other that came
        to the same value. A change that saw every member of the head follows it; one that
        did not is concurrent with the members it did not see."""
        base = entry.bases.get(name)
        theirs = json.loads(dumps(value))
        tip = {"change": entry.id, "value": theirs, "by": entry.actor, "at": entry.hlc}
        conflict = None if name in NO_CONFLICT else self.open_conflict_on(entry, name)
        if conflict is not None:
            return self.join(conflict, entry, name, base, tip, local)
        if local is None or local == base:
            return entry.id, _SAME  # one edit after another
        seen = set(self.ancestors(base, name))
        unseen = [m for m in local.split("+") if m not in seen]
        if not unseen:
            return entry.id, _SAME  # it saw every change the head holds
        later = entry.key() > max(self.key_of(m) for m in unseen)
        here = self.current(entry, name)
        if name in NO_CONFLICT:
            return (entry.id, _SAME) if later else None
        if here == theirs:  # the same value: no conflict, a head both lines share
            return merged(*unseen, entry.id), _SAME
        ours = []
        for member in sorted(unseen):
            held = self.change(member)
            ours.append(
                {
                    "change": member,
                    "value": here,
                    "by": held[1] if held else "",
                    "at": held[0] if held else "",
                }
            )
        newest = max(unseen, key=self.key_of)
        self.create_conflict(entry, name, self.fork(newest, base, name), [*ours, tip])
        if later:
            return entry.id, _SAME
        return newest, here

    def key_of(self, ident: str) -> tuple[str, str, int]:
        """The clock order of a change (of a merge: its newest member)."""
        if "+" in ident:
            return max(self.key_of(m) for m in ident.split("+"))
        held = self.change(ident)
        return (held[0] if held else "", *_split(ident))

    def ancestors(self, ident: str | None, name: str) -> list[str]:
        """``ident`` and every change of field ``name`` it descends from (merges followed
        into both members), nearest first."""
        out: list[str] = []
        queue = [ident]
        while queue and len(out) < 1000:
            step = queue.pop(0)
            if not step or step in out:
                continue
            out.append(step)
            if "+" in step:
                queue.extend(step.split("+"))
            else:
                queue.append(self.bases_of(step).get(name))
        return out

    def open_conflict_on(self, entry: Entry, name: str) -> Any:
        from legalaid.models import Conflict

        return self.session.exec(
            select(Conflict).where(
                Conflict.table_name == entry.table,
                Conflict.row_id == entry.row_id,
                Conflict.field == name,
                Conflict.state == "open",
            )
        ).first()

    def join(
        self,
        conflict: Any,
        entry: Entry,
        name: str,
        base: str | None,
        tip: dict[str, Any],
        local: str | None,
    ) -> tuple[str, Any]:
        """A change to a field already in conflict: it continues one line (its base is that
        line's tip) or is one more line; the provisional value is the latest tip's."""
        tips: list[dict[str, Any]] = json.loads(conflict.tips)
        ids = [t["change"] for t in tips]
        self.continue_local(tips, name, local)
        ids = [t["change"] for t in tips]
        if entry.id not in ids:
            if base in ids:
                tips[ids.index(base)] = tip
            else:
                tips.append(tip)
        return self.settle(conflict, tips)

    def continue_local(self, tips: list[dict[str, Any]], name: str, local: str | None) -> None:
        """An edit made here on a line of the conflict (it descends from that line's tip)
        continues that line."""
        ids = [t["change"] for t in tips]
        if not local or local in ids:
            return
        for step in self.ancestors(local, name)[1:]:
            if step in ids:
                held = self.change(local.split("+")[0])
                tips[ids.index(step)] = {
                    "change": local,
                    "value": self.current_value(name, tips, held),
                    "by": held[1] if held else "",
                    "at": held[0] if held else "",
                }
                return

    def current_value(self, name: str, tips: list[dict[str, Any]], held: Any) -> Any:
        return held[2].get(name) if held and name in held[2] else None

    def fork(self, local: str, base: str | None, name: str) -> str | None:
        """The nearest change both lines descend from (the remote line starts at ``base``):
        the same at every office, whichever line it holds."""
        ours = set(self.ancestors(local, name))
        for ident in self.ancestors(base, name):
            if ident in ours:
                return ident
        return None

    def bases_of(self, ident: str) -> dict[str, Any]:
        device, seq = _split(ident)
        row = _sql(
            self.conn, "SELECT bases FROM change_log WHERE device = ? AND seq = ?", (device, seq)
        ).first()
        return {} if row is None else dict(json.loads(row[0]))

    def settle(self, conflict: Any, tips: list[dict[str, Any]]) -> tuple[str, Any]:
        latest = max(tips, key=_tip_key)
        conflict.tips = dumps(tips)
        conflict.provisional = latest["change"]
        if len({dumps(t["value"]) for t in tips}) == 1:
            conflict.state = "merged"  # every line came to the same value
        self.session.add(conflict)
        self.session.flush()
        return latest["change"], latest["value"]

    def create_conflict(
        self, entry: Entry, name: str, fork: str | None, tips: list[dict[str, Any]]
    ) -> None:
        from legalaid.models import Conflict, ConflictDecision

        ident = str(uuid.uuid5(NAMESPACE, f"{entry.table}|{entry.row_id}|{name}|{fork or ''}"))
        found = self.session.get(Conflict, ident)
        if found is not None:  # closed before: a new line reopens it under a new fork
            ident = str(uuid.uuid5(NAMESPACE, f"{ident}|{entry.id}"))
        latest = max(tips, key=_tip_key)
        decided = self.session.get(ConflictDecision, ident) is not None
        self.session.add(
            Conflict(
                id=ident,
                table_name=entry.table,
                row_id=entry.row_id,
                case_id=entry.case_id,
                field=name,
                fork=fork,
                tips=dumps(tips),
                provisional=latest["change"],
                state="resolved" if decided else "open",
            )
        )
        self.session.flush()
        if not decided:
            self.summary.conflicts += 1

    def decided(self, conflict_id: str) -> None:
        """A decision arrived: its conflict closes; a line it did not decide over (a change
        made meanwhile, without seeing it) is a conflict of its own."""
        from legalaid.models import Conflict, ConflictDecision

        self.summary.decisions += 1
        found = self.session.get(Conflict, conflict_id)
        decision = self.session.get(ConflictDecision, conflict_id)
        if found is None or decision is None or found.state != "open":
            return
        over = set(json.loads(decision.over)) | {decision.change}
        tips = json.loads(found.tips)
        left = [t for t in tips if t["change"] not in over]
        found.state = "resolved"
        self.session.add(found)
        self.session.flush()
        if left:
            mine = next((t for t in tips if t["change"] == decision.change), None)
            if mine is not None and any(dumps(t["value"]) != dumps(mine["value"]) for t in left):
                entry = Entry(
                    "",
                    0,
                    found.table_name,
                    found.row_id,
                    found.case_id,
                    "update",
                    {},
                    {},
                    "",
                    "",
                    "",
                )
                # The conflict an office finds that gets that line after the decision: forked
                # where the line and the decision meet.
                first = min(left, key=lambda t: t["change"])
                fork = self.fork(
                    decision.change, self.bases_of(first["change"]).get(found.field), found.field
                )
                self.create_conflict(entry, found.field, fork, [mine, *left])


_SAME = object()


def _tip_key(tip: dict[str, Any]) -> tuple[str, str, int]:
    """A side's clock order: its reading, then its change id (a side just received is not
    in the change record yet, so the side carries its own reading)."""
    return (str(tip["at"]), *_split(str(tip["change"]).split("+")[0]))


def merged(*idents: str) -> str:
    """The head two lines share after coming to the same value: their changes, sorted."""
    return "+".join(sorted({part for ident in idents for part in ident.split("+")}))


def _split(ident: str) -> tuple[str, int]:
    device, _sep, seq = ident.rpartition(":")
    return device, int(seq)


def _read_sealed(path: Path) -> bytes:
    try:
        if path.stat().st_size > MAX_FILE:
            raise ValidationError(TOO_LARGE, path=str(path))
        return path.read_bytes()
    except OSError as error:
        from legalaid.errors import StorageError

        raise StorageError(
            N_("Could not read %(path)s: %(reason)s"),
            path=str(path),
            reason=error.strerror or str(error),
        ) from None


def _known_revision(revision: str) -> bool:
    from alembic.script import ScriptDirectory

    from legalaid.db import alembic_config

    try:
        return ScriptDirectory.from_config(alembic_config()).get_revision(revision) is not None
    except Exception:  # an unknown revision id: alembic raises its own error classes
        return False


def import_file(
    ctx: AppContext, path: Path, progress: Callable[[int, int], None] | None = None
) -> Summary:
    """Apply the exchange file at ``path``; what happened, for the person."""
    from legalaid.models import ExchangeFile
    from legalaid.services.offices import own_keys, sender_lookup

    keys = own_keys(ctx)
    senders = sender_lookup(ctx)
    opened = container.open_sealed(_read_sealed(path), keys, senders.get)
    faults.reached(OPERATION_IN, "decrypted")
    header = opened.header
    if header.get("format") != FORMAT:
        raise ValidationError(NOT_AN_EXCHANGE)
    if header.get("recipient") != keys.public.office_id:
        raise ValidationError(NOT_FOR_THIS_OFFICE)
    if not _known_revision(str(header.get("schema", ""))):
        kept = _keep_for_later(ctx, path, opened.file_id)
        raise ValidationError(NEWER_SCHEMA, path=str(kept))
    file_id = opened.file_id.hex()
    summary = Summary(office=opened.sender.name)
    try:
        lines = [line for line in opened.payload.decode("utf-8").split("\n") if line]
        entries = [Entry.from_json(json.loads(line)) for line in lines]
        certs = [Certificate.from_json(c) for c in header.get("certificates", [])][:10000]
    except (ValueError, KeyError, TypeError):
        raise ValidationError(NOT_AN_EXCHANGE) from None
    if any(e.table in RISK_TABLES for e in entries) and not may_touch_risk(ctx, "INSERT"):
        raise ValidationError(RISK_FILE_LAWYERS_ONLY, office=opened.sender.name, user=ctx.actor)
    with ctx.db.read() as session:
        verifier = Verifier(trusted_keys(session.connection()), certs)
        held_before = _held(session.connection(), {e.device for e in entries})
    # Every change not held here yet, before anything of the file is applied (one held here
    # was checked when it came, or is this office's own; with other content it is an alarm).
    for entry in entries:
        if (entry.device, entry.seq) not in held_before:
            verifier.check(entry.id, entry.device, entry.as_json(), entry.signature)
    with ctx.db.write() as session:
        if session.get(ExchangeFile, (file_id, "received")) is not None:
            summary.already = True
            return summary
        conn = session.connection()
        keep_certificates(conn, verifier.vouched)
        if verifier.vouched:
            _sql(
                conn,
                "INSERT INTO office_device (device, office_id) VALUES (?, ?)"
                " ON CONFLICT (device) DO NOTHING",
                [(c.device, c.office_id) for c in verifier.vouched],
            )
        devices = [str(d) for d in header.get("devices", [])][:1000]
        if devices:
            _sql(
                conn,
                "INSERT INTO office_device (device, office_id) VALUES (?, ?)"
                " ON CONFLICT (device) DO NOTHING",
                [(d, opened.sender.office_id) for d in devices],
            )
        acks = [str(a) for a in header.get("acks", [])][:1000]
        if acks:
            marks = ", ".join("?" for _ in acks)
            _sql(
                conn,
                f"UPDATE exchange_file SET acknowledged = ? WHERE direction = 'sent'"
                f" AND office_id = ? AND id IN ({marks})",
                (True, opened.sender.office_id, *acks),
            )
        applier = apply_entries(
            ctx,
            session,
            entries,
            summary,
            halfway=lambda: faults.reached(OPERATION_IN, "halfway"),
            progress=progress,
        )
        faults.reached(OPERATION_IN, "applied")  # the rows that followed a merge moved too
        from legalaid.services.duplicates import households_touching

        summary.duplicates = households_touching(conn, applier.people_cases)
        # A household received from an office is shared back with it: it has it already.
        for case_id in applier.new_cases:
            _sql(
                conn,
                "INSERT INTO case_share (case_id, office_id, shared_at, shared_by)"
                " VALUES (?, ?, CURRENT_TIMESTAMP, ?) ON CONFLICT DO NOTHING",
                (case_id, opened.sender.office_id, ctx.actor),
            )
        session.add(
            ExchangeFile(
                id=file_id,
                direction="received",
                office_id=opened.sender.office_id,
                actor=ctx.actor,
                changes=summary.changes,
                summary=dumps(summary.as_json()),
            )
        )
        session.flush()
        faults.reached(OPERATION_IN, "before-commit")
    faults.reached(OPERATION_IN, "committed")
    return summary


def apply_entries(
    ctx: AppContext,
    session: Any,
    entries: list[Entry],
    summary: Summary,
    *,
    halfway: Callable[[], None] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> _Applier:
    """Apply ``entries`` inside the caller's write transaction, in clock order, each change
    once: one held here already is skipped (with other content: an alarm, nothing applied)."""
    conn = session.connection()
    applier = _Applier(ctx, session, summary)
    entries.sort(key=Entry.key)
    half = len(entries) // 2
    held_ids = _held(conn, {e.device for e in entries})
    for index, entry in enumerate(entries):
        if index == half and halfway is not None:
            halfway()
        held = applier.stored(entry) if (entry.device, entry.seq) in held_ids else None
        if held is not None:
            same = (held[0], held[1], held[2], json.loads(held[3]), json.loads(held[4])) == (
                entry.table,
                entry.row_id,
                entry.op,
                json.loads(dumps(entry.fields)),
                json.loads(dumps(entry.bases)),
            )
            if not same:
                raise ValidationError(CHANGED_ENTRY, change=entry.id)
            summary.skipped += 1
            continue
        applier.apply(entry)
        summary.changes += 1
        if progress is not None and index % 500 == 0:
            progress(index, len(entries))
    applier.flush()
    _observe(conn, applier.latest_hlc)
    from legalaid.services.duplicates import follow_merges

    # A row received under a household merged into another joins the one kept (see
    # legalaid.services.duplicates.follow_merges).
    followed = follow_merges(session, applier.touched_cases)
    summary.followed += len(followed)
    applier.touched_cases |= {kept for _table, _row, kept in followed}
    applier.people_cases |= {kept for table, _row, kept in followed if table == "person"}
    if applier.touched_cases:
        from legalaid.services.sql import raw_connection
        from legalaid.sort_keys import sync_sort_names

        sync_sort_names(raw_connection(conn), applier.touched_cases)
    return applier


def _held(conn: Any, devices: set[str]) -> set[tuple[str, int]]:
    """The (device, seq) of every change held here from ``devices``."""
    found: set[tuple[str, int]] = set()
    for device in devices:
        found.update(
            (device, int(seq))
            for (seq,) in _sql(conn, "SELECT seq FROM change_log WHERE device = ?", (device,))
        )
    return found


def _observe(conn: Any, latest: str) -> None:
    """This copy's clock moves past the newest change received, so its next change sorts after."""
    if not latest:
        return
    _sql(conn, "UPDATE device SET last_hlc = ? WHERE current AND last_hlc < ?", (latest, latest))


def _keep_for_later(ctx: AppContext, path: Path, file_id: bytes) -> Path:
    from legalaid.files import copy_private, make_folder

    folder = ctx.home.root / "exchange-waiting"
    make_folder(folder)
    target = folder / f"{file_id.hex()}.bin"
    if not target.exists():
        copy_private(path, target)
    return target


# --- conflicts -------------------------------------------------------------------------------
@dataclass(frozen=True)
class ConflictView:
    """An open conflict as a person reads it: the value before, each line's value with who
    and when, and the value shown meanwhile."""

    id: str
    case_number: str | None
    table: str
    row_id: str
    field: str
    base_value: Any
    sides: list[dict[str, Any]]
    provisional: Any

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "case_number": self.case_number,
            "table": self.table,
            "row_id": self.row_id,
            "field": self.field,
            "before": self.base_value,
            "sides": self.sides,
            "provisional": self.provisional,
        }


def trusted_offices(ctx: AppContext) -> list[str]:
    from legalaid.models import Office

    with ctx.db.read() as session:
        names = session.exec(select(Office.name).where(Office.state == "trusted")).all()
    return sorted(names)


def open_conflicts(ctx: AppContext) -> list[ConflictView]:
    from legalaid.models import Case, Conflict

    out = []
    with ctx.db.read() as session:
        rows = session.exec(
            select(Conflict).where(Conflict.state == "open").order_by(col(Conflict.detected_at))
        ).all()
        reader = _Reader(session.connection())
        offices = _device_offices(session.connection())
        for c in rows:
            case = session.get(Case, c.case_id) if c.case_id else None
            tips = sorted(json.loads(c.tips), key=lambda t: t["change"])
            for tip in tips:
                tip["office"] = offices.get(_split(tip["change"].split("+")[0])[0], "")
            shown = next((t["value"] for t in tips if t["change"] == c.provisional), None)
            out.append(
                ConflictView(
                    c.id,
                    case.case_number if case else None,
                    c.table_name,
                    c.row_id,
                    c.field,
                    reader.value_of(c.fork, c.field),
                    tips,
                    shown,
                )
            )
    return out


def _device_offices(conn: Any) -> dict[str, str]:
    """Device id -> office name: this home's own devices, and those exchange files named."""
    found = {
        device: name
        for query in (
            "SELECT d.device, o.name FROM device_key d JOIN office o ON o.id = d.office_id",
            "SELECT d.device, o.name FROM office_device d JOIN office o ON o.id = d.office_id",
        )
        for device, name in _sql(conn, query)
    }
    own = _sql(conn, "SELECT name FROM office WHERE state = 'self'").first()
    if own is not None:
        for (device,) in _sql(conn, "SELECT id FROM device"):
            found[device] = own[0]
    return found


class _Reader:
    def __init__(self, conn: Any) -> None:
        self.conn = conn

    def value_of(self, ident: str | None, name: str) -> Any:
        if not ident:
            return None
        device, seq = _split(ident.split("+")[0])  # a merge: its members agree
        row = _sql(
            self.conn, "SELECT fields FROM change_log WHERE device = ? AND seq = ?", (device, seq)
        ).first()
        return None if row is None else json.loads(row[0]).get(name)


def resolve(ctx: AppContext, conflict: str, *, keep: int | None = None, value: Any = None) -> Any:
    """Decide a conflict: keep side ``keep`` (1, 2, ... as listed) or give ``value``. The field
    gets the value through the ORM (recorded like any edit, based on the value shown) and the
    decision is recorded with the changes it decided over, so both travel to the offices."""
    from sqlmodel import SQLModel

    from legalaid.models import Conflict, ConflictDecision

    with ctx.db.write() as session:
        found = session.get(Conflict, conflict)
        if found is None or found.state != "open":
            opened = session.exec(select(Conflict).where(Conflict.state == "open")).all()
            matches = [c for c in opened if len(conflict) >= 6 and c.id.startswith(conflict)]
            if len(matches) != 1:
                raise NotFoundError(NO_CONFLICT_FOUND, conflict=conflict)
            found = matches[0]
        tips = sorted(json.loads(found.tips), key=lambda t: t["change"])
        if keep is not None:
            if not 1 <= keep <= len(tips):
                raise ValidationError(NO_SUCH_SIDE, count=len(tips))
            chosen = tips[keep - 1]["value"]
        else:
            chosen = value
        table = SQLModel.metadata.tables[found.table_name]
        record = session.get(_model_of(found.table_name), found.row_id)
        if record is not None:
            setattr(record, found.field, _decode(table.c[found.field], chosen))
            session.add(record)
            session.flush()
        conn = session.connection()
        heads = _sql(
            conn,
            "SELECT heads FROM change_head WHERE table_name = ? AND row_id = ?",
            (found.table_name, found.row_id),
        ).first()
        written = json.loads(heads[0]).get(found.field, "") if heads else ""
        over = [t["change"] for t in tips]
        session.add(
            ConflictDecision(
                id=found.id,
                case_id=found.case_id,
                table_name=found.table_name,
                row_id=found.row_id,
                field=found.field,
                value=dumps(chosen),
                over=dumps(over),
                change=written,
                decided_by=ctx.actor,
            )
        )
        found.state = "resolved"
        session.add(found)
        session.flush()
        return chosen


def _model_of(table: str) -> Any:
    from sqlmodel import SQLModel

    for mapper in SQLModel._sa_registry.mappers:
        if getattr(mapper.local_table, "name", None) == table:
            return mapper.class_
    raise KeyError(table)
