"""One application-wide signal: a paper was recorded in the document log (saved, printed or
copied), so the case windows showing that household's papers read them again."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal


class DocumentEvents(QObject):
    logged = Signal(object)  # the set of case ids the paper was about (empty: unknown)


_events: DocumentEvents | None = None


def events() -> DocumentEvents:
    global _events
    if _events is None:
        _events = DocumentEvents()
    return _events


def case_ids_of(document: object) -> set[str]:
    """The households a document is about (one case, or every case on a crossing list)."""
    ids = {str(getattr(document, "case_id", "") or "")}
    ids |= {str(c) for c in (getattr(document, "case_of", None) or {}).values()}
    ids.discard("")
    return ids
