"""The Duplicates window: households that may be the same family registered twice, side by side
(people with birth dates and A-numbers, crossing, next hearing, office), why they match, and a
person's decision: the same household (merged, after a confirmation that says what will
happen), different (never proposed again, at every office that receives the decision), or
later. The households merged before are listed below the pairs, each with "Separate again"
(after a confirmation). Opened from the Sync screen after an import, it shows only the pairs
that import found. Every read and write runs through the runner; the lists refresh after."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from babel.dates import LOCALTZ
from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QRadioButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from legalaid.context import AppContext
from legalaid.formatting import clock, local_time, medium_date, short_date
from legalaid.i18n import N_, _, ngettext
from ui.common.screen import fit
from ui.common.tasks import TaskRunner, describe

REASONS = {
    "same_a_number": N_("same A-number"),
    "name_and_birth_date": N_("same name and birth date"),
    "name_and_household": N_("same name and household members"),
}
ROWS = (
    N_("Case"),
    N_("Office"),
    N_("People"),
    N_("Crossing"),
    N_("Next hearing"),
)


class DuplicatesDialog(QDialog):
    def __init__(
        self,
        ctx: AppContext,
        runner: TaskRunner,
        parent: QWidget | None = None,
        *,
        only: Collection[tuple[str, str]] | None = None,
    ) -> None:
        """``only``: pairs of case ids (sorted): show just these (what an import found)."""
        super().__init__(parent)
        self.ctx, self.runner = ctx, runner
        self.only = None if only is None else {tuple(sorted(pair)) for pair in only}
        self.pairs: list[Any] = []
        self.merges: list[Any] = []
        self.setObjectName("duplicatesDialog")
        layout = QVBoxLayout(self)
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        layout.addWidget(self.intro)
        body = QHBoxLayout()
        layout.addLayout(body, 1)
        left = QVBoxLayout()
        body.addLayout(left, 1)
        self.pair_list = QListWidget()
        self.pair_list.setObjectName("duplicatePairs")
        self.pair_list.setMinimumWidth(240)
        left.addWidget(self.pair_list, 2)
        self.merges_label = QLabel()
        self.merges_label.setWordWrap(True)
        left.addWidget(self.merges_label)
        self.merge_list = QListWidget()
        self.merge_list.setObjectName("pastMerges")
        self.merges_label.setBuddy(self.merge_list)
        left.addWidget(self.merge_list, 1)
        self.separate_button = QPushButton()
        self.separate_button.setObjectName("separateButton")
        self.separate_button.setEnabled(False)
        left.addWidget(self.separate_button)

        detail = QVBoxLayout()
        body.addLayout(detail, 3)
        self.table = QTableWidget(len(ROWS), 2)
        self.table.setObjectName("duplicateSides")
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(True)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        detail.addWidget(self.table)
        self.why = QLabel()
        self.why.setObjectName("duplicateWhy")
        self.why.setWordWrap(True)
        self.why.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        detail.addWidget(self.why)
        keep_row = QHBoxLayout()
        self.keep_label = QLabel()
        keep_row.addWidget(self.keep_label)
        self.keep = QButtonGroup(self)
        self.keep_first, self.keep_second = QRadioButton(), QRadioButton()
        for number, radio in enumerate((self.keep_first, self.keep_second)):
            radio.setObjectName(f"keepSide{number + 1}")
            self.keep.addButton(radio, number)
            keep_row.addWidget(radio)
        keep_row.addStretch(1)
        detail.addLayout(keep_row)
        buttons = QHBoxLayout()
        self.merge_button = QPushButton()
        self.merge_button.setObjectName("mergeButton")
        self.different_button = QPushButton()
        self.different_button.setObjectName("differentButton")
        self.later_button = QPushButton()
        self.later_button.setObjectName("laterButton")
        for button in (self.merge_button, self.different_button, self.later_button):
            buttons.addWidget(button)
        detail.addLayout(buttons)
        self.message = QLabel()
        self.message.setObjectName("duplicatesMessage")
        self.message.setWordWrap(True)
        detail.addWidget(self.message)
        detail.addStretch(1)

        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout.addWidget(close)
        self.pair_list.currentRowChanged.connect(self._show_pair)
        self.merge_button.clicked.connect(self.merge)
        self.different_button.clicked.connect(self.different)
        self.later_button.clicked.connect(self.later)
        self.merge_list.currentRowChanged.connect(
            lambda row: self.separate_button.setEnabled(0 <= row < len(self.merges))
        )
        self.separate_button.clicked.connect(self.separate)
        self.retranslate()
        fit(self, 1100, 640)
        self.reload()

    # --- reading ------------------------------------------------------------------------------
    def reload(self) -> None:
        from legalaid.services.duplicates import household_pairs, past_merges

        ctx, only = self.ctx, self.only

        def read(_control: Any) -> tuple[list[Any], list[Any]]:
            pairs = household_pairs(ctx)
            if only is not None:
                pairs = [p for p in pairs if _ids(p) in only]
            return pairs, past_merges(ctx)

        self.runner.query(
            read,
            done=self._loaded,
            failed=lambda e: self.message.setText(describe(e)),
            owner=self,
        )

    def _loaded(self, loaded: tuple[list[Any], list[Any]]) -> None:
        pairs, merges = loaded
        self._fill_merges(merges)
        row = self.pair_list.currentRow()
        self.pairs = pairs
        self.pair_list.clear()
        for pair in pairs:
            self.pair_list.addItem(QListWidgetItem(self._pair_item(pair)))
        self._retitle()
        if pairs:
            self.pair_list.setCurrentRow(min(max(row, 0), len(pairs) - 1))
        else:
            self._show_pair(-1)

    def _pair_item(self, pair: Any) -> str:
        return _("%(first)s ↔ %(second)s") % {
            "first": pair.first.case_number,
            "second": pair.second.case_number,
        }

    def _current(self) -> Any | None:
        row = self.pair_list.currentRow()
        return self.pairs[row] if 0 <= row < len(self.pairs) else None

    def _show_pair(self, row: int) -> None:
        has = 0 <= row < len(self.pairs)
        for widget in (
            self.merge_button,
            self.different_button,
            self.later_button,
            self.keep_first,
            self.keep_second,
        ):
            widget.setEnabled(has)
        if not has:
            self.table.clearContents()
            self.table.setHorizontalHeaderLabels(["", ""])
            self._fit_table()
            self.why.setText(_("No possible duplicates waiting for a decision."))
            self.keep_first.setText("")
            self.keep_second.setText("")
            return
        pair = self.pairs[row]
        sides = (pair.first, pair.second)
        self.table.setHorizontalHeaderLabels([s.case_number for s in sides])
        for column, side in enumerate(sides):
            for index, value in enumerate(self._side_values(side)):
                item = QTableWidgetItem(value)
                item.setToolTip(value)
                self.table.setItem(index, column, item)
        self.table.resizeRowsToContents()
        self._fit_table()
        lines = [
            _("%(first)s (%(first_case)s) and %(second)s (%(second_case)s): %(reason)s")
            % {
                "first": f"{m.first.given_names} {m.first.family_names}",
                "first_case": m.first_case,
                "second": f"{m.second.given_names} {m.second.family_names}",
                "second_case": m.second_case,
                "reason": _(REASONS.get(m.reason, m.reason)),
            }
            for m in pair.matches
        ]
        self.why.setText(_("Why they may be the same household:") + "\n" + "\n".join(lines))
        self.keep_first.setText(pair.first.case_number)
        self.keep_second.setText(pair.second.case_number)
        self.keep_first.setChecked(True)

    def _fit_table(self) -> None:
        """The table as tall as its rows (the words below it follow), within the window."""
        rows = sum(self.table.rowHeight(r) for r in range(self.table.rowCount()))
        height = rows + self.table.horizontalHeader().height() + 2 * self.table.frameWidth()
        self.table.setFixedHeight(min(height, 420))

    def _side_values(self, side: Any) -> list[str]:
        members = []
        for member in side.members:
            details = [short_date(member.birth_date)] if member.birth_date else []
            if member.a_number:
                details.append(member.a_number.replace(" ", "\u00a0"))  # never broken
            members.append(f"{member.name} ({', '.join(details)})" if details else member.name)
        if side.next_hearing is not None and side.zone:
            hearing = _("%(date)s, %(time)s") % {
                "date": medium_date(local_time(side.next_hearing, side.zone).date()),
                "time": clock(side.next_hearing, side.zone),
            }
        else:
            hearing = _("none scheduled")
        return [
            side.case_number,
            side.office or "—",
            "\n".join(members) or "—",
            side.crossing or "—",
            hearing,
        ]

    # --- deciding -----------------------------------------------------------------------------
    def merge(self) -> None:
        from legalaid.services.duplicates import merge_households

        pair = self._current()
        if pair is None:
            return
        kept, other = (
            (pair.first, pair.second) if self.keep.checkedId() != 1 else (pair.second, pair.first)
        )
        question = (
            ngettext(
                "%(other)s will be merged into %(kept)s: its %(count)d person, its hearings, "
                "risk assessments and papers move to %(kept)s, which keeps its number.",
                "%(other)s will be merged into %(kept)s: its %(count)d people, its hearings, "
                "risk assessments and papers move to %(kept)s, which keeps its number.",
                len(other.members),
            )
            % {"other": other.case_number, "kept": kept.case_number, "count": len(other.members)}
            + "\n\n"
            + _(
                "Nothing is deleted: %(other)s is hidden from the lists and points to "
                "%(kept)s; someone in both households stays once, the other copy inactive. "
                "The merge goes to the other offices with the next exchange file, and can be "
                "undone (`legalaid duplicates separate %(other)s`)."
            )
            % {"other": other.case_number, "kept": kept.case_number}
        )
        buttons = QMessageBox.StandardButton
        answer = QMessageBox.question(
            self, _("Merge these households?"), question, buttons.Yes | buttons.No, buttons.No
        )
        if answer != buttons.Yes:
            return
        ctx, keep_id, other_id = self.ctx, kept.case_id, other.case_id

        def done(result: Any) -> None:
            self.message.setText(
                _("%(other)s was merged into %(kept)s.")
                % {"other": result.other, "kept": result.kept}
            )
            self.reload()

        self.runner.command(
            lambda _c: merge_households(ctx, keep_id, other_id),
            done=done,
            failed=lambda e: self.message.setText(describe(e)),
            owner=self,
        )

    def different(self) -> None:
        from legalaid.services.duplicates import mark_different

        pair = self._current()
        if pair is None:
            return
        ctx, one, two = self.ctx, pair.first.case_id, pair.second.case_id

        def done(result: tuple[str, str, bool]) -> None:
            self.message.setText(
                _(
                    "%(first)s and %(second)s are different households: they will not be "
                    "proposed again."
                )
                % {"first": result[0], "second": result[1]}
            )
            self.reload()

        self.runner.command(
            lambda _c: mark_different(ctx, one, two),
            done=done,
            failed=lambda e: self.message.setText(describe(e)),
            owner=self,
        )

    def later(self) -> None:
        row = self.pair_list.currentRow()
        if self.pairs:
            self.pair_list.setCurrentRow((row + 1) % len(self.pairs))
        self.message.setText(_("Left for later: both households stay as they are."))

    # --- separating again ----------------------------------------------------------------------
    def _fill_merges(self, merges: list[Any]) -> None:
        row = self.merge_list.currentRow()
        self.merges = merges
        self.merge_list.clear()
        for merge in merges:
            self.merge_list.addItem(QListWidgetItem(self._merge_item(merge)))
        if merges:
            self.merge_list.setCurrentRow(min(max(row, 0), len(merges) - 1))
        self.separate_button.setEnabled(bool(merges))

    def _merge_item(self, merge: Any) -> str:
        if merge.merged_at is None:
            return _("%(other)s → %(kept)s") % {
                "other": merge.case_number,
                "kept": merge.kept_number,
            }
        return _("%(other)s → %(kept)s (%(date)s)") % {
            "other": merge.case_number,
            "kept": merge.kept_number,
            "date": short_date(merge.merged_at.astimezone(LOCALTZ).date()),
        }

    def separate(self) -> None:
        from legalaid.services.duplicates import separate_households

        row = self.merge_list.currentRow()
        if not 0 <= row < len(self.merges):
            return
        merge = self.merges[row]
        names = {"other": merge.case_number, "kept": merge.kept_number}
        question = (
            _(
                "%(other)s will be a household of its own again: the people, hearings, risk "
                "assessments and papers the merge moved to %(kept)s go back to it, and the "
                "people the merge set inactive are active again."
            )
            % names
            + "\n\n"
            + _(
                "What was added to %(kept)s since the merge stays there. The separation goes "
                "to the other offices with the next exchange file."
            )
            % names
        )
        buttons = QMessageBox.StandardButton
        answer = QMessageBox.question(
            self, _("Separate these households?"), question, buttons.Yes | buttons.No, buttons.No
        )
        if answer != buttons.Yes:
            return
        ctx, other_id = self.ctx, merge.case_id

        def done(result: Any) -> None:
            self.message.setText(
                ngettext(
                    "%(other)s is a household of its own again: %(count)d person moved back "
                    "from %(kept)s.",
                    "%(other)s is a household of its own again: %(count)d people moved back "
                    "from %(kept)s.",
                    result.people,
                )
                % {"other": result.other, "kept": result.kept, "count": result.people}
            )
            self.reload()

        self.runner.command(
            lambda _c: separate_households(ctx, other_id),
            done=done,
            failed=lambda e: self.message.setText(describe(e)),
            owner=self,
        )

    # --- words --------------------------------------------------------------------------------
    def _retitle(self) -> None:
        self.setWindowTitle(
            ngettext(
                "Possible duplicates (%(count)d)",
                "Possible duplicates (%(count)d)",
                len(self.pairs),
            )
            % {"count": len(self.pairs)}
        )

    def retranslate(self) -> None:
        self._retitle()
        self.intro.setText(
            _(
                "Households of the exchange file just read that may be the same family as one "
                "already here. Compare them, then decide: the same household, different "
                "households, or later."
            )
            if self.only is not None
            else _(
                "Households that may be the same family registered twice. Compare them, then "
                "decide: the same household, different households, or later."
            )
        )
        self.merges_label.setText(_("Households &merged before:"))
        self.separate_button.setText(_("Se&parate again…"))
        for index, merge in enumerate(self.merges):
            found = self.merge_list.item(index)
            if found is not None:
                found.setText(self._merge_item(merge))
        self.table.setVerticalHeaderLabels([_(name) for name in ROWS])
        self.keep_label.setText(_("Keep the number:"))
        self.merge_button.setText(_("&Same household (merge)…"))
        self.different_button.setText(_("&Different"))
        self.later_button.setText(_("Decide &later"))
        for index, pair in enumerate(self.pairs):
            item = self.pair_list.item(index)
            if item is not None:
                item.setText(self._pair_item(pair))
        self._show_pair(self.pair_list.currentRow())

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)


def _ids(pair: Any) -> tuple[str, ...]:
    return tuple(sorted((pair.first.case_id, pair.second.case_id)))
