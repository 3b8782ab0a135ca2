"""Data safety from the File menu: backups, restore, passphrase, recovery sheet, encryption, export.

Each action gathers what it needs (a folder, a file, a passphrase), then runs one core function
as a command (legalaid.safety.*; restore, encryption and the keys through
legalaid.safety.homeops, which reopens the home into the *same* AppContext object, so every panel
and open window keeps working on the new database). It talks to the window by signals only.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6 import QtCore
from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QFileDialog, QMessageBox, QProgressDialog, QWidget

from legalaid.context import AppContext
from legalaid.i18n import _, current_language, ngettext
from legalaid.services.ops import OpChanges
from ui.common.prefs import Prefs
from ui.common.tasks import Control, TaskRunner, describe

if TYPE_CHECKING:
    from legalaid.safety.homeops import RecoverySheet, Reopened

# The safety modules (keys, backups, export) and the dialogs are imported by the actions that
# use them: a window starts without them.

log = logging.getLogger(__name__)
HOUR_MS = 3_600_000
CLOSE_BACKUP_LIMIT_MS = 120_000  # a backup that hangs must not keep the window open for ever


class DataSafety(QObject):
    """The File menu's data-safety actions and the automatic backups of a window.

    ``window`` is the parent of its dialogs; ``close_editors`` closes every case window before
    a restore (False: one stayed open, the restore is not done)."""

    data_replaced = Signal()  # restore or encryption swapped the database under the window
    message = Signal(str)  # for the status bar
    must_close = Signal()  # the data could not be opened again: the window closes
    closing_backup_done = Signal()  # the backup made while closing ended (or failed)

    def __init__(
        self,
        ctx: AppContext,
        runner: TaskRunner,
        window: QWidget,
        close_editors: Callable[[], bool],
    ) -> None:
        super().__init__(window)
        self.ctx, self.runner, self.window = ctx, runner, window
        self.close_editors = close_editors
        self.prefs = Prefs(ctx)
        self.timer = QTimer(self)
        self.timer.timeout.connect(self.periodic_backup)
        self.backing_up = False
        self.damage_reported = False
        self.closing = ""  # the backup on close: "", "running" or "done"

    # --- automatic backups ---------------------------------------------------------------------
    def start_timer(self) -> None:
        hours = self.ctx.settings.backup_every_hours
        if hours > 0:
            self.timer.start(hours * HOUR_MS)
        else:
            self.timer.stop()

    def periodic_backup(self) -> None:
        if self.backing_up:
            return
        self.backing_up = True
        ctx = self.ctx

        def work(_control: Control) -> Path:
            from legalaid.safety.backup import auto_backup

            return auto_backup(ctx, only_if_changed=True)

        self.runner.command(
            work,
            done=lambda _p: self._periodic_done(None),
            failed=self._periodic_done,
            owner=self,
        )

    def _periodic_done(self, error: BaseException | None) -> None:
        self.backing_up = False
        if error is not None:
            self.report_backup_failure(error)

    def report_backup_failure(self, error: BaseException) -> None:
        """A failed automatic backup: in the status bar; a damaged database also once in a
        message that says what to do (the next failures only in the status bar)."""
        from legalaid.safety.backup import DatabaseDamaged

        text = _("The automatic backup failed: %(reason)s") % {"reason": describe(error)}
        self.message.emit(text)
        if isinstance(error, DatabaseDamaged) and not self.damage_reported:
            self.damage_reported = True
            QMessageBox.warning(self.window, _("The database is damaged"), describe(error))

    def back_up_before_closing(self) -> None:
        """A short wait while the automatic backup is written; ``closing_backup_done`` then,
        whatever happens (a failed backup is logged: nobody is left to read a message)."""
        self.closing = "running"
        busy = self._busy(_("Saving a backup…"))
        busy.setObjectName("closingBackup")

        def finish(error: BaseException | None = None) -> None:
            if self.closing != "running":
                return
            if error is not None:
                log.warning("backup on close failed: %s", describe(error))
                from legalaid.safety.backup import DatabaseDamaged

                if isinstance(error, DatabaseDamaged) and not self.damage_reported:
                    self.report_backup_failure(error)  # what to do, before it closes
            self.closing = "done"
            busy.close()
            self.closing_backup_done.emit()

        ctx = self.ctx

        def back_up(_control: Control) -> object:
            from legalaid.safety.backup import auto_backup

            return auto_backup(ctx, only_if_changed=True)

        self.runner.command(back_up, done=lambda _path: finish(), failed=finish, owner=self)
        QTimer.singleShot(
            CLOSE_BACKUP_LIMIT_MS, self, lambda: finish(TimeoutError("backup too slow"))
        )

    # --- back up to a folder -------------------------------------------------------------------
    def back_up_to_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(
            self.window, _("Back up to a folder or USB drive"), self.prefs.last_folder()
        )
        if not folder:
            return
        self.prefs.remember_folder(str(Path(folder) / "x"))
        ctx, target = self.ctx, Path(folder)
        self.message.emit(_("Saving a backup…"))

        def work(_control: Control) -> Path:
            from legalaid.safety.backup import backup_to

            return backup_to(ctx, target)

        self.runner.command(
            work,
            done=self._backed_up,
            failed=lambda e: self._warn(_("Backup failed"), e),
            owner=self,
        )

    def _backed_up(self, path: Path) -> None:
        message = _("Backup saved: %(path)s") % {"path": str(path)}
        if self.ctx.encrypted:
            message += "\n\n" + _(
                "The backup is encrypted: it opens with this passphrase or the recovery key. "
                "Keep the file ending in .key beside it."
            )
        QMessageBox.information(self.window, _("Backup saved"), message)
        self.message.emit(_("Backup saved: %(path)s") % {"path": str(path)})

    def _warn(self, title: str, error: BaseException) -> None:
        QMessageBox.warning(self.window, title, describe(error))

    # --- restore -------------------------------------------------------------------------------
    def choose_and_restore(self) -> None:
        from legalaid.safety import homeops

        path, _filter = QFileDialog.getOpenFileName(
            self.window,
            _("Restore from a backup"),
            str(self.ctx.home.backups),
            _("LegalAid backups (*.db)"),
        )
        if not path:
            return
        from legalaid.safety.backup import backup_origin

        source = Path(path)
        origin = backup_origin(self.ctx.home.root, source)
        buttons = QMessageBox.StandardButton
        text = _(
            "Replace all the data in LegalAid with the backup %(file)s? Changes made after "
            "that backup will not be in the restored data.\n\nThe current database is kept "
            "as a backup first, in %(folder)s, so this can be undone."
        ) % {"file": source.name, "folder": str(self.ctx.home.backups)}
        if origin.other_home:
            text = _(
                "The backup %(file)s was made by another LegalAid folder, which has its own "
                "passphrase. Restoring it replaces all the data here, and from then on LegalAid "
                "opens with the passphrase (or recovery key) of that backup, not with this "
                "one.\n\nThe current data is kept as a backup first, in %(folder)s, and can be "
                "restored later with the passphrase used now. Restore it?"
            ) % {"file": source.name, "folder": str(self.ctx.home.backups)}
        answer = QMessageBox.question(
            self.window,
            _("Restore from a backup"),
            text,
            buttons.Yes | buttons.Cancel,
            buttons.Cancel,
        )
        if answer != buttons.Yes:
            return
        if not self.close_editors():
            return
        from legalaid.safety.backup import inspect_backup

        if origin.other_home and origin.encrypted:
            from ui.security.passphrase_dialog import ASK, PassphraseDialog

            def check(secret: str, _new: str) -> str:
                inspect_backup(source, secret)
                return secret

            dialog = PassphraseDialog(
                ASK,
                self.runner,
                check,
                lambda: _("Restore from a backup"),
                lambda: _(
                    "This backup was made by another LegalAid folder. Write the passphrase (or "
                    "the recovery key) that was in use there when it was made."
                ),
                self.window,
            )
            if dialog.exec() != PassphraseDialog.DialogCode.Accepted:
                return
            self._restore(source, str(dialog.value), other_home=True)
            return
        key = homeops.database_key(self.ctx)
        self.runner.query(
            lambda _c: inspect_backup(source, key=key if origin.encrypted else None),
            done=lambda _info: self._restore(source, None, other_home=origin.other_home),
            failed=lambda e: self._warn(_("Restore from a backup"), e),
            owner=self,
        )

    def _restore(self, source: Path, secret: str | None, *, other_home: bool) -> None:
        from legalaid.safety import homeops

        busy = self._busy(_("Restoring the backup…"))
        ctx = self.ctx
        self.runner.command(
            lambda _c: homeops.restore_and_reopen(ctx, source, secret, other_home),
            done=lambda outcome: self._restored(busy, source, outcome),
            owner=self,
        )

    def _restored(self, busy: QProgressDialog, source: Path, outcome: Reopened) -> None:
        busy.close()
        if not self._take(outcome):
            return
        if outcome.error is not None:
            self._warn(_("Restore from a backup"), outcome.error)
        else:
            text = _(
                "The data of %(file)s is back. The data from before the restore is kept "
                "in %(path)s."
            ) % {"file": source.name, "path": str(outcome.safety_copy)}
            if outcome.other_home:
                text += "\n\n" + _(
                    "From now on LegalAid opens with the passphrase (or recovery key) of the "
                    "restored backup."
                )
            QMessageBox.information(self.window, _("Backup restored"), text)
        self.data_replaced.emit()
        self.runner.announce(OpChanges.all())

    def _take(self, outcome: Reopened) -> bool:
        """Adopt the reopened database; if it could not be opened, ask as at start-up."""
        from legalaid.safety import homeops

        if outcome.ctx is not None:
            homeops.adopt(self.ctx, outcome.ctx)
            return True
        from ui.security.session import open_session

        try:
            opened = open_session(self.ctx.home.root, parent=self.window)
        except Exception as error:
            opened = None
            QMessageBox.critical(self.window, _("LegalAid cannot open the data"), describe(error))
        if opened is None:
            self.must_close.emit()
            return False
        homeops.adopt(self.ctx, opened)
        return True

    def _busy(self, text: str) -> QProgressDialog:
        busy = QProgressDialog(text, "", 0, 0, self.window)
        busy.setCancelButton(None)
        busy.setWindowModality(QtCore.Qt.WindowModality.WindowModal)
        busy.setMinimumDuration(0)
        busy.show()
        return busy

    # --- passphrase and recovery key ------------------------------------------------------------
    def change_passphrase(self) -> None:
        from legalaid.safety import homeops
        from ui.security.passphrase_dialog import CHANGE, PassphraseDialog

        ctx = self.ctx
        dialog = PassphraseDialog(
            CHANGE,
            self.runner,
            lambda current, new: homeops.change_passphrase(ctx, current, new),
            lambda: _("Change the passphrase"),
            lambda: _(
                "Write the passphrase used now (or the recovery key), then the new one twice: "
                "at least 10 characters. The recovery key keeps working."
            ),
            self.window,
        )
        if dialog.exec() == PassphraseDialog.DialogCode.Accepted:
            self.message.emit(_("The passphrase was changed. Use the new one from now on."))

    def new_recovery_sheet(self) -> None:
        from legalaid.safety import homeops
        from ui.printing.preview import show_document
        from ui.security.passphrase_dialog import ASK, PassphraseDialog

        ctx = self.ctx

        def work(secret: str, _new: str) -> tuple[str, RecoverySheet]:
            return homeops.new_recovery_key(ctx, secret)  # the sheet's PDF too, on the worker

        dialog = PassphraseDialog(
            ASK,
            self.runner,
            work,
            lambda: _("New recovery sheet"),
            lambda: _(
                "A new recovery key replaces the old one: the old sheet stops working. "
                "Write the passphrase to make it."
            ),
            self.window,
        )
        if dialog.exec() != PassphraseDialog.DialogCode.Accepted:
            return
        _key, sheet = dialog.value
        self.message.emit(_("New recovery key made: print the sheet and keep it safe."))
        show_document(self.ctx, self.runner, sheet, self.window)

    # --- encryption -----------------------------------------------------------------------------
    def encrypt_database(self) -> None:
        from legalaid.safety import homeops

        if self.ctx.encrypted:
            return
        from ui.printing.preview import show_document
        from ui.security.passphrase_dialog import NEW, PassphraseDialog
        from ui.security.unlock import RecoveryKeyDialog

        ctx = self.ctx
        dialog = PassphraseDialog(
            NEW,
            self.runner,
            lambda _current, new: homeops.encrypt_and_reopen(ctx, new),
            lambda: _("Encrypt this database"),
            lambda: _(
                "Choose a passphrase to protect the data: at least 10 characters, a sentence "
                "you will remember. The database and its backups are encrypted, checked row "
                "by row, and the unencrypted copy is wiped. Then a recovery key is shown once."
            ),
            self.window,
        )
        if dialog.exec() != PassphraseDialog.DialogCode.Accepted:
            return
        outcome: Reopened = dialog.value
        if not self._take(outcome):
            return
        self.data_replaced.emit()
        self.runner.announce(OpChanges.all())
        if outcome.error is not None:
            self._warn(_("Encrypt this database"), outcome.error)
            return
        self.message.emit(_("The database is encrypted now."))
        if outcome.recovery_key:
            RecoveryKeyDialog(outcome.recovery_key, self.window).exec()
            key = outcome.recovery_key
            self.runner.query(  # the sheet's PDF is laid out on a worker, not the UI thread
                lambda _c: homeops.recovery_sheet(ctx, key),
                done=lambda sheet: show_document(self.ctx, self.runner, sheet, self.window),
                failed=lambda e: self._warn(_("New recovery sheet"), e),
                owner=self,
            )

    # --- export ---------------------------------------------------------------------------------
    def export_spreadsheet(self) -> None:
        start = str(Path(self.prefs.last_folder()) / "legalaid.xlsx")
        path, chosen = QFileDialog.getSaveFileName(
            self.window,
            _("Export to a spreadsheet"),
            start,
            _("Excel workbook (*.xlsx)") + ";;" + _("CSV file (*.csv)"),
        )
        if not path:
            return
        target = Path(path)
        if target.suffix.lower() not in (".csv", ".xlsx"):
            target = target.with_name(target.name + (".csv" if "csv" in chosen else ".xlsx"))
        self.prefs.remember_folder(str(target))
        ctx, lang = self.ctx, current_language()
        self.message.emit(_("Exporting…"))

        def work(_control: Control) -> int:
            from legalaid.spreadsheets.exporter import export_file

            return export_file(ctx, target, lang)

        self.runner.query(
            work,
            done=lambda count: self._exported(target, count),
            failed=lambda e: self._warn(_("Export failed"), e),
            owner=self,
        )

    def _exported(self, target: Path, count: int) -> None:
        self.message.emit(
            ngettext(
                "Exported %(count)d person to %(path)s.",
                "Exported %(count)d people to %(path)s.",
                count,
            )
            % {"count": count, "path": str(target)}
        )
