"""Core figures at 100,000 cases, each next to a baseline measured in the same run.

    .venv/bin/python tests/benchmarks/bench_core.py [--cases 100000] [--json out.json]

- demo generation of N cases (aim: 100,000 in under 60 s), baseline: the same rows written by
  plain executemany into a table without indexes or triggers;
- search as you type (page of 100 + count, through the service), p50/p95 per keystroke,
  baseline: the raw FTS5 MATCH query for the same keystrokes (aim: p95 under 30 ms);
- import of a 10,000-row spreadsheet (aim: under 5 s), baseline: csv.reader over the same file;
- encrypted against plain on the same workload (aim: within 1.3x);
- the case list sorted by a column: one page of 200 from the middle of 100,000 cases, per
  order, against the same page in the default newest-first order (median of 3; aim: within
  3x);
- the 30-day Upcoming view's first page (aim: under 300 ms), against the whole window.
"""

from __future__ import annotations

import argparse
import csv
import json
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from figures import row  # noqa: E402  (tests/benchmarks/figures.py)

from legalaid.context import AppContext  # noqa: E402
from legalaid.home import open_home  # noqa: E402
from legalaid.services.cases import CaseInput, PersonInput, open_case  # noqa: E402
from legalaid.services.demo import generate_demo  # noqa: E402
from legalaid.services.search import (  # noqa: E402
    COUNT_CAP,
    count_cases,
    fts_query,
    search_cases,
)
from legalaid.services.upcoming import upcoming  # noqa: E402
from legalaid.spreadsheets.exporter import export_file  # noqa: E402
from legalaid.spreadsheets.importer import import_file  # noqa: E402

PASS = "benchmark passphrase, not secret"
TYPED = [
    "jose hernandez",
    "maria nunez",
    "A 200-482-710",
    "DEMO-2026-004242",
    "xicara batz",
    "ortiz",
    "guadalupe",
    "inig pena",
]


def timed(action: Callable[[], object]) -> tuple[float, Any]:
    started = time.perf_counter()
    result = action()
    return time.perf_counter() - started, result


def bench_demo(folder: Path, cases: int) -> tuple[AppContext, list[dict[str, Any]]]:
    ctx = open_home(folder / "plain", unencrypted=True)
    seconds, _ = timed(lambda: generate_demo(ctx, cases, seed=1))
    base = _bare_inserts(folder / "bare.db", ctx)
    return ctx, [
        row(
            f"demo generation, {cases:,} cases",
            seconds,
            "s",
            base,
            "same rows, executemany into bare tables",
            "< 60 s for 100,000",
            seconds < 60 * cases / 100_000,
        )
    ]


def _bare_inserts(path: Path, ctx: AppContext) -> float:
    """Copy every row of the demo tables into index-free, trigger-free tables."""
    source = sqlite3.connect(ctx.home.database)
    target = sqlite3.connect(path)
    started = time.perf_counter()
    for table in ("case", "person", "hearing", "hearing_attendee", "risk_assessment"):
        rows = source.execute(f'SELECT * FROM "{table}"').fetchall()
        width = len(rows[0]) if rows else 1
        target.execute(f'CREATE TABLE "{table}" ({", ".join(f"c{i}" for i in range(width))})')
        target.executemany(f'INSERT INTO "{table}" VALUES ({", ".join("?" * width)})', rows)
    target.commit()
    seconds = time.perf_counter() - started
    source.close()
    target.close()
    return seconds


def keystrokes() -> list[str]:
    return [word[:i] for word in TYPED for i in range(1, len(word) + 1)]


def bench_search(ctx: AppContext) -> list[dict[str, Any]]:
    service, raw = [], []
    conn = sqlite3.connect(ctx.home.database)
    for text in keystrokes():

        def search(t: str = text) -> object:
            return search_cases(ctx, t, limit=100), count_cases(ctx, t, cap=COUNT_CAP)

        seconds, _ = timed(search)
        service.append(seconds * 1000)
        match = fts_query(text)
        if match:

            def raw_search(m: str = match) -> object:
                return conn.execute(
                    "SELECT rowid FROM case_fts WHERE case_fts MATCH ? LIMIT 100", (m,)
                ).fetchall()

            seconds, _ = timed(raw_search)
            raw.append(seconds * 1000)
    conn.close()
    p95 = _pct(service, 95)
    return [
        row(
            "search per keystroke, p50 (page of 100 + count up to 1,000)",
            statistics.median(service),
            "ms",
            statistics.median(raw),
            "raw FTS5 MATCH, first 100 rowids",
        ),
        row(
            "search per keystroke, p95",
            p95,
            "ms",
            _pct(raw, 95),
            "raw FTS5 MATCH p95",
            "p95 < 30 ms",
            p95 < 30,
        ),
    ]


