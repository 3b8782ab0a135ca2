"""Exchange with other offices: this office's identity, the offices it trusts, the files
between them and the conflicts a person decides."""

from __future__ import annotations

from typing import Any


def open_offices(window: Any) -> None:
    from ui.exchange.offices_dialog import OfficesDialog

    OfficesDialog(window.ctx, window.runner, window).open()


def open_exchange(window: Any) -> None:
    from ui.exchange.exchange_dialog import ExchangeDialog

    dialog = ExchangeDialog(window.ctx, window.runner, window.reference, window)
    dialog.finished.connect(lambda _result: window.refresh_counts())
    dialog.open()


def open_duplicates(window: Any) -> None:
    from ui.exchange.duplicates_dialog import DuplicatesDialog

    DuplicatesDialog(window.ctx, window.runner, window).open()
