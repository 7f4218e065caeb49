"""The stand-in's control API under ``/_standin/``: clock, webhooks, reset, test cards.

Not part of Stripe's API: tests and the demo use it to move time and inspect deliveries.
"""

from __future__ import annotations

import datetime as dt
import re
import urllib.parse
from typing import TYPE_CHECKING

from .common import DAY, StripeError
from .params import number, parse_params

if TYPE_CHECKING:
    from .server import Handler


def handle(handler: Handler, path: str, query: str) -> None:
    standin = handler.server.standin
    method = handler.command
    params = parse_params(query)
    if method == "POST":
        params.update(handler.body_params())
    if path == "/_standin/health" and method in ("GET", "HEAD"):
        handler.send_json(200, {"ok": True, "now": handler.store.now()})
    elif path == "/_standin/clock" and method == "GET":
        now = handler.store.now()
        iso = dt.datetime.fromtimestamp(now, dt.UTC).isoformat()
        handler.send_json(200, {"now": now, "iso": iso, "offset": handler.store.clock_offset})
    elif path == "/_standin/clock/advance" and method == "POST":
        seconds = number(params.get("seconds", 0), "seconds")
        seconds += number(params.get("days", 0), "days") * DAY
        handler.send_json(200, standin.advance(seconds=seconds))
    elif path == "/_standin/webhooks/flush" and method == "POST":
        timeout = min(number(params.get("timeout", 10), "timeout"), 60)
        handler.send_json(200, standin.flush_webhooks(timeout=timeout))
    elif path == "/_standin/webhooks/config" and method == "POST":
        standin.configure_webhooks(params.get("url") or None, params.get("secret") or None)
        handler.send_json(
            200, {"url": standin.dispatcher.url, "enabled": standin.dispatcher.enabled}
        )
    elif path == "/_standin/deliveries" and method == "GET":
        handler.send_json(200, {"object": "list", "data": standin.dispatcher.deliveries()})
    elif path == "/_standin/hold" and method == "POST":
        # Answer the next `method` request to a path matching `path` (a regular expression)
        # `seconds` late, with what the stand-in had when it arrived.
        try:
            hold_method = str(params.get("method") or "GET")
            seconds = min(number(params.get("seconds", 1), "seconds"), 60)
            standin.hold_answer(hold_method, str(params.get("path") or ""), seconds=seconds)
        except re.error:
            raise StripeError("Invalid regular expression.", param="path") from None
        handler.send_json(200, {"method": hold_method.upper(), "seconds": seconds})
    elif path == "/_standin/reset" and method == "POST":
        standin.reset()
        handler.send_json(200, {"ok": True})
    elif (m := re.fullmatch(r"/_standin/customers/([^/]+)/card", path)) and method == "POST":
        card = handler.store.set_card(
            urllib.parse.unquote(m.group(1)), str(params.get("number", ""))
        )
        handler.send_json(200, {"customer": m.group(1), "card": card})
    else:
        raise StripeError(f"Unrecognized control URL ({method}: {path}).", status=404)
