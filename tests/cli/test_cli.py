"""The command line as a person uses it: a real process, a real home folder."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

import pytest

PASSPHRASE_FILE = Path(__file__).with_name("passphrase-for-tests.txt")


def run(*args: str, home: Path | None = None, lang: str = "es") -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "LANG": f"{lang}_MX.UTF-8" if lang == "es" else "en_US.UTF-8",
        "LC_ALL": "",
        "LC_MESSAGES": "",
        "LEGALAID_PASSPHRASE_FILE": str(PASSPHRASE_FILE),
    }
    env.pop("LEGALAID_HOME", None)
    base = [sys.executable, "-m", "legalaid"] + (["--home", str(home)] if home else [])
    return subprocess.run(base + list(args), capture_output=True, text=True, env=env, timeout=120)


@pytest.fixture(scope="module")
def demo_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("cli") / "home"
    result = run("demo", "--cases", "400", "--seed", "5", home=home)
    assert result.returncode == 0, result.stderr
    assert "400" in result.stdout
    return home


def test_upcoming_json_lists_correct_hearings(demo_home: Path) -> None:
    result = run("upcoming", "--days", "30", "--json", home=demo_home)
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert rows, "400 demo households have hearings in the next 30 days"
    keys = {
        "case_number",
        "names",
        "a_numbers",
        "crossing",
        "court",
        "hearing_at",
        "report_at",
        "kind",
        "status",
    }
    today = datetime.now().astimezone().date()
    reports = []
    for row in rows:
        assert keys <= set(row)
        hearing = datetime.fromisoformat(row["hearing_at"])
        report = datetime.fromisoformat(row["report_at"])
        assert hearing.utcoffset() is not None and report < hearing
        assert hearing - report == timedelta(hours=4)
        assert today - timedelta(days=1) <= hearing.date() <= today + timedelta(days=31)
        assert row["status"] in ("scheduled", "missed", "attended")
        assert row["crossing"] in {"SYS", "CAL", "ELP", "LRD", "BRO", "EGP", "NOG"}
        reports.append(report)
    assert reports == sorted(reports)


def test_upcoming_by_crossing_and_text_output(demo_home: Path) -> None:
    rows = json.loads(
        run("upcoming", "--days", "30", "--crossing", "elp", "--json", home=demo_home).stdout
    )
    assert rows and {r["crossing"] for r in rows} == {"ELP"}
    text = run("upcoming", "--days", "30", home=demo_home).stdout
    assert "audiencias" in text.splitlines()[-1]


def test_search_finds_accented_names_from_plain_text(demo_home: Path) -> None:
    result = run("cases", "--search", "nunez", "--json", home=demo_home)
    rows = json.loads(result.stdout)
    assert rows
    assert any("Núñez" in r["principal"] for r in rows)


def test_bad_input_is_one_clear_line(demo_home: Path) -> None:
    result = run("upcoming", "--crossing", "XYZ", home=demo_home)
    assert result.returncode == 1
    assert result.stderr.strip() == (
        "legalaid: Garita desconocida «XYZ»: use uno de los códigos de la lista de garitas."
    )
    english = run("upcoming", "--crossing", "XYZ", home=demo_home, lang="en")
    assert english.stderr.strip().startswith("legalaid: Unknown crossing “XYZ”")
    usage = run("demo", "--cases", "-3", home=demo_home)
    assert usage.returncode == 2 and "Traceback" not in usage.stderr


def test_foreign_database_is_refused_without_traceback(tmp_path: Path) -> None:
    home = tmp_path / "h"
    home.mkdir()
    (home / "legalaid.db").write_text("hello, I am a spreadsheet")
    result = run("cases", home=home)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "no es una base de datos de LegalAid" in result.stderr
    assert (home / "legalaid.db").read_text() == "hello, I am a spreadsheet"


def test_home_from_environment(tmp_path: Path) -> None:
    env = {**os.environ, "LEGALAID_HOME": str(tmp_path / "envhome"), "LANG": "en_US.UTF-8"}
    env["LEGALAID_PASSPHRASE_FILE"] = str(PASSPHRASE_FILE)
    result = subprocess.run(
        [sys.executable, "-m", "legalaid", "crossings"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "SYS" in result.stdout and (tmp_path / "envhome" / "legalaid.db").exists()


def test_lang_before_the_command_sets_the_message_language(demo_home: Path) -> None:
    english = run("--lang", "en", "upcoming", "--crossing", "XYZ", home=demo_home)
    assert english.stderr.strip().startswith("legalaid: Unknown crossing")
    spanish = run("message", "NOPE-1", "--lang", "en", home=demo_home)  # the message's language
    assert spanish.returncode == 1 and "legalaid: No existe el expediente" in spanish.stderr


def test_the_client_start_skips_the_optional_commands_but_help_lists_them() -> None:
    from legalaid.cli import _names_a_command

    assert not _names_a_command([])
    assert not _names_a_command(["--home", "reminders", "--lang", "en", "--unencrypted"])
    assert _names_a_command(["--home", "h", "reminders"])
    assert _names_a_command(["--help"]) and _names_a_command(["-h"])
    helped = run("--help", lang="en")
    assert helped.returncode == 0
    for command in ("reminders", "risk-note", "backup", "restore", "encrypt"):
        assert command in helped.stdout


def test_importing_the_entry_module_leaves_garbage_collection_on() -> None:
    # The letters' worker processes are spawned: they import the parent's main module.
    probe = "import gc, legalaid.__main__; print(gc.isenabled())"
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert result.stdout.strip() == "True", result.stderr
