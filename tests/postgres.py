"""A throw-away PostgreSQL cluster for tests: unix socket only, in a short folder under /tmp.

PostgreSQL refuses to run as root, so as root every server command runs through
``runuser -u postgres --`` and the folder belongs to ``postgres`` (pytest's ``tmp_path`` is
0700 for root, out of ``postgres``'s reach, and its path is too long for a socket).

Local connections as the superuser ``la_super`` need no password (``trust``); every other role
logs in with its SCRAM password, so the tests see passwords checked as an office server does.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
import time
import uuid
from pathlib import Path

SUPERUSER = "la_super"
# Speed over durability: the cluster lives for one test session.
SETTINGS = """
listen_addresses = ''
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 40
shared_buffers = 32MB
log_min_messages = warning
"""
HBA = f"""local all {SUPERUSER} trust
local all all scram-sha-256
"""


def bindir() -> Path | None:
    """The folder of ``initdb`` and ``pg_ctl``, or None when PostgreSQL is not installed.
    LEGALAID_PG_BINDIR names it outright (another version, or none: a folder without initdb)."""
    chosen = os.environ.get("LEGALAID_PG_BINDIR")
    if chosen:
        return Path(chosen) if (Path(chosen) / "initdb").exists() else None
    try:
        out = subprocess.run(
            ["pg_config", "--bindir"], capture_output=True, text=True, check=True
        ).stdout.strip()
        if (Path(out) / "initdb").exists():
            return Path(out)
    except (OSError, subprocess.CalledProcessError):
        pass
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=_major)
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).resolve().parent if initdb else None


def _major(path: str) -> int:
    part = Path(path).parent.parent.name
    return int(part) if part.isdigit() else 0


class Cluster:
    """initdb, start, connection URLs, fresh databases, stop and remove."""

    def __init__(self, bin_folder: Path) -> None:
        self.bin = bin_folder
        self.folder = Path(tempfile.mkdtemp(prefix="la-pg-", dir="/tmp"))
        self.data = self.folder / "data"
        self.as_root = os.geteuid() == 0
        self.started = False
        self.start_seconds = 0.0

    def _run(self, *args: str) -> None:
        prefix = ["runuser", "-u", "postgres", "--"] if self.as_root else []
        result = subprocess.run([*prefix, *args], capture_output=True, text=True)
        if result.returncode != 0:
            log = self.folder / "log"
            tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
            raise RuntimeError(f"{args[0]} failed: {result.stderr}{result.stdout}{tail}")

    def start(self) -> Cluster:
        began = time.perf_counter()
        if self.as_root:
            shutil.chown(self.folder, "postgres", "postgres")
        self.folder.chmod(0o700)
        self._run(
            str(self.bin / "initdb"),
            "-D",
            str(self.data),
            "-U",
            SUPERUSER,
            "-A",
            "trust",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
            "--no-sync",
            "--no-instructions",
        )
        with (self.data / "postgresql.conf").open("a") as conf:
            conf.write(SETTINGS + f"unix_socket_directories = '{self.folder}'\n")
        (self.data / "pg_hba.conf").write_text(HBA)
        self._run(
            str(self.bin / "pg_ctl"),
            "-D",
            str(self.data),
            "-l",
            str(self.folder / "log"),
            "-w",
            "-s",
            "start",
        )
        self.started = True
        self.start_seconds = time.perf_counter() - began
        return self

    @property
    def host(self) -> str:
        return str(self.folder)

    def url(self, dbname: str = "postgres", user: str = SUPERUSER) -> str:
        """A libpq URL (``postgresql://``) to ``dbname`` through this cluster's socket."""
        return f"postgresql://{user}@/{dbname}?host={self.folder}"

    def conninfo(self, dbname: str = "postgres", user: str = SUPERUSER, **extra: str) -> str:
        parts = {"host": self.host, "dbname": dbname, "user": user, **extra}
        return " ".join(f"{key}='{value}'" for key, value in parts.items())

    def create_database(self) -> str:
        """A new empty database; returns its name."""
        import psycopg

        name = "t_" + uuid.uuid4().hex[:12]
        with psycopg.connect(self.conninfo(), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}" STRATEGY = FILE_COPY')
        return name

    def drop_database(self, name: str) -> None:
        import psycopg

        with psycopg.connect(self.conninfo(), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def stop(self) -> None:
        try:
            if self.started:
                self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop")
                self.started = False
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)
