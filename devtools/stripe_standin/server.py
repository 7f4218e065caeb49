"""HTTP server and routing for the Stripe stand-in (standard library only).

Usage from Python::

    from devtools.stripe_standin.server import StandinServer

    with StandinServer(port=0, webhook_url=..., webhook_secret=...) as srv:
        client = stripe.StripeClient("sk_test_x", base_addresses={"api": srv.url})
        ...
"""

from __future__ import annotations

import base64
import contextlib
import copy
import datetime as dt
import hashlib
import json
import re
import secrets
import sys
import threading
import traceback
import urllib.parse
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from . import pages
from .store import API_VERSION, DAY, Store, StripeError, new_id
from .webhooks import Dispatcher

MAX_BODY = 1024 * 1024
_KEY_PART = re.compile(r"\[([^\[\]]*)\]")


# ---------------------------------------------------------------------- form parsing
def parse_params(text: str) -> dict[str, Any]:
    """Decode Stripe-style form encoding (``a[b][0][c]=v``) into nested dicts/lists."""
    try:
        pairs = urllib.parse.parse_qsl(text, keep_blank_values=True, max_num_fields=5000)
    except ValueError as exc:
        raise StripeError(f"Could not parse the request body: {exc}") from None
    root: dict[str, Any] = {}
    for key, value in pairs:
        parts = _split_key(key)
        node = root
        for i, part in enumerate(parts):
            if part == "":
                part = str(len(node))
            if i == len(parts) - 1:
                node[part] = value
            else:
                child = node.get(part)
                if not isinstance(child, dict):
                    child = {}
                    node[part] = child
                node = child
    return _listify(root, None)


def _split_key(key: str) -> list[str]:
    head, sep, rest = key.partition("[")
    if not sep:
        return [key]
    rest = "[" + rest
    parts = _KEY_PART.findall(rest)
    if "".join(f"[{p}]" for p in parts) != rest or not head:
        return [key]  # malformed brackets: keep the key literally
    return [head, *parts]


def _listify(node: Any, key: str | None) -> Any:
    if not isinstance(node, dict):
        return node
    converted = {k: _listify(v, k) for k, v in node.items()}
    if key != "metadata" and converted and all(k.isdigit() for k in converted):
        return [converted[k] for k in sorted(converted, key=int)]
    return converted


def _fingerprint(params: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(params, sort_keys=True).encode()).hexdigest()


# ---------------------------------------------------------------------- routing
ROUTES: list[tuple[str, re.Pattern[str], str]] = []


def route(method: str, pattern: str):
    def register(fn):
        ROUTES.append((method, re.compile("^" + pattern + "$"), fn.__name__))
        return fn

    return register


class Request:
    def __init__(
        self,
        handler: Handler,
        method: str,
        path: str,
        params: dict[str, Any],
        match: re.Match[str] | None,
    ):
        self.handler = handler
        self.method = method
        self.path = path
        self.params = params
        self.match = match
        self.id = handler.request_id
        self.idempotency_key = handler.headers.get("Idempotency-Key")

    @property
    def info(self) -> dict[str, Any]:
        return {"id": self.id, "idempotency_key": self.idempotency_key}

    def arg(self, i: int = 1) -> str:
        return urllib.parse.unquote(self.match.group(i))  # type: ignore[union-attr]


