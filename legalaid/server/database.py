"""The office server's database with the interface of :class:`legalaid.db.Database`.

Sessions (``read``/``write``/``connect``) are SQLAlchemy's over psycopg 3; ``query`` gives a
plain psycopg connection (autocommit) that takes the statements written for sqlite3
(legalaid.services.sql.PgConnection). Every connection is opened by libpq from the URL as
given, plus the password when one was asked at the terminal (kept in memory only).

What PostgreSQL refuses because of the login's role (a volunteer writing a risk note) becomes a
:class:`ServerError` that says so, never a traceback.
"""

from __future__ import annotations

import sys
import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from legalaid.db import Database
from legalaid.errors import StorageError
from legalaid.i18n import N_
from legalaid.server.connect import ServerError, _reason, check_url, describe, open_connection
from legalaid.services.sql import POSTGRESQL, PgConnection

if TYPE_CHECKING:
    from sqlalchemy import Engine
    from sqlmodel import Session

NOT_ALLOWED = N_(
    "The server refused: the login %(user)s may not do this (risk data is for lawyers; "
    "crossings, courts and users are for administrators). The server said: %(reason)s"
)
LOST = N_("The connection to the server %(server)s failed: %(reason)s")
REFUSED = N_("The server refused: %(reason)s")


class ServerDatabase(Database):
    """LegalAid's database on the office's PostgreSQL server, as one login."""

    dialect = POSTGRESQL

    def __init__(self, url: str, password: str | None = None) -> None:
        self.url = check_url(url)
        self.path = Path(describe(url))  # for messages only: host/database
        self.encrypted = False  # the server's disks and TLS are its administrator's
        self._key = None
        self._password = password
        self._lock = threading.Lock()
        self._local = threading.local()
        self._engine: Engine | None = None
        self._writer: Engine | None = None
        self._idle: list[Any] = []
        self._closed = False
        self.login = ""
        self.actor: Callable[[], str] = lambda: self.login  # the change record's "who"
        # This desk's token in its notifications (legalaid.server.notify): its own are skipped.
        self.sender = uuid.uuid4().hex[:12]

    # --- writes ---------------------------------------------------------------------------
    @contextmanager
    def write(self) -> Iterator[Session]:
        """Database.write, and the outermost transaction tells the other desks what it
        changed when it commits (legalaid.server.notify)."""
        outermost = getattr(self._local, "session", None) is None
        with super().write() as session:
            if outermost:
                from sqlalchemy import event

                from legalaid.server.notify import announce

                sender = self.sender
                event.listen(session, "before_commit", lambda s: announce(s, sender), once=True)
            yield session

    # --- connections ----------------------------------------------------------------------
    def connect_raw(self, *, autocommit: bool = False) -> Any:
        """A new psycopg connection as this login."""
        extra: dict[str, Any] = {} if self._password is None else {"password": self._password}
        conn = open_connection(self.url, autocommit=autocommit, **extra)
        # No server-side prepared statements: a statement run often (the search, the list)
        # would be given PostgreSQL's generic plan after five runs, planned without its
        # values; a search for "DE" matching every case then took 45 ms instead of 6 ms.
        conn.prepare_threshold = None
        return conn

    def _make_engine(self) -> Engine:
        if self._closed:
            raise StorageError(N_("The connection to the server was closed."))
        if self._engine is None:
            from sqlalchemy import create_engine

            self._engine = create_engine(
                "postgresql+psycopg://",
                creator=self.connect_raw,
                pool_size=4,
                max_overflow=4,
                pool_pre_ping=True,
            )
        return self._engine

    CLOSED_MESSAGE = N_("The connection to the server was closed.")

    def _new_query_connection(self) -> Any:
        """A plain connection for hand-written reads (autocommit: one snapshot a statement)."""
        return PgConnection(self.connect_raw(autocommit=True))

    @contextmanager
    def _mapped_errors(self) -> Iterator[None]:
        import psycopg

        # SQLAlchemy's errors only once it is loaded: the first screen's plain queries do
        # without it (importing it costs a start a third of a second).
        sa_exc = sys.modules.get("sqlalchemy.exc")
        wrapped = (psycopg.Error, sa_exc.DBAPIError) if sa_exc is not None else (psycopg.Error,)
        try:
            yield
        except wrapped as error:
            original = getattr(error, "orig", None) or error
            if not isinstance(original, psycopg.Error) or isinstance(
                original, psycopg.errors.IntegrityError
            ):
                raise  # the services turn integrity errors into their own messages
            if isinstance(original, psycopg.errors.InsufficientPrivilege):
                raise ServerError(
                    NOT_ALLOWED, user=self.login or "?", reason=_reason(original)
                ) from None
            if isinstance(original, psycopg.OperationalError):
                raise ServerError(
                    LOST, server=describe(self.url), reason=_reason(original)
                ) from None
            raise ServerError(REFUSED, reason=_reason(original)) from None

    # --- schema ---------------------------------------------------------------------------
    def current_revision(self) -> str | None:
        with self.query() as conn:
            try:
                rows = conn.execute("SELECT version_num FROM alembic_version").fetchall()
            except conn.OperationalError:
                return None
        return str(rows[0][0]) if rows else None

    def upgrade(self, revision: str = "head") -> None:
        """The server's schema is upgraded by its administrator (``legalaid server init``)."""
        from legalaid.migrations import HEAD

        found = self.current_revision()
        if found != (HEAD if revision == "head" else revision):
            raise ServerError(
                N_(
                    "The server's database is not at this version of LegalAid (it is at "
                    "%(found)s). Its administrator runs `legalaid server init` to set it up or "
                    "upgrade it."
                ),
                found=found or "—",
            )

    def integrity_ok(self) -> bool:
        return True  # PostgreSQL checks its own pages; amcheck is its administrator's

    def backup_into(self, dest: Path) -> None:
        """The office server is not copied file by file: its backup is an encrypted pg_dump
        (legalaid.server.backup, ``legalaid --server URL backup``)."""
        raise ServerError(BACKUP_ON_SERVER, server=describe(self.url))

    def open_raw(self, path: Path) -> Any:
        raise ServerError(BACKUP_ON_SERVER, server=describe(self.url))

    def dispose(self) -> None:
        with self._lock:
            self._closed = True
            idle, self._idle = self._idle, []
            engine = self._engine
        for conn in idle:
            conn.close()
        if engine is not None:
            engine.dispose()


BACKUP_ON_SERVER = N_(
    "The office server %(server)s is backed up by an administrator with `legalaid --server URL "
    "backup` (an encrypted dump sealed to the office's key), not by copying a database file."
)
