"""Wallet cards: one card per person for the case's next hearing, Spanish on the left half and
English on the right half of a strip that is cut out at the corner marks and folded in the
middle, so each card reads Spanish on one side and English on the other. Credit-card size
(3.375 × 2.125 in); text that would not fit is set smaller, and if it still does not fit the
card grows taller: nothing is cut off.
"""

from __future__ import annotations

from reportlab.lib import colors
from reportlab.lib.units import inch
from reportlab.platypus import Flowable, Paragraph, Spacer

from legalaid.anumber import format_anumber
from legalaid.context import AppContext
from legalaid.documents.common import (
    COURT_HOTLINE,
    clock24,
    contact_line,
    day_part,
    doc_meta,
    org_name,
    return_line,
)
from legalaid.documents.facts import HearingFacts, Member, load_hearings, next_hearing_id
from legalaid.documents.model import Document
from legalaid.documents.pdf import (
    INK,
    RULE,
    STYLES,
    Decor,
    GroupStart,
    bilingual,
    bold,
    both,
    build_pdf,
    esc,
    fmt,
    keep,
)
from legalaid.documents.script import glyph_warnings, visual
from legalaid.documents.warnings import past_report
from legalaid.errors import ValidationError
from legalaid.formatting import clock, local_time, long_date, zone_name
from legalaid.i18n import N_, _, current_language

TITLE = N_("Hearing cards")
CARD_W, CARD_H = 3.375 * inch, 2.125 * inch
PAD = 7
SCALES = (1.0, 0.92, 0.85, 0.78, 0.72, 0.66)
MARK = 9  # length of a cut mark, points


def wallet_cards(
    ctx: AppContext, case_id_or_number: str, *, deterministic: bool = False
) -> Document:
    """One folded card per person on the case's next scheduled hearing."""
    [facts] = load_hearings(ctx, [next_hearing_id(ctx, case_id_or_number)])
    if not facts.members:
        raise ValidationError(N_("Nobody is listed on this hearing."), "hearing")
    title = f"{bilingual(TITLE, ' / ')} — {facts.case_number}"
    story: list[Flowable] = [
        GroupStart(facts.hearing_id, f"{title} · {org_name(ctx)}"),
        Paragraph(bold(title), STYLES["big"]),
        Paragraph(esc(bilingual(INSTRUCTIONS, "\n")), STYLES["small"]),
        Spacer(1, 8),
    ]
    for member in facts.members:
        sides = both(lambda m=member: _card_text(ctx, facts, m))  # type: ignore[misc]
        story += [CardStrip(*sides), Spacer(1, 13)]
    pdf = build_pdf(story, doc_meta(ctx, title, TITLE, deterministic), Decor())
    return Document(
        "wallet_cards",
        facts.case_id,
        [facts.hearing_id],
        pdf,
        title,
        {facts.hearing_id: facts.printed()},
        warnings=past_report([facts]) + glyph_warnings(m.name for m in facts.members),
    )


INSTRUCTIONS = N_(
    "Cut each strip out at the corner marks and fold it on the dotted line: "
    "Spanish on one side, English on the other."
)


