"""What every document shares: page size and margins, styles, safe markup, page decoration
(page "X of Y" per letter, running header on later pages, a banner such as CONFIDENCIAL) and
the build into bytes, with PDF title, author and language metadata.

Page numbers count per *group* (one letter, one risk note): a batch of 1,000 letters in one
file still prints "Página 1 de 2" on each letter. The canvas keeps every page until the end
of the build and then draws the decoration, so the total is known in a single pass.
"""

from __future__ import annotations

import io
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from xml.sax.saxutils import escape

from reportlab import rl_config
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4, LETTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import inch
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageTemplate, TableStyle

from legalaid.documents.fonts import BOLD, ITALIC, REGULAR, register_fonts
from legalaid.documents.titles import bilingual as bilingual  # here for the builders
from legalaid.documents.titles import both as both
from legalaid.i18n import _

PAPER = {"letter": LETTER, "a4": A4}
MARGIN_X = 0.7 * inch
MARGIN_TOP = 0.8 * inch
MARGIN_BOTTOM = 0.75 * inch
INK = colors.HexColor("#111111")
GREY = colors.HexColor("#555555")
RULE = colors.HexColor("#999999")
TINT = colors.HexColor("#EEF3F8")
ALERT = colors.HexColor("#B00020")


# Binary (zlib-only) streams: smaller files, and the pure-Python ASCII85 encoder was a tenth
# of the layout time of a 1,000-letter batch. Every PDF reader handles them.
rl_config.useA85 = 0
register_fonts()  # before any style or paragraph is made: they look the faces up by name


def _style(
    name: str, size: float, leading: float, font: str = REGULAR, **kw: Any
) -> ParagraphStyle:
    kw.setdefault("textColor", INK)
    kw.setdefault("bulletFontName", REGULAR)  # reportlab's default is Helvetica
    return ParagraphStyle(name, fontName=font, fontSize=size, leading=leading, **kw)


STYLES: dict[str, ParagraphStyle] = {
    "body": _style("body", 9.5, 12.6, spaceAfter=3),
    "small": _style("small", 8, 10, spaceAfter=2),
    "tiny": _style("tiny", 7, 8.6, textColor=GREY),
    "bullet": _style("bullet", 9.5, 12.6, leftIndent=11, bulletIndent=1, spaceAfter=2),
    "heading": _style("heading", 10.5, 13.5, BOLD, spaceBefore=7, spaceAfter=3, keepWithNext=1),
    "title": _style("title", 16, 20, BOLD, spaceAfter=4),
    "kicker": _style("kicker", 9, 11.5, BOLD, textColor=GREY, spaceAfter=2),
    "big": _style("big", 15, 18.5, BOLD, spaceAfter=2),
    "huge": _style("huge", 27, 31, BOLD, spaceAfter=1),
    "right": _style("right", 9.5, 12.6, alignment=TA_RIGHT),
    "center": _style("center", 9.5, 12.6, alignment=TA_CENTER),
    "en": _style("en", 8, 10, ITALIC, textColor=GREY),
    "cell": _style("cell", 8.5, 10.5),
    "cellbold": _style("cellbold", 8.5, 10.5, BOLD),
    "alert": _style("alert", 15, 18.5, BOLD, textColor=ALERT, spaceAfter=2),
    "card_kicker": _style("card_kicker", 6.5, 8, BOLD, textColor=GREY, spaceAfter=1),
    "card_name": _style("card_name", 9.5, 11, BOLD, spaceAfter=1),
    "card": _style("card", 7, 8.5, spaceAfter=1),
    "card_time": _style("card_time", 10, 12, BOLD, spaceAfter=1),
}


def table_style(commands: list[tuple[Any, ...]]) -> TableStyle:
    """A table style whose plain-text cells use DejaVu too (reportlab's default is Helvetica,
    which would not be embedded)."""
    return TableStyle([("FONTNAME", (0, 0), (-1, -1), REGULAR), *commands])


class Markup(str):
    """Paragraph markup that is already safe (our own tags around escaped text)."""


def esc(text: object) -> Markup:
    """Escape text a person typed, keeping their line breaks."""
    if isinstance(text, Markup):
        return text
    return Markup(escape(str(text)).replace("\n", "<br/>"))


def fmt(template: str, **values: object) -> Markup:
    """Fill a translated template with escaped values; values already Markup stay as they are."""
    return Markup(escape(template) % {k: esc(v) for k, v in values.items()})


def keep(text: str) -> str:
    """Glue a time, phone or A-number together (no-break spaces): '8:00 a. m.' never splits."""
    return text.replace(" ", "\u00a0")


def bold(text: object) -> Markup:
    return Markup(f"<b>{esc(text)}</b>")


@dataclass
class Decor:
    """What is drawn around the text of every page, in both languages."""

    footer_left: str = ""
    banner: str = ""  # e.g. "CONFIDENCIAL · CONFIDENTIAL", on top of every page
    groups: dict[str, str] = field(default_factory=dict)  # group key -> running header


