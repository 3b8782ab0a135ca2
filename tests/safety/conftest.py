from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest

PASS = "una frase larga y segura"


@pytest.fixture
def quick_kdf(monkeypatch: pytest.MonkeyPatch) -> None:
    """Argon2 at its smallest (1 MiB, 1 pass): for tests that make hundreds of key files or
    run an operation once per step; key files made so are valid, just cheap to open."""
    from legalaid.safety import keys

    monkeypatch.setattr(keys, "ARGON2", {"iterations": 1, "lanes": 1, "memory_cost": 1024})


Dump = dict[str, list[tuple[Any, ...]]]
"""What ``dump`` returns: table name to its sorted rows."""


def dump(path: Path, key: bytes | None = None) -> Dump:
    """Every row of every table (except the FTS shadow tables), sorted: for exact comparisons."""
    from legalaid.db import open_raw

    conn = open_raw(path, key) if key else sqlite3.connect(path)
    try:
        tables = [
            r[0]
            for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' "
                "AND name NOT LIKE 'case_fts%'"
            )
        ]
        return {
            t: sorted(conn.execute(f'SELECT * FROM "{t}"').fetchall(), key=repr) for t in tables
        }
    finally:
        conn.close()


def files_containing(root: Path, needles: list[bytes]) -> list[str]:
    found = []
    for path in root.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            found += [f"{path}: {n!r}" for n in needles if n in data]
    return found
