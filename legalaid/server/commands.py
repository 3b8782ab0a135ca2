"""``legalaid server``: set up the office's PostgreSQL and manage who logs in to it.

    legalaid server init --url postgresql://postgres@server/legalaid [--admin NAME]
    legalaid --server postgresql://ana@server/legalaid server add-user luis --role lawyer
    legalaid --server postgresql://ana@server/legalaid server disable-user luis

The password of the login in the URL comes from libpq's own means (PGPASSWORD, or the password
file named by PGPASSFILE, ~/.pgpass by default); TLS from ``sslmode`` in the URL. A new user's
password is read from ``--password-file`` or asked twice at the terminal, without echo; it is
never printed, stored or sent to the server in clear text.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path
from typing import Any

from legalaid.cli import Handler
from legalaid.errors import LegalAidError, ValidationError
from legalaid.i18n import N_, _, ngettext

ROLE_LABELS = {"volunteer": N_("volunteer"), "lawyer": N_("lawyer"), "admin": N_("administrator")}
MIN_PASSWORD = 10


def register(sub: Any) -> dict[str, Handler]:
    server = sub.add_parser(
        "server",
        help=_("set up the office server (PostgreSQL) and its users"),
        description=_(
            "Set up LegalAid on the office's PostgreSQL server and manage who may log in. "
            "Each person has their own login with one role: volunteer (cases, people, "
            "hearings, documents), lawyer (also risk data) or administrator (users, crossings "
            "and courts); the database itself enforces them. Passwords of the address come "
            "from PGPASSWORD or the password file (PGPASSFILE); TLS from sslmode in the address."
        ),
    )
    actions = server.add_subparsers(dest="server_command", metavar=_("ACTION"), required=True)
    init = actions.add_parser(
        "init",
        help=_("create the schema, the roles and the first administrator"),
        description=_(
            "Create LegalAid's tables (as the owner role nobody logs in with), its roles, "
            "their permissions and the first administrator. The address names a PostgreSQL "
            "superuser and the database, for example postgresql://postgres@server/legalaid. "
            "Running it again upgrades the tables and repairs the permissions."
        ),
    )
    init.add_argument(
        "--url",
        required=True,
        type=server_url,
        metavar="URL",
        help=_("the database, as a PostgreSQL superuser: postgresql://postgres@HOST/DATABASE"),
    )
    init.add_argument(
        "--admin",
        type=user_name,
        metavar=_("NAME"),
        help=_("new login for the first administrator (default: the user in the address)"),
    )
    init.add_argument("--password-file", type=Path, metavar=_("FILE"), help=password_help())
    add = actions.add_parser(
        "add-user",
        help=_("add a person who may log in, with their role"),
        description=_(
            "Add a login for one person with one role. Needs --server with an administrator's "
            "address. Without --password-file the password is asked twice."
        ),
    )
    add.add_argument("name", type=user_name, metavar=_("NAME"), help=_("the new login"))
    add.add_argument(
        "--role",
        required=True,
        choices=sorted(ROLE_LABELS),
        help=_("volunteer: cases and documents; lawyer: also risk data; admin: users, crossings"),
    )
    add.add_argument("--password-file", type=Path, metavar=_("FILE"), help=password_help())
    disable = actions.add_parser(
        "disable-user",
        help=_("stop a person from logging in (their open sessions end)"),
        description=_(
            "Stop a person from logging in and end their open sessions; what they recorded "
            "stays. Needs --server with an administrator's address."
        ),
    )
    disable.add_argument("name", type=user_name, metavar=_("NAME"), help=_("the login to disable"))
    return {"server": cmd_server}


def password_help() -> str:
    return _("file whose first line is the new password (else it is asked twice)")


def server_url(text: str) -> str:
    from legalaid.server.connect import SCHEMES

    if not text.startswith(SCHEMES):
        raise argparse.ArgumentTypeError(_("must start with postgresql://"))
    return text


def user_name(text: str) -> str:
    from legalaid.server.users import valid_user_name

    if not valid_user_name(text):
        raise argparse.ArgumentTypeError(
            _(
                "a user name is a letter followed by letters, digits, '_', '.' or '-' (at most "
                "63), and does not start with pg_ or legalaid_"
            )
        )
    return text


def usage_error(message: str) -> int:
    print(f"legalaid: {message}", file=sys.stderr)
    return 2


# The commands that work on the office server (``legalaid --server URL COMMAND``).
SERVER_COMMANDS = frozenset(
    {
        "server",
        "demo",
        "cases",
        "upcoming",
        "crossings",
        "import",
        "export",
        "history",
        "documents",
        "reminders",
        "risk-note",
        "cards",
        "crossing-list",
        "message",
        "duplicates",
        # The office server is one more peer of the exchange between offices.
        "office",
        "share",
        "sync",
        "conflicts",
        "resolve",
    }
)


def not_in_server_mode(command: str | None, url: str = "") -> int:
    """``--server`` given to a command that works only on this computer's database."""
    if command == "backup":
        from legalaid.server.database import BACKUP_ON_SERVER, pg_dump_command

        print(
            "legalaid: " + _(BACKUP_ON_SERVER) % {"command": pg_dump_command(url)},
            file=sys.stderr,
        )
        return 1
    if command is None:
        return usage_error(_("The client cannot open an office server yet; leave out --server."))
    return usage_error(
        _(
            "The command %(command)s works only on this computer's database, not with an "
            "office server; leave out --server."
        )
        % {"command": command}
    )


