"""Setting up the office server and its users (``legalaid server init | add-user | ...``)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from legalaid.i18n import N_
from legalaid.server import roles
from legalaid.server.connect import ServerError, connect
from legalaid.server.schema import migrate

USER_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_.-]{0,62}")


def valid_user_name(name: str) -> bool:
    return bool(USER_NAME.fullmatch(name)) and not name.lower().startswith(("pg_", "legalaid_"))


@dataclass(frozen=True)
class InitResult:
    database: str
    administrator: str
    tables: int


def init_server(url: str, admin: str | None = None, password: str | None = None) -> InitResult:
    """Roles, schema (Alembic, as the owner role), grants, policies, the first administrator:
    ``admin`` with ``password`` when given, else the login of ``url`` itself."""
    with connect(url, autocommit=True) as conn:
        row = conn.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user").fetchone()
        if not row[0]:
            raise ServerError(
                N_(
                    "Setting up the server needs a PostgreSQL superuser in the address "
                    "(for example postgres); %(user)s is not one."
                ),
                user=conn.info.user,
            )
        dbname = conn.info.dbname
        for statement in roles.create_roles_sql() + roles.prepare_database_sql(dbname):
            conn.execute(statement)
    migrate(url)
    with connect(url) as conn:
        tables = roles.public_tables(conn)
        roles.apply_all(conn, dbname)
        if admin is None:
            conn.execute(f"GRANT {roles.ADMIN} TO CURRENT_USER")
            first = str(conn.info.user)
        else:
            _add(conn, admin, "admin", password or "")
            first = admin
    _seed_reference(url)
    return InitResult(dbname, first, len(tables))


def _seed_reference(url: str) -> None:
    """The shipped crossings and courts (only administrators may change them later)."""
    from legalaid.reference_data import reference_missing
    from legalaid.server.database import ServerDatabase

    db = ServerDatabase(url)
    try:
        if reference_missing(db):
            from legalaid.services.reference import seed_reference

            seed_reference(db)
    finally:
        db.dispose()


def add_user(url: str, name: str, role: str, password: str) -> None:
    with connect(url) as conn:
        _add(conn, name, role, password)


def _add(conn: Any, name: str, role: str, password: str) -> None:
    import psycopg

    # The password leaves this process only as a SCRAM verifier computed here (as psql's
    # \password does); the server never sees it, nor a log line of it.
    verifier = conn.pgconn.encrypt_password(
        password.encode("utf-8"), name.encode("utf-8"), b"scram-sha-256"
    ).decode("ascii")
    try:
        conn.execute(
            "SELECT public.legalaid_add_user(%s, %s, %s)", (name, roles.GROUPS[role], verifier)
        )
    except psycopg.errors.DuplicateObject:
        raise ServerError(
            N_("The user %(name)s already exists on the server."), name=name
        ) from None
    except psycopg.errors.UndefinedFunction:
        raise _not_set_up() from None
    except psycopg.errors.InsufficientPrivilege:
        raise _not_admin() from None


def disable_user(url: str, name: str) -> int:
    """Forbid ``name`` to log in and end their open sessions; returns how many ended."""
    import psycopg

    with connect(url) as conn:
        try:
            row = conn.execute("SELECT public.legalaid_disable_user(%s)", (name,)).fetchone()
        except psycopg.errors.UndefinedObject:
            raise ServerError(N_("There is no user %(name)s on the server."), name=name) from None
        except psycopg.errors.UndefinedFunction:
            raise _not_set_up() from None
        except psycopg.errors.InsufficientPrivilege as error:
            if "not a LegalAid user" in str(error):
                raise ServerError(
                    N_("%(name)s is not a LegalAid user; it was left as it was."), name=name
                ) from None
            raise _not_admin() from None
    return int(row[0]) if row else 0


def _not_set_up() -> ServerError:
    return ServerError(
        N_("This database is not set up for LegalAid: run `legalaid server init` first.")
    )


def _not_admin() -> ServerError:
    return ServerError(N_("Only a LegalAid administrator can manage users."))
