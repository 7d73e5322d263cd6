"""The API's OpenAPI 3 document and its interactive viewer, served without internet.

``/api/v1/openapi.json`` is built per application by :class:`LmsRoiApi` (a flask-smorest
``Api`` kept in ``app.extensions["lms_roi"].openapi``) from the schemas of the routes;
``/api/v1/docs`` shows it with Swagger UI, whose files come from the installed
``swagger_ui_bundle`` package (no CDN).
"""

from __future__ import annotations

from flask import Flask, current_app, render_template, send_from_directory, url_for
from flask_smorest import Api

import lms_roi
from lms_roi.policy import PUBLIC, policy

from .api import api, http_error
from .api_base import ErrorOut

#: Key of the bearer-token security scheme in the document.
BEARER = "bearerToken"


class LmsRoiApi(Api):
    """flask-smorest ``Api`` confined to the lms-roi API blueprint.

    A plugin must not change its host: no application-wide error handler (the API
    blueprint answers its own errors) and no extra doc blueprint (the document is
    served under the plugin's prefix, like every other lms-roi page).
    """

    ERROR_SCHEMA = ErrorOut

    def _register_error_handlers(self):
        pass

    def _register_doc_blueprint(self):
        pass

    def handle_http_exception(self, error):
        """Our error body, with the exception's headers (``Allow`` on 405) kept."""
        return http_error(error)


def init_openapi(app: Flask, blueprint_name: str = "lms_roi.api") -> LmsRoiApi:
    """Build the OpenAPI document of ``app``'s API routes (call once the plugin is mounted)."""
    openapi = LmsRoiApi(
        app,
        config_prefix="LMS_ROI_",
        spec_kwargs={
            "title": "lms-roi API",
            "version": lms_roi.__version__,
            "openapi_version": "3.0.3",
            "info": {
                "description": (
                    "Send `Authorization: Bearer <token>` (an administrator creates tokens). "
                    'Every error body is `{"code", "message", "field"}`; `message` is in the '
                    "caller's language."
                )
            },
            "security": [{BEARER: []}],
        },
    )
    openapi.spec.components.security_scheme(BEARER, {"type": "http", "scheme": "bearer"})
    app.extensions["flask-smorest"]["blp_name_to_api"][blueprint_name] = openapi
    api.register_views_in_doc(openapi, app, openapi.spec, name=blueprint_name, parameters=None)
    return openapi


@api.undocumented_route("/openapi.json")
@policy(PUBLIC)
def openapi_json():
    """The OpenAPI 3 document of this application's API."""
    return current_app.extensions["lms_roi"].openapi.spec.to_dict()


@api.undocumented_route("/docs")
@policy(PUBLIC)
def docs():
    """Swagger UI on the document, its scripts served from this application."""
    return render_template(
        "lms_roi/api_docs.html",
        spec_url=url_for(".openapi_json"),
        asset=lambda name: url_for(".docs_asset", filename=name),
    )


@api.undocumented_route("/docs/assets/<path:filename>")
@policy(PUBLIC)
def docs_asset(filename: str):
    """A file of the installed Swagger UI (cached a day: it changes with the package)."""
    from swagger_ui_bundle import swagger_ui_path

    return send_from_directory(swagger_ui_path, filename, max_age=86400)
