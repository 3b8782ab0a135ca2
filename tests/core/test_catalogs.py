"""The translation gates: complete, not fuzzy, same placeholders, template not stale."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest
from babel.messages.catalog import Catalog

ROOT = Path(__file__).resolve().parents[2]


def _tool() -> ModuleType:
    spec = importlib.util.spec_from_file_location("catalogs", ROOT / "tools" / "catalogs.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["catalogs"] = module
    spec.loader.exec_module(module)
    return module


def test_every_message_is_translated_in_spanish_and_english_and_current() -> None:
    problems = _tool().problems()
    assert problems == [], "\n".join(problems[:30])


def test_the_gate_catches_empty_fuzzy_and_mismatched_entries() -> None:
    tool = _tool()
    catalog = Catalog(locale="es")
    catalog.add("Save", "")
    catalog.add("Close", "Cerrar", flags=["fuzzy"])
    catalog.add("%(n)d cases", "%(m)d expedientes", flags=["python-format"])
    found = "\n".join(tool._entry_problems(catalog, "x"))
    assert "untranslated: 'Save'" in found
    assert "fuzzy: 'Close'" in found
    assert "%(n)d cases" in found


def test_the_gate_catches_a_string_missing_from_the_catalog(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import shutil

    tool = _tool()
    shutil.copytree(ROOT / "locales", tmp_path / "locales")
    es = tmp_path / "locales" / "es" / "LC_MESSAGES" / "legalaid.po"
    catalog = tool.read(es)
    catalog.delete("Write the given names.")
    tool.write(es, catalog)
    monkeypatch.setattr(tool, "LOCALES", tmp_path / "locales")
    problems = "\n".join(tool.problems())
    assert "not in catalog (run update): None 'Write the given names.'" in problems
