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

An entry seen before is skipped (importing a file twice changes nothing), unless its content
differs: that is an alarm and nothing is imported. The entries are kept verbatim in the change
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
from legalaid.i18n import N_
from legalaid.models.change import change_id

FORMAT = "legalaid-exchange-1"
OPERATION_OUT, OPERATION_IN = "sync-export", "sync-import"
STEPS_OUT = ("collected", "written", "recorded")
STEPS_IN = ("decrypted", "halfway", "before-commit", "committed")
MAX_FILE = 512 * 1024 * 1024
RISK_TABLES = frozenset({"risk_assessment", "incident"})
# Exchanged: a case's own rows. Reference rows carry the same id everywhere; the case-number
# counters are each desk's own.
EXCHANGED = frozenset(CAPTURED - {"case_sequence", "crossing", "court"})
# Bookkeeping of every save: two edits of other fields both move it, never a conflict.
NO_CONFLICT = frozenset({"updated_at"})
NAMESPACE = uuid.UUID("5b0c39e6-43f6-4f53-9d8e-6f1e0c1d9a11")

NOT_TRUSTED = N_(
    "%(office)s is not trusted yet: compare its fingerprint and trust it before sending it "
    "anything (`legalaid office trust`)."
)
NOT_FOR_THIS_OFFICE = N_(
    "This exchange file was made for another office. Nothing was imported; ask the sender to "
    "export it for this office."
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
        )
        if entry.op not in ("insert", "update", "delete") or entry.table not in EXCHANGED:
            raise ValueError(f"not an exchangeable change: {entry.op} {entry.table}")
        return entry

    def key(self) -> tuple[str, str, int]:
        return (self.hlc, self.device, self.seq)


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

    def as_json(self) -> dict[str, Any]:
        return {
            "office": self.office,
            "changes": self.changes,
            "skipped": self.skipped,
            "new": len(self.households_new),
            "updated": len(self.households_updated - self.households_new),
            "conflicts": self.conflicts,
            "decisions": self.decisions,
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
    return [
        Entry(
            r[0],
            r[1],
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
        for r in conn.exec_driver_sql(query, (office_id, *tables, office_id))
    ]


def export_for(ctx: AppContext, office_name: str, path: Path) -> Exported:
    """Write the exchange file for ``office_name`` at ``path``."""
    from legalaid.files import write_atomic
    from legalaid.migrations import HEAD
    from legalaid.models import ExchangeFile, Office
    from legalaid.services.offices import _find, own_keys

    keys = own_keys(ctx)
    with ctx.db.read() as session:
        office: Office = _find(session, office_name)
        if office.state != "trusted":
            raise ValidationError(NOT_TRUSTED, office=office.name)
        peer = PublicIdentity(
            office.id, office.name, office.prefix, _b64(office.sign_public), _b64(office.kem_public)
        )
        entries = _entries_for(session.connection(), office.id, office.receives_risk)
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
        "changes": len(entries),
    }
    payload = "\n".join(dumps(e.as_json()) for e in entries).encode("utf-8")
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
            session.connection().exec_driver_sql(
                "INSERT INTO exchange_sent (file_id, device, seq, office_id) VALUES (?, ?, ?, ?)",
                [(file_id, e.device, e.seq, office.id) for e in entries],
            )
    faults.reached(OPERATION_OUT, "recorded")
    return Exported(office.name, len(entries), len({e.case_id for e in entries}), path)


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
        self.new_cases: list[str] = []
        self.latest_hlc = ""

    # the change record ---------------------------------------------------------------
    def stored(self, entry: Entry) -> tuple[Any, ...] | None:
        return self.conn.exec_driver_sql(
            "SELECT table_name, row_id, op, fields, bases FROM change_log"
            " WHERE device = ? AND seq = ?",
            (entry.device, entry.seq),
        ).first()

    def record(self, entry: Entry) -> None:
        self.conn.exec_driver_sql(
            "INSERT INTO change_log (device, seq, table_name, row_id, case_id, op, fields,"
            " bases, hlc, actor, schema_version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
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
            ),
        )
        self.latest_hlc = max(self.latest_hlc, entry.hlc)

    def heads(self, entry: Entry) -> dict[str, str]:
        found = self.conn.exec_driver_sql(
            "SELECT heads FROM change_head WHERE table_name = ? AND row_id = ?",
            (entry.table, entry.row_id),
        ).first()
        if found is not None:
            return dict(json.loads(found[0]))
        insert = self.conn.exec_driver_sql(
            "SELECT device, seq FROM change_log WHERE row_id = ? AND table_name = ?"
            " AND op = 'insert' ORDER BY hlc DESC LIMIT 1",
            (entry.row_id, entry.table),
        ).first()
        return {"*": change_id(insert[0], insert[1])} if insert else {}

    def write_heads(self, entry: Entry, heads: dict[str, str] | None) -> None:
        if heads is None:
            self.conn.exec_driver_sql(
                "DELETE FROM change_head WHERE table_name = ? AND row_id = ?",
                (entry.table, entry.row_id),
            )
            return
        self.conn.exec_driver_sql(
            "INSERT INTO change_head (table_name, row_id, heads) VALUES (?, ?, ?)"
            " ON CONFLICT (table_name, row_id) DO UPDATE SET heads = excluded.heads",
            (entry.table, entry.row_id, dumps(heads)),
        )

    def change(self, ident: str | None) -> tuple[str, str, Any] | None:
        """(hlc, actor, fields) of a change held here, by id."""
        if not ident:
            return None
        device, _sep, seq = ident.rpartition(":")
        row = self.conn.exec_driver_sql(
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

    def insert_row(self, entry: Entry) -> None:
        table = self.tables[entry.table]
        values = {
            name: _decode(table.c[name], value)
            for name, value in entry.fields.items()
            if name in table.c and name not in LOCAL_COLUMNS
        }
        values["id"] = entry.row_id
        if "version" in table.c:
            values["version"] = 1
        self.conn.execute(table.insert().values(**values))

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
        if entry.op == "insert":
            if not self.exists(entry):
                self.insert_row(entry)
                if entry.table == "case":
                    self.summary.households_new.add(entry.row_id)
                    self.new_cases.append(entry.row_id)
            if entry.table == "conflict_decision":
                self.decided(entry.row_id)
            self.record(entry)
            return
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
        this = entry.id
        apply: dict[str, Any] = {}
        new_heads = dict(heads)
        for name, value in entry.fields.items():
            local = heads.get(name, heads.get("*"))
            base = entry.bases.get(name)
            if local is None or local == base:
                apply[name] = value  # one edit after another
                new_heads[name] = this
                continue
            mine = self.change(local)
            later = mine is None or (entry.hlc, entry.device, entry.seq) > (
                mine[0],
                *_split(local),
            )
            if later:
                apply[name] = value
                new_heads[name] = this
            if name in NO_CONFLICT:
                continue
            here = self.current(entry, name)  # the value of the change made here
            theirs = json.loads(dumps(value))
            if here == theirs:
                continue  # the same value twice: no conflict
            self.open_conflict(
                entry, name, base, local, mine, here, theirs, this if later else local
            )
        if apply and self.exists(entry):
            self.update_row(entry, apply)
        self.record(entry)
        self.write_heads(entry, new_heads)

    def open_conflict(
        self,
        entry: Entry,
        name: str,
        base: str | None,
        local: str,
        mine: tuple[str, str, Any] | None,
        here: Any,
        theirs: Any,
        provisional: str,
    ) -> None:
        from legalaid.models import Conflict, ConflictDecision

        ident = conflict_id(entry.table, entry.row_id, name, local, entry.id)
        if self.session.get(Conflict, ident) is not None:
            return
        first_is_local = local < entry.id
        local_side = (local, dumps(here), mine[1] if mine else "", mine[0] if mine else "")
        remote_side = (entry.id, dumps(theirs), entry.actor, entry.hlc)
        first, second = (local_side, remote_side) if first_is_local else (remote_side, local_side)
        decided = self.session.get(ConflictDecision, ident) is not None
        self.session.add(
            Conflict(
                id=ident,
                table_name=entry.table,
                row_id=entry.row_id,
                case_id=entry.case_id,
                field=name,
                base=base,
                first_change=first[0],
                first_value=first[1],
                first_actor=first[2],
                first_at=first[3],
                second_change=second[0],
                second_value=second[1],
                second_actor=second[2],
                second_at=second[3],
                provisional=provisional,
                state="resolved" if decided else "open",
            )
        )
        self.session.flush()
        if not decided:
            self.summary.conflicts += 1

    def decided(self, conflict: str) -> None:
        from legalaid.models import Conflict

        found = self.session.get(Conflict, conflict)
        if found is not None and found.state != "resolved":
            found.state = "resolved"
            self.session.flush()
        self.summary.decisions += 1


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
    except (ValueError, KeyError, TypeError):
        raise ValidationError(NOT_AN_EXCHANGE) from None
    with ctx.db.write() as session:
        if session.get(ExchangeFile, (file_id, "received")) is not None:
            summary.already = True
            return summary
        conn = session.connection()
        acks = [str(a) for a in header.get("acks", [])][:1000]
        if acks:
            marks = ", ".join("?" for _ in acks)
            conn.exec_driver_sql(
                f"UPDATE exchange_file SET acknowledged = 1 WHERE direction = 'sent'"
                f" AND office_id = ? AND id IN ({marks})",
                (opened.sender.office_id, *acks),
            )
        applier = _Applier(ctx, session, summary)
        entries.sort(key=Entry.key)
        half = len(entries) // 2
        for index, entry in enumerate(entries):
            if index == half:
                faults.reached(OPERATION_IN, "halfway")
            held = applier.stored(entry)
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
        _observe(conn, applier.latest_hlc)
        # A household received from an office is shared back with it: it has it already.
        for case_id in applier.new_cases:
            conn.exec_driver_sql(
                "INSERT INTO case_share (case_id, office_id, shared_at, shared_by)"
                " VALUES (?, ?, CURRENT_TIMESTAMP, ?) ON CONFLICT DO NOTHING",
                (case_id, opened.sender.office_id, ctx.actor),
            )
        if applier.touched_cases:
            from legalaid.sort_keys import sync_sort_names

            sync_sort_names(conn.connection.driver_connection, applier.touched_cases)
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


def _observe(conn: Any, latest: str) -> None:
    """This copy's clock moves past the newest change received, so its next change sorts after."""
    if not latest:
        return
    conn.exec_driver_sql(
        "UPDATE device SET last_hlc = ? WHERE current AND last_hlc < ?", (latest, latest)
    )


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
    id: str
    case_number: str | None
    table: str
    row_id: str
    field: str
    base_value: Any
    first: dict[str, Any]
    second: dict[str, Any]
    provisional: Any

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "case_number": self.case_number,
            "table": self.table,
            "row_id": self.row_id,
            "field": self.field,
            "before": self.base_value,
            "first": self.first,
            "second": self.second,
            "provisional": self.provisional,
        }


