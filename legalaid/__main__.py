"""``python -m legalaid`` and the ``legalaid`` command."""

import sys

from legalaid.cli import main

if __name__ == "__main__":
    sys.exit(main())
