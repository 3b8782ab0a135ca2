"""Crossings and courts: a table of each and, under it, the fields of the chosen row.

Every write goes through legalaid.services.reference (update_crossing, update_court): validated
there, recorded in the history and the change log, announced to the other windows (their lists
of crossings and courts are read again). On the office server only administrators may change
reference data (PostgreSQL refuses anyone else); for other logins the window opens read-only and
says why, in a line of text and on every field's tooltip.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from legalaid.context import AppContext
from legalaid.errors import LegalAidError
from legalaid.formatting import number
from legalaid.i18n import N_, _
from ui.common.reference import named
from ui.common.screen import fit
from ui.common.tasks import TaskRunner, describe
from ui.common.widgets import ErrorLabel, FieldErrors, Translatable, boxed

TEXT, HOURS, CHECK = "text", "hours", "check"
READ_ONLY = N_(
    "Only an administrator of the office server can change crossings and courts; your login "
    "%(login)s can read them."
)


@dataclass(frozen=True)
class Field:
    name: str  # the model's attribute, as the service takes it
    kind: str
    label: str  # msgid


CROSSING_FIELDS = (
    Field("address", TEXT, N_("&Address")),
    Field("reporting_point_es", TEXT, N_("Reporting point (Spanish)")),
    Field("reporting_point_en", TEXT, N_("Reporting point (English)")),
    Field("report_hours_before", HOURS, N_("&Report before the hearing")),
    Field("active", CHECK, N_("Offered in the lists")),
)
COURT_FIELDS = (
    Field("address", TEXT, N_("&Address")),
    Field("city", TEXT, N_("City")),
    Field("phone", TEXT, N_("&Phone")),
    Field("by_video", CHECK, N_("Hearings by video")),
    Field("confirmed", CHECK, N_("Confirmed court")),
    Field("active", CHECK, N_("Offered in the lists")),
)
# The tables' columns: an attribute or "name" (in the interface language).
CROSSING_COLUMNS = (
    ("code", N_("Code")),
    ("name", N_("Name")),
    ("address", N_("Address")),
    ("report_hours_before", N_("Report (hours before)")),
)
COURT_COLUMNS = (
    ("code", N_("Code")),
    ("name", N_("Name")),
    ("address", N_("Address")),
    ("city", N_("City")),
    ("phone", N_("Phone")),
)


class ReferencePage(QWidget):
    """One kind of record: its table and the form of the chosen row."""

    def __init__(
        self, kind: str, fields: tuple[Field, ...], columns: tuple[tuple[str, str], ...]
    ) -> None:
        super().__init__()
        self.kind, self.fields, self.columns = kind, fields, columns
        self.setObjectName(f"{kind}Page")
        self.records: list[Any] = []
        self.errors = FieldErrors(ErrorLabel())
        self.table = QTableWidget(0, len(columns))
        self.table.setObjectName(f"{kind}Table")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        for column, (attr, _label) in enumerate(columns):
            mode = (
                QHeaderView.ResizeMode.Stretch
                if attr in ("name", "address")
                else QHeaderView.ResizeMode.ResizeToContents
            )
            header.setSectionResizeMode(column, mode)
        self.widgets: dict[str, QWidget] = {}
        self.labels: dict[str, QLabel] = {}
        self.form = QWidget()
        form = QFormLayout(self.form)
        for field in fields:
            widget: QWidget
            if field.kind == TEXT:
                widget = QLineEdit()
            elif field.kind == HOURS:
                spin = QDoubleSpinBox()  # wider than allowed: the service says what is
                spin.setRange(0, 24)
                spin.setDecimals(1)
                spin.setSingleStep(0.5)
                spin.setMaximumWidth(spin.fontMetrics().horizontalAdvance("0" * 24))
                widget = spin
            else:
                widget = QCheckBox()
            widget.setObjectName(f"{kind}_{field.name}")
            self.widgets[field.name] = widget
            label = QLabel()
            label.setBuddy(widget)
            self.labels[field.name] = label
            form.addRow(label, boxed(widget, self.errors.add(field.name, widget)))
        self.save_button = QPushButton()
        self.save_button.setObjectName(f"{kind}Save")
        self.save_button.setAutoDefault(False)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.form)
        layout.addWidget(self.errors.general)
        layout.addLayout(buttons)
        self.editable = False
        self.reason = ""
        self.table.itemSelectionChanged.connect(self._chosen)

    def retranslate(self) -> None:
        self.table.setHorizontalHeaderLabels([_(label) for _attr, label in self.columns])
        for field in self.fields:
            label = self.labels[field.name]
            if field.kind == CHECK:
                label.setText("")
                widget = self.widgets[field.name]
                assert isinstance(widget, QCheckBox)
                widget.setText(_(field.label))
            else:
                label.setText(_(field.label))
                label.setMinimumWidth(0)  # measured again: a label with an "&" is cut short
                label.setMinimumWidth(
                    label.sizeHint().width() + label.fontMetrics().averageCharWidth()
                )
        hours = self.widgets.get("report_hours_before")
        if isinstance(hours, QDoubleSpinBox):
            hours.setSuffix(_(" hours"))
        self.save_button.setText(_("&Save changes"))
        self._fill_table()

    # --- showing ------------------------------------------------------------------------------
    def show_records(self, records: list[Any]) -> None:
        code = self.selected_code()
        self.records = records
        self._fill_table()
        rows = [i for i, r in enumerate(records) if r.code == code] or ([0] if records else [])
        if rows:
            self.table.selectRow(rows[0])
        self._chosen()

    def _fill_table(self) -> None:
        self.table.setRowCount(len(self.records))
        for row, record in enumerate(self.records):
            for column, (attr, _label) in enumerate(self.columns):
                if attr == "name":
                    text = named(record)
                elif attr == "report_hours_before":
                    text = number(record.report_hours_before)
                else:
                    text = str(getattr(record, attr) or "")
                item = QTableWidgetItem(text)
                if not record.active:
                    item.setToolTip(_("Not offered in the lists"))
                self.table.setItem(row, column, item)

    def selected(self) -> Any | None:
        rows = self.table.selectionModel().selectedRows()
        return self.records[rows[0].row()] if rows else None

    def selected_code(self) -> str | None:
        record = self.selected()
        return None if record is None else str(record.code)

    def _chosen(self) -> None:
        record = self.selected()
        self.errors.clear()
        for field in self.fields:
            widget = self.widgets[field.name]
            value = getattr(record, field.name) if record is not None else None
            if isinstance(widget, QLineEdit):
                widget.setText(str(value or ""))
            elif isinstance(widget, QDoubleSpinBox):
                widget.setValue(float(value or 0))
            elif isinstance(widget, QCheckBox):
                widget.setChecked(bool(value))
        self._enable()

    # --- editing ------------------------------------------------------------------------------
    def set_editable(self, editable: bool, reason: str) -> None:
        self.editable, self.reason = editable, reason
        self._enable()

    def _enable(self) -> None:
        can = self.editable and self.selected() is not None
        for widget in self.widgets.values():
            if isinstance(widget, QLineEdit):
                widget.setReadOnly(not can)
            else:
                widget.setEnabled(can)
            widget.setToolTip("" if self.editable else self.reason)
        self.save_button.setEnabled(can)
        self.save_button.setToolTip("" if self.editable else self.reason)

    def changes(self) -> dict[str, Any]:
        """The fields that differ from the chosen record, as the service takes them."""
        record = self.selected()
        if record is None:
            return {}
        out: dict[str, Any] = {}
        for field in self.fields:
            widget = self.widgets[field.name]
            value: Any
            if isinstance(widget, QLineEdit):
                value = widget.text()
            elif isinstance(widget, QDoubleSpinBox):
                value = widget.value()
            else:
                assert isinstance(widget, QCheckBox)
                value = widget.isChecked()
            if value != getattr(record, field.name):
                out[field.name] = value
        return out


class ReferenceDialog(Translatable, QDialog):
    def __init__(self, ctx: AppContext, runner: TaskRunner, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("referenceDialog")
        self.ctx, self.runner = ctx, runner
        self.login = str(getattr(ctx, "login", "") or "")
        self.editable: bool | None = None  # known once loaded
        self.read_only = QLabel()
        self.read_only.setObjectName("readOnlyReason")
        self.read_only.setWordWrap(True)
        self.read_only.hide()
        self.crossings = ReferencePage("crossing", CROSSING_FIELDS, CROSSING_COLUMNS)
        self.courts = ReferencePage("court", COURT_FIELDS, COURT_COLUMNS)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.crossings, "")
        self.tabs.addTab(self.courts, "")
        self.message = QLabel()
        self.message.setObjectName("referenceMessage")
        self.message.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.read_only)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self.crossings.save_button.clicked.connect(lambda: self.save(self.crossings))
        self.courts.save_button.clicked.connect(lambda: self.save(self.courts))
        self.retranslate()
        fit(self, 980, 700)
        self.reload()

    def retranslate(self) -> None:
        self.setWindowTitle(_("Crossings and courts"))
        self.tabs.setTabText(0, _("Crossings"))
        self.tabs.setTabText(1, _("Courts"))
        self.crossings.retranslate()
        self.courts.retranslate()
        reason = _(READ_ONLY) % {"login": self.login}
        self.read_only.setText(reason)
        if self.editable is not None:
            for page in (self.crossings, self.courts):
                page.set_editable(self.editable, reason)

    # --- reading ------------------------------------------------------------------------------
    def reload(self) -> None:
        ctx = self.ctx

        def work(_control: Any) -> tuple[list[Any], list[Any], bool]:
            from legalaid.services.reference import list_courts, list_crossings

            editable = True
            if getattr(ctx, "server", ""):
                from legalaid.server.desk import role_of

                editable = role_of(ctx.db).admin
            return list_crossings(ctx), list_courts(ctx), editable

        self.runner.query(work, done=self._show, failed=self._failed, owner=self)

    def _show(self, loaded: tuple[list[Any], list[Any], bool]) -> None:
        crossings, courts, editable = loaded
        self.editable = editable
        self.read_only.setVisible(not editable)
        reason = _(READ_ONLY) % {"login": self.login}
        self.crossings.show_records(crossings)
        self.courts.show_records(courts)
        for page in (self.crossings, self.courts):
            page.set_editable(editable, reason)

    def _failed(self, error: BaseException) -> None:
        self.message.setText(describe(error))

    # --- writing ------------------------------------------------------------------------------
    def save(self, page: ReferencePage) -> None:
        code = page.selected_code()
        changes = page.changes()
        page.errors.clear()
        self.message.setText("")
        if code is None:
            return
        if not changes:
            self.message.setText(_("Nothing was changed."))
            return
        from legalaid.services.reference import update_court, update_crossing

        update = update_crossing if page.kind == "crossing" else update_court
        ctx = self.ctx

        def done(_saved: Any) -> None:
            self.message.setText(_("Saved: %(code)s.") % {"code": code})
            self.reload()

        def failed(error: BaseException) -> None:
            if isinstance(error, LegalAidError):
                first = page.errors.show(error.by_field())
                if first is not None:
                    first.setFocus()
            else:
                page.errors.show({None: describe(error)})

        self.runner.command(
            lambda _c: update(ctx, code, **changes), done=done, failed=failed, owner=self
        )
