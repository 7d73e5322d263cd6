"""Standalone login and logout (a plugin host brings its own)."""

from __future__ import annotations

import secrets
from functools import cache

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_user, logout_user
from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

from lms_roi.db import session, utcnow
from lms_roi.extensions import limiter
from lms_roi.models import Account
from lms_roi.policy import PUBLIC, policy

from .forms import LoginForm, LogoutForm
from .navigation import local_path

auth = Blueprint("lms_roi_auth", __name__)


@cache
def _dummy_hash() -> str:
    """A real hash to verify against when the email is unknown, so timing is uniform."""
    return generate_password_hash(secrets.token_hex(16))


def _login_limit() -> str:
    return current_app.config["LMS_ROI_LOGIN_RATE_LIMIT"]


@auth.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
@policy(PUBLIC)
def login():
    form = LoginForm()
    if form.validate_on_submit():
        db = session()
        account = db.scalar(select(Account).where(Account.email == form.email.data.strip().lower()))
        stored = account.password_hash if account and account.password_hash else _dummy_hash()
        valid = check_password_hash(stored, form.password.data) and account is not None
        if valid and account.password_hash and account.is_active:
            login_user(account, remember=form.remember.data)
            account.last_login_at = utcnow()
            db.commit()
            return redirect(_safe_next(request.args.get("next")))
        flash(_("Wrong email or password, or the account is disabled."), "error")
        return render_template("lms_roi/auth/login.html", form=form), 401
    status = 400 if form.errors else 200
    return render_template("lms_roi/auth/login.html", form=form), status


@auth.route("/logout", methods=["POST"])
@policy(PUBLIC)
def logout():
    if LogoutForm().validate_on_submit():
        logout_user()
        flash(_("You are signed out."), "info")
    return redirect(url_for(".login"))


def _safe_next(target: str | None) -> str:
    """Only follow ``next`` to a path on this site (no open redirect)."""
    return local_path(target) or url_for("lms_roi.navigation.home")
