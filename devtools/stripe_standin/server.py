"""HTTP server and routing for the Stripe stand-in (standard library only).

Usage from Python::

    from devtools.stripe_standin.server import StandinServer

    with StandinServer(port=0, webhook_url=..., webhook_secret=...) as srv:
        client = stripe.StripeClient("sk_test_x", base_addresses={"api": srv.url})
        ...

Longer than 400 lines for now: the HTTP handler and the server object; the next split is the
idempotent API dispatch into its own module.
"""

from __future__ import annotations

import base64
import contextlib
import json
import re
import secrets
import sys
import threading
import traceback
import urllib.parse
from collections.abc import Callable
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from . import control, hosted
from .common import API_VERSION, DAY, STANDIN_PORT, StripeError, new_id
from .holds import Hold, Holds
from .params import fingerprint, parse_params
from .resources import (
    checkout,
    coupons,
    customers,
    events,
    invoices,
    payments,
    portal,
    prices,
    products,
    promotion_codes,
    subscriptions,
    tax,
)
from .routing import Rendering, Request
from .store import Store
from .webhooks import Dispatcher

MAX_BODY = 1024 * 1024


# ---------------------------------------------------------------------- routing
# One route table per resource; each module under resources/ lists its own ROUTES.
RESOURCE_MODULES = (
    customers,
    products,
    prices,
    coupons,
    promotion_codes,
    checkout,
    subscriptions,
    invoices,
    payments,
    portal,
    tax,
    events,
)
ROUTES: list[tuple[str, re.Pattern[str], Callable[[Handler, Request], dict[str, Any]]]] = [
    (r.method, re.compile("^" + r.pattern + "$"), r.view)
    for module in RESOURCE_MODULES
    for r in module.ROUTES
]


