"""The settings a person changes from the main window: the settings dialog, the language, and
the *About* box. Saved to the home's settings.json; ``changed`` tells the window."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QMessageBox, QWidget

from legalaid.context import AppContext
from legalaid.i18n import _, current_language
from ui.common.language import LanguageSwitcher
from ui.common.reference import Reference
from ui.common.tasks import describe


class SettingsActions(QObject):
    changed = Signal()  # the settings dialog was accepted: lock minutes, backup hours...
    message = Signal(str)  # for the status bar

    def __init__(
        self,
        ctx: AppContext,
        switcher: LanguageSwitcher,
        reference: Reference,
        window: QWidget,
    ) -> None:
        super().__init__(window)
        self.ctx, self.switcher, self.reference, self.window = ctx, switcher, reference, window

    def edit(self) -> None:
        from ui.settings.settings_dialog import SettingsDialog

        dialog = SettingsDialog(self.ctx, self.reference, self.window)
        if dialog.exec() != SettingsDialog.DialogCode.Accepted or dialog.chosen is None:
            return
        language_changed = dialog.chosen.language != current_language()
        self.ctx.settings = dialog.chosen
        self._store()
        self.changed.emit()
        if language_changed:
            self.switcher.apply(dialog.chosen.language)
        self.message.emit(_("Settings saved."))

    def set_language(self, code: str) -> None:
        if code == current_language():
            return
        self.switcher.apply(code)
        self.ctx.settings.language = code
        self._store()

    def _store(self) -> None:
        try:
            self.ctx.save_settings()
        except Exception as error:  # a read-only folder must not stop the work
            self.message.emit(describe(error))

    def about(self) -> None:
        QMessageBox.about(self.window, _("About LegalAid"), self.about_text())

    def about_text(self) -> str:
        server = str(getattr(self.ctx, "server", "") or "")
        if server:
            return _(
                "LegalAid keeps case files and hearing dates for people waiting in Mexico for "
                "US immigration hearings, and prints bilingual reminders. This window works on "
                "the office server %(server)s as the login %(login)s: the cases stay on the "
                "server, which an administrator backs up; this computer keeps only its "
                "settings, in %(path)s."
            ) % {
                "server": server,
                "login": str(getattr(self.ctx, "login", "")),
                "path": str(self.ctx.home.root),
            }
        return _(
            "LegalAid keeps case files and hearing dates for people waiting in Mexico for "
            "US immigration hearings, and prints bilingual reminders. It works offline; "
            "the data stays in %(path)s."
        ) % {"path": str(self.ctx.home.root)}
