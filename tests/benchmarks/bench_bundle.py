"""The bundled client's cold start against `make run`'s, on one real X server, in one run.

    .venv/bin/python tests/benchmarks/bench_bundle.py [--runs 11] [--cases 2000]

Both start the client on the same home (demo cases, the unencrypted demo mode, so the
passphrase's key derivation, the same in both, does not blur the comparison) under Xvfb; the
time is from starting the process to the X server mapping the main window ("shown"), read from
the server's own events (MapNotify), not by polling. Starts alternate between the two; each
client is closed with Ctrl+Q before the next. The bundle is tools/build_dist.py's cached build
of the current sources (made first if missing), its build time and sizes are reported too.
`make run` is the development environment's `legalaid` command with compiled bytecode.
"""

from __future__ import annotations

import argparse
import ctypes
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.bundle.xserver import XServer, xvfb  # noqa: E402

MAP_NOTIFY = 19
SUBSTRUCTURE_NOTIFY = 1 << 19
TITLE = b"expedientes y audiencias"


class MapWatcher:
    """Windows mapped on the X server's screen, with the time each was mapped."""

    def __init__(self, display: str) -> None:
        self.x = ctypes.CDLL("libX11.so.6")
        self.x.XOpenDisplay.restype = ctypes.c_void_p
        self.x.XOpenDisplay.argtypes = [ctypes.c_char_p]
        self.x.XDefaultRootWindow.restype = ctypes.c_ulong
        self.x.XDefaultRootWindow.argtypes = [ctypes.c_void_p]
        self.x.XSelectInput.argtypes = [ctypes.c_void_p, ctypes.c_ulong, ctypes.c_long]
        self.x.XPending.argtypes = [ctypes.c_void_p]
        self.x.XNextEvent.argtypes = [ctypes.c_void_p, ctypes.c_void_p]
        self.x.XSync.argtypes = [ctypes.c_void_p, ctypes.c_int]
        self.display_name = display
        self.display = self.x.XOpenDisplay(display.encode())
        assert self.display, f"cannot open {display}"
        root = self.x.XDefaultRootWindow(self.display)
        self.x.XSelectInput(self.display, root, SUBSTRUCTURE_NOTIFY)
        self.x.XSync(self.display, 0)
        self.event = ctypes.create_string_buffer(192)  # sizeof(XEvent) on 64-bit

    def name_of(self, window: int) -> str:
        done = subprocess.run(
            ["xdotool", "getwindowname", str(window)],
            env={**os.environ, "DISPLAY": self.display_name},
            capture_output=True,
            text=True,
        )
        return done.stdout.strip()

    def drain(self) -> None:
        while self.x.XPending(self.display):
            self.x.XNextEvent(self.display, self.event)

    def wait_mapped(self, title: bytes, process: subprocess.Popen[bytes], timeout: float) -> float:
        """perf_counter() when a window whose name contains ``title`` was mapped."""
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            if not self.x.XPending(self.display):
                if process.poll() is not None:
                    raise RuntimeError(f"the client exited with {process.returncode}")
                time.sleep(0.0005)
                continue
            self.x.XNextEvent(self.display, self.event)
            at = time.perf_counter()
            kind = int.from_bytes(self.event.raw[0:4], "little")
            if kind != MAP_NOTIFY:
                continue
            window = int.from_bytes(self.event.raw[40:48], "little")
            # The title is read afterwards (the event's time is already taken): Qt writes a
            # title with an em dash as UTF-8, which XFetchName does not return.
            if title.decode() in self.name_of(window):
                return at
        raise RuntimeError("the main window was not shown in time")


def start_once(
    command: list[str], env: dict[str, str], watcher: MapWatcher, screen: XServer
) -> float:
    watcher.drain()
    started = time.perf_counter()
    client = subprocess.Popen(
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        shown = watcher.wait_mapped(TITLE, client, timeout=120)
        time.sleep(1.0)  # let it finish starting before it is asked to close
        window = screen.wait_window(TITLE.decode(), alive=client)
        screen.key(window, "ctrl+q")
        client.wait(timeout=120)
    finally:
        if client.poll() is None:
            client.kill()
            client.wait()
    return shown - started


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=11)
    parser.add_argument("--cases", type=int, default=2000)
    args = parser.parse_args()
    build = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "build_dist.py"), "--cache", "--json"],
        capture_output=True,
        text=True,
        check=True,
    )
    bundle = json.loads(build.stdout.strip().splitlines()[-1])
    source = [str(Path(sys.executable).with_name("legalaid"))]
    subprocess.run(
        [sys.executable, "-m", "compileall", "-q", "legalaid", "ui"],
        cwd=ROOT,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        home = base / "home"
        subprocess.run(
            [*source, "--unencrypted", "--home", str(home), "demo", "--cases", str(args.cases)],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        times: dict[str, list[float]] = {"bundle": [], "make run": []}
        commands = {
            "bundle": [bundle["command"]],
            "make run": source,
        }
        with xvfb(base / "x") as screen:
            env = {
                "HOME": str(base),
                "PATH": "/usr/bin:/bin",
                "LANG": "es_MX.UTF-8",
                "DISPLAY": screen.display,
                "XDG_RUNTIME_DIR": str(base),
            }
            watcher = MapWatcher(screen.display)
            for name in ("bundle", "make run"):  # one start each, not counted: caches warm
                start_once(
                    [*commands[name], "--unencrypted", "--home", str(home)], env, watcher, screen
                )
            for _ in range(args.runs):
                for name, command in commands.items():
                    seconds = start_once(
                        [*command, "--unencrypted", "--home", str(home)], env, watcher, screen
                    )
                    times[name].append(seconds)
    bundled, source_start = (statistics.median(times[n]) for n in ("bundle", "make run"))
    mb = 1024 * 1024
    result = {
        "cases": args.cases,
        "runs": args.runs,
        "bundle_start_s": round(bundled, 3),
        "make_run_start_s": round(source_start, 3),
        "ratio": round(bundled / source_start, 2),
        "bundle_all_s": [round(t, 3) for t in times["bundle"]],
        "make_run_all_s": [round(t, 3) for t in times["make run"]],
        "folder_mb": round(bundle["folder_bytes"] / mb, 1),
        "packed_mb": round(bundle["packed_bytes"] / mb, 1),
        "build_seconds": bundle["build_seconds"],
        "pack_seconds": bundle["pack_seconds"],
        "build_reused": bundle["reused"],
        "machine": f"{os.cpu_count()} cores, {time.strftime('%Y-%m-%d %H:%M %Z')}",
    }
    print(json.dumps(result, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
