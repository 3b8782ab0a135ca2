"""What restore and opening say and do when the key file or the database is not what it should
be: a missing key file, an empty database, a backup without its key copy, a backup of another
folder (its passphrase, a confirmation, the current data kept restorable)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from legalaid.errors import StorageError
from legalaid.home import open_home
from legalaid.safety.backup import (
    OtherHomeBackup,
    auto_backup,
    backup_to,
    inspect_backup,
    restore,
    restore_home,
)
from legalaid.safety.keys import WrongPassphrase, change_passphrase, unlock
from legalaid.services.demo import generate_demo
from legalaid.services.search import count_cases
from tests.core.helpers import family
from tests.safety.conftest import dump
from tests.safety.faulty import OTHER_PASS, PASS, cli, passfile, stray_files


def _home(path: Path, cases: int, secret: str = PASS) -> Path:
    ctx = open_home(path, passphrase=secret)
    generate_demo(ctx, cases, seed=cases)
    auto_backup(ctx)
    ctx.close()
    return path


def test_a_missing_key_file_is_named_with_the_backup_copy_that_replaces_it(
    tmp_path: Path,
) -> None:
    home = _home(tmp_path / "home", 12)
    ctx = open_home(home, passphrase=PASS)
    generate_demo(ctx, 3, seed=99)  # recent work, after the last backup
    ctx.close()
    (home / "legalaid.key").unlink()
    result = cli(home, "cases", passfile=passfile(tmp_path))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "Falta el archivo de clave" in result.stderr
    assert "dañada" not in result.stderr  # not "damaged database, restore a backup"
    copy = next((home / "backups").glob("*.db.key"))
    assert str(copy) in result.stderr
    shutil.copyfile(copy, home / "legalaid.key")  # what the message says to do
    listing = cli(home, "cases", passfile=passfile(tmp_path))
    assert listing.returncode == 0 and "15 expedientes" in listing.stdout  # nothing lost


def test_an_empty_database_beside_a_key_file_is_refused_and_kept(tmp_path: Path) -> None:
    home = _home(tmp_path / "home", 10)
    (home / "legalaid.db").write_bytes(b"")
    for name in ("legalaid.db-wal", "legalaid.db-shm"):
        (home / name).unlink(missing_ok=True)
    with pytest.raises(StorageError) as caught:
        open_home(home, passphrase=PASS)
    assert "está vacío o falta" in caught.value.message()
    assert str(home / "backups") in caught.value.message()
    assert (home / "legalaid.db").stat().st_size == 0  # kept as it is, not a new database
    result = cli(home, "cases", passfile=passfile(tmp_path))
    assert result.returncode == 1 and "0 de 0" not in result.stdout
    backup = next((home / "backups").glob("auto-*.db"))
    assert cli(home, "restore", str(backup), passfile=passfile(tmp_path)).returncode == 0
    again = open_home(home, passphrase=PASS)
    assert count_cases(again) == 10
    again.close()


def test_a_new_home_killed_before_its_database_is_made_opens_again(tmp_path: Path) -> None:
    from legalaid.safety.keys import create_key_file

    home = tmp_path / "home"
    home.mkdir()
    create_key_file(home / "legalaid.key", PASS, new_database=True)
    (home / "legalaid.db").write_bytes(b"")
    ctx = open_home(home, passphrase=PASS)
    assert count_cases(ctx) == 0
    ctx.close()
    (home / "legalaid.db").write_bytes(b"")  # now the key file knows the database was made
    with pytest.raises(StorageError, match="vacío o falta"):
        open_home(home, passphrase=PASS)


def test_a_backup_of_this_folder_without_its_key_copy_restores(tmp_path: Path) -> None:
    home = _home(tmp_path / "home", 8)
    ctx = open_home(home, passphrase=PASS)
    lone = backup_to(ctx, tmp_path / "copia.db")
    ctx.close()
    Path(f"{lone}.key").unlink()  # copied without its .key
    restore(home, lone, secret=PASS)
    assert stray_files(home) == []


def test_a_backup_of_another_folder_without_its_key_copy_changes_nothing(
    tmp_path: Path,
) -> None:
    home = _home(tmp_path / "home", 8)
    ctx = open_home(home, passphrase=PASS)
    family(ctx, given="Guardado", family_names="Sin Respaldo")  # not in any backup
    key = ctx.db._key
    ctx.close()
    before = dump(home / "legalaid.db", key)
    other = _home(tmp_path / "other", 5, OTHER_PASS)
    lone = next((other / "backups").glob("auto-*.db"))
    Path(f"{lone}.key").unlink()
    result = cli(home, "restore", str(lone), passfile=passfile(tmp_path))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "su copia de la clave" in result.stderr and f"{lone}.key" in result.stderr
    assert "No such file" not in result.stderr
    assert dump(home / "legalaid.db", key) == before  # the live data (WAL included) untouched
    assert stray_files(home) == []


def test_restoring_an_older_backup_keeps_the_passphrase_in_use(tmp_path: Path) -> None:
    home = _home(tmp_path / "home", 6)
    old_backup = next((home / "backups").glob("auto-*.db"))
    newer = "la frase de ahora, más larga"
    change_passphrase(home / "legalaid.key", PASS, newer)
    restore(home, old_backup, secret=newer)  # its key copy still has the old passphrase
    ctx = open_home(home, passphrase=newer)
    assert count_cases(ctx) == 6
    ctx.close()
    with pytest.raises(WrongPassphrase):
        unlock(home / "legalaid.key", PASS)


def test_a_backup_of_another_folder_asks_first_and_keeps_the_data_restorable(
    tmp_path: Path,
) -> None:
    home = _home(tmp_path / "home", 7)
    other = _home(tmp_path / "other", 3, OTHER_PASS)
    foreign = next((other / "backups").glob("auto-*.db"))
    ctx = open_home(home, passphrase=PASS)
    key = ctx.db._key
    ctx.close()
    ours = dump(home / "legalaid.db", key)
    with pytest.raises(OtherHomeBackup) as asked:
        restore_home(home, foreign, secret=PASS, backup_secret=OTHER_PASS)
    assert "otra carpeta de LegalAid" in asked.value.message()
    assert dump(home / "legalaid.db", key) == ours  # asked before anything changed
    with pytest.raises(WrongPassphrase, match="no abre el respaldo"):
        restore_home(home, foreign, secret=PASS, backup_secret=PASS, other_home=True)
    done = restore_home(home, foreign, secret=PASS, backup_secret=OTHER_PASS, other_home=True)
    assert done.other_home and done.safety_copy is not None
    with pytest.raises(WrongPassphrase):
        open_home(home, passphrase=PASS)
    switched = open_home(home, passphrase=OTHER_PASS)  # told: the backup's passphrase now
    assert count_cases(switched) == 3
    switched.close()
    # The data from before is a backup like any other: restore gives it back, with its own
    # passphrase (from this folder's point of view it is now another folder's backup).
    assert inspect_backup(done.safety_copy, PASS).cases == 7
    back = restore_home(
        home, done.safety_copy, secret=OTHER_PASS, backup_secret=PASS, other_home=True
    )
    assert back.other_home
    assert dump(home / "legalaid.db", key) == ours
    assert stray_files(home) == []


def test_the_command_line_asks_to_confirm_another_folders_backup(tmp_path: Path) -> None:
    home = _home(tmp_path / "home", 4)
    other = _home(tmp_path / "other", 2, OTHER_PASS)
    foreign = next((other / "backups").glob("auto-*.db"))
    ours, theirs = passfile(tmp_path), passfile(tmp_path, OTHER_PASS, "other.txt")
    refused = cli(home, "restore", str(foreign), passfile=ours, backup_passfile=theirs)
    assert refused.returncode == 1 and "--other-home" in refused.stderr
    assert "otra carpeta de LegalAid" in refused.stderr
    assert "4 expedientes" in cli(home, "cases", passfile=ours).stdout
    done = cli(home, "restore", "--other-home", str(foreign), passfile=ours, backup_passfile=theirs)
    assert done.returncode == 0, done.stderr
    assert "frase de acceso del respaldo restaurado" in done.stdout
    assert "2 expedientes" in cli(home, "cases", passfile=theirs).stdout
