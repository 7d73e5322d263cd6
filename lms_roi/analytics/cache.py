"""Reports cached by data version: a repeated request with unchanged data is answered at once.

Every transaction that changes a table the reports read replaces the token of
:class:`~lms_roi.models.DataVersion` just before it commits — whatever the path
(web, API, import, CLI, a host's code), because the bump hangs on the ORM
session's events, not on each service. A report is cached under the token read
before computing it; a new token means a miss, so a cached report is never
stale. A session holding changes not yet committed computes without caching, so
uncommitted (and perhaps rolled-back) data never reach the cache. Cost on the
write path: one single-row UPDATE at commit, its lock held only while committing.
"""

from __future__ import annotations

import threading
import uuid
from collections import OrderedDict
from collections.abc import Callable, Hashable

from sqlalchemy import event, insert, select, update
from sqlalchemy.orm import Session

from lms_roi.db import session as db_session
from lms_roi.models import DataVersion

#: The tables ROI reports read (analytics/loader.py, levels.py, money.py, report.py).
REPORT_TABLES = frozenset(
    f"lms_roi_{name}"
    for name in (
        "attempt", "completion", "cost_item", "enrollment", "follow_up", "kpi", "kpi_value",
        "learner", "module", "module_kpi", "module_version", "program", "program_module",
        "quiz", "survey_response", "team", "tutoring_pair", "tutoring_session",
    )
)  # fmt: skip
#: Reports kept per process (each is a few hundred rows at most).
CAPACITY = 64
#: Marks a session that changed report tables since its last commit.
PENDING = "lms_roi_report_data_changed"

_VERSION = DataVersion.__table__
_cache: OrderedDict[Hashable, object] = OrderedDict()
_lock = threading.Lock()


def bump_version(connection) -> None:
    """Give the data a new version, in the transaction of ``connection``."""
    token = str(uuid.uuid4())
    result = connection.execute(update(_VERSION).where(_VERSION.c.id == 1).values(token=token))
    if result.rowcount == 0:  # a database built without the migrations (tests)
        connection.execute(insert(_VERSION).values(id=1, token=token))


@event.listens_for(Session, "after_flush")
def _note_flushed_changes(session: Session, _flush_context) -> None:
    # After a flush the session still lists what it flushed (new, dirty, deleted).
    changed = (*session.new, *session.dirty, *session.deleted)
    if any(getattr(obj, "__tablename__", None) in REPORT_TABLES for obj in changed):
        session.info[PENDING] = True


@event.listens_for(Session, "do_orm_execute")
def _note_bulk_changes(state) -> None:
    # Bulk insert(), update() and delete() statements bypass the flush.
    if state.is_insert or state.is_update or state.is_delete:
        table = getattr(state.statement, "table", None)
        if getattr(table, "name", None) in REPORT_TABLES:
            state.session.info[PENDING] = True


@event.listens_for(Session, "before_commit")
def _bump_before_commit(session: Session) -> None:
    session.flush()  # changes still pending would otherwise be noted too late
    if session.info.pop(PENDING, False):
        bump_version(session.connection())


def data_version() -> str | None:
    """The current data version (None when the table is empty: nothing is cached then)."""
    return db_session().scalar(select(_VERSION.c.token).where(_VERSION.c.id == 1))


def cached(key: Hashable, compute: Callable[[], object]) -> object:
    """``compute()``, or the result computed earlier for ``key`` at the same data version.

    The version is read before computing, so data written meanwhile can only
    make the entry early, never stale: the next read sees the new version.
    """
    version = data_version()
    if version is None or db_session().info.get(PENDING):
        return compute()
    bind = db_session().get_bind()  # an Engine, or a Connection in tests
    full_key = (str(getattr(bind, "engine", bind).url), version, key)
    with _lock:
        if full_key in _cache:
            _cache.move_to_end(full_key)
            return _cache[full_key]
    value = compute()
    with _lock:
        _cache[full_key] = value
        while len(_cache) > CAPACITY:
            _cache.popitem(last=False)
    return value


def clear() -> None:
    """Forget every cached report (tests, or after changing data outside the ORM)."""
    with _lock:
        _cache.clear()
