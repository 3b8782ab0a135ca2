"""Hostile and broken spreadsheets: each refused, or reported row by row, with a message in the
person's language that says what to fix; nothing changed silently, no traceback, no minutes
of work or gigabytes of memory for a small file. The files are made here, not committed."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from openpyxl import Workbook

from legalaid.context import AppContext
from legalaid.errors import LegalAidError, ValidationError
from legalaid.services.cases import get_case
from legalaid.services.search import count_cases
from legalaid.spreadsheets import tabular
from legalaid.spreadsheets.importer import import_file
from legalaid.spreadsheets.tabular import read_sheet
from tests.safety.test_import import SPANISH


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def refusal(ctx: AppContext, path: Path) -> str:
    with pytest.raises(LegalAidError) as caught:
        import_file(ctx, path)
    assert count_cases(ctx) == 0
    beside = sorted(p.name for p in path.parent.iterdir() if p.name != "home")
    assert beside == [path.name]  # no rejects file
    return caught.value.message()


def cli(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "legalaid", "--home", str(home), "--unencrypted", *args],
        env={**os.environ, "LANG": "es_MX.UTF-8"},
        capture_output=True,
        text=True,
        timeout=120,
    )


# --- encodings --------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "encoded",
    [
        pytest.param(lambda t: t.encode("utf-16"), id="utf-16-le-bom"),
        pytest.param(lambda t: b"\xfe\xff" + t.encode("utf-16-be"), id="utf-16-be-bom"),
        pytest.param(lambda t: t.encode("utf-32"), id="utf-32-bom"),
        pytest.param(lambda t: t.encode("utf-8-sig"), id="utf-8-bom"),
    ],
)
def test_utf16_and_utf32_files_import_like_utf8(
    ctx: AppContext, tmp_path: Path, encoded: Callable[[str], bytes]
) -> None:
    (tmp_path / "a.csv").write_bytes(encoded(SPANISH))
    report = import_file(ctx, tmp_path / "a.csv")
    assert (report.imported_rows, len(report.rejected)) == (3, 2)
    assert [p.given_names for p in get_case(ctx, "TIJ-2024-0101").people] == [
        "José Ángel",
        "Lucía",
    ]


def test_utf16_without_its_byte_order_mark_is_refused(ctx: AppContext, tmp_path: Path) -> None:
    message = refusal(ctx, write(tmp_path / "a.csv", SPANISH, "utf-16-le"))
    assert message.startswith("La línea 1 del archivo tiene caracteres NUL")
    assert "CSV UTF-8" in message


def test_damaged_utf8_is_refused_naming_the_line(ctx: AppContext, tmp_path: Path) -> None:
    data = SPANISH.encode("utf-8").replace("Ordóñez".encode(), b"Ord\xf3\xf1ez")
    (tmp_path / "a.csv").write_bytes(data)
    message = refusal(ctx, tmp_path / "a.csv")
    assert message.startswith("La línea 4 del archivo tiene bytes que no son texto UTF-8")


def test_bytes_windows_1252_does_not_have_are_refused(ctx: AppContext, tmp_path: Path) -> None:
    (tmp_path / "a.csv").write_bytes(b"nombres;apellidos\nJos\xe9;P\xe9rez\nAna;R\x81iz\n")
    message = refusal(ctx, tmp_path / "a.csv")
    assert message.startswith("La línea 3 del archivo tiene bytes que no son texto Windows-1252")


# --- values that would have to change to be stored ----------------------------------------------
LONG = "nombres;apellidos;expediente;notas;domicilio;ciudad;teléfono\n"


def test_values_too_long_are_rejected_naming_the_column_and_limit(
    ctx: AppContext, tmp_path: Path
) -> None:
    rows = [
        f"Ana;Ruiz;L-1;{'n' * 20_000};{'d' * 2_000};{'c' * 2_000};{'5' * 2_000}",
        f"Eva;Ruiz;L-2;{'n' * 20_001};;;",
        f"Eva;Ruiz;L-3;;{'d' * 2_001};;",
        f"Eva;Ruiz;L-4;;;{'c' * 2_001};",
        f"Eva;Ruiz;L-5;;;;{'5' * 2_001}",
        f"{'E' * 201};Ruiz;L-6;;;;",
        f"Eva;Ruiz;{'L' * 33};;;;",
    ]
    report = import_file(ctx, write(tmp_path / "a.csv", LONG + "\n".join(rows)))
    assert report.imported_rows == 1
    assert [r.reason() for r in report.rejected] == [
        "La columna «notas» tiene 20,001 caracteres; caben como máximo 20,000: acórtela.",
        "La columna «domicilio» tiene 2,001 caracteres; caben como máximo 2,000: acórtela.",
        "La columna «ciudad» tiene 2,001 caracteres; caben como máximo 2,000: acórtela.",
        "La columna «teléfono» tiene 2,001 caracteres; caben como máximo 2,000: acórtela.",
        "La columna «nombres» tiene 201 caracteres; caben como máximo 200: acórtela.",
        "La columna «expediente» tiene 33 caracteres; caben como máximo 32: acórtela.",
    ]
    kept = get_case(ctx, "L-1").case
    assert (len(kept.notes), len(kept.address_mx), len(kept.city), len(kept.phone)) == (
        20_000,
        2_000,
        2_000,
        2_000,
    )


def test_control_characters_are_refused_but_tab_and_newline_in_notes(
    ctx: AppContext, tmp_path: Path
) -> None:
    text = (
        "nombres;apellidos;expediente;notas\n"
        'Ana;Ruiz;K-1;"primera línea\n\tsegunda, con tabulador"\n'
        "Eva\x07;Ruiz;K-2;\n"
        "Eva;Ruiz;K-3;nota\x0bcon tabulador vertical\n"
        "Eva;Ruiz;K-4;nota\x85con NEL\n"
    )
    report = import_file(ctx, write(tmp_path / "a.csv", text))
    assert report.imported_rows == 1
    assert get_case(ctx, "K-1").case.notes == "primera línea\n\tsegunda, con tabulador"
    assert [r.reason() for r in report.rejected] == [
        "La columna «nombres» tiene un carácter de control (U+0007) que no se puede guardar: "
        "bórrelo.",
        "La columna «notas» tiene un carácter de control (U+000B) que no se puede guardar: "
        "bórrelo.",
        "La columna «notas» tiene un carácter de control (U+0085) que no se puede guardar: "
        "bórrelo.",
    ]


def test_two_columns_with_the_same_meaning_are_refused(ctx: AppContext, tmp_path: Path) -> None:
    message = refusal(ctx, write(tmp_path / "a.csv", "nombres;apellidos;Nombres\nAna;Ruiz;Eva\n"))
    assert message == (
        "Las columnas «nombres» (columna A) y «Nombres» (columna C) significan lo mismo: "
        "borre o cambie el nombre de una de ellas."
    )
    (tmp_path / "a.csv").unlink()
    message = refusal(ctx, write(tmp_path / "b.csv", "nombre,apellidos,nombres\nAna,Ruiz,Eva\n"))
    assert "«nombre» (columna A) y «nombres» (columna C)" in message


def test_phone_and_whatsapp_columns_are_both_kept(ctx: AppContext, tmp_path: Path) -> None:
    text = (
        "nombres;apellidos;expediente;teléfono;WhatsApp\nAna;Ruiz;W-1;664 111 2222;664 333 4444\n"
    )
    assert import_file(ctx, write(tmp_path / "a.csv", text)).imported_rows == 1
    case = get_case(ctx, "W-1").case
    assert (case.phone, case.whatsapp) == ("664 111 2222", "664 333 4444")


def test_values_in_columns_without_a_title_are_reported(ctx: AppContext, tmp_path: Path) -> None:
    text = "nombres;apellidos;;expediente\nAna;Ruiz;algo;U-1;de más\n"
    report = import_file(ctx, write(tmp_path / "a.csv", text))
    assert report.imported_rows == 1
    assert report.ignored_headers == ["columna C (sin título)", "columna E (sin título)"]


# --- CSV and .xlsx that cannot be read ----------------------------------------------------------
def test_a_csv_field_over_131072_characters_gets_a_message(tmp_path: Path) -> None:
    source = write(tmp_path / "a.csv", f'nombres;apellidos;notas\nAna;Ruiz;"{"x" * 140_000}"\n')
    result = cli(tmp_path / "h", "import", str(source))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.strip() == (
        "legalaid: La línea 2 del archivo tiene una celda de más de 32,767 caracteres: acórtela."
    )


def _xlsx_bytes() -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["nombres", "apellidos", "expediente"])
    for i in range(200):
        sheet.append([f"Persona {i}", "Ruiz", f"X-{i}"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(b"", id="empty"),
        pytest.param(b"nombres;apellidos\nAna;Ruiz\n", id="not-a-zip"),
        pytest.param(_xlsx_bytes()[:3000], id="truncated"),
        pytest.param(zipfile.ZipFile.__name__.encode() * 3, id="garbage"),
    ],
)
def test_a_broken_xlsx_gets_a_message(tmp_path: Path, content: bytes) -> None:
    (tmp_path / "hoja.xlsx").write_bytes(content)
    result = cli(tmp_path / "h", "import", str(tmp_path / "hoja.xlsx"))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "no es un libro .xlsx que se pueda leer" in result.stderr
    assert "guárdelo de nuevo como .xlsx o CSV" in result.stderr


def test_a_damaged_part_inside_an_xlsx_gets_a_message(ctx: AppContext, tmp_path: Path) -> None:
    data = bytearray(_xlsx_bytes())
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:
        info = archive.getinfo("xl/worksheets/sheet1.xml")
    start = info.header_offset + 30 + len(info.filename) + len(info.extra)
    data[start + 200 : start + 260] = b"\x00" * 60  # inside the compressed sheet
    (tmp_path / "hoja.xlsx").write_bytes(bytes(data))
    message = refusal(ctx, tmp_path / "hoja.xlsx")
    assert "dañado" in message or "no es un libro .xlsx" in message


def test_an_old_excel_file_is_refused(ctx: AppContext, tmp_path: Path) -> None:
    (tmp_path / "viejo.xls").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 4000)
    assert "libro de Excel antiguo (.xls)" in refusal(ctx, tmp_path / "viejo.xls")


def test_other_sheets_with_data_are_reported(ctx: AppContext, tmp_path: Path) -> None:
    book = Workbook()
    first = book.active
    assert first is not None
    first.title = "Familias"
    first.append(["nombres", "apellidos"])
    first.append(["Ana", "Ruiz"])
    book.create_sheet("Vacía")
    book.create_sheet("Más familias").append(["Eva", "Paz"])
    book.save(tmp_path / "hoja.xlsx")
    report = import_file(ctx, tmp_path / "hoja.xlsx")
    assert report.imported_rows == 1
    assert [n.message() for n in report.notes] == [
        "Solo se leyó la primera hoja, «Familias»; estas hojas no se importaron: Más familias."
    ]


# --- sizes ------------------------------------------------------------------------------------
def _xlsx_with(path: Path, parts: dict[str, bytes | list[bytes]]) -> Path:
    """An openpyxl workbook with some of its parts replaced (a list: written piece by piece)."""
    template = zipfile.ZipFile(io.BytesIO(_xlsx_bytes()))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for info in template.infolist():
            if info.filename not in parts:
                out.writestr(info, template.read(info.filename))
        for name, content in parts.items():
            with out.open(name, "w", force_zip64=True) as stream:
                for piece in content if isinstance(content, list) else [content]:
                    stream.write(piece)
    return path


SST = b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
SHEET = b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
HEADER_ROW = (
    b'<row r="1"><c r="A1" t="inlineStr"><is><t>nombres</t></is></c>'
    b'<c r="B1" t="inlineStr"><is><t>apellidos</t></is></c>'
    b'<c r="C1" t="inlineStr"><is><t>notas</t></is></c></row>'
)


def _content_types() -> bytes:
    with zipfile.ZipFile(io.BytesIO(_xlsx_bytes())) as template:
        types = template.read("[Content_Types].xml")
    shared = (
        b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
        b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
    )
    return types.replace(b"</Types>", shared + b"</Types>")


def test_one_huge_shared_string_is_refused_before_it_is_read(
    ctx: AppContext, tmp_path: Path
) -> None:
    megabyte = b"A" * (1024 * 1024)
    source = _xlsx_with(
        tmp_path / "bomba.xlsx",
        {"xl/sharedStrings.xml": [SST + b"<si><t>", *[megabyte] * 80, b"</t></si></sst>"]},
    )
    assert source.stat().st_size < 1024 * 1024  # a small file that unpacks to 80 MB
    message = refusal(ctx, source)
    assert message == (
        f"El libro {source} ocupa más de 64 MB al descomprimirse: divídalo en archivos "
        "más pequeños."
    )


def test_a_shared_string_longer_than_a_cell_holds_writes_no_huge_rejects_file(
    ctx: AppContext, tmp_path: Path
) -> None:
    rows = b"".join(
        b'<row r="%d"><c r="A%d" t="inlineStr"><is><t>Ana</t></is></c>'
        b'<c r="B%d" t="inlineStr"><is><t>Ruiz</t></is></c><c r="C%d" t="s"><v>0</v></c></row>'
        % (i, i, i, i)
        for i in range(2, 2_000)
    )
    source = _xlsx_with(
        tmp_path / "larga.xlsx",
        {
            "[Content_Types].xml": _content_types(),
            "xl/sharedStrings.xml": SST + b"<si><t>" + b"B" * 5_000_000 + b"</t></si></sst>",
            "xl/worksheets/sheet1.xml": SHEET
            + b"<sheetData>"
            + HEADER_ROW
            + rows
            + b"</sheetData></worksheet>",
        },
    )
    message = refusal(ctx, source)
    assert message == (
        "La celda C2 tiene 5,000,000 caracteres; una celda puede tener como máximo 32,767: "
        "acórtela."
    )


def test_three_million_rows_in_a_small_file_are_refused_at_the_row_limit(
    ctx: AppContext, tmp_path: Path
) -> None:
    rows = b"<row><c><v>1</v></c></row>" * 250_000  # numbered by their order
    pieces = [SHEET + b"<sheetData>" + HEADER_ROW, *[rows] * 12, b"</sheetData></worksheet>"]
    source = _xlsx_with(tmp_path / "filas.xlsx", {"xl/worksheets/sheet1.xml": pieces})
    assert source.stat().st_size < 2 * 1024 * 1024
    message = refusal(ctx, source)
    assert message.startswith("La hoja de cálculo tiene más de 50,000 filas: divídala")


def test_a_cell_far_to_the_right_is_refused_naming_it(ctx: AppContext, tmp_path: Path) -> None:
    sheet = (
        SHEET
        + b'<dimension ref="A1:XFD1048576"/><sheetData>'
        + HEADER_ROW
        + b'<row r="2"><c r="A2" t="inlineStr"><is><t>Ana</t></is></c>'
        b'<c r="XFD2" t="inlineStr"><is><t>lejos</t></is></c></row></sheetData></worksheet>'
    )
    source = _xlsx_with(tmp_path / "ancha.xlsx", {"xl/worksheets/sheet1.xml": sheet})
    assert refusal(ctx, source) == (
        "La fila 2 tiene un valor en la columna XFD, y se pueden importar como máximo 100 "
        "columnas: borre las columnas que no necesita."
    )


def test_a_sheet_that_claims_to_be_huge_but_is_small_imports(
    ctx: AppContext, tmp_path: Path
) -> None:
    sheet = (
        SHEET
        + b'<dimension ref="A1:XFD1048576"/><sheetData>'
        + HEADER_ROW
        + b'<row r="2"><c r="A2" t="inlineStr"><is><t>Ana</t></is></c>'
        b'<c r="B2" t="inlineStr"><is><t>Ruiz</t></is></c></row></sheetData></worksheet>'
    )
    source = _xlsx_with(tmp_path / "dice.xlsx", {"xl/worksheets/sheet1.xml": sheet})
    assert import_file(ctx, source).imported_rows == 1


def test_entity_expansion_in_a_sheet_is_refused(ctx: AppContext, tmp_path: Path) -> None:
    entities = (
        b'<!ENTITY a0 "'
        + b"x" * 100
        + b'">'
        + b"".join(b'<!ENTITY a%d "%s">' % (i, b"&a%d;" % (i - 1) * 10) for i in range(1, 9))
    )
    sheet = (
        b'<?xml version="1.0"?><!DOCTYPE worksheet ['
        + entities
        + b"]>"
        + SHEET
        + b"<sheetData>"
        + HEADER_ROW
        + b'<row r="2"><c r="A2" t="inlineStr"><is><t>&a8;</t></is></c></row>'
        + b"</sheetData></worksheet>"
    )
    source = _xlsx_with(tmp_path / "risa.xlsx", {"xl/worksheets/sheet1.xml": sheet})
    message = refusal(ctx, source)
    assert "dañado" in message or "no es un libro .xlsx" in message


@pytest.mark.parametrize(
    ("limit", "value", "expected"),
    [
        ("MAX_ROWS", 30, "La hoja de cálculo tiene más de 30 filas"),
        ("MAX_CELLS", 100, "La hoja de cálculo tiene más de 100 celdas"),
        ("MAX_TEXT_CHARS", 500, "La hoja de cálculo tiene más de 500 caracteres de texto"),
        ("MAX_COLUMNS", 3, "La fila 1 tiene un valor en la columna D"),
        ("MAX_FILE_BYTES", 100, "es demasiado grande para importarlo"),
    ],
)
def test_each_limit_refuses_a_csv_over_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, limit: str, value: int, expected: str
) -> None:
    text = "nombres;apellidos;expediente;notas\n" + "".join(
        f"Persona {i};Ruiz;X-{i};nota {i}\n" for i in range(40)
    )
    monkeypatch.setattr(tabular, limit, value)
    with pytest.raises(ValidationError) as caught:
        read_sheet(write(tmp_path / "a.csv", text))
    assert caught.value.message().startswith(expected) or expected in caught.value.message()


def test_a_file_at_the_row_limit_is_read(tmp_path: Path) -> None:
    text = "nombres;apellidos\n" + "Ana;Ruiz\n" * tabular.MAX_ROWS
    sheet = read_sheet(write(tmp_path / "a.csv", text))
    assert len(sheet.rows) == tabular.MAX_ROWS
    with pytest.raises(ValidationError, match="50,000 filas"):
        read_sheet(write(tmp_path / "b.csv", text + "Ana;Ruiz\n"))


def test_a_missing_file_or_a_folder_gets_a_message(ctx: AppContext, tmp_path: Path) -> None:
    with pytest.raises(LegalAidError, match="no existe: revise su nombre y carpeta"):
        import_file(ctx, tmp_path / "nada.csv")
    with pytest.raises(LegalAidError, match="es una carpeta"):
        import_file(ctx, tmp_path)
