"""``legalaid office ...``: this home's office identity, and the offices it trusts.

legalaid office init --name NAME --prefix P
legalaid office export-identity -o FILE      # public keys only, to give another office
legalaid office add FILE                     # another office's identity file
legalaid office fingerprint                  # this office's fingerprint, on the last line
legalaid office trust NAME --fingerprint FP  # refuses a fingerprint that does not match
legalaid office revoke NAME
legalaid office risk NAME --receive|--withhold  # risk data of shared cases to NAME, or not
legalaid office list [--json]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from legalaid.cli import Handler, open_context
from legalaid.errors import StorageError
from legalaid.i18n import N_, _

TOO_BIG = N_("%(path)s is too large to be an office identity file.")
LABELS = {
    "self": N_("this office"),
    "added": N_("added, fingerprint not compared"),
    "trusted": N_("trusted"),
    "revoked": N_("revoked"),
}


def register(sub: Any) -> dict[str, Handler]:
    office = sub.add_parser(
        "office",
        help=_("this office's identity and the offices it exchanges records with"),
        description=_(
            "This office's identity (name, case-number prefix and keys), and the other offices: "
            "add one from its identity file, compare its fingerprint with that office by phone "
            "or in person, then trust it. Exchange files from offices not trusted are refused."
        ),
    )
    actions = office.add_subparsers(dest="office_command", metavar=_("ACTION"), required=True)
    init = actions.add_parser(
        "init",
        help=_("create this office's identity and keys (once)"),
        description=_("Create this office's identity and keys, once per office folder."),
    )
    init.add_argument("--name", required=True, metavar=_("NAME"))
    init.add_argument("--prefix", required=True, metavar="P", help=_("case-number prefix"))
    export = actions.add_parser(
        "export-identity",
        help=_("write this office's identity file (public keys only)"),
        description=_(
            "Write this office's identity file, with public keys only, to give another office."
        ),
    )
    export.add_argument("-o", "--output", required=True, metavar=_("FILE"), type=Path)
    add = actions.add_parser(
        "add",
        help=_("add another office from its identity file"),
        description=_(
            "Add another office from its identity file. It is not trusted until its "
            "fingerprint is compared and typed with `office trust`."
        ),
    )
    add.add_argument("file", metavar=_("FILE"), type=Path)
    actions.add_parser(
        "fingerprint",
        help=_("show this office's fingerprint"),
        description=_(
            "Show this office's fingerprint, to read to another office before it trusts this one."
        ),
    )
    trust = actions.add_parser(
        "trust",
        help=_("trust an office after comparing its fingerprint"),
        description=_(
            "Trust an office after comparing its fingerprint with that office; a fingerprint "
            "that does not match is refused."
        ),
    )
    trust.add_argument("name", metavar=_("NAME"))
    trust.add_argument("--fingerprint", required=True, metavar=_("FINGERPRINT"))
    revoke = actions.add_parser(
        "revoke",
        help=_("stop trusting an office"),
        description=_("Stop trusting an office: its exchange files are refused from now on."),
    )
    revoke.add_argument("name", metavar=_("NAME"))
    risk = actions.add_parser(
        "risk",
        help=_("whether an office receives risk narratives and incidents"),
        description=_(
            "Mark a trusted office to receive the risk narratives and incidents of the cases "
            "shared with it (from its next exchange file on), or stop sending them. Only a "
            "trusted office can be marked; on the office server only a lawyer decides."
        ),
    )
    risk.add_argument("name", metavar=_("NAME"))
    choice = risk.add_mutually_exclusive_group(required=True)
    choice.add_argument(
        "--receive",
        dest="receive",
        action="store_true",
        help=_("risk narratives and incidents of shared cases travel to this office"),
    )
    choice.add_argument(
        "--withhold",
        dest="receive",
        action="store_false",
        help=_("they no longer travel to this office"),
    )
    listing = actions.add_parser(
        "list",
        help=_("list this office and the others"),
        description=_("List this office and the others, with their fingerprints and trust."),
    )
    listing.add_argument("--json", action="store_true", help=_("machine-readable output"))
    dups = sub.add_parser(
        "duplicates",
        help=_("possible duplicate people across households"),
        description=_(
            "List people in different households who may be the same person: the same "
            "A-number, or names that match (surnames in either order or only one, accents, "
            "common misspellings) with the same birth date or matching household members. "
            "Nothing is merged without a person: `duplicates merge KEEP OTHER` merges the "
            "household OTHER into KEEP (every record kept), `duplicates different A B` "
            "remembers that two households are different, `duplicates separate OTHER` undoes "
            "a merge. The decisions travel to the other offices."
        ),
    )
    dups.add_argument("--json", action="store_true", help=_("machine-readable output"))
    decide = dups.add_subparsers(dest="duplicates_command", metavar=_("ACTION"))
    merge = decide.add_parser(
        "merge",
        help=_("the same household: merge OTHER into KEEP"),
        description=_(
            "The same household registered twice: OTHER is merged into KEEP. Its people, "
            "hearings, risk assessments and papers move to KEEP; OTHER is kept, hidden, "
            "pointing to KEEP. Nothing is deleted."
        ),
    )
    merge.add_argument("keep", metavar=_("KEEP"), help=_("the case number to keep"))
    merge.add_argument("other", metavar=_("OTHER"), help=_("the case number merged into it"))
    different = decide.add_parser(
        "different",
        help=_("two households that are not the same: never propose them again"),
        description=_(
            "Remember that two households are different: they are not proposed again, here "
            "or at the offices that receive the decision."
        ),
    )
    different.add_argument("first", metavar="A", help=_("a case number"))
    different.add_argument("second", metavar="B", help=_("the other case number"))
    separate = decide.add_parser(
        "separate",
        help=_("undo a merge: OTHER is a household of its own again"),
        description=_(
            "Undo a merge: the records the merge moved go back to OTHER, which is shown again."
        ),
    )
    separate.add_argument("other", metavar=_("OTHER"), help=_("the case number merged before"))
    return {"office": cmd_office, "duplicates": cmd_duplicates}


REASONS = {
    "same_a_number": N_("same A-number"),
    "name_and_birth_date": N_("same name and birth date"),
    "name_and_household": N_("same name and household members"),
}


def cmd_duplicates(args: argparse.Namespace) -> int:
    from legalaid.anumber import format_anumber
    from legalaid.i18n import ngettext
    from legalaid.services.duplicates import possible_duplicates

    ctx = open_context(args)
    action = getattr(args, "duplicates_command", None)
    if action is not None:
        return _decide(ctx, args, action)
    pairs = possible_duplicates(ctx)
    if args.json:
        print(
            json.dumps(
                [
                    {
                        "reason": p.reason,
                        "people": [
                            {
                                "case_number": case,
                                "name": f"{who.given_names} {who.family_names}",
                                "birth_date": who.birth_date.isoformat()
                                if who.birth_date
                                else None,
                                "a_number": format_anumber(who.a_number) or None,
                            }
                            for case, who in ((p.first_case, p.first), (p.second_case, p.second))
                        ],
                    }
                    for p in pairs
                ],
                ensure_ascii=False,
                indent=2,
            )
        )
        return 0
    for p in pairs:
        print(
            f"{p.first_case:<18} {p.first.given_names} {p.first.family_names}  ↔  "
            f"{p.second_case:<18} {p.second.given_names} {p.second.family_names}  "
            f"({_(REASONS[p.reason])})"
        )
    print(
        ngettext("%(count)d possible duplicate", "%(count)d possible duplicates", len(pairs))
        % {"count": len(pairs)}
    )
    return 0


def _decide(ctx: Any, args: argparse.Namespace, action: str) -> int:
    from legalaid.i18n import ngettext
    from legalaid.services.duplicates import mark_different, merge_households, separate_households

    if action == "different":
        one, two, new = mark_different(ctx, args.first, args.second)
        words = (
            _("%(first)s and %(second)s are different households: they will not be proposed again.")
            if new
            else _("%(first)s and %(second)s were already marked as different households.")
        )
        result: dict[str, Any] = {"first": one, "second": two, "new": new}
        print(json.dumps(result) if args.json else words % result)
        return 0
    if action == "merge":
        done = merge_households(ctx, args.keep, args.other)
        headline = _("%(other)s merged into %(kept)s; nothing was deleted.")
        people = ngettext(
            "%(count)d person moved to %(kept)s.",
            "%(count)d people moved to %(kept)s.",
            done.people,
        )
        hearings = ngettext(
            "%(count)d hearing moved to %(kept)s.",
            "%(count)d hearings moved to %(kept)s.",
            done.hearings,
        )
    else:
        done = separate_households(ctx, args.other)
        headline = _("%(other)s is a household of its own again.")
        people = ngettext(
            "%(count)d person moved back from %(kept)s.",
            "%(count)d people moved back from %(kept)s.",
            done.people,
        )
        hearings = ngettext(
            "%(count)d hearing moved back from %(kept)s.",
            "%(count)d hearings moved back from %(kept)s.",
            done.hearings,
        )
    values = {
        "kept": done.kept,
        "other": done.other,
        "people": done.people,
        "hearings": done.hearings,
        "inactive": done.inactive,
    }
    if args.json:
        print(json.dumps(values, ensure_ascii=False))
        return 0
    print(headline % values)
    print(people % {"count": done.people, "kept": done.kept})
    print(hearings % {"count": done.hearings, "kept": done.kept})
    if action == "merge" and done.inactive:
        print(
            ngettext(
                "%(count)d person was already in %(kept)s: kept, marked inactive.",
                "%(count)d people were already in %(kept)s: kept, marked inactive.",
                done.inactive,
            )
            % {"count": done.inactive, "kept": done.kept}
        )
    return 0


def cmd_office(args: argparse.Namespace) -> int:
    handler = {
        "init": _init,
        "export-identity": _export,
        "add": _add,
        "fingerprint": _fingerprint,
        "trust": _trust,
        "revoke": _revoke,
        "risk": _risk,
        "list": _list,
    }[args.office_command]
    return handler(args)


def _init(args: argparse.Namespace) -> int:
    from legalaid.services.offices import init_office

    ctx = open_context(args)
    info, _changes = init_office(ctx, args.name, args.prefix)
    print(
        _("This folder is now the office %(name)s (prefix %(prefix)s).")
        % {"name": info.name, "prefix": info.prefix}
    )
    print(_("Fingerprint:"))
    print(info.fingerprint)
    return 0


def _export(args: argparse.Namespace) -> int:
    from legalaid.files import write_atomic
    from legalaid.services.offices import identity_file

    ctx = open_context(args)
    data = identity_file(ctx)
    try:
        write_atomic(args.output, data)
    except OSError as error:
        raise StorageError(
            N_("Could not write %(path)s: %(reason)s"),
            path=str(args.output),
            reason=error.strerror or str(error),
        ) from None
    print(_("Identity written to %(path)s (public keys only).") % {"path": args.output})
    return 0


def _add(args: argparse.Namespace) -> int:
    from legalaid.services.offices import add_office

    path: Path = args.file
    try:
        if path.stat().st_size > 64 * 1024:
            raise StorageError(TOO_BIG, path=str(path))
        data = path.read_bytes()
    except OSError as error:
        raise StorageError(
            N_("Could not read %(path)s: %(reason)s"),
            path=str(path),
            reason=error.strerror or str(error),
        ) from None
    ctx = open_context(args)
    info, new = add_office(ctx, data)
    if new:
        print(
            _(
                "Added %(name)s (prefix %(prefix)s). Before trusting it, call that office and "
                "compare this fingerprint with the one it reads from its screen:"
            )
            % {"name": info.name, "prefix": info.prefix}
        )
    else:
        print(_("%(name)s was already known; nothing changed.") % {"name": info.name})
    print(info.fingerprint)
    return 0


def _fingerprint(args: argparse.Namespace) -> int:
    from legalaid.services.offices import own_office

    ctx = open_context(args)
    info = own_office(ctx)
    print(_("Fingerprint of %(name)s (%(prefix)s):") % {"name": info.name, "prefix": info.prefix})
    print(info.fingerprint)
    return 0


def _trust(args: argparse.Namespace) -> int:
    from legalaid.services.offices import trust_office

    ctx = open_context(args)
    info = trust_office(ctx, args.name, args.fingerprint)
    print(_("%(name)s is trusted: its exchange files will be accepted.") % {"name": info.name})
    return 0


def _revoke(args: argparse.Namespace) -> int:
    from legalaid.services.offices import revoke_office

    ctx = open_context(args)
    info = revoke_office(ctx, args.name)
    print(
        _("%(name)s is no longer trusted: its exchange files will be refused.")
        % {"name": info.name}
    )
    return 0


def _risk(args: argparse.Namespace) -> int:
    from legalaid.services.offices import set_receives_risk

    ctx = open_context(args)
    info = set_receives_risk(ctx, args.name, args.receive)
    if info.receives_risk:
        print(
            _(
                "Risk narratives and incidents of the cases shared with %(name)s will travel "
                "to it, from its next exchange file on."
            )
            % {"name": info.name}
        )
    else:
        print(
            _(
                "Risk narratives and incidents no longer travel to %(name)s (what was sent "
                "before stays with it)."
            )
            % {"name": info.name}
        )
    return 0


def _list(args: argparse.Namespace) -> int:
    from legalaid.formatting import short_date
    from legalaid.services.offices import list_offices

    ctx = open_context(args)
    offices = list_offices(ctx)
    if args.json:
        print(
            json.dumps(
                [
                    {
                        "name": o.name,
                        "prefix": o.prefix,
                        "fingerprint": o.fingerprint,
                        "state": o.state,
                        "receives_risk": o.receives_risk,
                        "office_id": o.office_id,
                    }
                    for o in offices
                ],
                ensure_ascii=False,
                indent=2,
            )
        )
        return 0
    for o in offices:
        since = short_date(o.added_at.date())
        print(f"{o.prefix:<6} {o.name[:40]:<40} {o.fingerprint}  {_(LABELS[o.state])} ({since})")
        if o.receives_risk:
            print("       " + _("receives risk narratives and incidents"))
    if not offices:
        print(_("No office yet: `legalaid office init --name NAME --prefix P` creates this one."))
    return 0
