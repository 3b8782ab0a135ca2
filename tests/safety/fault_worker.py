"""Core operations run in a child process by the fault tests (LEGALAID_FAULT set by them).

python fault_worker.py change-passphrase HOME OLD NEW
python fault_worker.py recovery-key HOME SECRET
python fault_worker.py hold HOME PROGRAM [PASSPHRASE]   (opens the home, says "held", waits)
"""

from __future__ import annotations

import sys
import time
from pathlib import Path


def main(args: list[str]) -> None:
    from legalaid.paths import HomePaths

    command, home = args[0], Path(args[1])
    if command == "change-passphrase":
        from legalaid.safety.keys import change_home_passphrase

        change_home_passphrase(HomePaths(home), args[2], args[3])
    elif command == "recovery-key":
        from legalaid.safety.keys import replace_home_recovery_key

        print(replace_home_recovery_key(HomePaths(home), args[2]), flush=True)
    elif command == "hold":
        from legalaid.home import open_home
        from legalaid.homelock import set_program

        set_program(args[2])
        passphrase = args[3] if len(args) > 3 else None
        ctx = open_home(home, passphrase=passphrase, unencrypted=passphrase is None)
        print("held", flush=True)
        time.sleep(600)
        ctx.close()
    print("done", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
