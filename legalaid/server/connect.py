"""libpq connections from a ``postgresql://`` URL, and their errors as clear messages.

The URL is handed to libpq unchanged, so its own means apply: a password from PGPASSWORD or
the password file (PGPASSFILE, ~/.pgpass), TLS from ``sslmode``/``sslrootcert`` in the URL.
A password is never put in a message: messages name the server by host and database only.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from legalaid.errors import LegalAidError
from legalaid.i18n import N_

SCHEMES = ("postgresql://", "postgres://")


class ServerError(LegalAidError):
    """The office server refused or could not be reached."""


def check_url(url: str) -> str:
    if not url.startswith(SCHEMES):
        raise ServerError(
            N_("The server address must start with postgresql:// (for example %(example)s)."),
            example="postgresql://ana@server.office/legalaid?sslmode=verify-full",
        )
    return url


def describe(url: str) -> str:
    """Host and database of ``url`` for messages (never its user's password)."""
    from psycopg.conninfo import conninfo_to_dict

    try:
        parts = conninfo_to_dict(url)
    except Exception:
        return "?"
    return f"{parts.get('host') or 'localhost'}/{parts.get('dbname') or ''}"


def open_connection(url: str, **options: Any) -> Any:
    """A new psycopg connection to ``url`` (``options``: psycopg.connect's); a refusal to
    connect becomes one translated line naming the server."""
    import psycopg

    try:
        return psycopg.connect(url, **options)
    except psycopg.OperationalError as error:
        raise ServerError(
            N_("Could not connect to the server %(server)s: %(reason)s"),
            server=describe(url),
            reason=_reason(error),
        ) from None


@contextmanager
def connect(url: str, *, autocommit: bool = False) -> Iterator[Any]:
    """A psycopg connection to ``url``; libpq's errors become one translated line."""
    import psycopg

    check_url(url)
    conn = open_connection(url, autocommit=autocommit)
    try:
        with conn:
            yield conn
    except psycopg.Error as error:  # what the callers did not turn into a message of their own
        raise ServerError(N_("The server refused: %(reason)s"), reason=_reason(error)) from None


def _reason(error: Exception) -> str:
    """The server's own message (its first line; no CONTEXT or statement lines)."""
    diag = getattr(error, "diag", None)
    primary = getattr(diag, "message_primary", None)
    text = (primary or str(error)).strip().splitlines()
    return text[0] if text else type(error).__name__


def engine(url: str) -> Any:
    """A SQLAlchemy engine whose connections libpq opens from ``url`` as given."""
    import psycopg
    from sqlalchemy import create_engine
    from sqlalchemy.pool import NullPool

    check_url(url)
    return create_engine(
        "postgresql+psycopg://", creator=lambda: psycopg.connect(url), poolclass=NullPool
    )
