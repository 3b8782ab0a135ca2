"""A laptop of the office syncs with the office server directly, both ways, in one command:
``legalaid [--home DIR] sync server postgresql://USER@HOST/DATABASE``.

The laptop's home is a copy of the office's data: it is a device of the office whose identity
the server holds. Run on an empty home, the same command makes that copy (the office's public
identity and the offices it exchanges with, then every change the server holds); afterwards it
brings back what each side has not seen. No file, no sealing: the server is reached with the
person's own login, on the office network.

Steps, each its own transaction (a kill at any step leaves both databases whole; running the
command again completes it, and nothing is applied twice):

1. ``identity``: the office (the server's own, public keys only: the office's private keys stay
   on the server), the offices it knows with their trust, and the devices vouched for, copied
   to the laptop. A laptop home of another office is refused.
   ``claimed`` and ``series`` (legalaid.exchange.series): a laptop whose cases carry the numbers
   of other cases on the server is refused; the laptop's own case-number series is claimed on
   the server (first sync), then recorded in its home and settings.
2. ``pulled``: every change entry the server holds and the laptop does not (by device and
   sequence number) is applied on the laptop, exactly as an exchange file's are: conflicts are
   found from the entries' "based on" ids, under the same ids as everywhere.
3. ``signed``: the laptop's own changes the server does not hold are signed by the laptop's
   device (its key is in the home), with the device's public key for the server to vouch for
   (its office's certificate is made with the next exchange file the server writes).
4. ``pushed``: those entries are applied on the server, the same way.
5. ``recorded``: the sync, with its counts, in the laptop's exchange history (the Sync
   screen's), as direction ``server``.

A login that may not read risk data (a volunteer, an administrator) syncs everything else;
risk narratives and incidents travel with a lawyer's login.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from legalaid import faults
from legalaid.context import AppContext
from legalaid.errors import ValidationError
from legalaid.exchange.series import STEPS as SERIES_STEPS
from legalaid.exchange.series import Series, check_numbers, claim_series
from legalaid.exchange.signing import q, signatures
from legalaid.exchange.sync import (
    ENTRY_SELECT,
    EXCHANGED,
    RISK_TABLES,
    Entry,
    Summary,
    _entry,
    _sql,
    apply_entries,
    may_touch_risk,
    signed,
)
from legalaid.i18n import N_

OPERATION = "sync-server"
STEPS = ("identity", *SERIES_STEPS, "pulled", "signed", "pushed", "recorded")
SYNCED = "server"  # exchange_file.direction of a sync with the office server

SERVER_HAS_NO_OFFICE = N_(
    "The server %(server)s has no office identity yet. Its administrator makes it once with "
    "`legalaid --server URL office init --name NAME --prefix P`."
)
OTHER_OFFICE = N_(
    "This home is a copy of the office %(home)s, but the server %(server)s is the office "
    "%(office)s. Nothing was synced; use a home of that office (or an empty one)."
)
NO_RIGHTS = N_(
    "The login %(login)s may not use LegalAid's data on the office server %(server)s: it is "
    "not a LegalAid user there. Nothing was synced; ask the office's administrator for a login."
)
OFFICE_COLUMNS = (
    "id",
    "name",
    "prefix",
    "sign_public",
    "kem_public",
    "fingerprint",
    "state",
    "receives_risk",
    "added_at",
    "added_by",
    "trusted_at",
)


@dataclass
class PeerSync:
    """What one sync did: the office, and what came to the laptop and went to the server."""

    office: str
    first: bool  # the home had no copy of the office before
    pulled: Summary
    pushed: Summary
    series: Series  # the laptop's own case numbers (legalaid.exchange.series)


def _ids(conn: Any, tables: list[str]) -> set[tuple[str, int]]:
    marks = ", ".join("?" for _ in tables)
    return {
        (str(device), int(seq))
        for device, seq in _sql(
            conn, f"SELECT device, seq FROM change_log WHERE table_name IN ({marks})", tuple(tables)
        )
    }


def _load(conn: Any, wanted: set[tuple[str, int]], tables: list[str]) -> list[Entry]:
    """The entries ``wanted`` (by device, one query each), with their stored signatures."""
    by_device: dict[str, set[int]] = {}
    for device, seq in wanted:
        by_device.setdefault(device, set()).add(seq)
    marks = ", ".join("?" for _ in tables)
    out: list[Entry] = []
    for device, seqs in sorted(by_device.items()):
        rows = _sql(
            conn,
            f"{ENTRY_SELECT} WHERE e.device = ? AND e.table_name IN ({marks})",
            (device, *tables),
        )
        out.extend(entry for entry in map(_entry, rows) if entry.seq in seqs)
    found = signatures(conn, [(e.device, e.seq) for e in out])
    for entry in out:
        entry.signature = found.get((entry.device, entry.seq), "")
    return out


def _check_login(server: AppContext, server_name: str) -> None:
    """Refuse a login that is in none of LegalAid's groups on the server."""
    from legalaid.server.roles import VOLUNTEER
    from legalaid.services.sql import POSTGRESQL, dialect_of

    with server.db.read() as session:
        if dialect_of(session) != POSTGRESQL:
            return
        login, member = _sql(
            session.connection(),
            "SELECT current_user, pg_has_role(current_user, ?, 'MEMBER')",
            (VOLUNTEER,),
        ).one()
    if not member:
        raise ValidationError(NO_RIGHTS, login=login, server=server_name)


