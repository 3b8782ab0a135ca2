"""The one switch between the two databases for hand-written SQL: SQLite on a laptop, PostgreSQL
on the office server.

SQLite's statements are written for its DB-API driver (``?`` and ``:name`` parameters); on the
server the same statements run through :class:`PgConnection`, which rewrites the parameter marks
for psycopg and otherwise passes the SQL unchanged. Statements that need another form on
PostgreSQL (full-text search, JSON lists, casts) choose it with :func:`dialect_of`. Nothing here
imports SQLAlchemy or psycopg: SQLite's path stays as it was.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

SQLITE = "sqlite"
POSTGRESQL = "postgresql"

_NAMED = re.compile(r"(?<![:\w]):([A-Za-z_]\w*)")


def dialect_of(db: Any) -> str:
    """``"sqlite"`` or ``"postgresql"`` for a database object (legalaid.db.Database or the
    server's), a SQLAlchemy connection or session, or a raw connection from this module."""
    name = getattr(db, "dialect", None)
    if isinstance(name, str):
        return name
    if name is not None:  # a SQLAlchemy connection's dialect object
        return str(name.name)
    bind = getattr(db, "get_bind", None)
    if bind is not None:  # a session
        return str(bind().dialect.name)
    return SQLITE


def is_postgresql(db: Any) -> bool:
    return dialect_of(db) == POSTGRESQL


@lru_cache(maxsize=512)
def pg_sql(sql: str) -> str:
    """A statement written for sqlite3's parameters (``?``, ``:name``) in psycopg's form."""
    text = sql.replace("%", "%%")
    text = _NAMED.sub(r"%(\1)s", text)
    return text.replace("?", "%s")


class PgConnection:
    """A psycopg connection that takes the statements written for sqlite3's connection."""

    dialect = POSTGRESQL

    def __init__(self, conn: Any) -> None:
        import psycopg

        self.raw = conn
        # What sqlite3 connections name OperationalError: a missing table, here.
        self.OperationalError = psycopg.Error

    def execute(self, sql: str, params: Any = None) -> Any:
        if params is None:  # psycopg reads no marks (nor %%) in a statement without parameters
            return self.raw.execute("BEGIN" if sql.strip().upper() == "BEGIN IMMEDIATE" else sql)
        return self.raw.execute(pg_sql(sql), _params(params))

    def executemany(self, sql: str, rows: Any) -> Any:
        cursor = self.raw.cursor()
        cursor.executemany(pg_sql(sql), [_params(r) for r in rows])
        return cursor

    def close(self) -> None:
        self.raw.close()


def _params(params: Any) -> Any:
    if params is None or isinstance(params, dict):
        return params
    return tuple(params)


def raw_connection(conn: Any) -> Any:
    """The DB-API connection under a SQLAlchemy connection, taking sqlite3's statements."""
    driver = conn.connection.driver_connection
    if conn.dialect.name == POSTGRESQL:
        return PgConnection(driver)
    return driver


def marks(conn: Any, count: int) -> str:
    """``count`` parameter marks for ``exec_driver_sql`` on this connection's driver."""
    mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    return ",".join([mark] * count)


def lock_sequence_row(session: Any, prefix: str, year: int) -> None:
    """On PostgreSQL, make sure the case-number sequence row exists before it is locked
    (``SELECT ... FOR UPDATE`` locks only a row that is there): two desks inserting it at
    once would otherwise both start from 0. SQLite's writers are serialized already."""
    if dialect_of(session) != POSTGRESQL:
        return
    import uuid

    from sqlalchemy import text

    session.execute(
        text(
            "INSERT INTO case_sequence (id, created_at, updated_at, version, prefix, year, last)"
            " VALUES (:id, now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC', 1, :prefix,"
            " :year, 0) ON CONFLICT (prefix, year) DO NOTHING"
        ),
        {"id": str(uuid.uuid4()), "prefix": prefix, "year": year},
    )


def may(session: Any, table: str, privilege: str = "SELECT") -> bool:
    """Whether this login has ``privilege`` on ``table`` (on SQLite, always: one person's file).
    On the server a volunteer has none on the risk tables."""
    if dialect_of(session) != POSTGRESQL:
        return True
    from sqlalchemy import text

    found = session.execute(
        text("SELECT has_table_privilege(current_user, :table, :privilege)"),
        {"table": table, "privilege": privilege},
    ).scalar()
    return bool(found)
