"""``legalaid edit CASE FIELD=VALUE...``: change a household's fields from the command line."""

from __future__ import annotations

import argparse
from typing import Any

from legalaid.cli import Handler, open_context
from legalaid.i18n import _


def register(sub: Any) -> dict[str, Handler]:
    from legalaid.services.case_edit import FIELDS

    edit = sub.add_parser(
        "edit",
        help=_("change a household's fields (FIELD=VALUE)"),
        description=_(
            "Change a household's fields, each written FIELD=VALUE, checked like the editor "
            "checks them and recorded in the history like any change. Fields: %(fields)s."
        )
        % {"fields": ", ".join(FIELDS)},
    )
    edit.add_argument("case", metavar=_("CASE_NUMBER"))
    edit.add_argument("changes", nargs="+", metavar="FIELD=VALUE")
    return {"edit": cmd_edit}


def cmd_edit(args: argparse.Namespace) -> int:
    from legalaid.services.case_edit import edit_case

    ctx = open_context(args)
    detail = edit_case(ctx, args.case, args.changes)
    print(_("Saved %(case)s.") % {"case": detail.case.case_number})
    return 0