def cmd_server(args: argparse.Namespace) -> int:
    from legalaid.server import users

    if args.server_command == "init":
        password = None if args.admin is None else new_password(args.password_file)
        result = users.init_server(args.url, args.admin, password)
        print(
            _(
                "The database %(database)s is ready for LegalAid (%(tables)d tables). First "
                "administrator: %(admin)s."
            )
            % {"database": result.database, "tables": result.tables, "admin": result.administrator}
        )
        return 0
    url = getattr(args, "server", None)
    if not url:
        return usage_error(
            _("This command needs the server's address: legalaid --server URL server ...")
        )
    if args.server_command == "add-user":
        users.add_user(url, args.name, args.role, new_password(args.password_file))
        print(
            _("%(name)s may now log in as %(role)s.")
            % {"name": args.name, "role": _(ROLE_LABELS[args.role])}
        )
        return 0
    ended = users.disable_user(url, args.name)
    print(
        ngettext(
            "%(name)s can no longer log in; %(count)d open session was ended.",
            "%(name)s can no longer log in; %(count)d open sessions were ended.",
            ended,
        )
        % {"name": args.name, "count": ended}
    )
    return 0


def new_password(path: Path | None) -> str:
    """From the file's first line, or asked twice at the terminal without echo."""
    if path is not None:
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except OSError as error:
            raise LegalAidError(
                N_("The password file %(path)s cannot be read: %(reason)s"),
                path=str(path),
                reason=error.strerror or str(error),
            ) from None
        value = lines[0] if lines else ""
        _check(value)
        return value
    if not sys.stdin.isatty():
        raise ValidationError(
            N_("There is no terminal to ask for the password: use --password-file FILE.")
        )
    for _attempt in range(3):
        first = getpass.getpass(_("New password (at least 10 characters): "))
        second = getpass.getpass(_("The same password again: "))
        try:
            _check(first, second)
            return first
        except ValidationError as error:
            print(error.message(), file=sys.stderr)
    raise ValidationError(N_("No password was set."))


def _check(value: str, again: str | None = None) -> None:
    if len(value) < MIN_PASSWORD:
        raise ValidationError(N_("The password must have at least 10 characters."))
    if again is not None and again != value:
        raise ValidationError(N_("The two passwords are not the same."))
