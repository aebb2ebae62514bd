"""Domain errors raised by services, and the localized error pages."""

from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from werkzeug.exceptions import HTTPException


class DomainError(Exception):
    """A rule of the domain was broken; the message is shown to the user as it is."""


class TransitionError(DomainError):
    """A status change that the workflow does not allow, or not for this actor."""


class PermissionDeniedError(DomainError):
    """The actor may not do this to this object."""


# Unhandled exceptions reach the 500 handler as InternalServerError (Flask wraps them), so one
# HTTPException handler covers all three pages; the session is rolled back by its teardown.
ERROR_PAGES = {403, 404, 500}


def _wants_json() -> bool:
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def handle_http_error(error: HTTPException):
    if _wants_json():
        return jsonify(error={"code": error.code, "message": error.description}), error.code
    template = f"errors/{error.code}.html" if error.code in ERROR_PAGES else "errors/generic.html"
    return render_template(template, error=error), error.code


def handle_permission_denied(error: PermissionDeniedError):
    if _wants_json():
        return jsonify(error={"code": 403, "message": str(error)}), 403
    return render_template("errors/403.html", error=error), 403


def register_error_handlers(app: Flask) -> None:
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(PermissionDeniedError, handle_permission_denied)
