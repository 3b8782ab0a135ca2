"""Case numbers stay unique across the laptops of one office: a desk letter in the sequence."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from sqlmodel import select

from legalaid.context import AppContext
from legalaid.errors import ValidationError
from legalaid.home import open_home
from legalaid.models import Case
from legalaid.services.cases import next_case_number
from legalaid.settings import Settings, load_settings
from tests.core.helpers import family


def test_each_desk_counts_on_its_own_and_numbers_never_collide(ctx: AppContext) -> None:
    year = date.today().year
    plain = family(ctx, a_number=None).case.case_number
    ctx.settings.desk_letter = "B"
    on_b = [family(ctx, a_number=None).case.case_number for _ in range(2)]
    ctx.settings.desk_letter = "C"
    on_c = family(ctx, a_number=None).case.case_number
    ctx.settings.desk_letter = ""
    plain_again = family(ctx, a_number=None).case.case_number
    assert plain == f"TIJ-{year}-0001" and plain_again == f"TIJ-{year}-0002"  # unchanged
    assert on_b == [f"TIJ-{year}-B0001", f"TIJ-{year}-B0002"]
    assert on_c == f"TIJ-{year}-C0001"


def test_the_desk_counter_skips_numbers_already_there(ctx: AppContext) -> None:
    year = date.today().year
    other = family(ctx, a_number=None)  # TIJ-year-0001, renamed below
    with ctx.db.write() as session:  # a number desk B will reach, brought in from elsewhere
        case = session.exec(select(Case).where(Case.id == other.case.id)).one()
        case.case_number = f"TIJ-{year}-B0002"
    ctx.settings.desk_letter = "B"
    assert family(ctx, a_number=None).case.case_number == f"TIJ-{year}-B0001"
    assert family(ctx, a_number=None).case.case_number == f"TIJ-{year}-B0003"
    with ctx.db.write() as session:
        assert next_case_number(session, "TIJ", year, "B") == f"TIJ-{year}-B0004"
        assert next_case_number(session, "TIJ", year) == f"TIJ-{year}-0002"


def test_two_desks_merged_into_one_home_keep_distinct_numbers(tmp_path: Path) -> None:
    numbers = []
    for desk in ("A", "B"):
        ctx = open_home(tmp_path / desk, unencrypted=True)
        ctx.settings.desk_letter = desk
        numbers += [family(ctx, a_number=None).case.case_number for _ in range(3)]
        ctx.close()
    assert len(set(numbers)) == 6


@pytest.mark.parametrize("bad", ["b", "AB", "1", "-"])
def test_a_desk_letter_is_one_capital_letter(bad: str) -> None:
    with pytest.raises(ValidationError) as caught:
        Settings(desk_letter=bad).validate()
    assert caught.value.problems[0].field == "desk_letter"
    assert "A to Z" in caught.value.message("en")
    assert "A a la Z" in caught.value.message("es")
    Settings(desk_letter="B").validate()
    Settings(desk_letter="").validate()


def test_legalaid_settings_sets_the_desk_letter(tmp_path: Path) -> None:
    home = tmp_path / "home"
    run = [sys.executable, "-m", "legalaid", "--home", str(home), "settings"]
    subprocess.run([*run, "--set", "desk_letter=b"], check=True, capture_output=True)
    assert load_settings(home / "settings.json").desk_letter == "B"
    shown = subprocess.run([*run, "--json"], check=True, capture_output=True, text=True)
    assert json.loads(shown.stdout)["desk_letter"] == "B"
    refused = subprocess.run([*run, "--set", "desk_letter=BC"], capture_output=True, text=True)
    assert refused.returncode != 0
    assert load_settings(home / "settings.json").desk_letter == "B"
