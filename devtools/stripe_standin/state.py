"""The stand-in's state: plain dicts shaped like Stripe's API objects behind one lock.

:class:`StoreState` holds the collections, persists them to the state file, keeps the
simulated clock and records events.  Each Stripe resource adds its behaviour in its own
module under ``resources/`` as a mixin of this class; ``store.Store`` combines them.
"""

from __future__ import annotations

import copy
import json
import os
import tempfile
import threading
import time
from collections.abc import Callable
from typing import Any

from .common import API_VERSION, COLLECTIONS, PREFIXES, missing, new_id


class StoreState:
    """All stand-in state.  Public methods take the lock; ``_``-methods expect it held."""

    def __init__(self, state_file: str | None = None, clock_file: str | None = None) -> None:
        self.lock = threading.RLock()
        self.state_file = state_file
        # The site's CLOCK_FILE (newsroom/clock.py): the offset is written there whenever it
        # changes, so the site and its task workers keep the stand-in's time.
        self.clock_file = clock_file
        self.on_event: Callable[[dict[str, Any]], None] | None = None
        # Where hosted pages (invoices) are served; the server sets it when it starts.
        self.hosted_base = ""
        self.pending_webhooks = lambda: 0
        self._clear()
        if state_file and os.path.exists(state_file):
            self._load()
        self.share_clock()

    def _clear(self) -> None:
        self.data: dict[str, dict[str, dict[str, Any]]] = {c: {} for c in COLLECTIONS}
        self.deleted_customers: set[str] = set()
        self.cards: dict[str, dict[str, str]] = {}
        self.sub_state: dict[str, dict[str, Any]] = {}  # internal per-subscription flags
        self.coupon_products: dict[str, list[str]] = {}  # a coupon's applies_to[products]
        self.idempotency: dict[str, dict[str, Any]] = {}
        self.clock_offset = 0
        self.portal_configuration = new_id("bpc_")

    def reset(self) -> None:
        with self.lock:
            self._clear()
            self.share_clock()
            self.save()

    def share_clock(self) -> None:
        """Write the clock offset (seconds, one integer) to the clock file, if there is one."""
        if not self.clock_file:
            return
        directory = os.path.dirname(os.path.abspath(self.clock_file))
        os.makedirs(directory, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=directory, prefix=".clock-", suffix=".txt")
        with os.fdopen(fd, "w", encoding="ascii") as fh:
            fh.write(f"{self.clock_offset}\n")
        # Atomic: a reader sees the old offset or the new one, never half a number.
        os.replace(tmp, self.clock_file)

    def save(self) -> None:
        if not self.state_file:
            return
        with self.lock:
            state = {
                "version": 1,
                "data": self.data,
                "deleted_customers": sorted(self.deleted_customers),
                "cards": self.cards,
                "sub_state": self.sub_state,
                "coupon_products": self.coupon_products,
                "clock_offset": self.clock_offset,
                "portal_configuration": self.portal_configuration,
            }
            directory = os.path.dirname(os.path.abspath(self.state_file))
            os.makedirs(directory, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=directory, prefix=".standin-", suffix=".json")
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(state, fh)
            os.replace(tmp, self.state_file)

    def _load(self) -> None:
        try:
            with open(self.state_file, encoding="utf-8") as fh:  # type: ignore[arg-type]
                state = json.load(fh)
        except (OSError, ValueError):
            return  # unreadable state: start empty rather than crash
        for c in COLLECTIONS:
            self.data[c] = dict(state.get("data", {}).get(c, {}))
        self.deleted_customers = set(state.get("deleted_customers", []))
        self.cards = dict(state.get("cards", {}))
        self.sub_state = dict(state.get("sub_state", {}))
        self.coupon_products = dict(state.get("coupon_products", {}))
        self.clock_offset = int(state.get("clock_offset", 0))
        self.portal_configuration = state.get("portal_configuration", self.portal_configuration)

    def now(self) -> int:
        return int(time.time()) + self.clock_offset

    def get(self, collection: str, obj_id: str, param: str = "id") -> dict[str, Any]:
        with self.lock:
            obj = self.data[collection].get(obj_id)
            if obj is None:
                raise missing(obj_id, collection, param)
            return obj

    def find(self, obj_id: str) -> dict[str, Any] | None:
        for prefix, collection in PREFIXES:
            if obj_id.startswith(prefix):
                return self.data[collection].get(obj_id)
        return None

    def emit(
        self,
        event_type: str,
        obj: dict[str, Any],
        previous: dict[str, Any] | None = None,
        request: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        data: dict[str, Any] = {"object": copy.deepcopy(obj)}
        if previous is not None:
            data["previous_attributes"] = previous
        event = {
            "api_version": API_VERSION,
            "created": self.now(),
            "data": data,
            "id": new_id("evt_"),
            "livemode": False,
            "object": "event",
            "pending_webhooks": self.pending_webhooks(),
            "request": {
                "id": (request or {}).get("id"),
                "idempotency_key": (request or {}).get("idempotency_key"),
            },
            "type": event_type,
        }
        self.data["events"][event["id"]] = event
        if self.on_event:
            self.on_event(copy.deepcopy(event))
        return event