class Handler(BaseHTTPRequestHandler):
    server: _HTTPServer
    protocol_version = "HTTP/1.1"
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
            self._send_json(code, err.body())
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

    def _send(
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

    def _send_json(self, status: int, payload: Any, headers: dict[str, str] | None = None):
        body = json.dumps(payload, indent=2).encode("utf-8")
        self._send(status, body, "application/json", headers)

    def _send_html(self, status: int, html: str, headers: dict[str, str] | None = None):
        self._send(status, html.encode("utf-8"), "text/html; charset=utf-8", headers)

    def _read_body(self) -> str:
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

    def _body_params(self) -> dict[str, Any]:
        raw = self._read_body()
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
                self._control(path, split.query)
            elif path.startswith(("/checkout/", "/portal/")) or path in ("/", ""):
                self._page(path)
            else:
                raise StripeError(f"Unrecognized request URL ({self.command}: {path}).", status=404)
        except StripeError as err:
            self._send_json(err.status, err.body())
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True
        except Exception:  # noqa: BLE001 - never leak a traceback to the client
            if self.server.standin.verbose:
                traceback.print_exc()
            err = StripeError(
                "An unexpected error occurred in the Stripe stand-in.", status=500, type="api_error"
            )
            try:
                self._send_json(500, err.body())
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
            params.update(self._body_params())
        name = ""
        for m, pattern, fn_name in ROUTES:
            match = pattern.match(path)
            if match and m == method:
                name = fn_name
                break
        else:
            raise StripeError(
                f"Unrecognized request URL ({method}: {path}). Please see "
                "https://stripe.com/docs or we can help at "
                "https://support.stripe.com/.",
                status=404,
            )
        req = Request(self, method, path, params, match)
        headers = {"Stripe-Version": self.headers.get("Stripe-Version") or API_VERSION}
        store = self.store
        with store.lock:
            idem = req.idempotency_key if method == "POST" else None
            cache_key = f"{api_key}:{idem}" if idem else None
            if cache_key and cache_key in store.idempotency:
                cached = store.idempotency[cache_key]
                if cached["path"] != path or cached["fingerprint"] != _fingerprint(params):
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
                self._send_json(cached["status"], cached["body"], headers)
                return
            try:
                status, body = 200, getattr(self, name)(req)
            except StripeError as err:
                if not cache_key or err.status != 402:
                    raise
                status, body = err.status, err.body()
            if cache_key:
                store.idempotency[cache_key] = {
                    "path": path,
                    "fingerprint": _fingerprint(params),
                    "status": status,
                    "body": body,
                    "request_id": self.request_id,
                }
                headers["Idempotency-Key"] = idem  # type: ignore[assignment]
            self._send_json(status, body, headers)

    # rendering helpers -------------------------------------------------
    def _render(self, obj: dict[str, Any], req: Request, prefix: str = "") -> dict[str, Any]:
        out = copy.deepcopy(obj)
        expand = req.params.get("expand") or []
        if isinstance(expand, str):
            expand = [expand]
        if not isinstance(expand, list):
            raise StripeError("Invalid array", param="expand")
        for i, path in enumerate(expand):
            if not isinstance(path, str):
                raise StripeError("Invalid array", param=f"expand[{i}]")
            parts = path.split(".")
            if prefix:
                if parts[0] != prefix:
                    continue
                parts = parts[1:]
            self._expand(out, parts, path, i, top=True)
        return out

    def _expand(self, node: Any, parts: list[str], path: str, i: int, top: bool = False):
        if not parts or not isinstance(node, dict):
            return
        key, rest = parts[0], parts[1:]
        if key == "line_items" and node.get("object") == "checkout.session":
            node["line_items"] = self.store.checkout_line_items(node["id"])
        elif key not in node:
            if top:
                raise StripeError(
                    f"This property cannot be expanded ({path}).", param=f"expand[{i}]"
                )
            return
        value = node[key]
        if isinstance(value, str):
            found = self.store.find(value)
            if found is None:
                if top:
                    raise StripeError(
                        f"This property cannot be expanded ({path}).", param=f"expand[{i}]"
                    )
                return
            value = copy.deepcopy(found)
            node[key] = value
        if rest:
            for child in value if isinstance(value, list) else [value]:
                self._expand(child, rest, path, i)

    def _list(self, req: Request, objs: list[dict[str, Any]], url: str) -> dict[str, Any]:
        """Newest-first list with Stripe cursor pagination."""
        p = req.params
        try:
            limit = int(p.get("limit", 10))
        except (TypeError, ValueError):
            raise StripeError(f"Invalid integer: {p.get('limit')}", param="limit") from None
        if not 1 <= limit <= 100:
            raise StripeError("This value must be between 1 and 100.", param="limit")
        ids = [o["id"] for o in objs]
        after, before = p.get("starting_after"), p.get("ending_before")
        if after:
            if after not in ids:
                raise StripeError(
                    f"No such object: '{after}'", code="resource_missing", param="starting_after"
                )
            start = ids.index(after) + 1
            page = objs[start : start + limit]
            has_more = start + limit < len(objs)
        elif before:
            if before not in ids:
                raise StripeError(
                    f"No such object: '{before}'", code="resource_missing", param="ending_before"
                )
            end = ids.index(before)
            page = objs[max(0, end - limit) : end]
            has_more = end - limit > 0
        else:
            page, has_more = objs[:limit], len(objs) > limit
        listing = {"object": "list", "data": page, "has_more": has_more, "url": url}
        return self._render(listing, req)

    def _all(self, collection: str) -> list[dict[str, Any]]:
        return list(reversed(self.store.data[collection].values()))

    # customers ---------------------------------------------------------
    @route("POST", "/v1/customers")
    def customer_create(self, req: Request):
        return self._render(self.store.create_customer(req.params, req.info), req)

    @route("GET", "/v1/customers")
    def customer_list(self, req: Request):
        objs = self._all("customers")
        if req.params.get("email"):
            objs = [c for c in objs if (c["email"] or "") == req.params["email"]]
        return self._list(req, objs, "/v1/customers")

    @route("GET", r"/v1/customers/([^/]+)")
    def customer_retrieve(self, req: Request):
        cid = req.arg()
        if cid in self.store.deleted_customers:
            return {"deleted": True, "id": cid, "object": "customer"}
        return self._render(self.store.get("customers", cid), req)

    @route("POST", r"/v1/customers/([^/]+)")
    def customer_update(self, req: Request):
        return self._render(self.store.update_customer(req.arg(), req.params, req.info), req)

    @route("DELETE", r"/v1/customers/([^/]+)")
    def customer_delete(self, req: Request):
        return self.store.delete_customer(req.arg(), req.info)

    # products + prices -------------------------------------------------
    @route("POST", "/v1/products")
    def product_create(self, req: Request):
        return self._render(self.store.create_product(req.params, req.info), req)

    @route("GET", "/v1/products")
    def product_list(self, req: Request):
        objs = self._all("products")
        if "active" in req.params:
            want = str(req.params["active"]).lower() == "true"
            objs = [o for o in objs if o["active"] == want]
        return self._list(req, objs, "/v1/products")

    @route("GET", r"/v1/products/([^/]+)")
    def product_retrieve(self, req: Request):
        return self._render(self.store.get("products", req.arg()), req)

    @route("POST", "/v1/prices")
    def price_create(self, req: Request):
        return self._render(self.store.create_price(req.params, req.info), req)

    @route("GET", "/v1/prices")
    def price_list(self, req: Request):
        p = req.params
        objs = self._all("prices")
        if "active" in p:
            want = str(p["active"]).lower() == "true"
            objs = [o for o in objs if o["active"] == want]
        if p.get("product"):
            objs = [o for o in objs if o["product"] == p["product"]]
        if p.get("type"):
            objs = [o for o in objs if o["type"] == p["type"]]
        if p.get("currency"):
            objs = [o for o in objs if o["currency"] == str(p["currency"]).lower()]
        if "lookup_keys" in p:
            keys = p["lookup_keys"] if isinstance(p["lookup_keys"], list) else [p["lookup_keys"]]
            objs = [o for o in objs if o["lookup_key"] in keys]
        return self._list(req, objs, "/v1/prices")

    @route("GET", r"/v1/prices/([^/]+)")
    def price_retrieve(self, req: Request):
        return self._render(self.store.get("prices", req.arg()), req)

    # checkout ----------------------------------------------------------
    @route("POST", "/v1/checkout/sessions")
    def checkout_create(self, req: Request):
        session = self.store.create_checkout_session(req.params, self.base_url, req.info)
        return self._render(session, req)

    @route("GET", "/v1/checkout/sessions")
    def checkout_list(self, req: Request):
        p = req.params
        objs = self._all("checkout_sessions")
        for key in ("customer", "subscription", "status", "payment_intent"):
            if p.get(key):
                objs = [o for o in objs if o.get(key) == p[key]]
        return self._list(req, objs, "/v1/checkout/sessions")

    @route("GET", r"/v1/checkout/sessions/([^/]+)")
    def checkout_retrieve(self, req: Request):
        return self._render(self.store.get("checkout_sessions", req.arg()), req)

    @route("GET", r"/v1/checkout/sessions/([^/]+)/line_items")
    def checkout_line_items(self, req: Request):
        listing = self.store.checkout_line_items(req.arg())
        return self._list(req, listing["data"], listing["url"])

    @route("POST", r"/v1/checkout/sessions/([^/]+)/expire")
    def checkout_expire(self, req: Request):
        return self._render(self.store.expire_checkout_session(req.arg(), req.info), req)

    # subscriptions -----------------------------------------------------
    @route("POST", "/v1/subscriptions")
    def subscription_create(self, req: Request):
        return self._render(self.store.create_subscription(req.params, req.info), req)

    @route("GET", "/v1/subscriptions")
    def subscription_list(self, req: Request):
        p = req.params
        objs = self._all("subscriptions")
        status = p.get("status")
        if not status:
            objs = [o for o in objs if o["status"] not in ("canceled", "incomplete_expired")]
        elif status == "ended":
            objs = [o for o in objs if o["status"] in ("canceled", "incomplete_expired")]
        elif status != "all":
            objs = [o for o in objs if o["status"] == status]
        if p.get("customer"):
            objs = [o for o in objs if o["customer"] == p["customer"]]
        if p.get("price"):
            objs = [
                o for o in objs if any(it["price"]["id"] == p["price"] for it in o["items"]["data"])
            ]
        return self._list(req, objs, "/v1/subscriptions")

    @route("GET", r"/v1/subscriptions/([^/]+)")
    def subscription_retrieve(self, req: Request):
        return self._render(self.store.get("subscriptions", req.arg()), req)

    @route("POST", r"/v1/subscriptions/([^/]+)")
    def subscription_update(self, req: Request):
        return self._render(self.store.update_subscription(req.arg(), req.params, req.info), req)

    @route("DELETE", r"/v1/subscriptions/([^/]+)")
    def subscription_cancel(self, req: Request):
        return self._render(self.store.cancel_subscription(req.arg(), req.info), req)

    # invoices ----------------------------------------------------------
    @route("GET", "/v1/invoices")
    def invoice_list(self, req: Request):
        p = req.params
        objs = self._all("invoices")
        if p.get("customer"):
            objs = [o for o in objs if o["customer"] == p["customer"]]
        if p.get("subscription"):
            objs = [
                o
                for o in objs
                if o["parent"]["subscription_details"]["subscription"] == p["subscription"]
            ]
        if p.get("status"):
            objs = [o for o in objs if o["status"] == p["status"]]
        return self._list(req, objs, "/v1/invoices")

    @route("GET", r"/v1/invoices/([^/]+)")
    def invoice_retrieve(self, req: Request):
        return self._render(self.store.get("invoices", req.arg()), req)

    @route("GET", r"/v1/invoices/([^/]+)/lines")
    def invoice_lines(self, req: Request):
        invoice = self.store.get("invoices", req.arg())
        return self._list(req, invoice["lines"]["data"], invoice["lines"]["url"])

    # billing portal + events -------------------------------------------
    @route("POST", "/v1/billing_portal/sessions")
    def portal_create(self, req: Request):
        bps = self.store.create_portal_session(req.params, self.base_url, req.info)
        return self._render(bps, req)

    @route("GET", r"/v1/events")
    def event_list(self, req: Request):
        p = req.params
        objs = self._all("events")
        if p.get("type"):
            pattern = re.escape(str(p["type"])).replace(r"\*", ".*")
            objs = [o for o in objs if re.fullmatch(pattern, o["type"])]
        if isinstance(p.get("types"), list):
            objs = [o for o in objs if o["type"] in p["types"]]
        return self._list(req, objs, "/v1/events")

    @route("GET", r"/v1/events/([^/]+)")
    def event_retrieve(self, req: Request):
        return self._render(self.store.get("events", req.arg()), req)

    # -------------------------------------------------------------- control
    def _control(self, path: str, query: str) -> None:
        standin = self.server.standin
        method = self.command
        params = parse_params(query)
        if method == "POST":
            params.update(self._body_params())
        if path == "/_standin/health" and method in ("GET", "HEAD"):
            self._send_json(200, {"ok": True, "now": self.store.now()})
        elif path == "/_standin/clock" and method == "GET":
            now = self.store.now()
            iso = dt.datetime.fromtimestamp(now, dt.UTC).isoformat()
            self._send_json(200, {"now": now, "iso": iso, "offset": self.store.clock_offset})
        elif path == "/_standin/clock/advance" and method == "POST":
            seconds = _number(params.get("seconds", 0), "seconds")
            seconds += _number(params.get("days", 0), "days") * DAY
            self._send_json(200, standin.advance(seconds=seconds))
        elif path == "/_standin/webhooks/flush" and method == "POST":
            timeout = min(_number(params.get("timeout", 10), "timeout"), 60)
            self._send_json(200, standin.flush_webhooks(timeout=timeout))
        elif path == "/_standin/webhooks/config" and method == "POST":
            standin.configure_webhooks(params.get("url") or None, params.get("secret") or None)
            self._send_json(
                200, {"url": standin.dispatcher.url, "enabled": standin.dispatcher.enabled}
            )
        elif path == "/_standin/deliveries" and method == "GET":
            self._send_json(200, {"object": "list", "data": standin.dispatcher.deliveries()})
        elif path == "/_standin/reset" and method == "POST":
            standin.reset()
            self._send_json(200, {"ok": True})
        elif (m := re.fullmatch(r"/_standin/customers/([^/]+)/card", path)) and method == "POST":
            card = self.store.set_card(
                urllib.parse.unquote(m.group(1)), str(params.get("number", ""))
            )
            self._send_json(200, {"customer": m.group(1), "card": card})
        else:
            raise StripeError(f"Unrecognized control URL ({method}: {path}).", status=404)

    # -------------------------------------------------------------- pages
    def _page(self, path: str) -> None:
        method = self.command
        if path in ("/", ""):
            self._send_html(200, pages.index_page(self.base_url))
            return
        kind, _, obj_id = path.strip("/").partition("/")
        obj_id = urllib.parse.unquote(obj_id)
        if method not in ("GET", "HEAD", "POST"):
            raise StripeError("Method not allowed.", status=405)
        store = self.store
        with store.lock:
            if kind == "checkout":
                session = store.data["checkout_sessions"].get(obj_id)
                if session is None:
                    self._send_html(
                        404,
                        pages.message_page(
                            "Checkout session not found",
                            "This checkout link is invalid or the session no longer exists.",
                        ),
                    )
                    return
                if session["status"] == "open" and session["expires_at"] <= store.now():
                    store._expire_session(session)
                    store.save()
                if method == "POST" and session["status"] == "open":
                    self._checkout_post(session)
                    return
                self._send_html(200, pages.checkout_page(store, session))
            else:
                bps = store.data["portal_sessions"].get(obj_id)
                if bps is None:
                    self._send_html(
                        404,
                        pages.message_page(
                            "Portal session not found",
                            "This billing portal link is invalid or has expired.",
                        ),
                    )
                    return
                if method == "POST":
                    form = parse_params(self._read_body())
                    try:
                        message = store.portal_action(
                            obj_id,
                            str(form.get("action", "")),
                            str(form.get("subscription", "")),
                            str(form.get("price") or "") or None,
                        )
                    except StripeError as err:
                        self._send_html(400, pages.portal_page(store, bps, error=err.message))
                        return
                    self._send_html(200, pages.portal_page(store, bps, message=message))
                    return
                self._send_html(200, pages.portal_page(store, bps))

    def _checkout_post(self, session: dict[str, Any]) -> None:
        store = self.store
        form = parse_params(self._read_body())
        values = {
            k: str(form.get(k, "")).strip()
            for k in ("email", "card_number", "card_expiry", "card_cvc", "card_name")
        }
        error = _validate_card_form(values, store.now())
        if error:
            self._send_html(400, pages.checkout_page(store, session, error=error, values=values))
            return
        try:
            store.complete_checkout(
                session["id"], values["email"], values["card_name"] or None, values["card_number"]
            )
        except StripeError as err:
            status = 402 if err.type == "card_error" else 400
            self._send_html(
                status, pages.checkout_page(store, session, error=err.message, values=values)
            )
            return
        target = session.get("success_url")
        if target:
            target = target.replace("{CHECKOUT_SESSION_ID}", session["id"])
            self._send(303, b"", "text/plain", {"Location": target})
        else:
            self._send_html(
                200, pages.message_page("Payment complete", "Thanks! Your subscription is active.")
            )


def _validate_card_form(values: dict[str, str], now: int) -> str | None:
    if not values["email"] or not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", values["email"]):
        return "Enter a valid email address."
    if not values["card_number"]:
        return "Your card number is incomplete."
    m = re.fullmatch(r"(\d{1,2})\s*/?\s*(\d{2}|\d{4})", values["card_expiry"])
    if not m:
        return "Your card's expiration date is incomplete. Use MM / YY."
    month, year = int(m.group(1)), int(m.group(2))
    year = year + 2000 if year < 100 else year
    if not 1 <= month <= 12:
        return "Your card's expiration month is invalid."
    today = dt.datetime.fromtimestamp(now, dt.UTC)
    if (year, month) < (today.year, today.month):
        return "Your card's expiration date is in the past."
    if not re.fullmatch(r"\d{3,4}", values["card_cvc"]):
        return "Your card's security code is incomplete."
    return None


def _number(value: Any, param: str) -> int:
    try:
        return int(float(str(value)))
    except (TypeError, ValueError):
        raise StripeError(f"Invalid number: {value}", param=param) from None


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    standin: StandinServer


class StandinServer:
    """The Stripe stand-in: store + webhook dispatcher + HTTP server on a background thread."""

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 12111,
        webhook_url: str | None = None,
        webhook_secret: str | None = None,
        state_file: str | None = None,
        *,
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
        self.store = Store(state_file=state_file)
        self.dispatcher = Dispatcher(
            webhook_url,
            webhook_secret,
            max_attempts=webhook_max_attempts,
            backoff=webhook_backoff,
            timeout=webhook_timeout,
        )
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

    def reset(self) -> None:
        self.dispatcher.reset()
        self.store.reset()


def random_secret() -> str:
    return "whsec_" + secrets.token_hex(16)
