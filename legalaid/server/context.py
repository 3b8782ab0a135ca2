"""A desk's context on the office server: the server's database, this computer's settings.

``legalaid --server postgresql://ana@server/legalaid COMMAND`` opens one. The person's login is
the actor of every history and change-log entry (PostgreSQL's row-level security checks that an
entry names its own login). The password comes from libpq's own means (PGPASSWORD, the password
file); when the server asks for one and there is none, it is asked at the terminal without echo
and kept in memory only.
"""

from __future__ import annotations

import getpass
import os
import sys
from dataclasses import dataclass

from legalaid.context import AppContext
from legalaid.files import use_pending_folder
from legalaid.home import _ensure_writable_home
from legalaid.i18n import N_, _
from legalaid.paths import HomePaths, resolve_home
from legalaid.server.connect import ServerError, check_url, describe
from legalaid.server.database import ServerDatabase
from legalaid.settings import load_settings


@dataclass
class ServerContext(AppContext):
    """An AppContext whose database is the office server's and whose actor is the login."""

    login: str = ""
    server: str = ""  # host/database, for messages

    def __post_init__(self) -> None:
        self.db.actor = lambda: self.login  # the person on each change entry: the login

    @property
    def actor(self) -> str:
        return self.login


def open_server(
    url: str,
    home: str | os.PathLike[str] | None = None,
    *,
    password: str | None = None,
    ask: bool = True,
) -> ServerContext:
    """Connect to the server at ``url`` as its login; settings stay in the local ``home``.

    ``ask``: when libpq has no password for a login that needs one, ask at the terminal."""
    check_url(url)
    paths = HomePaths(resolve_home(home))
    _ensure_writable_home(paths.root)
    settings = load_settings(paths.settings)
    if password is None and ask:
        password = _password_if_needed(url)
    db = ServerDatabase(url, password)
    try:
        with db.query() as conn:
            db.login = str(conn.execute("SELECT current_user").fetchone()[0])
        db.upgrade()  # only checks: the administrator upgrades the server
    except BaseException:
        db.dispose()
        raise
    use_pending_folder(paths.pending)
    return ServerContext(home=paths, settings=settings, db=db, login=db.login, server=describe(url))


def _password_if_needed(url: str) -> str | None:
    """None when libpq connects on its own; else the password typed at the terminal."""
    import psycopg

    try:
        psycopg.connect(url).close()
        return None
    except psycopg.OperationalError as error:
        if not _wants_password(error) or not sys.stdin.isatty():
            return None  # the connection itself will say what is wrong
    for _attempt in range(3):
        typed = getpass.getpass(_("Password of %(server)s: ") % {"server": describe(url)})
        try:
            psycopg.connect(url, password=typed).close()
            return typed
        except psycopg.OperationalError as error:
            if not _wants_password(error) and "password" not in str(error):
                raise ServerError(
                    N_("Could not connect to the server %(server)s: %(reason)s"),
                    server=describe(url),
                    reason=str(error).strip().splitlines()[0],
                ) from None
            print(_("Wrong password, or no such login."), file=sys.stderr)
    raise ServerError(
        N_("No password was accepted by the server %(server)s."), server=describe(url)
    )


def _wants_password(error: Exception) -> bool:
    return "no password supplied" in str(error)
