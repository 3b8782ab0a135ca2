"""Upcoming hearings grouped by (date, crossing), hearings by report time.

A flat table: each group is a title row followed by its hearings. (A two-level tree made the
view ask the model, in Python, about every row whenever it laid itself out: opening 30 days at
100,000 cases froze the window for 0.3 s in expandAll alone. A table model's index() and
hasChildren() are Qt's own, so the view asks Python only for the rows it paints.) The grouping
and the counts are computed on the worker that read the hearings.

The rows come in pages (legalaid.services.upcoming.upcoming_page), in report-time order: the
first page is shown at once and :meth:`UpcomingModel.add_rows` puts each later one in place, a
block of rows at the end of its group or a new group where it sorts, so the rows already shown,
the selection and the scroll position stay.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from legalaid.formatting import clock, long_date, number
from legalaid.i18n import N_, _, current_language, ngettext
from legalaid.labels import label
from ui.common.reference import Reference, named

if TYPE_CHECKING:
    from legalaid.services.upcoming import UpcomingHearing

HEARING_ID_ROLE = Qt.ItemDataRole.UserRole + 1
COLUMNS = [
    N_("Report at"),
    N_("Hearing"),
    N_("Case"),
    N_("Flags"),
    N_("Status"),
    N_("Court"),
    N_("Phone"),
    N_("People"),
]
FLAG_COLUMN = 3
PEOPLE_COLUMN = 7
TEXTS_KEPT = 5_000  # rows whose texts are kept; the cache starts again beyond (bounded memory)
FLAG_COLOURS = {
    "missed": "#b00020",
    "not_verified": "#a04a00",
    "reminder_outdated": "#6a1b9a",
    "court_to_confirm": "#8a5a00",
}
ROW_TINTS = {
    "missed": "#fde7e9",
    "not_verified": "#fff3e0",
    "reminder_outdated": "#f3e5f5",
    "court_to_confirm": "#fff8e1",
}
ParentIndex = QModelIndex | QPersistentModelIndex


@dataclass
class Group:
    day: date
    crossing: str
    rows: list[UpcomingHearing] = field(default_factory=list)


def group_key(group: Group) -> tuple[date, datetime, str]:
    return (group.day, group.rows[0].report_at, group.crossing)


def group_rows(rows: list[UpcomingHearing]) -> list[Group]:
    """Group by the hearing's court-local date and the crossing, keeping report-time order."""
    groups: dict[tuple[date, str], Group] = {}
    for row in sorted(rows, key=lambda r: (r.report_at, r.crossing, r.case_number)):
        key = (row.hearing_at.date(), row.crossing)
        groups.setdefault(key, Group(*key)).rows.append(row)
    return sorted(groups.values(), key=group_key)


@dataclass
class Listing:
    """What the Upcoming view shows, prepared on the worker: the groups and the counts."""

    groups: list[Group]
    hearings: int = 0
    not_verified: int = 0
    missed: int = 0
    outdated: int = 0


def listing(rows: list[UpcomingHearing]) -> Listing:
    flags = [flag for row in rows for flag in row.flags]
    return Listing(
        group_rows(rows),
        hearings=len(rows),
        not_verified=flags.count("not_verified"),
        missed=flags.count("missed"),
        outdated=flags.count("reminder_outdated"),
    )


