"""What the client needs to know about its login on the office server: its role, and whether
libpq has a password for it.

PostgreSQL enforces the roles itself (legalaid.server.roles); the client only uses them to leave
out what the login may not do, and to say why.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass
from typing import Any

from legalaid.i18n import N_
from legalaid.server.roles import ADMIN, LAWYER, VOLUNTEER


@dataclass(frozen=True)
class LoginRole:
    """What the login may do, from its membership of LegalAid's group roles."""

    login: str
    lawyer: bool = False  # risk data: narratives, incidents, risk notes
    admin: bool = False  # crossings, courts, users, offices

    @property
    def name(self) -> str:
        """volunteer, lawyer, admin or lawyer+admin."""
        if self.lawyer and self.admin:
            return "lawyer+admin"
        if self.lawyer:
            return "lawyer"
        return "admin" if self.admin else "volunteer"


def login_role(db: Any) -> LoginRole:
    """The role of ``db``'s login (pg_roles membership, inherited memberships included)."""
    with db.query() as conn:
        rows = conn.execute(
            "SELECT current_user, pg_has_role(current_user, ?, 'MEMBER'), "
            "pg_has_role(current_user, ?, 'MEMBER') "
            "FROM pg_roles WHERE rolname = ?",
            (LAWYER, ADMIN, VOLUNTEER),
        ).fetchall()
    if not rows:
        return LoginRole(login=str(getattr(db, "login", "")))
    login, lawyer, admin = rows[0]
    return LoginRole(str(login), bool(lawyer), bool(admin))


OK, NEEDS_PASSWORD, WRONG_PASSWORD = "ok", "needs password", "wrong password"


def probe(url: str, password: str | None = None) -> str:
    """Try one connection to ``url`` (with ``password`` when given): OK, NEEDS_PASSWORD (the
    server asks for one and libpq has none: no PGPASSWORD, nothing in the password file) or
    WRONG_PASSWORD (refused: a wrong password or no such login, the server does not say
    which). Any other failure is the ServerError that says what is wrong."""
    import psycopg

    from legalaid.server.connect import ServerError, _reason, check_url, describe

    check_url(url)
    extra: dict[str, Any] = {} if password is None else {"password": password}
    try:
        psycopg.connect(url, connect_timeout=15, **extra).close()
    except psycopg.OperationalError as error:
        pgconn = getattr(error, "pgconn", None)
        if pgconn is not None and pgconn.needs_password:
            return NEEDS_PASSWORD
        text = str(error)
        if password is not None and ("password authentication failed" in text or "28P01" in text):
            return WRONG_PASSWORD
        raise ServerError(
            N_("Could not connect to the server %(server)s: %(reason)s"),
            server=describe(url),
            reason=_reason(error),
        ) from None
    return OK


_roles: weakref.WeakKeyDictionary[Any, LoginRole] = weakref.WeakKeyDictionary()


def role_of(db: Any) -> LoginRole:
    """``login_role(db)``, read once per open database (a login's groups change only when its
    administrator changes them; the server enforces them at every statement anyway)."""
    role = _roles.get(db)
    if role is None:
        role = _roles[db] = login_role(db)
    return role


def asked_for_password(error: BaseException) -> bool:
    """Whether a failed connection (a ServerError raised from libpq's error) was the server
    asking for a password libpq does not have."""
    seen: BaseException | None = error
    while seen is not None:
        pgconn = getattr(seen, "pgconn", None)
        if pgconn is not None and pgconn.needs_password:
            return True
        seen = seen.__cause__ or seen.__context__
    return False
