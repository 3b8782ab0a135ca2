"""What interrupted writes leave behind, removed when a home is next opened.

Every multi-step write removes its temporary files when it fails; a kill or a power cut cannot,
so opening a home (with the home held: no restore or encryption is running) removes them:
temporary files in the home and its backups folder, the temporary files other folders hold for
processes that are gone (noted in the home's ``pending`` folder, see legalaid.files), and the
private temporary folders of processes that are gone (legalaid.tempfiles).
"""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

from legalaid.files import fsync_folder, make_private, owned_partials, sweep_pending
from legalaid.paths import CONVERSION_JOURNAL, HomePaths
from legalaid.tempfiles import alive
from legalaid.tempfiles import sweep as sweep_temporary

RESTORE_STAGING = "restore.staging"
RESTORE_OLD = "restore.old"
RESTORE_DONE = "restore.done"
# The files a restore replaces (and puts back when it is undone).
LIVE_NAMES = ("legalaid.db", "legalaid.key", "legalaid.db-wal", "legalaid.db-shm")
# Names older versions used for their temporary files (no process id in them).
_LEGACY = re.compile(r"^(\.key-.*|\.settings-.*|\..*\.partial|\.restore.*\.partial)$")
# What an encryption that was never committed leaves (it starts again from nothing).
_UNCOMMITTED = re.compile(r"^(legalaid\.key\.partial|.*\.db\.encrypting(-wal|-shm)?)$")


def interrupted_restore(paths: HomePaths) -> bool:
    return any(
        (paths.root / name).exists() for name in (RESTORE_STAGING, RESTORE_OLD, RESTORE_DONE)
    )


def _orphan_key_copy(path: Path) -> bool:
    """The key copy of a backup that was never kept: a backup writes its key copy just before
    renaming itself into place, so a key copy alone is a leftover unless its backup is being
    written now (its temporary file, of a running process, is there)."""
    if not path.name.endswith(".db.key"):
        return False
    backup = path.with_name(path.name[: -len(".key")])
    if backup.exists():
        return False
    for tmp in owned_partials(path.parent):
        if tmp.name.startswith(f".{backup.name}.legalaid-") and alive(_pid_of(tmp)):
            return False
    return True


def _pid_of(path: Path) -> int:
    return int(path.name.rsplit(".legalaid-", 1)[1].split("-", 1)[0])


def _dead_partials(folder: Path) -> list[Path]:
    found = []
    for path in owned_partials(folder):
        if not alive(_pid_of(path)):
            found.append(path)
    return found


def leftovers(paths: HomePaths) -> list[Path]:
    """The temporary files in the home and its backups folder that nothing is writing."""
    committed = (paths.root / CONVERSION_JOURNAL).exists()
    found: list[Path] = []
    for folder in (paths.root, paths.backups):
        found += _dead_partials(folder)
        try:
            names = list(folder.iterdir())
        except OSError:
            continue
        for path in names:
            legacy = _LEGACY.match(path.name) and ".legalaid-" not in path.name
            uncommitted = not committed and _UNCOMMITTED.match(path.name)
            if legacy or uncommitted or (folder == paths.backups and _orphan_key_copy(path)):
                found.append(path)
    return list(dict.fromkeys(found))


def sweep_home(paths: HomePaths) -> list[Path]:
    """Remove what interrupted writes left (see the module's text); returns what was removed.

    Also makes the home's own files owner-only, in case an older version left them readable."""
    removed: list[Path] = []
    for path in leftovers(paths):
        try:
            if path.is_dir():
                shutil.rmtree(path)
            else:
                path.unlink()
            removed.append(path)
        except OSError:
            continue
    removed += sweep_pending(paths.pending, alive)
    removed += sweep_temporary()
    for folder in (paths.root, paths.backups):
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        make_private(folder)
        for entry in entries:
            make_private(Path(entry.path))
    return removed


def roll_back_restore(paths: HomePaths) -> None:
    """Put back what ``restore.old`` holds and remove what the restore brought in."""
    root = paths.root
    old = root / RESTORE_OLD
    try:
        had = set(json.loads((old / "manifest.json").read_text(encoding="utf-8"))["had"])
    except (OSError, ValueError, KeyError, TypeError):
        had = set(LIVE_NAMES)  # unknown: remove nothing that is not put back
    for name in LIVE_NAMES:
        if (old / name).exists():
            os.replace(old / name, root / name)
        elif name not in had or name in ("legalaid.db-wal", "legalaid.db-shm"):
            (root / name).unlink(missing_ok=True)
    fsync_folder(root)
    clean_restore(paths)


def clean_restore(paths: HomePaths) -> None:
    for name in (RESTORE_DONE, RESTORE_OLD, f"{RESTORE_OLD}.partial", RESTORE_STAGING):
        shutil.rmtree(paths.root / name, ignore_errors=True)


def finish_restore(paths: HomePaths) -> None:
    """After a kill: a restore not yet verified in place is undone (the data before it comes
    back as it was); a verified one only has its leftovers removed. Call with the home held
    alone."""
    if (paths.root / RESTORE_OLD).exists():
        roll_back_restore(paths)
    else:
        clean_restore(paths)
