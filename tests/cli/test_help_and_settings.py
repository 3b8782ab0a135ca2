"""``legalaid --help`` wholly in the chosen language, a description for every command, and
``legalaid settings``: real processes, real home folders."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from legalaid.cli import build_parser
from legalaid.home import open_home
from legalaid.i18n import set_language
from legalaid.services.cases import CaseInput, PersonInput, open_case

SPANISH = ("uso:", "opciones:", "mostrar este mensaje de ayuda y salir", "comandos:")
ENGLISH = ("usage:", "options:", "show this help message and exit", "commands:")


def run(*args: str, lang: str = "es", home: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "LANG": "es_MX.UTF-8" if lang == "es" else "en_US.UTF-8"}
    env.update(LC_ALL="", LC_MESSAGES="")
    env.pop("LEGALAID_HOME", None)
    base = [sys.executable, "-m", "legalaid"] + (["--home", str(home)] if home else [])
    return subprocess.run([*base, *args], capture_output=True, text=True, env=env, timeout=120)


@pytest.mark.parametrize(
    ("chosen", "words", "other"), [("es", SPANISH, ENGLISH), ("en", ENGLISH, SPANISH)]
)
def test_help_is_entirely_in_the_chosen_language(
    chosen: str, words: tuple[str, ...], other: tuple[str, ...]
) -> None:
    for how in (["--lang", chosen, "--help"], ["--help"]):  # --lang, or the system's language
        shown = run(*how, lang=chosen)
        assert shown.returncode == 0, shown.stderr
        for word in words:
            assert word in shown.stdout, (how, word)
        for word in other:
            assert word not in shown.stdout, (how, word)
    command = run("--lang", chosen, "cards", "--help", lang=chosen).stdout
    positional = "argumentos posicionales:" if chosen == "es" else "positional arguments:"
    assert positional in command and words[2] in command
    assert ("Genera una tarjeta" if chosen == "es" else "Write one folded wallet card") in command
    wrong = run("--lang", chosen, "cards", lang=chosen)  # a required argument left out
    assert wrong.returncode == 2
    assert (
        "se requieren los siguientes argumentos" if chosen == "es" else "the following arguments"
    ) in wrong.stderr
    assert wrong.stderr.startswith("uso:" if chosen == "es" else "usage:")


@pytest.mark.parametrize("lang", ["es", "en"])
def test_every_command_has_a_description(lang: str) -> None:
    set_language(lang)
    parser = build_parser()
    assert parser._subparsers is not None
    commands = parser._subparsers._group_actions[0].choices
    assert isinstance(commands, dict)
    assert {"cards", "documents", "settings", "cases", "upcoming", "backup"} <= set(commands)
    missing = [name for name, command in commands.items() if not command.description]
    assert missing == []
    if lang == "es":
        assert commands["documents"].description.startswith("Lista todos los documentos")


def test_settings_are_shown_and_set_from_the_command_line(tmp_path: Path) -> None:
    home = tmp_path / "home"
    changed = run(
        "settings",
        "--set",
        "org_name=Albergue Juventud 2000",
        "--set",
        "org_phone=+52 664 123 4567",
        "--set",
        "staff_name=Ana Tester",
        home=home,
    )
    assert changed.returncode == 0, changed.stderr
    assert "org_name" in changed.stdout and "Albergue Juventud 2000" in changed.stdout
    shown = json.loads(run("settings", "--json", home=home).stdout)
    assert shown["org_phone"] == "+52 664 123 4567" and shown["org_whatsapp"] == ""
    assert (home / "settings.json").stat().st_mode & 0o777 == 0o600
    bad = run("settings", "--set", "colour=blue", home=home)
    assert bad.returncode == 1 and bad.stderr.startswith("legalaid: “colour=blue” no es")
    assert "Traceback" not in bad.stderr
    bad = run("settings", "--set", "backup_keep=muchos", home=home)
    assert bad.returncode == 1 and "debe ser un número entero" in bad.stderr
    # the staff member's name is "who" in the history
    ctx = open_home(home, unencrypted=True)
    try:
        case = open_case(ctx, CaseInput(crossing="SYS"), [PersonInput("Rosa", "Ñáñez")])
        from legalaid.services.audit import case_history

        entries = case_history(ctx, case.case.id)
        assert entries and {e.actor for e in entries} == {"Ana Tester"}
    finally:
        ctx.close()


BLOCKED_PART = """
import sys
class Missing:
    def find_spec(self, name, path=None, target=None):
        if name == "ui.window.main_window":
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None
sys.meta_path.insert(0, Missing())
from legalaid.__main__ import main
sys.argv = ["legalaid", *sys.argv[1:]]
sys.exit(main())
"""


@pytest.mark.parametrize(
    ("lang", "said"),
    [("es", "Esta instalación de LegalAid está incompleta"), ("en", "is incomplete")],
)
def test_a_client_missing_a_part_says_so_instead_of_printing_the_help(
    tmp_path: Path, lang: str, said: str
) -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run(
        [sys.executable, "-c", BLOCKED_PART, "--home", str(tmp_path / "h"), "--lang", lang],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert done.returncode == 1
    assert said in done.stderr and "ui.window.main_window" in done.stderr
    assert "Traceback" not in done.stderr and done.stdout == ""
