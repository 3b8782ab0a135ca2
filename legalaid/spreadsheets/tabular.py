"""Spreadsheets in and out: CSV (UTF-8 with or without BOM, UTF-16 or UTF-32 with their BOM, or
Windows-1252; comma, semicolon or tab, as Excel writes them) and .xlsx, with headers in Spanish
or English.

Reading never guesses and never changes what it reads: bytes that are not text in the file's
encoding, two columns that mean the same thing, and files over the limits below are refused
with a message that says what to fix. Sizes are checked before the data is read (the file's
size; an .xlsx's unpacked size, from its zip directory) and while the rows stream in (rows,
cells, characters), so a small hostile file cannot take minutes or gigabytes. Writing
neutralises the cells a spreadsheet program would run as formulas.
"""

from __future__ import annotations

import contextlib
import csv
import io
import re
import shutil
import zipfile
import zlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from legalaid.errors import Problem, ValidationError
from legalaid.formatting import number as figure
from legalaid.i18n import N_
from legalaid.spreadsheets.parsing import fold

# The limits (the README's import section lists them).
MB = 1024 * 1024
MAX_FILE_BYTES = 64 * MB  # the file on disk, CSV or .xlsx
MAX_UNPACKED_BYTES = 256 * MB  # every part of an .xlsx together, unpacked
MAX_SHARED_STRINGS_BYTES = 64 * MB  # the .xlsx part openpyxl reads whole (its shared strings)
MAX_PARTS = 1_000  # parts (files) inside an .xlsx
MAX_ROWS = 50_000  # rows under the header, empty ones included
MAX_COLUMNS = 100
MAX_CELLS = 2_000_000  # every cell of every row read, empty ones included
MAX_TAGS = 6 * MAX_CELLS  # XML tags in the whole .xlsx (what parsing it takes)
MAX_CELL_CHARS = 32_767  # one cell (Excel's own limit)
MAX_TEXT_CHARS = 64_000_000  # the text of every cell together
# Canonical column -> accepted header names (compared folded: no accents, any case, _ = space),
# in the order an export writes the columns (exporter.ORDER).
COLUMNS: dict[str, tuple[str, ...]] = {
    "case_number": (
        "expediente",
        "numero de expediente",
        "no expediente",
        "caso",
        "case number",
        "case",
        "case no",
        "file number",
    ),
    "family_names": (
        "apellidos",
        "apellido",
        "family names",
        "surnames",
        "last name",
        "last names",
    ),
    "given_names": ("nombres", "nombre", "given names", "first name", "first names", "names"),
    "a_number": (
        "numero a",
        "no a",
        "num a",
        "a",
        "a number",
        "anumber",
        "a#",
        "numero de extranjero",
        "alien number",
    ),
    "birth_date": (
        "fecha de nacimiento",
        "nacimiento",
        "fecha nacimiento",
        "birth date",
        "date of birth",
        "dob",
    ),
    "sex": ("sexo", "genero", "sex", "gender"),
    "relationship": ("parentesco", "relacion", "relationship"),
    "nationality": ("nacionalidad", "pais", "nationality", "country"),
    "language": ("idioma", "lengua", "language"),
    "phone": ("telefono", "tel", "phone", "telephone"),
    "whatsapp": ("whatsapp", "celular", "movil", "mobile", "cell phone"),
    "crossing": ("garita", "puerto", "puerto de entrada", "crossing", "port", "port of entry"),
    "hearing_date": ("fecha de audiencia", "fecha audiencia", "audiencia", "hearing date"),
    "hearing_time": ("hora de audiencia", "hora audiencia", "hora", "hearing time"),
    "report_time": ("hora de presentacion", "hora presentacion", "report time"),
    "hearing_kind": ("tipo de audiencia", "tipo audiencia", "hearing type", "hearing kind"),
    "court": ("corte", "tribunal", "court"),
    "shelter": ("albergue", "refugio", "shelter"),
    "city": ("ciudad", "city"),
    "address": ("domicilio", "direccion", "address"),
    "returned_on": ("fecha de retorno", "retorno", "fecha retorno", "returned on", "return date"),
    "notes": ("notas", "observaciones", "notes", "comments"),
}
# The headers export writes (and import reads back), per language.
HEADERS = {
    "es": {
        "case_number": "expediente",
        "family_names": "apellidos",
        "given_names": "nombres",
        "a_number": "número A",
        "birth_date": "fecha de nacimiento",
        "sex": "sexo",
        "relationship": "parentesco",
        "nationality": "nacionalidad",
        "language": "idioma",
        "phone": "teléfono",
        "whatsapp": "whatsapp",
        "crossing": "garita",
        "hearing_date": "fecha de audiencia",
        "hearing_time": "hora de audiencia",
        "report_time": "hora de presentación",
        "hearing_kind": "tipo de audiencia",
        "court": "corte",
        "shelter": "albergue",
        "city": "ciudad",
        "address": "domicilio",
        "returned_on": "fecha de retorno",
        "notes": "notas",
    },
    "en": {key: key for key in COLUMNS},
}
_LOOKUP = {
    fold(alias).replace("_", " "): key for key, names in COLUMNS.items() for alias in (*names, key)
}


