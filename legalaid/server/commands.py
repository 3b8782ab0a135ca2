"""``legalaid server``: set up the office's PostgreSQL and manage who logs in to it.

    legalaid server init --url postgresql://postgres@server/legalaid [--admin NAME]
    legalaid --server postgresql://ana@server/legalaid server add-user luis --role lawyer
    legalaid --server postgresql://ana@server/legalaid server disable-user luis
    legalaid --server postgresql://ana@server/legalaid server upload --home DIR
    legalaid --server postgresql://ana@server/legalaid server backup-key -o FILE
    legalaid --server postgresql://ana@server/legalaid backup [-o FILE]
    legalaid --server postgresql://postgres@server/legalaid restore FILE --office-key FILE

Backups are sealed to the office's own key and signed with its signing key; a restore refuses
a file the office did not sign (legalaid.server.backup explains the design);
uploads copy a laptop home's records, verified, in one transaction (legalaid.server.upload).

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
    upload = actions.add_parser(
        "upload",
        help=_("move a laptop LegalAid folder's records into the server, once"),
        description=_(
            "Copy every record of a laptop LegalAid folder into the server, with its ids, its "
            "history and its change record, verified row by row, in one transaction: it lands "
            "whole or not at all. A folder is uploaded once. Needs an administrator's address; "
            "an encrypted folder asks for its passphrase."
        ),
    )
    upload.add_argument(
        "--home",
        dest="upload_home",
        required=True,
        metavar="DIR",
        help=_("the laptop LegalAid folder to upload"),
    )
    key = actions.add_parser(
        "backup-key",
        help=_("save the key that restores the server's backups (keep it offline)"),
        description=_(
            "Write the office's backup key to a file: the only way, with the laptop folder "
            "that created the office, to restore the server's backups. Keep it on a USB stick "
            "in a safe place, away from the server. Backups wait until it has been saved once. "
            "A server without an office identity gets one with --name and --prefix."
        ),
    )
    key.add_argument(
        "-o", "--output", required=True, type=Path, metavar=_("FILE"), help=_("the key file")
    )
    key.add_argument("--name", metavar=_("NAME"), help=_("new office's name (no office yet)"))
    key.add_argument("--prefix", metavar="P", help=_("new office's case-number prefix"))
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
        "backup",
        "restore",
        # The office server is one more peer of the exchange between offices.
        "office",
        "share",
        "sync",
        "conflicts",
        "resolve",
        "edit",
    }
)


def not_in_server_mode(command: str | None, url: str = "") -> int:
    """``--server`` given to a command that works only on this computer's database."""
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
    if args.server_command == "upload":
        return cmd_upload(args, url)
    if args.server_command == "backup-key":
        return cmd_backup_key(args, url)
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


def _server_db(url: str) -> Any:
    """The server's database as the address's login (its password asked when libpq has none)."""
    from legalaid.server.context import _password_if_needed
    from legalaid.server.database import ServerDatabase

    return ServerDatabase(url, _password_if_needed(url))


def cmd_upload(args: argparse.Namespace, url: str) -> int:
    from legalaid.cli import open_context
    from legalaid.formatting import number
    from legalaid.home import HomeState, home_state
    from legalaid.server.upload import upload_home

    if home_state(args.upload_home) is HomeState.NEW:
        raise ValidationError(
            N_("There is no LegalAid folder at %(path)s to upload."), path=args.upload_home
        )
    db = _server_db(url)
    try:
        _require_admin(db)  # before the laptop's passphrase is asked
        laptop = open_context(
            argparse.Namespace(home=args.upload_home, server=None, unencrypted=args.unencrypted)
        )
        try:
            done = upload_home(laptop, lambda: db.connect_raw())
        finally:
            laptop.close()
    finally:
        db.dispose()
    print(
        ngettext(
            "Uploaded %(rows)s record from %(home)s to the server, verified row by row.",
            "Uploaded %(rows)s records from %(home)s to the server, verified row by row.",
            done.rows,
        )
        % {"rows": number(done.rows), "home": args.upload_home}
    )
    if done.office:
        print(
            _(
                "The office %(office)s is now the server's. Save its backup key, kept away "
                "from the server: legalaid --server URL server backup-key -o FILE"
            )
            % {"office": done.office}
        )
    return 0


def _require_admin(db: Any) -> None:
    from legalaid.server.backup import require_operator

    conn = db.connect_raw(autocommit=True)
    try:
        require_operator(conn)
    finally:
        conn.close()


