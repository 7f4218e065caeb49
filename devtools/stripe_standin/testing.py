"""Helpers for tests that drive the stand-in: a client factory, a browser-like form poster
and a tiny webhook receiver.  Standard library + stripe-python only."""

from __future__ import annotations

import http.client
import json
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from newsroom.stripe_defaults import API_VERSION, STANDIN_SECRET_KEY

TEST_KEY = STANDIN_SECRET_KEY


def make_client(base_url: str, api_key: str = TEST_KEY):
    import stripe

    return stripe.StripeClient(
        api_key,
        base_addresses={"api": base_url},
        stripe_version=API_VERSION,
        max_network_retries=2,
    )


class Response:
    def __init__(self, status: int, headers: dict[str, str], body: bytes) -> None:
        self.status = status
        self.headers = headers
        self.body = body

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")

    def json(self) -> Any:
        return json.loads(self.body)

    def header(self, name: str) -> str | None:
        for key, value in self.headers.items():
            if key.lower() == name.lower():
                return value
        return None


def request(
    method: str,
    url: str,
    *,
    form: dict[str, Any] | list[tuple[str, str]] | None = None,
    body: bytes | str | None = None,
    headers: dict[str, str] | None = None,
    api_key: str | None = None,
) -> Response:
    """One raw HTTP request (no redirects followed), like a browser or curl would send."""
    parts = urllib.parse.urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=15)
    hdrs = dict(headers or {})
    if form is not None:
        body = urllib.parse.urlencode(form)
        hdrs.setdefault("Content-Type", "application/x-www-form-urlencoded")
    if api_key:
        hdrs["Authorization"] = f"Bearer {api_key}"
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    try:
        conn.request(method, path, body=body, headers=hdrs)
        resp = conn.getresponse()
        return Response(resp.status, dict(resp.getheaders()), resp.read())
    finally:
        conn.close()


def monthly_checkout(client, **price_params: Any):
    """A $9-a-month price and an open subscription checkout for it: (price, session)."""
    price = client.v1.prices.create(
        params={
            "currency": "usd",
            "unit_amount": 900,
            "recurring": {"interval": "month"},
            "product_data": {"name": "Digital monthly"},
            **price_params,
        }
    )
    session = client.v1.checkout.sessions.create(
        params={
            "mode": "subscription",
            "line_items": [{"price": price.id, "quantity": 1}],
            "success_url": "https://news.test/ok",
        }
    )
    return price, session


def one_time_checkout(client, *, amount: int = 2700, **session_params: Any):
    """An open `mode=payment` checkout for one inline price (a 3-month gift, say)."""
    return client.v1.checkout.sessions.create(
        params={
            "mode": "payment",
            "line_items": [
                {
                    "price_data": {
                        "currency": "usd",
                        "unit_amount": amount,
                        "product_data": {"name": "3-month gift subscription"},
                    },
                    "quantity": 1,
                }
            ],
            "success_url": "https://news.test/gift/thanks?session_id={CHECKOUT_SESSION_ID}",
            **session_params,
        }
    )


def pay(
    checkout_url: str,
    card: str = "4242 4242 4242 4242",
    email: str = "reader@example.com",
    **overrides: str,
) -> Response:
    """Submit the hosted checkout form as a browser would."""
    form = {
        "email": email,
        "card_number": card,
        "card_expiry": "12 / 34",
        "card_cvc": "123",
        "card_name": "Ada Reader",
        # The box a person ticks where the session asks for consent to the terms.
        "terms_of_service": "accepted",
    }
    form.update(overrides)
    return request("POST", checkout_url, form=form)


class WebhookReceiver:
    """Captures webhook POSTs.  ``statuses`` are answered in turn (then ``default_status``)."""

    def __init__(self, statuses: list[int] | None = None, default_status: int = 200) -> None:
        self.statuses = list(statuses or [])
        self.default_status = default_status
        self.requests: list[dict[str, Any]] = []
        self._cond = threading.Condition()
        receiver = self

        class _Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
                pass

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with receiver._cond:
                    status = (
                        receiver.statuses.pop(0) if receiver.statuses else receiver.default_status
                    )
                    receiver.requests.append(
                        {
                            "headers": dict(self.headers.items()),
                            "body": body,
                            "status": status,
                            "path": self.path,
                        }
                    )
                    receiver._cond.notify_all()
                self.send_response(status)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/webhooks/stripe/"
        self._thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> WebhookReceiver:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def events(self, only_ok: bool = True) -> list[dict[str, Any]]:
        with self._cond:
            return [
                json.loads(r["body"])
                for r in self.requests
                if not only_ok or 200 <= r["status"] < 300
            ]

    def types(self) -> list[str]:
        return [e["type"] for e in self.events()]

    def wait_for(self, count: int, timeout: float = 10.0) -> list[dict[str, Any]]:
        deadline = time.monotonic() + timeout
        with self._cond:
            while len(self.requests) < count and time.monotonic() < deadline:
                self._cond.wait(deadline - time.monotonic())
        return self.requests
