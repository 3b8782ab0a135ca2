"""What a person should know before a paper is printed: a report time already past, letters
with no phone of the organisation to call, characters the font cannot draw.

Each warning is a :class:`~legalaid.errors.Problem` (a msgid and its values), translated when
shown: the preview shows them and asks before printing; the command line writes them to stderr.
No reportlab here: the client checks a batch before its letters are laid out elsewhere.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from legalaid.context import AppContext
from legalaid.documents.facts import HearingFacts
from legalaid.errors import Problem
from legalaid.i18n import N_, _
from legalaid.models import utcnow

SHOWN_CASES = 5  # case numbers named in one warning; the rest are counted

PAST_REPORT = N_(
    "The report time at the crossing has already passed for %(cases)s: check the hearing's "
    "date and time before printing."
)
NO_PHONE = N_(
    "The organisation's phone and WhatsApp are not set: the letters will not say whom to "
    "call. Set them in Settings (or with: legalaid settings --set org_phone=NUMBER)."
)


def past_report(facts: Iterable[HearingFacts], now: datetime | None = None) -> list[Problem]:
    """One warning naming the cases whose report time is already past."""
    moment = now or utcnow()
    late = list(dict.fromkeys(f.case_number for f in facts if f.report_at <= moment))
    if not late:
        return []
    return [Problem(PAST_REPORT, None, {"cases": _cases(late)})]


def no_phone(ctx: AppContext) -> list[Problem]:
    """Letters say whom to call: warn when the organisation has neither phone nor WhatsApp."""
    org = ctx.settings.organisation
    if org.phone.strip() or org.whatsapp.strip():
        return []
    return [Problem(NO_PHONE, "org_phone")]


def letter_warnings(
    ctx: AppContext, facts: Iterable[HearingFacts], now: datetime | None = None
) -> list[Problem]:
    return no_phone(ctx) + past_report(facts, now)


def _cases(numbers: list[str]) -> str:
    shown = ", ".join(numbers[:SHOWN_CASES])
    if len(numbers) <= SHOWN_CASES:
        return shown
    more = len(numbers) - SHOWN_CASES
    return _("%(cases)s and %(count)d more") % {"cases": shown, "count": more}


def describe(warnings: Iterable[Problem]) -> list[str]:
    """Each warning in the current language."""
    return [w.message() for w in warnings]
