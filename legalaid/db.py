"""The database: engine with the right pragmas, short sessions, Alembic migrations on open.

One engine per database file for the process; one short session per user action. Writers use
``BEGIN IMMEDIATE`` so two writers queue on the busy timeout instead of failing mid-way.

SQLAlchemy (and with it the ORM) is imported only when a session or the engine is first used:
the hand-written read queries of the first screen (case list, counts) run on plain DB-API
connections from :meth:`Database.query`, so the client shows its window and its first rows
while the ORM is still loading behind it.
"""

from __future__ import annotations

import sqlite3
import sys
import threading
import unicodedata
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from legalaid.errors import StorageError
from legalaid.i18n import N_

if TYPE_CHECKING:
    from sqlalchemy import Connection, Engine
    from sqlmodel import Session

SYSTEM_ACTOR = "system"  # the change record's person for writes no one asked for (seeding)
SQLITE_MAGIC = b"SQLite format 3\x00"
PRAGMAS = (
    "PRAGMA journal_mode=WAL",
    "PRAGMA synchronous=NORMAL",
    "PRAGMA foreign_keys=ON",
    "PRAGMA busy_timeout=15000",
    "PRAGMA temp_store=MEMORY",
    # 64 MiB of page cache (SQLite's default is 2 MiB): a large import or demo inserts into
    # indexes keyed by random ids (and the change record's), which thrashed the small cache,
    # spilling and re-reading pages (half of the change record's cost on 20,000 demo cases).
    # Pages are only held while used: a small database never takes that much.
    "PRAGMA cache_size=-65536",
    "PRAGMA secure_delete=ON",
    # The WAL file keeps its largest size after a checkpoint unless limited: a big batch or
    # import left 185 MB behind, which a start after a crash then had to read back.
    "PRAGMA journal_size_limit=67108864",
)


def fold(text: str) -> str:
    """Accent- and case-free form for sorting names: 'Íñiguez' sorts with 'I', not after 'Z'."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def _collate_fold(a: str, b: str) -> int:
    fa, fb = fold(a), fold(b)
    return (fa > fb) - (fa < fb) or (a > b) - (a < b)


def _configure(dbapi_conn: Any) -> None:
    # Python 3.11's sqlite3 has no .autocommit (SQLAlchemy's documented recipe sets it): let
    # SQLAlchemy emit BEGIN itself.
    dbapi_conn.isolation_level = None
    # Used only in queries (ORDER BY ... COLLATE fold), never in the schema, so the file stays
    # readable by any SQLite tool.
    dbapi_conn.create_collation("fold", _collate_fold)
    cursor = dbapi_conn.cursor()
    for pragma in PRAGMAS:
        cursor.execute(pragma)
    cursor.close()


def sqlcipher_key_pragma(dek: bytes) -> str:
    """The PRAGMA that gives SQLCipher the raw key (no KDF per connection)."""
    return f"PRAGMA key = \"x'{dek.hex()}'\""


def _on_begin(conn: Connection) -> None:
    write = conn.get_execution_options().get("sqlite_write")
    conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


def make_engine(path: Path, key: bytes | None = None) -> Engine:
    """Plain SQLite, or SQLCipher when a raw database key is given (the key lives only here)."""
    from sqlalchemy import URL, create_engine, event

    url = URL.create("sqlite", database=str(path))
    if key is None:
        engine = create_engine(url, connect_args={"timeout": 15})
        event.listen(engine, "connect", lambda conn, _record: _configure(conn))
    else:
        from sqlcipher3 import dbapi2 as sqlcipher

        pragma = sqlcipher_key_pragma(key)

        def on_connect(conn: Any, _record: Any) -> None:
            conn.execute("PRAGMA cipher_log_level = NONE")  # no "hmac check failed" noise
            conn.execute(pragma)  # the key, before anything reads the file
            _configure(conn)

        engine = create_engine(url, module=sqlcipher, connect_args={"timeout": 15})
        event.listen(engine, "connect", on_connect)
    event.listen(engine, "begin", _on_begin)
    return engine


LOCKED = N_(
    "The database is busy: another LegalAid window or program is using it. "
    "Close it, then try again."
)
FULL = N_("The disk is full: free some space, then try again. Nothing was saved.")
READ_ONLY = N_("The database cannot be written (read-only file or folder). Nothing was saved.")
CLOSED = N_(
    "The database was closed while its data is being replaced or encrypted; try again in a moment."
)
DAMAGED = N_(
    "The database %(path)s is damaged or is not a LegalAid database. "
    "Nothing was changed; restore it from a backup."
)


def storage_error(error: BaseException, path: Path) -> StorageError | None:
    """A clear StorageError for SQLite's operational failures; None for anything else."""
    if not isinstance(error, _database_errors()) or isinstance(error, _integrity_errors()):
        return None
    text_ = str(getattr(error, "orig", error)).lower()
    if "locked" in text_ or "busy" in text_:
        return StorageError(LOCKED)
    if "full" in text_:
        return StorageError(FULL)
    if "readonly" in text_ or "read-only" in text_:
        return StorageError(READ_ONLY)
    if "not a database" in text_ or "malformed" in text_ or "disk i/o" in text_:
        return StorageError(DAMAGED, path=str(path))
    return None


