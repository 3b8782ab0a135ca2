"""The risk note: CONFIDENCIAL / CONFIDENTIAL on every page; identity, household, level,
factors (sensitive ones only with recorded consent), incidents, the narrative as entered and
its translation, fear screening, author and date. Labels are Spanish above English.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from babel.dates import format_date
from reportlab.lib.units import inch
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Spacer, Table, TableStyle

from legalaid.anumber import format_anumber
from legalaid.context import AppContext
from legalaid.documents.common import doc_meta, letterhead
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
    frame_width,
    keep,
    table_style,
)
from legalaid.documents.script import glyph_warnings, visual
from legalaid.errors import NotFoundError
from legalaid.formatting import country_name, language_name, medium_date
from legalaid.i18n import N_, _, babel_locale, current_language, ngettext
from legalaid.labels import label
from legalaid.models import RISK_FACTORS, Crossing, Incident, Person, RiskAssessment
from legalaid.services.cases import CaseDetail, get_case
from legalaid.services.risk import list_assessments

Rows = list[list[Any]]
TITLE = N_("Risk note")
CONFIDENTIAL = N_("CONFIDENTIAL")
NARRATIVE_CHUNK = 1500  # characters per table row: long texts flow over several rows


def risk_note(ctx: AppContext, case_id_or_number: str, *, deterministic: bool = False) -> Document:
    """The note for the case's newest risk assessment."""
    detail = get_case(ctx, case_id_or_number)
    assessments = list_assessments(ctx, detail.case.id)
    if not assessments:
        raise NotFoundError(
            N_("Case %(case)s has no risk assessment yet: record one first."),
            "risk",
            case=detail.case.case_number,
        )
    newest = assessments[0]
    width = frame_width(ctx.settings.paper_size)
    title = f"{bilingual(TITLE, ' / ')} — {detail.case.case_number}"
    story = _story(ctx, detail, newest.assessment, newest.incidents, width)
    banner = bilingual(CONFIDENTIAL)
    pdf = build_pdf(
        story,
        doc_meta(ctx, title, TITLE, deterministic),
        Decor(banner=banner),
    )
    names = [f"{p.given_names} {p.family_names}".strip() for p in detail.people if p.active]
    return Document(
        "risk_note",
        detail.case.id,
        [],
        pdf,
        title,
        meta={"risk_id": newest.assessment.id},
        warnings=glyph_warnings(names),
    )


def _story(
    ctx: AppContext,
    detail: CaseDetail,
    risk: RiskAssessment,
    incidents: list[Incident],
    width: float,
) -> list[Flowable]:
    number = detail.case.case_number
    header = f"{number} · {bilingual(TITLE, ' / ')}"
    title = [
        Paragraph(bold(bilingual(TITLE, " / ")), STYLES["big"]),
        Paragraph(bold(number), STYLES["big"]),
    ]
    story: list[Flowable] = [GroupStart(detail.case.id, header), letterhead(ctx, title, width)]
    story.append(_confidential_notice())
    story += _identity(detail, width)
    story += _household(detail.people, risk.assessed_on, width)
    story += _level_and_factors(risk, width)
    story += _incidents(incidents, width)
    story += _narratives(risk)
    story += _closing(risk, width)
    return story


def _heading(msgid: str) -> Paragraph:
    return Paragraph(esc(bilingual(msgid, " / ")), STYLES["heading"])


def _two(es: str, en: str, strong: bool = False) -> list[Flowable]:
    """Spanish above, English below in grey (one line when both say the same)."""
    first = Paragraph(bold(es) if strong else esc(es), STYLES["cell"])
    if es == en:
        return [first]
    return [first, Paragraph(esc(en), STYLES["en"])]


def _label(msgid: str) -> list[Flowable]:
    es, en = both(lambda: _(msgid))
    return _two(es, en, strong=True)


def _table(rows: Rows, widths: list[float], header: bool = False, spans: bool = False) -> Table:
    """Rows may split across pages (a very long value flows on); tables with spanned rows
    keep rows whole, so their long texts come in chunks that each fit (see ``_chunks``)."""
    split = 0 if spans else 1
    table = Table(rows, colWidths=widths, repeatRows=1 if header else 0, splitInRow=split)
    style = [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LINEBELOW", (0, 0), (-1, -1), 0.3, RULE),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
    ]
    if header:
        style.append(("LINEBELOW", (0, 0), (-1, 0), 0.8, INK))
    table.setStyle(table_style(style))
    return table


