"""Spreadsheets in and out: CSV (UTF-8 with or without BOM, or Windows-1252; comma or semicolon,
as Excel writes with Spanish regional settings) and .xlsx, with headers in Spanish or English."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from legalaid.safety.parsing import fold

# Canonical column -> accepted header names (compared folded: no accents, any case, _ = space).
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
    "phone": ("telefono", "tel", "celular", "whatsapp", "phone"),
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


@dataclass
class Sheet:
    headers: list[str]  # as written in the file
    columns: list[str | None]  # canonical name per header (None: not understood)
    rows: list[tuple[int, list[Any]]]  # (row number as the person sees it, cells)
    delimiter: str = ","

    def record(self, cells: list[Any]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name, cell in zip(self.columns, cells, strict=False):
            if name and name not in out:
                out[name] = cell.strip() if isinstance(cell, str) else cell
        return out


def read_sheet(path: Path) -> Sheet:
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return _read_xlsx(path)
    return _read_csv(path.read_bytes())


def _decode(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _read_csv(data: bytes) -> Sheet:
    text = _decode(data).replace("\x00", "")
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    if first.count("\t") > max(first.count(";"), first.count(",")):
        delimiter = "\t"
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    lines = [row for row in reader]
    return _sheet(lines, delimiter)


def _read_xlsx(path: Path) -> Sheet:
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True, data_only=True)
    try:
        sheet = book.worksheets[0]
        lines = [list(row) for row in sheet.iter_rows(values_only=True)]
    finally:
        book.close()
    return _sheet(lines, ",")


def _sheet(lines: list[list[Any]], delimiter: str) -> Sheet:
    if not lines:
        return Sheet([], [], [], delimiter)
    headers = ["" if h is None else str(h) for h in lines[0]]
    rows = [
        (number, list(cells))
        for number, cells in enumerate(lines[1:], start=2)
        if any(c not in (None, "") for c in cells)
    ]
    return Sheet(headers, [canonical(h) for h in headers], rows, delimiter)


def write_csv(
    path: Path, headers: list[str], rows: Iterable[list[Any]], delimiter: str = ","
) -> None:
    """UTF-8 with BOM so Excel opens accents right; written to a temp file, then renamed."""
    tmp = path.with_name(f".{path.name}.partial")
    with tmp.open("w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out, delimiter=delimiter)
        writer.writerow(headers)
        writer.writerows(["" if c is None else c for c in row] for row in rows)
    tmp.replace(path)


def write_xlsx(path: Path, headers: list[str], rows: Iterable[list[Any]]) -> None:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    tmp = path.with_name(f".{path.name}.partial")
    book.save(tmp)
    tmp.replace(path)