def canonical(header: str) -> str | None:
    return _LOOKUP.get(fold(str(header or "")).replace("_", " ").rstrip(":").strip())


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA: the column names a spreadsheet shows."""
    number, letters = index + 1, ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


@dataclass
class Sheet:
    headers: list[str]  # as written in the file
    columns: list[str | None]  # canonical name per header (None: not understood)
    rows: list[tuple[int, list[Any]]]  # (row number as the person sees it, cells)
    delimiter: str = ","
    notes: list[Problem] = field(default_factory=list)  # what was not read, said in the report

    def record(self, cells: list[Any]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name, cell in zip(self.columns, cells, strict=False):
            if name and name not in out:
                out[name] = cell.strip() if isinstance(cell, str) else cell
        return out


def refused(msgid: str, **params: Any) -> ValidationError:
    return ValidationError(msgid, "file", **params)


TOO_BIG = N_(
    "The file %(path)s is too large to import (%(size)s MB; at most %(limit)s MB): split it "
    "into smaller files."
)
NOT_A_WORKBOOK = N_(
    "The file %(path)s is not an .xlsx workbook that can be read (it is empty, damaged or "
    "another kind of file): open it in Excel or LibreOffice and save it again as .xlsx or CSV."
)
OLD_EXCEL = N_(
    "The file %(path)s is an old Excel workbook (.xls) or a password-protected one: open it in "
    "Excel or LibreOffice and save it as .xlsx, without a password, or as CSV."
)
DAMAGED = N_(
    "The workbook %(path)s is damaged after row %(row)d: open it in Excel or LibreOffice and "
    "save it again."
)
UNPACKED = N_(
    "The workbook %(path)s unpacks to more than %(limit)s MB: split it into smaller files."
)
TOO_MANY_ROWS = N_(
    "The spreadsheet has more than %(limit)s rows: split it into files of at most %(limit)s "
    "rows (and delete any empty rows at its end)."
)
TOO_MANY_COLUMNS = N_(
    "Row %(row)d has a value in column %(column)s, and at most %(limit)s columns can be "
    "imported: delete the columns you do not need."
)
TOO_MANY_CELLS = N_(
    "The spreadsheet has more than %(limit)s cells: delete the columns you do not need or "
    "split it into smaller files."
)
CELL_TOO_LONG = N_(
    "Cell %(cell)s holds %(length)s characters; a cell can hold at most %(limit)s: shorten it."
)
FIELD_TOO_LONG = N_(
    "Line %(line)d of the file has a cell longer than %(limit)s characters: shorten it."
)
TOO_MUCH_TEXT = N_(
    "The spreadsheet holds more than %(limit)s characters of text: split it into smaller files."
)
NUL_BYTES = N_(
    "Line %(line)d of the file holds NUL characters: it may be a UTF-16 file without its "
    "byte-order mark. Save it from Excel or LibreOffice as “CSV UTF-8” and import that file."
)
NOT_TEXT = N_(
    "Line %(line)d of the file holds bytes that are not %(encoding)s text: save the file as "
    "“CSV UTF-8” and import it again."
)
BAD_CSV = N_("Line %(line)d of the file cannot be read as CSV: check its quotation marks.")
SAME_COLUMN = N_(
    "The columns “%(first)s” (column %(first_column)s) and “%(second)s” (column "
    "%(second_column)s) mean the same thing: delete or rename one of them."
)
OTHER_SHEETS = N_(
    "Only the first sheet, “%(sheet)s”, was read; these sheets were not imported: %(others)s."
)


def read_sheet(path: Path) -> Sheet:
    """The first sheet of a CSV or .xlsx file, whatever its name says it is."""
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise refused(
            TOO_BIG, path=str(path), size=_megabytes(size), limit=_megabytes(MAX_FILE_BYTES)
        )
    with path.open("rb") as stream:
        magic = stream.read(8)
    if magic.startswith(b"\xd0\xcf\x11\xe0"):  # OLE2: .xls, or an .xlsx under a password
        raise refused(OLD_EXCEL, path=str(path))
    if magic.startswith(b"PK") or path.suffix.lower() in (".xlsx", ".xlsm"):
        return _read_xlsx(path)
    return _read_csv(path.read_bytes())


def _megabytes(size: int) -> str:
    return f"{size / MB:.0f}" if size >= MB else f"{size / MB:.2f}"


# --- CSV --------------------------------------------------------------------------------------
BOMS = (
    (b"\x00\x00\xfe\xff", "utf-32-be", "UTF-32"),
    (b"\xff\xfe\x00\x00", "utf-32-le", "UTF-32"),
    (b"\xef\xbb\xbf", "utf-8", "UTF-8"),
    (b"\xfe\xff", "utf-16-be", "UTF-16"),
    (b"\xff\xfe", "utf-16-le", "UTF-16"),
)
# A well-formed UTF-8 sequence of two to four bytes: seen beside a bad byte, the file is
# UTF-8 with damage, not Windows-1252 (which would turn every accent into two letters).
_UTF8_SEQUENCE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|\xe0[\xa0-\xbf][\x80-\xbf]|[\xe1-\xec\xee\xef][\x80-\xbf]{2}"
    rb"|\xed[\x80-\x9f][\x80-\xbf]|\xf0[\x90-\xbf][\x80-\xbf]{2}|[\xf1-\xf3][\x80-\xbf]{3}"
    rb"|\xf4[\x80-\x8f][\x80-\xbf]{2}"
)


def decode(data: bytes) -> str:
    """The file's text: by its byte-order mark, else UTF-8, else Windows-1252; bytes that are
    not text in that encoding are refused, naming their line."""
    for bom, codec, name in BOMS:
        if data.startswith(bom):
            return _strict(data[len(bom) :], codec, name)
    nul = data.find(b"\x00")
    if nul >= 0:
        raise refused(NUL_BYTES, line=data.count(b"\n", 0, nul) + 1)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        if _UTF8_SEQUENCE.search(data):
            line = _line(data, error.start, "utf-8")
            raise refused(NOT_TEXT, line=line, encoding="UTF-8") from None
    return _strict(data, "cp1252", "Windows-1252")


def _strict(data: bytes, codec: str, name: str) -> str:
    try:
        return data.decode(codec)
    except UnicodeDecodeError as error:
        raise refused(NOT_TEXT, line=_line(data, error.start, codec), encoding=name) from None


def _line(data: bytes, offset: int, codec: str) -> int:
    return data[:offset].decode(codec, errors="replace").count("\n") + 1


def _read_csv(data: bytes) -> Sheet:
    text = decode(data)
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    if first.count("\t") > max(first.count(";"), first.count(",")):
        delimiter = "\t"
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    return _collect(_csv_rows(reader), delimiter, csv_file=True)


def _csv_rows(reader: Any) -> Iterator[list[str]]:
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as error:  # csv refuses fields over its own limit (131,072)
            if "field larger than field limit" in str(error):
                raise refused(
                    FIELD_TOO_LONG, line=reader.line_num, limit=figure(MAX_CELL_CHARS)
                ) from None
            raise refused(BAD_CSV, line=reader.line_num) from None
        yield row


# --- .xlsx ------------------------------------------------------------------------------------
def _read_xlsx(path: Path) -> Sheet:
    _check_parts(path)
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl, zipfile and XML parsers raise many kinds
        raise refused(NOT_A_WORKBOOK, path=str(path)) from error
    try:
        try:
            sheets = list(book.worksheets)
            sheets[0].reset_dimensions()  # read every cell; a wrong size would drop some
        except Exception as error:
            raise refused(NOT_A_WORKBOOK, path=str(path)) from error
        sheet = _collect(_guarded(sheets[0].iter_rows(values_only=True), path), ",")
        others = [s.title for s in sheets[1:] if _has_values(s)]
        if others:
            names = {"sheet": sheets[0].title, "others": ", ".join(others)}
            sheet.notes.append(Problem(OTHER_SHEETS, "file", names))
        return sheet
    finally:
        book.close()


def _check_parts(path: Path) -> None:
    """Refuse a workbook that would unpack too large, or that holds more rows or cells than
    the limits, before openpyxl reads it: the sizes come from the zip's directory, the rows and
    cells from counting their tags while unpacking (openpyxl itself reads a whole sheet when
    it does not state its size, before the first row comes out)."""
    try:
        with zipfile.ZipFile(path) as archive:
            parts = archive.infolist()
            unpacked = sum(part.file_size for part in parts)
            shared = sum(
                part.file_size
                for part in parts
                if part.filename.lower().endswith("sharedstrings.xml")
            )
            if len(parts) > MAX_PARTS or unpacked > MAX_UNPACKED_BYTES:
                raise refused(UNPACKED, path=str(path), limit=_megabytes(MAX_UNPACKED_BYTES))
            if shared > MAX_SHARED_STRINGS_BYTES:
                raise refused(UNPACKED, path=str(path), limit=_megabytes(MAX_SHARED_STRINGS_BYTES))
            tags = 0
            for part in parts:
                tags += _count_tags(archive, part, MAX_TAGS - tags)
    except (zipfile.BadZipFile, EOFError, ValueError, NotImplementedError, zlib.error) as error:
        if isinstance(error, ValidationError):
            raise
        raise refused(NOT_A_WORKBOOK, path=str(path)) from error


# A row element, with or without a namespace prefix (<row r="2">, <x:row>).
_ROW_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]{0,20}:)?row[\s/>]")


def _count_tags(archive: zipfile.ZipFile, part: zipfile.ZipInfo, allowed: int) -> int:
    """The XML tags in one part, unpacked a megabyte at a time; refuses a part with more rows
    or tags than allowed as soon as it has seen them."""
    rows = tags = 0
    tail = b""
    with archive.open(part) as stream:
        while True:
            chunk = stream.read(1024 * 1024)
            data = tail + chunk
            # a tag cut at the end of the chunk is counted with the next one
            cut = len(data) if not chunk else data.rfind(b"<", max(0, len(data) - 64))
            cut = len(data) if cut < 0 else cut
            rows += len(_ROW_TAG.findall(data, 0, cut))
            tags += data.count(b"<", 0, cut)
            if rows > MAX_ROWS + 1:
                raise refused(TOO_MANY_ROWS, limit=figure(MAX_ROWS))
            if tags > allowed:
                raise refused(TOO_MANY_CELLS, limit=figure(MAX_CELLS))
            tail = data[cut:]
            if not chunk:
                return tags


def _guarded(rows: Iterator[Sequence[Any]], path: Path) -> Iterator[Sequence[Any]]:
    """openpyxl's rows; whatever it raises on a damaged part becomes one clear message."""
    number = 0
    while True:
        try:
            row = next(rows)
        except StopIteration:
            return
        except Exception as error:
            raise refused(DAMAGED, path=str(path), row=number) from error
        number += 1
        yield row