class UpcomingModel(QAbstractTableModel):
    """Rows: a title row per group, then the group's hearings (``entries`` maps each row)."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.shown = Listing([])  # what is listed, with its counts
        self.groups: list[Group] = []
        # Per row: (group position, hearing position in it or -1 for the group's title row).
        self.entries: list[tuple[int, int]] = []
        self.title_rows: list[int] = []
        # The texts of the rows painted so far, formatted once per row and language: a repaint
        # (a dialog opening over the view repaints it) asks for every cell again, and babel
        # formatting each time held the window 40-100 ms at the start of a batch.
        self._texts: dict[int, tuple[str, ...]] = {}
        self._texts_language = current_language()
        self._brushes: dict[str, QBrush] = {}
        self._bold: QFont | None = None
        self.reference: Reference | None = None  # the crossings' names, once loaded

    def set_rows(self, rows: list[UpcomingHearing]) -> None:
        self.set_listing(listing(rows))

    def set_listing(self, shown: Listing) -> None:
        self.beginResetModel()
        self.shown = shown
        self.groups = shown.groups
        self.entries, self.title_rows = [], []
        for position, group in enumerate(self.groups):
            self.title_rows.append(len(self.entries))
            self.entries.append((position, -1))
            self.entries.extend((position, n) for n in range(len(group.rows)))
        self._texts.clear()
        self.endResetModel()

    def add_rows(self, rows: list[UpcomingHearing]) -> list[int]:
        """Put a later page's rows in place (each at the end of its group, or in a new group
        where it sorts); returns the title rows of the new groups."""
        blocks: dict[tuple[date, str], list[UpcomingHearing]] = {}
        for row in rows:  # in report-time order, as the pages come
            blocks.setdefault((row.hearing_at.date(), row.crossing), []).append(row)
        by_key = {(g.day, g.crossing): g for g in self.groups}
        new_groups = []
        for key, block in blocks.items():
            group = by_key.get(key)
            if group is not None:
                first = self._title_row(group) + 1 + len(group.rows)
                self.beginInsertRows(QModelIndex(), first, first + len(block) - 1)
                group.rows.extend(block)
                self._rebuild(appended=first == len(self.entries))
                self.endInsertRows()
                continue
            group = by_key[key] = Group(*key, rows=block)
            keys = [group_key(g) for g in self.groups]
            position = bisect_right(keys, group_key(group))
            first = (
                len(self.entries)
                if position == len(self.groups)
                else self._title_row(self.groups[position])
            )
            self.beginInsertRows(QModelIndex(), first, first + len(block))
            self.groups.insert(position, group)
            self._rebuild(appended=first == len(self.entries))
            self.endInsertRows()
            new_groups.append(group)
        self._texts.clear()  # rows moved, and the groups' titles count more hearings
        if self.entries:
            self.dataChanged.emit(
                self.index(0, 0), self.index(len(self.entries) - 1, len(COLUMNS) - 1)
            )
        return [self._title_row(g) for g in new_groups]

    def _title_row(self, group: Group) -> int:
        row = 0
        for other in self.groups:
            if other is group:
                return row
            row += 1 + len(other.rows)
        raise ValueError("not a group of this model")

    def _rebuild(self, appended: bool) -> None:
        """``entries`` and ``title_rows`` after a change to the groups (a block added at the
        very end only extends them)."""
        if appended and self.groups:
            position = len(self.title_rows) - 1
            if len(self.groups) > len(self.title_rows):  # a new last group
                position += 1
                self.title_rows.append(len(self.entries))
                self.entries.append((position, -1))
            done = len(self.entries) - self.title_rows[position] - 1
            rows = len(self.groups[position].rows)
            self.entries.extend((position, n) for n in range(done, rows))
            return
        self.entries, self.title_rows = [], []
        for position, group in enumerate(self.groups):
            self.title_rows.append(len(self.entries))
            self.entries.append((position, -1))
            self.entries.extend((position, n) for n in range(len(group.rows)))

    def hearing_count(self) -> int:
        return len(self.entries) - len(self.groups)

    def row_at(self, index: ParentIndex) -> UpcomingHearing | None:
        if not index.isValid() or not 0 <= index.row() < len(self.entries):
            return None
        group, position = self.entries[index.row()]
        return None if position < 0 else self.groups[group].rows[position]

    def group_at(self, index: ParentIndex) -> Group | None:
        if not index.isValid() or not 0 <= index.row() < len(self.entries):
            return None
        return self.groups[self.entries[index.row()][0]]

    def hearing_index(self, group: int, position: int, column: int = 0) -> QModelIndex:
        """The index of hearing ``position`` of group ``group``."""
        return self.index(self.title_rows[group] + 1 + position, column)

    # --- structure ----------------------------------------------------------------------------
    def rowCount(self, parent: ParentIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.entries)

    def columnCount(self, parent: ParentIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if (
            orientation == Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DisplayRole
            and 0 <= section < len(COLUMNS)
        ):
            return _(COLUMNS[section])
        return None

    # --- content ------------------------------------------------------------------------------
    def data(self, index: ParentIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.entries):
            return None
        group, position = self.entries[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            if self._texts_language != current_language():  # switched: the event may come later
                self._texts.clear()
                self._texts_language = current_language()
            texts = self._texts.get(index.row())
            if texts is None:
                texts = self._row_texts(index.row(), group, position)
            return texts[index.column()] if index.column() < len(texts) else ""
        if position < 0:
            return self.bold() if role == Qt.ItemDataRole.FontRole else None
        row = self.groups[group].rows[position]
        if role == HEARING_ID_ROLE:
            return row.hearing_id
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(row, index.column())
        if role == Qt.ItemDataRole.BackgroundRole and row.flags:
            return self._brush(ROW_TINTS.get(row.flags[0], "#fde7e9"))
        if role == Qt.ItemDataRole.ForegroundRole and index.column() == FLAG_COLUMN and row.flags:
            return self._brush(FLAG_COLOURS.get(row.flags[0], "#b00020"))
        if role == Qt.ItemDataRole.FontRole and index.column() == FLAG_COLUMN and row.flags:
            return self.bold()
        return None

    def _row_texts(self, number: int, group: int, position: int) -> tuple[str, ...]:
        """The row's cells as shown, formatted once (kept for at most ``TEXTS_KEPT`` rows)."""
        if position < 0:
            texts: tuple[str, ...] = (self._group_title(self.groups[group]),)
        else:
            row = self.groups[group].rows[position]
            texts = tuple(self._text(row, column) for column in range(len(COLUMNS)))
        if len(self._texts) >= TEXTS_KEPT:
            self._texts.clear()
        self._texts[number] = texts
        return texts

    def bold(self) -> QFont:
        if self._bold is None:
            self._bold = QFont()
            self._bold.setBold(True)
        return self._bold

    def _brush(self, colour: str) -> QBrush:
        brush = self._brushes.get(colour)
        if brush is None:
            brush = self._brushes[colour] = QBrush(QColor(colour))
        return brush

    def _group_title(self, group: Group) -> str:
        count = len(group.rows)
        people = sum(r.household_size for r in group.rows)
        crossing = self.reference.crossing(group.crossing) if self.reference else None
        return _("%(date)s · %(crossing)s · %(hearings)s · %(people)s") % {
            "date": long_date(group.day),
            "crossing": named(crossing) or group.crossing,
            "hearings": ngettext("%(count)s hearing", "%(count)s hearings", count)
            % {"count": number(count)},
            "people": ngettext("%(count)s person", "%(count)s people", people)
            % {"count": number(people)},
        }

    @staticmethod
    def _text(row: UpcomingHearing, column: int) -> str:
        if column == 0:
            return clock(row.report_at, row.crossing_zone)
        if column == 1:
            return clock(row.hearing_at, row.zone)
        if column == 2:
            return row.case_number
        if column == FLAG_COLUMN:
            return ", ".join(label("flag", flag) for flag in row.flags)
        if column == 4:
            return label("hearing_status", row.status)
        if column == 5:
            return row.court_name_es if current_language() == "es" else row.court_name_en
        if column == 6:
            return row.phone or "—"
        if column == PEOPLE_COLUMN:
            return "; ".join(row.names)
        return ""

    @staticmethod
    def _tooltip(row: UpcomingHearing, column: int) -> str | None:
        if column == 5:
            return row.court_name_es if current_language() == "es" else row.court_name_en
        if column == FLAG_COLUMN and row.flags:
            return "\n".join(_(FLAG_HELP[f]) for f in row.flags if f in FLAG_HELP) or None
        if column == PEOPLE_COLUMN:
            return "\n".join(row.names)
        return None

    def retranslate(self) -> None:
        self._texts.clear()
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(COLUMNS) - 1)
        if self.entries:
            last = self.index(len(self.entries) - 1, len(COLUMNS) - 1)
            self.dataChanged.emit(self.index(0, 0), last)


FLAG_HELP = {
    "missed": N_("The household did not appear: talk to a lawyer today (removal order risk)."),
    "not_verified": N_(
        "Nobody checked this date with the court in the last 7 days: call the court hotline "
        "1-800-898-7180 or look it up on the EOIR portal."
    ),
    "reminder_outdated": N_(
        "The reminder the household has shows an old date or time: print a new one."
    ),
    "court_to_confirm": N_(
        "The court for this hearing is not known yet: ask the household for its notice or "
        "call the court hotline 1-800-898-7180, then choose the court in the hearing."
    ),
}
