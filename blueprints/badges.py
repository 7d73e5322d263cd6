"""Badges pages: the learner's badges, and the analysts' badge authoring and awards.

The public Open Badges documents and images are in :mod:`.badges_public`, on the
same blueprint.
"""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import func, select
from wtforms.fields.choices import SelectChoice

from lms_roi.db import session
from lms_roi.errors import DomainError
from lms_roi.gamification import badge_images, criteria
from lms_roi.gamification import badges as service
from lms_roi.models import Badge, BadgeAward, Challenge, Kpi, Learner, Program
from lms_roi.policy import current_person, policy

from .authoring import show_problems
from .badge_forms import BadgeForm, NewBadgeForm, RevokeForm
from .paging import page_and_pages

badges = Blueprint("badges", __name__)

ANALYSTS = ("analyst", "admin")


@badges.route("/badges")
@policy("learner")
def my_badges():
    """My badges (with their Open Badges links), then those still to earn and my progress."""
    statuses = service.learner_badges(current_person())
    return render_template(
        "lms_roi/badges/mine.html",
        held=[s for s in statuses if s.award is not None],
        to_earn=[s for s in statuses if s.award is None],
    )


# -- authoring -----------------------------------------------------------------------------


@badges.route("/badges/manage/")
@policy(*ANALYSTS)
def manage():
    counts = (
        select(
            BadgeAward.badge_id,
            func.count().label("n"),
            func.count().filter(BadgeAward.revoked.is_(True)).label("revoked"),
        )
        .group_by(BadgeAward.badge_id)
        .subquery()
    )
    rows = session().execute(
        select(Badge, func.coalesce(counts.c.n, 0), func.coalesce(counts.c.revoked, 0))
        .outerjoin(counts, counts.c.badge_id == Badge.id)
        .order_by(Badge.active.desc(), Badge.name, Badge.id)
    )
    return render_template(
        "lms_roi/badges/manage.html", rows=rows.all(), sentence=criteria.sentence
    )


@badges.route("/badges/manage/new", methods=["GET", "POST"])
@policy(*ANALYSTS)
def badge_new():
    return _badge_page(NewBadgeForm(), None)


@badges.route("/badges/manage/<slug>/edit", methods=["GET", "POST"])
@policy(*ANALYSTS)
def badge_edit(slug: str):
    badge = badge_or_404(slug)
    if request.method == "POST":
        return _badge_page(BadgeForm(), badge)
    data = {
        "name": badge.name,
        "description": badge.description,
        "xp": badge.xp,
        "active": badge.active,
        **{k: v for k, v in badge.criteria.items() if k in ("kind", "min", "method")},
        **{k: v for k, v in badge.criteria.items() if k in ("program", "kpi", "challenge")},
    }
    return _badge_page(BadgeForm(data=data), badge)


def _badge_page(form: BadgeForm, badge: Badge | None):
    db = session()
    form.program.choices = [("", _("(choose a path)"))] + [
        (slug, title)
        for slug, title in db.execute(select(Program.slug, Program.title).order_by(Program.title))
    ]
    form.kpi.choices = [("", _("(choose a KPI)"))] + [
        (key, name) for key, name in db.execute(select(Kpi.key, Kpi.name).order_by(Kpi.name))
    ]
    # Challenge titles are the analysts' own words (data-authored: not a catalog message).
    form.challenge.choices = [SelectChoice("", _("(any challenge)"))] + [
        SelectChoice(slug, title, render_kw={"data-authored": ""})
        for slug, title in db.execute(
            select(Challenge.slug, Challenge.title).order_by(Challenge.title)
        )
    ]
    if request.method == "POST" and form.validate_on_submit():
        try:
            saved = _save(form, badge)
            db.commit()
        except DomainError as error:
            db.rollback()
            show_problems(form, error)
        else:
            flash(_("The badge %(name)s is saved.", name=saved.name), "success")
            return redirect(url_for(".badge_edit", slug=saved.slug), 303)
    return render_template(
        "lms_roi/badges/form.html",
        form=form,
        badge=badge,
        award_form=RevokeForm(),
        sentence=criteria.sentence(badge.criteria) if badge else None,
    )


def _save(form: BadgeForm, badge: Badge | None) -> Badge:
    upload = request.files.get(form.image.name)
    content = upload.stream.read(badge_images.MAX_BYTES + 1) if upload and upload.filename else None
    draft = service.BadgeDraft(
        name=form.name.data or "",
        description=form.description.data or "",
        xp=form.xp.data,
        criteria={
            "kind": form.kind.data,
            "min": form.min.data,
            "method": form.method.data,
            "program": form.program.data,
            "kpi": form.kpi.data,
            "challenge": form.challenge.data,
        },
        active=form.active.data,
        image=content,
        generated_image=form.generated_image.data,
    )
    if badge is None:
        return service.create_badge(form.slug.data, draft, current_person())
    return service.update_badge(badge, draft, current_person())


@badges.route("/badges/manage/<slug>/award-now", methods=["POST"])
@policy(*ANALYSTS)
def badge_award_now(slug: str):
    """Award the badge to everyone who already meets its criterion."""
    badge = badge_or_404(slug)
    if RevokeForm().validate_on_submit():
        awarded = service.award_now(badge)
        session().commit()
        flash(
            ngettext(
                "%(num)d learner received the badge.",
                "%(num)d learners received the badge.",
                len(awarded),
            ),
            "success",
        )
    return redirect(url_for(".badge_awards", slug=slug), 303)


@badges.route("/badges/manage/<slug>/awards")
@policy(*ANALYSTS)
def badge_awards(slug: str):
    badge = badge_or_404(slug)
    db = session()
    size = int(current_app.config.get("LMS_ROI_PAGE_SIZE", 25))
    total = db.scalar(select(func.count(BadgeAward.id)).where(BadgeAward.badge_id == badge.id))
    page, pages = page_and_pages(total or 0, size)
    rows = db.execute(
        select(BadgeAward, Learner)
        .join(Learner, Learner.id == BadgeAward.learner_id)
        .where(BadgeAward.badge_id == badge.id)
        .order_by(BadgeAward.issued_on.desc(), BadgeAward.id.desc())
        .offset((page - 1) * size)
        .limit(size)
    ).all()
    return render_template(
        "lms_roi/badges/awards.html",
        badge=badge,
        rows=rows,
        total=total,
        page=page,
        pages=pages,
        form=RevokeForm(),
    )


@badges.route("/badges/awards/<uid>/revoke", methods=["POST"])
@policy(*ANALYSTS)
def award_revoke(uid: str):
    award = session().scalar(select(BadgeAward).where(BadgeAward.uid == uid))
    if award is None:
        abort(404)
    badge = session().get(Badge, award.badge_id)
    form = RevokeForm()
    if form.validate_on_submit():
        try:
            service.revoke(award, form.reason.data, current_person())
            session().commit()
        except DomainError as error:
            session().rollback()
            flash(error.message, "error")
        else:
            flash(_("The badge is revoked; its assertion now says so."), "success")
    return redirect(url_for(".badge_awards", slug=badge.slug), 303)


def badge_or_404(slug: str) -> Badge:
    badge = session().scalar(select(Badge).where(Badge.slug == slug))
    if badge is None:
        abort(404)
    return badge


from . import badges_public  # noqa: E402, F401  (Open Badges routes on this blueprint)
