"""The main window: assembles the panels, menus and status bar; the panels do the work."""

from __future__ import annotations

import importlib
import logging
import sys
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from PySide6 import QtCore
from PySide6.QtCore import QEvent, QTimer, Signal
from PySide6.QtGui import QAction, QActionGroup, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QLabel,
    QMainWindow,
    QMessageBox,
    QProgressDialog,
    QSizePolicy,
    QStackedWidget,
    QTabWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from legalaid.context import AppContext
from legalaid.formatting import number
from legalaid.i18n import _, current_language, ngettext
from legalaid.services.search import count_cases
from ui.cases.case_list import CaseListPanel
from ui.common.language import LANGUAGE_NAMES, OWN_NAMES, LanguageSwitcher
from ui.common.prefs import Prefs
from ui.common.reference import Reference, load_reference
from ui.common.screen import fit, keep_inside
from ui.common.tasks import Control, TaskRunner, describe
from ui.common.widgets import Translatable, set_enum_property
from ui.security.data_safety import DataSafety
from ui.security.lock import IdleWatcher, LockCover, LockPage
from ui.window.importing import Importer
from ui.window.welcome import WelcomePanel

if TYPE_CHECKING:
    from ui.editor.case_editor import CaseEditor
    from ui.upcoming.panel import UpcomingPanel

log = logging.getLogger(__name__)
DEMO_CASES = 200
WARM_MODULES = (
    "legalaid.documents.batch",
    "legalaid.documents.log",
    "ui.printing.batch",
    "ui.editor.case_editor",
    "ui.printing.preview",
    "ui.upcoming.panel",
)
WARM_UP_DELAY_MS = 300  # the first rows are painted and read before the rest loads
CLOSE_BACKUP_LIMIT_MS = 120_000  # a backup that hangs must not keep the window open for ever