def _confidential_notice() -> Paragraph:
    text = bilingual(
        N_(
            "Confidential: for the legal team and the people it is shared with by the family's "
            "consent. Do not leave it where others can read it."
        ),
        "\n",
    )
    return Paragraph(bold(text), STYLES["small"])


def _yes_no(value: bool) -> tuple[str, str]:
    return both(lambda: _("Yes") if value else _("No"))


def _same(text: str, strong: bool = False) -> list[Flowable]:
    """A value that reads the same in both languages (a name, a number)."""
    return _two(text, text, strong)


def _identity(detail: CaseDetail, width: float) -> list[Flowable]:
    case = detail.case
    first = detail.people[0] if detail.people else None
    housing = ", ".join(x for x in (case.city, case.shelter, case.address_mx) if x.strip())
    nationality = both(lambda: country_name(first.nationality if first else None) or "—")
    anumber = keep(format_anumber(first.a_number if first else None))
    rows: Rows = [
        [_label(N_("Case number")), _same(case.case_number, True)],
        [_label(N_("Principal")), _same(_name(first), True)],
        [_label(N_("A-number")), _same(anumber or "—", True)],
        [_label(N_("Nationality")), _two(*nationality)],
        [_label(N_("Language")), _two(*both(lambda: _language(first)))],
        [_label(N_("City and housing")), _same(housing or "—")],
        [_label(N_("Crossing")), _two(*both(lambda: _crossing(detail.crossing)))],
    ]
    return [_heading(N_("Identity")), _table(rows, [width * 0.3, width * 0.7])]


def _name(person: Person | None) -> str:
    return visual(f"{person.given_names} {person.family_names}".strip()) if person else "—"


def _language(person: Person | None) -> str:
    if person is None:
        return "—"
    name = language_name(person.language) or person.language
    if person.needs_interpreter:
        return _("%(language)s (needs an interpreter)") % {"language": name}
    return name


def _crossing(crossing: Crossing | None) -> str:
    if crossing is None:
        return "—"
    name = crossing.name_es if current_language() == "es" else crossing.name_en
    return f"{name} ({crossing.code})"


def _age(birth: date | None, on: date) -> tuple[str, str]:
    if birth is None:
        return ("—", "—")
    years = on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))
    return both(lambda: ngettext("%(n)d year", "%(n)d years", years) % {"n": years})


def _household(people: list[Person], on: date, width: float) -> list[Flowable]:
    head = [
        "#",
        _label(N_("Name")),
        _label(N_("Relationship")),
        _label(N_("Age")),
        _label(N_("A-number")),
    ]
    rows: Rows = [head]
    for index, person in enumerate([p for p in people if p.active], start=1):
        rows.append(
            [
                Paragraph(str(index), STYLES["cell"]),
                Paragraph(bold(_name(person)), STYLES["cell"]),
                _two(*both(lambda p=person: label("relationship", p.relationship))),  # type: ignore[misc]
                _two(*_age(person.birth_date, on)),
                Paragraph(esc(keep(format_anumber(person.a_number)) or "—"), STYLES["cell"]),
            ]
        )
    widths = [0.3 * inch, width * 0.4, width * 0.2, width * 0.13, width * 0.27 - 0.3 * inch]
    return [_heading(N_("Household")), _table(rows, widths, header=True)]


def _level_and_factors(risk: RiskAssessment, width: float) -> list[Flowable]:
    level = both(lambda: label("risk_level", risk.level))
    fear = both(lambda: label("fear_screening", risk.fear_screening))
    rows: Rows = [
        [_label(N_("Risk level")), _level(*level, risk.level)],
        [_label(N_("Fear screening")), _two(*fear, strong=True)],
    ]
    out: list[Flowable] = [_heading(N_("Risk")), _table(rows, [width * 0.3, width * 0.7])]
    shown, hidden = [], 0
    for code in risk.factors:
        msgid, sensitive = RISK_FACTORS.get(code, (code, False))
        if sensitive and not risk.consent_sensitive:
            hidden += 1
            continue
        shown.append(_two(*both(lambda m=msgid: _(m))))  # type: ignore[misc]
    out.append(_heading(N_("Risk factors")))
    if shown:
        out.append(
            _table(
                [[Paragraph("•", STYLES["cell"]), f] for f in shown],
                [0.3 * inch, width - 0.3 * inch],
            )
        )
    elif not hidden:
        out.append(Paragraph(esc(bilingual(N_("No risk factors recorded."))), STYLES["small"]))
    if hidden:
        note = N_("Sensitive factors are left out: the person's consent is not recorded.")
        out.append(Paragraph(bold(bilingual(note, "\n")), STYLES["small"]))
    return out


