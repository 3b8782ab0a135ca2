"""Command-line commands for keeping data safe: encrypt, passphrase, recovery sheet, backup,
restore, import, export, history."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from legalaid.cli import Handler, open_context
from legalaid.i18n import _, ngettext


def register(sub: Any) -> dict[str, Handler]:
    sub.add_parser("encrypt", help=_("encrypt an unencrypted database (asks a new passphrase)"))
    sub.add_parser("change-passphrase", help=_("change the passphrase (the data is not rewritten)"))
    sheet = sub.add_parser(
        "recovery-sheet", help=_("make a new recovery key and write its sheet as PDF")
    )
    sheet.add_argument("-o", "--output", required=True, metavar=_("FILE.pdf"), type=Path)
    backup = sub.add_parser("backup", help=_("write a verified, encrypted backup"))
    backup.add_argument(
        "-o",
        "--output",
        metavar=_("FILE"),
        type=Path,
        help=_("file or folder (default: the home's backups folder)"),
    )
    restore = sub.add_parser("restore", help=_("replace the database with a backup"))
    restore.add_argument("file", metavar=_("FILE"), type=Path)
    restore.add_argument(
        "--other-home",
        action="store_true",
        help=_(
            "confirm restoring a backup made by another LegalAid folder (this folder then "
            "opens with that backup's passphrase)"
        ),
    )
    restore.add_argument(
        "--office-key",
        metavar=_("FILE"),
        type=Path,
        help=_("with --server: the office's backup key file (legalaid server backup-key)"),
    )
    restore.add_argument(
        "--key-home",
        metavar="DIR",
        help=_("with --server: the laptop LegalAid folder that holds the office's keys"),
    )
    restore.add_argument(
        "--allow-unsigned",
        action="store_true",
        help=_(
            "with --server: restore a backup of the first, unsigned format (nothing proves "
            "who made it)"
        ),
    )
    imp = sub.add_parser("import", help=_("import a CSV or .xlsx spreadsheet"))
    imp.add_argument("file", metavar=_("FILE"), type=Path)
    imp.add_argument(
        "--dry-run", action="store_true", help=_("check every row and report, change nothing")
    )
    imp.add_argument(
        "--rejects",
        metavar=_("FILE"),
        type=Path,
        help=_("where to write the rejected rows (default: beside the file)"),
    )
    imp.add_argument(
        "--json", action="store_true", help=_("print what became of every row, as JSON")
    )
    exp = sub.add_parser("export", help=_("export every person to CSV or .xlsx"))
    exp.add_argument("-o", "--output", required=True, metavar=_("FILE"), type=Path)
    hist = sub.add_parser("history", help=_("the audit log of a case"))
    hist.add_argument("case", metavar=_("CASE_NUMBER"))
    return {
        "encrypt": cmd_encrypt,
        "change-passphrase": cmd_change_passphrase,
        "recovery-sheet": cmd_recovery_sheet,
        "backup": cmd_backup,
        "restore": cmd_restore,
        "import": cmd_import,
        "export": cmd_export,
        "history": cmd_history,
    }


def cmd_encrypt(args: argparse.Namespace) -> int:
    from legalaid.paths import HomePaths, resolve_home
    from legalaid.safety import passphrase as ask
    from legalaid.safety.convert import conversion_pending, encrypt_home

    if conversion_pending(HomePaths(resolve_home(args.home))):
        print(
            _(
                "An encryption of this folder was interrupted. Write the passphrase chosen for "
                "it then to finish it."
            ),
            file=sys.stderr,
        )
        new = encrypt_home(args.home, ask.ask_existing())
    else:
        new = encrypt_home(args.home, ask.ask_new())
    print(_("The database is now encrypted; the unencrypted file was wiped."))
    print(
        _("Recovery key (write it down, keep it away from this computer): %(key)s")
        % {"key": new.recovery_key}
    )
    return 0


def cmd_change_passphrase(args: argparse.Namespace) -> int:
    from legalaid.paths import HomePaths, resolve_home
    from legalaid.safety import passphrase as ask
    from legalaid.safety.keys import change_home_passphrase

    paths = HomePaths(resolve_home(args.home))
    old = ask.ask_existing()
    change_home_passphrase(paths, old, ask.ask_new())
    print(_("Passphrase changed. The recovery key still works."))
    return 0


def cmd_recovery_sheet(args: argparse.Namespace) -> int:
    from legalaid.files import check_file, write_atomic
    from legalaid.paths import HomePaths, resolve_home
    from legalaid.safety import passphrase as ask
    from legalaid.safety.keys import replace_home_recovery_key
    from legalaid.safety.recovery_sheet import recovery_sheet_pdf
    from legalaid.settings import load_settings

    paths = HomePaths(resolve_home(args.home))
    settings = load_settings(paths.settings)
    check_file(args.output)  # fail on an unwritable path before replacing the key
    key = replace_home_recovery_key(paths, ask.ask_existing())
    write_atomic(
        args.output, recovery_sheet_pdf(key, settings.organisation.name, settings.paper_size)
    )
    print(
        _("New recovery key written to %(path)s; the old one no longer works.")
        % {"path": args.output}
    )
    return 0


def cmd_backup(args: argparse.Namespace) -> int:
    from legalaid.safety.backup import auto_backup, backup_to

    if getattr(args, "server", None):
        from legalaid.server.commands import cmd_server_backup

        return cmd_server_backup(args)
    ctx = open_context(args)
    path = backup_to(ctx, args.output) if args.output else auto_backup(ctx)
    print(_("Backup written and verified: %(path)s") % {"path": path})
    return 0


BACKUP_PASSPHRASE_FILE = "LEGALAID_BACKUP_PASSPHRASE_FILE"


def cmd_restore(args: argparse.Namespace) -> int:
    if getattr(args, "server", None):
        from legalaid.server.commands import cmd_server_restore

        return cmd_server_restore(args)
    from legalaid.paths import HomePaths, resolve_home
    from legalaid.safety import passphrase as ask
    from legalaid.safety.backup import OtherHomeBackup, backup_origin, restore_home

    paths = HomePaths(resolve_home(args.home))
    origin = backup_origin(paths.root, args.file)
    secret = None
    if paths.key_file.exists():
        if origin.other_home:
            print(
                _("First the passphrase of this LegalAid folder (its data now)."), file=sys.stderr
            )
        secret = ask.ask_existing()
    backup_secret = None
    if origin.other_home and origin.encrypted:
        backup_secret = _backup_passphrase(secret)
    confirmed = args.other_home
    while True:
        try:
            done = restore_home(
                paths.root,
                args.file,
                secret=secret,
                backup_secret=backup_secret,
                unencrypted=args.unencrypted,
                other_home=confirmed,
            )
            break
        except OtherHomeBackup as error:
            print(error.message(), file=sys.stderr)
            if confirmed or not sys.stdin.isatty() or not _confirm():
                print(
                    _("Nothing was changed. To go ahead, run the restore with --other-home."),
                    file=sys.stderr,
                )
                return 1
            confirmed = True
    safety = done.safety_copy or _("(there was no data)")
    print(
        _("Restored from %(file)s. The database as it was is kept in %(safety)s.")
        % {"file": args.file, "safety": safety}
    )
    if done.other_home:
        print(_("From now on this folder opens with the passphrase of the restored backup."))
    return 0


def _backup_passphrase(fallback: str | None) -> str | None:
    """The passphrase of a backup made by another folder: from the file named by
    LEGALAID_BACKUP_PASSPHRASE_FILE, else asked at the terminal, else this folder's."""
    import getpass
    import os

    name = os.environ.get(BACKUP_PASSPHRASE_FILE)
    if name:
        try:
            return Path(name).read_text(encoding="utf-8").rstrip("\r\n")
        except OSError as error:
            from legalaid.errors import StorageError
            from legalaid.i18n import N_

            raise StorageError(
                N_("The passphrase file %(path)s cannot be read: %(reason)s"),
                path=name,
                reason=error.strerror or str(error),
            ) from error
    if sys.stdin.isatty():
        return getpass.getpass(_("Passphrase of the backup (of the folder it was made in): "))
    return fallback


