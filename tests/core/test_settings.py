"""Settings: every value checked when saved; a hand-edited file with a bad value still opens."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from legalaid.errors import ValidationError
from legalaid.settings import Settings, load_settings, save_settings


def test_out_of_range_values_are_refused_with_a_message_that_says_what_to_fix() -> None:
    with pytest.raises(ValidationError) as caught:
        Settings(backup_every_hours=500).validate()
    assert caught.value.by_field() == {
        "backup_every_hours": "Respalde cada 0 (nunca) a 168 horas (una semana)."
    }
    assert caught.value.message("en") == "Back up every 0 (never) to 168 hours (a week)."
    with pytest.raises(ValidationError):
        Settings(backup_keep=0).validate()


def test_a_bad_value_in_the_file_falls_back_to_its_default_and_keeps_the_rest(
    tmp_path: Path,
) -> None:
    path = tmp_path / "settings.json"
    path.write_text(
        json.dumps(
            {
                "office_prefix": "MXL",
                "backup_keep": -3,
                "backup_every_hours": 10_000,
                "lock_after_minutes": 30,
                "paper_size": "Tabloid",
            }
        ),
        encoding="utf-8",
    )
    loaded = load_settings(path)
    defaults = Settings()
    assert loaded.office_prefix == "MXL" and loaded.lock_after_minutes == 30
    assert loaded.backup_keep == defaults.backup_keep
    assert loaded.backup_every_hours == defaults.backup_every_hours
    assert loaded.paper_size == defaults.paper_size
    save_settings(path, loaded)  # and it saves again without complaint
    assert load_settings(path) == loaded
