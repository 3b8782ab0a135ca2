"""The reminder as a short plain text for WhatsApp or SMS, from the same facts as the letter."""

from __future__ import annotations

from legalaid.context import AppContext
from legalaid.documents.common import COURT_HOTLINE, clock24, contact_line, day_part, org_name
from legalaid.documents.facts import HearingFacts, load_hearings
from legalaid.errors import ValidationError
from legalaid.formatting import clock, local_time, long_date, zone_name
from legalaid.i18n import LANGUAGES, N_, _, current_language, ngettext, using_language


def message_text(ctx: AppContext, hearing_id: str, lang: str) -> str:
    """A few short lines in ``lang`` ("es" or "en"): who, when, where to report, how to check."""
    if lang not in LANGUAGES:
        raise ValidationError(
            N_("The message language is “es” or “en”, not “%(lang)s”."), "lang", lang=lang[:10]
        )
    [facts] = load_hearings(ctx, [hearing_id])
    with using_language(lang):
        text = "\n".join(line for line in _lines(ctx, facts) if line)
    return text.replace("\u00a0", " ")


def _who(f: HearingFacts) -> str:
    if not f.members:
        return f.case_number
    others = len(f.members) - 1
    if not others:
        return f.members[0].name
    return ngettext(
        "%(name)s and %(count)d more person", "%(name)s and %(count)d more people", others
    ) % {"name": f.members[0].name, "count": others}


def _lines(ctx: AppContext, f: HearingFacts) -> list[str]:
    x, zone = f.crossing, f.crossing.zone
    spanish = current_language() == "es"
    court = f.court.name_es if spanish else f.court.name_en
    point = x.reporting_point_es if spanish else x.reporting_point_en
    place = f"{x.us_city} ({point})" if point.strip() else x.us_city
    contact = contact_line(ctx.settings.organisation, plain=True)
    return [
        _("%(org)s: hearing reminder for %(who)s.") % {"org": org_name(ctx), "who": _who(f)},
        _("Hearing: %(date)s, %(time)s (%(zone)s), %(court)s.")
        % {
            "date": long_date(local_time(f.starts_at, f.zone).date()),
            "time": clock(f.starts_at, f.zone),
            "zone": zone_name(f.starts_at, f.zone),
            "court": court,
        },
        _("Report at %(place)s on %(date)s at %(time)s (%(clock24)s, %(part)s).")
        % {
            "place": place,
            "date": long_date(local_time(f.report_at, zone).date()),
            "time": clock(f.report_at, zone),
            "clock24": clock24(f.report_at, zone),
            "part": day_part(f.report_at, zone),
        },
        _("If you arrive late you may be turned away."),
        _("Check your date: %(phone)s") % {"phone": COURT_HOTLINE},
        (_("Case %(case)s. %(contact)s") % {"case": f.case_number, "contact": contact}).strip(),
    ]
