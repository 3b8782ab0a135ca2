"""The case list: a table model that loads pages on demand and sorts in SQL (pitfall 8).

Every query runs on a worker (``TaskRunner``); a generation number drops answers to queries
the person has already typed past. DisplayRole is always ``str``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal

from legalaid.anumber import format_anumber
from legalaid.context import AppContext
from legalaid.formatting import number
from legalaid.i18n import N_, _, current_language
from legalaid.labels import label
from legalaid.services.search import CaseRow, count_cases, search_cases
from ui.tasks import Control, TaskRunner
from ui.widgets import table_date

PAGE = 200
CASE_ID_ROLE = Qt.ItemDataRole.UserRole + 1
# (sort key in search.SORT_KEYS or None when the column cannot be sorted, header msgid)
COLUMNS: list[tuple[str | None, str]] = [
    ("case_number", N_("Case")),
    ("name", N_("Principal applicant")),
    (None, N_("A-number")),
    (None, N_("People")),
    ("crossing", N_("Crossing")),
    ("status", N_("Status")),
    ("next_hearing", N_("Next hearing")),
]
ParentIndex = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class CaseQuery:
    text: str = ""
    crossing: str | None = None
    status: str | None = None
    order: str = "case_number"
    descending: bool = False


class CaseListModel(QAbstractTableModel):
    loaded = Signal(int)  # total matching cases, after each new query
    failed = Signal(str)

    def __init__(self, ctx: AppContext, runner: TaskRunner, parent: Any = None) -> None:
        super().__init__(parent)
        self.ctx, self.runner = ctx, runner
        self.query = CaseQuery()
        self.rows: list[CaseRow] = []
        self.texts: list[Texts | None] = []  # what each row shows, computed once per language
        self.total: int | None = None
        self._generation = 0
        self._fetching = False

    # --- queries ----------------------------------------------------------------------------
    def set_query(self, query: CaseQuery) -> None:
        self.query = query
        self.refresh()

    def refresh(self) -> None:
        """Run the current query again from the first page (after a search, a sort, a save)."""
        self._generation += 1
        generation, query, ctx = self._generation, self.query, self.ctx

        def work(_control: Control) -> tuple[int, Page]:
            total = count_cases(ctx, query.text, crossing=query.crossing, status=query.status)
            return total, _page(ctx, query, 0)

        self.runner.run(
            work,
            done=lambda result: self._reset(generation, *result),
            failed=self._failed,
            owner=self,
        )

    def _reset(self, generation: int, total: int, page: Page) -> None:
        if generation != self._generation:
            return  # the person typed on; a newer answer is coming
        self.beginResetModel()
        self.rows, self.texts = page.rows, page.current_texts()
        self.total, self._fetching = total, False
        self.endResetModel()
        self.loaded.emit(total)

    def _failed(self, error: BaseException) -> None:
        from ui.tasks import describe

        self._fetching = False
        self.failed.emit(describe(error))

    def canFetchMore(self, parent: ParentIndex = QModelIndex()) -> bool:  # noqa: B008
        if parent.isValid() or self.total is None or self._fetching:
            return False
        return len(self.rows) < self.total

    def fetchMore(self, parent: ParentIndex = QModelIndex()) -> None:  # noqa: B008
        if not self.canFetchMore(parent):
            return
        self._fetching = True
        generation, query, ctx, offset = self._generation, self.query, self.ctx, len(self.rows)
        self.runner.run(
            lambda _c: _page(ctx, query, offset),
            done=lambda page: self._append(generation, page),
            failed=self._failed,
            owner=self,
        )

    def _append(self, generation: int, page: Page) -> None:
        if generation != self._generation:
            return
        self._fetching = False
        if not page.rows:
            self.total = len(self.rows)
            return
        first = len(self.rows)
        self.beginInsertRows(QModelIndex(), first, first + len(page.rows) - 1)
        self.rows.extend(page.rows)
        self.texts.extend(page.current_texts())
        self.endInsertRows()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        key = COLUMNS[column][0] if 0 <= column < len(COLUMNS) else None
        if key is None:
            return
        descending = order == Qt.SortOrder.DescendingOrder
        self.set_query(replace(self.query, order=key, descending=descending))

    # --- the table ------------------------------------------------------------------------
    def rowCount(self, parent: ParentIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: ParentIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(COLUMNS):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return _(COLUMNS[section][1])
        if role == Qt.ItemDataRole.ToolTipRole and COLUMNS[section][0] is not None:
            return _("Click to sort by this column")
        return None

    def data(self, index: ParentIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        row = self.rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            texts = self.texts[index.row()]
            if texts is None:
                texts = self.texts[index.row()] = row_texts(row)
            return texts[index.column()] if index.column() < len(texts) else None
        if role == CASE_ID_ROLE:
            return row.case_id
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() == 3:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def case_id(self, row: int) -> str | None:
        return self.rows[row].case_id if 0 <= row < len(self.rows) else None

    def retranslate(self) -> None:
        self.texts = [None] * len(self.rows)
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(COLUMNS) - 1)
        if self.rows:
            last = self.index(len(self.rows) - 1, len(COLUMNS) - 1)
            self.dataChanged.emit(self.index(0, 0), last, [Qt.ItemDataRole.DisplayRole])


Texts = tuple[str, ...]


def row_texts(row: CaseRow) -> Texts:
    """The seven cells of a row as shown, in the current language."""
    return (
        row.case_number,
        row.principal,
        format_anumber(row.a_number),
        number(row.people),
        row.crossing or "—",
        label("case_status", row.status),
        table_date(row.next_hearing.date()) if row.next_hearing else "—",
    )


@dataclass
class Page:
    """Rows read on a worker, with their texts already formatted there (in ``language``)."""

    rows: list[CaseRow]
    texts: list[Texts]
    language: str

    def current_texts(self) -> list[Texts | None]:
        """The texts, unless the language changed while they travelled (then: format later)."""
        if self.language == current_language():
            return list(self.texts)
        return [None] * len(self.rows)


def _page(ctx: AppContext, query: CaseQuery, offset: int) -> Page:
    language = current_language()
    rows = _rows(ctx, query, offset)
    return Page(rows, [row_texts(r) for r in rows], language)


def _rows(ctx: AppContext, query: CaseQuery, offset: int) -> list[CaseRow]:
    return search_cases(
        ctx,
        query.text,
        crossing=query.crossing,
        status=query.status,
        order=query.order,
        descending=query.descending,
        limit=PAGE,
        offset=offset,
    )
