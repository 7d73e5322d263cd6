"""Assessment: quizzes, questions, attempts, surveys, follow-ups and review items."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms_roi.db import Base, UtcDateTime, utcnow

from ._types import QUESTION_KINDS, QUIZ_KINDS, one_of


class Quiz(Base):
    """A practice quiz, pre-test or post-test (the pre/post pair gives level 2)."""

    __tablename__ = "lms_roi_quiz"
    __table_args__ = (
        one_of("kind", QUIZ_KINDS),
        CheckConstraint("pass_mark_pct BETWEEN 0 AND 100", name="pass_mark_range"),
        CheckConstraint("max_attempts IS NULL OR max_attempts >= 1", name="max_attempts_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    module_id: Mapped[int | None] = mapped_column(
        ForeignKey("lms_roi_module.id", ondelete="CASCADE"), index=True
    )
    # A program-level pre/post test (level 2 of a whole path); module_id is then empty.
    program_id: Mapped[int | None] = mapped_column(
        ForeignKey("lms_roi_program.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(16), default="practice", index=True)
    pass_mark_pct: Mapped[int] = mapped_column(Integer, default=70)
    max_attempts: Mapped[int | None] = mapped_column(Integer)
    shuffle: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

    questions: Mapped[list[Question]] = relationship(
        back_populates="quiz", cascade="all, delete-orphan", order_by="Question.position"
    )


class Question(Base):
    """A single-choice, multiple-choice or true/false question."""

    __tablename__ = "lms_roi_question"
    __table_args__ = (UniqueConstraint("quiz_id", "position"), one_of("kind", QUESTION_KINDS))

    id: Mapped[int] = mapped_column(primary_key=True)
    quiz_id: Mapped[int] = mapped_column(
        ForeignKey("lms_roi_quiz.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(16), default="single")
    prompt: Mapped[str] = mapped_column(Text)
    explanation: Mapped[str] = mapped_column(Text, default="")

    quiz: Mapped[Quiz] = relationship(back_populates="questions")
    choices: Mapped[list[Choice]] = relationship(
        cascade="all, delete-orphan", order_by="Choice.position"
    )


class Choice(Base):
    """An answer option, with the feedback shown after answering."""

    __tablename__ = "lms_roi_choice"
    __table_args__ = (UniqueConstraint("question_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(
        ForeignKey("lms_roi_question.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    is_correct: Mapped[bool] = mapped_column(Boolean, default=False)
    feedback: Mapped[str] = mapped_column(Text, default="")


class Attempt(Base):
    """One learner's attempt at a quiz; graded once submitted."""

    __tablename__ = "lms_roi_attempt"
    __table_args__ = (
        UniqueConstraint("quiz_id", "learner_id", "attempt_no"),
        CheckConstraint("score_pct IS NULL OR score_pct BETWEEN 0 AND 100", name="score_range"),
        CheckConstraint("attempt_no >= 1", name="attempt_no_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    quiz_id: Mapped[int] = mapped_column(
        ForeignKey("lms_roi_quiz.id", ondelete="CASCADE"), index=True
    )
    learner_id: Mapped[int] = mapped_column(
        ForeignKey("lms_roi_learner.id", ondelete="CASCADE"), index=True
    )
    attempt_no: Mapped[int] = mapped_column(Integer)
    started_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UtcDateTime, index=True)
    score_pct: Mapped[float | None] = mapped_column(Float)
    passed: Mapped[bool | None] = mapped_column(Boolean)
    idempotency_key: Mapped[str | None] = mapped_column(String(191), unique=True)

    answers: Mapped[list[AttemptAnswer]] = relationship(cascade="all, delete-orphan")