def is_database_error(error: BaseException) -> bool:
    """Whether ``error`` comes from SQLite (the stdlib driver, SQLCipher or SQLAlchemy)."""
    return isinstance(error, _database_errors())


def looks_encrypted(path: Path) -> bool:
    """A file that looks like an encrypted database: SQLCipher files are whole pages (a power
    of two from 512 bytes) of random-looking bytes, from the first one; a plaintext SQLite file
    starts with its magic string, and most other files with readable text."""
    try:
        size = path.stat().st_size
        with path.open("rb") as handle:
            header = handle.read(16)
    except OSError:
        return False
    if size == 0 or size % 512 or header == SQLITE_MAGIC:
        return False
    return not all(32 <= byte < 127 or byte in (9, 10, 13) for byte in header)


def _loaded(module: str, name: str) -> tuple[type[BaseException], ...]:
    """The exception class ``name`` of ``module`` if that module is already imported."""
    found = getattr(sys.modules.get(module), name, None)
    return (found,) if isinstance(found, type) else ()


def _database_errors() -> tuple[type[BaseException], ...]:
    # SQLAlchemy's wrappers, the stdlib driver's and SQLCipher's: whichever are in use.
    return (
        sqlite3.DatabaseError,
        *_loaded("sqlalchemy.exc", "DatabaseError"),
        *_loaded("sqlcipher3.dbapi2", "DatabaseError"),
    )


def _integrity_errors() -> tuple[type[BaseException], ...]:
    return (
        sqlite3.IntegrityError,
        *_loaded("sqlalchemy.exc", "IntegrityError"),
        *_loaded("sqlcipher3.dbapi2", "IntegrityError"),
    )


def alembic_config() -> Any:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", "legalaid:migrations")
    return config


def head_revision() -> str | None:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def check_database_file(path: Path, encrypted: bool = False) -> None:
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
    if header and header != SQLITE_MAGIC and not encrypted:
        raise StorageError(
            N_(
                "The file %(path)s is not a LegalAid database, or it is damaged. "
                "Nothing was changed; restore it from a backup."
            ),
            path=str(path),
        )


def open_raw(path: Path, key: bytes | None, *, any_thread: bool = False) -> Any:
    """A bare DB-API connection (stdlib sqlite3, or SQLCipher keyed with ``key``).

    ``any_thread``: the connection may be used by one thread after another (never by two at
    once), as the pooled read connections of :meth:`Database.query` are.
    """
    if key is None:
        return sqlite3.connect(str(path), timeout=15, check_same_thread=not any_thread)
    from sqlcipher3 import dbapi2 as sqlcipher

    conn = sqlcipher.connect(str(path), timeout=15, check_same_thread=not any_thread)
    conn.execute("PRAGMA cipher_log_level = NONE")
    conn.execute(sqlcipher_key_pragma(key))
    return conn