def cmd_backup_key(args: argparse.Namespace, url: str) -> int:
    from legalaid.files import check_file, write_atomic
    from legalaid.server import backup

    check_file(args.output)
    db = _server_db(url)
    try:
        if args.name or args.prefix:
            _create_office(db, url, args)
        key = backup.export_backup_key(lambda: db.connect_raw(autocommit=True))
        write_atomic(args.output, backup.key_file_bytes(key))
        backup.record_key_saved(lambda: db.connect_raw(autocommit=True), key)
    finally:
        db.dispose()
    print(
        _(
            "The backup key of the office %(office)s is in %(path)s. Keep it offline (a USB "
            "stick in a safe place): it restores every backup of the server."
        )
        % {"office": key.name, "path": args.output}
    )
    return 0


def _create_office(db: Any, url: str, args: argparse.Namespace) -> None:
    from legalaid.server.context import open_server
    from legalaid.services.offices import init_office

    if not (args.name and args.prefix):
        raise ValidationError(N_("A new office needs both --name and --prefix."))
    ctx = open_server(url, args.home, password=db._password, ask=False)
    try:
        init_office(ctx, args.name, args.prefix)
    finally:
        ctx.close()


def cmd_server_backup(args: argparse.Namespace) -> int:
    """``legalaid --server URL backup [-o FILE]``: an encrypted dump of the whole server."""
    from datetime import UTC, datetime

    from legalaid.formatting import number
    from legalaid.paths import HomePaths, resolve_home
    from legalaid.server import backup
    from legalaid.server.connect import describe

    url = args.server
    _sweep_desk(args.home)
    db = _server_db(url)
    try:
        dbname = describe(url).rsplit("/", 1)[-1] or "legalaid"
        name = f"server-{dbname}-{datetime.now(UTC).strftime('%Y%m%d-%H%M%S')}.labackup"
        dest = args.output.expanduser() if args.output else None
        if dest is None:
            dest = HomePaths(resolve_home(args.home)).backups / name
        elif dest.is_dir():
            dest = dest / name
        done = backup.backup_server(
            url, db._password, dest, lambda: db.connect_raw(autocommit=True)
        )
    finally:
        db.dispose()
    print(
        _(
            "Backup of the server written to %(path)s: %(tables)s tables, %(rows)s rows "
            "(%(risk)s risk rows), encrypted with the office's backup key."
        )
        % {
            "path": done.path,
            "tables": number(done.tables),
            "rows": number(done.rows),
            "risk": number(done.risk_rows),
        }
    )
    return 0


def _sweep_desk(home: str | None) -> None:
    """What a killed backup left in the desk's folders goes; this one's temporary file is
    noted there, so a kill is swept by the next run."""
    from legalaid.files import sweep_pending, use_pending_folder
    from legalaid.home import _ensure_writable_home
    from legalaid.leftovers import alive
    from legalaid.paths import HomePaths, resolve_home

    paths = HomePaths(resolve_home(home))
    _ensure_writable_home(paths.root)
    sweep_pending(paths.pending, alive)
    use_pending_folder(paths.pending)


def cmd_server_restore(args: argparse.Namespace) -> int:
    """``legalaid --server URL restore FILE (--office-key FILE | --key-home DIR)``."""
    from datetime import datetime

    from legalaid.cli import open_context
    from legalaid.formatting import clock_with_zone, medium_date, number
    from legalaid.server import backup

    if args.office_key is not None:
        key = backup.read_key_file(args.office_key)
    elif args.key_home:
        laptop = open_context(
            argparse.Namespace(home=args.key_home, server=None, unencrypted=args.unencrypted)
        )
        try:
            key = backup.key_from_home(laptop)
        finally:
            laptop.close()
    else:
        return usage_error(
            _(
                "Restoring the server needs the office's key: --office-key FILE (from "
                "`server backup-key`) or --key-home DIR (the laptop folder that created it)."
            )
        )
    done = backup.restore_server(args.server, args.file, key, args.allow_unsigned)
    made = datetime.fromisoformat(done.made_at)
    print(
        _(
            "The server's database %(database)s was restored from %(file)s (made %(made)s): "
            "%(rows)s rows, verified. The database as it was is kept as %(kept)s; drop it "
            "when it is no longer needed."
        )
        % {
            "database": done.database,
            "file": args.file,
            "made": f"{medium_date(made.date())} {clock_with_zone(made, 'UTC')}",
            "rows": number(done.rows),
            "kept": done.kept_as,
        }
    )
    return 0
