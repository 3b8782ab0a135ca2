"""The command line: ``legalaid [--home DIR] COMMAND``. With no command it opens the client.

Errors are one clear line on stderr (exit 1; usage errors exit 2), never a traceback.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import json
import locale
import os
import sys
from collections.abc import Callable, Sequence
from typing import Any

from legalaid import __version__
from legalaid.anumber import format_anumber
from legalaid.errors import LegalAidError
from legalaid.i18n import N_, _, ngettext, normalize_language, set_language

Handler = Callable[[argparse.Namespace], int]
HANDLERS: dict[str, Handler] = {}
# Optional modules with a ``register(subparsers) -> {name: handler}`` function.
COMMAND_MODULES = (
    "legalaid.documents.commands",
    "legalaid.safety.commands",
    "legalaid.settings_commands",
    "legalaid.server.commands",
    "legalaid.exchange.commands",
    "legalaid.edit_commands",
    "legalaid.exchange.sync_commands",
)


def _system_language() -> str:
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        if os.environ.get(name):
            return normalize_language(os.environ[name])
    return normalize_language(locale.getlocale()[0])


def build_parser(optional_commands: bool = True) -> argparse.ArgumentParser:
    """The whole command line; without ``optional_commands`` only this module's commands (the
    client's start does not import the document and safety commands it will not run)."""
    from legalaid.cli_text import install

    install()  # argparse's own words ("usage:", "options") in the interface language
    parser = argparse.ArgumentParser(
        prog="legalaid",
        description=_("LegalAid: case files, hearings and bilingual reminders, offline."),
    )
    parser.add_argument(
        "--home",
        metavar="DIR",
        help=_(
            "LegalAid folder (database, settings, backups); "
            "default: $LEGALAID_HOME or your user data folder"
        ),
    )
    parser.add_argument(
        "--lang", choices=["es", "en"], help=_("language of messages (default: your system's)")
    )
    parser.add_argument(
        "--unencrypted",
        action="store_true",
        help=_("DEMO AND TESTS ONLY: create or open a database without encryption"),
    )
    parser.add_argument(
        "--server",
        metavar="URL",
        help=_("the office server's address, postgresql://USER@HOST/DATABASE (libpq's own URL)"),
    )
    parser.add_argument(
        "--version",
        action="version",
        version=f"LegalAid {__version__}",
        help=_("show the program's version and exit"),
    )
    sub = parser.add_subparsers(dest="command", metavar=_("COMMAND"), title=_("commands"))
    for module in _command_modules() if optional_commands else [sys.modules[__name__]]:
        HANDLERS.update(module.register(sub))
    _describe_commands(sub)
    return parser


def _describe_commands(sub: Any) -> None:
    """A command registered without a description shows its one-line help as one."""
    helps = {action.dest: action.help for action in sub._choices_actions}
    for name, command in sub.choices.items():
        if not command.description and helps.get(name):
            text = str(helps[name])
            command.description = text[:1].upper() + text[1:] + "."


def _command_modules() -> list[Any]:
    """This module plus every optional command module that is installed."""
    modules: list[Any] = [sys.modules[__name__]]
    for name in COMMAND_MODULES:
        try:
            modules.append(importlib.import_module(name))
        except ModuleNotFoundError as error:
            missing = error.name or ""
            if not (name == missing or name.startswith(missing + ".")):
                raise
    return modules


