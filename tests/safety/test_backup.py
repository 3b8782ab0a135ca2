from __future__ import annotations

from pathlib import Path

import pytest

from legalaid.errors import StorageError
from legalaid.home import open_home
from legalaid.safety.backup import auto_backup, backup_to, inspect_backup, restore
from legalaid.safety.keys import unlock
from legalaid.services.cases import CaseInput, update_case
from legalaid.services.demo import generate_demo
from legalaid.services.search import count_cases
from tests.safety.conftest import PASS, dump


def test_backup_change_restore_gives_back_every_record(tmp_path: Path) -> None:
    home = tmp_path / "home"
    ctx = open_home(home, passphrase=PASS)
    generate_demo(ctx, 60, seed=2)
    key = unlock(ctx.home.key_file, PASS)
    usb = tmp_path / "usb"
    usb.mkdir()
    backup = backup_to(ctx, usb / "copia.db")
    before = dump(backup, key)
    first = ctx.db.engine.connect().exec_driver_sql('SELECT id FROM "case" LIMIT 1').scalar()
    update_case(ctx, str(first), None, CaseInput(shelter="Cambiado después del respaldo"))
    generate_demo(ctx, 5, seed=9)
    ctx.close()
    safety = restore(home, backup, secret=PASS)
    assert dump(home / "legalaid.db", key) == before
    assert inspect_backup(safety, PASS).cases == 65  # the state before the restore is kept
    again = open_home(home, passphrase=PASS)
    assert count_cases(again) == 60
    again.close()


def test_a_damaged_backup_is_refused_before_anything_changes(tmp_path: Path) -> None:
    home = tmp_path / "home"
    ctx = open_home(home, passphrase=PASS)
    generate_demo(ctx, 20)
    backup = auto_backup(ctx)
    ctx.close()
    data = bytearray(backup.read_bytes())
    data[5000:5400] = b"\x00" * 400
    backup.write_bytes(bytes(data))
    current = (home / "legalaid.db").read_bytes()
    with pytest.raises(StorageError, match="no es un respaldo"):
        restore(home, backup, secret=PASS)
    assert (home / "legalaid.db").read_bytes() == current


def test_rotation_keeps_the_newest(tmp_path: Path) -> None:
    ctx = open_home(tmp_path / "home", unencrypted=True)
    ctx.settings.backup_keep = 3
    made = [auto_backup(ctx) for _ in range(5)]
    kept = sorted(ctx.home.backups.glob("auto-*.db"))
    assert kept == made[-3:]
    ctx.close()


def test_the_timer_skips_a_backup_when_nothing_changed(tmp_path: Path) -> None:
    """Days of an idle window must not rotate the older, different backups away."""
    from tests.core.helpers import family

    ctx = open_home(tmp_path / "home", unencrypted=True)
    ctx.settings.backup_keep = 3
    case = family(ctx).case
    first = auto_backup(ctx, only_if_changed=True)
    again = [auto_backup(ctx, only_if_changed=True) for _ in range(5)]
    assert again == [first] * 5 and sorted(ctx.home.backups.glob("auto-*.db")) == [first]
    update_case(ctx, case.id, None, CaseInput(shelter="Casa del Migrante", crossing="SYS"))
    second = auto_backup(ctx, only_if_changed=True)  # an edit (a version counter moved)
    assert second != first and inspect_backup(second).cases == 1
    family(ctx, given="Ana", family_names="Ruiz", a_number=None)
    third = auto_backup(ctx, only_if_changed=True)  # a new case
    assert third != second and inspect_backup(third).cases == 2
    assert sorted(ctx.home.backups.glob("auto-*.db")) == [first, second, third]
    third.unlink()  # the remembered backup is gone: the next one is written
    assert auto_backup(ctx, only_if_changed=True) != third
    ctx.close()


def test_restore_over_a_damaged_database_keeps_its_raw_files(tmp_path: Path) -> None:
    home = tmp_path / "home"
    ctx = open_home(home, unencrypted=True)
    generate_demo(ctx, 10)
    backup = auto_backup(ctx)
    ctx.close()
    (home / "legalaid.db").write_bytes(b"garbage" * 1000)
    safety = restore(home, backup, unencrypted=True)
    assert safety.read_bytes().startswith(b"garbage")  # kept as a file restore can be given
    again = open_home(home, unencrypted=True)
    assert count_cases(again) == 10
    again.close()


def damage_a_page(path: Path, table: str = "person") -> None:
    """Overwrite the header of ``table``'s first b-tree page (a plaintext database)."""
    import sqlite3

    conn = sqlite3.connect(path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", (table,)).fetchone()
    conn.close()
    with path.open("r+b") as handle:
        handle.seek((root[0] - 1) * page_size)
        handle.write(b"\x0d\x00\x00\xff\xff\xff\xff\x01" * 2)


def test_a_damaged_page_is_found_by_the_backup_which_keeps_the_older_ones(
    tmp_path: Path,
) -> None:
    from legalaid.safety.backup import DatabaseDamaged

    home = tmp_path / "home"
    ctx = open_home(home, unencrypted=True)
    generate_demo(ctx, 200, seed=3)
    good = auto_backup(ctx)
    ctx.close()
    damage_a_page(home / "legalaid.db")
    ctx = open_home(home, unencrypted=True)
    with pytest.raises(DatabaseDamaged) as caught:
        auto_backup(ctx)
    assert "partes dañadas" in caught.value.message()
    assert "Restaure el respaldo más reciente" in caught.value.message()
    with pytest.raises(DatabaseDamaged):
        backup_to(ctx, tmp_path / "usb.db")
    ctx.close()
    assert sorted(p.name for p in (home / "backups").iterdir()) == [good.name, "last-auto.json"]
    assert not (tmp_path / "usb.db").exists()
    assert inspect_backup(good).cases == 200  # the older backup is untouched, and restores
    restore(home, good, unencrypted=True)
