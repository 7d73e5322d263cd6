"""A same-origin crawler over the real pages, and the English strings a French page must not show.

It follows ``<a href>`` links (GET only, so forms such as sign-out are never sent) from
a person's home, breadth first and to a bounded depth, through the Flask test client.
Pages that are downloads (exports) are only checked for their status.
"""

from __future__ import annotations

import re
from collections import Counter, deque
from dataclasses import dataclass, field
from functools import cache
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qsl, urldefrag, urljoin, urlsplit

from babel.messages.pofile import read_po

from lms_roi.i18n import TRANSLATIONS_DIR

#: Attributes whose text a person reads or hears.
READ_ATTRIBUTES = ("title", "aria-label", "placeholder", "alt")
BUTTON_INPUTS = ("submit", "button", "reset")
#: Elements whose content is not page text.
# Text a person typed (a textarea) is not the product speaking.
SKIPPED = ("script", "style", "template", "textarea")
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
        "source", "track", "wbr"}  # fmt: skip
PLACEHOLDER = re.compile(r"%\(\w+\)[sdifr]|%[sdif]")
LOCAL_HOSTS = ("localhost", "localhost.localdomain", "127.0.0.1", None)
SEPARATOR = re.compile(r"\s+[·|–]\s+")


@dataclass
class PageText:
    """Links and readable strings of one HTML page."""

    lang: str = ""
    links: list[str] = field(default_factory=list)
    assets: list[str] = field(default_factory=list)
    strings: list[str] = field(default_factory=list)