def _has_values(sheet: Any, rows: int = 200) -> bool:
    """Whether another sheet holds anything in its first rows (an empty 'Hoja2' is not news)."""
    try:
        sheet.reset_dimensions()
        for number, row in enumerate(sheet.iter_rows(values_only=True)):
            if number >= rows or len(row) > MAX_COLUMNS:
                return True
            if any(cell not in (None, "") for cell in row):
                return True
    except Exception:  # a damaged sheet that is not read anyway: name it
        return True
    return False


# --- limits, shared by both -------------------------------------------------------------------
def _collect(lines: Iterable[Sequence[Any]], delimiter: str, *, csv_file: bool = False) -> Sheet:
    """Rows as lists of cells, each row and cell checked against the limits as it streams in."""
    rows: list[tuple[int, list[Any]]] = []
    headers: list[str] | None = None
    cells_read = text_read = 0
    for number, line in enumerate(lines, start=1):
        if number > MAX_ROWS + 1:
            raise refused(TOO_MANY_ROWS, limit=figure(MAX_ROWS))
        cells_read += len(line)
        if cells_read > MAX_CELLS:
            raise refused(TOO_MANY_CELLS, limit=figure(MAX_CELLS))
        cells = list(line)
        while cells and cells[-1] in (None, ""):
            cells.pop()
        if len(cells) > MAX_COLUMNS:
            letter = column_letter(len(cells) - 1)
            raise refused(TOO_MANY_COLUMNS, row=number, column=letter, limit=figure(MAX_COLUMNS))
        for index, cell in enumerate(cells):
            if isinstance(cell, str):
                if len(cell) > MAX_CELL_CHARS:
                    raise refused(
                        CELL_TOO_LONG,
                        cell=f"{column_letter(index)}{number}",
                        length=figure(len(cell)),
                        limit=figure(MAX_CELL_CHARS),
                    )
                text_read += len(cell)
                if csv_file:
                    cells[index] = csv_unsafe(cell)
        if text_read > MAX_TEXT_CHARS:
            raise refused(TOO_MUCH_TEXT, limit=figure(MAX_TEXT_CHARS))
        if headers is None:
            headers = ["" if h is None else str(h) for h in cells]
        elif cells:
            rows.append((number, cells))
    headers = headers or []
    _check_headers(headers)
    return Sheet(headers, [canonical(h) for h in headers], rows, delimiter)


