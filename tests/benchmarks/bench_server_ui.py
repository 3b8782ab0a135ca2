"""The client's cold start on the office server, next to its cold start on a local home with the
same cases (measured in the same run, alternating, median of STARTS).

    QT_QPA_PLATFORM=offscreen .venv/bin/python tests/benchmarks/bench_server_ui.py [--cases N]

The server is a throw-away PostgreSQL on this machine (tests/postgres.py: a unix socket, SCRAM
passwords); the desk logs in as a lawyer with PGPASSWORD, as a desk with ~/.pgpass would. Both
starts are the ``legalaid`` command watched by ui_child.py's finder ("ready": the window shown,
its first rows painted, the search box taking keys); the local one is
``legalaid --home HOME --unencrypted``, the server one ``legalaid --home HOME --server URL``.
Aim: within 1.5x of the local start.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
STARTS = 9
PASSWORD = "bench password"
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

from bench_ui import _ready_time  # noqa: E402  (tests/benchmarks/bench_ui.py)
from figures import row  # noqa: E402  (tests/benchmarks/figures.py)

# ui_child's watcher, then the ``legalaid`` command with the given arguments; "ready" ends it.
CHILD = (
    "import sys; sys.path.insert(0, {here!r}); import ui_child; ui_child.LETTERS[0] = 0; "
    "sys.meta_path.insert(0, ui_child._WatchTheWindow()); "
    "from legalaid.__main__ import main; sys.argv = ['legalaid', *{args!r}]; sys.exit(main())"
)


def child(*args: str) -> list[str]:
    return [sys.executable, "-c", CHILD.format(here=str(HERE), args=list(args))]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=20_000)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    from urllib.parse import quote

    from legalaid.home import open_home
    from legalaid.server.context import open_server
    from legalaid.server.users import add_user, init_server
    from legalaid.services.demo import generate_demo
    from tests.postgres import Cluster, bindir

    folder = bindir()
    if folder is None:
        print("PostgreSQL is not installed: no server figures", file=sys.stderr)
        if args.json:  # run.py reads it: no rows, and `make bench` goes on
            args.json.write_text("[]")
        return 0
    cluster = Cluster(folder).start()
    try:
        with tempfile.TemporaryDirectory() as temp:
            dbname = cluster.create_database()
            init_server(cluster.url(dbname), admin="bench_admin", password=PASSWORD)
            admin = cluster.url(dbname, "bench_admin") + "&password=" + quote(PASSWORD)
            add_user(admin, "bench_lawyer", "lawyer", PASSWORD)
            url = cluster.url(dbname, "bench_lawyer")
            on_server = open_server(url, Path(temp) / "desk", password=PASSWORD, ask=False)
            generate_demo(on_server, args.cases, seed=1)
            on_server.close()
            local = open_home(Path(temp) / "home", unencrypted=True)
            generate_demo(local, args.cases, seed=1)
            local.close()
            for where in ("desk", "home"):  # no first-run questions at either start
                settings = Path(temp) / where / "settings.json"
                saved = json.loads(settings.read_text()) if settings.exists() else {}
                saved["organisation"] = {"name": "Bench"}
                settings.write_text(json.dumps(saved))
            subprocess.run(
                [sys.executable, "-m", "compileall", "-q", "legalaid", "ui", str(HERE)],
                cwd=ROOT,
                check=True,
                stdout=subprocess.DEVNULL,
            )
            env = {
                **os.environ,
                "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen"),
                "PGPASSWORD": PASSWORD,
            }
            local_command = child(
                "--home", str(Path(temp) / "home"), "--unencrypted", "--lang", "es"
            )
            server_command = child(
                "--home", str(Path(temp) / "desk"), "--server", url, "--lang", "es"
            )
            local_starts: list[float] = []
            server_starts: list[float] = []
            for _ in range(STARTS):  # alternating, so a noisy moment hits both
                local_starts.append(_ready_time(local_command, env)[0])
                server_starts.append(_ready_time(server_command, env)[0])
    finally:
        cluster.stop()
    server, base = statistics.median(server_starts), statistics.median(local_starts)
    rows = [
        row(
            f"cold start on the office server, {args.cases:,} cases",
            server,
            "s",
            base,
            "the same cases in a local home",
            "within 1.5x",
            server / base <= 1.5,
        )
    ]
    print(f"local starts: {sorted(round(s, 3) for s in local_starts)}", file=sys.stderr)
    print(f"server starts: {sorted(round(s, 3) for s in server_starts)}", file=sys.stderr)
    for r in rows:
        print(json.dumps(r, ensure_ascii=False))
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
