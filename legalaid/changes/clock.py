"""A hybrid logical clock: wall-clock milliseconds and a counter, as text that sorts.

A reading never goes backwards on one device, whatever the system clock does (the last one is
kept with the device), and :meth:`Clock.observe` moves it past a reading from elsewhere. It
orders changes; it never decides which of two changes wins.
"""

from __future__ import annotations

import time

COUNTER_DIGITS = 6
COUNTER_LIMIT = 10**COUNTER_DIGITS


def hlc_text(wall_ms: int, counter: int) -> str:
    return f"{wall_ms:013d}.{counter:0{COUNTER_DIGITS}d}"


def parse_hlc(text: str) -> tuple[int, int]:
    if not text:
        return 0, -1
    wall, _dot, counter = text.partition(".")
    return int(wall), int(counter)


def wall_ms() -> int:
    return time.time_ns() // 1_000_000


class Clock:
    def __init__(self, last: str = "") -> None:
        self.wall, self.counter = parse_hlc(last)

    @property
    def last(self) -> str:
        return hlc_text(self.wall, max(self.counter, 0))

    def ticks(self, count: int, now_ms: int | None = None) -> list[str]:
        """``count`` readings, each after the one before (and after every earlier one)."""
        now = wall_ms() if now_ms is None else now_ms
        if now > self.wall:
            self.wall, self.counter = now, -1
        out = []
        for _ in range(count):
            self.counter += 1
            if self.counter >= COUNTER_LIMIT:  # a million in one millisecond: borrow the next
                self.wall, self.counter = self.wall + 1, 0
            out.append(hlc_text(self.wall, self.counter))
        return out

    def tick(self, now_ms: int | None = None) -> str:
        return self.ticks(1, now_ms)[0]

    def observe(self, remote: str) -> None:
        """Move past a reading received from another device."""
        wall, counter = parse_hlc(remote)
        if (wall, counter) > (self.wall, self.counter):
            self.wall, self.counter = wall, counter
