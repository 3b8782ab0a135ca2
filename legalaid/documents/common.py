"""Shared pieces: the letterhead, the place-and-date line, the time
phrases every paper uses ("4:00 a. m." with "04:00 h" and "de madrugada" before dawn).
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

from reportlab.lib.units import inch
from reportlab.platypus import Flowable, Image, Paragraph, Table

from legalaid.context import AppContext
from legalaid.documents.facts import HearingFacts
from legalaid.documents.pdf import (
    RULE,
    STYLES,
    Markup,
    Meta,
    bilingual,
    bold,
    esc,
    fmt,
    keep,
    table_style,
)
from legalaid.formatting import clock, clock_24h, local_time, long_date, medium_date, zone_name
from legalaid.i18n import N_, _, current_language
from legalaid.models import Crossing
from legalaid.settings import Organisation

COURT_HOTLINE = "1-800-898-7180"
PREDAWN_BEFORE = 6  # report times before 06:00 local get "de madrugada / before dawn"


def crossing_name(crossing: Crossing) -> str:
    """The crossing's name in the current language."""
    return crossing.name_es if current_language() == "es" else crossing.name_en


def return_line(f: HearingFacts) -> str:
    """'Crossing of return: Calexico (Mexicali, B.C.)' when the household reports at another
    crossing than the one it returns through; empty otherwise."""
    if not f.returns_elsewhere:
        return ""
    x = f.crossing
    return _("Crossing of return: %(crossing)s (%(city)s)") % {
        "crossing": crossing_name(x),
        "city": x.mx_city,
    }


def has_anumber(f: HearingFacts) -> bool:
    """Whether anyone on the hearing has an A-number (the court's line asks for one)."""
    return any(m.a_number for m in f.members)


def org_of(ctx: AppContext) -> Organisation:
    return ctx.settings.organisation


def org_name(ctx: AppContext) -> str:
    return org_of(ctx).name.strip() or "LegalAid"


def contact_line(org: Organisation, *, plain: bool = False) -> str:
    """'Tel. 664 123 4567 · WhatsApp 664 765 4321' ("Tel." reads the same in both languages);
    ``plain`` keeps ordinary spaces (text messages), otherwise a number never splits."""
    glue = (lambda text: text) if plain else keep
    parts = []
    if org.phone.strip():
        parts.append(_("Tel. %(phone)s") % {"phone": glue(org.phone.strip())})
    if org.whatsapp.strip():
        parts.append(_("WhatsApp %(number)s") % {"number": glue(org.whatsapp.strip())})
    return " · ".join(parts)


def letterhead(ctx: AppContext, right: list[Flowable], width: float) -> Table:
    """Organisation name, address, phone and WhatsApp (and logo), with ``right`` beside it."""
    org = org_of(ctx)
    lines: list[Flowable] = [Paragraph(bold(org_name(ctx)), STYLES["big"])]
    if org.address.strip():
        lines.append(Paragraph(esc(org.address.strip()), STYLES["small"]))
    contact = contact_line(org)
    if contact:
        lines.append(Paragraph(esc(contact), STYLES["small"]))
    logo = _logo(org.logo)
    cells: list[Any] = [logo, lines, right] if logo else [lines, right]
    widths = (
        [0.9 * inch, width * 0.62 - 0.9 * inch, width * 0.38]
        if logo
        else [width * 0.62, width * 0.38]
    )
    table = Table([cells], colWidths=widths, splitInRow=1)  # a huge address still flows
    table.setStyle(
        table_style(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 4),
                ("LINEBELOW", (0, 0), (-1, -1), 0.8, RULE),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
            ]
        )
    )
    return table


def _logo(path: str) -> Image | None:
    """The organisation's logo, 0.8 in high; an unreadable file is left out, not an error."""
    if not path.strip() or not Path(path).is_file():
        return None
    try:
        image = Image(path)
        ratio = image.imageWidth / max(1, image.imageHeight)
        height = 0.8 * inch
        image.drawHeight, image.drawWidth = height, min(0.85 * inch, height * ratio)
        return image
    except Exception:
        return None


def doc_meta(ctx: AppContext, title: str, subject: str, deterministic: bool) -> Meta:
    """PDF metadata: title, subject (both languages), the organisation as author, paper size."""
    return Meta(
        title, bilingual(subject, " / "), org_name(ctx), ctx.settings.paper_size, deterministic
    )


def place_and_date(city: str, day: date) -> str:
    """'Tijuana, B.C., 28 de mayo de 2024' / 'Tijuana, B.C., May 28, 2024'."""
    if not city.strip():
        return medium_date(day)
    return _("%(place)s, %(date)s") % {"place": city.strip(), "date": medium_date(day)}


def is_predawn(instant: datetime, zone: str) -> bool:
    return local_time(instant, zone).hour < PREDAWN_BEFORE


def day_part(instant: datetime, zone: str) -> str:
    """'de madrugada' / 'early morning, before dawn' and so on, so a.m. and p.m. cannot mix."""
    hour = local_time(instant, zone).hour
    if hour < PREDAWN_BEFORE:
        return _("early morning, before dawn")
    if hour < 12:
        return _("in the morning")
    if hour < 19:
        return _("in the afternoon")
    return _("at night")


def clock24(instant: datetime, zone: str) -> str:
    """'04:00 h' in Spanish (RAE), '04:00' in English."""
    text = clock_24h(instant, zone)
    return text if current_language() == "es" else text.removesuffix(" h")


def day_and_clock(instant: datetime, zone: str) -> Markup:
    """'martes, 28 de mayo de 2024, 8:00 a. m. (hora de verano del Pacífico)' in bold parts."""
    return fmt(
        _("%(date)s at %(time)s (%(zone)s)"),
        date=long_date(local_time(instant, zone).date()),
        time=bold(keep(clock(instant, zone))),
        zone=zone_name(instant, zone),
    )


def verification_line(verified_at: datetime | None, verified_by: str, zone: str) -> str:
    if verified_at is None:
        return _("Not yet verified with the court.")
    day = medium_date(local_time(verified_at, zone).date())
    if verified_by.strip():
        return _("Verified on %(date)s by %(name)s.") % {"date": day, "name": verified_by}
    return _("Verified on %(date)s.") % {"date": day}


def small_note(text: str) -> Paragraph:
    return Paragraph(esc(text), STYLES["tiny"])


KIND_TITLES = {
    "reminder": N_("Hearing reminder"),
    "risk_note": N_("Risk note"),
    "wallet_cards": N_("Hearing cards"),
    "crossing_list": N_("Crossing list"),
}
