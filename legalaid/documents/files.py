"""Writing papers to disk: check the folder first, then write atomically and owner-only
(legalaid.files), so a failure never leaves half a PDF behind and nobody else can read it."""

from __future__ import annotations

from legalaid.files import (
    OTHER,
    REASONS,
    atomic_stream,
    check_file,
    check_folder,
    partial,
    storage_error,
    write_atomic,
)

__all__ = [
    "OTHER",
    "REASONS",
    "atomic_stream",
    "check_file",
    "check_folder",
    "partial",
    "storage_error",
    "write_atomic",
]
