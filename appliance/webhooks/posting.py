"""One HTTP POST to a receiver: no redirect followed, a timeout, and whatever the network or the
receiver does turned into an ``Outcome`` (never an exception)."""

from __future__ import annotations

import http.client
import urllib.error
import urllib.request
from collections.abc import Mapping

from .delivery import Outcome

TIMEOUT = 10.0


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect is an answer to fix, not to follow: the body would be lost (or re-sent to a
    host nobody configured)."""

    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


_OPENER = urllib.request.build_opener(_NoRedirects)


def post(url: str, raw_body: bytes, request_headers: Mapping[str, str], timeout: float) -> Outcome:
    """POST once; never raises for anything the network or the receiver does."""
    request = urllib.request.Request(url, data=raw_body, headers=dict(request_headers))
    request.method = "POST"
    try:
        with _OPENER.open(request, timeout=timeout) as response:
            response.read(64 * 1024)
            return Outcome(status=response.status)
    except urllib.error.HTTPError as error:
        with error:
            excerpt = _excerpt(error)
        redirect = error.headers.get("Location") if 300 <= error.code < 400 else None
        text = f"HTTP {error.code} {error.reason}"
        if redirect:
            text += f" (redirects to {redirect[:200]}: put that URL in the webhook)"
        return Outcome(status=error.code, error=f"{text}: {excerpt}" if excerpt else text)
    except urllib.error.URLError as error:
        if isinstance(error.reason, TimeoutError):
            return Outcome(status=None, error=f"no answer within {timeout:g} s")
        return Outcome(status=None, error=f"cannot connect: {error.reason}")
    except TimeoutError:
        return Outcome(status=None, error=f"no answer within {timeout:g} s")
    except (OSError, http.client.HTTPException, ValueError) as error:
        return Outcome(status=None, error=f"{type(error).__name__}: {error}")


def _excerpt(error: urllib.error.HTTPError) -> str:
    try:
        return error.read(200).decode("utf-8", errors="replace").strip()
    except (OSError, http.client.HTTPException):
        return ""
