from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from openpyxl import Workbook

from legalaid.context import AppContext
from legalaid.errors import ValidationError
from legalaid.services.cases import get_case
from legalaid.services.demo import generate_demo
from legalaid.services.search import count_cases, search_cases
from legalaid.spreadsheets.exporter import export_file
from legalaid.spreadsheets.importer import import_file
from tests.safety.conftest import dump

SPANISH = (
    "Expediente;Apellidos;Nombres;Número A;Fecha de nacimiento;Sexo;Parentesco;Nacionalidad;"
    "Teléfono;GARITA;Fecha de audiencia;Hora de audiencia;Tipo de audiencia;Corte;Albergue\n"
    "TIJ-2024-0101;Hernández Núñez;José Ángel;A 012-345-678;28/05/1990;M;titular;Honduras;"
    "+52 664 123 4567;SYS;28 de mayo de 2027;8:30 a. m.;preliminar;San Diego;Casa Madre Asunta\n"
    "TIJ-2024-0101;Hernández Peña;Lucía;12345679;2015-03-02;F;hija;HN;;;;;;;\n"
    "TIJ-2024-0102;Ordóñez;Íñigo;A12345670;1.2.1985;hombre;titular;Guatemala;;ELP;"
    "2027-06-01;13:00;individual;ELP;\n"
    "TIJ-2024-0103;;Sin Apellido;;;;;;;;;;;;\n"
    "TIJ-2024-0104;Ruiz;Ana;A 1234;30/02/1990;X;tía;Narnia;;ZZZ;;;;;\n"
)


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def test_spanish_semicolon_csv_from_excel(ctx: AppContext, tmp_path: Path) -> None:
    source = write(tmp_path / "albergue.csv", "\ufeff" + SPANISH)
    report = import_file(ctx, source)
    assert (report.imported_rows, report.cases_created, report.hearings_created) == (3, 2, 2)
    assert [r.row for r in report.rejected] == [5, 6]
    household = get_case(ctx, "TIJ-2024-0101")
    assert [p.given_names for p in household.people] == ["José Ángel", "Lucía"]
    assert [p.a_number for p in household.people] == ["012345678", "012345679"]
    assert household.people[1].relationship == "child" and household.people[1].sex == "female"
    hearing = household.hearings[0]
    assert hearing.starts_at == datetime(2027, 5, 28, 15, 30, tzinfo=UTC)  # 8:30 PDT
    assert search_cases(ctx, "inigo ordonez")[0].case_number == "TIJ-2024-0102"


def test_rejected_rows_say_why_and_can_be_fixed_and_imported(
    ctx: AppContext, tmp_path: Path
) -> None:
    source = write(tmp_path / "albergue.csv", SPANISH)
    report = import_file(ctx, source)
    reasons = {r.row: r.reason() for r in report.rejected}
    assert "Escriba los apellidos." in reasons[5]
    assert "30/02/1990" in reasons[6]
    assert report.rejects_file == tmp_path / "albergue-rechazadas.csv"
    rejects = report.rejects_file.read_text(encoding="utf-8-sig").splitlines()
    assert rejects[0].endswith(";motivo / reason") and rejects[1].startswith("TIJ-2024-0103")
    fixed = "\n".join(line.rsplit(";", 1)[0] for line in rejects)
    fixed = fixed.replace(";;Sin Apellido;", ";Pérez;Sin Apellido;")
    fixed = fixed.replace(
        "A 1234;30/02/1990;X;tía;Narnia;;ZZZ", "A 11223344;28/02/1990;F;otro;CU;;BRO"
    )
    again = import_file(ctx, write(tmp_path / "arreglado.csv", fixed))
    assert again.rejected == [] and again.imported_rows == 2
    assert count_cases(ctx) == 4


def test_importing_the_same_file_twice_adds_nothing(ctx: AppContext, tmp_path: Path) -> None:
    source = write(tmp_path / "a.csv", SPANISH)
    import_file(ctx, source)
    before = dump(ctx.home.database)
    second = import_file(ctx, source)
    assert second.imported_rows == 0 and second.duplicate_rows == 3
    after = dump(ctx.home.database)
    assert {k: v for k, v in after.items() if k != "audit_entry"} == {
        k: v for k, v in before.items() if k != "audit_entry"
    }


def test_windows_1252_and_english_headers_any_case(ctx: AppContext, tmp_path: Path) -> None:
    text = (
        "CASE_NUMBER,family_names,Given Names,a_number,Date of Birth,NATIONALITY,crossing,"
        "hearing date,hearing time,court\n"
        "X-1,Muñoz,Begoña,A-098-765-432,1990-01-02,El Salvador,BRO,2027-02-03,8:00 AM,BRO-MPP\n"
    )
    report = import_file(ctx, write(tmp_path / "old.csv", text, "cp1252"))
    assert report.imported_rows == 1, report.rejected
    person = get_case(ctx, "X-1").people[0]
    assert (person.given_names, person.family_names, person.nationality) == (
        "Begoña",
        "Muñoz",
        "SV",
    )


def test_xlsx_with_real_dates_and_times(ctx: AppContext, tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(
        [
            "expediente",
            "apellidos",
            "nombres",
            "fecha de nacimiento",
            "garita",
            "fecha de audiencia",
            "hora de audiencia",
            "corte",
        ]
    )
    sheet.append(
        [
            "CJS-1",
            "Peña",
            "Zoila",
            datetime(1988, 4, 5),
            "ELP",
            datetime(2027, 3, 4),
            datetime(1900, 1, 1, 9, 0).time(),
            "ELP",
        ]
    )
    book.save(tmp_path / "hoja.xlsx")
    report = import_file(ctx, tmp_path / "hoja.xlsx")
    assert report.imported_rows == 1, [r.reason() for r in report.rejected]
    case = get_case(ctx, "CJS-1")
    assert case.hearings[0].starts_at == datetime(2027, 3, 4, 16, 0, tzinfo=UTC)  # 9:00 MST


def test_dry_run_changes_nothing(ctx: AppContext, tmp_path: Path) -> None:
    report = import_file(ctx, write(tmp_path / "a.csv", SPANISH), dry_run=True)
    assert report.imported_rows == 3 and report.dry_run
    assert count_cases(ctx) == 0


def test_a_file_without_name_columns_is_refused(ctx: AppContext, tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="«nombres»"):
        import_file(ctx, write(tmp_path / "a.csv", "foo,bar\n1,2\n"))


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_export_imports_back_unchanged(ctx: AppContext, tmp_path: Path, suffix: str) -> None:
    from legalaid.home import open_home

    generate_demo(ctx, 40, seed=11)
    path = tmp_path / f"todo{suffix}"
    rows = export_file(ctx, path)
    other = open_home(tmp_path / "other", unencrypted=True)
    report = import_file(other, path)
    assert report.rejected == [] and report.imported_rows == rows
    for row in search_cases(ctx, "", limit=40):
        theirs = get_case(other, row.case_number)
        mine = get_case(ctx, row.case_number)
        assert [
            (p.given_names, p.family_names, p.a_number, p.birth_date) for p in theirs.people
        ] == [
            (p.given_names, p.family_names, p.a_number, p.birth_date)
            for p in mine.people
            if p.active
        ]
    other.close()
