"""``python -m ui``: the ``legalaid`` command, run from the client's package (with no command it
opens the client, ``ui.app.run_client``; its options and help are the command's, translated)."""

import sys

if __name__ == "__main__":
    from legalaid.__main__ import main

    sys.exit(main())
