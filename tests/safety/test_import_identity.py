"""Who a row is: nobody dropped, nobody doubled, every row's fate reported, a dry run that says
exactly what the import will do and writes nothing."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from legalaid.context import AppContext
from legalaid.documents import reminder_letter
from legalaid.services.cases import get_case
from legalaid.services.search import count_cases
from legalaid.services.upcoming import upcoming
from legalaid.spreadsheets import importer
from legalaid.spreadsheets.importer import (
    ALREADY_THERE,
    IMPORTED,
    POSSIBLE_DUPLICATE,
    REJECTED,
    REPEATED,
    ImportReport,
    import_file,
)
from tests.safety.conftest import dump

HEADER = "expediente;apellidos;nombres;número A;fecha de nacimiento;garita"
GIVEN = ["José", "María", "Ana", "Luis", "Carmen", "Jorge", "Rosa", "Pedro", "Lucía", "Juan"]
FAMILY = ["Hernández", "López", "Pérez", "García", "Martínez", "Ramírez", "Cruz", "Flores"]


def write(path: Path, *lines: str) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def random_people(count: int, seed: int) -> list[tuple[str, str, str]]:
    """Names and birth dates from small pools: many people share both, as in real shelters."""
    rng = random.Random(seed)
    return [
        (
            rng.choice(FAMILY),
            rng.choice(GIVEN),
            (date(1980, 1, 1) + timedelta(days=rng.randrange(60))).isoformat(),
        )
        for _ in range(count)
    ]


def people_file(path: Path, people: list[tuple[str, str, str]], prefix: str, first_a: int) -> Path:
    lines = [HEADER]
    for i, (family, given, born) in enumerate(people):
        lines.append(f"{prefix}-{i:05d};{family};{given};A{first_a + i};{born};SYS")
    return write(path, *lines)


def adds_up(report: ImportReport) -> None:
    assert [fate.row for fate in report.rows] == list(range(2, report.total_rows + 2))
    assert (
        report.imported_rows + report.duplicate_rows + report.repeated_rows + len(report.rejected)
        == report.total_rows
    )


def test_people_who_share_a_name_and_birth_date_are_all_imported(
    ctx: AppContext, tmp_path: Path
) -> None:
    people = random_people(3_000, seed=13)
    assert len(set(people)) < len(people)  # the pools make namesakes, as 10,000 real rows did
    first = import_file(ctx, people_file(tmp_path / "a.csv", people, "A", 300_000_000))
    adds_up(first)
    assert first.imported_rows == 3_000 and first.duplicate_rows == 0
    # namesakes in the same file are imported, each reported as a possible duplicate
    namesakes = len(people) - len(set(people))
    assert first.possible_duplicates == namesakes
    # a second file: the same names and birth dates, new case numbers and A-numbers
    second = import_file(ctx, people_file(tmp_path / "b.csv", people, "B", 400_000_000))
    adds_up(second)
    assert second.imported_rows == 3_000 and second.possible_duplicates == 3_000
    assert "Posiblemente la misma persona que en el expediente A-" in second.rows[0].message()
    assert count_cases(ctx) == 6_000


def test_an_a_number_of_someone_else_is_rejected_naming_the_case(
    ctx: AppContext, tmp_path: Path
) -> None:
    import_file(ctx, write(tmp_path / "a.csv", HEADER, "C-1;Ruiz;Ana;A 012-345-678;1990-01-01;SYS"))
    report = import_file(
        ctx, write(tmp_path / "b.csv", HEADER, "C-2;López;Luis;A012345678;1970-06-01;ELP")
    )
    adds_up(report)
    assert report.imported_rows == 0 and report.duplicate_rows == 0
    assert report.rejected[0].reason() == (
        "El número A A 012-345-678 ya pertenece a alguien del expediente C-1."
    )
    rejects = (tmp_path / "b-rechazadas.csv").read_text(encoding="utf-8-sig")
    assert "C-2;López;Luis" in rejects and "expediente C-1" in rejects


def test_already_there_only_when_it_is_the_same_person(ctx: AppContext, tmp_path: Path) -> None:
    import_file(
        ctx,
        write(
            tmp_path / "a.csv",
            HEADER,
            "C-1;Ruiz;Ana;A 012-345-678;1990-01-01;SYS",
            "C-1;Ruiz;Pablo;;2015-01-01;SYS",
        ),
    )
    report = import_file(
        ctx,
        write(
            tmp_path / "b.csv",
            HEADER,
            "C-9;RUIZ;ána;A012345678;1990-01-01;SYS",  # same A-number, name and birth date
            "C-1;Ruiz;Pablo;;2015-01-01;SYS",  # same case number, name and birth date
            "C-1;Ruiz;Pablo;A 999-888-777;2015-01-01;SYS",  # ...with an A-number not stored
            "C-1;Ruiz;Pablo;;2016-01-01;SYS",  # another birth date: another person
            "C-7;Ruiz;Pablo;;2015-01-01;SYS",  # same name and birth date, other case
        ),
    )
    adds_up(report)
    fates = {fate.row: (fate.fate, fate.case_number) for fate in report.rows}
    assert fates == {
        2: (ALREADY_THERE, "C-1"),
        3: (ALREADY_THERE, "C-1"),
        4: (ALREADY_THERE, "C-1"),
        5: (IMPORTED, "C-1"),
        6: (POSSIBLE_DUPLICATE, "C-7"),
    }
    assert "sin este número A" in report.rows[2].message()
    assert [p.birth_date for p in get_case(ctx, "C-1").people] == [
        date(1990, 1, 1),
        date(2015, 1, 1),
        date(2016, 1, 1),
    ]


REPEATED_ROWS = (
    HEADER,
    "R-1;Mejía;Rosa;A 200-000-001;1990-01-01;SYS",
    "R-1;Mejía;Rosa;A 200-000-001;1990-01-01;SYS",
    "R-2;Mejía;Rosa;A 200-000-001;01/01/1990;SYS",
    "R-3;Soto;Iris;A 200-000-002;1991-01-01;SYS",
    "R-3;Soto;Iris;A 200-000-002;1991-01-01;SYS",
    "R-3;Soto;Iris;;1991-01-01;SYS",
    "R-4;Paz;Eva;A 200-000-003;1992-01-01;SYS",
    "R-4;Paz;Eva;A 200-000-003;1992-01-01;SYS;",
    "R-5;Vera;Noé;A 200-000-004;1993-01-01;SYS",
    "R-5;Vera;Noé;A 200-000-004;1993-01-02;SYS",
    "R-6;Luna;Sol;;1994-01-01;SYS",
    "R-6;Luna;Sol;A 200-000-005;1994-01-01;SYS",
)


@pytest.mark.parametrize("write_every", [2_000, 1])  # 1: each household written at once
def test_a_repeated_row_is_one_person(
    ctx: AppContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, write_every: int
) -> None:
    monkeypatch.setattr(importer, "WRITE_EVERY", write_every)
    report = import_file(ctx, write(tmp_path / "r.csv", *REPEATED_ROWS))
    adds_up(report)
    assert [(fate.row, fate.fate) for fate in report.rows] == [
        (2, IMPORTED),
        (3, REPEATED),
        (4, REPEATED),  # the same A-number, name and birth date under another case number
        (5, IMPORTED),
        (6, REPEATED),
        (7, REPEATED),
        (8, IMPORTED),
        (9, REPEATED),
        (10, IMPORTED),
        (11, REJECTED),  # the same A-number for someone born another day
        (12, IMPORTED),
        (13, REPEATED),  # ...bringing the A-number row 12 lacks: one person, with it
    ]
    assert report.rows[1].message() == "La misma persona que la fila 2."
    assert report.rows[11].message() == (
        "La misma persona que la fila 12; lo que esta fila agrega (número A) se agregó."
    )
    assert "La fila 10 da el mismo número A a otra persona" in report.rejected[0].reason()
    assert count_cases(ctx) == 5
    assert [p.a_number for p in get_case(ctx, "R-1").people] == ["200000001"]
    assert [p.a_number for p in get_case(ctx, "R-6").people] == ["200000005"]


DRY_RUN_FILES: dict[str, tuple[str, ...]] = {
    "repeated": REPEATED_ROWS,
    "clashes": (
        HEADER + ";fecha de audiencia;hora de audiencia",
        "C-1;Ruiz;Ana;A 012-345-678;1990-01-01;SYS;2030-05-05;8:00",
        "C-2;López;Luis;A012345678;1970-06-01;ELP;;",
        ";Sin;Número;;;SYS;;",
        ";Sin;Número;;;SYS;;",
        "NUEVO-1;Uno;Una;;;NOG;2030-05-05;9:00",
        "NUEVO-1;Dos;Uno;;;NOG;2030-05-06;9:00",
        "X-2;;Sin apellido;;;;;",
    ),
}


@pytest.mark.parametrize("name", [*DRY_RUN_FILES, "namesakes"])
def test_dry_run_gives_exactly_what_the_import_does_and_writes_nothing(
    ctx: AppContext, tmp_path: Path, name: str
) -> None:
    folder = tmp_path / "files"
    folder.mkdir()
    if name == "namesakes":
        people = random_people(400, seed=5)
        import_file(ctx, people_file(folder / "first.csv", people, "A", 300_000_000))
        (folder / "first.csv").unlink()
        source = people_file(folder / "second.csv", people, "A", 300_000_000)
        lines = source.read_text(encoding="utf-8").splitlines()
        lines[7] = lines[7].replace("A-00006", "A-09999")  # same A-number, new case number
        lines[9] = lines[9].replace("A30000000", "A40000000")  # same case, a new A-number
        source = write(source, *lines, *lines[-3:])
    else:
        source = write(folder / f"{name}.csv", *DRY_RUN_FILES[name])
    before, files_before = dump(ctx.home.database), sorted(folder.rglob("*"))
    dry = import_file(ctx, source, dry_run=True)
    assert dump(ctx.home.database) == before  # not one row, not one audit entry
    assert sorted(folder.rglob("*")) == files_before  # no rejects file either
    real = import_file(ctx, source)
    adds_up(dry)
    assert summary(dry) == summary(real)
    assert dry.rejected and [(r.row, r.reason()) for r in dry.rejected] == [
        (r.row, r.reason()) for r in real.rejected
    ]


def summary(report: ImportReport) -> list[Any]:
    return [
        report.imported_rows,
        report.duplicate_rows,
        report.repeated_rows,
        report.possible_duplicates,
        report.cases_created,
        report.people_created,
        report.hearings_created,
        [(fate.row, fate.fate, fate.case_number, fate.message()) for fate in report.rows],
    ]


def test_a_crossing_without_a_usual_court_gets_a_court_to_be_confirmed(
    ctx: AppContext, tmp_path: Path
) -> None:
    day = date.today() + timedelta(days=10)
    report = import_file(
        ctx,
        write(
            tmp_path / "nogales.csv",
            "expediente;apellidos;nombres;garita;fecha de audiencia;hora de audiencia",
            f"NOG-1;Valdez;Marta;NOG;{day:%d/%m/%Y};9:00",
        ),
    )
    assert report.imported_rows == 1 and report.hearings_created == 1, report.rejected
    case = get_case(ctx, "NOG-1")
    [hearing] = case.hearings
    assert hearing.zone == "America/Phoenix"  # the crossing's zone: no daylight saving
    assert hearing.starts_at == datetime.combine(day, datetime.min.time(), UTC) + timedelta(
        hours=16
    )
    [row] = upcoming(ctx, 14)
    assert row.court == "NOG-?" and "court_to_confirm" in row.flags
    assert row.court_name_es == "Corte por confirmar – Nogales"
    text = " ".join(
        page.extract_text() for page in PdfReader(_pdf(reminder_letter(ctx, hearing.id).pdf)).pages
    )
    assert "Corte por confirmar – Nogales" in text and "Court to be confirmed – Nogales" in text
    # a second import for the same crossing uses the same court, not another one
    import_file(
        ctx,
        write(
            tmp_path / "more.csv",
            "expediente;apellidos;nombres;garita;fecha de audiencia;hora de audiencia",
            f"NOG-2;Valdez;Luis;nogales;{day:%d/%m/%Y};10:00",
        ),
    )
    assert {r.court for r in upcoming(ctx, 14)} == {"NOG-?"}


def _pdf(data: bytes) -> Any:
    import io

    return io.BytesIO(data)


def test_what_a_hearing_lacks_is_named_by_its_column(ctx: AppContext, tmp_path: Path) -> None:
    report = import_file(
        ctx,
        write(
            tmp_path / "faltan.csv",
            "expediente;apellidos;nombres;GARITA;Fecha de audiencia;Hora audiencia",
            "F-1;Uno;Una;SYS;2030-05-05;",
            "F-2;Dos;Uno;;2030-05-05;8:00",
            "F-3;Tres;Uno;SYS;;8:00",
        ),
    )
    reasons = [r.reason() for r in report.rejected]
    assert reasons == [
        "La audiencia del 5 de mayo de 2030 necesita su hora: llene la columna «Hora audiencia».",
        "La audiencia del 5 de mayo de 2030 necesita la garita donde se presenta el hogar: "
        "llene la columna «GARITA».",
        "Hay una hora de audiencia sin su fecha: llene la columna «Fecha de audiencia».",
    ]


def test_rows_of_one_household_that_disagree_are_not_silently_merged(
    ctx: AppContext, tmp_path: Path
) -> None:
    report = import_file(
        ctx,
        write(
            tmp_path / "hogar.csv",
            "expediente;apellidos;nombres;garita;fecha de audiencia;hora de audiencia;notas",
            "H-1;Uno;Una;SYS;2030-05-05;8:00;llegó el lunes",
            "H-1;Uno;Dos;SYS;05/05/2030;8:00 a. m.;tiene asma",
            "H-2;Dos;Una;SYS;2030-05-05;8:00;",
            "H-2;Dos;Dos;SYS;2030-06-05;8:00;",
        ),
    )
    assert report.imported_rows == 2 and [r.row for r in report.rejected] == [4, 5]
    assert "Las filas 4, 5 de un mismo hogar" in report.rejected[0].reason()
    assert "«fecha de audiencia»" in report.rejected[0].reason()
    assert get_case(ctx, "H-1").case.notes == "llegó el lunes\n\ntiene asma"


def test_the_command_line_lists_every_row_and_a_dry_run_writes_nothing(tmp_path: Path) -> None:
    import json
    import os
    import subprocess
    import sys

    source = write(tmp_path / "r.csv", *REPEATED_ROWS)
    command = [sys.executable, "-m", "legalaid", "--home", str(tmp_path / "h"), "--unencrypted"]

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*command, "import", str(source), *args],
            env={**os.environ, "LANG": "es_MX.UTF-8"},
            capture_output=True,
            text=True,
            timeout=120,
        )

    dry = run("--dry-run", "--json")
    assert dry.returncode == 0, dry.stderr
    listed = json.loads(dry.stdout)
    assert listed["dry_run"] and listed["rows_read"] == len(REPEATED_ROWS) - 1
    assert [r["row"] for r in listed["rows"]] == list(range(2, len(REPEATED_ROWS) + 1))
    assert listed["rows"][1] == {
        "row": 3,
        "fate": REPEATED,
        "case_number": "R-1",
        "message": "La misma persona que la fila 2.",
    }
    assert "Fila 11: La fila 10 da el mismo número A a otra persona" in dry.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["h", "r.csv"]
    real = run()
    assert real.returncode == 0 and "Traceback" not in real.stderr
    assert real.stdout.splitlines()[0] == (
        "Importadas: 5 (posibles duplicados: 0); ya existían: 0; repetidas en el archivo: 6; "
        "rechazadas: 1 (expedientes nuevos: 5; personas: 5; audiencias: 0)."
    )
    assert (tmp_path / "r-rechazadas.csv").exists()
