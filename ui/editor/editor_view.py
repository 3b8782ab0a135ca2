"""The case editor's window: header, tabs, conflict bar, buttons and shortcuts (no behaviour).

``CaseEditor`` (case_editor.py) adds loading, saving, conflicts and closing on top of it.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from legalaid.context import AppContext
from legalaid.i18n import _
from ui.common.reference import Reference
from ui.common.screen import fit
from ui.common.tasks import TaskRunner
from ui.common.widgets import CodeCombo, ErrorLabel, Translatable
from ui.editor.documents_tab import DocumentsTab
from ui.editor.hearings_tab import HearingsTab
from ui.editor.history_tab import HistoryTab
from ui.editor.household import HouseholdTab
from ui.editor.risk_tab import RiskTab
from ui.editor.shared_tab import SharedTab


class CaseEditorView(Translatable, QWidget):
    def __init__(
        self,
        ctx: AppContext,
        runner: TaskRunner,
        reference: Reference,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setObjectName("caseEditor")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.ctx, self.runner, self.reference = ctx, runner, reference
        self._build()

    def _build(self) -> None:
        self.heading = QLabel()
        self.heading.setObjectName("caseHeading")
        self.heading.setStyleSheet("font-size: 15pt; font-weight: bold;")
        self.transferred = QLabel()  # "Transferred to Mexicali", filled by the shared tab
        self.transferred.setObjectName("caseTransferred")
        self.transferred.setStyleSheet("color: #1a4f8b; font-weight: bold;")
        self.transferred.hide()
        self.status = CodeCombo("case_status")
        self.status_label = QLabel()
        self.status_label.setBuddy(self.status)
        self.household = HouseholdTab(self.reference)
        self.hearings = HearingsTab(self.ctx, self.runner, self.reference)
        self.risk = RiskTab(self.ctx, self.runner)
        self.notes = QPlainTextEdit()
        self.notes.setObjectName("caseNotes")
        self.notes.setTabChangesFocus(True)
        self.notes_error = ErrorLabel()
        notes_page = QWidget()
        notes_layout = QVBoxLayout(notes_page)
        notes_layout.addWidget(self.notes, 1)
        notes_layout.addWidget(self.notes_error)
        self.documents = DocumentsTab(self.ctx, self.runner)
        self.history = HistoryTab(self.ctx, self.runner, self.reference)
        self.shared = SharedTab(self.ctx, self.runner)
        self.tabs = QTabWidget()
        pages = (
            self.household,
            self.hearings,
            self.risk,
            notes_page,
            self.documents,
            self.history,
            self.shared,
        )
        for page in pages:
            self.tabs.addTab(page, "")
        self.conflict_bar = QFrame()
        self.conflict_bar.setStyleSheet("background: #fff3cd; border-radius: 4px;")
        self.conflict_text = QLabel()
        self.conflict_text.setWordWrap(True)
        self.conflict_button = QPushButton()
        bar = QHBoxLayout(self.conflict_bar)
        bar.addWidget(self.conflict_text, 1)
        bar.addWidget(self.conflict_button)
        self.conflict_bar.hide()
        # A-numbers also on someone in another household: each a link that opens that case.
        self.duplicates_bar = QLabel()
        self.duplicates_bar.setObjectName("duplicatesBar")
        self.duplicates_bar.setWordWrap(True)
        self.duplicates_bar.setStyleSheet("background: #fff3cd; border-radius: 4px; padding: 6px;")
        self.duplicates_bar.hide()
        self.error = ErrorLabel()
        self.save_button, self.print_button, self.close_button = (
            QPushButton(),
            QPushButton(),
            QPushButton(),
        )
        self.save_button.setObjectName("saveCase")
        self.save_button.setDefault(True)
        self.keys_hint = QLabel()  # the shortcuts, said where the buttons are
        self.keys_hint.setObjectName("keysHint")
        self.keys_hint.setStyleSheet("color: #555555;")
        self._actions()
        header = QHBoxLayout()
        header.addWidget(self.heading, 1)
        header.addWidget(self.transferred)
        header.addWidget(self.status_label)
        header.addWidget(self.status)
        buttons = QHBoxLayout()
        buttons.addWidget(self.keys_hint)
        buttons.addStretch(1)
        for button in (self.print_button, self.save_button, self.close_button):
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addLayout(header)
        layout.addWidget(self.conflict_bar)
        layout.addWidget(self.duplicates_bar)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.error)
        layout.addLayout(buttons)
        fit(self, 1100, 820)

    def _actions(self) -> None:
        self.save_action = QAction(self)
        self.save_action.setShortcut(QKeySequence.StandardKey.Save)
        self.print_action = QAction(self)
        self.print_action.setShortcut(QKeySequence.StandardKey.Print)
        self.close_action = QAction(self)
        self.close_action.setShortcut(QKeySequence.StandardKey.Close)
        for action in (self.save_action, self.print_action, self.close_action):
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            self.addAction(action)

    def retranslate(self) -> None:
        for index, text in enumerate(
            (
                _("&Household"),
                _("Hea&rings"),
                _("Ris&k"),
                _("N&otes"),
                _("&Documents"),
                _("Histor&y"),
                _("Shared &with"),
            )
        ):
            self.tabs.setTabText(index, text)
        self.status_label.setText(_("Status:"))
        self.save_button.setText(_("&Save"))
        self.save_button.setToolTip(_("Save the case (Ctrl+S)"))
        self.print_button.setText(_("&Print reminder…"))
        self.print_button.setToolTip(_("Reminder letter for the next hearing (Ctrl+P)"))
        self.close_button.setText(_("Close"))
        self.keys_hint.setText(_("Ctrl+S saves · Ctrl+P prints the reminder · Ctrl+W closes"))
        self.close_button.setToolTip(_("Close this case (Ctrl+W); it asks if something is unsaved"))
        self.save_action.setText(_("Save"))
        self.print_action.setText(_("Print reminder"))
        self.close_action.setText(_("Close"))
        self.notes.setPlaceholderText(_("Anything the next person should know about this case"))
        self.conflict_text.setText(
            _("Someone else saved this case after you opened it. Your changes are kept here.")
        )
        self.conflict_button.setText(_("See their version…"))
        self.status.retranslate()
