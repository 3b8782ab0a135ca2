"""The "Shared with" part of the case window: the offices this case is shared with (since when,
by whom, what was last sent and whether that office has read it, what waits), sharing it with
another trusted office, stopping sharing, and transferring the household to an office.

Every read and write runs through the runner; a write asks first and says what it means.
A transfer changes the household (the office now responsible), so it is refused while the
window holds unsaved changes: the person saves first.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from babel.dates import LOCALTZ, format_date, format_time, get_datetime_format
from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from legalaid.context import AppContext
from legalaid.i18n import _, babel_locale, ngettext
from ui.common.tasks import TaskRunner, describe
from ui.common.widgets import Translatable


def transfer_text(sharing: Any) -> str:
    """ "Transferred to Mexicali", or to this office, or nothing when never transferred."""
    if sharing is None or not sharing.responsible_office:
        return ""
    if sharing.responsible_is_here:
        return _("Transferred to this office (%(office)s)") % {"office": sharing.responsible_office}
    return _("Transferred to %(office)s") % {"office": sharing.responsible_office}


class SharedTab(Translatable, QWidget):
    changed = Signal(bool)  # after a write; True when the household itself changed (transfer)
    loaded = Signal(object)  # the CaseSharing read

    def __init__(self, ctx: AppContext, runner: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("sharedTab")
        self.ctx, self.runner = ctx, runner
        self.case_id: str | None = None
        self.sharing: Any = None
        # Set by the case window: whether it holds unsaved changes, and the version it read.
        self.unsaved: Callable[[], bool] = lambda: False
        self.version: Callable[[], int | None] = lambda: None
        self.transferred = QLabel()
        self.transferred.setObjectName("transferredTo")
        self.transferred.setStyleSheet("font-weight: bold;")
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        self.table = QTableWidget(0, 5)
        self.table.setObjectName("sharedTable")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.stop_button = QPushButton()
        self.stop_button.setObjectName("stopSharing")
        self.office_label = QLabel()
        self.office = QComboBox()
        self.office.setObjectName("shareOffice")
        self.office_label.setBuddy(self.office)
        self.share_button = QPushButton()
        self.share_button.setObjectName("shareCase")
        self.transfer_button = QPushButton()
        self.transfer_button.setObjectName("transferCase")
        self.message = QLabel()
        self.message.setObjectName("sharedMessage")
        self.message.setWordWrap(True)
        add = QHBoxLayout()
        add.addWidget(self.office_label)
        add.addWidget(self.office, 1)
        add.addWidget(self.share_button)
        add.addWidget(self.transfer_button)
        rows = QHBoxLayout()
        rows.addWidget(self.stop_button)
        rows.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.transferred)
        layout.addWidget(self.intro)
        layout.addWidget(self.table, 1)
        layout.addLayout(rows)
        layout.addLayout(add)
        layout.addWidget(self.message)
        self.share_button.clicked.connect(self.share)
        self.transfer_button.clicked.connect(self.transfer)
        self.stop_button.clicked.connect(self.stop)
        self.table.itemSelectionChanged.connect(self._enable)
        self.office.currentIndexChanged.connect(self._enable)
        self.retranslate()

    # --- reading ------------------------------------------------------------------------------
    def load(self, case_id: str | None) -> None:
        self.case_id = case_id
        if case_id is None:
            self._show(None)
            return
        from legalaid.services.sharing import case_sharing

        ctx = self.ctx
        self.runner.query(
            lambda _c: case_sharing(ctx, case_id),
            done=self._show,
            failed=lambda e: self.message.setText(describe(e)),
            owner=self,
        )

    def _show(self, sharing: Any) -> None:
        self.sharing = sharing
        chosen = self.office.currentText()
        self.office.blockSignals(True)
        self.office.clear()
        if sharing is not None:
            self.office.addItems(sharing.candidates)
            if chosen in sharing.candidates:
                self.office.setCurrentText(chosen)
        self.office.blockSignals(False)
        self._fill()
        self.loaded.emit(sharing)

    def _fill(self) -> None:
        shares = self.sharing.shares if self.sharing is not None else []
        self.table.setRowCount(len(shares))
        for index, share in enumerate(shares):
            for column, value in enumerate(self._cells(share)):
                self.table.setItem(index, column, QTableWidgetItem(value))
        self.transferred.setText(transfer_text(self.sharing))
        self.transferred.setVisible(bool(self.transferred.text()))
        self._enable()

    def _cells(self, share: Any) -> tuple[str, ...]:
        if share.last_sent is None:
            sent = _("nothing sent yet")
        elif share.last_sent_read:
            sent = _("%(when)s, read by them") % {"when": _when(share.last_sent)}
        else:
            sent = _("%(when)s, not confirmed yet") % {"when": _when(share.last_sent)}
        return (
            share.office,
            _("%(when)s by %(who)s") % {"when": _when(share.shared_at), "who": share.shared_by}
            if share.shared_by
            else _when(share.shared_at),
            sent,
            ngettext("%(count)d change", "%(count)d changes", share.waiting)
            % {"count": share.waiting},
            _("sent") if share.receives_risk else _("not sent"),
        )

    def _selected(self) -> Any | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows or self.sharing is None:
            return None
        return self.sharing.shares[rows[0].row()]

    def _enable(self) -> None:
        has_case = self.case_id is not None and self.sharing is not None
        self.stop_button.setEnabled(has_case and self._selected() is not None)
        self.share_button.setEnabled(has_case and bool(self.office.currentText()))
        self.transfer_button.setEnabled(has_case and self._transfer_target() is not None)

    def _transfer_target(self) -> str | None:
        """The office a transfer goes to: the shared office selected, else the one chosen."""
        selected = self._selected()
        if selected is not None:
            return str(selected.office) if selected.state == "trusted" else None
        return self.office.currentText() or None

    # --- writing ------------------------------------------------------------------------------
    def _ask(self, title: str, question: str) -> bool:
        buttons = QMessageBox.StandardButton
        answer = QMessageBox.question(self, title, question, buttons.Yes | buttons.No, buttons.No)
        return bool(answer == buttons.Yes)

    def _write(self, work: Callable[[], Any], said: str, household: bool) -> None:
        self.message.setText("")

        def done(_result: Any) -> None:
            self.message.setText(said)
            self.load(self.case_id)
            self.changed.emit(household)

        def failed(error: BaseException) -> None:
            self.message.setText(describe(error))
            self.load(self.case_id)

        self.runner.command(lambda _c: work(), done=done, failed=failed, owner=self)

    def share(self) -> None:
        from legalaid.services.sharing import share_case

        office, case_id, sharing = self.office.currentText(), self.case_id, self.sharing
        if not office or case_id is None or sharing is None:
            return
        ctx = self.ctx
        self._write(
            lambda: share_case(ctx, case_id, office).changes,
            _(
                "Shared with %(office)s: this case and its changes go in that office's next "
                "exchange file."
            )
            % {"office": office},
            False,
        )

    def stop(self) -> None:
        from legalaid.services.sharing import stop_sharing

        share, case_id, sharing = self._selected(), self.case_id, self.sharing
        if share is None or case_id is None or sharing is None:
            return
        office = share.office
        if not self._ask(
            _("Stop sharing with %(office)s?") % {"office": office},
            _(
                "Changes made to case %(case)s from now on will no longer be sent to "
                "%(office)s. What was sent before stays with that office. Stop sharing?"
            )
            % {"case": sharing.case_number, "office": office},
        ):
            return
        ctx = self.ctx
        self._write(
            lambda: stop_sharing(ctx, case_id, office).changes,
            _(
                "No longer shared with %(office)s: future changes of this case will not be "
                "sent there. What was sent before stays with that office."
            )
            % {"office": office},
            False,
        )

    def transfer(self) -> None:
        from legalaid.services.sharing import transfer_case

        office, case_id, sharing = self._transfer_target(), self.case_id, self.sharing
        if office is None or case_id is None or sharing is None:
            return
        if self.unsaved():
            self.message.setText(
                _("Save your changes first (Ctrl+S): a transfer is recorded on the saved case.")
            )
            return
        if not self._ask(
            _("Transfer the household to %(office)s?") % {"office": office},
            _(
                "Case %(case)s will be shared with %(office)s, and %(office)s recorded as the "
                "office now responsible for the household; that goes with the next exchange "
                "file. This office keeps its copy and can still read and change it. Transfer?"
            )
            % {"case": sharing.case_number, "office": office},
        ):
            return
        ctx, version = self.ctx, self.version()
        self._write(
            lambda: transfer_case(ctx, case_id, office, version).changes,
            _(
                "Transferred to %(office)s. Write an exchange file for %(office)s (File > "
                "Exchange with offices) to send it."
            )
            % {"office": office},
            True,
        )

    # --- words --------------------------------------------------------------------------------
    def retranslate(self) -> None:
        self.intro.setText(
            _(
                "Offices this case is shared with: its changes go in their exchange files "
                "(risk narratives and incidents only to offices marked to receive them)."
            )
        )
        self.table.setHorizontalHeaderLabels(
            [_("Office"), _("Shared since"), _("Last sent"), _("Not confirmed yet"), _("Risk data")]
        )
        waiting = self.table.horizontalHeaderItem(3)
        if waiting is not None:
            waiting.setToolTip(
                _(
                    "Changes of this case that office has not confirmed reading: they go in "
                    "its next exchange file"
                )
            )
        self.stop_button.setText(_("S&top sharing with the office selected…"))
        self.office_label.setText(_("Share with a trusted o&ffice:"))
        self.share_button.setText(_("Sh&are"))
        self.transfer_button.setText(_("Tra&nsfer the household…"))
        self.transfer_button.setToolTip(
            _(
                "To the office selected in the list, or else to the office chosen: it takes "
                "the case; this office keeps its copy"
            )
        )
        self._fill()


def _when(moment: Any) -> str:
    """A day and a time without seconds, in the reader's language and this computer's zone."""
    locale = babel_locale()
    local = moment.astimezone(LOCALTZ)
    pattern = str(get_datetime_format("medium", locale=locale))
    return pattern.replace("{1}", format_date(local, "medium", locale=locale)).replace(
        "{0}", format_time(local, "short", locale=locale)
    )
