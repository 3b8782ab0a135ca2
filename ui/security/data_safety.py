"""Data safety from the File menu: backups, restore, passphrase, recovery sheet, encryption, export.

Each action gathers what it needs (a folder, a file, a passphrase), then calls one core function
on a worker (legalaid.safety.*). Restore and encryption replace the database file: the context is
closed on the worker, the core does its work, and the home is opened again into the *same*
AppContext object, so every panel and open window keeps working on the new database.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6 import QtCore
from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QFileDialog, QMessageBox, QProgressDialog

from legalaid.context import AppContext
from legalaid.home import open_home
from legalaid.i18n import _, current_language, ngettext
from ui.common.prefs import Prefs
from ui.common.tasks import Control, TaskRunner, describe

# The safety modules (keys, backups, export) and the dialogs are imported by the actions that
# use them: a window starts without them.


def recovery_sheet_pdf(key: str, organisation: str, paper: str) -> bytes:
    """Imported when needed: reportlab is not loaded at start-up (cold start)."""
    from legalaid.safety.recovery_sheet import recovery_sheet_pdf as build

    return build(key, organisation, paper)


if TYPE_CHECKING:
    from ui.window.main_window import MainWindow

log = logging.getLogger(__name__)
HOUR_MS = 3_600_000


@dataclass
class RecoverySheet:
    """What the preview shows: the sheet's PDF. Never written to the document log."""

    pdf: bytes
    title: str
    logged: bool = True


@dataclass
class Reopened:
    """What a restore or an encryption left: the new database opened, or why not."""

    ctx: AppContext | None
    safety_copy: Path | None = None
    recovery_key: str | None = None
    error: BaseException | None = None
    other_home: bool = False


def adopt(ctx: AppContext, opened: AppContext) -> None:
    """Point the context every panel holds at the newly opened database (and its hold)."""
    ctx.home, ctx.settings, ctx.db = opened.home, opened.settings, opened.db
    ctx.hold, opened.hold = opened.hold, None
    ctx.recovery_key = None


def reopen(ctx: AppContext, key: bytes | None) -> AppContext:
    """Open the home again with the database key the window had (or the restored one)."""
    return open_home(ctx.home.root, key=key, unencrypted=key is None)


def restore_and_reopen(
    ctx: AppContext, source: Path, backup_secret: str | None, other_home: bool = False
) -> Reopened:
    """Worker: close the window's database (every connection, and its hold on the home), restore
    (the core holds the home alone, verifies, keeps the current data first), reopen.

    The window's database key opens a backup of this folder; ``backup_secret`` one made by
    another folder (``other_home``: confirmed by the person)."""
    from legalaid.safety.backup import restore_home

    key = ctx.db._key
    ctx.close()
    outcome = Reopened(None, other_home=other_home)
    try:
        done = restore_home(
            ctx.home.root,
            source,
            key=key,
            backup_secret=backup_secret,
            unencrypted=key is None,
            other_home=other_home,
        )
        outcome.safety_copy, key = done.safety_copy, done.key
    except Exception as error:  # the core's message is shown; the home is opened again anyway
        outcome.error = error
    try:
        outcome.ctx = reopen(ctx, key)
    except Exception as error:
        log.warning("reopening after restore failed: %s", error)
        outcome.error = outcome.error or error
    return outcome


def encrypt_and_reopen(ctx: AppContext, passphrase: str) -> Reopened:
    """Worker: close the plaintext database, encrypt the home, open it encrypted."""
    from legalaid.safety.convert import encrypt_home

    ctx.close()
    try:
        new = encrypt_home(ctx.home.root, passphrase)
    except Exception as error:
        try:
            return Reopened(reopen(ctx, None), error=error)
        except Exception:
            return Reopened(None, error=error)
    return Reopened(reopen(ctx, new.dek), recovery_key=new.recovery_key)


