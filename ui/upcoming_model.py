"""Upcoming hearings as a two-level tree: (date, crossing) groups, hearings by report time."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from legalaid.formatting import clock, long_date, number
from legalaid.i18n import N_, _, current_language, ngettext
from legalaid.labels import label

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
FLAG_COLOURS = {"missed": "#b00020", "not_verified": "#a04a00", "reminder_outdated": "#6a1b9a"}
ROW_TINTS = {"missed": "#fde7e9", "not_verified": "#fff3e0", "reminder_outdated": "#f3e5f5"}
ParentIndex = QModelIndex | QPersistentModelIndex
GROUP = 0  # internal id of group rows; hearing rows carry their group's position + 1


@dataclass
class Group:
    day: date
    crossing: str
    rows: list[UpcomingHearing] = field(default_factory=list)


def group_rows(rows: list[UpcomingHearing]) -> list[Group]:
    """Group by the hearing's court-local date and the crossing, keeping report-time order."""
    groups: dict[tuple[date, str], Group] = {}
    for row in sorted(rows, key=lambda r: (r.report_at, r.crossing, r.case_number)):
        key = (row.hearing_at.date(), row.crossing)
        groups.setdefault(key, Group(*key)).rows.append(row)
    return sorted(groups.values(), key=lambda g: (g.day, g.rows[0].report_at, g.crossing))


class UpcomingModel(QAbstractItemModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.groups: list[Group] = []

    def set_rows(self, rows: list[UpcomingHearing]) -> None:
        self.beginResetModel()
        self.groups = group_rows(rows)
        self.endResetModel()

    def hearing_count(self) -> int:
        return sum(len(g.rows) for g in self.groups)

    def row_at(self, index: ParentIndex) -> UpcomingHearing | None:
        if not index.isValid() or index.internalId() == GROUP:
            return None
        return self.groups[index.internalId() - 1].rows[index.row()]

    def group_at(self, index: ParentIndex) -> Group | None:
        if not index.isValid():
            return None
        if index.internalId() == GROUP:
            return self.groups[index.row()]
        return self.groups[index.internalId() - 1]

    # --- structure ----------------------------------------------------------------------------
    def index(self, row: int, column: int, parent: ParentIndex = QModelIndex()) -> QModelIndex:  # noqa: B008
        if not self.hasIndex(row, column, parent):
            return QModelIndex()
        if not parent.isValid():
            return self.createIndex(row, column, GROUP)
        return self.createIndex(row, column, parent.row() + 1)

    def parent(self, index: ParentIndex = QModelIndex()) -> QModelIndex:  # type: ignore[override]  # noqa: B008
        if not index.isValid() or index.internalId() == GROUP:
            return QModelIndex()
        return self.createIndex(index.internalId() - 1, 0, GROUP)

    def rowCount(self, parent: ParentIndex = QModelIndex()) -> int:  # noqa: B008
        if not parent.isValid():
            return len(self.groups)
        if parent.internalId() == GROUP and parent.column() == 0:
            return len(self.groups[parent.row()].rows)
        return 0

    def columnCount(self, parent: ParentIndex = QModelIndex()) -> int:  # noqa: B008
        return len(COLUMNS)

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

    def flags(self, index: ParentIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    # --- content ------------------------------------------------------------------------------
    def data(self, index: ParentIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self.row_at(index)
        if row is None:
            return self._group_data(self.groups[index.row()], index.column(), role)
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(row, index.column())
        if role == HEARING_ID_ROLE:
            return row.hearing_id
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(row, index.column())
        if role == Qt.ItemDataRole.BackgroundRole and row.flags:
            return QBrush(QColor(ROW_TINTS.get(row.flags[0], "#fde7e9")))
        if role == Qt.ItemDataRole.ForegroundRole and index.column() == FLAG_COLUMN and row.flags:
            return QBrush(QColor(FLAG_COLOURS.get(row.flags[0], "#b00020")))
        if role == Qt.ItemDataRole.FontRole and index.column() == FLAG_COLUMN and row.flags:
            font = QFont()
            font.setBold(True)
            return font
        return None

    def _group_data(self, group: Group, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            return self._group_title(group) if column == 0 else ""
        if role == Qt.ItemDataRole.FontRole:
            font = QFont()
            font.setBold(True)
            return font
        return None

    @staticmethod
    def _group_title(group: Group) -> str:
        count = len(group.rows)
        people = sum(r.household_size for r in group.rows)
        return _("%(date)s · %(crossing)s · %(hearings)s · %(people)s") % {
            "date": long_date(group.day),
            "crossing": group.crossing,
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
            return row.court
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
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(COLUMNS) - 1)
        last = len(COLUMNS) - 1
        for position, group in enumerate(self.groups):
            self.dataChanged.emit(self.index(position, 0), self.index(position, last))
            parent = self.index(position, 0)
            end = len(group.rows) - 1
            self.dataChanged.emit(self.index(0, 0, parent), self.index(end, last, parent))


FLAG_HELP = {
    "missed": N_("The household did not appear: talk to a lawyer today (removal order risk)."),
    "not_verified": N_(
        "Nobody checked this date with the court in the last 7 days: call the court hotline "
        "1-800-898-7180 or look it up on the EOIR portal."
    ),
    "reminder_outdated": N_(
        "The reminder the household has shows an old date or time: print a new one."
    ),
}
