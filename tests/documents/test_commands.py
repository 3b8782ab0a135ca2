"""The document commands as a person types them: files written, errors in one clear line."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest

from legalaid.cli import main
from legalaid.context import AppContext
from legalaid.documents import documents_for_case
from legalaid.documents.commands import progress_bar
from legalaid.services.risk import RiskInput, add_assessment
from tests.documents.helpers import (
    EIGHT,
    HEARING_DAY,
    hearing,
    household,
    text_of,
    with_organisation,
)


def run(capsys: pytest.CaptureFixture[str], ctx: AppContext, *args: str) -> tuple[int, str, str]:
    try:
        code = main(["--home", str(ctx.home.root), "--unencrypted", "--lang", "es", *args])
    except SystemExit as exit_:  # argparse usage errors
        code = int(exit_.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def test_each_command_writes_and_logs_its_paper(
    ctx: AppContext, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with_organisation(ctx).save_settings()  # the letters say whom to call: no warning
    case = household(ctx, EIGHT[:2])
    number = case.case.case_number
    hearing(ctx, case.case.id)
    add_assessment(ctx, case.case.id, RiskInput(level="critical"))
    day, end = HEARING_DAY.isoformat(), (HEARING_DAY + timedelta(days=6)).isoformat()
    commands = {
        "week.pdf": ["reminders", "--from", day, "--to", end],
        "risk.pdf": ["risk-note", number],
        "cards.pdf": ["cards", number],
        "list.pdf": ["crossing-list", "--date", day, "--crossing", "SYS"],
    }
    for name, command in commands.items():
        code, out, err = run(capsys, ctx, *command, "-o", str(tmp_path / name))
        assert (code, err) == (0, ""), err
        assert str(tmp_path / name) in out
        assert "José Ángel Hernández Núñez" in text_of((tmp_path / name).read_bytes())
    assert (
        "Se escribió 1 carta en"
        in run(capsys, ctx, *commands["week.pdf"], "-o", str(tmp_path / "w.pdf"))[1]
    )
    kinds = sorted(entry.kind for entry in documents_for_case(ctx, number))
    assert kinds == ["crossing_list", "reminder", "reminder", "risk_note", "wallet_cards"]


def test_message_prints_spanish_then_english(
    ctx: AppContext, capsys: pytest.CaptureFixture[str]
) -> None:
    case = household(ctx, EIGHT[:1])
    hearing(ctx, case.case.id)
    code, out, _err = run(capsys, ctx, "message", case.case.case_number)
    assert code == 0
    assert out.index("Preséntese en San Ysidro") < out.index("Report at San Ysidro")
    english = run(capsys, ctx, "message", case.case.case_number, "--lang", "en")[1]
    assert "Report at San Ysidro" in english and "Preséntese" not in english


def test_bad_input_is_one_translated_line_and_no_traceback(
    ctx: AppContext, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    case = household(ctx, EIGHT[:1])
    hearing(ctx, case.case.id)
    cases = [
        (["risk-note", "TIJ-1999-0042"], "No existe el expediente «TIJ-1999-0042»."),
        (["cards", case.case.case_number], None),  # fine: sanity check of the harness
        (
            ["reminders", "--from", "2031-01-01", "--to", "2031-01-31"],
            "No hay audiencias programadas del 2031-01-01 al 2031-01-31.",
        ),
        (
            ["crossing-list", "--date", "2031-01-01"],
            "Nadie tiene que presentarse en una garita el 2031-01-01.",
        ),
    ]
    for command, message in cases:
        code, _out, err = run(capsys, ctx, *command, "-o", str(tmp_path / "x.pdf"))
        if message is None:
            assert code == 0
            continue
        assert code == 1 and err == f"legalaid: {message}\n"
    code, _out, err = run(capsys, ctx, "cards", case.case.case_number, "-o", "/no/such/dir/x.pdf")
    assert code == 1
    assert err == "legalaid: No se puede escribir en /no/such/dir: la carpeta no existe.\n"
    code, _out, err = run(capsys, ctx, "reminders", "--from", "28/05/2030", "--to", "x", "-o", "y")
    assert code == 2 and "«28/05/2030» no es una fecha" in err and "Traceback" not in err


def test_progress_bar_on_a_terminal(capsys: pytest.CaptureFixture[str]) -> None:
    show = progress_bar("cartas")
    show(0, 4)
    show(2, 4)
    show(4, 4)
    err = capsys.readouterr().err
    assert err.endswith("\r[" + "#" * 30 + "] 4/4 cartas\n")
    assert "[" + "#" * 15 + "-" * 15 + "] 2/4 cartas" in err


def test_real_process_writes_a_batch(ctx: AppContext, tmp_path: Path) -> None:
    case = household(ctx, EIGHT[:1])
    hearing(ctx, case.case.id)
    env = {**os.environ, "LANG": "en_US.UTF-8", "LC_ALL": "", "LC_MESSAGES": ""}
    out = tmp_path / "letters.pdf"
    day = HEARING_DAY.isoformat()
    args = ["--home", str(ctx.home.root), "--unencrypted", "reminders", "--from", day]
    result = subprocess.run(
        [sys.executable, "-m", "legalaid", *args, "--to", day, "-o", str(out)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Wrote 1 letter in ") and out.exists()
    assert "Tuesday, June 18, 2030" in text_of(out.read_bytes())
