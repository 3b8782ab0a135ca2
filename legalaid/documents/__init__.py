"""Bilingual papers (Spanish and English in one document), built with reportlab, Qt-free.

Builders return a :class:`Document` and do not log it: the client previews first and calls
:func:`log_document` when the paper is saved or printed; the command line and
:func:`reminders_batch` log what they write. Every function opens its own short sessions, so
it can run on a worker thread.
"""

from legalaid.documents.batch import hearings_in_range, reminders_batch
from legalaid.documents.cards import wallet_cards
from legalaid.documents.crossing_list import crossing_list
from legalaid.documents.facts import next_hearing_id
from legalaid.documents.log import documents_for_case, log_document, outdated_reminders
from legalaid.documents.message import message_text
from legalaid.documents.model import BatchResult, Document
from legalaid.documents.reminder import LAYOUTS, reminder_letter
from legalaid.documents.risk import risk_note

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