def _card_text(ctx: AppContext, f: HearingFacts, member: Member) -> list[Flowable]:
    spanish = current_language() == "es"
    x, zone = f.report_crossing, f.report_crossing.zone
    court = f.court.name_es if spanish else f.court.name_en
    point = x.reporting_point_es if spanish else x.reporting_point_en
    place = x.us_city if not point.strip() else f"{x.us_city} · {point}"
    lines: list[Flowable] = [
        Paragraph(esc(_("HEARING CARD")), STYLES["card_kicker"]),
        Paragraph(bold(visual(member.name)), STYLES["card_name"]),
        Paragraph(
            fmt(
                _("A-number: %(number)s"), number=bold(keep(format_anumber(member.a_number)) or "—")
            ),
            STYLES["card"],
        ),
        Paragraph(
            fmt(
                _("Hearing: %(date)s, %(time)s (%(zone)s)"),
                date=long_date(local_time(f.starts_at, f.zone).date()),
                time=bold(keep(clock(f.starts_at, f.zone))),
                zone=zone_name(f.starts_at, f.zone),
            ),
            STYLES["card"],
        ),
        Paragraph(esc(court), STYLES["card"]),
        Paragraph(esc(_("Report at:")), STYLES["card"]),
        Paragraph(bold(place), STYLES["card_name"]),
    ]
    returning = return_line(f)
    if returning:
        lines.append(Paragraph(esc(returning), STYLES["tiny"]))
    if local_time(f.report_at, zone).date() != local_time(f.starts_at, f.zone).date():
        lines.append(
            Paragraph(bold(long_date(local_time(f.report_at, zone).date())), STYLES["card"])
        )
    when = _("%(clock)s · %(clock24)s · %(part)s") % {
        "clock": keep(clock(f.report_at, zone)),
        "clock24": keep(clock24(f.report_at, zone)),
        "part": day_part(f.report_at, zone),
    }
    if member.a_number:
        check = fmt(_("Check your date: %(phone)s"), phone=bold(COURT_HOTLINE))
    else:  # the court's line asks for the A-number this person does not have on file
        check = fmt(_("To check your date, ask %(org)s."), org=bold(org_name(ctx)))
    lines += [
        Paragraph(bold(when), STYLES["card_time"]),
        Paragraph(check, STYLES["card"]),
        Paragraph(esc(_card_footer(ctx, f)), STYLES["tiny"]),
    ]
    return lines


def _card_footer(ctx: AppContext, f: HearingFacts) -> str:
    contact = contact_line(ctx.settings.organisation)
    return " · ".join(x for x in (f.case_number, org_name(ctx), contact) if x)


class CardStrip(Flowable):
    """Two cards side by side (fold line between), cut marks at the outer corners."""

    def __init__(self, left: list[Flowable], right: list[Flowable]) -> None:
        super().__init__()
        self.sides = (left, right)
        self.scale = 1.0
        self.card_h = CARD_H

    def _content_height(self, stack: list[Flowable], scale: float) -> float:
        inner = (CARD_W - 2 * PAD) / scale
        return sum(f.wrap(inner, 1e6)[1] + f.getSpaceAfter() for f in stack) * scale

    def wrap(self, aw: float, ah: float) -> tuple[float, float]:
        room = CARD_H - 2 * PAD
        for scale in SCALES:
            tallest = max(self._content_height(s, scale) for s in self.sides)
            if tallest <= room:
                break
        self.scale = scale
        self.card_h = max(CARD_H, tallest + 2 * PAD)
        self.width = 2 * CARD_W
        self.height = self.card_h
        return self.width, self.height

    def draw(self) -> None:
        canv = self.canv
        canv.saveState()
        canv.setStrokeColor(RULE)
        canv.setLineWidth(0.3)
        canv.rect(0, 0, 2 * CARD_W, self.card_h)
        canv.setDash(1, 2)
        canv.setStrokeColor(INK)
        canv.line(CARD_W, 0, CARD_W, self.card_h)
        canv.restoreState()
        self._cut_marks()
        inner = (CARD_W - 2 * PAD) / self.scale
        for index, stack in enumerate(self.sides):
            canv.saveState()
            canv.translate(index * CARD_W + PAD, self.card_h - PAD)
            canv.scale(self.scale, self.scale)
            y = 0.0
            for flowable in stack:
                _w, height = flowable.wrap(inner, 1e6)
                y -= height
                flowable.drawOn(canv, 0, y)
                y -= flowable.getSpaceAfter()
            canv.restoreState()

    def _cut_marks(self) -> None:
        canv, w, h, gap = self.canv, 2 * CARD_W, self.card_h, 3
        canv.saveState()
        canv.setStrokeColor(colors.black)
        canv.setLineWidth(0.6)
        for x, dx in ((0, -1), (w, 1)):
            for y, dy in ((0, -1), (h, 1)):
                canv.line(x + dx * gap, y, x + dx * (gap + MARK), y)
                canv.line(x, y + dy * gap, x, y + dy * (gap + MARK))
        canv.restoreState()
