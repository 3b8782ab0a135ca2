"""The Hearings tab: the full history (a new date never hides the old one) and its actions."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from legalaid.context import AppContext
from legalaid.formatting import clock, local_date
from legalaid.i18n import N_, _
from legalaid.labels import label
from legalaid.models import Hearing, HearingStatus
from legalaid.services import hearings as service
from ui.common.reference import Reference
from ui.common.tasks import TaskRunner, describe
from ui.common.widgets import ErrorLabel, Translatable, compact_rows, table_date
from ui.editor.hearing_dialog import HearingDialog

COLUMNS = [
    N_("Date"),
    N_("Time"),
    N_("Report at"),
    N_("Court"),
    N_("Crossing"),
    N_("Kind"),
    N_("Status"),
    N_("Checked with the court"),
    N_("History"),
]
CLOSED = {HearingStatus.POSTPONED, HearingStatus.CANCELLED}
ParentIndex = QModelIndex | QPersistentModelIndex


class HearingHistoryModel(QAbstractTableModel):
    """The live hearings first (the next on top), then the others newest first; postponed and
    cancelled dates stay, greyed."""

    def __init__(self, reference: Reference, parent: Any = None) -> None:
        super().__init__(parent)
        self.reference = reference
        self.rows: list[Hearing] = []

    def set_hearings(self, hearings: list[Hearing]) -> None:
        self.beginResetModel()
        self.rows = service.history_order(hearings)
        self.endResetModel()

    def rowCount(self, parent: ParentIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: ParentIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if (
            orientation == Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DisplayRole
            and 0 <= section < len(COLUMNS)
        ):
            return _(COLUMNS[section])
        return None

    def data(self, index: ParentIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        hearing = self.rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(hearing, index.column())
        if role == Qt.ItemDataRole.ForegroundRole and hearing.status in CLOSED:
            return QBrush(QColor("#777777"))
        if role == Qt.ItemDataRole.ForegroundRole and hearing.status == HearingStatus.MISSED:
            return QBrush(QColor("#b00020"))
        if role == Qt.ItemDataRole.FontRole and hearing.status in CLOSED:
            font = QFont()
            font.setItalic(True)
            return font
        return None

    def _text(self, h: Hearing, column: int) -> str:
        crossing = self.reference.crossing_by_id(h.crossing_id)
        if column == 0:
            return table_date(local_date(h.starts_at, h.zone)) if h.starts_at else "—"
        if column == 1:
            return clock(h.starts_at, h.zone) if h.starts_at else "—"
        if column == 2:
            zone = crossing.zone if crossing else h.zone
            return clock(h.report_at, zone) if h.report_at else "—"
        if column == 3:
            return self.reference.court_name(h.court_id) or "—"
        if column == 4:
            return self.reference.crossing_name(h.crossing_id) or "—"
        if column == 5:
            return label("hearing_kind", h.kind)
        if column == 6:
            return label("hearing_status", h.status)
        if column == 7:
            if h.verified_at is None:
                return _("Never")
            return _("%(date)s by %(name)s") % {
                "date": table_date(local_date(h.verified_at, h.zone)),
                "name": h.verified_by or "—",
            }
        if column == 8:
            return self._history(h)
        return ""

    def _history(self, h: Hearing) -> str:
        older = next((o for o in self.rows if o.id == h.replaces_id), None)
        if older is not None and older.starts_at is not None:
            return _("Replaces %(date)s") % {
                "date": table_date(local_date(older.starts_at, older.zone))
            }
        return h.outcome or h.notes or ""

    def retranslate(self) -> None:
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(COLUMNS) - 1)
        if self.rows:
            self.dataChanged.emit(
                self.index(0, 0), self.index(len(self.rows) - 1, len(COLUMNS) - 1)
            )


class HearingsTab(Translatable, QWidget):
    changed = Signal()  # a hearing was written: the editor reloads the case

    def __init__(
        self, ctx: AppContext, runner: TaskRunner, reference: Reference, parent: Any = None
    ) -> None:
        super().__init__(parent)
        self.ctx, self.runner, self.reference = ctx, runner, reference
        self.case_id: str | None = None
        self.default_crossing, self.default_court = "", ""
        self.model = HearingHistoryModel(reference, self)
        self.table = QTableView()
        self.table.setObjectName("hearingTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setWordWrap(False)
        compact_rows(self.table)
        self.error = ErrorLabel()
        self.buttons: dict[str, QPushButton] = {}
        row = QHBoxLayout()
        for name, slot in (
            ("schedule", self.schedule),
            ("reschedule", self.reschedule),
            ("attended", lambda: self.outcome(HearingStatus.ATTENDED)),
            ("missed", lambda: self.outcome(HearingStatus.MISSED)),
            ("verified", self.verified),
            ("cancel", self.cancel),
        ):
            button = QPushButton()
            button.setObjectName(f"hearing_{name}")
            button.clicked.connect(slot)
            self.buttons[name] = button
            row.addWidget(button)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.error)
        layout.addLayout(row)
        self.table.selectionModel().selectionChanged.connect(self._enable)
        self.retranslate()
        self._enable()

    def retranslate(self) -> None:
        texts = {
            "schedule": (_("&New hearing…"), _("Add a hearing date from a notice")),
            "reschedule": (_("&Reschedule…"), _("The court gave a new date: the old one stays")),
            "attended": (_("A&ttended"), _("The household went to this hearing")),
            "missed": (_("&Missed"), _("The household did not go: talk to a lawyer today")),
            "verified": (_("&Verified today"), _("You checked this date with the court today")),
            "cancel": (_("Cancel hearing…"), _("The court cancelled this hearing")),
        }
        for name, (text, tip) in texts.items():
            self.buttons[name].setText(text)
            self.buttons[name].setToolTip(tip)
        self.model.retranslate()

    def load(self, case_id: str | None, hearings: list[Hearing], crossing: str, court: str) -> None:
        self.case_id = case_id
        self.default_crossing, self.default_court = crossing, court
        self.model.set_hearings(hearings)
        live = next((r for r, h in enumerate(self.model.rows) if h.status not in CLOSED), None)
        if live is not None:
            self.table.selectRow(live)
        self._enable()

    def selected(self) -> Hearing | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.rows[rows[0].row()] if rows else None

    def _enable(self) -> None:
        hearing = self.selected()
        live = hearing is not None and hearing.status not in CLOSED
        self.buttons["schedule"].setEnabled(self.case_id is not None)
        for name in ("reschedule", "attended", "missed", "verified", "cancel"):
            self.buttons[name].setEnabled(live)
        if self.case_id is None:
            self.error.show_message(_("Save the case first; then add its hearings here."))
        else:
            self.error.show_message("")

    # --- actions: each one calls one service on a worker ---------------------------------------
    def schedule(self) -> None:
        ctx, case_id = self.ctx, self.case_id
        if case_id is None:
            return
        self._dialog(lambda data: service.schedule_hearing(ctx, case_id, data), None)

    def reschedule(self) -> None:
        old = self.selected()
        if old is None:
            return
        ctx, old_id, version = self.ctx, old.id, old.version
        self._dialog(lambda data: service.reschedule_hearing(ctx, old_id, version, data), old)

    def _dialog(self, submit: Any, old: Hearing | None) -> None:
        dialog = HearingDialog(
            self.runner,
            self.reference,
            submit,
            rescheduling=old,
            crossing=self.default_crossing,
            court=self.default_court,
            parent=self,
        )
        if dialog.exec() == HearingDialog.DialogCode.Accepted:
            self.changed.emit()

    def outcome(self, status: str) -> None:
        hearing = self.selected()
        if hearing is None:
            return
        text, ok = QInputDialog.getMultiLineText(
            self, label("hearing_status", status), _("What happened? (optional)")
        )
        if not ok:
            return
        ctx, hearing_id, version = self.ctx, hearing.id, hearing.version
        self._write(lambda: service.record_outcome(ctx, hearing_id, version, status, text))

    def verified(self) -> None:
        hearing = self.selected()
        if hearing is not None:
            ctx, hearing_id = self.ctx, hearing.id
            self._write(lambda: service.mark_verified(ctx, hearing_id))

    def cancel(self) -> None:
        hearing = self.selected()
        if hearing is None:
            return
        answer = QMessageBox.question(
            self,
            _("Cancel hearing"),
            _("Mark this hearing as cancelled by the court? It stays in the history."),
        )
        if answer == QMessageBox.StandardButton.Yes:
            ctx, hearing_id, version = self.ctx, hearing.id, hearing.version
            self._write(lambda: service.cancel_hearing(ctx, hearing_id, version))

    def _write(self, call: Any) -> None:
        self.runner.command(
            lambda _c: call(),
            done=lambda _h: self.changed.emit(),
            failed=lambda e: self.error.show_message(describe(e)),
            owner=self,
        )