def register(sub: Any) -> dict[str, Handler]:
    """The core commands. Other modules add theirs with a ``register(sub)`` of their own."""

    demo = sub.add_parser(
        "demo",
        help=_("add synthetic demo households"),
        description=_(
            "Add synthetic households with hearings, to try the program out: their case "
            "numbers start with DEMO and they are not real people."
        ),
    )
    demo.add_argument("--cases", type=positive, default=100, metavar="N")
    demo.add_argument("--seed", type=int, default=1, metavar="S")

    cases = sub.add_parser(
        "cases",
        help=_("list or search cases"),
        description=_(
            "List the cases, newest first, or search them by name, A-number or case number "
            "(accents and capitals do not matter; the best match comes first)."
        ),
    )
    cases.add_argument("--search", default="", metavar=_("TEXT"))
    cases.add_argument("--crossing", metavar=_("CODE"))
    cases.add_argument("--status", choices=["open", "closed", "transferred", "archived"])
    cases.add_argument("--limit", type=positive, default=50, metavar="N")
    cases.add_argument("--json", action="store_true", help=_("machine-readable output"))

    upcoming = sub.add_parser(
        "upcoming",
        help=_("hearings in the next days, by report time"),
        description=_(
            "List the hearings of the next days by the time people report at the crossing, "
            "with their flags: not verified, missed, reminder out of date."
        ),
    )
    upcoming.add_argument("--days", type=days, default=14, metavar="N")
    upcoming.add_argument("--crossing", metavar=_("CODE"))
    upcoming.add_argument("--json", action="store_true", help=_("machine-readable output"))

    sub.add_parser(
        "crossings",
        help=_("list the crossings and courts"),
        description=_(
            "List the crossings (ports of entry), where each one's households report, and "
            "the immigration courts."
        ),
    )
    return {
        "demo": cmd_demo,
        "cases": cmd_cases,
        "upcoming": cmd_upcoming,
        "crossings": cmd_crossings,
    }


def positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(_("must be a whole number")) from None
    if value < 1 or value > 10_000_000:
        raise argparse.ArgumentTypeError(_("must be between 1 and 10,000,000"))
    return value


MAX_DAYS = 3660


def days(text: str) -> int:
    """A number of days ahead: 1 to ten years (a date past year 9999 cannot be reached)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(_("must be a whole number")) from None
    if value < 1 or value > MAX_DAYS:
        raise argparse.ArgumentTypeError(
            _("must be a number of days from 1 to %(max)d (ten years)") % {"max": MAX_DAYS}
        )
    return value


def open_context(args: argparse.Namespace) -> Any:
    """The home folder named by --home (or the environment), unlocked, opened and migrated.

    An encrypted home asks for its passphrase (three tries at a terminal); a new home asks for a
    new one twice and shows the recovery key once. With --server: the office server, as the
    login of its address (legalaid.server.context).
    """
    if getattr(args, "server", None):
        from legalaid.server.context import open_server

        return open_server(args.server, args.home)
    from legalaid.home import HomeState, home_state, open_home
    from legalaid.safety import passphrase as ask
    from legalaid.safety.keys import WrongPassphrase

    state = home_state(args.home)
    if args.unencrypted and state is not HomeState.ENCRYPTED:
        return open_home(args.home, unencrypted=True)
    if state is HomeState.PLAIN:
        return open_home(args.home)  # explains how to encrypt or use --unencrypted
    if state is HomeState.NEW:
        ctx = open_home(args.home, passphrase=ask.ask_new())
        _announce_recovery_key(ctx.recovery_key)
        return ctx
    tries = 1 if ask.from_file() is not None or not sys.stdin.isatty() else 3
    for attempt in range(tries):
        try:
            ctx = open_home(args.home, passphrase=ask.ask_existing())
        except WrongPassphrase as error:
            if attempt == tries - 1:
                raise
            print(error.message(), file=sys.stderr)
            continue
        if ctx.recovery_key:  # an interrupted encryption was finished: its key is new
            print(
                _(
                    "An interrupted encryption of this folder was finished. New recovery key "
                    "(write it down and keep it away from this computer): %(key)s"
                )
                % {"key": ctx.recovery_key},
                file=sys.stderr,
            )
        return ctx
    raise AssertionError("unreachable")


def _announce_recovery_key(key: str | None) -> None:
    if key:
        print(
            _(
                "New encrypted database. Recovery key (write it down and keep it away from "
                "this computer; `legalaid recovery-sheet -o FILE.pdf` prints a new one): "
                "%(key)s"
            )
            % {"key": key},
            file=sys.stderr,
        )


def cmd_demo(args: argparse.Namespace) -> int:
    import time

    from legalaid.services.demo import add_demo

    ctx = open_context(args)
    started = time.perf_counter()
    progress = progress_printer() if sys.stderr.isatty() else None
    count = add_demo(ctx, args.cases, seed=args.seed, progress=progress).record
    seconds = time.perf_counter() - started
    print(
        ngettext(
            "Added %(count)d demo case in %(seconds).1f s to %(path)s",
            "Added %(count)d demo cases in %(seconds).1f s to %(path)s",
            count,
        )
        % {"count": count, "seconds": seconds, "path": _where(ctx)}
    )
    return 0


def _where(ctx: Any) -> str:
    """The database a command wrote to: the server's host/database, or the local file."""
    return str(getattr(ctx, "server", "") or ctx.home.database)


