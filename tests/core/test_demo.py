from __future__ import annotations

from sqlmodel import col, func, select

from legalaid.context import AppContext
from legalaid.models import Case, Hearing, Person, RiskAssessment
from legalaid.services.demo import add_demo, generate_demo
from legalaid.services.search import count_cases, search_cases


def test_demo_households_are_realistic_and_marked(ctx: AppContext) -> None:
    generate_demo(ctx, 300, seed=7)
    with ctx.db.read() as s:
        cases = s.exec(select(Case)).all()
        assert len(cases) == 300 and all(
            c.is_demo and c.case_number.startswith("DEMO-") for c in cases
        )
        assert all("DEMO" in c.notes for c in cases)
        crossings = {c.crossing_id for c in cases}
        assert len(crossings) == 7
        statuses = set(s.exec(select(Hearing.status)).all())
        assert {"scheduled", "missed", "postponed"} <= statuses
        assert s.exec(select(func.count()).select_from(RiskAssessment)).one() > 10
        assert (
            s.exec(
                select(func.count())
                .select_from(Hearing)
                .where(col(Hearing.replaces_id).is_not(None))
            ).one()
            > 0
        )
        people = s.exec(select(Person)).all()
        assert any(p.relationship == "child" for p in people)
        assert any(any(ch in p.family_names for ch in "áéíóúñÁÉÍÓÚÑ") for p in people)
    assert count_cases(ctx, "hernandez") > 0
    assert search_cases(ctx, "hernandez")[0].principal


def test_demo_can_be_added_twice_and_is_deterministic(ctx: AppContext) -> None:
    generate_demo(ctx, 20, seed=3)
    generate_demo(ctx, 20, seed=3)
    assert count_cases(ctx) == 40
    assert search_cases(ctx, "", limit=1, offset=20, order="case_number")[0].case_number.endswith(
        "000021"
    )


def test_adding_demo_cases_says_everything_changed(ctx: AppContext) -> None:
    added = add_demo(ctx, 5, seed=2)
    assert added.record == 5 and count_cases(ctx) == 5
    assert added.changes.everything and added.changes.touches("hearing", "document")
    assert not add_demo(ctx, 0).changes  # nothing added, nothing to redraw
