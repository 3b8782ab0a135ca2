"""Benchmark: hearing-reminder letters per second against a bare reportlab page with the same
text, in the same run. Not collected by pytest (no test_ prefix).

    .venv/bin/python tests/benchmarks/bench_letters.py [--letters 1000] [--households 200]

1. Demo households in a temporary home; the first N scheduled hearings, by report time.
2. ``reminders_batch`` writes them into one PDF (columns layout): loading, layout, both
   languages from the catalogs, writing and logging included.
3. The text of each letter is read back from that PDF and set again as plain paragraphs on
   bare pages (same DejaVu font, no tables, columns or decoration): the floor reportlab sets.
4. Optionally one file per household for M households.
"""

from __future__ import annotations

import argparse
import io
import json
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from xml.sax.saxutils import escape

from pypdf import PdfReader
from reportlab.lib.pagesizes import LETTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from legalaid.context import AppContext  # noqa: E402
from legalaid.documents import hearings_in_range, reminders_batch  # noqa: E402
from legalaid.documents.fonts import REGULAR, register_fonts  # noqa: E402
from legalaid.home import open_home  # noqa: E402
from legalaid.services.demo import generate_demo  # noqa: E402


def timed(action: Callable[[], object]) -> tuple[float, object]:
    started = time.perf_counter()
    result = action()
    return time.perf_counter() - started, result


def letters_text(pdf: Path) -> list[str]:
    """Each letter's text, split where the page numbering starts again."""
    letters: list[str] = []
    for page in PdfReader(str(pdf)).pages:
        text = page.extract_text() or ""
        if "Página 1 de" in text or not letters:
            letters.append(text)
        else:
            letters[-1] += "\n" + text
    return letters


def bare_pdf(texts: list[str]) -> bytes:
    register_fonts()
    style = ParagraphStyle("bare", fontName=REGULAR, fontSize=9.5, leading=12.6)
    story: list[object] = []
    for index, text in enumerate(texts):
        if index:
            story.append(PageBreak())
        story += [Paragraph(escape(line), style) for line in text.splitlines() if line.strip()]
    out = io.BytesIO()
    SimpleDocTemplate(out, pagesize=LETTER).build(story)
    return out.getvalue()


def scheduled_ids(ctx: AppContext, wanted: int) -> list[str]:
    start = date.today()
    return hearings_in_range(ctx, start, start + timedelta(days=120))[:wanted]


Row = tuple[str, int, float, int, int]


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--letters", type=int, default=1000)
    parser.add_argument("--households", type=int, default=200)
    parser.add_argument("--json", type=Path, help="write the figures for run.py here")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        base = Path(folder)
        ctx = open_home(base / "home", unencrypted=True)
        ctx.settings.organisation.name = "Albergue de prueba"
        ctx.settings.staff_name = "Benchmark"
        generate_demo(ctx, max(args.letters * 3, 600), seed=7)
        rows = measure(ctx, base, scheduled_ids(ctx, args.letters), args.households)
        ctx.close()
    print(f"{'variant':<34} {'letters':>7} {'seconds':>8} {'letters/s':>10} {'MB':>6} {'pages':>6}")
    for name, count, seconds, size, pages_or_files in rows:
        print(
            f"{name:<34} {count:>7} {seconds:>8.2f} {count / seconds:>10.1f} "
            f"{size / 1e6:>6.2f} {pages_or_files:>6}"
        )
    if args.json:
        args.json.write_text(json.dumps(figures(rows), indent=2))
    return 0


def figures(rows: list[Row]) -> list[dict[str, object]]:
    """The benchmark table's rows: our letters/s against the bare page's, same run."""
    ours, bare = rows[0], rows[1]
    ours_rate, bare_rate = ours[1] / ours[2], bare[1] / bare[2]
    out: list[dict[str, object]] = [
        {
            "figure": f"reminder batch, {ours[1]:,} letters in one PDF",
            "value": round(ours_rate, 1),
            "unit": "letters/s",
            "baseline": round(bare_rate, 1),
            "baseline_is": "bare reportlab pages with the same text, one process",
            "ratio": round(ours_rate / bare_rate, 2),
            "aim": ">= 100 letters/s",
            "ok": ours_rate >= 100,
        }
    ]
    if len(rows) > 2:
        each = rows[2]
        out.append(
            {
                "figure": f"reminders, one file per household ({each[1]} households)",
                "value": round(each[1] / each[2], 1),
                "unit": "letters/s",
                "baseline": round(bare_rate, 1),
                "baseline_is": "bare reportlab, same run",
                "ratio": round(each[1] / each[2] / bare_rate, 2),
                "aim": "",
                "ok": None,
            }
        )
    return out


def measure(ctx: AppContext, base: Path, ids: list[str], households: int) -> list[Row]:
    ours = base / "letters.pdf"
    ours_s, _result = timed(lambda: reminders_batch(ctx, hearing_ids=ids, out=ours))
    texts = letters_text(ours)
    bare_s, bare = timed(lambda: bare_pdf(texts))
    assert isinstance(bare, bytes)
    bare_pages = len(PdfReader(io.BytesIO(bare)).pages)
    rows: list[Row] = [
        ("LegalAid letters, one PDF", len(ids), ours_s, ours.stat().st_size, pages(ours)),
        ("bare reportlab, same text", len(texts), bare_s, len(bare), bare_pages),
    ]
    if households:
        folder = base / "each"
        some = household_ids(ctx, ids, households)
        each_s, _r = timed(
            lambda: reminders_batch(ctx, hearing_ids=some, out=folder, per_household=True)
        )
        size = sum(p.stat().st_size for p in folder.iterdir())
        files = sum(pages(p) for p in folder.iterdir())
        rows.append(("LegalAid, one file per household", len(some), each_s, size, files))
    return rows


def pages(path: Path) -> int:
    return len(PdfReader(str(path)).pages)


def household_ids(ctx: AppContext, ids: list[str], households: int) -> list[str]:
    """Hearings of the first ``households`` households among ``ids``."""
    from legalaid.documents.facts import load_hearings

    seen: dict[str, str] = {}
    for facts in load_hearings(ctx, ids):
        seen.setdefault(facts.case_id, facts.hearing_id)
        if len(seen) == households:
            break
    return list(seen.values())


if __name__ == "__main__":
    sys.exit(main())
