"""The hearing-reminder letter: the ten points of "What a hearing reminder should say"
(mpp-facts.md), Spanish beside English (or Spanish, then English), paragraph against paragraph.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from reportlab.lib.units import inch
from reportlab.platypus import (
    Flowable,
    KeepTogether,
    PageBreak,
    Paragraph,
    Spacer,
    Table,
)

from legalaid.anumber import format_anumber
from legalaid.context import AppContext
from legalaid.documents.common import (
    clock24,
    day_part,
    doc_meta,
    letterhead,
    org_name,
    place_and_date,
    return_line,
)
from legalaid.documents.facts import HearingFacts, load_hearings
from legalaid.documents.flowables import Columns
from legalaid.documents.model import Document
from legalaid.documents.pdf import (
    INK,
    RULE,
    STYLES,
    TINT,
    GroupStart,
    Meta,
    bold,
    build_pdf,
    esc,
    frame_width,
    keep,
    table_style,
)
from legalaid.documents.reminder_blocks import BODY_BLOCKS, Block
from legalaid.documents.script import glyph_warnings, visual
from legalaid.documents.titles import TITLE, bilingual, both, check_layout, letter_title
from legalaid.documents.warnings import letter_warnings
from legalaid.formatting import clock, local_time, long_date, zone_name
from legalaid.i18n import N_, _, current_language, ngettext


def reminder_letter(
    ctx: AppContext,
    hearing_id: str,
    *,
    layout: str = "columns",
    deterministic: bool = False,
    today: date | None = None,
) -> Document:
    """One letter for one household hearing; ``today`` fixes the date line (tests)."""
    check_layout(layout)
    [facts] = load_hearings(ctx, [hearing_id])
    story = letter_story(ctx, facts, layout, today)
    title = letter_title(facts)
    pdf = build_pdf(story, letter_meta(ctx, title, deterministic))
    return Document(
        "reminder",
        facts.case_id,
        [facts.hearing_id],
        pdf,
        title,
        {facts.hearing_id: facts.printed()},
        warnings=letter_warnings(ctx, [facts]) + glyph_warnings(m.name for m in facts.members),
    )


def letter_meta(ctx: AppContext, title: str, deterministic: bool) -> Meta:
    return doc_meta(ctx, title, TITLE, deterministic)


def letter_story(
    ctx: AppContext, facts: HearingFacts, layout: str, today: date | None = None
) -> list[Flowable]:
    width = frame_width(ctx.settings.paper_size)
    day = today or datetime.now(ZoneInfo(facts.crossing.mx_zone)).date()
    # the case number first: if the line must be shortened, the organisation's name goes
    header = f"{facts.case_number} · {bilingual(TITLE, ' / ')} · {org_name(ctx)}"
    story: list[Flowable] = [
        GroupStart(facts.hearing_id, header),
        letterhead(ctx, _case_box(facts), width),
        Spacer(1, 8),
    ]
    dated = _date_block(facts, day)
    if layout == "stacked":
        spanish, english = both(lambda: _all_blocks(ctx, facts, dated, width))
        return [*story, *spanish, PageBreak(), *english]
    story += [_pair(block, ctx, facts) for block in (dated, _title_block)]
    story += [Spacer(1, 6), _members_table(facts, width), Spacer(1, 10)]
    story.append(KeepTogether([_boxed(*both(lambda: _report_block(ctx, facts)))]))
    for block in BODY_BLOCKS:
        story += [Spacer(1, 4), _pair(block, ctx, facts)]
    return story


def _pair(block: Block, ctx: AppContext, facts: HearingFacts) -> KeepTogether:
    """One block in Spanish (left) beside the same block in English (right), kept together
    on one page when it fits on one."""
    es, en = both(lambda: block(ctx, facts))
    return KeepTogether([Columns([es, en])])


def _all_blocks(ctx: AppContext, facts: HearingFacts, dated: Block, width: float) -> list[Flowable]:
    """One language's whole letter, for the stacked layout."""
    out = dated(ctx, facts) + _title_block(ctx, facts)
    out += [_members_table(facts, width), Spacer(1, 8)]
    out.append(KeepTogether([_boxed(_report_block(ctx, facts))]))
    for block in BODY_BLOCKS:
        out += block(ctx, facts)
    return out


def _boxed(*columns: list[Flowable]) -> Columns:
    return Columns(list(columns), box=INK, fill=TINT, padding=9)


def _case_box(facts: HearingFacts) -> list[Flowable]:
    return [
        Paragraph(esc(bilingual(N_("Case number"), " / ")), STYLES["tiny"]),
        Paragraph(bold(facts.case_number), STYLES["big"]),
    ]


def _date_block(facts: HearingFacts, day: date) -> Block:
    def block(ctx: AppContext, f: HearingFacts) -> list[Flowable]:
        return [Paragraph(esc(place_and_date(f.city, day)), STYLES["right"])]

    return block


