"""Starting the client: the application, the language, the home folder, the main window.

``run_client`` is the client's entry point: ``legalaid`` (or ``python -m ui``) with no command
finds it by name (legalaid.cli.CLIENT).
"""

from __future__ import annotations

import logging
import sys

from PySide6.QtWidgets import QApplication, QMessageBox

from legalaid.context import AppContext
from legalaid.errors import LegalAidError
from legalaid.i18n import _
from ui.common.language import LanguageSwitcher, system_language
from ui.common.tasks import describe, wait_for_all
from ui.security.server_session import open_local_instead, open_server_session, saved_server
from ui.security.session import open_session
from ui.startup import resume_gc, tune_gc
from ui.window.main_window import MainWindow


def application() -> QApplication:
    app = QApplication.instance()
    if isinstance(app, QApplication):
        return app
    app = QApplication(sys.argv[:1])
    app.setApplicationName("LegalAid")
    app.setOrganizationName("LegalAid")
    app.setApplicationDisplayName("LegalAid")
    return app


def run_client(
    home: str | None = None,
    language: str | None = None,
    *,
    unencrypted: bool = False,
    server: str | None = None,
) -> int:
    """Open the window on ``home`` (default: $LEGALAID_HOME or the user data folder), or on
    the office server at ``server`` (else the one saved in the home's settings), the settings
    kept in ``home``.

    The language is ``language`` if given, else the one saved in the home's settings, else the
    system's (Spanish when it is neither Spanish nor English). ``unencrypted`` is the demo mode
    of ``legalaid --unencrypted``. Returns the exit status.
    """
    from legalaid.files import forget_pending, owner_only
    from legalaid.homelock import CLIENT, release_all, set_program

    owner_only()  # letters, exports and backups saved from the window are the user's only
    set_program(CLIENT)  # what a command refused by this window's hold on the home is told
    logging.basicConfig(level=logging.WARNING)
    app = application()
    switcher = LanguageSwitcher.of(app)
    switcher.apply(language or system_language())
    from legalaid.home import HomeState, home_state

    fresh = False
    url = server or saved_server(home)
    ctx: AppContext | None = None
    if url:
        try:
            ctx = open_server_session(url, home)
        except Exception as error:  # unreachable, refused: one message, never a traceback
            text = error.message() if isinstance(error, LegalAidError) else describe(error)
            if server or not open_local_instead(text):
                QMessageBox.critical(None, _("LegalAid cannot start"), text)
                return 1
            url = ""  # the saved server is out of reach: this laptop's database instead
        else:
            if ctx is None:
                return 0
    if not url:
        fresh = home_state(home) is HomeState.NEW
        try:
            ctx = open_session(home, unencrypted=unencrypted)
        except LegalAidError as error:
            QMessageBox.critical(None, _("LegalAid cannot start"), error.message())
            return 1
    if ctx is None:
        return 0
    switcher.apply(language or ctx.settings.language or system_language())
    from ui.settings.first_run import ask_once

    ask_once(ctx, fresh)  # a fresh home: who prints the letters (organisation, phone, staff member)
    # The office server is backed up by its administrator, on the server (pg_dump).
    window = MainWindow(ctx, switcher, automatic_backups=not url)
    window.first_screen.connect(resume_gc)  # off while starting (legalaid/__main__.py)
    window.behind_loaded.connect(tune_gc)  # freeze what start-up loaded, the ORM included
    window.show()
    try:
        return app.exec()
    finally:
        wait_for_all(30_000)  # the commands (a backup, a save) end before the home closes
        ctx.close()
        release_all()
        forget_pending()
