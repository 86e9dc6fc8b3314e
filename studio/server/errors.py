"""Errors as the two contracts shape them.

Under ``/v1/`` the error is the shape of the API the speech endpoint is
compatible with: ``{"error": {"message", "type", "param", "code"}}``;
elsewhere (the original service's contract, operations) ``{"detail":
message}``. Each message is one line naming the problem and what to do,
like every :class:`~studio.errors.UserError`.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse

TYPES = {
    400: "invalid_request_error",
    401: "invalid_request_error",
    403: "invalid_request_error",
    404: "invalid_request_error",
    405: "invalid_request_error",
    409: "invalid_request_error",
    413: "invalid_request_error",
    415: "invalid_request_error",
    429: "rate_limit_error",
    500: "server_error",
    503: "server_error",
    504: "server_error",
}


class ApiError(Exception):
    """A request answered with ``status`` and a one-line ``message``."""

    def __init__(self, status: int, message: str, *, param: str | None = None,
                 code: str | None = None, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.param = param
        self.code = code
        self.headers = headers or {}


def body(path: str, status: int, message: str, param: str | None = None,
         code: str | None = None) -> dict[str, Any]:
    """The JSON of an error for a request to ``path``."""
    if path.startswith("/v1/") or path == "/v1":
        return {"error": {"message": message, "type": TYPES.get(status, "server_error"),
                          "param": param, "code": code}}
    return {"detail": message}


def response(request: Request, err: ApiError) -> JSONResponse:
    """The response for ``err``."""
    return JSONResponse(body(request.url.path, err.status, err.message, err.param, err.code),
                        status_code=err.status, headers=err.headers)
