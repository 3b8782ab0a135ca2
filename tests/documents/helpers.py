"""Builders and PDF readers for the document tests: real database, real PDFs, no mocks."""

from __future__ import annotations

import io
from datetime import date, time

import pypdfium2
from pypdf import PdfReader
from pypdf.generic import DictionaryObject

from legalaid.context import AppContext
from legalaid.services.cases import CaseDetail, CaseInput, PersonInput, open_case
from legalaid.services.hearings import HearingInput, schedule_hearing

# A Tuesday in June: Pacific Daylight Time, an 8:00 hearing means a 4:00 report at the port.
HEARING_DAY = date(2030, 6, 18)
PRINTED_ON = date(2030, 6, 1)
EIGHT = [
    ("José Ángel", "Hernández Núñez", "A 012-345-678"),
    ("María Guadalupe", "Pérez-Íñiguez de la Peña", "A 212-345-679"),
    ("Ñusta", "Hernández Pérez", "A 302-345-670"),
    ("Ximena", "Hernández Pérez", "A 312-345-671"),
    ("Begoña", "Hernández Pérez", "A 322-345-672"),
    ("Inés", "Hernández Pérez", "A 332-345-673"),
    ("Zoé", "Hernández Pérez", "A 342-345-674"),
    ("Íñigo Ulises", "Hernández Pérez", "A 352-345-675"),
]


def with_organisation(ctx: AppContext) -> AppContext:
    org = ctx.settings.organisation
    org.name = "Albergue Juventud 2000"
    org.address = "Calle Ejemplo 123, Col. Centro, Tijuana, B.C."
    org.phone = "+52 664 123 4567"
    org.whatsapp = "+52 664 765 4321"
    return ctx


def household(
    ctx: AppContext,
    members: list[tuple[str, str, str]] | None = None,
    *,
    crossing: str = "SYS",
    city: str = "Tijuana, B.C.",
    phone: str = "+52 664 111 2222",
    representative: str = "Lic. Rosa Martínez",
) -> CaseDetail:
    rows = members or EIGHT
    people = [
        PersonInput(
            given,
            family,
            "principal" if index == 0 else "child",
            date(1990, 5, 1) if index == 0 else date(2018, 1, 1),
            "female",
            "HN",
            a_number=number or None,
        )
        for index, (given, family, number) in enumerate(rows)
    ]
    data = CaseInput(crossing=crossing, city=city, phone=phone, representative=representative)
    return open_case(ctx, data, people)


def hearing(
    ctx: AppContext,
    case_id: str,
    day: date = HEARING_DAY,
    at: time = time(8, 0),
    *,
    crossing: str = "SYS",
    court: str = "SDG",
) -> str:
    data = HearingInput(court=court, crossing=crossing, day=day, at=at)
    return schedule_hearing(ctx, case_id, data).record.id


def text_of(pdf: bytes) -> str:
    """Every page's text as one line: line breaks and no-break spaces read as plain spaces,
    so a sentence the layout wrapped is found whole."""
    reader = PdfReader(io.BytesIO(pdf))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


def squashed(text: str) -> str:
    """Text without any whitespace: compare long passages across line breaks."""
    return "".join(text.split())


def page_count(pdf: bytes) -> int:
    return len(PdfReader(io.BytesIO(pdf)).pages)


def font_names(pdf: bytes) -> set[str]:
    """Base font names of every font used, and whether each embeds its glyphs."""
    reader = PdfReader(io.BytesIO(pdf))
    found: set[str] = set()
    for page in reader.pages:
        resources = page["/Resources"].get_object()
        assert isinstance(resources, DictionaryObject)
        fonts = resources.get("/Font", {})
        for ref in fonts.values():
            font = ref.get_object()
            embedded = (
                "/FontFile2" in font.get("/FontDescriptor", {}).get_object()
                if "/FontDescriptor" in font
                else False
            )
            found.add(f"{font['/BaseFont']}{'' if embedded else ' (not embedded)'}")
    return found


def ink_fraction(pdf: bytes, page: int = 0) -> float:
    """Share of the page's pixels that are not white (0.0 is a blank page)."""
    document = pypdfium2.PdfDocument(pdf)
    try:
        histogram = document[page].render(scale=0.5).to_pil().convert("L").histogram()
    finally:
        document.close()
    return sum(histogram[:200]) / sum(histogram)


def body_text(pdf: bytes) -> str:
    """The text inside the page margins only (no running header, footer or banner), every
    page joined: a passage that flows from one page onto the next reads as one."""
    reader = PdfReader(io.BytesIO(pdf))
    parts: list[str] = []
    for page in reader.pages:
        top = float(page.mediabox[3]) - 0.8 * 72 + 4
        bottom = 0.75 * 72 - 4

        def keep(
            text: str,
            cm: list[float],
            tm: list[float],
            *_a: object,
            lo: float = bottom,
            hi: float = top,
        ) -> None:
            if lo < tm[5] * cm[3] + cm[5] < hi:
                parts.append(text)

        page.extract_text(visitor_text=keep)
    return " ".join("".join(parts).split())