SORTED = [
    ("name", "principal applicant's name"),
    ("next_hearing", "next hearing"),
    ("case_number", "case number"),
    ("crossing", "crossing"),
    ("status", "status"),
]


def bench_sorting(ctx: AppContext, prefix: str = "") -> list[dict[str, Any]]:
    middle = count_cases(ctx) // 2

    def page(order: str) -> float:
        search_cases(ctx, order=order, offset=middle)  # the stale-key check; warm caches
        times = [timed(lambda: search_cases(ctx, order=order, offset=middle))[0] for _ in range(3)]
        return statistics.median(times) * 1000

    base = page("recent")
    rows = []
    for order, label in SORTED:
        value = page(order)
        rows.append(
            row(
                f"{prefix}case list sorted by {label}: a page from the middle",
                value,
                "ms",
                base,
                "the same page, newest first (the default order)",
                "within 3x",
                value <= 3 * base,
            )
        )
    return rows


def bench_upcoming(ctx: AppContext, prefix: str = "") -> list[dict[str, Any]]:
    """The 30-day Upcoming view's first page, against reading every page of the window."""
    from legalaid.services.upcoming import upcoming_page

    whole, rows = timed(lambda: upcoming(ctx, 30))
    first = statistics.median(timed(lambda: upcoming_page(ctx, 30))[0] for _ in range(3))
    return [
        row(
            f"{prefix}Upcoming view, 30 days: first page (200 of {len(rows):,} hearings)",
            first * 1000,
            "ms",
            whole * 1000,
            "every page of the window, read one after another",
            "< 300 ms",
            first < 0.3,
        )
    ]


def _pct(values: list[float], pct: int) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * pct / 100))]


def bench_import(ctx: AppContext, folder: Path) -> list[dict[str, Any]]:
    source = folder / "export.csv"
    export_file(ctx, source)
    lines = source.read_text(encoding="utf-8-sig").splitlines()[:10_001]
    sample = folder / "import-10000.csv"
    sample.write_text("\n".join(lines), encoding="utf-8")
    fresh = open_home(folder / "import-home", unencrypted=True)
    seconds, report = timed(lambda: import_file(fresh, sample))
    base, _ = timed(lambda: list(csv.reader(sample.open(encoding="utf-8"))))
    fresh.close()
    assert report.imported_rows == len(lines) - 1, report.summary()
    return [
        row(
            "import of a 10,000-row spreadsheet",
            seconds,
            "s",
            base,
            "csv.reader over the same file",
            "< 5 s",
            seconds < 5,
        )
    ]


def _workload(ctx: AppContext) -> None:
    generate_demo(ctx, 5_000, seed=3)
    for text in keystrokes():
        search_cases(ctx, text, limit=100)
        count_cases(ctx, text)
    upcoming(ctx, 30)
    for i in range(300):
        open_case(ctx, CaseInput(crossing="SYS"), [PersonInput(f"Nombre{i}", "Pérez Núñez")])


def bench_encryption(folder: Path) -> list[dict[str, Any]]:
    plain = open_home(folder / "w-plain", unencrypted=True)
    enc = open_home(folder / "w-enc", passphrase=PASS)
    plain_s, _ = timed(lambda: _workload(plain))
    enc_s, _ = timed(lambda: _workload(enc))
    plain.close()
    enc.close()
    return [
        row(
            "same workload encrypted (5,000 demo cases, 136 searches, upcoming, 300 new cases)",
            enc_s,
            "s",
            plain_s,
            "the same workload unencrypted",
            "within 1.3x",
            enc_s / plain_s <= 1.3,
        )
    ]


def main(argv: list[str] | None = None) -> list[dict[str, Any]]:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        ctx, rows = bench_demo(folder, args.cases)
        rows += bench_search(ctx)
        rows += bench_sorting(ctx)
        rows += bench_upcoming(ctx)
        rows += bench_import(ctx, folder)
        ctx.close()
        rows += bench_encryption(folder)
    for r in rows:
        print(json.dumps(r, ensure_ascii=False))
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2, ensure_ascii=False))
    return rows


if __name__ == "__main__":
    main()