def progress_printer() -> Callable[[int, int], None]:
    def show(done: int, total: int) -> None:
        end = "\n" if done >= total else ""
        print(f"\r{done}/{total}", end=end, file=sys.stderr, flush=True)

    return show


def cmd_cases(args: argparse.Namespace) -> int:
    from legalaid.formatting import short_date
    from legalaid.services.search import count_cases, search_cases

    ctx = open_context(args)
    rows = search_cases(
        ctx, args.search, crossing=args.crossing, status=args.status, limit=args.limit
    )
    if args.json:
        print(
            json.dumps(
                [
                    {
                        "case_number": r.case_number,
                        "status": r.status,
                        "principal": r.principal,
                        "matched": r.matched or None,
                        "a_number": format_anumber(r.a_number) or None,
                        "people": r.people,
                        "crossing": r.crossing,
                        "next_hearing": r.next_hearing.isoformat() if r.next_hearing else None,
                    }
                    for r in rows
                ],
                ensure_ascii=False,
                indent=2,
            )
        )
        return 0
    total = count_cases(ctx, args.search, crossing=args.crossing, status=args.status)
    for r in rows:
        nxt = short_date(r.next_hearing.date()) if r.next_hearing else "—"
        found = (
            ""
            if r.matched == r.principal
            else "  " + _("(found: %(member)s)") % {"member": r.matched}
        )
        print(
            f"{r.case_number:<18} {r.principal[:36]:<36} {format_anumber(r.a_number):<14} "
            f"{r.people:>2} {r.crossing or '—':<4} {_status_label(r.status):<12} {nxt}{found}"
        )
    print(
        ngettext("%(shown)d of %(total)d case", "%(shown)d of %(total)d cases", total)
        % {"shown": len(rows), "total": total}
    )
    return 0


def _status_label(status: str) -> str:
    from legalaid.labels import label

    return label("case_status", status)


def cmd_upcoming(args: argparse.Namespace) -> int:
    from legalaid.formatting import clock, short_date
    from legalaid.labels import label
    from legalaid.services.upcoming import upcoming

    ctx = open_context(args)
    rows = upcoming(ctx, args.days, crossing=args.crossing)
    if args.json:
        print(json.dumps([r.as_json() for r in rows], ensure_ascii=False, indent=2))
        return 0
    for r in rows:
        flags = ", ".join(label("flag", f) for f in r.flags)
        print(
            f"{short_date(r.report_at.date()):<11} {clock(r.report_at, r.crossing_zone):<11} "
            f"{r.crossing:<4} {r.case_number:<18} {'; '.join(r.names)[:50]:<50} {flags}"
        )
    print(ngettext("%(count)d hearing", "%(count)d hearings", len(rows)) % {"count": len(rows)})
    return 0


