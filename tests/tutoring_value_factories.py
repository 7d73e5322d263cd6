"""A small organisation with tutoring, known answers by hand (see ``build_organisation``)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from factories import (
    make_completion,
    make_kpi,
    make_kpi_value,
    make_module,
    make_pair,
    make_person,
    make_program,
)
from factories import make_session as make_tutoring_session
from lms_roi.db import session
from lms_roi.models import ModuleProgress
from paths_factories import make_attempt, make_quiz

DONE = datetime(2026, 4, 15, 10, tzinfo=UTC)
MENTEE_CHANGES = [2, 4, 6, 8, 10]  # from June; completers' pre window Feb-Apr, post Jun-Aug
OTHER_CHANGES = [1, 2, 3, 4, 5]
MENTEE_SCORES = [(40, 70), (50, 75), (60, 80), (20, 60), (0, 50)]  # normalised gain 0.5 each
OTHER_SCORES = [(50, 60), (0, 20), (75, 80), (50, 60), (50, 60)]  # 0.2 each


def build_organisation():
    """Six mentees (five completed ``coaching``), seven non-mentees (five completed).

    Tutor Tom (40 an hour): 90 minutes with M1 and 30 with M2 and M3 in the program
    ``mentoring``, 30 each with M4, M5 and M6 outside any program: 160 in all, 26.67
    per mentee. A pair with M7 has no session: M7 is no mentee.
    """
    leads = make_kpi("leads", value_per_unit="100")
    module = make_module("coaching", kpis={leads: 1.0})
    program = make_program("mentoring", modules=(module,))
    pre, post = make_quiz(module, "pre_test"), make_quiz(module, "post_test")
    tom = make_person("tom@example.com", roles=("learner", "tutor"), password=None)
    tom.hourly_cost = Decimal("40")
    groups = {"m": (MENTEE_CHANGES, MENTEE_SCORES, 6), "n": (OTHER_CHANGES, OTHER_SCORES, 7)}
    for prefix, (gains, scores, size) in groups.items():
        for i in range(size):
            person = make_person(f"{prefix}{i + 1}@example.com", password=None)
            session().add(ModuleProgress(learner_id=person.id, module_id=module.id))
            if prefix == "m":
                pair = make_pair(tom, person, program=program if i < 3 else None)
                make_tutoring_session(pair, date(2026, 3, 2), minutes=90 if i == 0 else 30)
            if i >= 5:
                continue  # started, not completed
            make_completion(person, module, DONE)
            make_attempt(person, pre, scores[i][0])
            make_attempt(person, post, scores[i][1])
            for month in range(1, 10):
                value = 10 + (gains[i] if month >= 6 else 0)
                make_kpi_value(person, leads, date(2026, month, 1), value)
    make_pair(tom, make_person("m7@example.com", password=None))
    session().flush()
