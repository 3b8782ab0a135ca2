"""Exchange commands: share, sync export|import, conflicts, resolve.

legalaid share CASE                              # the offices it is shared with
legalaid share CASE --with OFFICE [--transfer]
legalaid share CASE --stop OFFICE
legalaid sync export --to OFFICE -o FILE
legalaid sync import FILE
legalaid sync server postgresql://USER@HOST/DATABASE   (a laptop's home with the office server)
legalaid conflicts [--json]
legalaid resolve CONFLICT (--keep-first | --keep-second | --value TEXT)
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from legalaid.cli import Handler, open_context
from legalaid.i18n import N_, _, ngettext


def register(sub: Any) -> dict[str, Handler]:
    share = sub.add_parser(
        "share",
        help=_("share a case with another office"),
        description=_(
            "Share a case with a trusted office: its changes go in that office's next exchange "
            "files (risk narratives and incidents only to offices marked to receive them)."
        ),
    )
    share.add_argument("case", metavar=_("CASE_NUMBER"))
    how = share.add_mutually_exclusive_group()
    how.add_argument("--with", dest="office", metavar=_("OFFICE"), help=_("share it with OFFICE"))
    how.add_argument(
        "--stop",
        metavar=_("OFFICE"),
        help=_("stop sharing it with OFFICE: its future changes are no longer sent there"),
    )
    share.add_argument(
        "--transfer",
        action="store_true",
        help=_(
            "with --with: OFFICE takes the case and is recorded as responsible for it (this "
            "office keeps its copy)"
        ),
    )
    share.add_argument("--json", action="store_true", help=_("machine-readable output"))

    exchange = sub.add_parser(
        "sync",
        help=_("exchange files with other offices"),
        description=_(
            "Write an exchange file for an office (every change of the cases shared with it "
            "that it has not acknowledged yet), or import one received from an office."
        ),
    )
    actions = exchange.add_subparsers(dest="sync_command", metavar=_("ACTION"), required=True)
    out = actions.add_parser(
        "export",
        help=_("write an exchange file for an office"),
        description=_("Write an exchange file for an office, sealed so only it can read it."),
    )
    out.add_argument("--to", dest="office", required=True, metavar=_("OFFICE"))
    out.add_argument("-o", "--output", required=True, type=Path, metavar=_("FILE"))
    inp = actions.add_parser(
        "import",
        help=_("import an exchange file from an office"),
        description=_(
            "Import an exchange file from a trusted office and say what happened; importing "
            "the same file twice changes nothing."
        ),
    )
    inp.add_argument("file", type=Path, metavar=_("FILE"))
    peer = actions.add_parser(
        "server",
        help=_("sync this laptop's home with the office server, both ways"),
        description=_(
            "On the office network: bring this home (a laptop of the office) and the office "
            "server to the same changes, both ways, with the login of the address. On an "
            "empty home it makes the first copy of the office's data."
        ),
    )
    peer.add_argument("url", metavar=_("URL"), help=_("postgresql://USER@HOST/DATABASE"))

    conflicts = sub.add_parser(
        "conflicts",
        help=_("the open conflicts between offices"),
        description=_(
            "The open conflicts: a field changed at two offices without either seeing the "
            "other's change. Each shows the value before, both values, who and when."
        ),
    )
    conflicts.add_argument("--json", action="store_true", help=_("one JSON object per line"))

    resolve = sub.add_parser(
        "resolve",
        help=_("decide a conflict"),
        description=_(
            "Decide a conflict: keep one of the two values or write another. The decision "
            "travels to the other offices and closes the conflict there too."
        ),
    )
    resolve.add_argument("conflict", metavar=_("CONFLICT"))
    choice = resolve.add_mutually_exclusive_group(required=True)
    choice.add_argument(
        "--keep", type=int, metavar="N", help=_("keep value number N, as `conflicts` lists them")
    )
    choice.add_argument("--value", metavar=_("TEXT"), help=_("write this value instead"))
    return {
        "share": cmd_share,
        "sync": cmd_sync,
        "conflicts": cmd_conflicts,
        "resolve": cmd_resolve,
    }


def cmd_share(args: argparse.Namespace) -> int:
    from legalaid.errors import ValidationError
    from legalaid.services import sharing

    if args.transfer and not args.office:
        raise ValidationError(N_("--transfer needs --with OFFICE: the office that takes the case."))
    ctx = open_context(args)
    if args.stop:
        done = sharing.stop_sharing(ctx, args.case, args.stop)
        print(
            _(
                "%(case)s is no longer shared with %(office)s: its future changes will not be "
                "sent there. What was sent before stays with that office."
            )
            % {"case": done.case_number, "office": done.office}
        )
        return 0
    if args.office and args.transfer:
        done = sharing.transfer_case(ctx, args.case, args.office)
        print(
            _(
                "%(case)s is transferred to %(office)s: shared with it, and recorded as its "
                "responsibility in the next exchange file. This office keeps its copy."
            )
            % {"case": done.case_number, "office": done.office}
        )
        return 0
    if args.office:
        done = sharing.share_case(ctx, args.case, args.office)
        print(
            _("%(case)s is shared with %(office)s.")
            % {"case": done.case_number, "office": done.office}
        )
        return 0
    _list_shares(sharing.case_sharing(ctx, args.case), args.json)
    return 0


def _list_shares(found: Any, as_json: bool) -> None:
    from legalaid.formatting import short_date

    if as_json:
        print(json.dumps(found.as_json(), ensure_ascii=False, indent=2))
        return
    if found.responsible_office:
        print(
            _("%(case)s was transferred to %(office)s on %(date)s.")
            % {
                "case": found.case_number,
                "office": found.responsible_office,
                "date": short_date(found.transferred_at.date()) if found.transferred_at else "—",
            }
        )
    for share in found.shares:
        print(share.office)
        print(
            "  "
            + _("shared since %(date)s by %(who)s")
            % {"date": short_date(share.shared_at.date()), "who": share.shared_by or "—"}
        )
        if share.last_sent is None:
            sent = _("nothing sent yet")
        elif share.last_sent_read:
            sent = _("last sent %(date)s, read by them") % {
                "date": short_date(share.last_sent.date())
            }
        else:
            sent = _("last sent %(date)s, not confirmed yet") % {
                "date": short_date(share.last_sent.date())
            }
        print("  " + sent)
        print(
            "  "
            + ngettext(
                "%(count)d change waiting to be sent",
                "%(count)d changes waiting to be sent",
                share.waiting,
            )
            % {"count": share.waiting}
        )
        print(
            "  "
            + (
                _("risk narratives and incidents travel to this office")
                if share.receives_risk
                else _("risk narratives and incidents do not travel to this office")
            )
        )
    if not found.shares:
        print(_("%(case)s is not shared with any office.") % {"case": found.case_number})


def cmd_sync(args: argparse.Namespace) -> int:
    from legalaid.exchange.sync import export_for, import_file

    if args.sync_command == "server":
        return _sync_server(args)
    ctx = open_context(args)
    if args.sync_command == "export":
        done = export_for(ctx, args.office, args.output)
        print(
            ngettext(
                "%(count)d change of %(cases)d shared case written for %(office)s to %(path)s.",
                "%(count)d changes of %(cases)d shared cases written for %(office)s to %(path)s.",
                done.changes,
            )
            % {
                "count": done.changes,
                "cases": done.cases,
                "office": done.office,
                "path": done.path,
            }
        )
        return 0
    summary = import_file(ctx, args.file)
    if summary.already:
        print(_("This file was imported before; nothing changed."))
        return 0
    counts = summary.as_json()
    print(
        _(
            "From %(office)s: %(updated)d households updated, %(new)d new, %(conflicts)d "
            "conflicts, %(decisions)d decisions received (%(changes)d changes)."
        )
        % counts
    )
    if summary.conflicts:
        print(_("`legalaid conflicts` shows the conflicts; a person decides each one."))
    if summary.duplicates:
        print(duplicates_line(len(summary.duplicates)))
    return 0


def duplicates_line(count: int) -> str:
    """What an import says of the possible duplicates it found."""
    return ngettext(
        "%(count)d possible duplicate: a household of this file may be one already here. "
        "`legalaid duplicates` shows both; a person decides.",
        "%(count)d possible duplicates: households of this file may be ones already here. "
        "`legalaid duplicates` shows both of each pair; a person decides.",
        count,
    ) % {"count": count}


def _sync_server(args: argparse.Namespace) -> int:
    from legalaid.errors import ValidationError
    from legalaid.exchange.peer import sync_with_server
    from legalaid.server.connect import describe
    from legalaid.server.context import open_server

    if getattr(args, "server", None):
        raise ValidationError(
            N_(
                "`sync server` runs on the laptop's own home: leave out --server and give the "
                "server's address after the command."
            )
        )
    laptop = open_context(args)
    server = open_server(args.url, args.home)
    try:
        done = sync_with_server(laptop, server, describe(args.url))
    finally:
        server.close()
    if done.first:
        print(_("This home is now a copy of %(office)s.") % {"office": done.office})
    print(
        _(
            "Synced with the office server %(server)s: %(pulled)d changes received, %(pushed)d "
            "sent, %(conflicts)d new conflicts."
        )
        % {
            "server": describe(args.url),
            "pulled": done.pulled.changes,
            "pushed": done.pushed.changes,
            "conflicts": done.pulled.conflicts + done.pushed.conflicts,
        }
    )
    if done.pulled.conflicts or done.pushed.conflicts:
        print(_("`legalaid conflicts` shows the conflicts; a person decides each one."))
    print(
        _(
            "This laptop numbers its new cases %(example)s and on: its own series, given by "
            "the server."
        )
        % {"example": done.series.example()}
    )
    return 0


def cmd_conflicts(args: argparse.Namespace) -> int:
    from legalaid.exchange.sync import open_conflicts

    ctx = open_context(args)
    found = open_conflicts(ctx)
    if args.json:
        for conflict in found:
            print(json.dumps(conflict.as_json(), ensure_ascii=False))
        return 0
    for c in found:
        print(
            _("%(id)s  case %(case)s, %(field)s (before: %(before)s):")
            % {
                "id": c.id[:8],
                "case": c.case_number or "—",
                "field": c.field,
                "before": json.dumps(c.base_value, ensure_ascii=False),
            }
        )
        for number, side in enumerate(c.sides, 1):
            line = (
                _("  %(number)d. %(value)s — %(by)s, %(office)s (shown meanwhile)")
                if side["value"] == c.provisional
                else _("  %(number)d. %(value)s — %(by)s, %(office)s")
            )
            print(
                line
                % {
                    "number": number,
                    "value": json.dumps(side["value"], ensure_ascii=False),
                    "by": side["by"] or "—",
                    "office": side.get("office") or "—",
                }
            )
    print(
        ngettext("%(count)d open conflict", "%(count)d open conflicts", len(found))
        % {"count": len(found)}
    )
    return 0


def cmd_resolve(args: argparse.Namespace) -> int:
    from legalaid.exchange.sync import resolve

    ctx = open_context(args)
    value = resolve(ctx, args.conflict, keep=args.keep, value=args.value)
    print(
        _("Decided: %(value)s. The decision goes to the other offices with the next exchange.")
        % {"value": json.dumps(value, ensure_ascii=False)}
    )
    return 0