def sync_with_server(
    laptop: AppContext,
    server: AppContext,
    server_name: str = "",
    on_step: Callable[[str], None] | None = None,
) -> PeerSync:
    """Bring the laptop's home and the office server to the same changes, both ways.
    ``on_step(step)`` is called as each of STEPS ends (the window's progress)."""

    def reached(step: str) -> None:
        faults.reached(OPERATION, step)
        if on_step is not None:
            on_step(step)

    _check_login(server, server_name)
    with server.db.read() as session:
        conn = session.connection()
        columns = ", ".join(OFFICE_COLUMNS)
        offices = [
            dict(zip(OFFICE_COLUMNS, r, strict=True))
            for r in _sql(conn, f"SELECT {columns} FROM office")
        ]
        devices = [tuple(r) for r in _sql(conn, "SELECT device, office_id FROM office_device")]
        keys = [
            tuple(r)
            for r in _sql(conn, "SELECT device, office_id, public, certificate FROM device_key")
        ]
    own = next((o for o in offices if o["state"] == "self"), None)
    if own is None:
        raise ValidationError(SERVER_HAS_NO_OFFICE, server=server_name)
    first = _copy_identity(laptop, own, offices, devices, keys, server_name)
    reached("identity")
    check_numbers(laptop, server, server_name)
    series = claim_series(laptop, server, str(own["prefix"]), server_name, reached)

    tables = sorted(EXCHANGED if may_touch_risk(server) else EXCHANGED - RISK_TABLES)
    with server.db.read() as session:
        on_server = _ids(session.connection(), tables)
    with laptop.db.read() as session:
        on_laptop = _ids(session.connection(), tables)
    pulled = Summary(office=str(own["name"]))
    wanted = on_server - on_laptop
    if wanted:
        with server.db.read() as session:
            entries = _load(session.connection(), wanted, tables)
        with laptop.db.write() as session:
            apply_entries(laptop, session, entries, pulled)
    reached("pulled")

    pushed = Summary(office=str(own["name"]))
    give = on_laptop - on_server
    if give:
        with laptop.db.write() as session:
            conn = session.connection()
            entries = signed(conn, str(own["id"]), _load(conn, give, tables), keep_unsigned=True)
            mine = [
                tuple(r)
                for r in _sql(
                    conn,
                    "SELECT device, office_id, public, certificate FROM device_key"
                    " WHERE private IS NOT NULL",
                )
            ]
        reached("signed")
        with server.db.write() as session:
            _keep_keys(session.connection(), mine)
            apply_entries(server, session, entries, pushed)
    else:
        reached("signed")
    reached("pushed")
    _record(laptop, str(own["id"]), server_name, pulled, pushed)
    reached("recorded")
    return PeerSync(str(own["name"]), first, pulled, pushed, series)


