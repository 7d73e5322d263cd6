"""Learner pages: home (own progress) and the module catalog."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request
from sqlalchemy import func, select

from lms_roi.db import session
from lms_roi.markdown import render_markdown
from lms_roi.models import Completion, Module
from lms_roi.models._types import METHODS
from lms_roi.policy import current_person, policy

learner = Blueprint("learner", __name__)


@learner.route("/learning")
@policy("learner")
def home():
    person = current_person()
    db = session()
    completions = db.execute(
        select(Completion, Module)
        .join(Module, Module.id == Completion.module_id)
        .where(Completion.learner_id == person.id)
        .order_by(Completion.completed_at.desc())
        .limit(20)
    ).all()
    totals = db.execute(
        select(func.count(Completion.id), func.count(func.distinct(Completion.module_id))).where(
            Completion.learner_id == person.id
        )
    ).one()
    return render_template(
        "lms_roi/home.html",
        person=person,
        completions=completions,
        n_completions=totals[0],
        n_modules=totals[1],
    )


@learner.route("/modules")
@policy("learner")
def catalog():
    method = request.args.get("method", "")
    stmt = select(Module).where(Module.published.is_(True)).order_by(Module.title)
    if method in METHODS:
        stmt = stmt.where(Module.method == method)
    modules = session().scalars(stmt).all()
    return render_template("lms_roi/catalog.html", modules=modules, method=method, methods=METHODS)


@learner.route("/modules/<slug>")
@policy("learner")
def module_detail(slug: str):
    module = session().scalar(select(Module).where(Module.slug == slug))
    if module is None or not module.published:
        abort(404)
    return render_template(
        "lms_roi/module.html", module=module, body=render_markdown(module.body_md)
    )
