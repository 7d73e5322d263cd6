"""The building blocks of the REST API: a flask-smorest blueprint that documents itself.

Every route of :class:`ApiBlueprint` lands in the OpenAPI document (served at
``/api/v1/openapi.json``) with its input and output schemas. Input is parsed by
:class:`StrictParser`: unknown fields are refused and a rejected value raises the
marshmallow ``ValidationError`` itself, which the API turns into our error body
``{"code": "invalid_input", "message", "field"}`` (400), not webargs' 422.
"""

from __future__ import annotations

from flask import Blueprint as FlaskBlueprint
from flask_babel import gettext as _
from flask_smorest import Blueprint as SmorestBlueprint
from marshmallow import Schema, fields
from webargs.flaskparser import FlaskParser, is_json_request

from lms_roi.errors import DomainError
from lms_roi.schemas import LocalizedSchema

#: Error statuses every operation may answer (token missing or refused, roles, rate limit).
COMMON_ERRORS = {
    401: "UNAUTHORIZED",
    403: "FORBIDDEN",
    429: "TOO_MANY_REQUESTS",
}


class NotFound(DomainError):
    """Nothing at this address for this caller (also for "exists but not yours")."""

    status = 404


class IssueOut(Schema):
    """One rejected row of an import."""

    row = fields.Integer(metadata={"description": "Row number in the file (header is row 1)"})
    field = fields.String(allow_none=True, metadata={"description": "Column at fault"})
    message = fields.String(metadata={"description": "What is wrong, in the caller's language"})
    fix = fields.String(allow_none=True, metadata={"description": "How to correct it"})


class ErrorOut(Schema):
    """Every 4xx body of the API."""

    code = fields.String(
        required=True, metadata={"description": "Stable code for programs, e.g. invalid_input"}
    )
    message = fields.String(
        required=True, metadata={"description": "Human message in the caller's language"}
    )
    field = fields.String(
        required=True,
        allow_none=True,
        metadata={"description": "Offending field or parameter (null when none)"},
    )
    errors = fields.List(
        fields.Nested(IssueOut), metadata={"description": "Rejected rows (imports only)"}
    )


class StrictParser(FlaskParser):
    """webargs parser: the schema decides unknown fields (ours refuse them), errors are ours."""

    DEFAULT_VALIDATION_STATUS = 400
    # None: let the schema's own ``unknown`` (RAISE for every LocalizedSchema) apply,
    # also to query strings, where webargs would silently drop a misspelt parameter.
    DEFAULT_UNKNOWN_BY_LOCATION = {
        "json": None,
        "form": None,
        "json_or_form": None,
        "query": None,
        "querystring": None,
        "view_args": None,
        "path": None,
        "files": None,
        "headers": "exclude",
        "cookies": "exclude",
    }

    def _on_validation_error(self, error, req, schema, location, **_kwargs):
        """Re-raise the ``ValidationError`` as the schema raised it (not namespaced under
        its location): the API's handler words it with the field's path and language."""
        raise error

    def _handle_invalid_json_error(self, error, req, *args, **kwargs):
        raise DomainError("invalid_json", _("the request body is not valid JSON"))

    def _raw_load_json(self, req):
        """A body sent as a form (or any type but JSON) is refused as such, instead of
        being read as no body at all and answered with "this parameter is required"."""
        if not is_json_request(req) and (req.content_length or req.form or req.files):
            raise DomainError(
                "invalid_json", _("send a JSON body (Content-Type: application/json)")
            )
        return super()._raw_load_json(req)


class NoQueryIn(LocalizedSchema):
    """The query of an endpoint that takes no parameter: any one is refused by name."""


class NoBodyIn(LocalizedSchema):
    """The body of an action that takes none: send nothing or ``{}``; any field is refused."""


class ApiBlueprint(SmorestBlueprint):
    """flask-smorest blueprint with our parser, error responses and tags by resource."""

    ARGUMENTS_PARSER = StrictParser()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._prepare_doc_cbks.append(_document_common_errors)

    def add_url_rule(self, rule, endpoint=None, view_func=None, *args, tags=None, **options):
        """Register a documented route; its tag is the rule's first segment (``/reports/…``)."""
        if tags is None:
            tags = [rule.strip("/").split("/")[0] or "api"]
        return super().add_url_rule(rule, endpoint, view_func, *args, tags=tags, **options)

    def no_query(self):
        """Decorator of a view without query parameters: ``?anything=`` is a 400 naming it.

        Placed where ``arguments`` go (below ``policy``); the view gets no extra argument.
        """
        return self.arguments(NoQueryIn, location="query", as_kwargs=True)

    def no_body(self):
        """Decorator of an action without a body: a JSON field sent is a 400 naming it."""
        return self.arguments(NoBodyIn, location="json", required=False, as_kwargs=True)

    def undocumented_route(self, rule: str, **options):
        """A route left out of the OpenAPI document (the document itself, its viewer)."""

        def decorator(view):
            FlaskBlueprint.add_url_rule(
                self, rule, options.pop("endpoint", None), view, **options
            )
            return view

        return decorator


def _document_common_errors(doc, doc_info, *, api, app, spec, method, **_kwargs):
    """Add the errors any operation can answer, each with the :class:`ErrorOut` body."""
    responses = doc.setdefault("responses", {})
    for status, name in COMMON_ERRORS.items():
        responses.setdefault(status, name)
    return doc
