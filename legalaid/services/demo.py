"""Synthetic households for demos, training and benchmarks, clearly marked as demo data.

Realistic shapes: Mexican and Central American names with accents and two surnames, families
with children, hearing histories with postponements, missed and unverified hearings, and some
risk assessments, across every crossing. Written with bulk inserts in one transaction.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import select

from legalaid.context import AppContext
from legalaid.models import (
    Case,
    Court,
    Crossing,
    Hearing,
    HearingAttendee,
    Incident,
    Person,
    RiskAssessment,
)
from legalaid.services import audit
from legalaid.services.bulk import BulkRows
from legalaid.services.ops import NOTHING, OpChanges
from legalaid.services.sql import may
from legalaid.services.writes import Saved

DEMO_PREFIX = "DEMO"
DEMO_NOTE = "DATOS DE DEMOSTRACIÓN / DEMO DATA: not a real person."
GIVEN_F = [
    "María",
    "Guadalupe",
    "Rosa",
    "Ana",
    "Sofía",
    "Lucía",
    "Daniela",
    "Jimena",
    "Valeria",
    "Ximena",
    "Itzel",
    "Mónica",
    "Verónica",
    "Araceli",
    "Yésica",
    "Marisol",
    "Noemí",
    "Dulce María",
    "Ana Belén",
    "Inés",
    "Begoña",
    "Yolanda",
    "Zoila",
    "Glenda",
    "Iris",
]
GIVEN_M = [
    "José",
    "Juan",
    "Luis",
    "Carlos",
    "Jesús",
    "Miguel Ángel",
    "Andrés",
    "Óscar",
    "Raúl",
    "Héctor",
    "Joaquín",
    "Rubén",
    "Efraín",
    "Tomás",
    "Martín",
    "Iván",
    "Adrián",
    "Elías",
    "Nicolás",
    "Ramón",
    "Julián",
    "Germán",
    "Darwin",
    "Wilmer",
    "Edwin",
    "Nahúm",
]
SURNAMES = [
    "Hernández",
    "García",
    "Martínez",
    "López",
    "González",
    "Pérez",
    "Rodríguez",
    "Sánchez",
    "Ramírez",
    "Cruz",
    "Gómez",
    "Flores",
    "Díaz",
    "Núñez",
    "Muñoz",
    "Íñiguez",
    "Ordóñez",
    "Peña",
    "Castañeda",
    "Ibáñez",
    "Chávez",
    "Juárez",
    "Vásquez",
    "Méndez",
    "Álvarez",
    "Domínguez",
    "Gutiérrez",
    "Jiménez",
    "Mejía",
    "Villeda",
    "Zelaya",
    "Xicará",
    "Tzoc",
    "Ajú",
    "Batz",
    "Cifuentes",
    "Mazariegos",
    "Ortíz",
    "Quiñónez",
]
NATIONALITIES = [
    ("HN", 30),
    ("GT", 25),
    ("SV", 15),
    ("CU", 8),
    ("VE", 7),
    ("NI", 6),
    ("EC", 4),
    ("CO", 3),
    ("BR", 1),
    ("HT", 1),
]
LANGUAGE_BY_NATION = {"BR": "pt", "HT": "ht"}
INDIGENOUS = ["quc", "mam", "kjb", "ixl"]
SHELTERS = [
    "Albergue de ejemplo Norte",
    "Casa de ejemplo San José",
    "Albergue de ejemplo Esperanza",
    "Campamento de ejemplo del puente",
    "Cuarto rentado",
    "Sin albergue",
]
DEMO_NARRATIVE = "Relato de demostración: la familia reporta amenazas cerca del albergue."
COURT_TIMES = [time(8, 0), time(8, 30), time(9, 0), time(13, 0), time(13, 30)]


class _Rng(random.Random):
    def uid(self) -> str:
        return str(uuid.UUID(int=self.getrandbits(128), version=4))

    def weekday_near(self, base: date, lo: int, hi: int) -> date:
        day = base + timedelta(days=self.randint(lo, hi))
        while day.weekday() >= 5:
            day += timedelta(days=1)
        return day


def generate_demo(
    ctx: AppContext, cases: int, seed: int = 1, progress: Callable[[int, int], None] | None = None
) -> int:
    """Add ``cases`` demo households; returns how many were added (see :func:`add_demo`)."""
    return add_demo(ctx, cases, seed, progress).record


def add_demo(
    ctx: AppContext, cases: int, seed: int = 1, progress: Callable[[int, int], None] | None = None
) -> Saved[int]:
    """Add ``cases`` demo households; returns how many were added, and that everything
    changed (the lists, the upcoming board, the counts)."""
    today = datetime.now(UTC).date()
    with ctx.db.write() as session:
        crossings = list(session.exec(select(Crossing).order_by(Crossing.code)).all())
        courts = {c.code: c for c in session.exec(select(Court)).all()}
        start = _next_demo_number(session, today.year)
        rng = _Rng(f"{seed}:{start}")  # a second run goes on with new numbers and new ids
        conn = session.connection()
        # On the office server only lawyers write risk data: others' demo households have none.
        with_risk = may(session, "risk_assessment", "INSERT")
        batch = 2000
        for first in range(0, cases, batch):
            rows = BulkRows()
            for i in range(first, min(cases, first + batch)):
                _household(rng, rows, start + i, rng.choice(crossings), courts, today)
            if not with_risk:
                rows.tables[RiskAssessment].clear()
                rows.tables[Incident].clear()
            rows.write(conn)
            if progress:
                progress(min(cases, first + batch), cases)
        audit.record(session, ctx.actor, "demo", "case", "-", None, {"cases": [0, cases]})
    return Saved(cases, OpChanges.all() if cases else NOTHING)


def _next_demo_number(session: Any, year: int) -> int:
    last = session.exec(
        select(Case.case_number)
        .where(Case.case_number.like(f"{DEMO_PREFIX}-{year}-%"))  # type: ignore[attr-defined]
        .order_by(Case.case_number.desc())  # type: ignore[attr-defined]
    ).first()
    return int(last.rsplit("-", 1)[1]) + 1 if last else 1


def _household(
    rng: _Rng,
    rows: BulkRows,
    serial: int,
    crossing: Crossing,
    courts: dict[str, Court],
    today: date,
) -> None:
    number = f"{DEMO_PREFIX}-{today.year}-{serial:06d}"
    case_id = rng.uid()
    nation = rng.choices([n for n, _ in NATIONALITIES], [w for _, w in NATIONALITIES])[0]
    court = courts.get(crossing.default_court_code or "") or courts["SDG"]
    phone = f"+52 {rng.randint(600, 899)} {rng.randint(100, 999)} {rng.randint(1000, 9999)}"
    rows.add(
        Case,
        {
            "id": case_id,
            "case_number": number,
            "status": rng.choices(["open", "closed", "transferred", "archived"], [85, 8, 4, 3])[0],
            "city": crossing.mx_city,
            "address_mx": f"Calle Ejemplo {rng.randint(1, 999)}",
            "shelter": rng.choice(SHELTERS),
            "nta_address": rng.choice(["", "Facebook", "Albergue"]),
            "eoir33_filed": False,
            "eoir33_filed_on": None,
            "phone": phone,
            "whatsapp": phone,
            "returned_on": today - timedelta(days=rng.randint(20, 400)),
            "return_port_id": crossing.id,
            "crossing_id": crossing.id,
            "court_id": court.id,
            "representative": "",
            "letter_languages": "es,en",
            "notes": DEMO_NOTE,
            "closed_at": None,
            "is_demo": True,
        },
    )
    people = _people(rng, rows, case_id, nation, today, serial)
    _hearings(rng, rows, case_id, people, crossing, court, today)
    if rng.random() < 0.15:
        _risk(rng, rows, case_id, today, crossing)


def demo_anumber(serial: int, position: int) -> str:
    """Unique per (case serial, position): a bijection of 0..10^8-1, shifted into 2xx xxx xxx."""
    return f"{200_000_000 + (serial * 10 + position) * 48271 % 100_000_000:09d}"


def _people(
    rng: _Rng, rows: BulkRows, case_id: str, nation: str, today: date, serial: int
) -> list[str]:
    family = [rng.choice(SURNAMES), rng.choice(SURNAMES)]
    size = rng.choices([1, 2, 3, 4, 5, 6, 8], [20, 20, 25, 18, 10, 5, 2])[0]
    language = LANGUAGE_BY_NATION.get(nation, "es")
    if nation == "GT" and rng.random() < 0.3:
        language = rng.choice(INDIGENOUS)
    ids = []
    for position in range(size):
        female = rng.random() < 0.5
        adult = position < (2 if size > 2 else size)
        age = rng.randint(19, 60) if adult else rng.randint(0, 17)
        relationship = "principal" if position == 0 else ("spouse" if adult else "child")
        surnames = (
            " ".join(family)
            if position == 0 or not adult
            else (f"{rng.choice(SURNAMES)} {rng.choice(SURNAMES)}")
        )
        person_id = rng.uid()
        ids.append(person_id)
        rows.add(
            Person,
            {
                "id": person_id,
                "case_id": case_id,
                "relationship": relationship,
                "given_names": rng.choice(GIVEN_F if female else GIVEN_M),
                "family_names": surnames if adult else f"{family[0]} {rng.choice(SURNAMES)}",
                "birth_date": today - timedelta(days=age * 365 + rng.randint(0, 364)),
                "sex": "female" if female else "male",
                "nationality": nation,
                "language": language,
                "needs_interpreter": language not in ("es",),
                "a_number": demo_anumber(serial, position) if rng.random() < 0.9 else None,
                "position": position,
                "active": True,
            },
        )
    return ids


def _hearings(
    rng: _Rng,
    rows: BulkRows,
    case_id: str,
    people: list[str],
    crossing: Crossing,
    court: Court,
    today: date,
) -> None:
    count = rng.choices([1, 2, 3], [50, 35, 15])[0]
    final = rng.weekday_near(today, -25, 75)
    days = [*sorted({rng.weekday_near(final, -200, -30) for _ in range(count - 1)}), final]
    previous: str | None = None
    zone = ZoneInfo(court.zone)
    for index, day in enumerate(days):
        last = index == len(days) - 1
        at = datetime.combine(day, rng.choice(COURT_TIMES), tzinfo=zone).astimezone(UTC)
        if not last:
            status = rng.choice(["postponed", "attended"])
        elif day < today:
            status = rng.choices(["attended", "missed"], [75, 25])[0]
        else:
            status = "scheduled"
        verified = None
        if rng.random() < 0.6:
            verified = datetime.combine(
                min(today, day) - timedelta(days=rng.randint(0, 12)), time(17, 0), tzinfo=UTC
            )
        hearing_id = rng.uid()
        rows.add(
            Hearing,
            {
                "id": hearing_id,
                "case_id": case_id,
                "court_id": court.id,
                "crossing_id": crossing.id,
                "starts_at": at,
                "zone": court.zone,
                "report_at": at - timedelta(hours=crossing.report_hours_before),
                "kind": "master" if index == 0 else rng.choice(["master", "individual"]),
                "mode": "video" if court.by_video else "in_person",
                "status": status,
                "outcome": "",
                "source": "nta" if index == 0 else "tear_sheet",
                "verified_at": verified,
                "verified_by": "Demo" if verified else "",
                "replaces_id": previous if status != "attended" else None,
                "notes": "",
            },
        )
        previous = hearing_id if status == "postponed" else None
        for person_id in people:
            rows.add(
                HearingAttendee, {"id": rng.uid(), "hearing_id": hearing_id, "person_id": person_id}
            )


def _risk(rng: _Rng, rows: BulkRows, case_id: str, today: date, crossing: Crossing) -> None:
    risk_id = rng.uid()
    factors = rng.sample(
        [
            "young_children",
            "prior_incident",
            "unsafe_route",
            "unsafe_housing",
            "physical_health",
            "persecution_in_mexico",
        ],
        rng.randint(1, 3),
    )
    rows.add(
        RiskAssessment,
        {
            "id": risk_id,
            "case_id": case_id,
            "assessed_on": today - timedelta(days=rng.randint(0, 90)),
            "author": "Demo",
            "level": rng.choice(["low", "medium", "high", "critical"]),
            "factors": factors,
            "consent_sensitive": rng.random() < 0.5,
            "fear_screening": rng.choice(
                ["not_asked", "requested", "done_positive", "done_negative"]
            ),
            "narrative_es": DEMO_NARRATIVE,
            "narrative_en": "",
            "narrative_original": "es",
        },
    )
    if "prior_incident" in factors:
        rows.add(
            Incident,
            {
                "id": rng.uid(),
                "risk_id": risk_id,
                "occurred_on": today - timedelta(days=rng.randint(5, 200)),
                "city": crossing.mx_city,
                "kind": rng.choice(["extortion", "robbery", "threat", "kidnapping"]),
                "perpetrator": "Desconocido",
                "reported": rng.random() < 0.3,
                "description": "",
            },
        )
