"""Large batches laid out in worker processes and joined: same letters, same order, cancellable."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader
from pypdf.generic import DictionaryObject

from legalaid.context import AppContext
from legalaid.documents import parallel, reminders_batch
from legalaid.services.demo import generate_demo
from legalaid.services.upcoming import upcoming


@pytest.fixture
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parallel, "PARALLEL_FROM", 10)
    monkeypatch.setattr(parallel, "MIN_CHUNK", 6)
    monkeypatch.setattr(parallel.os, "cpu_count", lambda: 2)


def _ids(ctx: AppContext) -> list[str]:
    generate_demo(ctx, 120, seed=4)
    rows = [r for r in upcoming(ctx, 45) if r.status == "scheduled"]
    assert len(rows) >= 20
    return [r.hearing_id for r in rows[:30]]


def _case_numbers(pdf: Path) -> list[str]:
    numbers: list[str] = []
    for page in PdfReader(pdf).pages:
        first = (page.extract_text() or "").split("·")[0].strip()
        if not numbers or numbers[-1] != first:
            numbers.append(first)
    return numbers


def test_workers_give_the_same_letters_in_the_same_order(
    ctx: AppContext, tmp_path: Path, small_chunks: None
) -> None:
    ids = _ids(ctx)
    one = tmp_path / "one.pdf"
    reminders_batch(ctx, hearing_ids=ids, out=one, deterministic=True)  # a single process
    seen: list[int] = []
    many = tmp_path / "many.pdf"
    result = reminders_batch(ctx, hearing_ids=ids, out=many, progress=lambda d, t: seen.append(d))
    assert result.count == len(ids) and not result.cancelled
    assert _case_numbers(many) == _case_numbers(one)
    assert len(PdfReader(many).pages) == len(PdfReader(one).pages)
    reader = PdfReader(many)
    assert reader.metadata is not None and "Hearing reminder" in (reader.metadata.title or "")
    root = reader.trailer["/Root"]
    assert isinstance(root, DictionaryObject)
    assert root["/Lang"] == "es-MX"
    assert seen == sorted(seen) and seen[-1] == len(ids)


def test_cancel_stops_the_workers_and_leaves_nothing(
    ctx: AppContext, tmp_path: Path, small_chunks: None
) -> None:
    ids = _ids(ctx)
    out = tmp_path / "cancelled.pdf"
    result = reminders_batch(ctx, hearing_ids=ids, out=out, cancel=lambda: True)
    assert result.cancelled and result.count == 0
    assert [p.name for p in tmp_path.iterdir()] == ["home"]  # no PDF, no temporary file


def test_small_or_deterministic_batches_stay_in_one_process() -> None:
    assert parallel.workers_for(10, deterministic=False) == 1
    assert parallel.workers_for(5000, deterministic=True) == 1


def test_the_window_sends_even_a_small_batch_to_worker_processes() -> None:
    """Laid out in a thread of the window's process, 250 letters stalled it for 0.4-2.7 s."""
    assert parallel.workers_for(2, deterministic=False, off_process=True) >= 2
    assert parallel.workers_for(1, deterministic=False, off_process=True) == 1


CALLER = """
import sys
from pathlib import Path

from legalaid.home import open_home
from legalaid.documents import parallel, reminders_batch

OFF = sys.argv[3] == "off"
del sys.argv[3]
parallel.PARALLEL_FROM, parallel.MIN_CHUNK = 10, 6
parallel.os.cpu_count = lambda: 2
ctx = open_home(Path(sys.argv[1]), unencrypted=True)
result = reminders_batch(ctx, hearing_ids=sys.argv[3:], out=Path(sys.argv[2]), off_process=OFF)
assert result.count == len(sys.argv) - 3 and not result.cancelled
print(sorted({name.split(".")[0] for name in sys.modules} & {"reportlab", "pypdf", "PIL"}))
"""


@pytest.mark.parametrize("how", ["large", "off"])
def test_the_calling_process_loads_no_layout_code_for_a_large_batch(
    ctx: AppContext, home: Path, tmp_path: Path, how: str
) -> None:
    """The client only loads facts and logs: reportlab, the fonts and pypdf stay in the workers
    (about 37 MB of the client's memory), for a large batch, and for a small one from the
    window (``off_process``)."""
    ids = _ids(ctx) if how == "large" else _ids(ctx)[:3]
    out = tmp_path / "letters.pdf"
    answer = subprocess.run(
        [sys.executable, "-c", CALLER, str(home), str(out), how, *ids],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert answer.returncode == 0, answer.stderr
    assert answer.stdout.strip() == "[]"
    assert _case_numbers(out)[0] and len(PdfReader(out).pages) >= len(ids)


def test_workers_started_early_stop_when_the_facts_cannot_be_read(
    ctx: AppContext, tmp_path: Path, small_chunks: None
) -> None:
    """The worker processes start while the facts are read; a batch that fails there (a
    hearing that is not printable) leaves no process behind."""
    import multiprocessing
    import time

    from legalaid.errors import LegalAidError
    from legalaid.services.hearings import cancel_hearing

    ids = _ids(ctx)
    cancel_hearing(ctx, ids[3], None)
    with pytest.raises(LegalAidError):
        reminders_batch(ctx, hearing_ids=ids, out=tmp_path / "never.pdf")
    deadline = time.monotonic() + 20
    while multiprocessing.active_children() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert multiprocessing.active_children() == []
    assert not (tmp_path / "never.pdf").exists()