def cmd_crossings(args: argparse.Namespace) -> int:
    from legalaid.services.reference import list_courts, list_crossings

    ctx = open_context(args)
    lang = normalize_language(args.lang or ctx.settings.language or _system_language())
    for x in list_crossings(ctx):
        name = x.name_es if lang == "es" else x.name_en
        reports = f" → {x.report_at_code}" if x.report_at_code else ""
        print(
            f"{x.code:<4} {name:<14} {x.mx_city:<24} {x.zone:<22} "
            f"{x.default_court_code or '—'}{reports}"
        )
    for c in list_courts(ctx):
        print(f"{c.code:<8} {c.name_es if lang == 'es' else c.name_en:<48} {c.zone}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    from legalaid.files import forget_pending, owner_only
    from legalaid.homelock import release_all, set_program

    owner_only()  # every file and folder this process makes is its user's only
    argv = list(sys.argv[1:] if argv is None else argv)
    set_language(_early_language(argv))
    parser = build_parser(optional_commands=_names_a_command(argv))
    args = parser.parse_args(argv)
    if args.server and args.command is not None:
        # By name, like every module of COMMAND_MODULES: they import this module.
        server_commands = importlib.import_module("legalaid.server.commands")
        if args.command not in server_commands.SERVER_COMMANDS:
            status: int = server_commands.not_in_server_mode(args.command, args.server)
            return status
    if args.command is None:
        return _open_client(args, parser)
    gc.enable()  # off while the program started (legalaid/__main__.py)
    set_program(args.command)
    try:
        return HANDLERS[args.command](args)
    except LegalAidError as error:
        print(f"legalaid: {error.message()}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(_("legalaid: interrupted"), file=sys.stderr)
        return 130
    except OSError as error:
        print(_("legalaid: %(reason)s") % {"reason": error.strerror or error}, file=sys.stderr)
        return 1
    finally:
        release_all()
        forget_pending()


def _names_a_command(argv: list[str]) -> bool:
    """Whether the arguments name a command or ask for help (else they open the client)."""
    index = 0
    while index < len(argv):
        arg = argv[index]
        if arg in ("-h", "--help"):
            return True
        if not arg.startswith("-"):
            return True
        index += 2 if arg in ("--home", "--lang", "--server") else 1
    return False


def _early_language(argv: list[str]) -> str:
    """--lang before the subcommand (a subcommand may have a --lang of its own)."""
    index = 0
    while index < len(argv) and argv[index].startswith("-"):
        arg = argv[index]
        if arg == "--lang" and index + 1 < len(argv):
            return normalize_language(argv[index + 1])
        if arg.startswith("--lang="):
            return normalize_language(arg.split("=", 1)[1])
        index += 2 if arg in ("--home", "--server") else 1
    return _system_language()


# The client's entry point, found by name: the core imports no module of the client (it runs
# without it, in tests and on a server), and the client is its own program (``python -m ui``).
CLIENT = "ui.app"
BROKEN_CLIENT = N_(
    "This installation of LegalAid is incomplete: the window cannot open because %(module)s "
    "is missing. Install LegalAid again; the data was not touched."
)


def _open_client(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    try:
        client = importlib.import_module(CLIENT)
    except ImportError as error:
        missing = getattr(error, "name", None) or ""
        if missing in ("ui", CLIENT) or missing.split(".")[0] in ("PySide6", "shiboken6"):
            parser.print_help()  # an installation without the client (or without Qt)
            return 0
        # The client is there but a part of it is not: a broken installation, said plainly.
        print(_(BROKEN_CLIENT) % {"module": missing or str(error)}, file=sys.stderr)
        return 1
    if args.server:  # the client on the office server (legalaid.server.connect's checks)
        from legalaid.server.connect import check_url

        try:
            check_url(args.server)
        except LegalAidError as error:
            print(f"legalaid: {error.message()}", file=sys.stderr)
            return 2
    status: int = client.run_client(
        home=args.home, language=args.lang, unencrypted=args.unencrypted, server=args.server
    )
    return status