def _title_block(ctx: AppContext, facts: HearingFacts) -> list[Flowable]:
    return [
        Paragraph(esc(_(TITLE)), STYLES["title"]),
        Paragraph(
            esc(
                _(
                    "Keep this letter with your court papers. It says when and where you must "
                    "report for your hearing at the US immigration court."
                )
            ),
            STYLES["body"],
        ),
    ]


def _report_block(ctx: AppContext, f: HearingFacts) -> list[Flowable]:
    x, zone = f.report_crossing, f.report_crossing.zone
    spanish = current_language() == "es"
    place = x.name_es if spanish else x.name_en
    point = x.reporting_point_es if spanish else x.reporting_point_en
    out: list[Flowable] = [
        Paragraph(esc(_("REPORT TO THE PORT OF ENTRY")), STYLES["kicker"]),
        Paragraph(bold(_port_line(place, x.us_city)), STYLES["big"]),
    ]
    if point.strip():
        out.append(Paragraph(bold(point), STYLES["body"]))
    if x.address.strip():
        out.append(Paragraph(esc(x.address), STYLES["small"]))
    returning = return_line(f)
    if returning:
        out.append(Paragraph(esc(returning), STYLES["small"]))
    out += [
        Spacer(1, 4),
        Paragraph(bold(long_date(local_time(f.report_at, zone).date())), STYLES["big"]),
        Paragraph(bold(keep(clock(f.report_at, zone))), STYLES["huge"]),
        Paragraph(
            bold(_("%(clock24)s · %(part)s") % _clock24_and_part(f.report_at, zone)),
            STYLES["big"],
        ),
        Paragraph(esc(zone_name(f.report_at, zone)), STYLES["body"]),
    ]
    out += _other_clock(f)
    out.append(Paragraph(bold(_("If you arrive late you may be turned away.")), STYLES["body"]))
    return out


def _port_line(place: str, city: str) -> str:
    """'San Ysidro, CA' (not 'San Ysidro, San Ysidro, CA'); 'Puente X (El Paso, TX)' otherwise."""
    if not city.strip() or city.startswith(place):
        return city.strip() or place
    return _("%(port)s (%(city)s)") % {"port": place, "city": city}


def _clock24_and_part(instant: datetime, zone: str) -> dict[str, str]:
    return {"clock24": keep(clock24(instant, zone)), "part": day_part(instant, zone)}


def _other_clock(f: HearingFacts) -> list[Flowable]:
    """When the Mexican city's clock differs from the port's, say what it shows."""
    here = local_time(f.report_at, f.crossing.mx_zone).utcoffset()
    there = local_time(f.report_at, f.report_crossing.zone).utcoffset()
    if here == there:
        return []
    text = _("Careful: on the clock in %(city)s that is %(time)s.") % {
        "city": f.crossing.mx_city,
        "time": keep(clock(f.report_at, f.crossing.mx_zone)),
    }
    return [Paragraph(bold(text), STYLES["body"])]


def _members_table(facts: HearingFacts, width: float) -> KeepTogether:
    """Everyone on the hearing with their A-number, once, with bilingual headings."""
    count = len(facts.members)
    caption = both(
        lambda: (
            ngettext(
                "%(count)d person called to this hearing",
                "%(count)d people called to this hearing",
                count,
            )
            % {"count": count}
        )
    )
    rows: list[list[object]] = [
        [
            "#",
            _two_line(*both(lambda: _("Full name (as on the Notice to Appear)"))),
            _two_line(*both(lambda: _("A-number"))),
        ]
    ]
    for index, member in enumerate(facts.members, start=1):
        rows.append(
            [
                Paragraph(str(index), STYLES["cell"]),
                Paragraph(bold(visual(member.name)), STYLES["body"]),
                Paragraph(bold(keep(format_anumber(member.a_number)) or "—"), STYLES["body"]),
            ]
        )
    if not facts.members:
        nobody = bilingual(N_("Nobody is listed on this hearing."))
        rows.append(["", Paragraph(esc(nobody), STYLES["body"]), ""])
    widths = [0.3 * inch, width * 0.7 - 0.3 * inch, width * 0.3]
    table = Table(rows, colWidths=widths, repeatRows=1, splitInRow=1)
    table.setStyle(
        table_style(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEBELOW", (0, 0), (-1, 0), 0.8, INK),
                ("LINEBELOW", (0, 1), (-1, -1), 0.3, RULE),
                ("LEFTPADDING", (0, 0), (-1, -1), 3),
            ]
        )
    )
    heading = Paragraph(esc(" · ".join(dict.fromkeys(caption))), STYLES["heading"])
    return KeepTogether([heading, table])


def _two_line(spanish: str, english: str) -> list[Flowable]:
    return [Paragraph(bold(spanish), STYLES["cell"]), Paragraph(esc(english), STYLES["en"])]
