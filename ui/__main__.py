"""``python -m ui``: the client on its own (``legalaid`` with no command opens the same)."""

import gc
import sys

if __name__ == "__main__":
    gc.disable()  # while starting, as legalaid/__main__.py does; on again after the first paint
    from ui.app import main

    sys.exit(main())
