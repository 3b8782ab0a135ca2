"""The Crossings and courts window: the reference data a shelter corrects (addresses, report
times, phones), editable on this laptop and, on the office server, by its administrators."""

from __future__ import annotations

from typing import Any


def open_reference(window: Any) -> None:
    from ui.reference.reference_dialog import ReferenceDialog

    ReferenceDialog(window.ctx, window.runner, window).open()
