"""The one place HTTP meets the error tree: problem+json bodies and security headers."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from goodwill import errors

PROBLEM = "application/problem+json"
CSP = (
    "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)
STATUS: list[tuple[type[errors.GoodwillError], int, str]] = [
    (errors.NotFound, 404, "Not found"),
    (errors.Ambiguous, 409, "Ambiguous reference"),
    (errors.PreconditionFailed, 412, "Precondition failed"),
    (errors.Conflict, 409, "Conflict"),
    (errors.ValidationFailed, 422, "Invalid input"),
    (errors.RateLimited, 429, "Too many attempts"),
    (errors.PermissionDenied, 403, "Forbidden"),
    (errors.ImportFailed, 422, "Import failed"),
    (errors.DatabaseUnavailable, 503, "Database unavailable"),
]


class Unauthenticated(Exception):
    """No valid credentials came with the request (a face-level error: 401)."""


PageError = Callable[[Request, int, str, str], Response | None]


def _page(request: Request, status: int, title: str, detail: str) -> Response | None:
    """The web pages' own face of an error (an HTML page, or the flash area for HTMX),
    when the request was for a page; None for the API, DAV and feeds."""
    render: PageError | None = getattr(request.app.state, "page_error", None)
    return render(request, status, title, detail) if render is not None else None


def problem(
    status: int, title: str, detail: str, *, headers: dict[str, str] | None = None, **extra: Any
) -> JSONResponse:
    slug = title.lower().replace(" ", "-")
    body = {"type": f"/problems/{slug}", "title": title, "status": status, "detail": detail}
    return JSONResponse({**body, **extra}, status, headers=headers, media_type=PROBLEM)


def _goodwill_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, errors.GoodwillError)
    status, title = next(((s, t) for cls, s, t in STATUS if isinstance(exc, cls)), (400, "Error"))
    extra: dict[str, Any] = {}
    headers: dict[str, str] = {}
    if isinstance(exc, errors.ValidationFailed):
        extra["errors"] = [{"field": exc.field, "reason": exc.reason}]
    if isinstance(exc, errors.RateLimited):
        headers["Retry-After"] = str(exc.retry_after)
    page = _page(request, status, title, exc.message)
    if page is not None:
        return page
    return problem(status, title, exc.message, headers=headers, **extra)


def _request_validation(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    fields = [
        # The offending value is not echoed: it may be huge, or someone's data.
        {"field": ".".join(str(p) for p in e.get("loc", ()) if p != "body"), "reason": e["msg"]}
        for e in exc.errors()
    ]
    detail = "; ".join(f"{f['field']}: {f['reason']}" for f in fields)
    page = _page(request, 422, "Invalid input", detail)
    if page is not None:
        return page
    return problem(422, "Invalid input", "the request is malformed", errors=fields)


def _http_error(request: Request, exc: Exception) -> Response:
    """Framework errors (a body that is not JSON, no such route or method) as problem+json."""
    assert isinstance(exc, StarletteHTTPException)
    try:
        title = HTTPStatus(exc.status_code).phrase
    except ValueError:
        title = "Error"
    page = _page(request, exc.status_code, title, str(exc.detail))
    if page is not None:
        return page
    return problem(exc.status_code, title, str(exc.detail), headers=dict(exc.headers or {}))


def _unauthenticated(request: Request, exc: Exception) -> Response:
    return problem(401, "Unauthenticated", str(exc), headers={"WWW-Authenticate": "Bearer"})


async def _security_headers(
    request: Request, call_next: Callable[[Request], Awaitable[Response]]
) -> Response:
    response = await call_next(request)
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["X-Frame-Options"] = "DENY"
    # same-origin, not no-referrer: under no-referrer a browser sends `Origin: null` with
    # a form's POST, and the pages' origin check would refuse every form.
    response.headers.setdefault("Referrer-Policy", "same-origin")
    if request.url.path.startswith("/api/"):
        response.headers["Cache-Control"] = "no-store"
    return response


PROBLEM_SCHEMA: dict[str, Any] = {
    "title": "Problem",
    "type": "object",
    "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["field", "reason"],
                "properties": {"field": {"type": "string"}, "reason": {"type": "string"}},
            },
        },
    },
}


def _document_problems(app: FastAPI) -> None:
    """State in the OpenAPI schema what every error really is: problem+json, for a 422
    and as every operation's `default` response (401, 403, 404, 409, 429, 503…)."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        schema = generate()
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        for unused in ("HTTPValidationError", "ValidationError"):
            components.pop(unused, None)
        components["Problem"] = PROBLEM_SCHEMA
        content = {PROBLEM: {"schema": {"$ref": "#/components/schemas/Problem"}}}
        for item in schema.get("paths", {}).values():
            for operation in item.values():
                responses = operation.get("responses") if isinstance(operation, dict) else None
                if responses is None:
                    continue
                if "422" in responses:
                    responses["422"] = {"description": "Invalid input", "content": content}
                error = {"description": "An error (problem+json)", "content": content}
                responses["default"] = error
        return schema

    app.openapi = openapi  # type: ignore[method-assign]


def install(app: FastAPI) -> None:
    _document_problems(app)
    app.add_exception_handler(errors.GoodwillError, _goodwill_error)
    app.add_exception_handler(RequestValidationError, _request_validation)
    app.add_exception_handler(Unauthenticated, _unauthenticated)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.middleware("http")(_security_headers)
