"""Desks on the office server hear of each other's writes: PostgreSQL's LISTEN/NOTIFY.

Every write transaction of a :class:`ServerDatabase` that recorded change entries sends one
notification on the channel ``legalaid`` before it commits (PostgreSQL delivers it at the
commit, and never for a transaction rolled back). Its payload holds no personal data: the kinds
of things changed, the ids of the cases (at most ``MAX_CASES``, else "everything"), and the
sending desk's random token, so a desk skips its own writes (its views already refreshed).

A desk listens on a connection of its own, on a worker thread (:class:`Listener`): a lost
connection is retried with a growing pause, and its state is reported, never raised.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable
from typing import Any

from legalaid.services import ops
from legalaid.services.ops import OpChanges

CHANNEL = "legalaid"
MAX_CASES = 50  # more cases than this: "everything changed" (a payload stays under 8000 bytes)
# The stored tables whose changes a desk's views show, and the kind each one is.
KINDS = {
    "case": ops.CASE,
    "person": ops.PERSON,
    "hearing": ops.HEARING,
    "hearing_attendee": ops.HEARING,
    "risk_assessment": ops.RISK,
    "incident": ops.RISK,
    "document_log": ops.DOCUMENT,
    "crossing": ops.REFERENCE,
    "court": ops.REFERENCE,
}
# Listener states, for the window's status bar.
LISTENING, LOST = "listening", "lost"
FIRST_PAUSE, LONGEST_PAUSE = 1.0, 30.0  # seconds between tries after a lost connection
CHECK_EVERY = 10.0  # seconds: a quiet connection is checked with a query (a dead network)

log = logging.getLogger(__name__)


def make_payload(sender: str, rows: list[tuple[str, str | None]]) -> str | None:
    """The notification for change entries ``(table, case id)``; None when no view shows
    any of them."""
    kinds = sorted({KINDS[table] for table, _case in rows if table in KINDS})
    if not kinds:
        return None
    cases = sorted({case for table, case in rows if case and table in KINDS})
    body: dict[str, Any] = {"from": sender, "kinds": kinds}
    if len(cases) > MAX_CASES:
        body["all"] = True
    else:
        body["cases"] = cases
    return json.dumps(body, separators=(",", ":"))


def read_payload(text: str) -> tuple[str, OpChanges] | None:
    """The sender and what changed; None for a payload this version cannot read."""
    try:
        body = json.loads(text)
        kinds = frozenset(str(k) for k in body["kinds"] if k in ops.KINDS)
        sender = str(body.get("from", ""))
        if body.get("all"):
            return sender, OpChanges(kinds=kinds, everything=True)
        cases = frozenset(str(c) for c in body.get("cases", []))
    except (ValueError, KeyError, TypeError):
        return None
    return sender, OpChanges(cases, kinds)


def announce(session: Any, sender: str) -> None:
    """Before the write transaction of ``session`` commits: one notification of what its
    change entries touched (none when it recorded nothing)."""
    from legalaid.changes.capture import KEY

    recorder = session.info.get(KEY)
    if recorder is None or recorder.first_seq is None:
        return
    conn = session.connection()
    rows = conn.exec_driver_sql(
        "SELECT DISTINCT table_name, case_id FROM change_log WHERE device = %s AND seq >= %s",
        (recorder.device, recorder.first_seq),
    ).all()
    payload = make_payload(sender, [(str(t), c) for t, c in rows])
    if payload is not None:
        conn.exec_driver_sql("SELECT pg_notify(%s, %s)", (CHANNEL, payload))


class Listener:
    """Listens for other desks' writes until ``stop``; runs on a thread of its own (``run``).

    ``connect`` opens an autocommit psycopg connection; ``changed`` gets what another desk
    changed; ``state`` gets LISTENING or LOST whenever the state changes."""

    def __init__(
        self,
        connect: Callable[[], Any],
        sender: str,
        changed: Callable[[OpChanges], object],
        state: Callable[[str], object],
    ) -> None:
        self.connect, self.sender = connect, sender
        self.changed, self.state = changed, state
        self._stop = threading.Event()
        self.pause = FIRST_PAUSE
        self._conn: Any = None

    def stop(self) -> None:
        self._stop.set()

    @property
    def stopped(self) -> bool:
        return self._stop.is_set()

    def run(self) -> None:
        reported = ""
        while not self._stop.is_set():
            try:
                conn = self.connect()
            except Exception as error:  # unreachable server, refused login: tried again
                log.info("office server listener: %s", error)
                reported = self._report(reported, LOST)
                self._stop.wait(self.pause)
                self.pause = min(self.pause * 2, LONGEST_PAUSE)
                continue
            try:
                conn.execute(f"LISTEN {CHANNEL}")
                self.pause = FIRST_PAUSE
                reported = self._report(reported, LISTENING)
                self._listen(conn)
            except Exception as error:  # the connection was lost: tried again
                log.info("office server listener lost: %s", error)
                if not self._stop.is_set():
                    reported = self._report(reported, LOST)
                    self._stop.wait(self.pause)
                    self.pause = min(self.pause * 2, LONGEST_PAUSE)
            finally:
                try:
                    conn.close()
                except Exception:  # already broken
                    log.debug("closing a lost listener connection", exc_info=True)

    def _report(self, reported: str, state: str) -> str:
        if state != reported:
            self.state(state)
        return state

    def _listen(self, conn: Any) -> None:
        quiet = 0.0
        while not self._stop.is_set():
            heard = False
            for note in conn.notifies(timeout=0.5):
                heard = True
                if self._stop.is_set():
                    return
                found = read_payload(note.payload)
                if found is not None and found[0] != self.sender:
                    self.changed(found[1])
            quiet = 0.0 if heard else quiet + 0.5
            if quiet >= CHECK_EVERY:
                conn.execute("SELECT 1")
                quiet = 0.0
