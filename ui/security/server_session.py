"""Opening the office server for the client: the password asked in a dialog when libpq has none.

The password is kept in memory only (the open database's connections use it) and never
written anywhere. Three tries; each refusal says so in the dialog, and the third closes it with
one message. The server is tried on a worker: the dialog never freezes.
"""

from __future__ import annotations

import os

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from legalaid.errors import LegalAidError
from legalaid.i18n import N_, _, ngettext
from legalaid.server.connect import ServerError, describe
from legalaid.server.context import ServerContext, open_server
from legalaid.server.desk import WRONG_PASSWORD, asked_for_password, probe, role_of
from ui.common.screen import FitsScreen
from ui.common.tasks import TaskRunner
from ui.common.tasks import describe as describe_error
from ui.common.widgets import ErrorLabel, FieldErrors, Translatable, boxed

TRIES = 3
NONE_ACCEPTED = N_("No password was accepted by the server %(server)s.")

Home = str | os.PathLike[str] | None


def open_server_session(
    url: str, home: Home = None, parent: QWidget | None = None
) -> ServerContext | None:
    """The server's context, or None when the person closed the password dialog. What goes
    wrong (unreachable, refused, three wrong passwords) is a ServerError that says it."""
    ctx: ServerContext | None = None
    try:
        ctx = open_server(url, home, ask=False)  # libpq's own password, or none needed
    except ServerError as error:
        if not asked_for_password(error):
            raise
    if ctx is None:
        dialog = ServerPasswordDialog(url, home, parent)
        accepted = dialog.exec() == ServerPasswordDialog.DialogCode.Accepted
        if dialog.failure is not None:
            raise dialog.failure
        ctx = dialog.ctx if accepted else None
    if ctx is not None:
        try:
            role_of(ctx.db)  # read once, before the window shows it
        except BaseException:
            ctx.close()
            raise
    return ctx


def saved_server(home: Home = None) -> str:
    """The office server saved in the home's settings (Settings > Office server), or ""."""
    from legalaid.paths import HomePaths, resolve_home
    from legalaid.settings import load_settings

    return load_settings(HomePaths(resolve_home(home)).settings).office_server


def open_local_instead(reason: str, parent: QWidget | None = None) -> bool:
    """The saved office server could not be opened: whether to open this laptop's database."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle(_("Office server"))
    box.setText(reason)
    box.setInformativeText(
        _(
            "You can work on this laptop's own database instead. The office server stays "
            "saved in Settings for the next start."
        )
    )
    local = box.addButton(_("Open this &laptop's database"), QMessageBox.ButtonRole.AcceptRole)
    box.addButton(_("&Quit"), QMessageBox.ButtonRole.RejectRole)
    box.exec()
    return box.clickedButton() is local


class ServerPasswordDialog(Translatable, FitsScreen, QDialog):
    """``ctx`` holds the opened server after Accept; ``failure`` the error that closed it."""

    def __init__(self, url: str, home: Home = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("serverPasswordDialog")
        self.url, self.home = url, home
        self.ctx: ServerContext | None = None
        self.failure: LegalAidError | None = None
        self.tries = 0
        self.busy = False
        self.runner = TaskRunner(self)
        self.errors = FieldErrors(ErrorLabel())
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        self.password = QLineEdit()
        self.password.setObjectName("serverPassword")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.label = QLabel()
        self.label.setBuddy(self.password)
        form = QFormLayout()
        form.addRow(self.label, boxed(self.password, self.errors.add("password", self.password)))
        self.working = QLabel()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addLayout(form)
        layout.addWidget(self.errors.general)
        layout.addWidget(self.working)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(480)
        self.retranslate()
        self.password.setFocus()

    def retranslate(self) -> None:
        self.setWindowTitle(_("Office server"))
        self.intro.setText(
            _(
                "The office server %(server)s asks for the password of your login. LegalAid "
                "keeps it in memory until it closes and never writes it down."
            )
            % {"server": describe(self.url)}
        )
        self.label.setText(_("&Password"))
        self.working.setText(_("Connecting…") if self.busy else "")

    def submit(self) -> None:
        if self.busy:
            return
        password = self.password.text()
        if not password:
            self.errors.show({"password": _("Write the password.")})
            self.password.setFocus()
            return
        self.errors.clear()
        self._busy(True)
        url, home = self.url, self.home

        def work(_control: object) -> ServerContext | None:
            if probe(url, password) == WRONG_PASSWORD:
                return None
            return open_server(url, home, password=password, ask=False)

        self.runner.query(work, done=self._done, failed=self._failed, owner=self)

    def _busy(self, busy: bool) -> None:
        self.busy = busy
        self.buttons.setEnabled(not busy)
        self.password.setEnabled(not busy)
        self.retranslate()

    def _done(self, ctx: ServerContext | None) -> None:
        self._busy(False)
        if ctx is not None:
            self.ctx = ctx
            self.accept()
            return
        self.tries += 1
        left = TRIES - self.tries
        if left <= 0:
            self.failure = ServerError(NONE_ACCEPTED, server=describe(self.url))
            self.reject()
            return
        self.errors.show(
            {
                "password": ngettext(
                    "Wrong password, or no such login. %(left)d try left.",
                    "Wrong password, or no such login. %(left)d tries left.",
                    left,
                )
                % {"left": left}
            }
        )
        self.password.selectAll()
        self.password.setFocus()

    def _failed(self, error: BaseException) -> None:
        self._busy(False)
        self.failure = (
            error
            if isinstance(error, LegalAidError)
            else ServerError(N_("The server refused: %(reason)s"), reason=describe_error(error))
        )
        self.reject()
