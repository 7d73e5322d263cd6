"""Cursor pagination of API lists: a stable order on a unique column, ``limit`` at most 500.

A list endpoint takes ``?limit=&cursor=`` (its query schema derives from
:class:`PageQueryIn`), runs :func:`paginate` on a ``select()`` and answers
``{"items": [...], "next": url|null, "next_cursor": str|null}`` described by
:func:`page_schema`. The cursor is opaque to callers: it encodes the last key seen, so
a row added or removed meanwhile never shifts a page (unlike an offset).
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass

from flask import request, url_for
from flask_babel import gettext as _
from marshmallow import Schema, ValidationError, fields, validate

from lms_roi.db import session
from lms_roi.schemas import LocalizedSchema

DEFAULT_LIMIT = 100
MAX_LIMIT = 500


class PageQueryIn(LocalizedSchema):
    """``limit`` (1 to 500, default 100) and ``cursor`` (the ``next_cursor`` of the last page)."""

    limit = fields.Integer(
        load_default=DEFAULT_LIMIT,
        validate=validate.Range(1, MAX_LIMIT),
        metadata={"description": "Items per page (at most 500)"},
    )
    cursor = fields.String(
        load_default=None,
        validate=validate.Length(max=200),
        metadata={"description": "The next_cursor of the previous page; omit for the first"},
    )


@dataclass
class Page:
    """One page of rows and the cursor of the next one (None on the last page)."""

    items: list
    next_cursor: str | None


def encode_cursor(key) -> str:
    """The opaque cursor after the row whose ordering key is ``key`` (int or str)."""
    return base64.urlsafe_b64encode(json.dumps(key).encode()).decode().rstrip("=")


def decode_cursor(cursor: str, kind: type | None = None):
    """The key a cursor was made from; a cursor not made by us is a 400 on ``cursor``.

    ``kind`` is the key's type (``int`` or ``str``) when known: a cursor of another
    type, or an integer key below 1 (ids start at 1), was not made by :func:`paginate`.
    """
    try:
        key = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        key = None
    valid = isinstance(key, int | str) and not isinstance(key, bool)
    if valid and kind is not None:
        valid = isinstance(key, kind) and not (isinstance(key, int) and key < 1)
    if not valid:
        raise ValidationError(_("this cursor is not valid; start again without it"), "cursor")
    return key


def _key_type(key_column) -> type | None:
    try:
        kind = key_column.type.python_type
    except NotImplementedError:
        return None
    return kind if kind in (int, str) else None


def paginate(stmt, key_column, query: dict, *, scalars: bool = True) -> Page:
    """Run ``stmt`` ordered by ``key_column`` (unique, e.g. ``Model.id``) from the cursor on.

    ``query`` is the loaded :class:`PageQueryIn` (``limit``, ``cursor``). With
    ``scalars=False`` the items are result rows (several columns) instead of objects;
    then ``key_column`` must be among the selected columns (read by its name).
    """
    if query.get("cursor"):
        stmt = stmt.where(key_column > decode_cursor(query["cursor"], _key_type(key_column)))
    limit = query["limit"]
    stmt = stmt.order_by(key_column).limit(limit + 1)
    result = session().scalars(stmt) if scalars else session().execute(stmt)
    items = list(result)
    if len(items) <= limit:
        return Page(items, None)
    items = items[:limit]
    last = items[-1]
    key = getattr(last, key_column.key)
    return Page(items, encode_cursor(key))


def page_body(page: Page) -> dict:
    """The JSON body of a page: its items, the next page's cursor and full link."""
    return {"items": page.items, "next_cursor": page.next_cursor, "next": next_link(page)}


def next_link(page: Page) -> str | None:
    """This request's URL with the next cursor (other parameters kept), or None at the end."""
    if page.next_cursor is None:
        return None
    args = {key: values for key, values in request.args.to_dict(flat=False).items()}
    args.pop("cursor", None)
    return url_for(
        request.endpoint,
        **(request.view_args or {}),
        **args,
        cursor=page.next_cursor,
        _external=True,
    )


_PAGE_SCHEMAS: dict[type, type[Schema]] = {}


def page_schema(item_schema: type[Schema]) -> type[Schema]:
    """The output schema of a page of ``item_schema`` (``LearnerOut`` -> ``LearnerPage``).

    Made once per item schema: the OpenAPI document names schemas by class name.
    """
    if item_schema not in _PAGE_SCHEMAS:
        name = item_schema.__name__.removesuffix("Out") + "Page"
        _PAGE_SCHEMAS[item_schema] = Schema.from_dict(
            {
                "items": fields.List(fields.Nested(item_schema), required=True),
                "next_cursor": fields.String(
                    required=True,
                    allow_none=True,
                    metadata={"description": "Pass as ?cursor= for the next page; null at the end"},
                ),
                "next": fields.String(
                    required=True,
                    allow_none=True,
                    metadata={"description": "Full URL of the next page; null at the end"},
                ),
            },
            name=name,
        )
    return _PAGE_SCHEMAS[item_schema]
