"""Run every benchmark and write one table (Markdown and JSON) with the machine's description.

    make bench            # or: .venv/bin/python tests/benchmarks/run.py [--cases 100000]

Each figure stands next to a baseline measured in the same run (only ratios travel between
machines). Output: bench-results/benchmarks.md and bench-results/benchmarks.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent


def machine() -> dict[str, Any]:
    cpu = platform.processor() or ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        import psutil

        memory = f"{psutil.virtual_memory().total / 2**30:.0f} GiB"
    except ImportError:
        pass
    from sqlcipher3 import dbapi2

    return {
        "when": time.strftime("%Y-%m-%d %H:%M %Z"),
        "system": f"{platform.system()} {platform.release()} {platform.machine()}",
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory": memory,
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "sqlcipher_sqlite": dbapi2.sqlite_version,
    }


def run_part(script: str, extra: list[str]) -> list[dict[str, Any]]:
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as handle:
        target = Path(handle.name)
    env = {**os.environ, "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen")}
    command = [sys.executable, str(HERE / script), *extra, "--json", str(target)]
    print("$", " ".join(command[1:]), flush=True)
    subprocess.run(command, check=True, env=env, cwd=ROOT)
    rows: list[dict[str, Any]] = json.loads(target.read_text())
    target.unlink()
    return rows


def markdown(info: dict[str, Any], rows: list[dict[str, Any]], command: str) -> str:
    lines = [
        f"Machine: {info['cpu']}, {info['cores']} cores, {info['memory']}; {info['system']}; "
        f"Python {info['python']}, SQLite {info['sqlite']} (SQLCipher build "
        f"{info['sqlcipher_sqlite']}); {info['when']}.",
        f"Command: `{command}`",
        "",
        "| figure | value | baseline (same run) | ratio | aim | met |",
        "|---|---|---|---|---|---|",
    ]
    for r in rows:
        base = (
            ""
            if r["baseline"] is None
            else f"{r['baseline']} {r.get('baseline_unit', r['unit'])} ({r['baseline_is']})"
        )
        met = {True: "yes", False: "**no**", None: ""}[r["ok"]]
        lines.append(
            f"| {r['figure']} | {r['value']} {r['unit']} | {base} | "
            f"{'' if r['ratio'] is None else r['ratio']} | {r['aim']} | {met} |"
        )
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--letters", type=int, default=1000)
    parser.add_argument("--out", type=Path, default=ROOT / "bench-results")
    parser.add_argument(
        "--skip",
        nargs="*",
        default=[],
        choices=["core", "letters", "ui", "exchange", "server", "server_ui"],
    )
    args = parser.parse_args()
    rows: list[dict[str, Any]] = []
    parts = {
        "core": ("bench_core.py", ["--cases", str(args.cases)]),
        "letters": ("bench_letters.py", ["--letters", str(args.letters), "--households", "200"]),
        "ui": ("bench_ui.py", ["--cases", str(args.cases), "--letters", str(args.letters)]),
        "exchange": ("bench_exchange.py", []),
        # The office server (PostgreSQL), started by the benchmark itself.
        "server": ("bench_server.py", ["--cases", str(args.cases)]),
        # The client's cold start against that server, beside a local home with the same cases
        # (both skip with a message, and no rows, when PostgreSQL is not installed).
        "server_ui": ("bench_server_ui.py", ["--cases", str(args.cases)]),
    }
    for name, (script, extra) in parts.items():
        if name not in args.skip and (HERE / script).exists():
            rows += run_part(script, extra)
    info = machine()
    args.out.mkdir(parents=True, exist_ok=True)
    command = (
        "make bench"
        if args.cases == 100_000
        else f"python tests/benchmarks/run.py --cases {args.cases}"
    )
    (args.out / "benchmarks.json").write_text(
        json.dumps({"machine": info, "rows": rows}, indent=2, ensure_ascii=False)
    )
    (args.out / "benchmarks.md").write_text(markdown(info, rows, command))
    print(markdown(info, rows, command))
    return 0


if __name__ == "__main__":
    sys.exit(main())
