"""The printed documents (``legalaid.documents``), reached through one small module.

Everything here is Qt-free and runs on worker threads. If the documents package is missing
from an installation, the client still opens and printing says so in a clear message.
"""

from __future__ import annotations

import re
from pathlib import Path
from types import ModuleType
from typing import Any

from legalaid.context import AppContext
from legalaid.errors import LegalAidError
from legalaid.i18n import N_


class PrintingUnavailable(LegalAidError):
    pass


def documents() -> ModuleType:
    try:
        import legalaid.documents as module
    except ImportError as error:
        raise PrintingUnavailable(
            N_("Printing is not available in this installation: %(reason)s"), reason=str(error)
        ) from error
    # The names load on first use (legalaid/documents/__init__.py): look at the list, so that
    # a batch laid out in worker processes does not load reportlab here.
    if "reminder_letter" not in getattr(module, "__all__", ()):
        raise PrintingUnavailable(
            N_("Printing is not available in this installation: %(reason)s"),
            reason="legalaid.documents",
        )
    return module


def reminder_for_hearing(ctx: AppContext, hearing_id: str) -> Any:
    return documents().reminder_letter(ctx, hearing_id)


def reminder_for_case(ctx: AppContext, case_id: str) -> Any:
    module = documents()
    return module.reminder_letter(ctx, module.next_hearing_id(ctx, case_id))


def risk_note(ctx: AppContext, case_id: str) -> Any:
    return documents().risk_note(ctx, case_id)


def wallet_cards(ctx: AppContext, case_id: str) -> Any:
    return documents().wallet_cards(ctx, case_id)


def crossing_list(ctx: AppContext, day: Any, crossing: str | None) -> Any:
    return documents().crossing_list(ctx, day, crossing)


def message_text(ctx: AppContext, hearing_id: str, lang: str) -> str:
    return str(documents().message_text(ctx, hearing_id, lang))


def copy_message(ctx: AppContext, hearing_id: str, lang: str) -> Any:
    """The message to copy, recorded in the document log as copied (it states the hearing's
    facts: a later change makes it out of date like a letter)."""
    from legalaid.documents.message import message_document

    document = message_document(ctx, hearing_id, lang)
    documents().log_document(ctx, document, action="copied")
    return document


def log_document(
    ctx: AppContext, document: Any, path: Path | None = None, action: str | None = None
) -> None:
    """Record that a document was saved or printed (not on preview). A batch of letters logs
    each letter, with the file it was saved to."""
    batch = getattr(document, "batch", None)
    if batch is not None:
        from legalaid.documents.batch import log_batch

        log_batch(ctx, batch, path=path, action=action or ("saved" if path else "printed"))
    elif not getattr(document, "logged", False):
        documents().log_document(ctx, document, path=path, action=action)


def documents_for_case(ctx: AppContext, case_id: str) -> list[Any]:
    """The case's papers as rows to read: when, what, saved or printed, out of date or not."""
    from legalaid.documents.log import document_rows

    return list(document_rows(ctx, case_id))


def reminders_batch(
    ctx: AppContext, hearing_ids: list[str], out: Path, progress: Any, cancel: Any
) -> Any:
    """All the letters in one PDF file ``out``; the batch logs what it wrote."""
    return documents().reminders_batch(
        ctx,
        hearing_ids=hearing_ids,
        out=out,
        progress=progress,
        cancel=cancel,
        off_process=True,
        defer_log=True,
    )


def pdf_source(document: Any) -> bytes | Path:
    """Where the document's PDF is: its file (a batch keeps its letters on disk, not in memory)
    or its bytes (a single paper)."""
    path = getattr(document, "path", None)
    return Path(path) if path is not None else bytes(document.pdf)


def pdf_bytes(document: Any) -> bytes:
    source = pdf_source(document)
    return source.read_bytes() if isinstance(source, Path) else source


def save_document(ctx: AppContext, document: Any, path: Path) -> Path:
    """Write the PDF where the person chose, then record that it was handed out."""
    from legalaid.files import copy_private, write_atomic  # owner-only, never half a file

    source = pdf_source(document)
    if isinstance(source, Path):
        copy_private(source, path)  # a batch file is copied, never read whole into memory
    else:
        write_atomic(path, source)
    log_document(ctx, document, path)
    return path


def file_name(title: str) -> str:
    """A safe file name from a document title: letters, digits, dashes; accents kept."""
    cleaned = re.sub(r"[^\w\-. ]+", "", title, flags=re.UNICODE).strip().replace(" ", "_")
    return (cleaned or "documento")[:120] + ".pdf"
