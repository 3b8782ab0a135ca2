"""One row of the benchmark table: a figure next to its same-run baseline."""

from __future__ import annotations

from typing import Any


def row(
    name: str,
    value: float,
    unit: str,
    baseline: float | None,
    base_name: str,
    aim: str = "",
    ok: bool | None = None,
    baseline_unit: str | None = None,
) -> dict[str, Any]:
    extra = {} if baseline_unit is None else {"baseline_unit": baseline_unit}
    return extra | {
        "figure": name,
        "value": round(value, 3),
        "unit": unit,
        "baseline": None if baseline is None else round(baseline, 3),
        "baseline_is": base_name,
        "ratio": None if not baseline else round(value / baseline, 2),
        "aim": aim,
        "ok": ok,
    }
