"""Private temporary folders for papers with people's data (a batch of letters being
previewed), and the clean-up of those a crash left behind.

Each folder is made by ``tempfile.mkdtemp`` (readable by its owner only) and named
``legalaid-<kind>-<pid>-<random>``; the process that made it removes it when done. A later
start removes folders whose process is gone (on Windows, where a process id cannot be checked
safely without extra libraries, those older than a day).
"""

from __future__ import annotations

import os
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

PREFIX = "legalaid-"
_NAME = re.compile(rf"{PREFIX}[a-z]+-(\d+)-")
WINDOWS_AGE_S = 24 * 3600


def private_dir(kind: str, root: Path | None = None) -> Path:
    """A new folder only this user can read, marked with this process's id."""
    return Path(tempfile.mkdtemp(prefix=f"{PREFIX}{kind}-{os.getpid()}-", dir=root))


def alive(pid: int) -> bool:
    """Whether process ``pid`` is running (on this computer)."""
    if pid == os.getpid():
        return True
    if sys.platform == "win32":  # pragma: no cover - os.kill would end the process there
        import ctypes

        kernel32 = ctypes.windll.kernel32
        handle = kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
        if not handle:
            return bool(kernel32.GetLastError() == 5)  # access denied: it exists
        code = ctypes.c_ulong()
        try:
            known = kernel32.GetExitCodeProcess(handle, ctypes.byref(code))
        finally:
            kernel32.CloseHandle(handle)
        return not known or code.value == 259  # STILL_ACTIVE
    try:
        os.kill(pid, 0)  # signal 0: is it there? (POSIX only)
    except ProcessLookupError:
        return False
    except OSError:  # PermissionError: another user's process; anything else: keep it
        return True
    return True


def sweep(root: Path | None = None, *, now: float | None = None) -> list[Path]:
    """Remove the folders a crashed LegalAid left in the temporary folder; returns them."""
    folder = root or Path(tempfile.gettempdir())
    removed: list[Path] = []
    try:
        candidates = list(folder.glob(f"{PREFIX}*"))
    except OSError:
        return removed
    for path in candidates:
        match = _NAME.match(path.name)
        if match is None or not path.is_dir():
            continue
        if sys.platform == "win32":
            try:
                stale = (now or time.time()) - path.stat().st_mtime > WINDOWS_AGE_S
            except OSError:
                continue
        else:
            stale = not alive(int(match.group(1)))
        if stale:
            shutil.rmtree(path, ignore_errors=True)
            if not path.exists():
                removed.append(path)
    return removed
