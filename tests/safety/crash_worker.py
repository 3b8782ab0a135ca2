"""Run in a child process by test_crash.py, which kills it with SIGKILL at a random moment.

python crash_worker.py import HOME FILE.csv
python crash_worker.py dry-import HOME FILE.csv
python crash_worker.py edits HOME LOGFILE PASSPHRASE
"""

from __future__ import annotations

import os
import sys
from pathlib import Path


def do_import(home: str, source: str, dry_run: bool = False) -> None:
    from legalaid.home import open_home
    from legalaid.spreadsheets.importer import import_file

    ctx = open_home(home, unencrypted=True)
    print("start", flush=True)
    report = import_file(ctx, Path(source), dry_run=dry_run)
    print("done", report.imported_rows, flush=True)


def do_edits(home: str, log: str, passphrase: str) -> None:
    from legalaid.home import open_home
    from legalaid.services.cases import CaseInput, PersonInput, open_case, update_case

    ctx = open_home(home, passphrase=passphrase)
    print("start", flush=True)
    with open(log, "a", encoding="utf-8") as out:
        for i in range(100_000):
            people = [
                PersonInput(f"Persona{i} {n}", "Núñez Peña", "principal" if n == 0 else "child")
                for n in range(3)
            ]
            detail = open_case(ctx, CaseInput(crossing="SYS", notes=f"edit {i}"), people)
            update_case(
                ctx,
                detail.case.id,
                detail.case.version,
                CaseInput(crossing="ELP", shelter=f"Albergue {i}"),
            )
            out.write(detail.case.case_number + "\n")  # only after both commits returned
            out.flush()
            os.fsync(out.fileno())


if __name__ == "__main__":
    if sys.argv[1] in ("import", "dry-import"):
        do_import(sys.argv[2], sys.argv[3], dry_run=sys.argv[1] == "dry-import")
    else:
        do_edits(sys.argv[2], sys.argv[3], sys.argv[4])
