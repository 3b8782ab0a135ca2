"""Desks hear of each other's writes through PostgreSQL's LISTEN/NOTIFY: one notification per
committed write, none for a rolled-back one, no personal data in it, a lost listener connection
taken up again."""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest

from legalaid.server.context import ServerContext, open_server
from legalaid.server.notify import LISTENING, LOST, Listener, make_payload, read_payload
from legalaid.services import ops
from tests.core.helpers import family
from tests.server.conftest import Office


@pytest.fixture
def desks(office: Office, tmp_path: Path) -> Iterator[tuple[ServerContext, ServerContext]]:
    one = open_server(office.url(office.lawyer), tmp_path / "one", ask=False)
    two = open_server(office.url(office.volunteer), tmp_path / "two", ask=False)
    yield one, two
    one.close()
    two.close()


class Heard:
    def __init__(self, ctx: ServerContext) -> None:
        self.changes: queue.Queue[ops.OpChanges] = queue.Queue()
        self.states: queue.Queue[str] = queue.Queue()
        db: Any = ctx.db
        self.listener = Listener(
            lambda: db.connect_raw(autocommit=True), db.sender, self.changes.put, self.states.put
        )
        self.thread = threading.Thread(target=self.listener.run, daemon=True)
        self.thread.start()
        assert self.states.get(timeout=10) == LISTENING

    def stop(self) -> None:
        self.listener.stop()
        self.thread.join(10)
        assert not self.thread.is_alive()


def test_a_desk_hears_another_desks_save_and_not_its_own(
    desks: tuple[ServerContext, ServerContext],
) -> None:
    one, two = desks
    heard = Heard(two)
    try:
        case = family(one).case
        changes = heard.changes.get(timeout=5)
        assert changes.touches_case(case.id) and not changes.everything
        assert {ops.CASE, ops.PERSON} <= changes.kinds
        family(two, a_number=None)  # its own write: not announced to itself
        with pytest.raises(queue.Empty):
            heard.changes.get(timeout=1.5)
    finally:
        heard.stop()


def test_a_rolled_back_write_is_not_announced(
    desks: tuple[ServerContext, ServerContext],
) -> None:
    one, two = desks
    heard = Heard(two)
    try:
        with pytest.raises(RuntimeError), one.db.write():
            family(one)  # joins the outer transaction, which fails
            raise RuntimeError("rolled back")
        with pytest.raises(queue.Empty):
            heard.changes.get(timeout=1.5)
    finally:
        heard.stop()


def test_a_lost_listener_connection_is_taken_up_again(
    office: Office, desks: tuple[ServerContext, ServerContext]
) -> None:
    one, two = desks
    heard = Heard(two)
    heard.listener.pause = 0.1
    try:
        with office.superuser() as conn:
            conn.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE query LIKE 'LISTEN%%' AND usename = %s",
                (office.volunteer,),
            )
        assert heard.states.get(timeout=10) == LOST
        assert heard.states.get(timeout=10) == LISTENING
        case = family(one).case
        assert heard.changes.get(timeout=5).touches_case(case.id)
    finally:
        heard.stop()


def test_the_payload_is_small_and_names_no_person() -> None:
    rows: list[tuple[str, str | None]] = [("person", f"case-{i}") for i in range(3)]
    rows.append(("audit_entry", None))
    payload = make_payload("desk", rows)
    assert payload is not None and "case-0" in payload
    sender, changes = read_payload(payload) or ("", ops.NOTHING)
    assert sender == "desk" and changes.kinds == {ops.PERSON} and len(changes.cases) == 3
    many = make_payload("desk", [("case", f"{i:036d}") for i in range(5000)])
    assert many is not None and len(many) < 200
    assert (read_payload(many) or ("", ops.NOTHING))[1].everything
    assert make_payload("desk", [("audit_entry", None)]) is None
    assert read_payload("not json") is None


def test_an_unreachable_server_is_reported_and_tried_again() -> None:
    states: queue.Queue[str] = queue.Queue()
    tries: list[int] = []

    def refuse() -> Any:
        tries.append(1)
        raise psycopg.OperationalError("no server")

    listener = Listener(refuse, "desk", lambda _c: None, states.put)
    listener.pause = 0.05
    thread = threading.Thread(target=listener.run, daemon=True)
    thread.start()
    assert states.get(timeout=5) == LOST
    threading.Event().wait(0.5)
    listener.stop()
    thread.join(5)
    assert len(tries) >= 2 and states.empty()  # reported once, tried again with pauses
