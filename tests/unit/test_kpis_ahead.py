"""The worker thread preparing an ROI estimate's KPIs (lms_roi.analytics.kpis_ahead)."""

from __future__ import annotations

import threading
from datetime import date

import numpy as np
import pytest

from factories import make_kpi, make_kpi_value, make_person
from lms_roi.analytics.effects import RoiParams
from lms_roi.analytics.kpis_ahead import KpisAhead

DAYS = np.array([20500])  # 2026-02-16, days since 1970-01-01


def _kpis():
    ana = make_person("ana@example.com")
    leads, revenue = make_kpi("leads"), make_kpi("revenue")
    for month in range(1, 6):
        make_kpi_value(ana, leads, date(2026, month, 1), float(month))
        make_kpi_value(ana, revenue, date(2026, month, 1), 100.0 * month)
    return ana, leads, revenue


def test_each_kpi_is_prepared_from_its_own_values(app, db):
    with app.app_context():
        ana, leads, revenue = _kpis()
        with KpisAhead([revenue.id, leads.id], RoiParams()) as ahead:
            ahead.give_days({leads.id: DAYS, revenue.id: DAYS})
            prepared = {k: ahead.prepared(k) for k in (leads.id, revenue.id)}
    for kpi, scale in ((leads, 1.0), (revenue, 100.0)):
        panel = prepared[kpi.id].panel
        assert panel.learners.tolist() == [ana.id]
        assert panel.sums[:, 0].tolist() == [scale * m for m in range(1, 6)]


def test_a_kpi_without_pairs_is_dropped_and_an_unforeseen_one_prepared_here(app, db):
    with app.app_context():
        _ana, leads, revenue = _kpis()
        with KpisAhead([leads.id], RoiParams()) as ahead:
            ahead.give_days({revenue.id: DAYS})  # leads has no pair, revenue was not foreseen
            assert ahead.prepared(revenue.id).panel.sums[:, 0].tolist()[0] == 100.0
            with pytest.raises(LookupError, match="has no pairs"):
                ahead.prepared(leads.id)


def test_an_error_meanwhile_leaves_no_worker_waiting(app, db):
    with app.app_context():
        _ana, leads, revenue = _kpis()
        with pytest.raises(ZeroDivisionError), KpisAhead([leads.id, revenue.id], RoiParams()):
            1 / 0  # noqa: B018 (the estimate fails before giving the days)
    assert not [t for t in threading.enumerate() if t.name.startswith("lms-roi-kpi")]
