"""Bilingual papers (Spanish and English in one document), built with reportlab, Qt-free.

Builders return a :class:`Document` and do not log it: the client previews first and calls
:func:`log_document` when the paper is saved or printed; the command line and
:func:`reminders_batch` log what they write. Every function opens its own short sessions, so
it can run on a worker thread.

The names load on first use, so reading the document log (``upcoming`` does, for the
"reminder out of date" flag) does not load reportlab and the fonts.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from legalaid.documents.model import BatchResult, Document

if TYPE_CHECKING:
    from legalaid.documents.batch import hearings_in_range, reminders_batch
    from legalaid.documents.cards import wallet_cards
    from legalaid.documents.daily_list import crossing_list
    from legalaid.documents.facts import next_hearing_id
    from legalaid.documents.log import documents_for_case, log_document, outdated_reminders
    from legalaid.documents.message import message_text
    from legalaid.documents.reminder import reminder_letter
    from legalaid.documents.risk import risk_note
    from legalaid.documents.titles import LAYOUTS

_WHERE = {
    "hearings_in_range": "batch",
    "reminders_batch": "batch",
    "wallet_cards": "cards",
    "crossing_list": "daily_list",
    "next_hearing_id": "facts",
    "documents_for_case": "log",
    "log_document": "log",
    "outdated_reminders": "log",
    "message_text": "message",
    "LAYOUTS": "titles",
    "reminder_letter": "reminder",
    "risk_note": "risk",
}


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{_WHERE[name]}"), name)
    globals()[name] = value
    return value


__all__ = [
    "LAYOUTS",
    "BatchResult",
    "Document",
    "crossing_list",
    "documents_for_case",
    "hearings_in_range",
    "log_document",
    "message_text",
    "next_hearing_id",
    "outdated_reminders",
    "reminder_letter",
    "reminders_batch",
    "risk_note",
    "wallet_cards",
]
