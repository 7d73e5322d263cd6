"""Rate limit of the REST API: one budget per API token (else per client address).

Each application that mounts lms-roi gets its own Flask-Limiter instance (kept in
``app.extensions["lms_roi"].limiter``), so the API is limited in plugin mode too,
whatever limiter the host runs. ``LMS_ROI_API_RATE_LIMIT`` sets the budget
(``"600 per minute"``), ``LMS_ROI_RATELIMIT_STORAGE_URI`` (else ``RATELIMIT_STORAGE_URI``)
where it is counted (``memory://``, ``redis://host:6379``...); ``RATELIMIT_ENABLED``
switches it off. A call over budget gets 429 ``rate_limited`` with ``Retry-After``; the
``X-RateLimit-*`` headers come with every answer, ``Retry-After`` only when it is due.
"""

from __future__ import annotations

from flask import Flask, current_app, g, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

from lms_roi.policy import current_api_token

from .api import api

SCOPE = "lms_roi_api"


def api_rate_key() -> str:
    """Whose budget a call spends: its token's (by public prefix), else its address's.

    Only a token that authenticates gets its own budget: made-up tokens share the
    address's, so inventing prefixes buys nothing.
    """
    token = current_api_token()
    if token is not None:
        return f"token:{token.prefix}"
    return f"address:{get_remote_address()}"


def api_rate_limit() -> str:
    """The configured budget (read per request, so a host may change it at run time)."""
    return str(current_app.config["LMS_ROI_API_RATE_LIMIT"])


def retry_after_only_when_due(response):
    """Keep ``Retry-After`` on API answers that ask to retry (429, a busy 503) only."""
    if not (request.blueprint or "").endswith(".api") or response.status_code == 429:
        return response
    ours = g.get("lms_roi_retry_after")
    if ours is not None:
        response.headers["Retry-After"] = ours
    else:
        response.headers.pop("Retry-After", None)
    return response


def init_rate_limit(app: Flask) -> Limiter:
    """Attach a limiter of the API blueprint to ``app`` and return it."""
    storage = (
        app.config.get("LMS_ROI_RATELIMIT_STORAGE_URI")
        or app.config.get("RATELIMIT_STORAGE_URI")
        or "memory://"
    )
    # Registered before the limiter's own hook, so it runs after it (Flask runs them last
    # registered first): the limiter writes Retry-After on every answer.
    app.after_request(retry_after_only_when_due)
    limiter = Limiter(
        key_func=api_rate_key,
        storage_uri=storage,
        key_prefix=SCOPE,
        headers_enabled=True,
        retry_after="delta-seconds",
        strategy="fixed-window",
    )
    limiter.init_app(app)
    limiter.shared_limit(api_rate_limit, scope=SCOPE)(api)
    return limiter
