"""Import of completions: ``learner,module,completed_at[,score]``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select

from lms_roi.db import session
from lms_roi.models import Module
from lms_roi.services.learning import record_completions

from . import fields as f
from .base import Counts, Importer, LearnerResolver


@dataclass
class CompletionRecord:
    row: int
    learner: str
    module: str
    completed_at: datetime
    score: float | None
    learner_id: int = 0
    module_id: int = 0


class CompletionImporter(Importer):
    """Completions upserted on learner + module + moment (a re-import changes nothing)."""

    kind = "completions"
    required = ("learner", "module", "completed_at")
    optional = ("score",)
    unique = (("learner", "module", "completed_at"),)

    def parse_row(self, row, record):
        learner = self.cell(row, "learner", f.required, record["learner"], "learner")
        module = self.cell(row, "module", f.required, record["module"], "module")
        moment = self.cell(
            row, "completed_at", f.iso_moment, record["completed_at"], "completed_at", self.timezone
        )
        score = None
        if record.get("score"):
            score = self.cell(row, "score", _score, record["score"])
        if moment is not None and moment > f.now_utc():
            self.report(
                row,
                "completed_at",
                _("%(moment)s is in the future", moment=record["completed_at"]),
                _("write the moment the learner completed the module"),
            )
        # Incomplete records still go through the reference checks, so that every
        # problem of the file is reported at once; nothing is written if any exists.
        return CompletionRecord(row, learner, module, moment, score)

    def check_records(self, records):
        db = session()
        modules = dict(
            db.execute(
                select(Module.slug, Module.id).where(Module.slug.in_({r.module for r in records}))
            ).all()
        )
        learners = LearnerResolver(r.learner for r in records)
        seen: dict[tuple, int] = {}
        for rec in records:
            rec.module_id = modules.get(rec.module, 0)
            rec.learner_id = learners.get(rec.learner or "") or 0
            if rec.module and not rec.module_id:
                self.report(
                    rec.row,
                    "module",
                    _("no module with slug %(slug)r", slug=rec.module),
                    _("import it first with 'lms-roi import modules', or fix the slug"),
                )
            if rec.learner and not rec.learner_id:
                self.report(
                    rec.row,
                    "learner",
                    _("no learner with external id or email %(learner)r", learner=rec.learner),
                    _("import the learner first with 'lms-roi import learners', or fix the id"),
                )
            key = (rec.learner_id, rec.module_id, rec.completed_at)
            if rec.module_id and rec.learner_id and rec.completed_at:
                if key in seen:
                    self.report(
                        rec.row,
                        "completed_at",
                        _("the same completion is already on row %(row)s", row=seen[key]),
                        _("remove the repeated row"),
                    )
                seen.setdefault(key, rec.row)

    def apply(self, records, batch):
        # The one completion path, in its batch form: bulk SQL, follow-ups and
        # enrolments handled there, signals sent once per new completion.
        done = record_completions(
            [
                dict(
                    learner_id=r.learner_id,
                    module_id=r.module_id,
                    completed_at=r.completed_at,
                    score=r.score,
                )
                for r in records
            ],
            source="import",
        )
        return Counts(inserted=done.inserted, updated=done.updated, unchanged=done.unchanged)


def _score(value: str) -> float:
    score = f.number(value, "score", minimum=0)
    if score > 100:
        raise f.FieldError(
            _("score %(value)s is above 100", value=value),
            _("write a percentage between 0 and 100"),
        )
    return score
