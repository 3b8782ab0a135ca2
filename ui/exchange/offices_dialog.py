"""The Offices window: this office's fingerprint, the other offices and their trust.

Trusting an office is a person's decision: the dialog asks for the fingerprint the other office
reads out from its own screen, and refuses one that does not match. Every read and write runs
through the runner (queries and commands), never on the UI thread.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from legalaid.context import AppContext
from legalaid.i18n import N_, _
from ui.common.screen import fit
from ui.common.tasks import TaskRunner, describe

STATES = {
    "added": N_("added, fingerprint not compared"),
    "trusted": N_("trusted"),
    "revoked": N_("revoked"),
}


def _risk_text(office: Any) -> str:
    return _("sent") if office.receives_risk else _("not sent")


class OfficesDialog(QDialog):
    def __init__(self, ctx: AppContext, runner: TaskRunner, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx, self.runner = ctx, runner
        self.offices: list[Any] = []
        self.setObjectName("officesDialog")
        layout = QVBoxLayout(self)
        self.own = QGroupBox()
        own = QVBoxLayout(self.own)
        self.own_name = QLabel()
        self.own_name.setWordWrap(True)
        self.fingerprint = QLabel()
        self.fingerprint.setObjectName("ownFingerprint")
        self.fingerprint.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        big = QFont("DejaVu Sans Mono")
        big.setStyleHint(QFont.StyleHint.Monospace)
        big.setPointSizeF(big.pointSizeF() * 1.6)
        self.fingerprint.setFont(big)
        self.fingerprint_hint = QLabel()
        self.fingerprint_hint.setWordWrap(True)
        own.addWidget(self.own_name)
        own.addWidget(self.fingerprint)
        own.addWidget(self.fingerprint_hint)
        self.create_form = QWidget()
        form = QFormLayout(self.create_form)
        self.name_edit = QLineEdit()
        self.name_edit.setObjectName("officeName")
        self.prefix_edit = QLineEdit()
        self.prefix_edit.setObjectName("officePrefix")
        self.prefix_edit.setMaxLength(6)
        self.create_button = QPushButton()
        self.name_label, self.prefix_label = QLabel(), QLabel()
        self.name_label.setBuddy(self.name_edit)
        self.prefix_label.setBuddy(self.prefix_edit)
        form.addRow(self.name_label, self.name_edit)
        form.addRow(self.prefix_label, self.prefix_edit)
        form.addRow(self.create_button)
        own.addWidget(self.create_form)
        layout.addWidget(self.own)

        self.others_label = QLabel()
        layout.addWidget(self.others_label)
        self.table = QTableWidget(0, 5)
        self.table.setObjectName("officesTable")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        for column, mode in enumerate(
            (
                QHeaderView.ResizeMode.Stretch,
                QHeaderView.ResizeMode.ResizeToContents,
                QHeaderView.ResizeMode.ResizeToContents,  # the fingerprint on one line
                QHeaderView.ResizeMode.ResizeToContents,
                QHeaderView.ResizeMode.ResizeToContents,
            )
        ):
            header.setSectionResizeMode(column, mode)
        layout.addWidget(self.table, 1)
        row = QHBoxLayout()
        self.add_button = QPushButton()
        self.trust_button = QPushButton()
        self.revoke_button = QPushButton()
        self.export_button = QPushButton()
        for button in (self.add_button, self.trust_button, self.revoke_button, self.export_button):
            row.addWidget(button)
        layout.addLayout(row)
        # Risk narratives and incidents travel only to an office a person marked (the lawyer, on
        # the office server); asked before it changes.
        self.risk_box = QCheckBox()
        self.risk_box.setObjectName("receivesRisk")
        self.risk_box.setEnabled(False)
        layout.addWidget(self.risk_box)
        self.message = QLabel()
        self.message.setObjectName("officesMessage")
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)

        self.create_button.clicked.connect(self.create_office)
        self.add_button.clicked.connect(self.add_office)
        self.trust_button.clicked.connect(self.trust_selected)
        self.revoke_button.clicked.connect(self.revoke_selected)
        self.export_button.clicked.connect(self.export_identity)
        self.risk_box.clicked.connect(self.risk_clicked)
        self.table.itemSelectionChanged.connect(self._enable)
        self.retranslate()
        fit(self, 760, 560)
        self.reload()

    # --- reading ------------------------------------------------------------------------------
    def reload(self) -> None:
        from legalaid.services.offices import list_offices

        self.runner.query(lambda _c: list_offices(self.ctx), done=self._show, owner=self)

    def _show(self, offices: list[Any]) -> None:
        mine = next((o for o in offices if o.state == "self"), None)
        self.offices = [o for o in offices if o.state != "self"]
        self.mine = mine
        self.create_form.setVisible(mine is None)
        self.fingerprint.setVisible(mine is not None)
        self.fingerprint_hint.setVisible(mine is not None)
        self.export_button.setEnabled(mine is not None)
        self.add_button.setEnabled(mine is not None)
        self.fingerprint.setText(mine.fingerprint if mine else "")
        selected = self._selected()
        self.table.setRowCount(len(self.offices))
        for index, office in enumerate(self.offices):
            values = (
                office.name,
                office.prefix,
                office.fingerprint,
                _(STATES[office.state]),
                _risk_text(office),
            )
            for column, value in enumerate(values):
                self.table.setItem(index, column, QTableWidgetItem(value))
            if selected is not None and office.name == selected.name:
                self.table.selectRow(index)
        self._retranslate_own()
        self._enable()

    def _selected(self) -> Any | None:
        rows = self.table.selectionModel().selectedRows()
        return self.offices[rows[0].row()] if rows else None

    def _enable(self) -> None:
        office = self._selected()
        self.trust_button.setEnabled(office is not None and office.state != "trusted")
        self.revoke_button.setEnabled(office is not None and office.state != "revoked")
        # Only a trusted office can be marked; a mark can always be taken off.
        self.risk_box.setEnabled(
            office is not None and (office.state == "trusted" or office.receives_risk)
        )
        self.risk_box.setChecked(office is not None and office.receives_risk)
        self._retranslate_risk()

    # --- writing ------------------------------------------------------------------------------
    def _write(self, work: Any, said: str) -> None:
        self.message.setText("")

        def done(_result: Any) -> None:
            self.message.setText(said)
            self.reload()

        self.runner.command(
            lambda _c: work(), done=done, failed=self._failed_and_reload, owner=self
        )

    def _failed(self, error: BaseException) -> None:
        self.message.setText(describe(error))

    def create_office(self) -> None:
        from legalaid.services.offices import init_office

        name, prefix = self.name_edit.text(), self.prefix_edit.text()
        self._write(
            lambda: init_office(self.ctx, name, prefix),
            _("This office's identity was created. Read its fingerprint to the other offices."),
        )

    def add_office(self) -> None:
        from legalaid.services.offices import add_office

        path, _filter = QFileDialog.getOpenFileName(
            self, _("Another office's identity file"), str(Path.home())
        )
        if not path:
            return

        def work() -> Any:
            with open(path, "rb") as handle:  # an identity file is small; never read a huge one
                data = handle.read(64 * 1024)
            return add_office(self.ctx, data)

        self._write(
            work,
            _("Added. Call that office and compare its fingerprint before trusting it."),
        )

    def trust_selected(self) -> None:
        from legalaid.services.offices import trust_office

        office = self._selected()
        if office is None:
            return
        typed, ok = QInputDialog.getText(
            self,
            _("Compare the fingerprint"),
            _(
                "Call %(name)s and ask them to read the fingerprint shown on their own screen "
                "(Offices window, or `legalaid office fingerprint`). Type what they read:"
            )
            % {"name": office.name},
        )
        if not ok:
            return
        self._write(
            lambda: trust_office(self.ctx, office.name, typed),
            _("%(name)s is trusted: its exchange files will be accepted.") % {"name": office.name},
        )

    def revoke_selected(self) -> None:
        from legalaid.services.offices import revoke_office

        office = self._selected()
        if office is None:
            return
        self._write(
            lambda: revoke_office(self.ctx, office.name),
            _("%(name)s is no longer trusted: its exchange files will be refused.")
            % {"name": office.name},
        )

    def risk_clicked(self, checked: bool) -> None:
        """Ask first, saying what it means; on "no" the box goes back to what is stored."""
        from legalaid.services.offices import set_receives_risk

        office = self._selected()
        if office is None:
            return
        if checked:
            title = _("Send risk data to %(name)s?") % {"name": office.name}
            question = _(
                "Risk narratives and incidents of the cases shared with %(name)s will travel to "
                "this office, from its next exchange file on. Send them only to an office whose "
                "people need them to help the household. Send them?"
            ) % {"name": office.name}
            said = _(
                "Risk narratives and incidents of the cases shared with %(name)s will travel "
                "to it, from its next exchange file on."
            ) % {"name": office.name}
        else:
            title = _("Stop sending risk data to %(name)s?") % {"name": office.name}
            question = _(
                "Risk narratives and incidents will no longer travel to %(name)s. What was sent "
                "before stays with it. Stop sending them?"
            ) % {"name": office.name}
            said = _(
                "Risk narratives and incidents no longer travel to %(name)s (what was sent "
                "before stays with it)."
            ) % {"name": office.name}
        buttons = QMessageBox.StandardButton
        answer = QMessageBox.question(self, title, question, buttons.Yes | buttons.No, buttons.No)
        if answer != buttons.Yes:
            self.risk_box.setChecked(office.receives_risk)
            return
        name = office.name
        self._write(lambda: set_receives_risk(self.ctx, name, checked), said)

    def _failed_and_reload(self, error: BaseException) -> None:
        self._failed(error)
        self.reload()

    def export_identity(self) -> None:
        from legalaid.files import write_atomic
        from legalaid.services.offices import identity_file

        suggested = Path.home() / f"{self.mine.prefix if self.mine else 'office'}.identity"
        path, _filter = QFileDialog.getSaveFileName(
            self, _("Save this office's identity (public keys only)"), str(suggested)
        )
        if not path:
            return

        def work() -> None:
            write_atomic(Path(path), identity_file(self.ctx))

        self.runner.query(
            lambda _c: work(),
            done=lambda _r: self.message.setText(
                _("Identity written to %(path)s (public keys only).") % {"path": path}
            ),
            failed=self._failed,
            owner=self,
        )

    # --- words --------------------------------------------------------------------------------
    def _retranslate_own(self) -> None:
        mine = getattr(self, "mine", None)
        if mine is None:
            self.own_name.setText(
                _("This folder has no office identity yet. Create it once for this office.")
            )
        else:
            self.own_name.setText(
                _("This office: %(name)s (case numbers %(prefix)s)")
                % {"name": mine.name, "prefix": mine.prefix}
            )

    def retranslate(self) -> None:
        self.setWindowTitle(_("Offices"))
        self.own.setTitle(_("This office"))
        self.fingerprint_hint.setText(
            _(
                "Its fingerprint: read it to another office by phone or in person before it "
                "trusts this one."
            )
        )
        self.name_label.setText(_("Office &name:"))
        self.prefix_label.setText(_("Case-number &prefix:"))
        self.create_button.setText(_("&Create this office's identity"))
        self.others_label.setText(_("Other offices"))
        self.table.setHorizontalHeaderLabels(
            [_("Name"), _("Prefix"), _("Fingerprint"), _("Trust"), _("Risk data")]
        )
        self.add_button.setText(_("&Add an office from its file…"))
        self.trust_button.setText(_("Compare and &trust…"))
        self.revoke_button.setText(_("&Revoke"))
        self.export_button.setText(_("&Save this office's identity…"))
        self._retranslate_own()
        for index, office in enumerate(self.offices):
            item = self.table.item(index, 3)
            if item is not None:
                item.setText(_(STATES[office.state]))
            risk = self.table.item(index, 4)
            if risk is not None:
                risk.setText(_risk_text(office))
        self._retranslate_risk()

    def _retranslate_risk(self) -> None:
        office = self._selected()
        self.risk_box.setText(
            _("Send risk narratives and incidents of shared cases to %(name)s")
            % {"name": office.name}
            if office is not None
            else _("Send risk narratives and incidents of shared cases to the office chosen")
        )

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