class _PageReader(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found = PageText()
        self._stack: list[tuple[str, bool]] = []  # tag, skipped (script, lang="en", ...)

    def _skipping(self) -> bool:
        return bool(self._stack) and self._stack[-1][1]

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "html":
            self.found.lang = attrs.get("lang") or ""
        skipped = (
            self._skipping()
            or tag in SKIPPED
            or attrs.get("translate") == "no"
            # Lessons, questions and feedback keep the language their author wrote them in.
            or "data-authored" in attrs
            or (tag != "html" and (attrs.get("lang") or "").startswith("en"))
        )
        if tag == "a" and attrs.get("href"):
            self.found.links.append(attrs["href"])
        asset = attrs.get("src") if tag in ("script", "img") else None
        if tag == "link" and set((attrs.get("rel") or "").split()) & {"stylesheet", "icon"}:
            asset = attrs.get("href")
        if asset:
            self.found.assets.append(asset)
        if not skipped:
            self.found.strings += [attrs[a] for a in READ_ATTRIBUTES if attrs.get(a)]
            if tag == "input" and attrs.get("type") in BUTTON_INPUTS and attrs.get("value"):
                self.found.strings.append(attrs["value"])
        if tag not in VOID:
            self._stack.append((tag, skipped))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID and self._stack and self._stack[-1][0] == tag:
            self._stack.pop()

    def handle_endtag(self, tag):
        for index in range(len(self._stack) - 1, -1, -1):
            if self._stack[index][0] == tag:
                del self._stack[index:]
                break

    def handle_data(self, data):
        if not self._skipping() and data.strip():
            self.found.strings.append(data)


def read_page(html: str) -> PageText:
    """Links, asset URLs and readable strings (text nodes, labels of controls) of ``html``."""
    reader = _PageReader()
    reader.feed(html)
    reader.close()
    return reader.found


def _normal(text: str) -> str:
    return " ".join(text.split())


@dataclass(frozen=True)
class Messages:
    """Catalog texts: plain ones matched exactly, ones with placeholders as patterns."""

    exact: frozenset[str]
    patterns: tuple[re.Pattern, ...]

    def matches(self, text: str) -> bool:
        return text in self.exact or any(p.match(text) for p in self.patterns)


def _messages(texts) -> Messages:
    exact, patterns = set(), []
    for text in texts:
        if PLACEHOLDER.search(text):
            literal = [re.escape(part.replace("%%", "%")) for part in PLACEHOLDER.split(text)]
            patterns.append(re.compile("^" + ".+?".join(literal) + "$"))
        else:
            exact.add(text.replace("%%", "%"))
    return Messages(frozenset(exact), tuple(patterns))


def _entries(po_path: Path):
    """``(msgids, translations)`` of each message of ``po_path``, whitespace normalised."""
    with po_path.open("rb") as handle:
        catalog = read_po(handle)
    for message in catalog:
        if not message.id:
            continue  # the header
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        yield [_normal(i) for i in ids], [_normal(s) for s in strings if s]


@cache
def english_messages(po_path: Path) -> Messages:
    """The msgids of ``po_path`` a page in its language must not show.

    Msgids translated identically (``KPI``, ``ROI``), msgids with markup and msgids
    without a three-letter word outside their placeholders (``%(n)d``) are left out.
    """
    return _messages(
        msgid
        for ids, translated in _entries(po_path)
        for msgid in ids
        if msgid
        and "<" not in msgid
        and msgid not in translated
        and re.search(r"[A-Za-z]{3}", PLACEHOLDER.sub("", msgid))
    )


@cache
def shown_messages(locale: str) -> Messages:
    """Every text the catalog shows in ``locale``: msgids in English, translations otherwise."""
    entries = list(_entries(catalog_path("fr" if locale == "en" else locale)))
    if locale == "en":
        return _messages(msgid for ids, _ in entries for msgid in ids)
    return _messages(text for _, translated in entries for text in translated)


def catalog_path(locale: str) -> Path:
    return TRANSLATIONS_DIR / locale / "LC_MESSAGES" / "messages.po"


def untranslated(strings: list[str], messages: Messages) -> list[str]:
    """The strings (or their ``·``-separated parts) that are untranslated catalog messages."""
    found = []
    for raw in strings:
        text = _normal(raw)
        for candidate in {text, *SEPARATOR.split(text), text.rstrip(" :")}:
            if messages.matches(candidate):
                found.append(candidate)
                break
    return found


@dataclass
class CrawlReport:
    pages: int = 0
    broken: list[str] = field(default_factory=list)
    english: dict[str, list[str]] = field(default_factory=dict)


def crawl(client, home: str, *, url_map, locale: str, depth: int = 3, per_shape: int = 3,
          limit: int = 400, headers: dict | None = None) -> CrawlReport:  # fmt: skip
    """Visit every same-origin link reachable from ``home`` within ``depth`` clicks.

    Links to the same view with the same query (``/people/<id>``) are sampled: at most
    ``per_shape`` of them, so a list of a thousand people costs three visits; downloads
    of one view (an export in each report grouping) are sampled the same way.
    """
    adapter = url_map.bind("localhost")
    report = CrawlReport()
    queue = deque([(home, 0, "(home)")])
    seen: set[str] = set()
    shapes: Counter = Counter()
    while queue and report.pages < limit:
        url, level, source = queue.popleft()
        if url in seen:
            continue
        seen.add(url)
        parts = urlsplit(url)
        try:
            rule, _ = adapter.match(parts.path, return_rule=True)
        except Exception:  # noqa: BLE001 (werkzeug raises routing exceptions for 404 and 405)
            rule = None
        view = rule.rule if rule else parts.path
        shape = (view, tuple(sorted(parse_qsl(parts.query))))
        shapes[shape] += 1
        if shapes[shape] > per_shape or shapes[("download", view)] >= per_shape - 1:
            continue
        response = client.get(url, headers=headers)
        response.close()  # static files are streamed from open files
        report.pages += 1
        if response.status_code >= 400:
            report.broken.append(f"{response.status_code} {url} (linked from {source})")
            continue
        if response.status_code in (301, 302, 303, 307, 308):
            queue.appendleft((_local(url, response.headers["Location"]) or "", level, url))
            continue
        disposition = response.headers.get("Content-Disposition", "")
        if "attachment" in disposition:
            shapes[("download", view)] += 1  # one or two exports of a kind tell enough
        if "attachment" in disposition or response.mimetype != "text/html":
            continue
        page = read_page(response.get_data(as_text=True))
        if page.lang != locale:
            report.broken.append(f'<html lang="{page.lang}"> instead of "{locale}" on {url}')
        if locale != "en":
            strings = untranslated(page.strings, english_messages(catalog_path(locale)))
            if strings:
                report.english[url] = sorted(set(strings))
        for asset in page.assets:
            target = _local(url, asset)
            if target and target not in seen:
                queue.append((target, depth, url))  # checked, never followed further
        if level < depth:
            for href in page.links:
                target = _local(url, href)
                if target and target not in seen:
                    queue.append((target, level + 1, url))
    return report


def _local(base: str, href: str) -> str | None:
    """``href`` as a path on this site (None for other sites, mail links, fragments)."""
    if href.startswith(("mailto:", "tel:", "javascript:", "#")):
        return None
    absolute, _ = urldefrag(urljoin("http://localhost" + base, href))
    parts = urlsplit(absolute)
    if parts.scheme not in ("http", "https") or parts.hostname not in LOCAL_HOSTS:
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")
