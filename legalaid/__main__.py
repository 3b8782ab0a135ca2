"""``python -m legalaid`` and the ``legalaid`` command."""

import gc
import sys


def main() -> int:
    # A start-up trick of the client (ui/startup.py states the rule and what it is worth):
    # start-up creates some hundred thousand long-lived objects (modules, Qt wrappers, enums),
    # and collecting them while they are made slows the client's start. cli.main turns
    # collection back on at once for a command, and the client once its first rows are painted
    # (ui.startup.resume_gc). Here, not at import: the letters' worker processes (spawned)
    # import this module and must collect as usual.
    gc.disable()
    from legalaid.cli import main as run

    return run()


if __name__ == "__main__":
    sys.exit(main())
