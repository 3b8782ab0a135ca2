"""The Sync screen's "Office server" part: this laptop syncs with the office server saved in
Settings > Office server, both ways, with one button (legalaid.exchange.peer).

The server is reached on a worker; when libpq has no password for the login, the client's
password dialog (ui.security.server_session) asks for it, kept in memory only and gone when the
sync ends. The sync runs as a command (one transaction a step), its steps shown in words; what
it brought in refreshes the case list, the counts and Upcoming through the runner. On the
office server itself the part says why there is nothing to do.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QGroupBox, QHBoxLayout, QLabel, QProgressBar, QPushButton, QVBoxLayout

from legalaid.context import AppContext
from legalaid.errors import LegalAidError
from legalaid.exchange.peer import STEPS, SYNCED
from legalaid.i18n import N_, _, ngettext
from legalaid.services.ops import OpChanges
from ui.common.tasks import TaskRunner, describe
from ui.common.widgets import Translatable

NEEDS_PASSWORD = "needs password"
CONNECT_MSGID = "Could not connect to the server %(server)s: %(reason)s"
UNREACHABLE = N_(
    "The office server %(server)s cannot be reached. Is this laptop on the office network? "
    "Nothing was synced; your work stays on this laptop. (%(reason)s)"
)
NO_RIGHTS = N_(
    "Your login may not use the office server %(server)s: it is not a LegalAid user there. "
    "Nothing was synced; ask the office's administrator for a login."
)
NO_PASSWORD = N_("Not synced: no password was given. Nothing changed.")
# What runs while each step is next (index: the steps done so far).
STEP_WORDS = (
    N_("Checking the office's identity…"),
    N_("Checking this laptop's case numbers…"),
    N_("Recording this laptop's case numbers…"),
    N_("Receiving the server's changes…"),
    N_("Signing this laptop's changes…"),
    N_("Sending this laptop's changes to the server…"),
    N_("Writing the sync in the history…"),
    N_("Done."),
)


class Synced:
    """A finished sync; ``changes`` tells the views to refresh when anything came in."""

    def __init__(self, done: Any, at: datetime) -> None:
        self.done, self.at = done, at
        self.changes = OpChanges.all() if done.pulled.changes else OpChanges()


class ServerSyncPanel(Translatable, QGroupBox):
    synced = Signal()  # a sync ended (its history row and conflicts are there to read)

    def __init__(self, ctx: AppContext, runner: TaskRunner, parent: Any = None) -> None:
        super().__init__(parent)
        self.ctx, self.runner = ctx, runner
        self.setObjectName("serverSync")
        self.on_server = bool(getattr(ctx, "server", ""))
        self.busy = False
        self.steps_done = 0
        self.outcome: list[str] = []
        self.where = QLabel()
        self.where.setObjectName("serverSyncWhere")
        self.where.setWordWrap(True)
        self.sync_button = QPushButton()
        self.sync_button.setObjectName("serverSyncNow")
        self.sync_button.clicked.connect(self.sync_now)
        self.progress = QProgressBar()
        self.progress.setObjectName("serverSyncProgress")
        self.progress.setRange(0, len(STEPS))
        self.progress.hide()
        self.step = QLabel()
        self.step.setObjectName("serverSyncStep")
        self.result = QLabel()
        self.result.setObjectName("serverSyncResult")
        self.result.setWordWrap(True)
        self.result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        row = QHBoxLayout()
        row.addWidget(self.where, 1)
        row.addWidget(self.sync_button, 0, Qt.AlignmentFlag.AlignTop)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.progress)
        layout.addWidget(self.step)
        layout.addWidget(self.result)
        self.sync_button.setVisible(not self.on_server)
        self.retranslate()

    @property
    def url(self) -> str:
        return "" if self.on_server else self.ctx.settings.office_server

    # --- syncing ---------------------------------------------------------------------------
    def sync_now(self) -> None:
        if self.busy or not self.url:
            return
        from legalaid.server.context import open_server
        from legalaid.server.desk import asked_for_password

        url, home = self.url, self.ctx.home.root
        self._busy(True)
        self.outcome = []

        def connect(_control: Any) -> Any:
            from legalaid.server.connect import ServerError

            try:
                return open_server(url, home, ask=False)
            except ServerError as error:
                if asked_for_password(error):
                    return NEEDS_PASSWORD
                raise

        self.runner.query(connect, done=self._connected, failed=self._failed, owner=self)

    def _connected(self, server: Any) -> None:
        if server != NEEDS_PASSWORD:
            self._run(server)
            return
        from ui.security.server_session import ServerPasswordDialog

        dialog = ServerPasswordDialog(self.url, self.ctx.home.root, self.window())
        dialog.finished.connect(lambda _code: self._password_given(dialog))
        dialog.open()

    def _password_given(self, dialog: Any) -> None:
        dialog.deleteLater()
        if dialog.ctx is not None:
            self._run(dialog.ctx)
        elif dialog.failure is not None:
            self._failed(dialog.failure)
        else:
            self._busy(False)
            self.outcome = [NO_PASSWORD]
            self._show_outcome()

    def _run(self, server: Any) -> None:
        from legalaid.exchange.peer import sync_with_server
        from legalaid.server.connect import describe as server_name

        laptop, name, total = self.ctx, server_name(self.url), len(STEPS)

        self.steps_done = 0
        self._show_step()

        def work(control: Any) -> Synced:
            try:
                control.progress(0, total)
                done = sync_with_server(
                    laptop,
                    server,
                    name,
                    lambda step: control.progress(STEPS.index(step) + 1, total),
                )
            finally:
                server.close()  # its connections, and the password with them
            return Synced(done, datetime.now().astimezone())

        self.runner.command(
            work, done=self._done, failed=self._failed, progress=self._progress, owner=self
        )

    def _progress(self, done: int, _total: int) -> None:
        self.steps_done = done
        self.progress.setValue(done)
        self._show_step()

    def _done(self, result: Synced) -> None:
        self._busy(False)
        self.outcome = [result]  # type: ignore[list-item]
        self._show_outcome()
        self.synced.emit()

    def _failed(self, error: BaseException) -> None:
        self._busy(False)
        self.outcome = [error]  # type: ignore[list-item]
        self._show_outcome()
        self.synced.emit()

    def _busy(self, busy: bool) -> None:
        self.busy = busy
        self.sync_button.setEnabled(not busy and bool(self.url))
        self.progress.setVisible(busy)
        if busy:
            self.steps_done = -1  # connecting (and the password asked) before the first step
            self.progress.setValue(0)
            self.result.setText("")
        self._show_step()

    # --- words -----------------------------------------------------------------------------
    def _show_step(self) -> None:
        from legalaid.server.connect import describe as server_name

        self.step.setVisible(self.busy)
        if not self.busy:
            self.step.setText("")
            return
        if self.steps_done < 0:
            self.step.setText(
                _("Connecting to the office server %(server)s…") % {"server": server_name(self.url)}
            )
            return
        self.step.setText(
            _("Step %(step)d of %(count)d: %(what)s")
            % {
                "step": min(self.steps_done + 1, len(STEPS)),
                "count": len(STEPS),
                "what": _(STEP_WORDS[self.steps_done]),
            }
        )

    def _show_outcome(self) -> None:
        if not self.outcome:
            self.result.setText("")
            return
        found: Any = self.outcome[0]
        if isinstance(found, Synced):
            self.result.setStyleSheet("")
            self.result.setText("\n".join(summary_lines(found, self.url)))
            return
        self.result.setStyleSheet("color: #b00020;")
        if isinstance(found, str):
            self.result.setText(_(found))
        else:
            self.result.setText(explain(found, self.url))

    def retranslate(self) -> None:
        from legalaid.server.connect import describe as server_name

        self.setTitle(_("Office server"))
        self.sync_button.setText(_("S&ync now"))
        if self.on_server:
            text = _(
                "This window is on the office server itself: there is nothing to sync here. "
                "Each laptop of the office syncs with the server from its own database."
            )
        elif not self.url:
            text = _(
                "No office server is saved. Save its address in Settings > Office server, then "
                "sync this laptop from here when it is on the office network."
            )
        else:
            text = _(
                "On the office network, bring this laptop and the office server %(server)s to "
                "the same data, both ways. Work done offline is sent; nothing is lost."
            ) % {"server": server_name(self.url)}
        self.where.setText(text)
        self.sync_button.setEnabled(not self.busy and bool(self.url))
        self._show_step()
        self._show_outcome()


def summary_lines(result: Synced, url: str) -> list[str]:
    """What a sync did, one sentence a line."""
    from babel.dates import LOCALTZ, format_time

    from legalaid.i18n import babel_locale
    from legalaid.server.connect import describe as server_name

    done = result.done
    lines = [
        _("At %(time)s, synced with the office server %(server)s.")
        % {
            "server": server_name(url),
            "time": format_time(result.at, "short", tzinfo=LOCALTZ, locale=babel_locale()),
        }
    ]
    if done.first:
        lines.append(_("This laptop is now a copy of %(office)s.") % {"office": done.office})
    received, sent = done.pulled.changes, done.pushed.changes
    conflicts = done.pulled.conflicts + done.pushed.conflicts
    lines.append(
        ngettext(
            "%(count)d change received from the server.",
            "%(count)d changes received from the server.",
            received,
        )
        % {"count": received}
    )
    lines.append(
        ngettext(
            "%(count)d change of this laptop sent to the server.",
            "%(count)d changes of this laptop sent to the server.",
            sent,
        )
        % {"count": sent}
    )
    if conflicts:
        lines.append(
            ngettext(
                "%(count)d new conflict: the Conflicts tab shows it, for a person to decide.",
                "%(count)d new conflicts: the Conflicts tab shows them, for a person to decide.",
                conflicts,
            )
            % {"count": conflicts}
        )
    lines.append(
        _("New cases made on this laptop are numbered %(example)s and on, its own series.")
        % {"example": done.series.example()}
    )
    return lines


def explain(error: BaseException, url: str) -> str:
    """A failed sync in words: an unreachable server and a login without rights said plainly,
    the rest as the core says it."""
    from legalaid.server.connect import describe as server_name

    if isinstance(error, LegalAidError) and error.problems[0].msgid == CONNECT_MSGID:
        reason = str(error.problems[0].params.get("reason", ""))
        if "permission denied for database" in reason:
            return _(NO_RIGHTS) % {"server": server_name(url)}
        return _(UNREACHABLE) % {"server": server_name(url), "reason": reason}
    return describe(error)


def history_texts(record: Any) -> tuple[str, str, str] | None:
    """A sync with the office server as the Sync screen's history shows it (direction, result,
    state), or None for an exchange file."""
    if record.direction != SYNCED:
        return None
    counts = record.counts or {}
    return (
        _("Synced with the office server %(server)s") % {"server": counts.get("server", "—")},
        _("received: %(received)d · sent: %(sent)d · conflicts: %(conflicts)d")
        % {
            "received": int(counts.get("received", 0)),
            "sent": int(counts.get("sent", 0)),
            "conflicts": int(counts.get("conflicts", 0)),
        },
        "",
    )
