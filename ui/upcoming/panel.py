"""The Upcoming hearings view: 7/14/30 days, grouped by date and crossing, with flags,
batch reminders, the daily crossing list and the household's message for the clipboard."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Signal
from PySide6.QtGui import QAction, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QPushButton,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from legalaid.context import AppContext
from legalaid.formatting import number
from legalaid.i18n import N_, _, ngettext
from legalaid.labels import choices, label
from ui.common.reference import Reference, named, with_blank
from ui.common.tasks import TaskRunner, describe
from ui.common.widgets import CodeCombo, ErrorLabel, Translatable, compact_rows
from ui.printing import papers
from ui.upcoming.upcoming_model import FLAG_COLUMN, FLAG_HELP, Listing, UpcomingModel, listing

WINDOWS = [("7", N_("Next 7 days")), ("14", N_("Next 14 days")), ("30", N_("Next 30 days"))]
ALL_CROSSINGS = N_("All crossings")

if TYPE_CHECKING:  # the hearing services, the ORM and the printing load when first used
    from legalaid.services.upcoming import UpcomingHearing
    from ui.printing.batch import BatchPrinter


class UpcomingPanel(Translatable, QWidget):
    open_case = Signal(str)
    status_message = Signal(str)

    def __init__(self, ctx: AppContext, runner: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.runner = ctx, runner
        self.reference = Reference()
        self.model = UpcomingModel(self)
        self.days = CodeCombo(items=lambda: [(code, _(text)) for code, text in WINDOWS])
        self.days.set_code("14")
        self.crossing = CodeCombo(
            items=lambda: with_blank(self.reference.crossing_items(), ALL_CROSSINGS)
        )
        self.days_label, self.crossing_label = QLabel(), QLabel()
        self.days_label.setBuddy(self.days)
        self.crossing_label.setBuddy(self.crossing)
        self.summary = QLabel()
        self.summary.setObjectName("upcomingSummary")
        self.error = ErrorLabel()
        # A table: it asks the model only about the rows it paints (see upcoming_model).
        self.tree = QTableView()
        self.tree.setObjectName("upcomingTree")
        self.tree.setModel(self.model)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.tree.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.tree.verticalHeader().hide()
        self.tree.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        compact_rows(self.tree)
        self.tree.horizontalHeader().setStretchLastSection(True)
        self.tree.setWordWrap(False)
        self.tree.setShowGrid(False)
        self.tree.setAlternatingRowColors(True)
        self._batch: BatchPrinter | None = None
        # The pages of the window shown: where the next one starts (None: all read).
        self._after: Any = None
        self.page_size = 200  # hearings a page (a screen holds about 25)
        self._loading = False
        self._generation = 0
        self._window: tuple[int, str | None] = (14, None)
        self._counts: Any = None  # the whole window's counts (legalaid.services.upcoming)
        self._outdated = 0
        self.tree.verticalScrollBar().valueChanged.connect(self._more_if_near_the_end)
        self.tree.verticalScrollBar().rangeChanged.connect(self._more_if_near_the_end)
        self._buttons()
        self._layout()
        for combo in (self.days, self.crossing):
            combo.currentIndexChanged.connect(self._filter_changed)
        self.tree.doubleClicked.connect(lambda _i: self.open_selected())
        self.retranslate()

    @property
    def batch(self) -> BatchPrinter:
        """The reminder batch printer, made when first needed."""
        if self._batch is None:
            from ui.printing.batch import BatchPrinter

            self._batch = BatchPrinter(self.ctx, self.runner, self)
            self._batch.message.connect(self.status_message)
        return self._batch

    def _buttons(self) -> None:
        self.refresh_button = QPushButton()
        self.refresh_button.setShortcut(QKeySequence.StandardKey.Refresh)
        self.refresh_button.clicked.connect(self.refresh)
        self.print_button = QPushButton()
        self.print_button.setObjectName("printReminders")
        self.print_button.clicked.connect(self.print_reminders)
        self.list_button = QPushButton()
        self.list_button.clicked.connect(self.print_crossing_list)
        self.verify_button = QPushButton()
        self.verify_button.clicked.connect(self.mark_verified)
        self.open_button = QPushButton()
        self.open_button.clicked.connect(self.open_selected)
        self.copy_button = QToolButton()
        self.copy_button.setPopupMode(QToolButton.ToolButtonPopupMode.MenuButtonPopup)
        self.copy_es = QAction(self)
        self.copy_es.triggered.connect(lambda: self.copy_message("es"))
        self.copy_en = QAction(self)
        self.copy_en.triggered.connect(lambda: self.copy_message("en"))
        menu = QMenu(self.copy_button)
        menu.addAction(self.copy_es)
        menu.addAction(self.copy_en)
        self.copy_button.setMenu(menu)
        self.copy_button.setDefaultAction(self.copy_es)

    def _layout(self) -> None:
        bar = QHBoxLayout()
        for widget in (self.days_label, self.days, self.crossing_label, self.crossing):
            bar.addWidget(widget)
        bar.addWidget(self.refresh_button)
        bar.addStretch(1)
        bar.addWidget(self.summary)
        actions = QHBoxLayout()
        for button in (
            self.print_button,
            self.list_button,
            self.copy_button,
            self.verify_button,
            self.open_button,
        ):
            actions.addWidget(button)
        actions.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.error)
        layout.addWidget(self.tree, 1)
        layout.addLayout(actions)

    def retranslate(self) -> None:
        self.days_label.setText(_("&Show:"))
        self.crossing_label.setText(_("C&rossing:"))
        self.refresh_button.setText(_("Refresh"))
        self.refresh_button.setToolTip(_("Read the hearings again (F5)"))
        self.print_button.setText(_("Print &reminders…"))
        self.print_button.setToolTip(
            _("Reminder letters for the selected hearings (select a date to take all of it)")
        )
        self.list_button.setText(_("Crossing &list…"))
        self.list_button.setToolTip(_("The list of households reporting at the crossing that day"))
        self.copy_es.setText(_("Copy message in Spanish"))
        self.copy_en.setText(_("Copy message in English"))
        self.copy_button.setToolTip(_("Copy the household's reminder message to paste in a chat"))
        self.verify_button.setText(_("Mark &verified"))
        self.verify_button.setToolTip(_("You checked these dates with the court today"))
        self.open_button.setText(_("&Open case"))
        self.tree.setToolTip(_("Select several hearings with Ctrl or Shift"))
        self.days.retranslate()
        self.crossing.retranslate()
        self.model.retranslate()
        self._size_columns()
        self._summarise()

    def set_reference(self, reference: Reference) -> None:
        self.reference = reference
        self.crossing.retranslate()
        self.model.reference = reference
        self.model.retranslate()
        self._size_columns()

    # --- loading ------------------------------------------------------------------------------
    def _filter_changed(self, index: int) -> None:
        if index >= 0:  # -1: the combo is being cleared or deleted
            self.refresh()

    def refresh(self) -> None:
        """Read the window again: its first page at once, the rest as the list is scrolled
        (a page at a time, the next one once the last rows come near), the counts beside."""
        ctx, days, crossing = self.ctx, int(self.days.code() or 14), self.crossing.code() or None
        self.error.show_message("")
        self._generation += 1
        generation = self._generation
        self._after, self._loading, self._counts = None, True, None
        size = self.page_size

        def work(_control: object) -> tuple[Listing, Any]:
            from legalaid.services.upcoming import upcoming_page

            page = upcoming_page(ctx, days, crossing=crossing, limit=size)
            return listing(page.rows), page.after  # grouped here, not in the UI

        def counts(_control: object) -> Any:
            from legalaid.services.upcoming import upcoming_counts

            return upcoming_counts(ctx, days, crossing=crossing)

        self.runner.query(
            work,
            done=lambda found: self._loaded(generation, days, crossing, *found),
            failed=self._failed,
            owner=self,
        )
        self.runner.query(
            counts,
            done=lambda found: self._counted(generation, found),
            failed=self._failed,
            owner=self,
        )

    def _failed(self, error: BaseException) -> None:
        self._loading = False
        self.error.show_message(describe(error))

    def _loaded(
        self, generation: int, days: int, crossing: str | None, shown: Listing, after: Any
    ) -> None:
        if generation != self._generation:
            return  # a later refresh is on its way
        self._window = (days, crossing)
        self._after, self._loading = after, False
        self.model.set_listing(shown)
        self._outdated = shown.outdated
        self.tree.clearSpans()
        self._span(self.model.title_rows)
        self._size_columns()
        self._summarise()
        self._more_if_near_the_end()

    def _span(self, title_rows: list[int]) -> None:
        columns = self.model.columnCount()
        for row in title_rows:  # a group's title reads across the whole row
            self.tree.setSpan(row, 0, 1, columns)

    def _counted(self, generation: int, counts: Any) -> None:
        if generation == self._generation:
            self._counts = counts
            self._summarise()

    def has_more(self) -> bool:
        """Whether the window holds rows not read yet."""
        return self._after is not None

    def _more_if_near_the_end(self, *_args: object) -> None:
        """The next page, when the last rows read are near (or the list does not fill the
        view yet)."""
        bar = self.tree.verticalScrollBar()
        if self._after is None or self._loading or bar.value() < bar.maximum() - bar.pageStep():
            return
        self.load_more()

    def load_more(self) -> None:
        if self._after is None or self._loading:
            return
        ctx, (days, crossing), after = self.ctx, self._window, self._after
        generation, size = self._generation, self.page_size
        self._loading = True

        def work(_control: object) -> Any:
            from legalaid.services.upcoming import upcoming_page

            return upcoming_page(ctx, days, crossing=crossing, after=after, limit=size)

        self.runner.query(
            work,
            done=lambda page: self._more(generation, page),
            failed=self._failed,
            owner=self,
        )

    def _more(self, generation: int, page: Any) -> None:
        if generation != self._generation:
            return
        self._after, self._loading = page.after, False
        self._outdated += sum("reminder_outdated" in row.flags for row in page.rows)
        self._span(self.model.add_rows(page.rows))
        self._summarise()
        self._more_if_near_the_end()

    def _size_columns(self) -> None:
        """Each column sized to the longest text it can hold (a sample, or the longest label
        in the interface language), never by measuring every row; the names take the rest."""
        metrics = self.tree.fontMetrics()
        flags = [label("flag", flag) for flag in FLAG_HELP]
        samples = {
            0: ["00:00 p. m."],
            1: ["00:00 p. m."],
            2: ["DEMO-2026-000000"],
            FLAG_COLUMN: flags,
            4: [text for _code, text in choices("hearing_status")],
            5: [named(court) for court in self.reference.courts] or ["WWWW"],
            6: ["+52 000 000 0000"],
        }
        for column, texts in samples.items():
            widest = max(metrics.horizontalAdvance(t) for t in texts)
            if column == 5:  # a court's long name is cut short; its tooltip says it whole
                widest = min(widest, metrics.horizontalAdvance("W" * 16))
            self.tree.setColumnWidth(column, widest + 24)

    def _summarise(self) -> None:
        shown = self._counts or self.model.shown  # the whole window's, once counted
        outdated = self._outdated  # computed per page: of the rows read so far
        parts = [
            ngettext("%(count)s hearing", "%(count)s hearings", shown.hearings)
            % {"count": number(shown.hearings)}
        ]
        if shown.not_verified:
            parts.append(
                ngettext("%(count)s not verified", "%(count)s not verified", shown.not_verified)
                % {"count": number(shown.not_verified)}
            )
        if shown.missed:
            parts.append(
                ngettext("%(count)s missed", "%(count)s missed", shown.missed)
                % {"count": number(shown.missed)}
            )
        if outdated:
            parts.append(
                ngettext(
                    "%(count)s reminder out of date",
                    "%(count)s reminders out of date",
                    outdated,
                )
                % {"count": number(outdated)}
            )
        self.summary.setText(" · ".join(parts))

    # --- selection ----------------------------------------------------------------------------
    def selected_rows(self) -> list[UpcomingHearing]:
        """Selected hearings; a selected date row stands for all its hearings."""
        chosen: dict[str, UpcomingHearing] = {}
        for index in self.tree.selectionModel().selectedRows():
            row = self.model.row_at(index)
            if row is not None:
                chosen[row.hearing_id] = row
                continue
            group = self.model.group_at(index)
            for item in group.rows if group else []:
                chosen[item.hearing_id] = item
        order = [r for g in self.model.groups for r in g.rows]
        return [r for r in order if r.hearing_id in chosen]

    def _need_selection(self) -> list[UpcomingHearing]:
        rows = self.selected_rows()
        if not rows:
            self.error.show_message(_("Select one or more hearings first."))
        else:
            self.error.show_message("")
        return rows

    # --- actions ------------------------------------------------------------------------------
    def print_reminders(self) -> None:
        """Letters for the selected scheduled hearings (missed or attended ones are left out)."""
        rows = self._need_selection()
        if not rows:
            return
        from legalaid.models import HearingStatus

        scheduled = [r for r in rows if r.status == HearingStatus.SCHEDULED]
        if not scheduled:
            self.error.show_message(
                _("None of the selected hearings is scheduled: reminders are only for those.")
            )
            return
        left_out = len(rows) - len(scheduled)
        if left_out:
            self.status_message.emit(
                ngettext(
                    "%(count)d hearing left out: it is not scheduled any more.",
                    "%(count)d hearings left out: they are not scheduled any more.",
                    left_out,
                )
                % {"count": left_out}
            )
        self.batch.start([r.hearing_id for r in scheduled])

    def print_crossing_list(self) -> None:
        index = self.tree.currentIndex()
        group = self.model.group_at(index) if index.isValid() else None
        if group is None and self.model.groups:
            group = self.model.groups[0]
        day: date = group.day if group else date.today()
        crossing = group.crossing if group else (self.crossing.code() or None)
        self._preview(lambda ctx: papers.crossing_list(ctx, day, crossing))

    def copy_message(self, lang: str) -> None:
        rows = self._need_selection()
        if not rows:
            return
        ctx, hearing_id, case = self.ctx, rows[0].hearing_id, rows[0].case_number
        self.runner.command(
            lambda _c: papers.copy_message(ctx, hearing_id, lang),  # logged as copied
            done=lambda message: self._copied(message, case),
            failed=lambda e: self.error.show_message(describe(e)),
            owner=self,
        )

    def _copied(self, message: Any, case_number: str) -> None:
        from ui.printing.doc_events import case_ids_of, events

        QGuiApplication.clipboard().setText(message.text)
        copied = _("Message for %(case)s copied: paste it in the chat.") % {"case": case_number}
        notes = [w.message() for w in message.warnings]
        self.status_message.emit(" ".join([copied, *notes]))
        events().logged.emit(case_ids_of(message))

    def mark_verified(self) -> None:
        rows = self._need_selection()
        if not rows:
            return
        ctx, ids = self.ctx, [r.hearing_id for r in rows]

        def work(_control: object) -> list[object]:
            from legalaid.services.hearings import mark_verified

            return [mark_verified(ctx, hearing_id) for hearing_id in ids]

        self.runner.command(
            work,
            done=lambda done: self._verified(len(done)),
            failed=lambda e: self.error.show_message(describe(e)),
            owner=self,
        )

    def _verified(self, count: int) -> None:
        self.status_message.emit(
            ngettext(
                "%(count)d hearing marked as verified today.",
                "%(count)d hearings marked as verified today.",
                count,
            )
            % {"count": count}
        )
        self.refresh()

    def open_selected(self) -> None:
        rows = self.selected_rows()
        if rows:
            self.open_case.emit(rows[0].case_id)

    def _preview(self, build: Any) -> None:
        from ui.printing.preview import show_document

        ctx = self.ctx
        self.runner.query(
            lambda _c: build(ctx),
            done=lambda document: show_document(self.ctx, self.runner, document, self.window()),
            failed=lambda e: self.error.show_message(describe(e)),
            owner=self,
        )
