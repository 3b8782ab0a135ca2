"""Time and peak memory of the largest spreadsheet the import accepts, and of refusing the
hostile ones, each in a fresh process (its peak RSS, VmHWM; Linux).

    .venv/bin/python tests/benchmarks/bench_import_limits.py [--rows 100000] [--json out.json]

- the largest accepted .xlsx: MAX_ROWS rows of the export's 22 columns (demo households), as
  LegalAid exports it, and the same without its <dimension> element (openpyxl then reads the
  whole sheet once more before the first row);
- the same rows as CSV;
- hostile files from the issue: 1 MB holding one shared string of 1 GB, 3 million rows in a
  small file, one cell in column XFD.
"""

from __future__ import annotations

import argparse
import io
import itertools
import json
import re
import resource
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

CHILD = """
import json, sys, time
from pathlib import Path
from legalaid.home import open_home
from legalaid.errors import LegalAidError
from legalaid.spreadsheets.importer import import_file
ctx = open_home(Path(sys.argv[1]), unencrypted=True)
started = time.perf_counter()
try:
    report = import_file(ctx, Path(sys.argv[2]), dry_run=sys.argv[3] == "dry")
    outcome = report.summary()
except LegalAidError as error:
    outcome = "refused: " + error.message()
seconds = time.perf_counter() - started
# VmHWM: this process's own peak (getrusage would count the parent's, kept across exec)
peak = int(open("/proc/self/status").read().split("VmHWM:")[1].split()[0]) / 1024
print(json.dumps({"seconds": seconds, "peak_mb": peak, "outcome": outcome}))
"""


def measure(folder: Path, source: Path, mode: str = "real") -> dict[str, Any]:
    home = folder / f"home-{source.name}-{mode}"
    result = subprocess.run(
        [sys.executable, "-c", CHILD, str(home), str(source), mode],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={"LANG": "en_US.UTF-8", "PATH": "/usr/bin:/bin"},
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def largest(folder: Path, rows: int) -> tuple[Path, Path, Path]:
    from legalaid.home import open_home
    from legalaid.services.demo import generate_demo
    from legalaid.spreadsheets.exporter import ORDER, _rows
    from legalaid.spreadsheets.tabular import HEADERS, write_csv, write_xlsx

    ctx = open_home(folder / "demo", unencrypted=True)
    generate_demo(ctx, rows // 2 + 1_000, seed=17)
    headers = [HEADERS["es"][name] for name in ORDER]
    xlsx, csv_file = folder / "largest.xlsx", folder / "largest.csv"
    write_xlsx(xlsx, headers, itertools.islice(_rows(ctx), rows))
    write_csv(csv_file, headers, itertools.islice(_rows(ctx), rows))
    ctx.close()
    no_dimension = folder / "largest-no-dimension.xlsx"
    with zipfile.ZipFile(xlsx) as source, zipfile.ZipFile(no_dimension, "w", 8) as out:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = re.sub(rb"<dimension[^>]*/>", b"", data)
            out.writestr(info.filename, data)
    return xlsx, no_dimension, csv_file


def hostile(folder: Path) -> list[tuple[str, Path]]:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["nombres", "apellidos", "notas"])
    sheet.append(["Ana", "Ruiz", "x"])
    template = io.BytesIO()
    book.save(template)
    ns = b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'

    def replaced(name: str, parts: dict[str, list[bytes]]) -> Path:
        path = folder / name
        with (
            zipfile.ZipFile(template) as source,
            zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out,
        ):
            for info in source.infolist():
                if info.filename not in parts:
                    out.writestr(info, source.read(info.filename))
            for part, pieces in parts.items():
                with out.open(part, "w", force_zip64=True) as stream:
                    for piece in pieces:
                        stream.write(piece)
        return path

    megabyte = b"A" * (1024 * 1024)
    shared = replaced(
        "one-huge-string.xlsx",
        {
            "xl/sharedStrings.xml": [
                b"<sst " + ns + b"><si><t>",
                *[megabyte] * 1000,
                b"</t></si></sst>",
            ]
        },
    )
    header = b"<worksheet " + ns + b"><sheetData>"
    rows = replaced(
        "three-million-rows.xlsx",
        {
            "xl/worksheets/sheet1.xml": [
                header,
                *[b"<row><c><v>1</v></c></row>" * 250_000] * 12,
                b"</sheetData></worksheet>",
            ]
        },
    )
    wide = replaced(
        "column-xfd.xlsx",
        {
            "xl/worksheets/sheet1.xml": [
                header,
                b'<row r="1"><c r="A1" t="inlineStr"><is><t>nombres</t></is></c>'
                b'<c r="XFD1" t="inlineStr"><is><t>x</t></is></c></row>',
                b"</sheetData></worksheet>",
            ]
        },
    )
    return [
        ("1 GB shared string", shared),
        ("3,000,000 rows", rows),
        ("a cell in column XFD", wide),
    ]


def main() -> None:
    from legalaid.spreadsheets import tabular

    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=tabular.MAX_ROWS)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    results = []
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        started = time.perf_counter()
        xlsx, no_dimension, csv_file = largest(folder, args.rows)
        print(f"files made in {time.perf_counter() - started:.1f} s", file=sys.stderr)
        cases = [
            (f"largest accepted .xlsx ({args.rows:,} rows)", xlsx, "real"),
            ("the same, dry run", xlsx, "dry"),
            ("the same without <dimension>", no_dimension, "real"),
            ("the same rows as CSV", csv_file, "real"),
        ]
        cases += [(label, path, "real") for label, path in hostile(folder)]
        for label, path, mode in cases:
            figures = measure(folder, path, mode)
            figures.update(file=label, size_mb=path.stat().st_size / 1024 / 1024)
            results.append(figures)
            print(
                f"| {label} | {figures['size_mb']:.2f} MB | {figures['seconds']:.2f} s | "
                f"{figures['peak_mb']:.0f} MB | {figures['outcome'][:90]} |",
                flush=True,
            )
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS of this process: {peak:.0f} MB", file=sys.stderr)


if __name__ == "__main__":
    main()
