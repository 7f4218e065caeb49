"""The stand-in's API routes: each resource module lists its own ``ROUTES`` of views, which
answer with objects rendered here (``expand`` and cursor pagination as Stripe does them)."""

from __future__ import annotations

import copy
import urllib.parse
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, NamedTuple

from .common import StripeError

if TYPE_CHECKING:
    import re

    from .server import Handler
    from .store import Store


class Request:
    """One API call as a route sees it: parameters, the URL match and Stripe's request ids."""

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


class Route(NamedTuple):
    """``method`` and a regular expression for the path (anchored by the server)."""

    method: str
    pattern: str
    view: Callable[[Handler, Request], dict[str, Any]]


class Rendering:
    """What route views call on the handler to answer with Stripe-shaped objects and lists."""

    store: Store

    def render(self, obj: dict[str, Any], req: Request, prefix: str = "") -> dict[str, Any]:
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
        elif isinstance(value, list) and all(isinstance(v, str) for v in value):
            # A list of ids, such as a subscription's `discounts`.
            found = [self.store.find(v) for v in value]
            if any(f is None for f in found):
                raise StripeError(
                    f"This property cannot be expanded ({path}).", param=f"expand[{i}]"
                )
            value = copy.deepcopy(found)
            node[key] = value
        if rest:
            for child in value if isinstance(value, list) else [value]:
                self._expand(child, rest, path, i)

    def paginate(self, req: Request, objs: list[dict[str, Any]], url: str) -> dict[str, Any]:
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
        return self.render(listing, req)

    def newest_first(self, collection: str) -> list[dict[str, Any]]:
        return list(reversed(self.store.data[collection].values()))