class Database:
    """One SQLite database file: engine, sessions, plain read connections and migrations."""

    QUERY_POOL = 4  # idle read connections kept open (a few worker threads read at once)
    CLOSED_MESSAGE = CLOSED
    dialect = "sqlite"  # the server's database says "postgresql" (legalaid.services.sql)

    def __init__(self, path: Path, key: bytes | None = None) -> None:
        self.path = path
        self.encrypted = key is not None
        self._key = key
        check_database_file(path, self.encrypted)
        self._lock = threading.Lock()
        self._local = threading.local()  # the write session open on each thread, if any
        self._engine: Engine | None = None
        self._writer: Engine | None = None
        self._idle: list[Any] = []
        self._closed = False
        # Who is writing, for the change record (AppContext names the staff member).
        self.actor: Callable[[], str] = lambda: SYSTEM_ACTOR

    @property
    def engine(self) -> Engine:
        """The SQLAlchemy engine, made (and SQLAlchemy imported) on first use."""
        with self._lock:
            return self._make_engine()

    def _make_engine(self) -> Engine:
        """The engine, made on first use (called with the lock held)."""
        if self._closed:
            raise StorageError(CLOSED)
        if self._engine is None:
            self._engine = make_engine(self.path, self._key)
        return self._engine

    def _writer_engine(self) -> Engine:
        with self._lock:
            if self._writer is None:
                self._writer = self._make_engine().execution_options(sqlite_write=True)
            return self._writer

    # --- sessions -------------------------------------------------------------------------
    @contextmanager
    def read(self) -> Iterator[Session]:
        """A short read-only session (inside a write on this thread: the write's own session,
        so the read sees what the write has done so far)."""
        current = getattr(self._local, "session", None)
        if current is not None:
            yield current
            return
        from sqlmodel import Session

        with self._mapped_errors(), Session(self.engine, expire_on_commit=False) as session:
            yield session

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A short write transaction: commits on success, rolls back everything on error.

        Writes nest: inside another write on the same thread, a service's write joins the
        outer transaction, and only the outermost commits. So several service calls (a whole
        household saved from the editor) are kept together or not at all.

        Every row the transaction changes gets its change entry (legalaid.changes), written
        in the same transaction.
        """
        current = getattr(self._local, "session", None)
        if current is not None:
            yield current
            return
        from sqlmodel import Session

        from legalaid.changes.capture import recording

        writer = self._writer_engine()
        with (
            self._mapped_errors(),
            Session(writer, expire_on_commit=False) as session,
            recording(session, self.path, self.actor()),
        ):
            self._local.session = session
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise
            finally:
                self._local.session = None

    @contextmanager
    def connect(self) -> Iterator[Connection]:
        """A SQLAlchemy connection for hand-written queries that use SQLAlchemy's API."""
        with self._mapped_errors(), self.engine.connect() as conn:
            yield conn

    @contextmanager
    def query(self) -> Iterator[Any]:
        """A plain DB-API connection for hand-written read queries (search, lists, counts).

        Autocommit: each statement reads one consistent snapshot. Connections are pooled; one
        that raised is closed rather than reused. No SQLAlchemy import on this path.
        """
        with self._lock:
            if self._closed:
                raise StorageError(self.CLOSED_MESSAGE)
            conn = self._idle.pop() if self._idle else None
        with self._mapped_errors():
            if conn is None:
                conn = self._new_query_connection()
            try:
                yield conn
            except BaseException:
                conn.close()
                raise
        with self._lock:
            if len(self._idle) < self.QUERY_POOL and not self._closed:
                self._idle.append(conn)
                conn = None
        if conn is not None:
            conn.close()

    def _new_query_connection(self) -> Any:
        """A new pooled read connection (the server's database opens its own kind)."""
        conn = open_raw(self.path, self._key, any_thread=True)
        try:
            _configure(conn)
        except BaseException:
            conn.close()
            raise
        return conn

    @contextmanager
    def _mapped_errors(self) -> Iterator[None]:
        try:
            yield
        except _database_errors() as error:
            mapped = storage_error(error, self.path)
            if mapped is None:
                raise
            raise mapped from error
        except UnicodeDecodeError as error:
            # A damaged page can hand the driver bytes (a value, or SQLite's own error message)
            # that are not UTF-8: the file is damaged, not the program.
            raise StorageError(DAMAGED, path=str(self.path)) from error

    # --- migrations -----------------------------------------------------------------------
    def current_revision(self) -> str | None:
        from alembic.runtime.migration import MigrationContext

        with self.engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()

    def _revision_is(self, wanted: str) -> bool:
        """A cheap check (no Alembic import) that the file is already at ``wanted``."""
        try:
            with self.query() as conn:
                found = conn.execute("SELECT version_num FROM alembic_version").fetchall()
        except Exception as error:  # the driver's class is known once it is imported
            if isinstance(error, (StorageError, *_database_errors())):
                return False  # a new file, or one Alembic must look at
            raise
        return [row[0] for row in found] == [wanted]

    def upgrade(self, revision: str = "head") -> None:
        """Migrate with foreign keys off (batch rebuilds would cascade-delete children)."""
        from legalaid.migrations import HEAD

        if revision == "head" and self._revision_is(HEAD):
            return  # the usual start: nothing to migrate, and Alembic is never imported
        from alembic import command
        from sqlalchemy import exc as sa_exc

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
            mapped = storage_error(error, self.path)
            if mapped is not None:
                raise mapped from error
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

    def open_raw(self, path: Path) -> Any:
        """A DB-API connection to another file with this database's key (backups, restore)."""
        return open_raw(path, self._key)

    def backup_into(self, dest: Path) -> None:
        """Copy the live database (WAL included) into ``dest`` with SQLite's backup API."""
        target = self.open_raw(dest)
        try:
            with self.engine.connect() as conn:
                source = conn.connection.driver_connection
                assert source is not None
                source.backup(target, pages=1024)
        finally:
            target.close()

    def integrity_ok(self) -> bool:
        with self.query() as conn:
            return bool(conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok")

    def dispose(self) -> None:
        """Close every connection (pooled read connections and the engine's)."""
        with self._lock:
            self._closed = True  # no new connection to a file that may be replaced next
            idle, self._idle = self._idle, []
            engine = self._engine
        for conn in idle:
            conn.close()
        if engine is not None:
            engine.dispose()
