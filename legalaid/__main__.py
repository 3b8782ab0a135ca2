"""``python -m legalaid`` and the ``legalaid`` command."""

import gc

# Start-up creates some hundred thousand long-lived objects (modules, Qt wrappers, enums):
# collecting them while they are made cost ~10 ms of the client's start (tests/benchmarks).
# cli.main turns collection back on at once for a command, and the client once its first rows
# are painted (then ui.app.tune_gc freezes what start-up loaded).
gc.disable()

import sys  # noqa: E402

from legalaid.cli import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
