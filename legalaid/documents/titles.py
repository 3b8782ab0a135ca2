"""Titles and checks the batch needs in the calling process, without reportlab or the fonts.

A large batch is laid out in worker processes; the client only loads the facts, names the
letters and logs them. Keeping these few names here, apart from the layout code, keeps
reportlab, the embedded fonts and pypdf (about 37 MB) out of the client for such a batch.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from legalaid.errors import ValidationError
from legalaid.i18n import N_, _, using_language

if TYPE_CHECKING:
    from legalaid.documents.facts import HearingFacts

LAYOUTS = ("columns", "stacked")
TITLE = N_("Hearing reminder")


def both(build: Callable[[], Any]) -> tuple[Any, Any]:
    """Run ``build`` once in Spanish and once in English (each reads its own catalog)."""
    with using_language("es"):
        spanish = build()
    with using_language("en"):
        english = build()
    return spanish, english


def bilingual(msgid: str, joiner: str = " · ", **values: object) -> str:
    """One message in both languages on one line: 'Página 1 de 2 · Page 1 of 2'."""
    es, en = both(lambda: _(msgid) % values if values else _(msgid))
    return es if es == en else f"{es}{joiner}{en}"


def check_layout(layout: str) -> None:
    if layout not in LAYOUTS:
        raise ValidationError(
            N_("The letter layout is “columns” or “stacked”, not “%(layout)s”."),
            "layout",
            layout=str(layout)[:20],
        )


def letter_title(facts: HearingFacts) -> str:
    return f"{bilingual(TITLE, ' / ')} — {facts.case_number}"
