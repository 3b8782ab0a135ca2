"""The main window's menus, toolbar and language box: the actions and their words (no behaviour:
the window connects each action to what it does)."""

from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QComboBox, QLabel, QMainWindow, QSizePolicy, QToolBar, QWidget

from legalaid.i18n import _, current_language
from ui.common.language import LANGUAGE_NAMES, OWN_NAMES
from ui.startup import set_enum_property


class Menus(QObject):
    def __init__(self, window: QMainWindow) -> None:
        super().__init__(window)
        self.window = window
        standard = QKeySequence.StandardKey
        self.new_action = self._action(standard.New)
        self.find_action = self._action(standard.Find)
        self.demo_action = self._action()
        self.import_action = self._action()
        self.settings_action = self._action(QKeySequence("Ctrl+,"))
        self.offices_action = self._action()
        self.exchange_action = self._action()
        self.duplicates_action = self._action()
        self.reference_action = self._action()
        self.quit_action = self._action(standard.Quit)
        self.cases_action = self._action(QKeySequence("Ctrl+1"))
        self.upcoming_action = self._action(QKeySequence("Ctrl+2"))
        self.about_action = self._action()
        self.lock_action = self._action(QKeySequence("Ctrl+L"))
        set_enum_property(self.lock_action, "shortcutContext", "ApplicationShortcut")
        self.export_action = self._action()
        self.backup_action = self._action()
        self.restore_action = self._action()
        self.passphrase_action = self._action()
        self.recovery_action = self._action()
        self.encrypt_action = self._action()
        self.language_group = QActionGroup(window)
        self.language_actions: dict[str, QAction] = {}
        for code, name in LANGUAGE_NAMES:
            action = self._action()
            action.setText(name)
            action.setProperty(OWN_NAMES, True)
            action.setCheckable(True)
            action.setData(code)
            self.language_group.addAction(action)
            self.language_actions[code] = action
        bar = window.menuBar()
        self.file_menu = bar.addMenu("")
        for action in (self.new_action, self.import_action, self.export_action, self.demo_action):
            self.file_menu.addAction(action)
        self.file_menu.addSeparator()
        self.file_menu.addAction(self.backup_action)
        self.file_menu.addAction(self.restore_action)
        self.security_menu = self.file_menu.addMenu("")
        for action in (self.passphrase_action, self.recovery_action, self.encrypt_action):
            self.security_menu.addAction(action)
        self.file_menu.addSeparator()
        self.file_menu.addAction(self.lock_action)
        self.file_menu.addAction(self.settings_action)
        self.file_menu.addAction(self.offices_action)
        self.file_menu.addAction(self.exchange_action)
        self.file_menu.addAction(self.duplicates_action)
        self.file_menu.addAction(self.reference_action)
        self.file_menu.addSeparator()
        self.file_menu.addAction(self.quit_action)
        self.view_menu = bar.addMenu("")
        for action in (self.find_action, self.cases_action, self.upcoming_action):
            self.view_menu.addAction(action)
        self.language_menu = bar.addMenu("")
        for action in self.language_actions.values():
            self.language_menu.addAction(action)
        self.help_menu = bar.addMenu("")
        self.help_menu.addAction(self.about_action)
        self.toolbar = QToolBar()
        self.toolbar.setObjectName("mainToolbar")
        self.toolbar.setMovable(False)
        set_enum_property(self.toolbar, "toolButtonStyle", "ToolButtonTextOnly")
        for action in (self.new_action, self.find_action, self.cases_action, self.upcoming_action):
            self.toolbar.addAction(action)
        spacer = QWidget()
        spacer.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.toolbar.addWidget(spacer)
        self.language_label = QLabel()
        self.language_box = QComboBox()
        self.language_box.setObjectName("languageBox")
        self.language_box.setProperty(OWN_NAMES, True)
        for code, name in LANGUAGE_NAMES:
            self.language_box.addItem(name, code)
        self.language_label.setBuddy(self.language_box)
        self.toolbar.addWidget(self.language_label)
        self.toolbar.addWidget(self.language_box)
        window.addToolBar(self.toolbar)

    def _action(self, shortcut: QKeySequence | QKeySequence.StandardKey | None = None) -> QAction:
        action = QAction(self.window)  # the window's own: locking turns them off
        # setShortcuts: PySide6's setShortcut(QKeySequence) makes its Qt namespace (~15 ms of
        # the start, see ui/common/widgets.py's set_enum_property); a standard key gets every
        # binding of the platform.
        if isinstance(shortcut, QKeySequence):
            action.setShortcuts([shortcut])
        elif shortcut is not None:
            action.setShortcuts(shortcut)
        return action

    def always_on(self) -> set[QAction]:
        """What stays usable while the window is locked."""
        return {
            self.lock_action,
            self.quit_action,
            self.about_action,
            *self.language_actions.values(),
        }

    def retranslate(self, encrypted: bool) -> None:
        self.file_menu.setTitle(_("&File"))
        self.view_menu.setTitle(_("&View"))
        self.language_menu.setTitle(_("&Language"))
        self.help_menu.setTitle(_("&Help"))
        self.new_action.setText(_("&New case"))
        self.new_action.setToolTip(_("Open a new household's case (Ctrl+N)"))
        self.find_action.setText(_("&Find"))
        self.find_action.setToolTip(_("Find a case by name, A-number or number (Ctrl+F)"))
        self.demo_action.setText(_("Load &demo cases…"))
        self.import_action.setText(_("&Import a spreadsheet…"))
        self.import_action.setToolTip(_("Households from a CSV or Excel file kept so far"))
        self.settings_action.setText(_("&Settings…"))
        self.offices_action.setText(_("&Offices…"))
        self.offices_action.setToolTip(_("This office's fingerprint and the offices it trusts"))
        self.exchange_action.setText(_("E&xchange with offices…"))
        self.exchange_action.setToolTip(
            _("Files for other offices, and the conflicts a person decides")
        )
        self.duplicates_action.setText(_("Possible d&uplicates…"))
        self.duplicates_action.setToolTip(
            _("Households that may be the same family registered twice: merge or keep apart")
        )
        self.reference_action.setText(_("Crossin&gs and courts…"))
        self.reference_action.setToolTip(
            _("Addresses, report times and phones of the crossings and courts")
        )
        self.quit_action.setText(_("&Quit"))
        self.cases_action.setText(_("Cases"))
        self.upcoming_action.setText(_("Upcoming hearings"))
        self.about_action.setText(_("&About LegalAid"))
        self.lock_action.setText(_("&Lock now"))
        self.lock_action.setToolTip(_("Hide every case until the passphrase is written (Ctrl+L)"))
        self.export_action.setText(_("&Export to a spreadsheet…"))
        self.backup_action.setText(_("&Back up to a folder or USB…"))
        self.restore_action.setText(_("&Restore from a backup…"))
        self.security_menu.setTitle(_("Se&curity"))
        self.passphrase_action.setText(_("Change the &passphrase…"))
        self.recovery_action.setText(_("New &recovery sheet…"))
        self.encrypt_action.setText(_("&Encrypt this database…"))
        self.language_label.setText(_("Language:"))
        self.passphrase_action.setVisible(encrypted)
        self.recovery_action.setVisible(encrypted)
        self.encrypt_action.setVisible(not encrypted)
        code = current_language()
        self.language_actions[code].setChecked(True)
        self.language_box.setCurrentIndex(self.language_box.findData(code))
