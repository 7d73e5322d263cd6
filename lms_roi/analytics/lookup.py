"""Finding the module and KPI a diagnostic is asked about, with errors a caller can act on."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select

from lms_roi.db import session
from lms_roi.errors import DomainError
from lms_roi.models import Kpi, Module, ModuleKpi


class UnknownTarget(DomainError):
    """No module or KPI with that slug or key (a 404 in the API)."""

    status = 404


class NotLinked(DomainError):
    """The KPI exists but the module does not target it (a 422 in the API)."""

    status = 422


def module_and_kpi(slug: str, key: str | None = None) -> tuple[Module, Kpi | None]:
    """The module with ``slug`` and, when ``key`` is given, the linked KPI with that key.

    Raises :class:`UnknownTarget` (field ``module`` or ``kpi``) or :class:`NotLinked`.
    """
    db = session()
    module = db.scalar(select(Module).where(Module.slug == slug))
    if module is None:
        raise UnknownTarget(
            "unknown_module", _("no module with slug '%(slug)s'", slug=slug), "module"
        )
    if key is None:
        return module, None
    kpi = db.scalar(select(Kpi).where(Kpi.key == key))
    if kpi is None:
        raise UnknownTarget("unknown_kpi", _("no KPI with key '%(key)s'", key=key), "kpi")
    linked = db.scalars(
        select(Kpi.key).join(ModuleKpi).where(ModuleKpi.module_id == module.id).order_by(Kpi.key)
    ).all()
    if key not in linked:
        raise NotLinked(
            "kpi_not_linked",
            _(
                "module '%(slug)s' is not linked to KPI '%(key)s' (linked: %(linked)s)",
                slug=slug,
                key=key,
                linked=", ".join(linked) or _("none"),
            ),
            "kpi",
        )
    return module, kpi
