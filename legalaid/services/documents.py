"""Writing the document log: every paper saved, printed, copied or shown is recorded here.

The document builders (legalaid.documents) make the log rows; this service writes them, in one
transaction, and says what changed (the cases whose papers were logged).
"""

from __future__ import annotations

import time
from collections.abc import Iterable

from legalaid.context import AppContext
from legalaid.models import DocumentLogEntry
from legalaid.services.ops import DOCUMENT, NOTHING, OpChanges
from legalaid.services.writes import guarded_write

FLUSH_EVERY = 50  # rows per flush, with a pause between: a long batch lets the window run


def record_documents(ctx: AppContext, entries: Iterable[DocumentLogEntry]) -> OpChanges:
    """Add the log rows ``entries`` (all or none); the cases they are about, as OpChanges."""
    cases: set[str] = set()
    added = 0
    with guarded_write(ctx) as session:
        for entry in entries:
            session.add(entry)
            added += 1
            if entry.case_id:
                cases.add(entry.case_id)
            if added % FLUSH_EVERY == 0:
                # One flush of 1,000 rows held the GIL for ~70 ms; small ones with a pause
                # between let another thread (the client's window) run.
                session.flush()
                time.sleep(0)
    if not added:
        return NOTHING
    return OpChanges(frozenset(cases), frozenset({DOCUMENT}))