def _check_headers(headers: list[str]) -> None:
    seen: dict[str, int] = {}
    for index, header in enumerate(headers):
        name = canonical(header)
        if name is None:
            continue
        if name in seen:
            first = seen[name]
            raise refused(
                SAME_COLUMN,
                first=headers[first],
                first_column=column_letter(first),
                second=header,
                second_column=column_letter(index),
            )
        seen[name] = index


# --- writing ----------------------------------------------------------------------------------
# OWASP's list for CSV injection: a cell starting with one of these runs as a formula in Excel
# or LibreOffice.
FORMULA_STARTS = frozenset("=+-@\t\r")


def csv_safe(value: str) -> str:
    """A cell a spreadsheet program shows as text: one starting like a formula gets a leading
    apostrophe, and so does one that starts with an apostrophe before such a character or
    another apostrophe (so ``csv_unsafe`` gives back exactly what was written)."""
    if value[:1] in FORMULA_STARTS or (value[:1] == "'" and value[1:2] in FORMULA_STARTS | {"'"}):
        return "'" + value
    return value


def csv_unsafe(value: str) -> str:
    """The inverse of ``csv_safe`` (also what a person means by a leading apostrophe)."""
    if value[:1] == "'" and value[1:2] and value[1:2] in FORMULA_STARTS | {"'"}:
        return value[1:]
    return value


