"""The device: the id under which this copy of the database numbers its changes.

On a laptop, its fingerprint is the machine's id, the database file's real path and the file's
identity on disk (device and inode numbers). A copy of the file (a copied home, a restored
backup, a database moved in by ``encrypt``) has another fingerprint, so the first write there
makes a new device id and numbers its changes afresh: two copies never give two changes the
same id. A laptop's file has one current device.

On the office server every login is a device of its own, fingerprinted by the login and the
database's identity (its oid: a restored database is a new one). A save locks its device's row
to number its changes in commit order, so desks of different logins never wait for each other;
and the desks' devices are all current at once.
"""

from __future__ import annotations

import hashlib
import os
import platform
import uuid
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

from sqlalchemy import func, select, update

from legalaid.models.change import Device

MACHINE_ID_FILES = ("/etc/machine-id", "/var/lib/dbus/machine-id")


@cache
def machine_id() -> str:
    """A stable id of this machine (systemd's machine id; else the network card's address
    and the host name)."""
    for name in MACHINE_ID_FILES:
        try:
            text = Path(name).read_text(encoding="ascii").strip()
        except (OSError, UnicodeDecodeError):
            continue
        if text:
            return text
    return f"{uuid.getnode():012x}-{platform.node()}"


def fingerprint(path: Path) -> str:
    real = os.path.realpath(path)
    try:
        st = os.stat(real)
        identity = f"{st.st_dev}:{st.st_ino}"
    except OSError:
        identity = "-"
    text = f"{machine_id()}|{real}|{identity}"
    return hashlib.sha256(text.encode("utf-8", "surrogateescape")).hexdigest()


def device_mark(conn: Any, path: Path) -> str:
    """The fingerprint the writer of ``conn`` numbers its changes under: on SQLite the file's
    (:func:`fingerprint`), on the server the login's in this database."""
    if conn.dialect.name == "sqlite":
        return fingerprint(path)
    login, oid = conn.exec_driver_sql(
        "SELECT current_user, oid FROM pg_database WHERE datname = current_database()"
    ).one()
    return hashlib.sha256(f"postgresql|{oid}|{login}".encode()).hexdigest()


def ensure_device(conn: Any, mark: str) -> str:
    """The current device's id, made anew when the file is not the one it was made for
    (``mark``: :func:`device_mark`). Runs inside the caller's write transaction."""
    table = Device.__table__  # type: ignore[attr-defined]
    shared = conn.dialect.name != "sqlite"  # the server: one current device per login
    if shared:  # two desks of one login making its device at once make one
        conn.exec_driver_sql("SELECT pg_advisory_xact_lock(hashtext(%s))", (mark,))
    rows = conn.execute(select(table.c.id, table.c.fingerprint).where(table.c.current)).all()
    for row in rows:
        if row.fingerprint == mark:
            return str(row.id)
    # The clock carries on from the latest reading of any device, so it never goes back.
    last_hlc = conn.execute(select(func.max(table.c.last_hlc))).scalar_one() or ""
    if rows and not shared:
        conn.execute(update(table).where(table.c.current).values(current=False))
    new = str(uuid.uuid4())
    conn.execute(
        table.insert().values(
            id=new,
            fingerprint=mark,
            current=True,
            last_seq=0,
            last_hlc=last_hlc,
            created_at=datetime.now(UTC),
        )
    )
    return new
