"""The French catalog is complete, exact and in step with the code."""

from __future__ import annotations

from pathlib import Path

from babel.messages.frontend import CommandLineInterface
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
FRENCH = ROOT / "lms_roi/translations/fr/LC_MESSAGES/messages.po"


def _french():
    with FRENCH.open("rb") as handle:
        return read_po(handle, locale="fr")


def test_every_french_message_is_translated_and_not_fuzzy():
    catalog = _french()
    untranslated = [
        message.id
        for message in catalog
        if message.id
        and (
            "fuzzy" in message.flags
            or not (all(message.string) if isinstance(message.id, tuple) else message.string)
        )
    ]
    assert not untranslated, f"missing or fuzzy French messages: {untranslated}"
    assert not catalog.fuzzy, "the catalog header is marked fuzzy: it would not be compiled"


def test_french_messages_keep_every_placeholder():
    problems = [
        (message.id, [str(error) for error in errors]) for message, errors in _french().check()
    ]
    assert not problems, problems


def test_extraction_finds_no_message_missing_from_the_catalog(tmp_path):
    template = tmp_path / "messages.pot"
    CommandLineInterface().run(
        ["pybabel", "-q", "extract", "-F", str(ROOT / "babel.cfg"), "-k", "_l",
         "-o", str(template), str(ROOT)]
    )  # fmt: skip
    with template.open("rb") as handle:
        extracted = {message.id for message in read_po(handle) if message.id}
    in_catalog = {message.id for message in _french() if message.id}
    missing = sorted(extracted - in_catalog, key=str)
    assert not missing, f"run `make translations` and translate: {missing}"