def _record(
    laptop: AppContext, office_id: str, server_name: str, pulled: Summary, pushed: Summary
) -> None:
    """The sync in the laptop's exchange history (the Sync screen's), with its counts."""
    import json
    import secrets

    from legalaid.models import ExchangeFile

    got, gave = pulled.as_json(), pushed.as_json()
    counts = {
        "server": server_name,
        "received": pulled.changes,
        "sent": pushed.changes,
        "new": got["new"],
        "updated": got["updated"],
        "conflicts": pulled.conflicts + pushed.conflicts,
        "decisions": got["decisions"] + gave["decisions"],
    }
    with laptop.db.write() as session:
        session.add(
            ExchangeFile(
                id=secrets.token_hex(16),
                direction=SYNCED,
                office_id=office_id,
                actor=laptop.actor,
                changes=pulled.changes + pushed.changes,
                summary=json.dumps(counts),
                acknowledged=True,
            )
        )


def _copy_identity(
    laptop: AppContext,
    own: dict[str, Any],
    offices: list[dict[str, Any]],
    devices: list[tuple[Any, ...]],
    keys: list[tuple[Any, ...]],
    server_name: str,
) -> bool:
    """The office's public identity and the offices it knows, onto the laptop; True when the
    home had none (its first copy)."""
    from legalaid.models import Office

    table = Office.__table__  # type: ignore[attr-defined]
    with laptop.db.write() as session:
        conn = session.connection()
        mine = _sql(conn, "SELECT id, name FROM office WHERE state = 'self'").first()
        if mine is not None and mine[0] != own["id"]:
            raise ValidationError(
                OTHER_OFFICE, home=mine[1], server=server_name, office=own["name"]
            )
        known = {str(r[0]) for r in _sql(conn, "SELECT id FROM office")}
        for office in offices:
            if office["id"] in known:  # the office's trust decisions are the server's
                _sql(
                    conn,
                    "UPDATE office SET state = ?, receives_risk = ? WHERE id = ?",
                    (office["state"], bool(office["receives_risk"]), office["id"]),
                )
            else:
                conn.execute(table.insert().values(**_aware(office)))
        if devices:
            _sql(
                conn,
                "INSERT INTO office_device (device, office_id) VALUES (?, ?)"
                " ON CONFLICT (device) DO NOTHING",
                devices,
            )
        _keep_keys(conn, keys)
    return mine is None


def _aware(row: dict[str, Any]) -> dict[str, Any]:
    """A row read with a plain statement, its times as the model's columns take them."""
    from datetime import UTC, datetime

    out = dict(row)
    for name, value in row.items():
        if isinstance(value, datetime) and value.tzinfo is None:
            out[name] = value.replace(tzinfo=UTC)
        elif isinstance(value, str) and name in ("added_at", "trusted_at"):
            out[name] = datetime.fromisoformat(value).replace(tzinfo=UTC)
    out["receives_risk"] = bool(row["receives_risk"])
    return out


def _keep_keys(conn: Any, keys: list[tuple[Any, ...]]) -> None:
    """Devices' public keys (and their offices' certificates) not known here yet, or known
    without a certificate: never a private key."""
    from legalaid.exchange.signing import _insert_key

    known = {str(d): c for d, c in _sql(conn, "SELECT device, certificate FROM device_key")}
    for device, office_id, public, certificate in keys:
        if device not in known:
            _insert_key(conn, device, office_id, public, None, certificate)
        elif known[device] is None and certificate is not None:
            conn.exec_driver_sql(
                q(conn, "UPDATE device_key SET certificate = ? WHERE device = ?"),
                (certificate, device),
            )