def open_conflicts(ctx: AppContext) -> list[ConflictView]:
    from legalaid.models import Case, Conflict

    out = []
    with ctx.db.read() as session:
        rows = session.exec(
            select(Conflict).where(Conflict.state == "open").order_by(col(Conflict.detected_at))
        ).all()
        applier = _Reader(session.connection())
        for c in rows:
            case = session.get(Case, c.case_id) if c.case_id else None
            first = json.loads(c.first_value)
            second = json.loads(c.second_value)
            out.append(
                ConflictView(
                    c.id,
                    case.case_number if case else None,
                    c.table_name,
                    c.row_id,
                    c.field,
                    applier.value_of(c.base, c.field),
                    {
                        "value": first,
                        "by": c.first_actor,
                        "at": c.first_at,
                        "change": c.first_change,
                    },
                    {
                        "value": second,
                        "by": c.second_actor,
                        "at": c.second_at,
                        "change": c.second_change,
                    },
                    first if c.provisional == c.first_change else second,
                )
            )
    return out


class _Reader:
    def __init__(self, conn: Any) -> None:
        self.conn = conn

    def value_of(self, ident: str | None, name: str) -> Any:
        if not ident:
            return None
        device, seq = _split(ident)
        row = self.conn.exec_driver_sql(
            "SELECT fields FROM change_log WHERE device = ? AND seq = ?", (device, seq)
        ).first()
        return None if row is None else json.loads(row[0]).get(name)


