"""The main window: assembles the panels, menus and status bar; the panels do the work.

Its parts live beside it: the menus (``menus``), the demo cases (``demo``), the lock
(``ui.security.lock.WindowLock``) and the data-safety actions and backups
(``ui.security.data_safety``), which talk to it by signals. The views refresh from what the
commands changed (``TaskRunner.changed``, an ``OpChanges``).
"""

from __future__ import annotations

import importlib
import sys
from functools import partial
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QTimer, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QMainWindow,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from legalaid.context import AppContext
from legalaid.i18n import _
from legalaid.services import ops
from legalaid.services.ops import OpChanges
from ui import exchange
from ui.cases.case_list import CaseListPanel
from ui.common.language import LanguageSwitcher
from ui.common.prefs import Prefs
from ui.common.reference import Reference, load_reference
from ui.common.screen import fit, keep_inside
from ui.common.tasks import Control, TaskRunner
from ui.common.widgets import Translatable
from ui.reference import open_reference
from ui.security.data_safety import DataSafety
from ui.security.lock import IdleWatcher, LockPage, WindowLock
from ui.settings.actions import SettingsActions
from ui.window import office
from ui.window.demo import DemoLoader
from ui.window.importing import Importer
from ui.window.menus import Menus
from ui.window.status import StatusCounts
from ui.window.welcome import WelcomePanel

if TYPE_CHECKING:
    from ui.editor.case_editor import CaseEditor
    from ui.upcoming.panel import UpcomingPanel

