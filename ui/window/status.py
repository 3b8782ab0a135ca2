"""The main window's status bar: how many cases (all, open) and which database it works on
(this laptop's, or the office server's with the login and its role); the window's title too."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QLabel, QMainWindow

from legalaid.context import AppContext
from legalaid.formatting import number
from legalaid.i18n import N_, _, ngettext
from legalaid.services.search import count_cases
from ui.common.tasks import TaskRunner


class StatusCounts(QObject):
    """The counts are read again only when data change (a save, an import, a restore)."""

    counted = Signal(int)  # all cases: 0 is an empty database

    def __init__(self, ctx: AppContext, runner: TaskRunner, window: QMainWindow) -> None:
        super().__init__(window)
        self.ctx, self.runner = ctx, runner
        self.counts = QLabel()  # all cases
        self.open_counts = QLabel()  # open cases
        self.location = QLabel()
        self.location.setObjectName("databaseLocation")
        # The badge: conflicts between offices waiting for a person (hidden when none).
        self.conflicts = QLabel()
        self.conflicts.setObjectName("conflictsBadge")
        self.conflicts.setStyleSheet(
            "background: #b00020; color: white; border-radius: 8px; padding: 1px 8px;"
        )
        self.conflicts.hide()
        self.values: tuple[int, int] | None = None  # all cases, open cases
        self.conflict_count = 0
        bar = window.statusBar()
        for label in (self.conflicts, self.counts, self.open_counts, self.location):
            bar.addPermanentWidget(label)

    def refresh(self) -> None:
        ctx = self.ctx
        self.runner.query(
            lambda _c: (count_cases(ctx), count_cases(ctx, status="open"), _conflicts(ctx)),
            done=self._show,
            owner=self,
        )

    def _show(self, counts: tuple[int, int, int]) -> None:
        self.values = counts[0], counts[1]
        self.conflict_count = counts[2]
        self.retranslate()
        self.counted.emit(counts[0])

    def title(self) -> str:
        """The window's title: on the office server, which one."""
        server = str(getattr(self.ctx, "server", ""))
        if server:
            return _("LegalAid — office server %(server)s") % {"server": server}
        return _("LegalAid — cases and hearings")

    def retranslate(self) -> None:
        self.location.setToolTip(_("The database this window works on"))
        path = self.ctx.home.database
        server = str(getattr(self.ctx, "server", ""))
        if server:
            from legalaid.server.desk import role_of

            role = role_of(self.ctx.db)
            self.location.setText(_(ON_SERVER[role.name]) % {"server": server, "login": role.login})
            self.location.setToolTip(_(ROLE_LIMITS[role.name]))
            self.location.setStyleSheet("")
        elif bool(getattr(self.ctx, "encrypted", False)):
            self.location.setText(_("This laptop: %(path)s · encrypted") % {"path": path})
            self.location.setStyleSheet("")
        else:
            self.location.setText(
                _("This laptop: %(path)s · NOT encrypted (demo mode)") % {"path": path}
            )
            self.location.setStyleSheet("color: #b00020;")
        self.conflicts.setVisible(self.conflict_count > 0)
        self.conflicts.setText(
            ngettext(
                "%(count)s conflict between offices",
                "%(count)s conflicts between offices",
                self.conflict_count,
            )
            % {"count": number(self.conflict_count)}
        )
        self.conflicts.setToolTip(_("File > Exchange with offices: a person decides each one"))
        if self.values is None:
            return
        total, open_cases = self.values
        # Two labels, each one whole sentence for the translators (no glued pieces).
        self.counts.setText(
            ngettext("%(count)s case", "%(count)s cases", total) % {"count": number(total)}
        )
        self.open_counts.setText(
            ngettext("%(count)s open", "%(count)s open", open_cases) % {"count": number(open_cases)}
        )


# The office server's label, one whole sentence per role (legalaid.server.desk.LoginRole.name).
ON_SERVER = {
    "volunteer": N_("Office server %(server)s · login %(login)s (volunteer)"),
    "lawyer": N_("Office server %(server)s · login %(login)s (lawyer)"),
    "admin": N_("Office server %(server)s · login %(login)s (administrator)"),
    "lawyer+admin": N_("Office server %(server)s · login %(login)s (lawyer and administrator)"),
}
ROLE_LIMITS = {
    "volunteer": N_(
        "A volunteer works on cases, people, hearings and papers. Risk assessments, incidents "
        "and risk notes are for lawyers; crossings, courts and users for administrators."
    ),
    "lawyer": N_(
        "A lawyer works on cases, hearings, papers and the risk data. Crossings, courts and "
        "users are for administrators."
    ),
    "admin": N_(
        "An administrator works on cases, hearings and papers, and keeps crossings, courts "
        "and users. Risk assessments, incidents and risk notes are for lawyers."
    ),
    "lawyer+admin": N_("This login may do everything: the risk data, crossings, courts, users."),
}


def _conflicts(ctx: AppContext) -> int:
    """Open conflicts between offices (none on a database from before the exchange)."""
    from legalaid.exchange.blocking import count_open_conflicts

    return count_open_conflicts(ctx)
