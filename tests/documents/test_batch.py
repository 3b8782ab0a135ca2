"""Reminders in a batch: one PDF or one per household, progress, cancel, atomic files."""

from __future__ import annotations

from datetime import date, time, timedelta
from pathlib import Path

import pytest

from legalaid.context import AppContext
from legalaid.documents import documents_for_case, reminders_batch
from legalaid.errors import NotFoundError, StorageError
from tests.documents.helpers import HEARING_DAY, hearing, household, text_of

END = HEARING_DAY + timedelta(days=2)


@pytest.fixture
def out_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "out"
    folder.mkdir()
    return folder


def _three_households(ctx: AppContext) -> list[str]:
    cases = [
        household(ctx, [(f"Persona {n}", "Muñoz Íñiguez", f"A 50{n}-000-00{n}")]) for n in range(3)
    ]
    hearing(ctx, cases[0].case.id, at=time(13, 0))
    hearing(ctx, cases[1].case.id)
    hearing(ctx, cases[2].case.id, HEARING_DAY + timedelta(days=1), crossing="BRO", court="BRO-MPP")
    hearing(ctx, cases[2].case.id, HEARING_DAY + timedelta(days=9))  # outside the range
    return [c.case.case_number for c in cases]


def test_one_pdf_with_a_letter_per_hearing_by_report_time(ctx: AppContext, out_dir: Path) -> None:
    numbers = _three_households(ctx)
    seen: list[tuple[int, int]] = []
    out = out_dir / "semana.pdf"
    result = reminders_batch(
        ctx, start=HEARING_DAY, end=END, out=out, progress=lambda d, t: seen.append((d, t))
    )
    assert result.count == 3 and result.paths == [out] and not result.cancelled
    text = text_of(out.read_bytes())
    order = [text.index(f"Persona {n} Muñoz Íñiguez") for n in (1, 0, 2)]
    assert order == sorted(order)  # 4:00 before 9:00, then the next day
    assert seen[-1] == (3, 3) and [d for d, _t in seen] == sorted(d for d, _t in seen)
    assert "Página 1 de 2 · Page 1 of 2" in text  # numbering restarts with every letter
    assert [p.name for p in out_dir.iterdir()] == ["semana.pdf"]  # no temporary files left
    logged = documents_for_case(ctx, numbers[0])
    assert len(logged) == 1 and logged[0].file == str(out) and logged[0].kind == "reminder"
    # What changed: the document log of the three households whose letters were logged.
    assert result.changes.kinds == {"document"}
    assert len(result.changes.cases) == 3 and logged[0].case_id in result.changes.cases


def test_only_one_crossing_and_one_file_per_household(ctx: AppContext, out_dir: Path) -> None:
    numbers = _three_households(ctx)
    folder = out_dir / "cartas"
    result = reminders_batch(
        ctx, start=HEARING_DAY, end=END, crossing="SYS", out=folder, per_household=True
    )
    assert sorted(p.name for p in folder.iterdir()) == sorted(f"{n}.pdf" for n in numbers[:2])
    assert result.count == 2 and all(p.parent == folder for p in result.paths)
    assert "Persona 0 Muñoz Íñiguez" in text_of((folder / f"{numbers[0]}.pdf").read_bytes())


def test_cancel_leaves_nothing_behind_and_logs_nothing(ctx: AppContext, out_dir: Path) -> None:
    numbers = _three_households(ctx)
    calls: list[int] = []

    def cancel_on_second_letter() -> bool:
        calls.append(1)
        return len(calls) > 2

    out = out_dir / "x.pdf"
    result = reminders_batch(
        ctx, start=HEARING_DAY, end=END, out=out, cancel=cancel_on_second_letter
    )
    assert result.cancelled and result.count == 0 and result.paths == []
    assert list(out_dir.iterdir()) == []
    folder = out_dir / "cada"
    calls.clear()
    reminders_batch(
        ctx,
        start=HEARING_DAY,
        end=END,
        out=folder,
        per_household=True,
        cancel=cancel_on_second_letter,
    )
    assert list(folder.iterdir()) == []
    assert documents_for_case(ctx, numbers[0]) == []


def test_empty_range_and_unwritable_places_are_clear_errors(ctx: AppContext, out_dir: Path) -> None:
    _three_households(ctx)
    with pytest.raises(NotFoundError) as empty:
        reminders_batch(ctx, start=date(2031, 1, 1), end=date(2031, 1, 7), out=out_dir / "a.pdf")
    assert empty.value.message() == "No hay audiencias programadas del 2031-01-01 al 2031-01-07."
    with pytest.raises(StorageError) as missing:
        reminders_batch(ctx, start=HEARING_DAY, end=END, out=out_dir / "no" / "a.pdf")
    assert "la carpeta no existe" in missing.value.message()
    with pytest.raises(StorageError) as folder:
        reminders_batch(ctx, start=HEARING_DAY, end=END, out=out_dir)
    assert "es una carpeta" in folder.value.message()
