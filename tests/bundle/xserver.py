"""A real X server (Xvfb) for a real program's window, driven with xdotool as a person would:
find a window by its title, type into it, press keys, and a screenshot read from Xvfb's
frame buffer file (XWD) into a PNG."""

from __future__ import annotations

import os
import shutil
import struct
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from PIL import Image

SCREEN = (1366, 768)  # the shelters' laptops


class XServer:
    def __init__(self, display: str, frame_buffer: Path) -> None:
        self.display = display
        self.frame_buffer = frame_buffer

    def xdotool(self, *args: str, check: bool = True) -> str:
        done = subprocess.run(
            ["xdotool", *args],
            env={**os.environ, "DISPLAY": self.display},
            capture_output=True,
            text=True,
            timeout=30,
        )
        if check and done.returncode != 0:
            raise AssertionError(f"xdotool {args}: {done.stderr}")
        return done.stdout

    def windows(self, title: str) -> list[str]:
        """Visible windows whose title matches the regular expression ``title``."""
        return self.xdotool("search", "--onlyvisible", "--name", title, check=False).split()

    def wait_window(self, title: str, timeout: float = 60, alive: object = None) -> str:
        """The visible window titled ``title``; ``alive`` (a Popen) must not exit meanwhile."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = self.windows(title)
            if found:
                return found[0]
            if isinstance(alive, subprocess.Popen) and alive.poll() is not None:
                raise AssertionError(f"the program exited ({alive.returncode}) before {title!r}")
            time.sleep(0.1)
        raise AssertionError(f"no window {title!r} after {timeout} s")

    def wait_other_window(self, title: str, other: str, alive: object = None) -> str:
        """A second visible window titled ``title`` (a question asked over ``other``)."""
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            found = [w for w in self.windows(title) if w != other]
            if found:
                return found[0]
            if isinstance(alive, subprocess.Popen) and alive.poll() is not None:
                raise AssertionError(f"the program exited ({alive.returncode}) before {title!r}")
            time.sleep(0.1)
        raise AssertionError(f"no second window {title!r} after 60 s")

    def focus(self, window: str) -> None:
        self.xdotool("windowfocus", "--sync", window)

    def type(self, window: str, text: str) -> None:
        self.focus(window)
        self.xdotool("type", "--delay", "15", text)

    def key(self, window: str, *keys: str) -> None:
        self.focus(window)
        self.xdotool("key", *keys)

    def screenshot(self, path: Path) -> Image.Image:
        """The whole screen as Xvfb's frame buffer holds it (an XWD file), saved as PNG."""
        data = self.frame_buffer.read_bytes()
        header = struct.unpack(">25I", data[:100])
        size, width, height = header[0], header[4], header[5]
        bytes_per_line, colours, byte_order = header[12], header[19], header[7]
        start = size + colours * 12
        raw = "BGRX" if byte_order == 0 else "XRGB"
        pixels = data[start : start + bytes_per_line * height]
        image = Image.frombuffer("RGB", (width, height), pixels, "raw", raw, bytes_per_line, 1)
        image.save(path)
        return image


def missing_tools() -> list[str]:
    return [tool for tool in ("Xvfb", "xdotool") if shutil.which(tool) is None]


@contextmanager
def xvfb(folder: Path) -> Iterator[XServer]:
    """An X server on a free display, its screen 1366x768, its frame buffer in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    read, write = os.pipe()
    server = subprocess.Popen(
        [
            "Xvfb",
            "-displayfd",
            str(write),
            "-screen",
            "0",
            f"{SCREEN[0]}x{SCREEN[1]}x24",
            "-fbdir",
            str(folder),
            "-nolisten",
            "tcp",
        ],
        pass_fds=(write,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(write)
    try:
        with os.fdopen(read) as answer:
            number = answer.readline().strip()
        assert number, "Xvfb did not start"
        yield XServer(f":{number}", folder / "Xvfb_screen0")
    finally:
        server.terminate()
        server.wait(timeout=10)
