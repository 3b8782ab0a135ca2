"""The reminder as a short plain text for WhatsApp or SMS, from the same facts as the letter.

The report time comes first (where to stand, the day, "a las" the time with its zone), then
the hearing: a person reading only the first lines still goes at the right hour.
"""

from __future__ import annotations

from legalaid.context import AppContext
from legalaid.documents.common import (
    COURT_HOTLINE,
    clock24,
    contact_line,
    crossing_name,
    day_part,
    has_anumber,
    org_name,
    return_line,
)
from legalaid.documents.facts import HearingFacts, load_hearings
from legalaid.documents.model import Document
from legalaid.documents.warnings import past_report
from legalaid.errors import ValidationError
from legalaid.formatting import clock, local_time, long_date, zone_name
from legalaid.i18n import LANGUAGES, N_, _, current_language, ngettext, using_language

TITLE = N_("Hearing message")


def message_text(ctx: AppContext, hearing_id: str, lang: str) -> str:
    """A few short lines in ``lang`` ("es" or "en"): where and when to report, the hearing,
    how to check the date."""
    return message_document(ctx, hearing_id, lang).text


class MessageDocument(Document):
    """The message as a loggable paper: ``text`` is what was copied or shown."""

    text: str = ""


def message_document(ctx: AppContext, hearing_id: str, lang: str) -> MessageDocument:
    """The message text with what the document log keeps about it (the facts it states)."""
    if lang not in LANGUAGES:
        raise ValidationError(
            N_("The message language is “es” or “en”, not “%(lang)s”."), "lang", lang=lang[:10]
        )
    [facts] = load_hearings(ctx, [hearing_id])
    return message_for(ctx, facts, lang)


def message_for(ctx: AppContext, facts: HearingFacts, lang: str) -> MessageDocument:
    with using_language(lang):
        text = "\n".join(line for line in message_lines(ctx, facts) if line)
        title = _("Message (%(language)s) — %(case)s") % {
            "language": _("Spanish") if lang == "es" else _("English"),
            "case": facts.case_number,
        }
    text = text.replace("\u00a0", " ")
    data = text.encode("utf-8")
    document = MessageDocument(
        "message",
        facts.case_id,
        [facts.hearing_id],
        data,
        title,
        {facts.hearing_id: facts.printed()},
        {"lang": lang},
        warnings=past_report([facts]),
    )
    document.text = text
    return document


def _who(f: HearingFacts) -> str:
    if not f.members:
        return f.case_number
    others = len(f.members) - 1
    if not others:
        return f.members[0].name
    return ngettext(
        "%(name)s and %(count)d more person", "%(name)s and %(count)d more people", others
    ) % {"name": f.members[0].name, "count": others}


def message_lines(ctx: AppContext, f: HearingFacts) -> list[str]:
    x, zone = f.report_crossing, f.report_crossing.zone
    spanish = current_language() == "es"
    court = f.court.name_es if spanish else f.court.name_en
    point = x.reporting_point_es if spanish else x.reporting_point_en
    port = x.us_city or crossing_name(x)
    place = f"{port} ({point})" if point.strip() else port
    contact = contact_line(ctx.settings.organisation, plain=True)
    if has_anumber(f):
        check = _("Check your date: call %(phone)s and enter your nine-digit A-number.") % {
            "phone": COURT_HOTLINE
        }
    else:
        check = _("To check your date, ask %(org)s.") % {"org": org_name(ctx)}
    return [
        _("%(org)s: hearing reminder for %(who)s.") % {"org": org_name(ctx), "who": _who(f)},
        _("Report at %(place)s on %(date)s at %(time)s, %(zone)s (%(clock24)s, %(part)s).")
        % {
            "place": place,
            "date": long_date(local_time(f.report_at, zone).date()),
            "time": clock(f.report_at, zone),
            "zone": zone_name(f.report_at, zone),
            "clock24": clock24(f.report_at, zone),
            "part": day_part(f.report_at, zone),
        },
        return_line(f),
        _("If you arrive late you may be turned away."),
        _("Hearing: %(date)s at %(time)s, %(zone)s, %(court)s.")
        % {
            "date": long_date(local_time(f.starts_at, f.zone).date()),
            "time": clock(f.starts_at, f.zone),
            "zone": zone_name(f.starts_at, f.zone),
            "court": court,
        },
        check,
        (_("Case %(case)s. %(contact)s") % {"case": f.case_number, "contact": contact}).strip(),
    ]
