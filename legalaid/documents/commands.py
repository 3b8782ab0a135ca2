"""Command-line commands for the papers: reminders, risk-note, cards, crossing-list, message,
and ``documents`` (a case's document log).

Each writes its PDF atomically, records it in the document log and says what it wrote; what
the person should know before printing (a report time already past, no phone of the
organisation on the letters, a name the font cannot print) goes to stderr first. Bad input
(an unknown case, an empty range, a folder that cannot be written) is one translated line on
stderr with exit status 1; cli.main turns the typed errors into that line.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from legalaid.cli import Handler, open_context
from legalaid.errors import Problem
from legalaid.i18n import _, ngettext

LANG_CHOICES = ("es", "en")


def register(sub: Any) -> dict[str, Handler]:
    reminders = sub.add_parser(
        "reminders",
        help=_("print hearing reminders for a date range"),
        description=_(
            "Write the bilingual reminder letters of every scheduled hearing from one day to "
            "another (court dates, both included) into one PDF, or one PDF per household."
        ),
    )
    reminders.add_argument("--from", dest="start", type=day_arg, required=True, metavar=_("DATE"))
    reminders.add_argument("--to", dest="end", type=day_arg, required=True, metavar=_("DATE"))
    reminders.add_argument("--crossing", metavar=_("CODE"))
    reminders.add_argument("--layout", choices=["columns", "stacked"], default="columns")
    reminders.add_argument(
        "--per-household",
        action="store_true",
        help=_("one PDF per household; the output is then a folder"),
    )
    _output(reminders)

    risk = sub.add_parser(
        "risk-note",
        help=_("print the confidential risk note of a case"),
        description=_("Write the confidential risk note of a case's newest risk assessment."),
    )
    risk.add_argument("case", metavar=_("CASE_NUMBER"))
    _output(risk)

    cards = sub.add_parser(
        "cards",
        help=_("print wallet cards for a case's next hearing"),
        description=_(
            "Write one folded wallet card per person for the case's next scheduled hearing."
        ),
    )
    cards.add_argument("case", metavar=_("CASE_NUMBER"))
    _output(cards)

    daily = sub.add_parser(
        "crossing-list",
        help=_("print who reports at each crossing on a day"),
        description=_(
            "Write the list of everyone who reports at each crossing on a day, by report "
            "time, with a box to tick (a crossing's list includes the households of the "
            "crossings that report there)."
        ),
    )
    daily.add_argument("--date", dest="day", type=day_arg, required=True, metavar=_("DATE"))
    daily.add_argument("--crossing", metavar=_("CODE"))
    _output(daily)

    message = sub.add_parser(
        "message",
        help=_("show the reminder as a WhatsApp or SMS text"),
        description=_(
            "Show the reminder of the case's next hearing as a short text to send by "
            "WhatsApp or SMS (Spanish, then English), and record it in the document log."
        ),
    )
    message.add_argument("case", metavar=_("CASE_NUMBER"))
    message.add_argument(
        "--lang", dest="message_lang", choices=LANG_CHOICES, help=_("only this language")
    )

    documents = sub.add_parser(
        "documents",
        help=_("list the papers printed or saved for a case"),
        description=_(
            "List every paper recorded for a case, newest first: when, what, by whom, "
            "whether it was saved (and where), printed, copied or shown, and whether what "
            "it says is still the hearing's date, time and place."
        ),
    )
    documents.add_argument("case", metavar=_("CASE_NUMBER"))
    documents.add_argument("--json", action="store_true", help=_("machine-readable output"))
    return {
        "reminders": cmd_reminders,
        "risk-note": cmd_risk_note,
        "cards": cmd_cards,
        "crossing-list": cmd_crossing_list,
        "message": cmd_message,
        "documents": cmd_documents,
    }


def warn(warnings: list[Problem]) -> None:
    """What the person should know before printing, one line each on stderr."""
    for warning in warnings:
        print(_("legalaid: warning: %(message)s") % {"message": warning.message()}, file=sys.stderr)


def _output(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("-o", "--output", required=True, type=Path, metavar=_("FILE"))


FIRST_DAY, LAST_DAY = date(1900, 1, 1), date(2199, 12, 31)


def day_arg(text: str) -> date:
    try:
        day = date.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(
            _("“%(text)s” is not a date: write it as YYYY-MM-DD, for example 2026-05-28")
            % {"text": text[:20]}
        ) from None
    if not FIRST_DAY <= day <= LAST_DAY:
        raise argparse.ArgumentTypeError(
            _("“%(text)s” is out of range: give a date from 1900 to 2199") % {"text": text[:20]}
        )
    return day


def progress_bar(what: str) -> Callable[[int, int], None]:
    """A bar on stderr: [#########---------] 450/1000 letters."""

    def show(done: int, total: int) -> None:
        width = 30
        filled = width * done // max(total, 1)
        bar = "#" * filled + "-" * (width - filled)
        end = "\n" if done >= total else ""
        print(f"\r[{bar}] {done}/{total} {what}", end=end, file=sys.stderr, flush=True)

    return show


def cmd_reminders(args: argparse.Namespace) -> int:
    from legalaid.documents.batch import reminders_batch

    ctx = open_context(args)
    started = time.perf_counter()
    progress = progress_bar(_("letters")) if sys.stderr.isatty() else None
    result = reminders_batch(
        ctx,
        start=args.start,
        end=args.end,
        crossing=args.crossing,
        out=args.output,
        per_household=args.per_household,
        layout=args.layout,
        progress=progress,
        warn=warn,
    )
    seconds = time.perf_counter() - started
    where = args.output if args.per_household else result.paths[0]
    text = ngettext(
        "Wrote %(count)d letter in %(seconds).1f s: %(path)s",
        "Wrote %(count)d letters in %(seconds).1f s: %(path)s",
        result.count,
    )
    print(text % {"count": result.count, "seconds": seconds, "path": where})
    return 0


def _save(args: argparse.Namespace, build: Callable[[Any], Any]) -> int:
    """Build one document, write it atomically to -o, log it, say where it went."""
    from legalaid.documents.files import check_file, write_atomic
    from legalaid.documents.log import log_document

    ctx = open_context(args)
    path: Path = args.output
    check_file(path)
    doc = build(ctx)
    warn(doc.warnings)
    write_atomic(path, doc.pdf)
    log_document(ctx, doc, path=path)
    print(_("Wrote %(title)s: %(path)s") % {"title": doc.title, "path": path})
    return 0


def cmd_risk_note(args: argparse.Namespace) -> int:
    from legalaid.documents.risk import risk_note

    return _save(args, lambda ctx: risk_note(ctx, args.case))


def cmd_cards(args: argparse.Namespace) -> int:
    from legalaid.documents.cards import wallet_cards

    return _save(args, lambda ctx: wallet_cards(ctx, args.case))


def cmd_crossing_list(args: argparse.Namespace) -> int:
    from legalaid.documents.daily_list import crossing_list

    return _save(args, lambda ctx: crossing_list(ctx, args.day, args.crossing))


def cmd_message(args: argparse.Namespace) -> int:
    from legalaid.documents.facts import next_hearing_id
    from legalaid.documents.log import log_document
    from legalaid.documents.message import message_document

    ctx = open_context(args)
    hearing_id = next_hearing_id(ctx, args.case)
    languages = [args.message_lang] if args.message_lang else list(LANG_CHOICES)
    messages = [message_document(ctx, hearing_id, lang) for lang in languages]
    warn(messages[0].warnings)
    print("\n\n".join(m.text for m in messages))
    for message in messages:
        log_document(ctx, message, action="shown")
    return 0


def cmd_documents(args: argparse.Namespace) -> int:
    from legalaid.documents.log import document_rows

    ctx = open_context(args)
    rows = document_rows(ctx, args.case)
    if args.json:
        print(json.dumps([r.as_json() for r in rows], ensure_ascii=False, indent=2))
        return 0
    for r in rows:
        print(r.line())
    print(ngettext("%(count)d paper", "%(count)d papers", len(rows)) % {"count": len(rows)})
    return 0
