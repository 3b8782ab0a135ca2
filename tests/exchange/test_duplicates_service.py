"""Possible duplicates in a real home: found on demand, shown with case numbers, by the CLI too."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from legalaid.context import AppContext
from legalaid.services.cases import CaseInput, PersonInput, open_case
from legalaid.services.duplicates import possible_duplicates
from tests.cli.test_cli import run


def household(ctx: AppContext, people: list[PersonInput]) -> str:
    return open_case(ctx, CaseInput(crossing="SYS", city="Tijuana, B.C."), people).case.case_number


def test_possible_duplicates_in_a_home(ctx: AppContext, home: Path) -> None:
    first = household(
        ctx,
        [
            PersonInput(
                "María Guadalupe", "Hernández Núñez", "principal", date(1990, 5, 1), "female", "HN"
            ),
            PersonInput("José", "Hernández", "child", date(2016, 2, 3), "male", "HN"),
        ],
    )
    second = household(
        ctx,
        [
            PersonInput(
                "Ma. Guadalupe", "Nunez Hernandes", "principal", date(1990, 5, 1), "female", "HN"
            ),
        ],
    )
    household(
        ctx,
        [PersonInput("María", "Pérez", "principal", date(1990, 5, 1), "female", "GT")],
    )
    pairs = possible_duplicates(ctx)
    assert [(p.first_case, p.second_case) for p in pairs] in (
        [(first, second)],
        [(second, first)],
    )
    assert pairs[0].reason == "name_and_birth_date"
    ctx.close()

    result = run("--unencrypted", "duplicates", "--json", home=home, lang="en")
    assert result.returncode == 0, result.stderr
    listed = json.loads(result.stdout)
    assert {p["case_number"] for p in listed[0]["people"]} == {first, second}
    text = run("--unencrypted", "duplicates", home=home, lang="es")
    assert text.returncode == 0, text.stderr
    assert "mismo nombre y fecha de nacimiento" in text.stdout
    assert "1 posible duplicado" in text.stdout
