"""``legalaid edit``: a household's fields changed from the command line, checked like the
editor checks them, all or nothing, and kept in the history."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from legalaid.context import AppContext
from legalaid.home import open_home
from legalaid.services.cases import get_case
from tests.cli.test_cli import run
from tests.core.helpers import family


def test_edit_fields_status_and_history(ctx: AppContext, home: Path) -> None:
    number = family(ctx).case.case_number
    ctx.close()
    result = run(
        "--unencrypted",
        "edit",
        number,
        "city=Mexicali, B.C.",
        "crossing=cal",
        "eoir33_filed=sí",
        "returned_on=14 ene 2026",
        "letter_languages=es",
        "notes=Llamó el 3 de diciembre",
        home=home,
        lang="es",
    )
    assert result.returncode == 0, result.stderr
    assert number in result.stdout
    again = open_home(home, unencrypted=True)
    detail = get_case(again, number)
    assert detail.case.city == "Mexicali, B.C."
    assert detail.crossing is not None and detail.crossing.code == "CAL"
    assert detail.case.eoir33_filed is True
    assert detail.case.returned_on == date(2026, 1, 14)
    assert detail.case.letter_languages == "es"
    assert detail.case.notes == "Llamó el 3 de diciembre"
    assert detail.case.phone == "+52 664"  # fields not named stay as they were
    version = detail.case.version
    again.close()

    result = run("--unencrypted", "edit", number, "status=closed", home=home, lang="en")
    assert result.returncode == 0, result.stderr
    history = run("--unencrypted", "history", number, home=home, lang="en")
    assert history.returncode == 0, history.stderr
    assert "Mexicali" in history.stdout
    again = open_home(home, unencrypted=True)
    assert get_case(again, number).case.status == "closed"
    assert get_case(again, number).case.version == version + 1
    again.close()


def test_bad_edits_say_what_to_fix_and_change_nothing(ctx: AppContext, home: Path) -> None:
    number = family(ctx).case.case_number
    before = get_case(ctx, number).case.version
    ctx.close()
    cases = {
        ("colour=blue",): "There is no household field called colour",
        ("city",): "Write each change as FIELD=VALUE",
        ("city=Tijuana", "returned_on=31/02/2026"): "31",
        ("eoir33_filed=maybe",): "eoir33_filed takes yes or no",
        ("letter_languages=fr",): "letter_languages takes es, en or es,en",
        ("city=A", "city=B"): "city is given twice",
        ("crossing=XXX",): "XXX",
        ("status=lost",): "status takes open, closed, transferred or archived",
    }
    for changes, message in cases.items():
        result = run("--unencrypted", "edit", number, *changes, home=home, lang="en")
        assert result.returncode == 1, (changes, result.stdout, result.stderr)
        assert message in result.stderr, (changes, result.stderr)
        assert "Traceback" not in result.stderr
    spanish = run("--unencrypted", "edit", number, "colour=blue", home=home, lang="es")
    assert "No hay ningún campo del hogar llamado colour" in spanish.stderr
    missing = run("--unencrypted", "edit", "TIJ-1999-9999", "city=X", home=home, lang="en")
    assert missing.returncode == 1 and "TIJ-1999-9999" in missing.stderr
    again = open_home(home, unencrypted=True)
    detail = get_case(again, number)
    assert detail.case.version == before and detail.case.city == "Tijuana, B.C."
    again.close()
