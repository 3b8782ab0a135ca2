"""``legalaid duplicates merge|different|separate``: done by case number, each refusal in one
clear line in the person's language (an unknown case, the same case twice, already merged)."""

from __future__ import annotations

import json
from pathlib import Path

from legalaid.home import open_home
from legalaid.services.duplicates import household_pairs
from tests.cli.test_cli import run
from tests.exchange.test_duplicate_decisions import twice_registered
from tests.exchange.test_duplicates_sync import cousins


def test_deciding_from_the_command_line(home: Path) -> None:
    ctx = open_home(home, unencrypted=True)
    kept, other = twice_registered(ctx)
    first, second = cousins(ctx)
    ctx.close()
    base = ("--unencrypted", "duplicates")

    unknown = run(*base, "merge", kept.case_number, "TIJ-1999-0042", home=home, lang="en")
    assert unknown.returncode != 0 and "There is no case “TIJ-1999-0042”" in unknown.stderr
    twice = run(*base, "merge", kept.case_number, kept.case_number, home=home, lang="es")
    assert twice.returncode != 0
    assert f"Elija dos hogares distintos: {kept.case_number} se indicó dos veces." in twice.stderr

    merged = run(*base, "merge", kept.case_number, other.case_number, home=home, lang="es")
    assert merged.returncode == 0, merged.stderr
    assert f"{other.case_number} se unió a {kept.case_number}; no se borró nada." in merged.stdout
    assert f"2 personas pasaron a {kept.case_number}." in merged.stdout
    assert f"1 audiencia pasó a {kept.case_number}." in merged.stdout
    assert "1 persona ya estaba en" in merged.stdout
    again = run(*base, "merge", kept.case_number, other.case_number, home=home, lang="en")
    assert again.returncode != 0
    assert f"{other.case_number} was already merged into {kept.case_number}." in again.stderr

    different = run(*base, "different", first.case_number, second.case_number, home=home)
    assert different.returncode == 0, different.stderr
    assert "no se volverán a proponer" in different.stdout
    listed = run(*base, "--json", home=home, lang="en")
    assert listed.returncode == 0 and json.loads(listed.stdout) == []

    back = run(*base, "separate", other.case_number, home=home, lang="en")
    assert back.returncode == 0, back.stderr
    assert f"{other.case_number} is a household of its own again." in back.stdout
    assert f"2 people moved back from {kept.case_number}." in back.stdout
    ctx = open_home(home, unencrypted=True)
    try:
        assert len(household_pairs(ctx)) == 1
    finally:
        ctx.close()
