"""One HTTP POST to a receiver: no redirect followed, a timeout, and whatever the network or the
receiver does turned into an ``Outcome`` (never an exception).

The connection goes to an address checked by ``destinations`` at that moment, the very one the
socket connects to (the name is resolved once, here, not again by ``http.client``); TLS still
checks the certificate against the name. Proxies from the environment (``http_proxy``) are not
used: the check would see the proxy, not the receiver. An error answer is logged by its status
alone: its body (and the receiver's own reason phrase) could be anything a service on the other
side says, and the delivery log is no place to read it.
"""

from __future__ import annotations

import functools
import http.client
import socket
import urllib.error
import urllib.request
from collections.abc import Mapping, Sequence
from http import HTTPStatus

from .delivery import Outcome
from .destinations import Forbidden, Network, resolve

TIMEOUT = 10.0


def _connect(connection: http.client.HTTPConnection, allowed: Sequence[Network]) -> socket.socket:
    """A socket to one of the checked addresses of ``connection.host`` (the first that answers)."""
    failure: OSError | None = None
    for address in resolve(connection.host, connection.port, allowed):
        try:
            return socket.create_connection(
                (address, connection.port), connection.timeout, connection.source_address
            )
        except OSError as error:
            failure = error
    raise failure or OSError(f"{connection.host} has no address")


class _CheckedHTTP(http.client.HTTPConnection):
    def __init__(self, *args: object, allowed: Sequence[Network] = (), **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.allowed = allowed

    def connect(self) -> None:
        self.sock = _connect(self, self.allowed)


class _CheckedHTTPS(http.client.HTTPSConnection):
    def __init__(self, *args: object, allowed: Sequence[Network] = (), **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.allowed = allowed

    def connect(self) -> None:
        sock = _connect(self, self.allowed)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)  # type: ignore[attr-defined]


class _HTTPHandler(urllib.request.HTTPHandler):
    def __init__(self, allowed: Sequence[Network]) -> None:
        super().__init__()
        self.allowed = allowed

    def http_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(functools.partial(_CheckedHTTP, allowed=self.allowed), req)  # type: ignore[arg-type]


class _HTTPSHandler(urllib.request.HTTPSHandler):
    def __init__(self, allowed: Sequence[Network]) -> None:
        super().__init__()
        self.allowed = allowed

    def https_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(
            functools.partial(_CheckedHTTPS, allowed=self.allowed),  # type: ignore[arg-type]
            req,
            context=self._context,  # type: ignore[attr-defined]
        )


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect is an answer to fix, not to follow: the body would be lost (or re-sent to a
    host nobody configured)."""

    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


@functools.lru_cache(maxsize=8)
def _opener(allowed: tuple[Network, ...]) -> urllib.request.OpenerDirector:
    return urllib.request.build_opener(
        urllib.request.ProxyHandler({}), _NoRedirects, _HTTPHandler(allowed), _HTTPSHandler(allowed)
    )


def post(
    url: str,
    raw_body: bytes,
    request_headers: Mapping[str, str],
    timeout: float,
    *,
    allowed: Sequence[Network] = (),
) -> Outcome:
    """POST once to a public address (or one in ``allowed``); never raises for anything the
    network or the receiver does."""
    request = urllib.request.Request(url, data=raw_body, headers=dict(request_headers))
    request.method = "POST"
    try:
        with _opener(tuple(allowed)).open(request, timeout=timeout) as response:
            response.read(64 * 1024)
            return Outcome(status=response.status)
    except Forbidden as error:
        return Outcome(status=None, error=f"refused: {error}")
    except urllib.error.HTTPError as error:
        error.close()
        redirect = error.headers.get("Location") if 300 <= error.code < 400 else None
        text = f"HTTP {error.code} {_phrase(error.code)}".rstrip()
        if redirect:
            text += f" (redirects to {redirect[:200]}: put that URL in the webhook)"
        return Outcome(status=error.code, error=text)
    except urllib.error.URLError as error:
        if isinstance(error.reason, TimeoutError):
            return Outcome(status=None, error=f"no answer within {timeout:g} s")
        return Outcome(status=None, error=f"cannot connect: {error.reason}")
    except TimeoutError:
        return Outcome(status=None, error=f"no answer within {timeout:g} s")
    except (OSError, http.client.HTTPException, ValueError) as error:
        return Outcome(status=None, error=f"{type(error).__name__}: {error}")


def _phrase(code: int) -> str:
    """The standard phrase of a status (not the receiver's own words)."""
    try:
        return HTTPStatus(code).phrase
    except ValueError:
        return ""