# Characters XML 1.0 (so .xlsx) cannot hold: written as the Unicode symbol that pictures them
# (U+2400 and on: ␀ ␇ ␛), so the export never fails on what the database holds.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xlsx_text(value: str) -> str:
    return _NOT_XML.sub(lambda m: chr(0x2400 + ord(m[0])) if ord(m[0]) < 32 else "\ufffd", value)


def write_csv(
    path: Path, headers: list[str], rows: Iterable[list[Any]], delimiter: str = ","
) -> None:
    """UTF-8 with BOM so Excel opens accents right; formulas neutralised; written to a
    temporary file beside ``path`` and renamed over it (nothing is left if it fails)."""
    from legalaid.files import atomic_stream

    with atomic_stream(path) as raw:
        out = io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")
        writer = csv.writer(out, delimiter=delimiter)
        writer.writerow([csv_safe(h) for h in headers])
        for row in rows:
            writer.writerow(["" if c is None else csv_safe(str(c)) for c in row])
        out.flush()
        out.detach()


def write_xlsx(path: Path, headers: list[str], rows: Iterable[list[Any]]) -> None:
    """Every cell a string cell (never a formula), written as ``write_csv`` writes."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.worksheet import _writer as sheet_writer
    from openpyxl.writer.excel import ExcelWriter

    from legalaid.files import atomic_stream, storage_error
    from legalaid.tempfiles import private_dir

    # openpyxl streams a sheet through a file of its own, by default a plain temporary file
    # that a crash leaves behind: here it is in an owner-only folder, removed below (and by
    # the client's next start after a crash).
    folder = private_dir("export")
    stream = str(folder / "sheet.xml")
    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    try:
        sheet_writer.ALL_TEMP_FILES.append(stream)  # openpyxl removes it once it is packed
        sheet._writer = sheet_writer.WorksheetWriter(sheet, out=stream)
        sheet._writer.write_top()

        def text(value: Any) -> WriteOnlyCell:
            cell = WriteOnlyCell(sheet, value=xlsx_text("" if value is None else str(value)))
            cell.data_type = "s"  # "=..." stays text: openpyxl would make it a formula
            return cell

        sheet.append([text(h) for h in headers])
        for row in rows:
            sheet.append([text(value) for value in row])
        with atomic_stream(path) as raw:
            archive = zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED, allowZip64=True)
            try:
                ExcelWriter(book, archive).write_data()
            finally:
                archive.close()  # also after a failure: nothing left for a later __del__
    except OSError as error:  # the sheet's own file (the export's file raises StorageError)
        raise storage_error(folder, error) from error
    finally:
        for generator in (getattr(sheet, "_rows", None), getattr(sheet._writer, "xf", None)):
            with contextlib.suppress(Exception):  # after a failure: closed now, not at exit
                if generator is not None:
                    generator.close()
        if stream in sheet_writer.ALL_TEMP_FILES:
            sheet_writer.ALL_TEMP_FILES.remove(stream)
        shutil.rmtree(folder, ignore_errors=True)
