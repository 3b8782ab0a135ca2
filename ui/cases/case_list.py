"""The Cases view: search as you type, filters by crossing and status, the paged table."""

from __future__ import annotations

from PySide6 import QtCore
from PySide6.QtCore import QModelIndex, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from legalaid.context import AppContext
from legalaid.formatting import number
from legalaid.i18n import N_, _, ngettext
from legalaid.labels import choices
from ui.cases.case_model import (
    CASE_ID_ROLE,
    COLUMNS,
    CaseListModel,
    CaseQuery,
    header_tip,
    header_title,
)
from ui.common.reference import Reference, with_blank
from ui.common.tasks import TaskRunner
from ui.common.widgets import CodeCombo, ErrorLabel, Translatable, compact_rows
from ui.startup import set_enum_property

DEBOUNCE_MS = 150


class CaseTable(QTableView):
    """Enter opens the selected case, like a double click."""

    activated_row = Signal(int)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if (
            event.key() in (QtCore.Qt.Key.Key_Return, QtCore.Qt.Key.Key_Enter)
            and self.currentIndex().isValid()
        ):
            self.activated_row.emit(self.currentIndex().row())
            return
        super().keyPressEvent(event)


class CaseListPanel(Translatable, QWidget):
    open_case = Signal(str)  # case id
    total_changed = Signal(int)

    def __init__(self, ctx: AppContext, runner: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.reference = Reference()
        self.model = CaseListModel(ctx, runner, self)
        self.model.refresh()  # first of all: the rows are read while the panel is built
        self.search = QLineEdit()
        self.search.setObjectName("caseSearch")
        self.search.setClearButtonEnabled(True)
        self.crossing = CodeCombo(items=lambda: with_blank(self.reference.crossing_items(), ANY_X))
        self.status = CodeCombo(items=lambda: with_blank(choices("case_status"), ANY_STATUS))
        self.count = QLabel()
        self.count.setObjectName("caseCount")
        self.error = ErrorLabel()
        self.table = CaseTable()
        self.table.setObjectName("caseTable")
        # The header's titles, from a model of its own: see ui/cases/case_model.py's docstring.
        # Hidden while the table's model is set: a shown header would measure its titles
        # through that model's headerData at once.
        self.titles = QStandardItemModel(0, len(COLUMNS), self)
        header = self.table.horizontalHeader()
        header.hide()
        self.table.setModel(self.model)
        header.setModel(self.titles)
        header.show()
        self._layout()
        self._debounce = QTimer(self, singleShot=True, interval=DEBOUNCE_MS)
        self._debounce.timeout.connect(self.apply_filters)
        self.search.textChanged.connect(self._debounce.start)
        for combo in (self.crossing, self.status):
            combo.currentIndexChanged.connect(self._filter_changed)
        self.table.doubleClicked.connect(self._open_index)
        self.table.activated_row.connect(self._open_row)
        self.model.loaded.connect(self._show_total)
        self.model.failed.connect(self.error.show_message)
        self.retranslate()

    def _layout(self) -> None:
        bar = QHBoxLayout()
        self.search_label = QLabel()
        self.search_label.setBuddy(self.search)
        self.crossing_label = QLabel()
        self.crossing_label.setBuddy(self.crossing)
        self.status_label = QLabel()
        self.status_label.setBuddy(self.status)
        for widget, stretch in (
            (self.search_label, 0),
            (self.search, 3),
            (self.crossing_label, 0),
            (self.crossing, 1),
            (self.status_label, 0),
            (self.status, 1),
            (self.count, 0),
        ):
            bar.addWidget(widget, stretch)
        table = self.table
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.setAlternatingRowColors(True)
        # Always there: a scroll bar appearing with the first rows narrowed the table, which was
        # then painted a second time (~7 ms of the start, tests/benchmarks).
        set_enum_property(table, "verticalScrollBarPolicy", "ScrollBarAlwaysOn")
        table.verticalHeader().hide()
        table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        compact_rows(table)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.error)
        layout.addWidget(table)
        self.setTabOrder(self.search, self.crossing)
        self.setTabOrder(self.crossing, self.status)
        self.setTabOrder(self.status, table)

    def retranslate(self) -> None:
        self.search_label.setText(_("&Find:"))
        self.search.setPlaceholderText(_("Name, A-number or case number (accents optional)"))
        self.search.setToolTip(_("Type part of a name, an A-number or a case number (Ctrl+F)"))
        self.crossing_label.setText(_("C&rossing:"))
        self.status_label.setText(_("S&tatus:"))
        self.table.setToolTip(_("Double-click or press Enter to open a case"))
        self.crossing.retranslate()
        self.status.retranslate()
        self.model.retranslate()
        for column in range(len(COLUMNS)):
            title = QStandardItem(header_title(column))
            title.setToolTip(header_tip(column))
            self.titles.setHorizontalHeaderItem(column, title)
        self._size_columns()
        self._show_total(self.model.total)

    def enable_sorting(self) -> None:
        """Sort by a column when its header is clicked. Not in ``__init__``: sorting needs
        PySide6's ``Qt`` namespace, which the window makes once its first rows are painted."""
        if self.table.isSortingEnabled():
            return
        # No column sorted at first: newest cases first, the order that stays instant at 100,000.
        header = self.table.horizontalHeader()
        header.setSortIndicator(-1, QtCore.Qt.SortOrder.DescendingOrder)
        header.setSortIndicatorShown(True)
        self.table.setSortingEnabled(True)

    def _size_columns(self) -> None:
        """Fixed columns as wide as their longest text or their header in this language (the
        header's sort arrow included), never by measuring rows."""
        cells, heads = self.table.fontMetrics(), self.table.horizontalHeader().fontMetrics()
        for column, sample in ((0, "DEMO-2026-000000"), (2, "A 000-000-000"), (6, "00 sept 0000")):
            title = header_title(column)
            width = max(cells.horizontalAdvance(sample) + 24, heads.horizontalAdvance(title) + 32)
            self.table.setColumnWidth(column, width)

    def set_reference(self, reference: Reference) -> None:
        self.reference = reference
        self.crossing.retranslate()

    def focus_search(self) -> None:
        self.search.setFocus(QtCore.Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def apply_filters(self) -> None:
        self._debounce.stop()
        self.error.show_message("")
        query = self.model.query
        self.model.set_query(
            CaseQuery(
                text=self.search.text(),
                crossing=self.crossing.code() or None,
                status=self.status.code() or None,
                order=query.order,
                descending=query.descending,
            )
        )

    def _filter_changed(self, index: int) -> None:
        if index >= 0:  # -1: the combo is being cleared or deleted
            self.apply_filters()

    def _show_total(self, total: int | None) -> None:
        if total is None:
            self.count.setText(_("Loading…"))
            return
        if self.model.more:  # a broad search, counted up to the cap: the exact count follows
            text = _("More than %(count)s cases") % {"count": number(self.model.count_cap)}
        else:
            text = ngettext("%(count)s case", "%(count)s cases", total) % {"count": number(total)}
        self.count.setText(text)
        self.total_changed.emit(total)

    def _open_index(self, index: QModelIndex) -> None:
        case_id = index.data(CASE_ID_ROLE)
        if case_id:
            self.open_case.emit(str(case_id))

    def _open_row(self, row: int) -> None:
        case_id = self.model.case_id(row)
        if case_id:
            self.open_case.emit(case_id)


ANY_X = N_("All crossings")
ANY_STATUS = N_("Any status")
