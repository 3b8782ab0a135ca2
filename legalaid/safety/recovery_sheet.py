"""The recovery sheet printed at set-up: the recovery key, large and unambiguous, in both
languages, with what it is for and how to keep it."""

from __future__ import annotations

import io
from datetime import date
from xml.sax.saxutils import escape

from reportlab.lib.pagesizes import A4, LETTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import inch
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

from legalaid.documents.fonts import BOLD, REGULAR, register_fonts
from legalaid.formatting import medium_date
from legalaid.i18n import _, using_language


def _texts(lang: str, organisation: str, today: date) -> list[tuple[str, str]]:
    with using_language(lang):
        return [
            ("h", _("LegalAid recovery sheet")),
            (
                "p",
                _("Organisation: %(name)s. Created on %(date)s.")
                % {"name": organisation or "—", "date": medium_date(today, lang)},
            ),
            (
                "p",
                _(
                    "This recovery key opens the LegalAid database if the passphrase is "
                    "forgotten. Whoever holds this sheet and the computer can read every case: "
                    "keep it locked away, far from the computer, and never photograph it."
                ),
            ),
            (
                "p",
                _(
                    "To use it, type it where LegalAid asks for the passphrase, then choose a "
                    "new passphrase."
                ),
            ),
        ]


def recovery_sheet_pdf(
    recovery_key: str, organisation: str = "", paper: str = "letter", today: date | None = None
) -> bytes:
    register_fonts()
    today = today or date.today()
    styles = {
        "h": ParagraphStyle("h", fontName=BOLD, fontSize=16, leading=20, spaceAfter=8),
        "p": ParagraphStyle("p", fontName=REGULAR, fontSize=11, leading=15, spaceAfter=6),
        "key": ParagraphStyle(
            "key",
            fontName=BOLD,
            fontSize=19,
            leading=26,
            alignment=1,
            spaceBefore=14,
            spaceAfter=14,
        ),
    }
    story: list[object] = []
    for lang in ("es", "en"):
        for style, text in _texts(lang, organisation, today):
            story.append(Paragraph(escape(text), styles[style]))
        story.append(Paragraph(escape(recovery_key), styles["key"]))
        story.append(Spacer(1, 0.3 * inch))
    out = io.BytesIO()
    with using_language("es"):
        title = _("LegalAid recovery sheet")
    doc = SimpleDocTemplate(
        out, pagesize=A4 if paper == "a4" else LETTER, title=title, lang="es-MX", invariant=0
    )
    doc.build(story)
    return out.getvalue()
