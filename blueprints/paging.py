"""Page numbers of paged lists (``?page=``), always within the list's pages."""

from __future__ import annotations

from flask import request

#: More digits than any real page number; a longer one reads as "past the last page".
_MAX_DIGITS = 9


def page_and_pages(total: int, size: int) -> tuple[int, int]:
    """The requested page clamped to ``[1, pages]``, and the number of pages.

    Anything that is not a page number shows the first page; a number past the end
    (however long) shows the last one, so no offset outside the list reaches the database.
    """
    pages = max((total + size - 1) // size, 1)
    raw = request.args.get("page", "").strip()
    if not (raw.isascii() and raw.isdigit()):
        return 1, pages
    page = int(raw) if len(raw) <= _MAX_DIGITS else pages
    return min(max(page, 1), pages), pages