def _level(es: str, en: str, code: str) -> list[Flowable]:
    """The level in large type; high and critical in red."""
    style = STYLES["alert"] if code in ("high", "critical") else STYLES["big"]
    return [Paragraph(bold(f"{es} / {en}" if es != en else es), style)]


def _incidents(incidents: list[Incident], width: float) -> list[Flowable]:
    out: list[Flowable] = [_heading(N_("Incidents in Mexico"))]
    if not incidents:
        out.append(Paragraph(esc(bilingual(N_("No incidents recorded."))), STYLES["small"]))
        return out
    head = [
        _label(N_("Date")),
        _label(N_("City")),
        _label(N_("Type")),
        _label(N_("Perpetrator")),
        _label(N_("Reported")),
    ]
    rows: Rows = [head]
    spans: list[tuple[str, tuple[int, int], tuple[int, int]]] = []
    for item in incidents:
        rows.append(
            [
                _two(*both(lambda i=item: _day(i.occurred_on))),  # type: ignore[misc]
                Paragraph(esc(item.city or "—"), STYLES["cell"]),
                _two(*both(lambda i=item: label("incident_kind", i.kind))),  # type: ignore[misc]
                Paragraph(esc(item.perpetrator or "—"), STYLES["cell"]),
                _two(*_yes_no(item.reported)),
            ]
        )
        for chunk in _chunks(item.description):
            spans.append(("SPAN", (0, len(rows)), (-1, len(rows))))
            rows.append([Paragraph(esc(chunk), STYLES["small"]), "", "", "", ""])
    widths = [width * 0.16, width * 0.22, width * 0.2, width * 0.27, width * 0.15]
    table = _table(rows, widths, header=True, spans=True)
    table.setStyle(TableStyle(spans))  # added to the style above
    out.append(table)
    return out


def _day(day: date | None) -> str:
    """'3 sept 2026' / 'Sep 3, 2026': never 03/09/26, which reads differently in each language."""
    return format_date(day, "medium", locale=babel_locale()) if day else "—"


def _chunks(text: str, size: int = NARRATIVE_CHUNK) -> list[str]:
    """Split a long text at spaces so each table row fits on a page (nothing is cut)."""
    text = text.strip()
    out = []
    while len(text) > size:
        cut = text.rfind(" ", 0, size)
        cut = cut if cut > size // 2 else size
        out.append(text[:cut])
        text = text[cut:].lstrip()
    return [*out, text] if text else out


def _narratives(risk: RiskAssessment) -> list[Flowable]:
    original = risk.narrative_original if risk.narrative_original in ("es", "en") else "es"
    other = "en" if original == "es" else "es"
    texts = {"es": risk.narrative_es.strip(), "en": risk.narrative_en.strip()}
    out: list[Flowable] = [_heading(N_("Narrative"))]
    if not texts[original] and not texts[other]:
        out.append(Paragraph(esc(bilingual(N_("No narrative recorded."))), STYLES["small"]))
        return out
    for lang, marker in (
        (original, N_("Original, in %(language)s")),
        (other, N_("Translation into %(language)s")),
    ):
        if not texts[lang]:
            continue
        es, en = both(lambda m=marker, code=lang: _(m) % {"language": language_name(code)})  # type: ignore[misc]
        mark = f"{es} / {en}"
        out.append(Paragraph(bold(mark), STYLES["kicker"]))
        out += [
            Paragraph(esc(part), STYLES["body"])
            for part in texts[lang].split("\n\n")
            if part.strip()
        ]
    return out


def _closing(risk: RiskAssessment, width: float) -> list[Flowable]:
    day = both(lambda: medium_date(risk.assessed_on))
    rows: Rows = [
        [_label(N_("Prepared by")), _same(risk.author, True)],
        [_label(N_("Date of the assessment")), _two(*day)],
    ]
    return [
        Spacer(1, 6),
        KeepTogether([_heading(N_("Author")), _table(rows, [width * 0.3, width * 0.7])]),
    ]
