"""The Documents tab: what was printed for this household, and buttons to print more.

Each line says when, what, whether it was saved (and where), printed or copied, and by whom;
a paper whose hearing has changed since is marked out of date. The list reads itself again
whenever a paper about this household is saved, printed or copied anywhere in the client.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from legalaid.context import AppContext
from legalaid.formatting import medium_date
from legalaid.i18n import _
from ui.common.tasks import TaskRunner, describe
from ui.common.widgets import ErrorLabel, Translatable
from ui.printing import papers
from ui.printing.doc_events import events

OUTDATED = "#6a1b9a"  # the Upcoming view's colour for "reminder out of date"

Builder = Callable[[AppContext, str], Any]


class DocumentsTab(Translatable, QWidget):
    document_ready = Signal(object)  # a Document to preview

    def __init__(self, ctx: AppContext, runner: TaskRunner, parent: Any = None) -> None:
        super().__init__(parent)
        self.ctx, self.runner = ctx, runner
        self.case_id: str | None = None
        self.records: list[Any] = []
        self.title = QLabel()
        self.list = QListWidget()
        self.list.setObjectName("documentList")
        self.error = ErrorLabel()
        self.buttons: dict[str, QPushButton] = {}
        row = QHBoxLayout()
        for name, builder in (
            ("reminder", papers.reminder_for_case),
            ("risk", papers.risk_note),
            ("cards", papers.wallet_cards),
        ):
            button = QPushButton()
            button.setObjectName(f"document_{name}")
            button.clicked.connect(lambda _=False, b=builder: self.build(b))
            self.buttons[name] = button
            row.addWidget(button)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.error)
        layout.addWidget(self.title)
        layout.addWidget(self.list, 1)
        events().logged.connect(self._paper_logged)
        self.retranslate()

    def _paper_logged(self, case_ids: set[str]) -> None:
        """A paper was saved, printed or copied: read the list again if it is about this
        household (or if nobody knows which household it was about)."""
        if self.case_id is not None and (not case_ids or self.case_id in case_ids):
            self.load(self.case_id)

    def retranslate(self) -> None:
        self.buttons["reminder"].setText(_("&Reminder letter…"))
        self.buttons["reminder"].setToolTip(_("Bilingual letter for the next hearing (Ctrl+P)"))
        self.buttons["risk"].setText(_("Risk &note…"))
        self.buttons["risk"].setToolTip(_("The risk note for a lawyer or an officer"))
        self.buttons["cards"].setText(_("&Wallet cards…"))
        self.buttons["cards"].setToolTip(_("Small cards with the hearing date for each person"))
        self.title.setText(_("Printed or saved for this household"))
        self._show()

    def load(self, case_id: str | None) -> None:
        self.case_id = case_id
        for button in self.buttons.values():
            button.setEnabled(case_id is not None)
        if case_id is None:
            self.records = []
            self._show()
            return
        ctx = self.ctx
        self.runner.query(
            lambda _c: papers.documents_for_case(ctx, case_id),
            done=self._loaded,
            failed=lambda _e: self._loaded([]),  # no history yet: still allow printing
            owner=self,
        )

    def _loaded(self, records: list[Any]) -> None:
        self.records = records
        self._show()

    def _show(self) -> None:
        self.list.clear()
        for record in self.records:
            item = QListWidgetItem(describe_record(record))
            if getattr(record, "outdated", False):
                item.setForeground(QBrush(QColor(OUTDATED)))
                item.setToolTip(
                    _(
                        "The hearing's date, time or place changed after this paper was "
                        "made: give the household a new one."
                    )
                )
            elif getattr(record, "file", ""):
                item.setToolTip(record.file)
            self.list.addItem(item)
        if not self.records:
            self.list.addItem(_("Nothing printed yet."))

    def build(self, builder: Builder) -> None:
        """Build the document on a worker, then open it in the preview."""
        if self.case_id is None:
            return
        ctx, case_id = self.ctx, self.case_id
        self.error.show_message("")
        self.runner.query(
            lambda _c: builder(ctx, case_id),
            done=self.document_ready.emit,
            failed=lambda e: self.error.show_message(describe(e)),
            owner=self,
        )


def describe_record(record: Any) -> str:
    """One line for a logged document, whatever shape the documents package gives it."""
    line = getattr(record, "line", None)
    if callable(line):  # legalaid.documents.log.DocumentRow: when · what · saved/printed · who
        return str(line())
    title = str(getattr(record, "title", "") or getattr(record, "kind", "") or "")
    when = None
    for name in ("created_at", "printed_at", "at", "logged_at"):
        when = getattr(record, name, None)
        if when is not None:
            break
    if isinstance(when, datetime):
        when = when.date()
    if isinstance(when, date):
        return _("%(date)s · %(title)s") % {"date": medium_date(when), "title": title}
    return title
