"""The database: engine with the right pragmas, short sessions, Alembic migrations on open.

One engine per database file for the process; one short session per user action. Writers use
``BEGIN IMMEDIATE`` so two writers queue on the busy timeout instead of failing mid-way.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import URL, Connection, Engine, create_engine, event, text
from sqlalchemy import exc as sa_exc
from sqlmodel import Session

from legalaid.errors import StorageError
from legalaid.i18n import N_

SQLITE_MAGIC = b"SQLite format 3\x00"
PRAGMAS = (
    "PRAGMA journal_mode=WAL",
    "PRAGMA synchronous=NORMAL",
    "PRAGMA foreign_keys=ON",
    "PRAGMA busy_timeout=15000",
    "PRAGMA temp_store=MEMORY",
    "PRAGMA secure_delete=ON",
)


def fold(text: str) -> str:
    """Accent- and case-free form for sorting names: 'Íñiguez' sorts with 'I', not after 'Z'."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def _collate_fold(a: str, b: str) -> int:
    fa, fb = fold(a), fold(b)
    return (fa > fb) - (fa < fb) or (a > b) - (a < b)


def _on_connect(dbapi_conn: Any, _record: Any) -> None:
    # Python 3.11's sqlite3 has no .autocommit: let SQLAlchemy emit BEGIN itself (pitfall 7).
    dbapi_conn.isolation_level = None
    # Used only in queries (ORDER BY ... COLLATE fold), never in the schema, so the file stays
    # readable by any SQLite tool.
    dbapi_conn.create_collation("fold", _collate_fold)
    cursor = dbapi_conn.cursor()
    for pragma in PRAGMAS:
        cursor.execute(pragma)
    cursor.close()


def _on_begin(conn: Connection) -> None:
    write = conn.get_execution_options().get("sqlite_write")
    conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


def make_engine(path: Path) -> Engine:
    engine = create_engine(URL.create("sqlite", database=str(path)), connect_args={"timeout": 15})
    event.listen(engine, "connect", _on_connect)
    event.listen(engine, "begin", _on_begin)
    return engine


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", "legalaid:migrations")
    return config


def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def check_database_file(path: Path) -> None:
    """Refuse a file that is not a SQLite database instead of silently replacing it."""
    if not path.exists():
        return
    try:
        with path.open("rb") as handle:
            header = handle.read(16)
    except OSError as error:
        raise StorageError(
            N_("The database %(path)s cannot be read: %(reason)s"),
            path=str(path),
            reason=error.strerror or str(error),
        ) from error
    if header and header != SQLITE_MAGIC:
        raise StorageError(
            N_(
                "The file %(path)s is not a LegalAid database, or it is damaged. "
                "Nothing was changed; restore it from a backup."
            ),
            path=str(path),
        )


class Database:
    """One SQLite database file: engine, sessions and migrations."""

    def __init__(self, path: Path) -> None:
        self.path = path
        check_database_file(path)
        self.engine = make_engine(path)
        self._writer = self.engine.execution_options(sqlite_write=True)

    # --- sessions -------------------------------------------------------------------------
    @contextmanager
    def read(self) -> Iterator[Session]:
        """A short read-only session."""
        with Session(self.engine, expire_on_commit=False) as session:
            yield session

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A short write transaction: commits on success, rolls back everything on error."""
        with Session(self._writer, expire_on_commit=False) as session:
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise

    # --- migrations -----------------------------------------------------------------------
    def current_revision(self) -> str | None:
        with self.engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()

    def upgrade(self, revision: str = "head") -> None:
        """Migrate with foreign keys off (batch rebuilds would cascade-delete children)."""
        try:
            with self.engine.connect() as conn:
                # The pragma is a no-op inside a transaction: send it on the raw connection
                # (autocommit mode) before Alembic begins one.
                raw = conn.connection.driver_connection
                assert raw is not None
                raw.execute("PRAGMA foreign_keys=OFF")
                config = alembic_config()
                config.attributes["connection"] = conn
                command.upgrade(config, revision)
                conn.commit()
                problems = raw.execute("PRAGMA foreign_key_check").fetchall()
                raw.execute("PRAGMA foreign_keys=ON")
        except sa_exc.DatabaseError as error:
            raise StorageError(
                N_(
                    "The database %(path)s could not be opened or upgraded: %(reason)s. "
                    "Nothing was changed; restore it from a backup."
                ),
                path=str(self.path),
                reason=str(error.orig),
            ) from error
        if problems:
            raise StorageError(
                N_("The database upgrade left %(count)d broken links; restore from a backup."),
                count=len(problems),
            )

    def integrity_ok(self) -> bool:
        with self.engine.connect() as conn:
            return conn.execute(text("PRAGMA integrity_check")).scalar() == "ok"

    def dispose(self) -> None:
        self.engine.dispose()