class MainWindow(Translatable, QMainWindow):
    """``automatic_backups``: back up on close and every ``backup_every_hours`` (the running
    application turns it on; windows built for one purpose, like most tests, leave it off)."""

    first_screen = Signal()  # once: the case list's first rows (or its error) are shown
    behind_loaded = Signal()  # once: what the first screen did not need has loaded

    def __init__(
        self, ctx: AppContext, switcher: LanguageSwitcher, *, automatic_backups: bool = False
    ) -> None:
        super().__init__()
        self.setObjectName("mainWindow")
        self.ctx, self.switcher = ctx, switcher
        self.automatic_backups = automatic_backups
        self.locked = False
        self._before_lock: QWidget | None = None
        self._hidden_windows: list[QWidget] = []
        self._covers: list[LockCover] = []
        self._close_backup = ""  # "", "running" or "done"
        self._locked_actions: list[QAction] = []
        self.prefs = Prefs(ctx)
        self.runner = TaskRunner(self)
        self.reference = Reference()
        self.editors: dict[str, CaseEditor] = {}
        self._counts: tuple[int, int] | None = None  # all cases, open cases
        self._welcome: WelcomePanel | None = None  # made for an empty database only
        self.importer = Importer(ctx, self.runner, self)
        self.cases = CaseListPanel(ctx, self.runner)
        # The Upcoming view is made when first shown or asked for (see ``upcoming``): the first
        # screen is the case list, and the view's formatting would delay its first rows.
        self._upcoming: UpcomingPanel | None = None
        self.upcoming_page = QWidget()
        QVBoxLayout(self.upcoming_page).setContentsMargins(0, 0, 0, 0)
        self.views = QTabWidget()
        self.views.setObjectName("views")
        self.views.addTab(self.cases, "")
        self.views.addTab(self.upcoming_page, "")
        self.stack = QStackedWidget()
        self.stack.addWidget(self.views)
        self._lock_page: LockPage | None = None  # made when the window first locks
        self.setCentralWidget(self.stack)
        self.safety = DataSafety(ctx, self.runner, self)
        self.idle = IdleWatcher(ctx.settings.lock_after_minutes, self, watch=False)
        self.location = QLabel()
        self.location.setObjectName("databaseLocation")
        self.counts = QLabel()  # all cases
        self.open_counts = QLabel()  # open cases
        self.statusBar().addPermanentWidget(self.counts)
        self.statusBar().addPermanentWidget(self.open_counts)
        self.statusBar().addPermanentWidget(self.location)
        self._menus()
        self._connect()
        self.retranslate()
        self.cases.search.setFocus()  # typing at once finds a case
        geometry = self.prefs.geometry("main")
        if geometry is not None and self.restoreGeometry(geometry):
            keep_inside(self)  # saved on a bigger screen, or with a screen that is gone
        else:
            fit(self, 1280, 800)
        # The first screen needs only the case list; what else the window needs (the ORM, the
        # crossings and courts) loads behind it once the first rows are painted.
        self._warmed = False
        self.loaded_behind = False  # the reference lists and the ORM, loaded after first paint
        self.cases.model.loaded.connect(self._warm_up)
        self.cases.model.failed.connect(self._warm_up)
        if automatic_backups:
            self.safety.start_timer()

    # --- menus --------------------------------------------------------------------------------
    def _action(
        self,
        slot: Callable[[], object],
        shortcut: QKeySequence | QKeySequence.StandardKey | None = None,
    ) -> QAction:
        action = QAction(self)
        # setShortcuts: PySide6's setShortcut(QKeySequence) makes its Qt namespace (~15 ms of
        # the start, see ui/common/widgets.py's set_enum_property); a standard key gets every
        # binding of the platform.
        if isinstance(shortcut, QKeySequence):
            action.setShortcuts([shortcut])
        elif shortcut is not None:
            action.setShortcuts(shortcut)
        action.triggered.connect(slot)
        return action

    def _menus(self) -> None:
        self.new_action = self._action(self.new_case, QKeySequence.StandardKey.New)
        self.find_action = self._action(self.find_case, QKeySequence.StandardKey.Find)
        self.demo_action = self._action(self.load_demo)
        self.import_action = self._action(self.importer.choose_and_import)
        self.settings_action = self._action(self.edit_settings, QKeySequence("Ctrl+,"))
        self.quit_action = self._action(self.close, QKeySequence.StandardKey.Quit)
        self.cases_action = self._action(lambda: self.show_view(0), QKeySequence("Ctrl+1"))
        self.upcoming_action = self._action(lambda: self.show_view(1), QKeySequence("Ctrl+2"))
        self.about_action = self._action(self.about)
        self.lock_action = self._action(self.lock, QKeySequence("Ctrl+L"))
        set_enum_property(self.lock_action, "shortcutContext", "ApplicationShortcut")
        self.export_action = self._action(self.safety.export_spreadsheet)
        self.backup_action = self._action(self.safety.back_up_to_folder)
        self.restore_action = self._action(self.safety.choose_and_restore)
        self.passphrase_action = self._action(self.safety.change_passphrase)
        self.recovery_action = self._action(self.safety.new_recovery_sheet)
        self.encrypt_action = self._action(self.safety.encrypt_database)
        self.language_group = QActionGroup(self)
        self.language_actions: dict[str, QAction] = {}
        for code, name in LANGUAGE_NAMES:
            action = self._action(partial(self.set_language, code))
            action.setText(name)
            action.setProperty(OWN_NAMES, True)
            action.setCheckable(True)
            self.language_group.addAction(action)
            self.language_actions[code] = action
        bar = self.menuBar()
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
        self.addToolBar(self.toolbar)

    def _connect(self) -> None:
        self.cases.open_case.connect(self.open_case)
        self.importer.imported.connect(lambda _r: self._data_changed())
        self.runner.error.connect(self.show_message)
        self.idle.idle.connect(self.lock)
        self.safety.data_replaced.connect(self._database_replaced)
        self.views.currentChanged.connect(self._view_changed)
        self.language_box.activated.connect(
            lambda i: self.set_language(str(self.language_box.itemData(i)))
        )

    def retranslate(self) -> None:
        self.setWindowTitle(_("LegalAid — cases and hearings"))
        self.views.setTabText(0, _("&Cases"))
        self.views.setTabText(1, _("&Upcoming hearings"))
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
        self.location.setToolTip(_("The database this window works on"))
        encrypted = bool(getattr(self.ctx, "encrypted", False))
        self.passphrase_action.setVisible(encrypted)
        self.recovery_action.setVisible(encrypted)
        self.encrypt_action.setVisible(not encrypted)
        if encrypted:
            self.location.setText(_("%(path)s · encrypted") % {"path": self.ctx.home.database})
            self.location.setStyleSheet("")
        else:
            self.location.setText(
                _("%(path)s · NOT encrypted (demo mode)") % {"path": self.ctx.home.database}
            )
            self.location.setStyleSheet("color: #b00020;")
        code = current_language()
        self.language_actions[code].setChecked(True)
        self.language_box.setCurrentIndex(self.language_box.findData(code))
        self._render_counts()

    # --- views --------------------------------------------------------------------------------
    @property
    def welcome(self) -> WelcomePanel:
        """The page an empty database opens on (made when first needed)."""
        if self._welcome is None:
            welcome = self._welcome = WelcomePanel()
            welcome.new_case.connect(self.new_case)
            welcome.load_demo.connect(self.load_demo)
            welcome.import_file.connect(self.importer.choose_and_import)
            self.stack.addWidget(welcome)
        return self._welcome

    @property
    def upcoming(self) -> UpcomingPanel:
        """The Upcoming view's panel (made when first shown or asked for)."""
        if self._upcoming is None:
            from ui.upcoming.panel import UpcomingPanel

            panel = self._upcoming = UpcomingPanel(self.ctx, self.runner)
            panel.open_case.connect(self.open_case)
            panel.status_message.connect(self.show_message)
            if self.loaded_behind:
                panel.set_reference(self.reference)
            layout = self.upcoming_page.layout()
            assert layout is not None
            layout.addWidget(panel)
            panel.show()  # now, not at the next turn of the event loop, if its tab is shown
        return self._upcoming

    @property
    def lock_page(self) -> LockPage:
        """What the locked window shows (made when first needed: not for the first screen)."""
        if self._lock_page is None:
            page = self._lock_page = LockPage(self.ctx, self.runner)
            page.unlocked.connect(self.unlock)
            self.stack.addWidget(page)
        return self._lock_page

    def _warm_up(self, *_answer: object) -> None:
        """Once, after the first rows: load, off the UI thread, what the first screen did not
        need: the status bar's counts, the reference lists (with them the ORM) and the modules
        of the case window. A list of no cases may be an empty database: counted at once."""
        if self._warmed:
            return
        self._warmed = True
        self.first_screen.emit()
        if _answer == (0,):
            self.refresh_counts()  # maybe an empty database: its welcome page at once
        # After the first rows are painted: the import holds the interpreter for a moment.
        QTimer.singleShot(WARM_UP_DELAY_MS, self, self._load_behind)

    def _load_behind(self) -> None:
        self.idle.watch()
        self.cases.enable_sorting()  # makes PySide6's Qt namespace: not before the first rows
        if self._counts is None:
            self.refresh_counts()  # the status bar's counts: not needed for the first rows
        ctx = self.ctx

        def work(_control: Control) -> Reference:
            from legalaid.tempfiles import sweep

            sweep()  # letters a crashed session left in the temporary folder
            reference = load_reference(ctx)
            # The first case window, batch and preview open without importing anything on the
            # UI thread or, for a batch, on the worker that reads its hearings.
            for name in WARM_MODULES:
                importlib.import_module(name)
            from legalaid.documents.facts import prepare

            prepare(ctx)  # the batch's facts queries compiled once, here
            return reference

        self.runner.run(work, done=self._reference_loaded, owner=self)

    def _reference_loaded(self, reference: Reference) -> None:
        if not self.loaded_behind:
            self.loaded_behind = True
            self.behind_loaded.emit()
        self.reference.crossings, self.reference.courts = reference.crossings, reference.courts
        self.cases.set_reference(self.reference)
        if self._upcoming is not None:
            self._upcoming.set_reference(self.reference)

    def _show_page(self, page: QWidget) -> None:
        """The page to show; while locked it is shown only after unlocking."""
        if self.locked:
            self._before_lock = page
        else:
            self.stack.setCurrentWidget(page)

    def show_view(self, index: int) -> None:
        self._show_page(self.views)
        self.views.setCurrentIndex(index)

    def _view_changed(self, index: int) -> None:
        if self.views.widget(index) is self.upcoming_page:
            self.upcoming.refresh()

    def find_case(self) -> None:
        self.show_view(0)
        self.cases.focus_search()

    def refresh_counts(self) -> None:
        ctx = self.ctx
        self.runner.run(
            lambda _c: (count_cases(ctx), count_cases(ctx, status="open")),
            done=self._show_counts,
            owner=self,
        )

    def _show_counts(self, counts: tuple[int, int]) -> None:
        self._counts = counts
        self._render_counts()
        self._show_page(self.welcome if counts[0] == 0 else self.views)

    def _render_counts(self) -> None:
        """The status bar's counts in the current language (read again only when data change:
        a save, an import, a restore)."""
        if self._counts is None:
            return
        total, open_cases = self._counts
        # Two labels, each one whole sentence for the translators (no glued pieces).
        self.counts.setText(
            ngettext("%(count)s case", "%(count)s cases", total) % {"count": number(total)}
        )
        self.open_counts.setText(
            ngettext("%(count)s open", "%(count)s open", open_cases) % {"count": number(open_cases)}
        )

    def show_message(self, text: str) -> None:
        self.statusBar().showMessage(text, 8000)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.statusBar().clearMessage()  # said in the language that was left
        super().changeEvent(event)

    # --- cases --------------------------------------------------------------------------------
    def new_case(self) -> CaseEditor:
        return self._editor(None)

    def open_case(self, case_id: str) -> CaseEditor:
        editor = self.editors.get(case_id)
        if editor is not None:
            editor.showNormal()
            editor.raise_()
            editor.activateWindow()
            return editor
        return self._editor(case_id)

    def _editor(self, case_id: str | None) -> CaseEditor:
        from ui.editor.case_editor import CaseEditor

        editor = CaseEditor(self.ctx, self.runner, self.reference, case_id, self)
        if case_id is not None:
            self.editors[case_id] = editor
        editor.saved.connect(lambda cid, e=editor: self._case_saved(cid, e))
        editor.status_message.connect(self.show_message)
        editor.destroyed.connect(lambda _o=None, e=editor: self._forget(e))
        editor.show()
        return editor

    def _case_saved(self, case_id: str, editor: CaseEditor) -> None:
        self.editors[case_id] = editor
        self.cases.model.refresh()
        self.refresh_counts()
        if self.views.currentWidget() is self.upcoming_page:
            self.upcoming.refresh()

    def _data_changed(self) -> None:
        self.cases.model.refresh()
        self.refresh_counts()
        self.show_view(0)

    def _forget(self, editor: CaseEditor) -> None:
        for key in [k for k, v in self.editors.items() if v is editor]:
            del self.editors[key]

    def load_demo(self) -> None:
        answer = QMessageBox.question(
            self,
            _("Load demo cases"),
            _(
                "Add %(count)d demo households? They are marked DEMO, their names are made up, "
                "and they can be told apart from real cases."
            )
            % {"count": DEMO_CASES},
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        progress = QProgressDialog(_("Adding demo cases…"), "", 0, DEMO_CASES, self)
        progress.setCancelButton(None)
        progress.setWindowModality(QtCore.Qt.WindowModality.WindowModal)
        progress.setMinimumDuration(300)
        ctx = self.ctx

        def work(control: Control) -> int:
            from legalaid.services.demo import generate_demo

            return generate_demo(ctx, DEMO_CASES, progress=control.progress)

        def finished(count: int) -> None:
            progress.close()
            self.show_message(
                ngettext("Added %(count)d demo case.", "Added %(count)d demo cases.", count)
                % {"count": count}
            )
            self._data_changed()

        self.runner.run(
            work,
            done=finished,
            failed=lambda e: self._demo_failed(progress, e),
            progress=lambda done, _total: progress.setValue(done),
            write=True,
            owner=self,
        )

    def _demo_failed(self, progress: QProgressDialog, error: BaseException) -> None:
        progress.close()
        self.show_message(describe(error))

    # --- settings and language ----------------------------------------------------------------
    def edit_settings(self) -> None:
        from ui.settings.settings_dialog import SettingsDialog

        dialog = SettingsDialog(self.ctx, self.reference, self)
        if dialog.exec() != SettingsDialog.DialogCode.Accepted or dialog.chosen is None:
            return
        language_changed = dialog.chosen.language != current_language()
        self.ctx.settings = dialog.chosen
        self._store_settings()
        self.idle.set_minutes(dialog.chosen.lock_after_minutes)
        if self.automatic_backups:
            self.safety.start_timer()
        if language_changed:
            self.switcher.apply(dialog.chosen.language)
        self.show_message(_("Settings saved."))

    def set_language(self, code: str) -> None:
        if code == current_language():
            return
        self.switcher.apply(code)
        self.ctx.settings.language = code
        self._store_settings()

    def _store_settings(self) -> None:
        try:
            self.ctx.save_settings()
        except Exception as error:  # a read-only folder must not stop the work
            self.show_message(describe(error))

    def about(self) -> None:
        QMessageBox.about(
            self,
            _("About LegalAid"),
            _(
                "LegalAid keeps case files and hearing dates for people waiting in Mexico for "
                "US immigration hearings, and prints bilingual reminders. It works offline; "
                "the data stays in %(path)s."
            )
            % {"path": str(self.ctx.home.root)},
        )

    # --- locking ------------------------------------------------------------------------------
    def _lockable_actions(self) -> list[QAction]:
        keep = {self.lock_action, self.quit_action, self.about_action}
        keep.update(self.language_actions.values())
        mine = self.findChildren(QAction, options=QtCore.Qt.FindChildOption.FindDirectChildrenOnly)
        return [a for a in mine if a not in keep]

    def lock(self) -> None:
        """Hide every case: the lock page instead of the views, other windows hidden."""
        if self.locked:
            return
        self.locked = True
        self._before_lock = self.stack.currentWidget()
        self._hidden_windows = [
            w
            for w in QApplication.topLevelWidgets()
            if w is not self and w.isVisible() and not w.isModal() and w.isWindow()
        ]
        for window in self._hidden_windows:
            window.hide()
        # A modal dialog cannot be hidden without ending it: cover it (its own unlock page).
        self._covers = [
            LockCover(w, self.ctx, self.runner, self.unlock)
            for w in QApplication.topLevelWidgets()
            if w is not self and w.isVisible() and w.isModal() and w.isWindow()
        ]
        self._locked_actions = [a for a in self._lockable_actions() if a.isEnabled()]
        for action in self._locked_actions:
            action.setEnabled(False)
        self.statusBar().clearMessage()  # "Unlocked." or a case's name must not stay
        self.stack.setCurrentWidget(self.lock_page)
        if self.isMinimized():
            self.showNormal()
        self.lock_page.reset()
        self.lock_page.set_elsewhere(bool(self._covers))
        if self._covers:
            # A modal dialog blocks this window's keyboard: the passphrase is written in the
            # dialog's own lock page, which is put in front with the keyboard focus.
            front = self._covers[-1]
            front.dialog.raise_()
            front.dialog.activateWindow()
            front.page.passphrase_or_button().setFocus()
        else:
            self.raise_()
            self.activateWindow()
        self.idle.timer.stop()

    def unlock(self) -> None:
        if not self.locked:
            return
        self.locked = False
        for cover in self._covers:
            cover.remove()
        self._covers = []
        for action in self._locked_actions:
            action.setEnabled(True)
        self.stack.setCurrentWidget(self._before_lock or self.views)
        for window in self._hidden_windows:
            window.show()
        self._hidden_windows = []
        self.idle.set_minutes(self.ctx.settings.lock_after_minutes)
        self.show_message(_("Unlocked."))

    # --- database replaced (restore, encryption) ------------------------------------------------
    def _database_replaced(self) -> None:
        ctx = self.ctx
        self.retranslate()
        if self._lock_page is not None:
            self._lock_page.retranslate()
        self.idle.set_minutes(ctx.settings.lock_after_minutes)
        if self.automatic_backups:
            self.safety.start_timer()
        self.runner.run(lambda _c: load_reference(ctx), done=self._reference_loaded, owner=self)
        self.cases.model.refresh()
        self.refresh_counts()
        if self.views.currentWidget() is self.upcoming_page:
            self.upcoming.refresh()

    # --- closing ------------------------------------------------------------------------------
    def close_editors(self) -> bool:
        """Close every case window (each asks about unsaved changes); False if one stays."""
        return all(e.close() for e in list(self.editors.values()) + self._unsaved_new_editors())

    def close_without_backup(self) -> None:
        self._close_backup = "done"
        self.close()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._close_backup == "running":
            event.ignore()
            return
        if not self.close_editors():
            event.ignore()
            return
        if self.automatic_backups and self._close_backup == "":
            event.ignore()
            self._backup_then_close()
            return
        self.prefs.save_geometry("main", self.saveGeometry())
        self.prefs.sync()
        self.runner.cancel_all()
        self.idle.stop()
        self.safety.timer.stop()
        event.accept()

    def _backup_then_close(self) -> None:
        """A short wait while the automatic backup is written; the window closes whatever
        happens (a failed backup is logged: nobody is left to read a message)."""
        self._close_backup = "running"
        busy = QProgressDialog(_("Saving a backup…"), "", 0, 0, self)
        busy.setObjectName("closingBackup")
        busy.setCancelButton(None)
        busy.setWindowModality(QtCore.Qt.WindowModality.WindowModal)
        busy.setMinimumDuration(0)
        busy.show()

        def finish(error: BaseException | None = None) -> None:
            if self._close_backup != "running":
                return
            if error is not None:
                log.warning("backup on close failed: %s", describe(error))
                from legalaid.safety.backup import DatabaseDamaged

                if isinstance(error, DatabaseDamaged) and not self.safety.damage_reported:
                    self.safety.report_backup_failure(error)  # what to do, before it closes
            self._close_backup = "done"
            busy.close()
            self.close()

        ctx = self.ctx

        def back_up(_control: Control) -> object:
            from legalaid.safety.backup import auto_backup

            return auto_backup(ctx, only_if_changed=True)

        self.runner.run(
            back_up,
            done=lambda _path: finish(),
            failed=finish,
            write=True,
            owner=self,
        )
        QTimer.singleShot(
            CLOSE_BACKUP_LIMIT_MS, self, lambda: finish(TimeoutError("backup too slow"))
        )

    def _unsaved_new_editors(self) -> list[CaseEditor]:
        if "ui.editor.case_editor" not in sys.modules:
            return []  # no case window was ever opened
        from ui.editor.case_editor import CaseEditor

        return [
            w
            for w in self.findChildren(CaseEditor)
            if w.case_id is None and w not in self.editors.values()
        ]