class GroupStart(Flowable):
    """Zero-size marker: pages from here on belong to ``key`` (numbering restarts)."""

    def __init__(self, key: str, header: str, on_draw: Callable[[], None] | None = None) -> None:
        super().__init__()
        self.key, self.header, self.on_draw = key, header, on_draw
        self.width = self.height = 0

    def wrap(self, aw: float, ah: float) -> tuple[float, float]:
        return 0, 0

    def draw(self) -> None:
        self.canv._legalaid_group = self.key
        self.canv._legalaid_headers[self.key] = self.header
        if self.on_draw is not None:
            self.on_draw()


def _canvas_class(decor: Decor) -> type[Canvas]:
    page_texts = both(lambda: _("Page %(page)d of %(pages)d"))

    class DecoratedCanvas(Canvas):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._legalaid_pages: list[tuple[dict[str, Any], str]] = []
            self._legalaid_group = ""
            self._legalaid_headers: dict[str, str] = {}

        def showPage(self) -> None:
            self._legalaid_pages.append((dict(self.__dict__), self._legalaid_group))
            self._startPage()

        def save(self) -> None:
            totals = Counter(group for _state, group in self._legalaid_pages)
            seen: Counter[str] = Counter()
            for state, group in self._legalaid_pages:
                self.__dict__.update(state)
                seen[group] += 1
                _decorate(self, decor, page_texts, seen[group], totals[group], group)
                Canvas.showPage(self)
            Canvas.save(self)

    return DecoratedCanvas


def _decorate(
    canv: Canvas, decor: Decor, texts: tuple[str, str], page: int, pages: int, group: str
) -> None:
    width, height = canv._pagesize
    header: str = canv._legalaid_headers.get(group, "")
    usable = width - 2 * MARGIN_X
    canv.saveState()
    canv.setFillColor(GREY)
    numbers = " · ".join(t % {"page": page, "pages": pages} for t in texts)
    _fit(canv, numbers, width - MARGIN_X, MARGIN_BOTTOM - 26, usable * 0.38, align="right")
    _fit(canv, header or decor.footer_left, MARGIN_X, MARGIN_BOTTOM - 26, usable * 0.6)
    if page > 1 and header:
        _fit(canv, header, MARGIN_X, height - MARGIN_TOP + 16, usable)
        canv.setStrokeColor(RULE)
        canv.line(MARGIN_X, height - MARGIN_TOP + 12, width - MARGIN_X, height - MARGIN_TOP + 12)
    if decor.banner:
        canv.setFillColor(ALERT)
        _fit(
            canv,
            decor.banner,
            width / 2,
            height - 0.45 * inch,
            usable,
            size=11,
            font=BOLD,
            align="center",
        )
    canv.restoreState()


def _fit(
    canv: Canvas,
    text: str,
    x: float,
    y: float,
    room: float,
    *,
    size: float = 7.5,
    font: str = REGULAR,
    align: str = "left",
) -> None:
    """Draw one line, shrinking the type (never cutting the text) until it fits ``room``."""
    wide = canv.stringWidth(text, font, size)
    if wide > room:
        size = max(5.0, size * room / wide)
    while len(text) > 1 and canv.stringWidth(text, font, size) > room:
        text = text[: int(len(text) * 0.9)].rstrip() + "…"  # a repeat of the letterhead only
    canv.setFont(font, size)
    draw = {"right": canv.drawRightString, "center": canv.drawCentredString}
    draw.get(align, canv.drawString)(x, y, text)


@dataclass
class Meta:
    title: str
    subject: str = ""
    author: str = ""
    paper: str = "letter"
    deterministic: bool = False
    landscape: bool = False


def page_size(paper: str, landscape: bool = False) -> tuple[float, float]:
    width, height = PAPER.get(paper, LETTER)
    return (height, width) if landscape else (width, height)


def build_pdf(story: list[Flowable], meta: Meta, decor: Decor | None = None) -> bytes:
    """Lay out ``story`` and return the PDF bytes (same input, same bytes when deterministic)."""
    register_fonts()
    out = io.BytesIO()
    pagesize = page_size(meta.paper, meta.landscape)
    doc = BaseDocTemplate(
        out,
        pagesize=pagesize,
        leftMargin=MARGIN_X,
        rightMargin=MARGIN_X,
        topMargin=MARGIN_TOP,
        bottomMargin=MARGIN_BOTTOM,
        title=meta.title,
        subject=meta.subject,
        author=meta.author or "LegalAid",
        creator="LegalAid",
        lang="es-MX",
        displayDocTitle=1,
        invariant=1 if meta.deterministic else 0,
        initialFontName=REGULAR,
        pageCompression=1,
    )
    frame = Frame(
        MARGIN_X,
        MARGIN_BOTTOM,
        pagesize[0] - 2 * MARGIN_X,
        pagesize[1] - MARGIN_TOP - MARGIN_BOTTOM,
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
        id="body",
    )
    doc.addPageTemplates([PageTemplate(id="page", frames=[frame])])
    doc.build(story, canvasmaker=_canvas_class(decor or Decor()))
    return out.getvalue()


def frame_width(paper: str, landscape: bool = False) -> float:
    return float(page_size(paper, landscape)[0] - 2 * MARGIN_X)
