"""The daily crossing list for the staff who escort people: for one date, everyone who must
report at each crossing, by report time, with household size and phone, and a box to tick.

A crossing's list holds everyone who stands there to report, those whose own crossing reports
there too (San Ysidro's list includes Calexico's households), each with their crossing of
return.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from typing import Any

from reportlab.lib.units import inch
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Spacer, Table

from legalaid.anumber import format_anumber
from legalaid.context import AppContext
from legalaid.documents.common import clock24, crossing_name, doc_meta, org_name
from legalaid.documents.facts import HearingFacts, load_hearings
from legalaid.documents.model import Document
from legalaid.documents.pdf import (
    INK,
    RULE,
    STYLES,
    TINT,
    Decor,
    GroupStart,
    bilingual,
    bold,
    both,
    build_pdf,
    esc,
    frame_width,
    keep,
    table_style,
)
from legalaid.documents.script import glyph_warnings, visual
from legalaid.documents.warnings import past_report
from legalaid.errors import NotFoundError
from legalaid.formatting import clock, medium_date
from legalaid.i18n import N_, _, ngettext, pgettext
from legalaid.models import HearingStatus
from legalaid.services.upcoming import upcoming

TITLE = N_("Crossing list")
Rows = list[list[Any]]


def crossing_list(
    ctx: AppContext, day: date, crossing: str | None = None, *, deterministic: bool = False
) -> Document:
    """Everyone who reports on ``day`` (local date at the port), per crossing where they stand,
    by report time. ``crossing`` names that crossing, or one that reports at it."""
    crossing = _where_they_stand(ctx, crossing) if crossing else None
    rows = [
        r
        for r in upcoming(ctx, 3, start=day - timedelta(days=1), crossing=crossing)
        if r.status == HearingStatus.SCHEDULED and r.report_at.date() == day
    ]
    if not rows:
        raise NotFoundError(
            N_("Nobody has to report at a crossing on %(date)s."), "date", date=day.isoformat()
        )
    facts = load_hearings(ctx, [r.hearing_id for r in rows])
    dates = both(lambda: medium_date(day))
    title = f"{bilingual(TITLE, ' / ')} — {dates[0]} / {dates[1]}"
    story: list[Flowable] = [
        GroupStart("list", f"{title} · {org_name(ctx)}"),
        Paragraph(bold(org_name(ctx)), STYLES["small"]),
        Paragraph(bold(bilingual(TITLE, " / ")), STYLES["title"]),
        Paragraph(bold(f"{dates[0]} / {dates[1]}"), STYLES["big"]),
    ]
    groups: dict[str, list[HearingFacts]] = defaultdict(list)
    for item in facts:
        groups[item.report_crossing.code].append(item)
    width = frame_width(ctx.settings.paper_size, landscape=True)
    for code in sorted(groups):
        story += _section(groups[code], width)
    if ctx.settings.staff_name.strip():
        prepared = bilingual(N_("Prepared by %(name)s."), " / ", name=ctx.actor)
        story += [Spacer(1, 8), Paragraph(esc(prepared), STYLES["tiny"])]
    meta = doc_meta(ctx, title, TITLE, deterministic)
    meta.landscape = True  # seven columns and long names: a clipboard held sideways
    pdf = build_pdf(story, meta, Decor())
    return Document(
        "crossing_list",
        "",
        [f.hearing_id for f in facts],
        pdf,
        title,
        {f.hearing_id: f.printed() for f in facts},
        {"day": day.isoformat(), "crossing": crossing.upper() if crossing else None},
        {f.hearing_id: f.case_id for f in facts},
        past_report(facts) + glyph_warnings(m.name for f in facts for m in f.members),
    )


def _where_they_stand(ctx: AppContext, code: str) -> str:
    """The crossing where ``code``'s households report (``code`` itself, usually)."""
    from legalaid.services.reference import crossing_by_code

    with ctx.db.read() as session:
        found = crossing_by_code(session, code)
        return found.report_at_code or found.code