def resolve(ctx: AppContext, conflict: str, *, keep: str | None = None, value: Any = None) -> Any:
    """Decide a conflict: keep ``"first"`` or ``"second"``, or give ``value``. The field gets
    the value through the ORM (recorded like any edit, based on the provisional change) and
    the decision is recorded too, so both travel to the other offices."""
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
        if keep == "first":
            chosen = json.loads(found.first_value)
        elif keep == "second":
            chosen = json.loads(found.second_value)
        else:
            chosen = value
        table = SQLModel.metadata.tables[found.table_name]
        model = _model_of(found.table_name)
        record = session.get(model, found.row_id)
        if record is not None:
            setattr(record, found.field, _decode(table.c[found.field], chosen))
            session.add(record)
        session.add(
            ConflictDecision(
                id=found.id,
                case_id=found.case_id,
                table_name=found.table_name,
                row_id=found.row_id,
                field=found.field,
                value=dumps(chosen),
                decided_by=ctx.actor,
            )
        )
        found.state = "resolved"
        session.flush()
        return chosen


def _model_of(table: str) -> Any:
    from sqlmodel import SQLModel

    for mapper in SQLModel._sa_registry.mappers:
        if getattr(mapper.local_table, "name", None) == table:
            return mapper.class_
    raise KeyError(table)
