"""Fault injection for the tests of multi-step operations (restore, encrypt, backup, batches).

``LEGALAID_FAULT=OPERATION.STEP`` kills this process (SIGKILL, as a power cut or the task manager
would) when the operation reaches that step; ``LEGALAID_FAULT=OPERATION.STEP=enospc`` raises the
"disk full" error there instead. Each operation lists its steps in a ``STEPS`` tuple beside its
code, so a test can kill it at every one of them. Unset (always, outside the tests), ``reached``
is one dictionary lookup.
"""

from __future__ import annotations

import errno
import os
import signal
import sys

ENV = "LEGALAID_FAULT"


def reached(operation: str, step: str) -> None:
    """The named step of ``operation`` is about to run: inject the fault asked for, if any."""
    wanted = os.environ.get(ENV)
    if not wanted:
        return
    name, _sep, kind = wanted.partition("=")
    if name != f"{operation}.{step}":
        return
    if kind == "enospc":
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
    sys.stdout.flush()
    sys.stderr.flush()
    if sys.platform == "win32":  # pragma: no cover - no SIGKILL there
        os._exit(137)
    os.kill(os.getpid(), signal.SIGKILL)
