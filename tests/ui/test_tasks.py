"""The client's one runner: queries side by side, commands one at a time in order, what a command
changed announced to the views (and the main window's lists refreshed from it)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from types import SimpleNamespace

from pytestqt.qtbot import QtBot

from legalaid.context import AppContext
from legalaid.services import ops
from legalaid.services.demo import generate_demo
from legalaid.services.ops import OpChanges
from tests.ui.conftest import main_window, wait_idle
from ui.common.tasks import Control, TaskRunner


def test_commands_run_one_at_a_time_in_the_order_asked(qtbot: QtBot, runner: TaskRunner) -> None:
    running: list[int] = []
    overlaps: list[int] = []
    order: list[int] = []
    lock = threading.Lock()

    def command(number: int) -> Callable[[Control], int]:
        def work(_control: Control) -> int:
            with lock:
                if running:
                    overlaps.append(number)
                running.append(number)
            time.sleep(0.02)
            with lock:
                running.remove(number)
                order.append(number)
            return number

        return work

    for number in range(8):
        runner.command(command(number))
    wait_idle(qtbot, runner)
    assert overlaps == [] and order == list(range(8))


def test_queries_run_side_by_side(qtbot: QtBot, runner: TaskRunner) -> None:
    both_in = threading.Barrier(2, timeout=10)

    def query(_control: Control) -> bool:
        both_in.wait()  # only returns when the other query is running at the same time
        return True

    answers: list[bool] = []
    runner.query(query, done=answers.append)
    runner.query(query, done=answers.append)
    wait_idle(qtbot, runner)
    assert answers == [True, True]


def test_what_a_command_changed_is_announced_before_its_answer(
    qtbot: QtBot, runner: TaskRunner
) -> None:
    heard: list[object] = []
    runner.changed.connect(lambda changes: heard.append(changes))
    change = OpChanges.of(ops.HEARING, case="c1")
    runner.command(lambda _c: change, done=lambda result: heard.append(("done", result)))
    runner.command(lambda _c: 42)  # not an OpChanges: nothing announced
    saved = SimpleNamespace(record="r", changes=OpChanges.of(ops.RISK, case="c2"))
    runner.command(lambda _c: saved)  # a result carrying what changed
    runner.query(lambda _c: OpChanges.all())  # a query changes nothing: nothing announced
    wait_idle(qtbot, runner)
    assert heard == [change, ("done", change), saved.changes]


def test_the_window_lists_refresh_from_an_announced_change(qtbot: QtBot, ctx: AppContext) -> None:
    window = main_window(qtbot, ctx)
    generate_demo(ctx, 3, seed=5)  # written behind the window's back
    window.runner.announce(OpChanges.of(ops.SETTINGS))  # a kind no list shows
    wait_idle(qtbot, window.runner)
    assert window.cases.model.rowCount() == 0
    window.runner.command(lambda _c: OpChanges.of(ops.CASE, case="x"))
    qtbot.waitUntil(lambda: window.cases.model.rowCount() == 3, timeout=10_000)
    qtbot.waitUntil(lambda: window.counts.text().startswith("3"), timeout=10_000)


def test_an_open_case_window_reads_its_case_again_unless_typed_in(
    qtbot: QtBot, ctx: AppContext
) -> None:
    from legalaid.services.case_edit import edit_case
    from tests.core.helpers import family
    from tests.ui.keys import type_into

    number = family(ctx).case.case_number
    other = family(ctx, a_number=None).case
    window = main_window(qtbot, ctx)
    editor = window.open_case(family_id := ctx_case_id(ctx, number))
    wait_idle(qtbot, window.runner)
    assert editor.household.city.text() == "Tijuana, B.C."
    # Another command changes this case: the window shows the stored value.
    window.runner.command(
        lambda _c: (
            edit_case(ctx, number, ["city=Mexicali"]),
            OpChanges.of(ops.CASE, case=family_id),
        )[1]
    )
    qtbot.waitUntil(lambda: editor.household.city.text() == "Mexicali", timeout=10_000)
    # A change to another case leaves it alone; with typing not saved it is never reloaded.
    type_into(editor.household.phone, " ext. 12")
    window.runner.command(
        lambda _c: (
            edit_case(ctx, number, ["city=Ensenada"]),
            OpChanges.of(ops.CASE, case=family_id),
        )[1]
    )
    window.runner.command(lambda _c: OpChanges.of(ops.CASE, case=other.id))
    wait_idle(qtbot, window.runner)
    assert editor.household.city.text() == "Mexicali"
    assert editor.household.phone.text().endswith(" ext. 12")


def ctx_case_id(ctx: AppContext, number: str) -> str:
    from legalaid.services.cases import get_case

    return get_case(ctx, number).case.id
