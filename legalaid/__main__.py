"""``python -m legalaid`` and the ``legalaid`` command."""

import gc
import sys


def main() -> int:
    # Start-up creates some hundred thousand long-lived objects (modules, Qt wrappers, enums):
    # collecting them while they are made cost ~10 ms of the client's start (tests/benchmarks).
    # cli.main turns collection back on at once for a command, and the client once its first
    # rows are painted (then ui.app.tune_gc freezes what start-up loaded). Here, not at import:
    # the letters' worker processes (spawned) import this module and must collect as usual.
    gc.disable()
    from legalaid.cli import main as run

    return run()


if __name__ == "__main__":
    sys.exit(main())
