"""French and English: locale choice, message catalogs and locale-aware formatting.

Every string a person reads goes through Flask-Babel's ``gettext``; numbers,
money, percentages and dates go through the filters registered here, so the
locale decides separators, symbols and month names (French: ``263 923,82 €``,
``76,5 %``, ``27 nov. 2026``).

In plugin mode a host may already run Flask-Babel: lms-roi then adds its
catalog directory *before* the host's ones (so a host can override any of our
messages) and leaves the host's locale selector in charge.
"""

from __future__ import annotations

import math
import os
import re
import tempfile
from datetime import date, datetime
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import Flask, current_app, has_request_context, request, session
from flask_babel import Babel, format_currency, format_date, format_decimal, format_percent
from flask_babel import get_locale as babel_locale

from lms_roi.labels import label

#: Languages the product is translated into; the first is the source language.
LANGUAGES: dict[str, str] = {"en": "English", "fr": "Français"}
TRANSLATIONS_DIR = Path(__file__).parent / "translations"
#: Where a visitor's explicit choice is remembered (signed-in people also get it saved).
SESSION_KEY = "lms_roi_locale"
EMPTY = "–"


def select_locale() -> str:
    """The learner's ``locale`` setting, else the header switch, else Accept-Language."""
    default = current_app.config.get("LMS_ROI_DEFAULT_LOCALE", "en")
    if not has_request_context():
        return default  # the CLI speaks the default language
    from lms_roi.policy import current_person

    person = current_person()
    for choice in (getattr(person, "locale", None), session.get(SESSION_KEY)):
        language = re.split(r"[-_]", choice or "")[0].lower()  # fr_FR and fr-CA are French
        if language in LANGUAGES:
            return language
    return request.accept_languages.best_match(LANGUAGES) or default


def current_locale() -> str:
    """The language code of the current request (``en`` or ``fr``)."""
    locale = babel_locale()
    return locale.language if locale is not None else "en"


def init_i18n(app: Flask) -> None:
    """Make lms-roi's catalogs and formatting filters available on ``app``."""
    compile_catalogs()
    app.config.setdefault("LMS_ROI_DEFAULT_LOCALE", "en")
    ours = str(TRANSLATIONS_DIR)
    babel = app.extensions.get("babel")
    if babel is None:
        app.config.setdefault("BABEL_DEFAULT_LOCALE", app.config["LMS_ROI_DEFAULT_LOCALE"])
        app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", ours)
        Babel(app, locale_selector=select_locale)
        babel = app.extensions["babel"]
    if ours not in babel.translation_directories:
        babel.translation_directories.insert(0, ours)
    app.jinja_env.filters.update(
        lms_roi_number=number,
        lms_roi_money=money,
        lms_roi_percent=percent,
        lms_roi_date=short_date,
        # Stored values (methods, roles, flags...) are shown through translated labels.
        lms_roi_label=label,
    )


def compile_catalogs(directory: Path = TRANSLATIONS_DIR) -> list[Path]:
    """Compile every ``.po`` whose ``.mo`` is missing or older; return what was written.

    Catalogs are compiled at install time (``make``, wheel build); this keeps a
    source checkout whose ``.po`` just changed from serving stale messages.
    """
    written = []
    for po_path in directory.glob("*/LC_MESSAGES/*.po"):
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        with po_path.open("rb") as handle:
            catalog = read_po(handle, locale=po_path.parent.parent.name)
        try:
            # Written aside then renamed: a worker starting meanwhile never reads half a file.
            fd, temporary = tempfile.mkstemp(dir=mo_path.parent, suffix=".mo.tmp")
            with os.fdopen(fd, "wb") as handle:
                write_mo(handle, catalog)
            os.replace(temporary, mo_path)
        except OSError:
            continue  # a read-only install ships its compiled catalogs
        written.append(mo_path)
    return written


def number(value, digits: int | None = None) -> str:
    """A readable number in the current locale.

    ``digits`` fixes the decimals; by default about four significant digits,
    whole numbers from 1,000 up.
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return EMPTY
    value = float(value)
    if digits is not None:
        return format_decimal(value, format="#,##0." + "0" * digits if digits else "#,##0")
    if abs(value) >= 1000 or value == 0:
        return format_decimal(round(value), format="#,##0")
    if abs(value) >= 1e-3:
        decimals = max(0, 3 - int(math.floor(math.log10(abs(value)))))
        return format_decimal(value, format="#,##0." + "#" * decimals)
    return format_decimal(value, format="0.00E0")


def money(value, currency: str | None = None) -> str:
    """An amount in the organisation's currency, two decimals (``263 923,82 €``)."""
    if value is None:
        return EMPTY
    return format_currency(float(value), currency or current_app.config["LMS_ROI_CURRENCY"])


def percent(value, digits: int = 1, ratio: bool = False) -> str:
    """A percentage; ``value`` is in percent (76.5) unless ``ratio`` (0.765)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return EMPTY
    fraction = float(value) if ratio else float(value) / 100
    # The locale's own pattern keeps its spacing (French: "76,5 %"); only the decimals change.
    pattern = babel_locale().percent_formats[None].pattern
    if digits:
        pattern = pattern.replace("#,##0", "#,##0." + "0" * digits, 1)
    return format_percent(fraction, format=pattern)


def short_date(value: date | datetime | None) -> str:
    """A date such as ``27 nov. 2026`` / ``Nov 27, 2026``."""
    if value is None:
        return EMPTY
    if isinstance(value, datetime):
        value = value.date()
    return format_date(value, format="medium")