class Handler(Rendering, BaseHTTPRequestHandler):
    server: _HTTPServer
    protocol_version = "HTTP/1.1"
    # Headers and body leave in two writes; with Nagle on, the body waited for the client's
    # delayed ACK: about 44 ms on every request of a kept-alive connection.
    disable_nagle_algorithm = True
    server_version = "StripeStandin/1.0"
    timeout = 30
    error_content_type = "application/json"

    # -------------------------------------------------------------- plumbing
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        if self.server.standin.verbose:
            sys.stderr.write("stripe-standin: " + (format % args) + "\n")

    def send_error(self, code: int, message: str | None = None, explain: str | None = None):
        # Malformed request lines etc.: answer in Stripe's error shape, never HTML.
        self.request_id = getattr(self, "request_id", None) or new_id("req_", 14)
        err = StripeError(
            message or HTTPStatus(code).phrase, status=code, type="invalid_request_error"
        )
        with contextlib.suppress(OSError):
            self.send_json(code, err.body())
        self.close_connection = True

    @property
    def store(self) -> Store:
        return self.server.standin.store

    @property
    def base_url(self) -> str:
        if self.server.standin.public_url:
            return self.server.standin.public_url.rstrip("/")
        host = self.headers.get("Host")
        if host and re.fullmatch(r"[A-Za-z0-9.\-\[\]:]+", host):
            return f"http://{host}"
        return self.server.standin.url

    def send_body(
        self, status: int, body: bytes, content_type: str, headers: dict[str, str] | None = None
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Request-Id", self.request_id)
        self.send_header("Cache-Control", "no-cache, no-store")
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def send_json(self, status: int, payload: Any, headers: dict[str, str] | None = None):
        body = json.dumps(payload, indent=2).encode("utf-8")
        self.send_body(status, body, "application/json", headers)

    def send_html(self, status: int, html: str, headers: dict[str, str] | None = None):
        self.send_body(status, html.encode("utf-8"), "text/html; charset=utf-8", headers)

    def read_body(self) -> str:
        length = self.headers.get("Content-Length")
        if not length:
            return ""
        try:
            n = int(length)
        except ValueError:
            raise StripeError("Invalid Content-Length header.") from None
        if n < 0:
            raise StripeError("Invalid Content-Length header.")
        if n > MAX_BODY:
            raise StripeError("Request body too large.", status=413)
        return self.rfile.read(n).decode("utf-8", errors="replace")

    def body_params(self) -> dict[str, Any]:
        raw = self.read_body()
        ctype = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        if ctype == "application/json" and raw.strip():
            try:
                data = json.loads(raw)
            except ValueError:
                raise StripeError("Invalid JSON body.") from None
            if not isinstance(data, dict):
                raise StripeError("The JSON body must be an object.")
            return data
        return parse_params(raw)

    # -------------------------------------------------------------- dispatch
    def do_GET(self) -> None:
        self._dispatch()

    def do_POST(self) -> None:
        self._dispatch()

    def do_DELETE(self) -> None:
        self._dispatch()

    def do_PUT(self) -> None:
        self._dispatch()

    def do_PATCH(self) -> None:
        self._dispatch()

    def do_HEAD(self) -> None:
        self._dispatch()

    def _dispatch(self) -> None:
        self.request_id = new_id("req_", 14)
        try:
            split = urllib.parse.urlsplit(self.path)
            path = split.path
            if path.startswith("/v1/"):
                self._api(path, split.query)
            elif path.startswith("/_standin/"):
                control.handle(self, path, split.query)
            elif path.startswith(("/checkout/", "/portal/", "/invoice/")) or path in ("/", ""):
                hosted.handle(self, path)
            else:
                raise StripeError(f"Unrecognized request URL ({self.command}: {path}).", status=404)
        except StripeError as err:
            self.send_json(err.status, err.body())
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True
        except Exception:  # noqa: BLE001 - never leak a traceback to the client
            if self.server.standin.verbose:
                traceback.print_exc()
            err = StripeError(
                "An unexpected error occurred in the Stripe stand-in.", status=500, type="api_error"
            )
            try:
                self.send_json(500, err.body())
            except OSError:
                self.close_connection = True

    # -------------------------------------------------------------- API
    def _auth(self) -> str:
        header = self.headers.get("Authorization") or ""
        key = ""
        if header.lower().startswith("bearer "):
            key = header[7:].strip()
        elif header.lower().startswith("basic "):
            try:
                key = base64.b64decode(header[6:].strip()).decode().split(":", 1)[0]
            except (ValueError, UnicodeDecodeError):
                key = ""
        if not key:
            raise StripeError(
                "You did not provide an API key. You need to provide your API key in the "
                "Authorization header, using Bearer auth (e.g. 'Authorization: Bearer "
                "YOUR_SECRET_KEY').",
                status=401,
            )
        if not re.fullmatch(r"sk_test_[A-Za-z0-9_]+", key):
            shown = key[:8] + "*" * 4 + key[-4:] if len(key) > 12 else "****"
            raise StripeError(f"Invalid API Key provided: {shown}", status=401)
        return key

    def _api(self, path: str, query: str) -> None:
        method = self.command
        api_key = self._auth()
        params = parse_params(query)
        if method == "POST":
            params.update(self.body_params())
        for m, pattern, candidate in ROUTES:
            match = pattern.match(path)
            if match and m == method:
                view = candidate
                break
        else:
            raise StripeError(
                f"Unrecognized request URL ({method}: {path}). Please see "
                "https://stripe.com/docs or we can help at "
                "https://support.stripe.com/.",
                status=404,
            )
        req = Request(self, method, path, params, match)
        # A failure set up by a test: Stripe erring before it changed anything.
        self.server.standin.holds.raise_if_refused(method, path)
        headers = {"Stripe-Version": self.headers.get("Stripe-Version") or API_VERSION}
        store = self.store
        with store.lock:
            idem = req.idempotency_key if method == "POST" else None
            cache_key = f"{api_key}:{idem}" if idem else None
            if cache_key and cache_key in store.idempotency:
                cached = store.idempotency[cache_key]
                if cached["path"] != path or cached["fingerprint"] != fingerprint(params):
                    raise StripeError(
                        "Keys for idempotent requests can only be used with the same "
                        "parameters they were first used with. Try using a key other than "
                        f"'{idem}' if you meant to execute a different request.",
                        type="idempotency_error",
                    )
                headers.update(
                    {
                        "Idempotency-Key": idem,
                        "Idempotent-Replayed": "true",
                        "Original-Request": cached["request_id"],
                    }
                )
                status, body = cached["status"], cached["body"]
            else:
                try:
                    status, body = 200, view(self, req)
                except StripeError as err:
                    if not cache_key or err.status != 402:
                        raise
                    status, body = err.status, err.body()
                if cache_key:
                    store.idempotency[cache_key] = {
                        "path": path,
                        "fingerprint": fingerprint(params),
                        "status": status,
                        "body": body,
                        "request_id": self.request_id,
                    }
                    headers["Idempotency-Key"] = idem  # type: ignore[assignment]
        # Outside the lock: a held answer (a slow network, for a test) already says what Stripe
        # had at this moment, while other requests go on changing it.
        self.server.standin.holds.wait_if_held(method, path)
        self.send_json(status, body, headers)


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    standin: StandinServer


class StandinServer:
    """The Stripe stand-in: store + webhook dispatcher + HTTP server on a background thread."""

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = STANDIN_PORT,
        webhook_url: str | None = None,
        webhook_secret: str | None = None,
        state_file: str | None = None,
        *,
        clock_file: str | None = None,
        public_url: str | None = None,
        webhook_max_attempts: int = 5,
        webhook_backoff: float = 0.5,
        webhook_timeout: float = 3.0,
        verbose: bool = False,
    ) -> None:
        self.host = host
        self.port = port
        self.public_url = public_url
        self.verbose = verbose
        self.store = Store(state_file=state_file, clock_file=clock_file)
        self.dispatcher = Dispatcher(
            webhook_url,
            webhook_secret,
            max_attempts=webhook_max_attempts,
            backoff=webhook_backoff,
            timeout=webhook_timeout,
        )
        self.holds = Holds()
        self.store.on_event = self.dispatcher.enqueue
        self.store.pending_webhooks = lambda: 1 if self.dispatcher.enabled else 0
        self.httpd: _HTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host = self.host if self.host not in ("0.0.0.0", "::", "") else "127.0.0.1"
        if ":" in host:
            host = f"[{host}]"
        return f"http://{host}:{self.port}"

    def start(self) -> StandinServer:
        if self.httpd is not None:
            return self
        self.httpd = _HTTPServer((self.host, self.port), Handler)
        self.httpd.standin = self
        self.port = self.httpd.server_address[1]
        self.store.hosted_base = (self.public_url or self.url).rstrip("/")
        self.dispatcher.start()
        self._thread = threading.Thread(
            target=self.httpd.serve_forever,
            kwargs={"poll_interval": 0.1},
            name="stripe-standin",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self.httpd is not None:
            self.httpd.shutdown()
            self.httpd.server_close()
            self.httpd = None
        self.dispatcher.stop()
        if self._thread:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> StandinServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # control API --------------------------------------------------------
    def configure_webhooks(self, url: str | None, secret: str | None, **options: Any) -> None:
        self.dispatcher.configure(url, secret, **options)

    def advance(self, days: float = 0, seconds: float = 0) -> dict[str, Any]:
        return self.store.advance(int(days * DAY + seconds))

    def flush_webhooks(self, timeout: float = 10.0) -> dict[str, int]:
        return self.dispatcher.flush(timeout=timeout)

    def deliveries(self) -> list[dict[str, Any]]:
        return self.dispatcher.deliveries()

    def refuse(self, method: str, path: str, *, status: int = 500) -> None:
        """Answer every ``method`` request to a path matching ``path`` with a Stripe error of
        ``status`` (500: Stripe's own fault) without doing anything, until ``reset()``."""
        self.holds.refuse(method, path, status)

    def hold_answer(self, method: str, path: str, *, seconds: float = 30.0) -> Hold:
        """Hold back the next answer to ``method`` on a path matching the regular expression
        ``path``: Stripe answering late. The answer is what the store had when the request
        arrived; it is sent when the test calls ``release()`` or after ``seconds``."""
        return self.holds.add(method, path, seconds)

    def reset(self) -> None:
        self.dispatcher.reset()
        self.store.reset()
        self.holds.clear()


def random_secret() -> str:
    return "whsec_" + secrets.token_hex(16)