def _section(items: list[HearingFacts], width: float) -> list[Flowable]:
    x = items[0].report_crossing
    people = sum(len(f.members) for f in items)
    point = " / ".join(dict.fromkeys(p for p in (x.reporting_point_es, x.reporting_point_en) if p))
    counts = both(
        lambda: (
            ngettext("%(n)d household", "%(n)d households", len(items)) % {"n": len(items)}
            + ", "
            + ngettext("%(n)d person", "%(n)d people", people) % {"n": people}
        )
    )
    name = " / ".join(dict.fromkeys((x.name_es, x.name_en)))
    heading = f"{name} ({x.code})" + (f" · {point}" if point else "")
    return [
        Spacer(1, 8),
        KeepTogether(
            [
                Paragraph(bold(heading), STYLES["big"]),
                Paragraph(esc(" / ".join(counts)), STYLES["small"]),
                _table(items, width),
            ]
        ),
    ]


def _head(msgid: str) -> list[Flowable]:
    return _head_pair(both(lambda: _(msgid)))


def _head_pair(pair: tuple[str, str]) -> list[Flowable]:
    es, en = pair
    out = [Paragraph(bold(es), STYLES["cell"])]
    return out if es == en else [*out, Paragraph(esc(en), STYLES["en"])]


def _table(items: list[HearingFacts], width: float) -> Table:
    rows: Rows = [
        [
            _head(N_("Report time")),
            _head(N_("Case")),
            _head(N_("People (A-number)")),
            _head_pair(both(lambda: pgettext("number of people", "No."))),
            _head(N_("Phone")),
            _head(N_("Hearing")),
            _head(N_("Here")),
        ]
    ]
    rows += [_row(f) for f in items]
    fixed = [1.1 * inch, 1.15 * inch, 0.5 * inch, 1.45 * inch, 1.2 * inch, 0.75 * inch]
    widths = [*fixed[:2], width - sum(fixed), *fixed[2:]]
    table = Table(rows, colWidths=widths, repeatRows=1, splitInRow=1)
    table.setStyle(
        table_style(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEBELOW", (0, 0), (-1, 0), 0.8, INK),
                ("LINEBELOW", (0, 1), (-1, -1), 0.3, RULE),
                ("ROWBACKGROUNDS", (0, 1), (-1, -1), [None, TINT]),
                ("LEFTPADDING", (0, 0), (-1, -1), 3),
                ("RIGHTPADDING", (0, 0), (-1, -1), 3),
            ]
        )
    )
    return table


def _return_line(f: HearingFacts) -> list[Flowable]:
    """'Regresa por Calexico / Returns through Calexico' when it is not this crossing."""
    if not f.returns_elsewhere:
        return []
    es, en = both(
        lambda: _("Returns through %(crossing)s") % {"crossing": crossing_name(f.crossing)}
    )
    return [Paragraph(esc(es), STYLES["cellbold"]), Paragraph(esc(en), STYLES["en"])]


def _row(f: HearingFacts) -> list[Any]:
    zone = f.report_crossing.zone
    es, en = both(lambda: keep(clock(f.report_at, zone)))
    people = [
        Paragraph(
            bold(visual(m.name))
            + esc(f"  {keep(format_anumber(m.a_number))}" if m.a_number else ""),
            STYLES["cell"],
        )
        for m in f.members
    ]
    hearing = both(lambda: keep(clock(f.starts_at, f.zone)))
    return [
        [
            Paragraph(bold(es), STYLES["cellbold"]),
            Paragraph(bold(keep(clock24(f.report_at, zone))), STYLES["cell"]),
            Paragraph(esc(en), STYLES["en"]),
        ],
        [Paragraph(esc(f.case_number), STYLES["cell"]), *_return_line(f)],
        people or Paragraph("—", STYLES["cell"]),
        Paragraph(bold(str(len(f.members))), STYLES["cell"]),
        Paragraph(esc(keep(f.whatsapp or f.phone) or "—"), STYLES["cell"]),
        [
            Paragraph(esc(f"{hearing[0]} / {hearing[1]}"), STYLES["cell"]),
            Paragraph(esc(f.court.code), STYLES["en"]),
        ],
        Paragraph("☐", STYLES["big"]),
    ]
