"""Flowables reportlab lacks: side-by-side columns that split across pages.

A table cell cannot split, so a long paragraph in a two-column table either overflows or
stops the build. ``Columns`` lays out each column as a stack of flowables and, when the page
ends, splits every stack at that height (paragraphs split between lines), so Spanish and
English stay paragraph against paragraph and nothing is ever cut off.
"""

from __future__ import annotations

from collections.abc import Sequence

from reportlab.lib import colors
from reportlab.platypus import Flowable

from legalaid.documents.pdf import RULE

Stack = list[Flowable]


def _gap_before(flowable: Flowable, first: bool) -> float:
    return 0.0 if first else float(flowable.getSpaceBefore())


def _gap_after(flowable: Flowable) -> float:
    return float(flowable.getSpaceAfter())


def split_stack(stack: Stack, width: float, room: float) -> tuple[Stack, Stack]:
    """The flowables of ``stack`` that fit in ``room`` points, and the rest."""
    first: Stack = []
    used = 0.0
    for index, flowable in enumerate(stack):
        before = _gap_before(flowable, not first)
        _w, height = flowable.wrap(width, room - used - before)
        if used + before + height <= room:
            first.append(flowable)
            used += before + height + _gap_after(flowable)
            continue
        parts = flowable.split(width, room - used - before) if room - used - before > 0 else []
        if len(parts) > 1:
            first.append(parts[0])
            rest = list(parts[1:]) + stack[index + 1 :]
        else:
            rest = stack[index:]
        while first and rest and first[-1].getKeepWithNext():
            rest.insert(0, first.pop())  # never leave a heading alone at the bottom
        return first, rest
    return first, []


class Columns(Flowable):
    """Columns of equal width, drawn side by side, optionally boxed and tinted."""

    def __init__(
        self,
        columns: Sequence[Stack],
        *,
        gap: float = 16,
        rule: bool = True,
        box: colors.Color | None = None,
        fill: colors.Color | None = None,
        padding: float = 0,
    ) -> None:
        super().__init__()
        self.columns = [list(c) for c in columns]
        self.gap, self.rule, self.box, self.fill = gap, rule, box, fill
        self.padding = padding if box is None and fill is None else max(padding, 6)
        self._laid: list[list[tuple[Flowable, float]]] = []
        self._column_width = 0.0
        self._wrapped_at: float | None = None
        self.width: float = 0.0
        self.height: float = 0.0

    def _width_for(self, available: float) -> float:
        count = max(1, len(self.columns))
        return (available - 2 * self.padding - self.gap * (count - 1)) / count

    def wrap(self, aw: float, ah: float) -> tuple[float, float]:
        if self._wrapped_at == aw:  # KeepTogether and the frame both ask: lay out once
            return self.width, self.height
        self._column_width = self._width_for(aw)
        self._laid = []
        tallest = 0.0
        for stack in self.columns:
            laid: list[tuple[Flowable, float]] = []
            used = 0.0
            for flowable in stack:
                _w, height = flowable.wrap(self._column_width, 1e6)
                used += _gap_before(flowable, not laid)
                laid.append((flowable, height))
                used += height + _gap_after(flowable)
            if laid:
                used -= _gap_after(laid[-1][0])
            self._laid.append(laid)
            tallest = max(tallest, used)
        self.width, self.height = aw, tallest + 2 * self.padding
        self._wrapped_at = aw
        return self.width, self.height

    def split(self, aw: float, ah: float) -> list[Flowable]:
        self._wrapped_at = None  # the children are wrapped again at other heights below
        room = ah - 2 * self.padding
        width = self._width_for(aw)
        pieces = [split_stack(stack, width, room) for stack in self.columns]
        if not any(first for first, _rest in pieces):
            return []
        if not any(rest for _first, rest in pieces):
            return [self]
        options = {
            "gap": self.gap,
            "rule": self.rule,
            "box": self.box,
            "fill": self.fill,
            "padding": self.padding,
        }
        return [
            Columns([first for first, _rest in pieces], **options),  # type: ignore[arg-type]
            Columns([rest for _first, rest in pieces], **options),  # type: ignore[arg-type]
        ]

    def draw(self) -> None:
        canv = self.canv
        if self.fill is not None or self.box is not None:
            canv.saveState()
            if self.fill is not None:
                canv.setFillColor(self.fill)
            if self.box is not None:
                canv.setStrokeColor(self.box)
                canv.setLineWidth(1.2)
            canv.rect(
                0,
                0,
                self.width,
                self.height,
                stroke=self.box is not None,
                fill=self.fill is not None,
            )
            canv.restoreState()
        x = self.padding
        for index, laid in enumerate(self._laid):
            y = self.height - self.padding
            for position, (flowable, height) in enumerate(laid):
                y -= _gap_before(flowable, position == 0) + height
                flowable.drawOn(canv, x, y)
                y -= _gap_after(flowable)
            if self.rule and index < len(self._laid) - 1:
                canv.saveState()
                canv.setStrokeColor(RULE)
                canv.setLineWidth(0.5)
                rule_x = x + self._column_width + self.gap / 2
                canv.line(rule_x, self.padding, rule_x, self.height - self.padding)
                canv.restoreState()
            x += self._column_width + self.gap