class DataSafety(QObject):
    """The File menu's data-safety actions and the automatic backups of a window."""

    data_replaced = Signal()  # restore or encryption swapped the database under the window

    def __init__(self, ctx: AppContext, runner: TaskRunner, window: MainWindow) -> None:
        super().__init__(window)
        self.ctx, self.runner, self.window = ctx, runner, window
        self.prefs = Prefs(ctx)
        self.timer = QTimer(self)
        self.timer.timeout.connect(self.periodic_backup)
        self.backing_up = False
        self.damage_reported = False

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

        self.runner.run(
            work,
            done=lambda _p: self._periodic_done(None),
            failed=self._periodic_done,
            write=True,
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
        self.window.show_message(text)
        if isinstance(error, DatabaseDamaged) and not self.damage_reported:
            self.damage_reported = True
            QMessageBox.warning(self.window, _("The database is damaged"), describe(error))

    # --- back up to a folder -------------------------------------------------------------------
    def back_up_to_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(
            self.window, _("Back up to a folder or USB drive"), self.prefs.last_folder()
        )
        if not folder:
            return
        self.prefs.remember_folder(str(Path(folder) / "x"))
        ctx, target = self.ctx, Path(folder)
        self.window.show_message(_("Saving a backup…"))

        def work(_control: Control) -> Path:
            from legalaid.safety.backup import backup_to

            return backup_to(ctx, target)

        self.runner.run(
            work,
            done=self._backed_up,
            failed=lambda e: self._warn(_("Backup failed"), e),
            write=True,
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
        self.window.show_message(_("Backup saved: %(path)s") % {"path": str(path)})

    def _warn(self, title: str, error: BaseException) -> None:
        QMessageBox.warning(self.window, title, describe(error))

    # --- restore -------------------------------------------------------------------------------
    def choose_and_restore(self) -> None:
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
        if not self.window.close_editors():
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
        key = self.ctx.db._key
        self.runner.run(
            lambda _c: inspect_backup(source, key=key if origin.encrypted else None),
            done=lambda _info: self._restore(source, None, other_home=origin.other_home),
            failed=lambda e: self._warn(_("Restore from a backup"), e),
            owner=self,
        )

    def _restore(self, source: Path, secret: str | None, *, other_home: bool) -> None:
        busy = self._busy(_("Restoring the backup…"))
        ctx = self.ctx
        self.runner.run(
            lambda _c: restore_and_reopen(ctx, source, secret, other_home),
            done=lambda outcome: self._restored(busy, source, outcome),
            write=True,
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

    def _take(self, outcome: Reopened) -> bool:
        """Adopt the reopened database; if it could not be opened, ask as at start-up."""
        if outcome.ctx is not None:
            adopt(self.ctx, outcome.ctx)
            return True
        from ui.security.session import open_session

        try:
            opened = open_session(self.ctx.home.root, parent=self.window)
        except Exception as error:
            opened = None
            QMessageBox.critical(self.window, _("LegalAid cannot open the data"), describe(error))
        if opened is None:
            self.window.close_without_backup()
            return False
        adopt(self.ctx, opened)
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
        from legalaid.safety.keys import change_home_passphrase
        from ui.security.passphrase_dialog import CHANGE, PassphraseDialog

        ctx = self.ctx
        dialog = PassphraseDialog(
            CHANGE,
            self.runner,
            lambda current, new: change_home_passphrase(ctx.home, current, new, own=ctx.hold),
            lambda: _("Change the passphrase"),
            lambda: _(
                "Write the passphrase used now (or the recovery key), then the new one twice: "
                "at least 10 characters. The recovery key keeps working."
            ),
            self.window,
        )
        if dialog.exec() == PassphraseDialog.DialogCode.Accepted:
            self.window.show_message(_("The passphrase was changed. Use the new one from now on."))

    def new_recovery_sheet(self) -> None:
        from legalaid.safety.keys import replace_home_recovery_key
        from ui.printing.preview import show_document
        from ui.security.passphrase_dialog import ASK, PassphraseDialog

        ctx, settings = self.ctx, self.ctx.settings

        def work(secret: str, _new: str) -> tuple[str, RecoverySheet]:
            key = replace_home_recovery_key(ctx.home, secret, own=ctx.hold)
            pdf = recovery_sheet_pdf(key, settings.organisation.name, settings.paper_size)
            return key, RecoverySheet(pdf, _("Recovery sheet"))

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
        self.window.show_message(_("New recovery key made: print the sheet and keep it safe."))
        show_document(self.ctx, self.runner, sheet, self.window)

    # --- encryption -----------------------------------------------------------------------------
    def encrypt_database(self) -> None:
        if self.ctx.encrypted:
            return
        from ui.printing.preview import show_document
        from ui.security.passphrase_dialog import NEW, PassphraseDialog
        from ui.security.unlock import RecoveryKeyDialog

        ctx = self.ctx
        dialog = PassphraseDialog(
            NEW,
            self.runner,
            lambda _current, new: encrypt_and_reopen(ctx, new),
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
        if outcome.error is not None:
            self._warn(_("Encrypt this database"), outcome.error)
            return
        self.window.show_message(_("The database is encrypted now."))
        if outcome.recovery_key:
            RecoveryKeyDialog(outcome.recovery_key, self.window).exec()
            settings = self.ctx.settings
            sheet = RecoverySheet(
                recovery_sheet_pdf(
                    outcome.recovery_key, settings.organisation.name, settings.paper_size
                ),
                _("Recovery sheet"),
            )
            show_document(self.ctx, self.runner, sheet, self.window)

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
        self.window.show_message(_("Exporting…"))

        def work(_control: Control) -> int:
            from legalaid.safety.exporter import export_file

            return export_file(ctx, target, lang)

        self.runner.run(
            work,
            done=lambda count: self._exported(target, count),
            failed=lambda e: self._warn(_("Export failed"), e),
            owner=self,
        )

    def _exported(self, target: Path, count: int) -> None:
        self.window.show_message(
            ngettext(
                "Exported %(count)d person to %(path)s.",
                "Exported %(count)d people to %(path)s.",
                count,
            )
            % {"count": count, "path": str(target)}
        )
