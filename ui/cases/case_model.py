"""The case list: a windowed table model that loads pages on demand and sorts in SQL (a sort
proxy over 100,000 rows took 4-7 s; the SQL sort and a model reset take milliseconds).

Every query runs on a worker (``TaskRunner``); a generation number drops answers to queries
the person has already typed past. DisplayRole is always ``str``.

Nothing here touches PySide6's ``Qt`` namespace before the first rows are painted (creating
its 93 enums costs ~15 ms of the client's start, tests/benchmarks): the roles are Qt's plain
numbers, and the table's header reads its titles from a model of its own (``case_list``)
rather than from ``headerData``, which PySide6 calls with a ``Qt.Orientation``.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from PySide6 import QtCore
from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Signal

from legalaid.anumber import format_anumber
from legalaid.context import AppContext
from legalaid.formatting import number
from legalaid.i18n import N_, _, current_language
from legalaid.labels import label
from legalaid.reference_data import crossing_names
from legalaid.services.search import COUNT_CAP, CaseRow, count_cases, search_cases
from ui.common.tasks import TaskRunner
from ui.common.widgets import table_date
from ui.startup import ALIGN_RIGHT_VCENTER, ALIGNMENT_ROLE, DISPLAY_ROLE, TOOLTIP_ROLE, USER_ROLE

if TYPE_CHECKING:
    from PySide6.QtCore import Qt

PAGE = 200
MAX_PAGES = 12  # rows held at most: 2,400, whatever the size of the list
# A new query's first answer: the rows a tall window shows, not a whole page (64 rows read in
# ~2 ms, 200 in ~5 ms at 100,000 cases); the rest of the page loads when the view needs it.
FIRST_SCREEN = 64
# Qt's roles and alignment as numbers (ui/startup.py says why), the People column right-aligned.
DISPLAY, TOOLTIP, ALIGNMENT = DISPLAY_ROLE, TOOLTIP_ROLE, ALIGNMENT_ROLE
CASE_ID_ROLE = USER_ROLE + 1
RIGHT = ALIGN_RIGHT_VCENTER
_ANSWERED = frozenset((DISPLAY, ALIGNMENT, CASE_ID_ROLE))
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
    order: str = "recent"  # newest first: the fast order of the search index
    descending: bool = False


@dataclass
class _Cached:
    rows: list[CaseRow]
    texts: list[Texts | None]
    complete: bool = True  # False: the first rows of a page only (a new query's first answer)


class CaseListModel(QAbstractTableModel):
    """A window over the query's result: ``rowCount`` is the whole count, but only the pages
    near what the view shows are held (at most ``MAX_PAGES``); the others load on a worker when
    they scroll into view and are dropped again, least recently used first."""

    loaded = Signal(int)  # total matching cases, after each new query (see ``count_cap``)
    failed = Signal(str)

    def __init__(self, ctx: AppContext, runner: TaskRunner, parent: Any = None) -> None:
        super().__init__(parent)
        self.ctx, self.runner = ctx, runner
        self.query = CaseQuery()
        self.pages: OrderedDict[int, _Cached] = OrderedDict()
        self.total: int | None = None
        self._generation = 0
        self._loading: set[int] = set()
        self.crossing_names: CrossingNames = {}
        # A search's first answer counts up to this many matches; past it ``loaded`` says
        # ``count_cap + 1`` ("more than"), and the exact count follows on a worker, growing the
        # list (and emitting ``loaded`` again) so every match can still be scrolled to.
        self.count_cap = COUNT_CAP
        self.more = False  # ``total`` is ``count_cap + 1``: "more than", the exact count to come

    # --- queries ----------------------------------------------------------------------------
    def set_query(self, query: CaseQuery) -> None:
        """Show ``query``'s cases; nothing to do when it is the one shown or on its way (the
        filters and the header report their first state while the window is built)."""
        if query == self.query and self._generation > 0:
            return
        self.query = query
        self.refresh()

    def refresh(self) -> None:
        """Run the current query again from the first page (after a search, a sort, a save).

        The count and the first page are read side by side, on two workers: the count is
        SQLite's work alone, the page mostly Python's (its texts), so neither waits for the
        other; the list changes once both are in."""
        self._generation += 1
        generation, query, ctx = self._generation, self.query, self.ctx
        answers: dict[str, Any] = {}

        def arrived(name: str, value: object) -> None:
            answers[name] = value
            if len(answers) == 2:
                self._reset(generation, answers["total"], answers["page"])

        cap = self.count_cap
        self.runner.query(
            lambda _c: count_cases(
                ctx, query.text, crossing=query.crossing, status=query.status, cap=cap
            ),
            done=lambda total: arrived("total", total),
            failed=self._failed,
            owner=self,
        )
        self.runner.query(
            lambda _c: _page(ctx, query, 0, _first_rows()),
            done=lambda page: arrived("page", page),
            failed=self._failed,
            owner=self,
        )

    def _reset(self, generation: int, total: int, page: Page) -> None:
        if generation != self._generation:
            return  # the person typed on; a newer answer is coming
        self.beginResetModel()
        asked = _first_rows()
        complete = asked == PAGE or len(page.rows) < asked  # fewer than asked: the list ends
        self.pages = OrderedDict({0: _Cached(page.rows, page.current_texts(), complete)})
        self.crossing_names = page.names
        self._loading = set()
        self.total = total
        self.endResetModel()
        self.more = bool(query_text(self.query)) and total > self.count_cap
        self.loaded.emit(total)
        if self.more:
            self._count_all(generation)

    def _count_all(self, generation: int) -> None:
        """The exact count behind a "more than" (skipped when the person typed on before the
        worker took it up)."""
        query, ctx = self.query, self.ctx

        def count(_c: object) -> int | None:
            if generation != self._generation:
                return None
            return count_cases(ctx, query.text, crossing=query.crossing, status=query.status)

        self.runner.query(
            count,
            done=lambda total: self._counted(generation, total),
            failed=self._failed,
            owner=self,
        )

    def _counted(self, generation: int, total: int | None) -> None:
        if total is None or generation != self._generation or self.total is None:
            return
        if total > self.total:
            self.beginInsertRows(QModelIndex(), self.total, total - 1)
            self.total = total
            self.endInsertRows()
        elif total < self.total:  # cases removed meanwhile: the list's end moves up
            self.beginRemoveRows(QModelIndex(), total, self.total - 1)
            self.total = total
            self.endRemoveRows()
        self.more = False
        self.loaded.emit(total)

    def _failed(self, error: BaseException) -> None:
        from ui.common.tasks import describe

        self._loading.clear()
        self.failed.emit(describe(error))

    def _want(self, number: int) -> None:
        """Load page ``number`` on a worker unless it is there or on its way."""
        cached = self.pages.get(number)
        if number in self._loading or (cached is not None and cached.complete):
            return
        self._loading.add(number)
        generation, query, ctx = self._generation, self.query, self.ctx
        self.runner.query(
            lambda _c: _page(ctx, query, number * PAGE, PAGE),
            done=lambda page: self._arrived(generation, number, page),
            failed=self._failed,
            owner=self,
        )

    def _arrived(self, generation: int, number: int, page: Page) -> None:
        if generation != self._generation:
            return
        self._loading.discard(number)
        self.pages[number] = _Cached(page.rows, page.current_texts())
        self.crossing_names = page.names
        while len(self.pages) > MAX_PAGES:
            self.pages.popitem(last=False)
        first = number * PAGE
        last = min(first + PAGE, self.rowCount()) - 1
        if last >= first:
            self.dataChanged.emit(
                self.index(first, 0),
                self.index(last, len(COLUMNS) - 1),
                [DISPLAY],
            )

    def _row(self, row: int) -> tuple[_Cached, int] | None:
        number = row // PAGE
        cached = self.pages.get(number)
        if cached is None:
            self._want(number)
            return None
        self.pages.move_to_end(number)
        offset = row - number * PAGE
        if offset < len(cached.rows):
            return cached, offset
        if not cached.complete:
            self._want(number)  # the rest of the page (its first rows are shown meanwhile)
        return None

    def rows_held(self) -> int:
        return sum(len(c.rows) for c in self.pages.values())

    def sort(self, column: int, order: Qt.SortOrder | None = None) -> None:
        key = COLUMNS[column][0] if 0 <= column < len(COLUMNS) else "recent"
        if key is None:
            return
        descending = order == QtCore.Qt.SortOrder.DescendingOrder and key != "recent"
        self.set_query(replace(self.query, order=key, descending=descending))

    # --- the table ------------------------------------------------------------------------
    def rowCount(self, parent: ParentIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() or self.total is None else self.total

    def columnCount(self, parent: ParentIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = DISPLAY) -> Any:
        """For the model's other readers (accessibility, tests): the table's header shows the
        same texts from its own model (see the module's docstring)."""
        if orientation != QtCore.Qt.Orientation.Horizontal or not 0 <= section < len(COLUMNS):
            return None
        if role == DISPLAY:
            return header_title(section)
        if role == TOOLTIP:
            return header_tip(section) or None
        return None

    def data(self, index: ParentIndex, role: int = DISPLAY) -> Any:
        # Called some seven times per painted cell (once per role the delegate asks about):
        # the roles this model does not answer return before any call into Qt.
        if role not in _ANSWERED or not index.isValid():
            return None
        row, column = index.row(), index.column()
        if not 0 <= row < (self.total or 0):
            return None
        if role == ALIGNMENT:
            return RIGHT if column == 3 else None
        found = self._row(row)
        if found is None:
            return "…" if role == DISPLAY and column == 0 else ("" if role == DISPLAY else None)
        cached, offset = found
        if role == CASE_ID_ROLE:
            return cached.rows[offset].case_id
        texts = cached.texts[offset]
        if texts is None:
            texts = cached.texts[offset] = row_texts(cached.rows[offset], self.crossing_names)
        return texts[column] if column < len(texts) else None

    def case_id(self, row: int) -> str | None:
        found = self._row(row) if 0 <= row < self.rowCount() else None
        return found[0].rows[found[1]].case_id if found else None

    def retranslate(self) -> None:
        for cached in self.pages.values():
            cached.texts = [None] * len(cached.rows)
        if self.total is None:
            return  # nothing shown yet (the window is being built): nobody to tell
        self.headerDataChanged.emit(QtCore.Qt.Orientation.Horizontal, 0, len(COLUMNS) - 1)
        if self.rowCount():
            last = self.index(self.rowCount() - 1, len(COLUMNS) - 1)
            self.dataChanged.emit(self.index(0, 0), last, [DISPLAY])


def query_text(query: CaseQuery) -> str:
    return query.text.strip()


def header_title(column: int) -> str:
    return _(COLUMNS[column][1])


def header_tip(column: int) -> str:
    """The header's tooltip: "" for a column that cannot be sorted."""
    return _("Click to sort by this column") if COLUMNS[column][0] is not None else ""


Texts = tuple[str, ...]
CrossingNames = dict[str, tuple[str, str]]  # code -> (Spanish name, English name)


def row_texts(row: CaseRow, names: CrossingNames | None = None) -> Texts:
    """The seven cells of a row as shown, in the current language; the crossing by its name."""
    crossing = (names or {}).get(row.crossing or "")
    return (
        row.case_number,
        principal_text(row),
        format_anumber(row.a_number),
        number(row.people),
        (crossing[0] if current_language() == "es" else crossing[1])
        if crossing
        else (row.crossing or "—"),
        _("%(status)s, transferred to %(office)s")
        % {"status": label("case_status", row.status), "office": row.transferred_to}
        if row.transferred_to
        else label("case_status", row.status),
        table_date(row.next_hearing.date()) if row.next_hearing else "—",
    )


def principal_text(row: CaseRow) -> str:
    """The principal's name, and the member the search matched when it is someone else."""
    if row.matched and row.matched != row.principal:
        return _("%(principal)s (found: %(member)s)") % {
            "principal": row.principal,
            "member": row.matched,
        }
    return row.principal


@dataclass
class Page:
    """Rows read on a worker, with their texts already formatted there (in ``language``)."""

    rows: list[CaseRow]
    texts: list[Texts | None]
    language: str
    names: CrossingNames

    def current_texts(self) -> list[Texts | None]:
        """The texts, unless the language changed while they travelled (then: format later)."""
        if self.language == current_language():
            return list(self.texts)
        return [None] * len(self.rows)


def _first_rows() -> int:
    return min(FIRST_SCREEN, PAGE)


def _page(ctx: AppContext, query: CaseQuery, offset: int, limit: int) -> Page:
    """Read ``limit`` rows from ``offset`` and format them (on a worker)."""
    language = current_language()
    rows = _rows(ctx, query, offset, limit)
    names = crossing_names(ctx.db)
    return Page(rows, [row_texts(r, names) for r in rows], language, names)


def _rows(ctx: AppContext, query: CaseQuery, offset: int, limit: int) -> list[CaseRow]:
    return search_cases(
        ctx,
        query.text,
        crossing=query.crossing,
        status=query.status,
        order=query.order,
        descending=query.descending,
        limit=limit,
        offset=offset,
    )
