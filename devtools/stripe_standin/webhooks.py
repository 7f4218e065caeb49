"""Webhook signing and a background delivery queue with retries."""

from __future__ import annotations

import hashlib
import hmac
import http.client
import json
import threading
import time
import urllib.parse
from typing import Any


def sign(payload: str, secret: str, timestamp: int | None = None) -> str:
    """Build a ``Stripe-Signature`` header exactly as Stripe does."""
    ts = int(time.time()) if timestamp is None else int(timestamp)
    mac = hmac.new(secret.encode("utf-8"), f"{ts}.{payload}".encode(), hashlib.sha256)
    return f"t={ts},v1={mac.hexdigest()}"


class Dispatcher:
    """Deliver events to one endpoint from a single worker thread.

    First attempts go out in event-creation order.  A failed delivery is rescheduled with
    exponential backoff (``backoff * 2**n``) and does not hold back later events; after
    ``max_attempts`` it is given up on.
    """

    def __init__(
        self,
        url: str | None = None,
        secret: str | None = None,
        *,
        max_attempts: int = 5,
        backoff: float = 0.5,
        timeout: float = 3.0,
    ) -> None:
        self.url = url
        self.secret = secret
        self.max_attempts = max(1, int(max_attempts))
        self.backoff = float(backoff)
        self.timeout = float(timeout)
        self._cond = threading.Condition()
        self._queue: list[dict[str, Any]] = []
        self._log: list[dict[str, Any]] = []
        self._seq = 0
        self._in_flight = 0
        self._delivered = 0
        self._failed = 0
        self._running = False
        self._thread: threading.Thread | None = None

    # ---------------------------------------------------------------- config
    @property
    def enabled(self) -> bool:
        return bool(self.url and self.secret)

    def configure(self, url: str | None, secret: str | None, **options: Any) -> None:
        with self._cond:
            self.url = url or None
            self.secret = secret or None
            for key in ("max_attempts", "backoff", "timeout"):
                if options.get(key) is not None:
                    setattr(self, key, type(getattr(self, key))(options[key]))
            self._cond.notify_all()

    # ---------------------------------------------------------------- lifecycle
    def start(self) -> None:
        with self._cond:
            if self._running:
                return
            self._running = True
        self._thread = threading.Thread(target=self._run, name="standin-webhooks", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        with self._cond:
            self._running = False
            self._cond.notify_all()
        if self._thread:
            self._thread.join(timeout=self.timeout + 1)

    def reset(self) -> None:
        with self._cond:
            self._queue.clear()
            self._log.clear()
            self._delivered = self._failed = 0
            self._cond.notify_all()

    # ---------------------------------------------------------------- queue
    def enqueue(self, event: dict[str, Any]) -> None:
        if not self.enabled:
            return
        with self._cond:
            self._seq += 1
            self._queue.append(
                {
                    "seq": self._seq,
                    "event_id": event["id"],
                    "type": event["type"],
                    "body": json.dumps(event, indent=2),
                    "attempts": 0,
                    "next_at": 0.0,
                }
            )
            self._cond.notify_all()

    def pending(self) -> int:
        with self._cond:
            return len(self._queue) + self._in_flight

    def deliveries(self) -> list[dict[str, Any]]:
        with self._cond:
            return [dict(row) for row in self._log]

    def flush(self, timeout: float = 10.0) -> dict[str, int]:
        """Block until every queued delivery succeeded or exhausted its retries."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while (self._queue or self._in_flight) and self._running:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    break
                self._cond.wait(remaining)
            return {
                "delivered": self._delivered,
                "failed": self._failed,
                "pending": len(self._queue) + self._in_flight,
            }

    # ---------------------------------------------------------------- worker
    def _run(self) -> None:
        while True:
            with self._cond:
                job = None
                while self._running:
                    if self._queue:
                        job = min(self._queue, key=lambda j: (j["next_at"], j["seq"]))
                        wait = job["next_at"] - time.monotonic()
                        if wait <= 0:
                            break
                        job = None
                        self._cond.wait(wait)
                    else:
                        self._cond.wait()
                if not self._running:
                    return
                self._queue.remove(job)
                self._in_flight += 1
                url, secret = self.url, self.secret
            status, error = (
                self._send(url, secret, job["body"])
                if url and secret
                else (None, "webhooks disabled")
            )
            with self._cond:
                self._in_flight -= 1
                job["attempts"] += 1
                ok = status is not None and 200 <= status < 300
                self._log.append(
                    {
                        "event_id": job["event_id"],
                        "type": job["type"],
                        "attempt": job["attempts"],
                        "status": status,
                        "error": error,
                        "ok": ok,
                        "url": url,
                        "at": time.time(),
                    }
                )
                if ok:
                    self._delivered += 1
                elif job["attempts"] >= self.max_attempts or not (url and secret):
                    self._failed += 1
                else:
                    delay = self.backoff * (2 ** (job["attempts"] - 1))
                    job["next_at"] = time.monotonic() + delay
                    self._queue.append(job)
                self._cond.notify_all()

    def _send(self, url: str, secret: str, body: str) -> tuple[int | None, str | None]:
        try:
            parts = urllib.parse.urlsplit(url)
            if parts.scheme not in ("http", "https") or not parts.hostname:
                return None, f"unsupported webhook URL: {url}"
            conn_cls = (
                http.client.HTTPSConnection
                if parts.scheme == "https"
                else http.client.HTTPConnection
            )
            conn = conn_cls(parts.hostname, parts.port, timeout=self.timeout)
            path = parts.path or "/"
            if parts.query:
                path += "?" + parts.query
            data = body.encode("utf-8")
            headers = {
                "Content-Type": "application/json; charset=utf-8",
                "User-Agent": "Stripe/1.0 (+https://stripe.com/docs/webhooks)",
                "Stripe-Signature": sign(body, secret),
                "Content-Length": str(len(data)),
                "Cache-Control": "no-cache",
                "Accept": "*/*; q=0.5, application/xml",
            }
            try:
                conn.request("POST", path, body=data, headers=headers)
                resp = conn.getresponse()
                resp.read(65536)
                return resp.status, None
            finally:
                conn.close()
        except Exception as exc:  # noqa: BLE001 - any transport failure counts as a failed attempt
            return None, f"{type(exc).__name__}: {exc}"