def _confirm() -> bool:
    answer = input(_("Restore it? Type “yes” to go ahead: "))
    return answer.strip().casefold() in {_("yes").casefold(), "yes"}


def cmd_import(args: argparse.Namespace) -> int:
    import json

    from legalaid.spreadsheets.importer import import_file, row_lines

    ctx = open_context(args)
    report = import_file(ctx, args.file, dry_run=args.dry_run, rejects_path=args.rejects)
    if args.json:
        print(json.dumps(report.as_json(), ensure_ascii=False, indent=2))
    else:
        if args.dry_run:
            print(_("Dry run: nothing was changed."))
        print(report.summary())
    for line in row_lines(report, SHOWN_PER_FATE):
        print(line, file=sys.stderr)
    if report.rejects_file:
        print(
            ngettext(
                "The rejected row is in %(path)s: fix it and import that file.",
                "The rejected rows are in %(path)s: fix them and import that file.",
                len(report.rejected),
            )
            % {"path": report.rejects_file},
            file=sys.stderr if args.json else sys.stdout,
        )
    if report.rejects_error is not None:
        print(report.rejects_error.message(), file=sys.stderr)
    return 0


SHOWN_PER_FATE = 50


def cmd_export(args: argparse.Namespace) -> int:
    from legalaid.i18n import current_language
    from legalaid.spreadsheets.exporter import export_file

    ctx = open_context(args)
    count = export_file(ctx, args.output, current_language())
    print(
        ngettext(
            "%(count)d person exported to %(path)s.",
            "%(count)d people exported to %(path)s.",
            count,
        )
        % {"count": count, "path": args.output}
    )
    return 0


def cmd_history(args: argparse.Namespace) -> int:
    from legalaid.services.audit import case_history
    from legalaid.services.cases import get_case

    ctx = open_context(args)
    detail = get_case(ctx, args.case)
    for entry in case_history(ctx, detail.case.id):
        changes = "; ".join(f"{k}: {v[0]!s} → {v[1]!s}" for k, v in entry.changes.items())
        print(
            f"{entry.at:%Y-%m-%d %H:%M} UTC  {entry.actor:<20} {entry.action:<10} "
            f"{entry.entity:<8} {changes}"
        )
    return 0
