"""Export cases to a spreadsheet with the same columns the importer reads (CSV or .xlsx).

One row per active person; the hearing columns carry the household's next scheduled hearing
(else its latest), in court-local date and time, so an export imports back unchanged.
Cells a spreadsheet program would run as formulas are neutralised (tabular.write_csv,
tabular.write_xlsx), and whatever the database holds can be exported: characters an .xlsx
cannot hold are written as their visible symbols. A failed export leaves no file behind.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import text

from legalaid.anumber import format_anumber
from legalaid.context import AppContext
from legalaid.errors import StorageError
from legalaid.i18n import N_
from legalaid.spreadsheets.tabular import COLUMNS, HEADERS, write_csv, write_xlsx

ORDER = list(COLUMNS)  # every column the importer reads, in the order it lists them

PEOPLE_SQL = """
SELECT c.id, c.case_number, p.family_names, p.given_names, p.a_number, p.birth_date, p.sex,
       p.relationship, p.nationality, p.language, c.phone, c.whatsapp, x.code, c.shelter,
       c.city, c.address_mx, c.returned_on, c.notes
FROM person p JOIN "case" c ON c.id = p.case_id LEFT JOIN crossing x ON x.id = c.crossing_id
WHERE p.active ORDER BY c.case_number, p.position
"""
HEARING_SQL = """
SELECT h.case_id, h.starts_at, h.report_at, h.zone, h.kind, k.code, x.zone
FROM hearing h JOIN court k ON k.id = h.court_id JOIN crossing x ON x.id = h.crossing_id
WHERE h.starts_at IS NOT NULL AND h.status IN ('scheduled', 'attended', 'missed')
ORDER BY h.case_id, h.status != 'scheduled', h.starts_at
"""


def export_file(ctx: AppContext, path: Path, lang: str = "es") -> int:
    """Write every active person; returns the number of rows."""
    if path.is_dir():
        raise StorageError(
            N_("%(path)s is a folder: give a file name ending in .csv or .xlsx."), path=str(path)
        )
    headers = [HEADERS[lang][name] for name in ORDER]
    written = [0]

    def rows() -> Iterator[list[Any]]:
        for row in _rows(ctx):
            written[0] += 1
            yield row

    if path.suffix.lower() == ".xlsx":
        write_xlsx(path, headers, rows())
    else:
        write_csv(path, headers, rows())
    return written[0]


def _rows(ctx: AppContext) -> Iterator[list[Any]]:
    with ctx.db.connect() as conn:
        hearings: dict[str, Any] = {}
        for row in conn.execute(text(HEARING_SQL)):
            hearings.setdefault(row[0], row)
        for r in conn.execute(text(PEOPLE_SQL)):
            yield _row(r, hearings.get(r[0]))


def _row(r: Any, hearing: Any) -> list[Any]:
    values = list(r[1:10])
    values[3] = format_anumber(values[3])
    values += [r[10], r[11], r[12]]
    if hearing is None:
        values += ["", "", "", "", ""]
    else:
        starts = _local(hearing[1], hearing[3])
        report = _local(hearing[2], hearing[6]) if hearing[2] else None
        values += [
            starts.date().isoformat(),
            starts.strftime("%H:%M"),
            report.strftime("%H:%M") if report else "",
            hearing[4],
            hearing[5],
        ]
    values += [r[13], r[14], r[15], r[16] or "", r[17]]
    return ["" if value is None else str(value) for value in values]


def _local(stored: Any, zone: str) -> datetime:
    parsed = stored if isinstance(stored, datetime) else datetime.fromisoformat(str(stored))
    return parsed.replace(tzinfo=UTC).astimezone(ZoneInfo(zone))