WARM_MODULES = (
    "legalaid.documents.batch",
    "legalaid.documents.log",
    "ui.printing.batch",
    "ui.editor.case_editor",
    "ui.printing.preview",
    "ui.upcoming.panel",
)
WARM_UP_DELAY_MS = 300  # the first rows are painted and read before the rest loads
# What the views show: a change of any of these kinds refreshes them.
LISTED = (ops.CASE, ops.PERSON, ops.HEARING, ops.RISK, ops.REFERENCE)


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
        self.prefs = Prefs(ctx)
        self.runner = TaskRunner(self)
        self.reference = Reference()
        self.editors: dict[str, CaseEditor] = {}
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
        self.setCentralWidget(self.stack)
        self.safety = DataSafety(ctx, self.runner, self, self.close_editors)
        self.demo = DemoLoader(ctx, self.runner, self)
        self.idle = IdleWatcher(ctx.settings.lock_after_minutes, self, watch=False)
        self.menus = Menus(self)
        self.locking = WindowLock(
            self, self.stack, ctx, self.runner, self.idle, self.menus.always_on
        )
        self.status = StatusCounts(ctx, self.runner, self)
        self.counts, self.open_counts = self.status.counts, self.status.open_counts
        self.location = self.status.location
        self.desk = office.attach(self)  # the office server: other desks heard, roles kept
        self.settings = SettingsActions(ctx, switcher, self.reference, self)
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

    def _connect(self) -> None:
        m, safety = self.menus, self.safety
        for action, slot in (
            (m.new_action, self.new_case),
            (m.find_action, self.find_case),
            (m.demo_action, self.demo.ask_and_load),
            (m.import_action, self.importer.choose_and_import),
            (m.settings_action, self.settings.edit),
            (m.offices_action, partial(exchange.open_offices, self)),
            (m.exchange_action, partial(exchange.open_exchange, self)),
            (m.duplicates_action, partial(exchange.open_duplicates, self)),
            (m.reference_action, partial(open_reference, self)),
            (m.quit_action, self.close),
            (m.cases_action, partial(self.show_view, 0)),
            (m.upcoming_action, partial(self.show_view, 1)),
            (m.about_action, self.settings.about),
            (m.lock_action, self.lock),
            (m.export_action, safety.export_spreadsheet),
            (m.backup_action, safety.back_up_to_folder),
            (m.restore_action, safety.choose_and_restore),
            (m.passphrase_action, safety.change_passphrase),
            (m.recovery_action, safety.new_recovery_sheet),
            (m.encrypt_action, safety.encrypt_database),
        ):
            action.triggered.connect(slot)
        for code, action in m.language_actions.items():
            action.triggered.connect(partial(self.settings.set_language, code))
        m.language_box.activated.connect(
            lambda i: self.settings.set_language(str(m.language_box.itemData(i)))
        )
        self.cases.open_case.connect(self.open_case)
        self.importer.imported.connect(lambda _r: self.runner.announce(OpChanges.all()))
        self.runner.error.connect(self.show_message)
        self.runner.changed.connect(self.refresh_views)
        self.idle.idle.connect(self.lock)
        self.locking.unlocked.connect(lambda: self.show_message(_("Unlocked.")))
        safety.data_replaced.connect(self._database_replaced)
        safety.message.connect(self.show_message)
        safety.must_close.connect(self.close_without_backup)
        safety.closing_backup_done.connect(self.close)
        self.demo.message.connect(self.show_message)
        self.settings.message.connect(self.show_message)
        self.settings.changed.connect(self._settings_changed)
        self.status.counted.connect(
            lambda total: self._show_page(self.welcome if total == 0 else self.views)
        )
        self.views.currentChanged.connect(self._view_changed)

    def retranslate(self) -> None:
        self.setWindowTitle(self.status.title())
        self.views.setTabText(0, _("&Cases"))
        self.views.setTabText(1, _("&Upcoming hearings"))
        self.menus.retranslate(bool(getattr(self.ctx, "encrypted", False)))
        self.status.retranslate()

    # --- views --------------------------------------------------------------------------------
    @property
    def welcome(self) -> WelcomePanel:
        """The page an empty database opens on (made when first needed)."""
        if self._welcome is None:
            welcome = self._welcome = WelcomePanel()
            welcome.new_case.connect(self.new_case)
            welcome.load_demo.connect(self.demo.ask_and_load)
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
        return self.locking.page

    @property
    def locked(self) -> bool:
        return self.locking.locked

    def lock(self) -> None:
        """Hide every case: the lock page instead of the views, other windows hidden."""
        self.locking.lock()

    def unlock(self) -> None:
        self.locking.unlock()

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
        if self.status.values is None:
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

        self.runner.query(work, done=self._reference_loaded, owner=self)

    def _reference_loaded(self, reference: Reference) -> None:
        if not self.loaded_behind:
            self.loaded_behind = True
            self.behind_loaded.emit()
        self.reference.crossings, self.reference.courts = reference.crossings, reference.courts
        self.cases.set_reference(self.reference)
        if self._upcoming is not None:
            self._upcoming.set_reference(self.reference)

    def _show_page(self, page: QWidget) -> None:
        self.locking.show(page)

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
        self.status.refresh()  # then the welcome page for an empty database

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
        self.desk.restrict(editor)  # what the login's role may not do, left out
        if case_id is not None:
            self.editors[case_id] = editor
        editor.saved.connect(lambda cid, e=editor: self._case_saved(cid, e))
        editor.status_message.connect(self.show_message)
        editor.open_other.connect(self.open_case)
        editor.destroyed.connect(lambda _o=None, e=editor: self._forget(e))
        editor.show()
        return editor

    def _case_saved(self, case_id: str, editor: CaseEditor) -> None:
        self.editors[case_id] = editor  # the lists refresh from what the save announced

    def refresh_views(self, changes: OpChanges) -> None:
        """What a command changed: the lists showing it, and case windows showing it, are read
        again."""
        for editor in list(self.editors.values()):
            editor.changed_elsewhere(changes)
        if not changes.touches(*LISTED):
            return
        if changes.touches(ops.REFERENCE):  # a crossing or court corrected: the lists again
            ctx = self.ctx
            self.runner.query(
                lambda _c: load_reference(ctx), done=self._reference_loaded, owner=self
            )
        self.cases.model.refresh()
        self.refresh_counts()
        if self.views.currentWidget() is self.upcoming_page:
            self.upcoming.refresh()
        if changes.everything:
            self.show_view(0)

    def _forget(self, editor: CaseEditor) -> None:
        for key in [k for k, v in self.editors.items() if v is editor]:
            del self.editors[key]

    # --- settings and language ----------------------------------------------------------------
    def set_language(self, code: str) -> None:
        self.settings.set_language(code)

    def _settings_changed(self) -> None:
        self.idle.set_minutes(self.ctx.settings.lock_after_minutes)
        if self.automatic_backups:
            self.safety.start_timer()

    # --- database replaced (restore, encryption) ---
    def _database_replaced(self) -> None:
        """The views are refreshed by the announced change; the rest follows the new home."""
        ctx = self.ctx
        self.retranslate()
        self.locking.retranslate()
        self._settings_changed()
        self.runner.query(lambda _c: load_reference(ctx), done=self._reference_loaded, owner=self)

    # --- closing ------------------------------------------------------------------------------
    def close_editors(self) -> bool:
        """Close every case window (each asks about unsaved changes); False if one stays."""
        return all(e.close() for e in list(self.editors.values()) + self._unsaved_new_editors())

    def close_without_backup(self) -> None:
        self.safety.closing = "done"
        self.close()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.safety.closing == "running":
            event.ignore()
            return
        if not self.close_editors():
            event.ignore()
            return
        if self.automatic_backups and self.safety.closing == "":
            event.ignore()
            self.safety.back_up_before_closing()  # closes the window again when it ends
            return
        self.prefs.save_geometry("main", self.saveGeometry())
        self.prefs.sync()
        self.runner.cancel_all()
        self.idle.stop()
        self.safety.timer.stop()
        self.desk.stop()
        event.accept()

    def _unsaved_new_editors(self) -> list[CaseEditor]:
        if "ui.editor.case_editor" not in sys.modules:
            return []  # no case window was ever opened
        from ui.editor.case_editor import CaseEditor

        return [
            w
            for w in self.findChildren(CaseEditor)
            if w.case_id is None and w not in self.editors.values()
        ]
