"""Small building blocks shared by the panels: re-translation, inline errors, code combos.
(Typed dates and times: ui/editor/datefields.py.)"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date

from babel.dates import format_date
from PySide6.QtCore import QEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from legalaid.i18n import babel_locale
from legalaid.labels import choices
from ui.startup import set_enum_property


class Translatable:
    """Mixin (before the Qt class): ``retranslate()`` runs again on every LanguageChange."""

    def retranslate(self) -> None:  # pragma: no cover - every user overrides it
        raise NotImplementedError

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)  # type: ignore[misc]


class ErrorLabel(QLabel):
    """A red message under a field saying what to fix; hidden when there is nothing to say."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("fieldError")
        self.setWordWrap(True)
        self.setStyleSheet("color: #b00020;")
        set_enum_property(self, "textInteractionFlags", "TextSelectableByMouse")
        self.hide()

    def show_message(self, text: str) -> None:
        self.setText(text)
        self.setVisible(bool(text))


class FieldErrors:
    """Inline messages by field name; anything without a field goes to the general label."""

    def __init__(self, general: ErrorLabel) -> None:
        self.general = general
        self.labels: dict[str, ErrorLabel] = {}
        self.widgets: dict[str, QWidget] = {}

    def add(self, field: str, widget: QWidget | None = None) -> ErrorLabel:
        label = ErrorLabel()
        self.labels[field] = label
        if widget is not None:
            self.widgets[field] = widget
        return label

    def clear(self) -> None:
        self.general.show_message("")
        for label in self.labels.values():
            label.show_message("")

    def show(self, by_field: dict[str | None, str]) -> QWidget | None:
        """Show every message; returns the first field's widget (to put the cursor there)."""
        self.clear()
        leftovers: list[str] = []
        first: QWidget | None = None
        for field, message in by_field.items():
            label = self.labels.get(field or "")
            if label is None:
                leftovers.append(message)
                continue
            label.show_message(message)
            first = first or self.widgets.get(field or "")
        self.general.show_message("\n".join(leftovers))
        return first


class CodeCombo(QComboBox):
    """A combo of stored codes shown with translated labels; keeps its code across languages."""

    def __init__(
        self,
        group: str | None = None,
        items: Callable[[], Iterable[tuple[str, str]]] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._items = items or (lambda: choices(group or ""))
        self.retranslate()

    def set_source(self, items: Callable[[], Iterable[tuple[str, str]]]) -> None:
        self._items = items
        self.retranslate()

    def retranslate(self) -> None:
        current = self.code()
        self.blockSignals(True)  # the same choice in other words: nobody needs to hear about it
        self.clear()
        for code, text in self._items():
            self.addItem(text, code)
        self.set_code(current)
        self.blockSignals(False)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def code(self) -> str:
        value = self.currentData()
        return str(value) if value is not None else ""

    def set_code(self, code: str | None) -> None:
        index = self.findData(code or "")
        self.setCurrentIndex(index if index >= 0 else (0 if self.count() else -1))


def strip_mnemonic(text: str) -> str:
    return text.replace("&&", "\x00").replace("&", "").replace("\x00", "&")


def table_date(value: date) -> str:
    """A compact date with the month's name for tables: '20 ene 2027' / 'Jan 20, 2027'."""
    return format_date(value, "medium", locale=babel_locale())


def compact_rows(view: QAbstractItemView) -> None:
    """Rows as tall as the text needs: more of the list fits on a laptop screen."""
    header = getattr(view, "verticalHeader", None)
    if header is not None:
        header().setDefaultSectionSize(view.fontMetrics().height() + 8)


def boxed(widget: QWidget, error: ErrorLabel) -> QWidget:
    """A field with its inline message right under it."""
    box = QWidget()
    layout = QVBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(1)
    layout.addWidget(widget)
    layout.addWidget(error)
    return box