class AttemptAnswer(Base):
    """The choices a learner selected for one question of an attempt."""

    __tablename__ = "lms_roi_attempt_answer"
    __table_args__ = (UniqueConstraint("attempt_id", "question_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(
        ForeignKey("lms_roi_attempt.id", ondelete="CASCADE"), index=True
    )
    question_id: Mapped[int] = mapped_column(
        ForeignKey("lms_roi_question.id", ondelete="CASCADE"), index=True
    )
    selected_choice_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    correct: Mapped[bool] = mapped_column(Boolean, default=False)
    # The question's score (0..1) when graded: results keep it when a question is edited.
    score: Mapped[float | None] = mapped_column(Float)


class SurveyResponse(Base):
    """Level 1 (reaction): how a learner rated a module."""

    __tablename__ = "lms_roi_survey_response"
    __table_args__ = (
        UniqueConstraint("learner_id", "module_id"),
        CheckConstraint("rating BETWEEN 1 AND 5", name="rating_range"),
        CheckConstraint("relevance IS NULL OR relevance BETWEEN 1 AND 5", name="relevance_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    learner_id: Mapped[int] = mapped_column(
        ForeignKey("lms_roi_learner.id", ondelete="CASCADE"), index=True
    )
    module_id: Mapped[int] = mapped_column(
        ForeignKey("lms_roi_module.id", ondelete="CASCADE"), index=True
    )
    rating: Mapped[int] = mapped_column(Integer)
    relevance: Mapped[int | None] = mapped_column(Integer)
    would_recommend: Mapped[bool | None] = mapped_column(Boolean)
    comment: Mapped[str] = mapped_column(Text, default="")
    submitted_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class FollowUp(Base):
    """Level 3 (application): did the learner apply it, and how much of the change is due to it."""

    __tablename__ = "lms_roi_follow_up"
    __table_args__ = (
        UniqueConstraint("learner_id", "module_id", "offset_days"),
        CheckConstraint("offset_days IN (30, 60, 90)", name="offset_valid"),
        CheckConstraint(
            "attribution_pct IS NULL OR attribution_pct BETWEEN 0 AND 100",
            name="attribution_range",
        ),
        CheckConstraint(
            "confidence_pct IS NULL OR confidence_pct BETWEEN 0 AND 100", name="confidence_range"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    learner_id: Mapped[int] = mapped_column(
        ForeignKey("lms_roi_learner.id", ondelete="CASCADE"), index=True
    )
    module_id: Mapped[int] = mapped_column(
        ForeignKey("lms_roi_module.id", ondelete="CASCADE"), index=True
    )
    offset_days: Mapped[int] = mapped_column(Integer)
    due_on: Mapped[date] = mapped_column(Date, index=True)
    answered_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    applied: Mapped[bool | None] = mapped_column(Boolean)
    attribution_pct: Mapped[float | None] = mapped_column(Float)
    confidence_pct: Mapped[float | None] = mapped_column(Float)
    comment: Mapped[str] = mapped_column(Text, default="")


class ReviewItem(Base):
    """Spaced-repetition state of one question for one learner (Leitner boxes 1-5).

    ``box`` 1..5 maps to intervals of 1, 3, 7, 14 and 30 days; ``retired_at`` is
    set once box 5 is passed, and the item is no longer due.
    """

    __tablename__ = "lms_roi_review_item"
    __table_args__ = (
        UniqueConstraint("learner_id", "question_id"),
        CheckConstraint("interval_days >= 0", name="interval_not_negative"),
        CheckConstraint("box BETWEEN 1 AND 5", name="box_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    learner_id: Mapped[int] = mapped_column(
        ForeignKey("lms_roi_learner.id", ondelete="CASCADE"), index=True
    )
    question_id: Mapped[int] = mapped_column(
        ForeignKey("lms_roi_question.id", ondelete="CASCADE"), index=True
    )
    box: Mapped[int] = mapped_column(Integer, default=1)
    ease: Mapped[float] = mapped_column(Float, default=2.5)
    interval_days: Mapped[int] = mapped_column(Integer, default=0)
    repetitions: Mapped[int] = mapped_column(Integer, default=0)
    due_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, index=True)
    last_reviewed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    retired_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
