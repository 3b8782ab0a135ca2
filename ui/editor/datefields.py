"""Date and time fields typed the way people copy them from papers.

A ``DateField`` is a line edit (typing never leaves it and never touches another field), a
calendar button, and under them the date read back in words ("jueves, 14 de enero de 2027"), so
the person sees what will be saved before saving. What is typed is read by the same reader as
the importer (``legalaid.datetext``: day first, Spanish or English month names). A date that does
not exist keeps what was typed and says what to fix under the field; ``problem()`` tells the
window not to save until it is fixed. ``TimeField`` does the same for wall-clock times.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, time

from PySide6.QtCore import QDate, QEvent, QObject, QPoint, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QCalendarWidget,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from legalaid import datetext
from legalaid.datetext import DateTextError
from legalaid.errors import LegalAidError
from legalaid.i18n import N_, _, current_language

READBACK = "color: #303030;"
TYPING = "color: #6a6a6a;"
WRONG = "color: #b00020;"
FIELD_PROPERTY = "typedDateOrTime"  # set on the line edits (tests read their text by it)


class _TypedField(QWidget):
    """The shared part: a line edit, an optional button, and the read-back line under them."""

    changed = Signal()

    def __init__(self, required: bool, parent: QWidget | None, missing: str = "") -> None:
        super().__init__(parent)
        self.required = required
        self.missing = missing  # the msgid said when a required field is empty
        self.edit = QLineEdit()
        self.edit.setProperty(FIELD_PROPERTY, True)
        self.edit.setMaxLength(60)
        self.readback = QLabel()
        self.readback.setObjectName("readback")
        self.readback.setWordWrap(True)
        self.readback.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.row = QHBoxLayout()
        self.row.setContentsMargins(0, 0, 0, 0)
        self.row.setSpacing(2)
        self.row.addWidget(self.edit, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(1)
        layout.addLayout(self.row)
        layout.addWidget(self.readback)
        self.setFocusProxy(self.edit)
        self._insisted = False  # the message shows in red: the person left the field or saved
        self._extra: Callable[[], str] = lambda: ""
        self.edit.textEdited.connect(self._edited)
        self.edit.editingFinished.connect(self.insist)
        self._language = current_language()

    # --- to be given by each kind of field ------------------------------------------------------
    def _parse(self, text: str) -> object:
        raise NotImplementedError

    def _words(self, value: object) -> str:
        raise NotImplementedError

    def _shown_text(self, value: object, lang: str) -> str:
        raise NotImplementedError

    # --- state ----------------------------------------------------------------------------------
    def text(self) -> str:
        return self.edit.text()

    def problem(self) -> LegalAidError | None:
        """Why what is typed cannot be saved (None when it can)."""
        try:
            value = self._parse(self.edit.text())
        except DateTextError as error:
            return error
        if value is None and self.required:
            return LegalAidError(self.missing or self._missing())
        return self._check(value)

    def _missing(self) -> str:
        return N_("Write the date.")

    def _check(self, value: object) -> LegalAidError | None:
        return None

    def pending(self) -> str:
        """What was typed when it cannot be saved yet ("" otherwise): a window compares it to
        know that something typed would be lost."""
        return self.edit.text() if self.problem() is not None else ""

    def insist(self) -> LegalAidError | None:
        """Show the problem (if any) in red; returns it."""
        self._insisted = True
        self.read_back()
        return self.problem()

    def set_extra(self, extra: Callable[[], str]) -> None:
        """Words added after the read-back (the time zone of a time)."""
        self._extra = extra
        self.read_back()

    def read_back(self) -> None:
        problem = self.problem()
        if problem is not None and (self.edit.text().strip() or self._insisted):
            self.readback.setText(problem.message())
            self.readback.setStyleSheet(WRONG if self._insisted else TYPING)
            self.edit.setProperty("wrong", self._insisted)
            return
        self.edit.setProperty("wrong", False)
        try:
            value = self._parse(self.edit.text())
        except DateTextError:
            value = None
        if value is None:
            self.readback.setText("")
            return
        extra = self._extra()
        words = self._words(value)
        self.readback.setText(
            _("%(value)s (%(extra)s)") % {"value": words, "extra": extra} if extra else words
        )
        self.readback.setStyleSheet(READBACK)

    def _edited(self) -> None:
        self._insisted = False
        self.read_back()
        self.changed.emit()

    def _show(self, value: object) -> None:
        self.edit.setText("" if value is None else self._shown_text(value, current_language()))
        self._insisted = False
        self.read_back()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def retranslate(self) -> None:
        """A value shown by the program is shown again in the new language; a value typed by
        the person stays as typed; the read-back and any message follow the language."""
        old, self._language = self._language, current_language()
        try:
            value = self._parse(self.edit.text())
        except DateTextError:
            value = None
        shown_by_us = value is not None and self.edit.text() == self._shown_text(value, old)
        if shown_by_us and old != self._language:
            self.edit.setText(self._shown_text(value, self._language))
        self._placeholder()
        self.read_back()

    def _placeholder(self) -> None:
        pass


class DateField(_TypedField):
    """A date typed or chosen in the calendar; ``optional`` allows no date at all."""

    def __init__(
        self,
        optional: bool = False,
        parent: QWidget | None = None,
        *,
        required: bool = False,
        past: bool = False,
        missing: str = "",
    ) -> None:
        super().__init__(required and not optional, parent, missing)
        self.setObjectName("dateField")
        self.edit.setObjectName("dateText")
        self.optional = optional
        self.past = past  # a date of birth: two-digit years in the past, never after today
        self.button = QToolButton()
        self.button.setObjectName("calendarButton")
        self.button.setText("▾")
        self.button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Tab goes field to field
        self.button.clicked.connect(self.open_calendar)
        self.row.addWidget(self.button)
        self._popup: QFrame | None = None
        self.edit.installEventFilter(self)
        self.retranslate()

    def _parse(self, text: str) -> date | None:
        return datetext.parse_date(text, past=self.past)

    def _words(self, value: object) -> str:
        assert isinstance(value, date)
        return datetext.format_date_words(value)

    def _shown_text(self, value: object, lang: str) -> str:
        assert isinstance(value, date)
        return datetext.date_field_text(value, lang)

    def _check(self, value: object) -> LegalAidError | None:
        if self.past and isinstance(value, date) and value > date.today():
            return LegalAidError(N_("This date cannot be in the future."))
        return None

    def _placeholder(self) -> None:
        self.edit.setPlaceholderText(_("dd/mm/yyyy"))
        self.edit.setToolTip(
            _(
                "Day first: 14/01/2027, 14/1/27, 14 ene 2027, 14 de enero de 2027 or 2027-01-14. "
                "Alt+Down opens the calendar."
            )
        )
        self.button.setToolTip(_("Choose the date in a calendar (Alt+Down)"))

    def value(self) -> date | None:
        """The date typed (None when empty or not a date: ask ``problem()`` first)."""
        try:
            return self._parse(self.edit.text())
        except DateTextError:
            return None

    def set_value(self, value: date | None) -> None:
        self._show(value)

    # --- the calendar ---------------------------------------------------------------------------
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.edit and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            alt_down = event.key() == Qt.Key.Key_Down and bool(
                event.modifiers() & Qt.KeyboardModifier.AltModifier
            )
            if alt_down or event.key() == Qt.Key.Key_F4:
                self.open_calendar()
                return True
        return False

    def open_calendar(self) -> QCalendarWidget:
        popup = QFrame(self, Qt.WindowType.Popup)
        popup.setObjectName("calendarPopup")
        popup.setFrameShape(QFrame.Shape.Box)
        popup.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        calendar = QCalendarWidget(popup)
        calendar.setObjectName("calendar")
        calendar.setLocale(self.locale())
        calendar.setGridVisible(True)
        start = self.value() or date.today()
        calendar.setSelectedDate(QDate(start.year, start.month, start.day))
        calendar.activated.connect(lambda day: self._chosen(day, popup))
        calendar.clicked.connect(lambda day: self._chosen(day, popup))
        QVBoxLayout(popup).addWidget(calendar)
        popup.adjustSize()
        below = self.edit.mapToGlobal(QPoint(0, self.edit.height()))
        screen = self.screen().availableGeometry()
        x = min(below.x(), screen.right() - popup.width())
        y = (
            below.y()
            if below.y() + popup.height() <= screen.bottom()
            else (self.edit.mapToGlobal(QPoint(0, 0)).y() - popup.height())
        )
        popup.move(max(screen.left(), x), max(screen.top(), y))
        popup.show()
        calendar.setFocus()
        self._popup = popup
        return calendar

    def _chosen(self, day: QDate, popup: QFrame) -> None:
        popup.close()
        self._popup = None
        self.set_value(date(day.year(), day.month(), day.day()))
        self.edit.setFocus()
        self.changed.emit()


class TimeField(_TypedField):
    """A wall-clock time: 8:30, 8:30 a. m., 13:00, 1 pm."""

    def __init__(
        self, parent: QWidget | None = None, *, required: bool = False, missing: str = ""
    ) -> None:
        super().__init__(required, parent, missing)
        self.setObjectName("timeField")
        self.edit.setObjectName("timeText")
        self.retranslate()

    def _parse(self, text: str) -> time | None:
        return datetext.parse_time(text)

    def _missing(self) -> str:
        return N_("Write the time.")

    def _words(self, value: object) -> str:
        assert isinstance(value, time)
        return datetext.time_words(value)

    def _shown_text(self, value: object, lang: str) -> str:
        assert isinstance(value, time)
        return datetext.time_field_text(value)

    def _placeholder(self) -> None:
        self.edit.setPlaceholderText(_("for example 8:30 or 1:00 p. m."))
        self.edit.setToolTip(_("8:30, 08:30, 8:30 a. m., 13:00 or 1 pm"))

    def value(self) -> time | None:
        try:
            return self._parse(self.edit.text())
        except DateTextError:
            return None

    def set_value(self, value: time | None) -> None:
        self._show(value)


def first_problem(fields: Sequence[_TypedField]) -> _TypedField | None:
    """Show every field's problem in red; returns the first field that has one."""
    first = None
    for field in fields:
        if field.insist() is not None and first is None:
            first = field
    return first
