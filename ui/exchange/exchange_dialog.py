"""The Exchange window: files for other offices (written and read, with their history), and the
conflicts between offices, each decided by a person: keep one value, keep the other, type a new
one, or decide later. Every read and write runs through the runner."""

from __future__ import annotations

import secrets
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QRadioButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from legalaid.context import AppContext
from legalaid.i18n import _, babel_locale, ngettext
from ui.common.reference import Reference
from ui.common.screen import fit
from ui.common.tasks import TaskRunner, describe
from ui.editor.history_tab import ChangeText
from ui.exchange.server_sync import ServerSyncPanel, history_texts


def neutral_name() -> str:
    """A file name that says nothing of what the file holds or who it is for."""
    return f"{date.today():%Y%m%d}-{secrets.token_hex(3)}.dat"


class ExchangeDialog(QDialog):
    def __init__(
        self,
        ctx: AppContext,
        runner: TaskRunner,
        reference: Reference,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx, self.runner = ctx, runner
        self.text = ChangeText(reference)
        self.conflicts: list[Any] = []
        self.history: list[Any] = []
        self.setObjectName("exchangeDialog")
        layout = QVBoxLayout(self)
        self.tabs = QTabWidget()
        layout.addWidget(self.tabs)

        files = QWidget()
        files_layout = QVBoxLayout(files)
        self.server_sync = ServerSyncPanel(ctx, runner)  # ui/exchange/server_sync.py
        self.server_sync.synced.connect(self.reload)
        files_layout.addWidget(self.server_sync)
        row = QHBoxLayout()
        self.office_label = QLabel()
        self.office = QComboBox()
        self.office.setObjectName("exchangeOffice")
        self.office_label.setBuddy(self.office)
        self.export_button = QPushButton()
        self.import_button = QPushButton()
        row.addWidget(self.office_label)
        row.addWidget(self.office, 1)
        row.addWidget(self.export_button)
        files_layout.addLayout(row)
        files_layout.addWidget(self.import_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.files_message = QLabel()
        self.files_message.setObjectName("filesMessage")
        self.files_message.setWordWrap(True)
        files_layout.addWidget(self.files_message)
        # After an import that found possible duplicates: the Duplicates window on those pairs.
        self.found_pairs: list[tuple[str, str]] = []
        self.duplicates_button = QPushButton()
        self.duplicates_button.setObjectName("showDuplicates")
        self.duplicates_button.hide()
        self.duplicates_button.clicked.connect(self.show_duplicates)
        files_layout.addWidget(self.duplicates_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.history_label = QLabel()
        files_layout.addWidget(self.history_label)
        self.table = QTableWidget(0, 5)
        self.table.setObjectName("exchangeHistory")
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        files_layout.addWidget(self.table, 1)
        self.tabs.addTab(files, "")

        conflicts = QWidget()
        conflicts_layout = QHBoxLayout(conflicts)
        self.conflict_list = QListWidget()
        self.conflict_list.setObjectName("conflictList")
        self.conflict_list.setMinimumWidth(260)
        conflicts_layout.addWidget(self.conflict_list, 1)
        detail = QWidget()
        self.detail = QVBoxLayout(detail)
        self.conflict_title = QLabel()
        self.conflict_title.setWordWrap(True)
        self.before = QLabel()
        self.before.setWordWrap(True)
        self.detail.addWidget(self.conflict_title)
        self.detail.addWidget(self.before)
        self.sides_box = QWidget()
        self.sides_layout = QVBoxLayout(self.sides_box)
        self.sides_layout.setContentsMargins(0, 0, 0, 0)
        self.sides = QButtonGroup(self)
        self.detail.addWidget(self.sides_box)
        form = QFormLayout()
        self.typed_label = QLabel()
        self.typed = QLineEdit()
        self.typed.setObjectName("conflictTyped")
        self.typed_label.setBuddy(self.typed)
        form.addRow(self.typed_label, self.typed)
        self.detail.addLayout(form)
        buttons = QHBoxLayout()
        self.keep_button = QPushButton()
        self.keep_button.setObjectName("keepChosen")
        self.typed_button = QPushButton()
        self.later_button = QPushButton()
        for button in (self.keep_button, self.typed_button, self.later_button):
            buttons.addWidget(button)
        self.detail.addLayout(buttons)
        self.conflict_message = QLabel()
        self.conflict_message.setObjectName("conflictMessage")
        self.conflict_message.setWordWrap(True)
        self.detail.addWidget(self.conflict_message)
        self.detail.addStretch(1)
        conflicts_layout.addWidget(detail, 2)
        self.tabs.addTab(conflicts, "")

        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout.addWidget(close)
        self.export_button.clicked.connect(self.export_file)
        self.import_button.clicked.connect(self.import_file)
        self.conflict_list.currentRowChanged.connect(self._show_conflict)
        self.keep_button.clicked.connect(self.keep_chosen)
        self.typed_button.clicked.connect(self.keep_typed)
        self.later_button.clicked.connect(self.decide_later)
        self.retranslate()
        fit(self, 900, 600)
        self.reload()

    # --- reading ------------------------------------------------------------------------------
    def reload(self) -> None:
        from legalaid.exchange.sync import open_conflicts, trusted_offices
        from legalaid.services.sharing import exchange_log

        ctx = self.ctx
        self.runner.query(
            lambda _c: (trusted_offices(ctx), exchange_log(ctx), open_conflicts(ctx)),
            done=self._loaded,
            failed=lambda e: self.files_message.setText(describe(e)),
            owner=self,
        )

    def _loaded(self, loaded: tuple[list[str], list[Any], list[Any]]) -> None:
        offices, self.history, self.conflicts = loaded
        chosen = self.office.currentText()
        self.office.clear()
        self.office.addItems(offices)
        if chosen in offices:
            self.office.setCurrentText(chosen)
        self.export_button.setEnabled(bool(offices))
        self._fill_history()
        row = self.conflict_list.currentRow()
        self.conflict_list.clear()
        for conflict in self.conflicts:
            self.conflict_list.addItem(QListWidgetItem(self._conflict_item(conflict)))
        self._retranslate_tabs()
        if self.conflicts:
            self.conflict_list.setCurrentRow(min(max(row, 0), len(self.conflicts) - 1))
        else:
            self._show_conflict(-1)

    def _fill_history(self) -> None:
        from babel.dates import LOCALTZ, format_datetime

        self.table.setRowCount(len(self.history))
        for index, record in enumerate(self.history):
            direction = (
                _("Sent to %(office)s")
                if record.direction == "sent"
                else _("Received from %(office)s")
            ) % {"office": record.office}
            if record.direction == "sent":
                state = _("read by them") if record.acknowledged else _("not confirmed yet")
            else:
                state = ""
            values = (
                format_datetime(record.at, "medium", tzinfo=LOCALTZ, locale=babel_locale()),
                direction,
                ngettext("%(count)d change", "%(count)d changes", record.changes)
                % {"count": record.changes},
                _result_text(record),
                state,
            )
            synced = history_texts(record)  # a sync with the office server
            if synced is not None:
                values = (values[0], synced[0], values[2], synced[1], synced[2])
            for column, value in enumerate(values):
                self.table.setItem(index, column, QTableWidgetItem(value))

    def _conflict_item(self, conflict: Any) -> str:
        return _("%(case)s — %(field)s") % {
            "case": conflict.case_number or "—",
            "field": self.text.field_name(conflict.field),
        }

    def _show_conflict(self, row: int) -> None:
        for button in self.sides.buttons():
            self.sides.removeButton(button)
            self.sides_layout.removeWidget(button)
            button.hide()
            button.deleteLater()
        has = 0 <= row < len(self.conflicts)
        for widget in (self.keep_button, self.typed_button, self.later_button, self.typed):
            widget.setEnabled(has)
        if not has:
            self.conflict_title.setText(_("No conflict waiting: every office agrees."))
            self.before.setText("")
            return
        conflict = self.conflicts[row]
        self.conflict_title.setText(
            _(
                "Case %(case)s: %(field)s was changed at two offices without either seeing the "
                "other's change."
            )
            % {"case": conflict.case_number or "—", "field": self.text.field_name(conflict.field)}
        )
        self.before.setText(
            _("Before both changes: %(value)s")
            % {"value": self._value(conflict, conflict.base_value)}
        )
        for number, side in enumerate(conflict.sides, 1):
            words = (
                _("%(value)s — %(by)s, %(office)s, %(when)s (shown meanwhile)")
                if side["value"] == conflict.provisional
                else _("%(value)s — %(by)s, %(office)s, %(when)s")
            )
            button = QRadioButton(
                words
                % {
                    "value": self._value(conflict, side["value"]),
                    "by": side["by"] or "—",
                    "office": side.get("office") or "—",
                    "when": _clock_text(side["at"]),
                }
            )
            button.setObjectName(f"side{number}")
            self.sides.addButton(button, number)
            self.sides_layout.addWidget(button)
        first = self.sides.button(1)
        if first is not None:
            first.setChecked(True)

    def _value(self, conflict: Any, value: Any) -> str:
        return self.text.value(conflict.table, {}, conflict.field, value)

    # --- deciding ----------------------------------------------------------------------------
    def _current(self) -> Any | None:
        row = self.conflict_list.currentRow()
        return self.conflicts[row] if 0 <= row < len(self.conflicts) else None

    def keep_chosen(self) -> None:
        conflict = self._current()
        if conflict is None or self.sides.checkedId() < 1:
            return
        self._decide(conflict, keep=self.sides.checkedId())

    def keep_typed(self) -> None:
        conflict = self._current()
        typed = self.typed.text().strip()
        if conflict is None:
            return
        if not typed:
            self.conflict_message.setText(_("Type the value to keep, then save it."))
            self.typed.setFocus()
            return
        self._decide(conflict, value=typed)

    def _decide(self, conflict: Any, keep: int | None = None, value: Any = None) -> None:
        from legalaid.exchange.sync import resolve
        from legalaid.services.ops import OpChanges

        ctx, ident = self.ctx, conflict.id

        def work(_control: Any) -> Any:
            resolve(ctx, ident, keep=keep, value=value)
            return OpChanges.of("case", case=None)

        def done(_result: Any) -> None:
            self.conflict_message.setText(
                _("Decided. The decision goes to the other offices with the next exchange file.")
            )
            self.typed.clear()
            self.reload()

        self.runner.command(
            work,
            done=done,
            failed=lambda e: self.conflict_message.setText(describe(e)),
            owner=self,
        )

    def decide_later(self) -> None:
        row = self.conflict_list.currentRow()
        if self.conflicts:
            self.conflict_list.setCurrentRow((row + 1) % len(self.conflicts))
        self.conflict_message.setText(_("Left for later: the value shown meanwhile stays."))

    # --- files -------------------------------------------------------------------------------
    def export_file(self) -> None:
        from legalaid.exchange.sync import export_for

        office = self.office.currentText()
        if not office:
            return
        path, _filter = QFileDialog.getSaveFileName(
            self,
            _("Save the exchange file (a USB stick, or a folder to send it from)"),
            str(Path.home() / neutral_name()),
        )
        if not path:
            return
        ctx = self.ctx

        def done(result: Any) -> None:
            self.files_message.setText(
                ngettext(
                    "%(count)d change written for %(office)s. Carry the file to them; its name "
                    "and outside say nothing of what it holds.",
                    "%(count)d changes written for %(office)s. Carry the file to them; its name "
                    "and outside say nothing of what it holds.",
                    result.changes,
                )
                % {"count": result.changes, "office": result.office}
            )
            self.reload()

        self.runner.command(
            lambda _c: export_for(ctx, office, Path(path)),
            done=done,
            failed=lambda e: self.files_message.setText(describe(e)),
            owner=self,
        )

    def import_file(self) -> None:
        from legalaid.exchange.sync import import_file
        from legalaid.services.ops import OpChanges

        path, _filter = QFileDialog.getOpenFileName(
            self, _("An exchange file from another office"), str(Path.home())
        )
        if not path:
            return
        ctx = self.ctx

        class Imported:
            def __init__(self, summary: Any) -> None:
                self.summary = summary
                self.changes = OpChanges.all() if summary.changes else OpChanges()

        def done(result: Imported) -> None:
            summary = result.summary
            self.found_pairs = list(summary.duplicates)
            self.duplicates_button.setVisible(bool(self.found_pairs))
            if summary.already:
                self.files_message.setText(_("This file was imported before; nothing changed."))
            else:
                said = (
                    _(
                        "From %(office)s: %(updated)d households updated, %(new)d new, "
                        "%(conflicts)d conflicts, %(decisions)d decisions received "
                        "(%(changes)d changes)."
                    )
                    % summary.as_json()
                )
                if self.found_pairs:
                    count = len(self.found_pairs)
                    said += "\n" + ngettext(
                        "%(count)d possible duplicate: a household of this file may be one "
                        "already here. Compare them and decide.",
                        "%(count)d possible duplicates: households of this file may be ones "
                        "already here. Compare them and decide.",
                        count,
                    ) % {"count": count}
                self.files_message.setText(said)
            self.reload()

        self.runner.command(
            lambda _c: Imported(import_file(ctx, Path(path))),
            done=done,
            failed=lambda e: self.files_message.setText(describe(e)),
            owner=self,
        )

    def show_duplicates(self) -> None:
        """The Duplicates window on the pairs the last import found."""
        from ui.exchange.duplicates_dialog import DuplicatesDialog

        DuplicatesDialog(self.ctx, self.runner, self, only=self.found_pairs).open()

    # --- words -------------------------------------------------------------------------------
    def _retranslate_tabs(self) -> None:
        self.tabs.setTabText(0, _("Files"))
        self.tabs.setTabText(
            1,
            ngettext("Conflicts (%(count)d)", "Conflicts (%(count)d)", len(self.conflicts))
            % {"count": len(self.conflicts)},
        )

    def retranslate(self) -> None:
        self.setWindowTitle(_("Exchange with offices"))
        self.office_label.setText(_("&Office:"))
        self.export_button.setText(_("&Write a file for this office…"))
        self.import_button.setText(_("&Read a file from an office…"))
        self.duplicates_button.setText(_("Compare the possible &duplicates…"))
        self.history_label.setText(_("Files written and read, syncs with the office server"))
        self.table.setHorizontalHeaderLabels(
            [_("When"), _("Office"), _("Changes"), _("Result"), _("State")]
        )
        self.typed_label.setText(_("Or another &value:"))
        self.keep_button.setText(_("&Keep the chosen value"))
        self.typed_button.setText(_("&Save the value typed"))
        self.later_button.setText(_("Decide &later"))
        self._retranslate_tabs()
        self._fill_history()
        for index, conflict in enumerate(self.conflicts):
            item = self.conflict_list.item(index)
            if item is not None:
                item.setText(self._conflict_item(conflict))
        self._show_conflict(self.conflict_list.currentRow())

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)


def _result_text(record: Any) -> str:
    """What a file did, from the counts kept with it: a sent file's cases, a received file's
    households updated and new, conflicts and decisions."""
    counts = record.counts or {}
    if record.direction == "sent":
        cases = int(counts.get("cases", 0))
        return ngettext("%(count)d case", "%(count)d cases", cases) % {"count": cases}
    return _(
        "households updated: %(updated)d · new: %(new)d · conflicts: %(conflicts)d · "
        "decisions: %(decisions)d"
    ) % {
        "updated": int(counts.get("updated", 0)),
        "new": int(counts.get("new", 0)),
        "conflicts": int(counts.get("conflicts", 0)),
        "decisions": int(counts.get("decisions", 0)),
    }


def _clock_text(hlc: str) -> str:
    """A change's clock reading as a date and time a person reads (its wall-clock part)."""
    from datetime import UTC, datetime

    from babel.dates import LOCALTZ, format_datetime

    try:
        millis = int(str(hlc).split(".")[0])
    except ValueError:
        return "—"
    moment = datetime.fromtimestamp(millis / 1000, UTC)
    return format_datetime(moment, "medium", tzinfo=LOCALTZ, locale=babel_locale())
