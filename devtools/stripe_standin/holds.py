"""Answers the stand-in holds back or refuses on a test's request (to test timeouts and
outages): each hold applies once, first match first."""

from __future__ import annotations

import re
import threading

from .common import StripeError


class Hold:
    """One answer to hold back; ``reached`` is set once a request is being held."""

    def __init__(self, method: str, path: str, seconds: float) -> None:
        self.method = method.upper()
        self.pattern = re.compile(path)
        self.seconds = seconds
        self.reached = threading.Event()
        self._released = threading.Event()

    def release(self) -> None:
        self._released.set()

    def wait(self) -> None:
        self.reached.set()
        self._released.wait(self.seconds)


class Holds:
    """Answers to hold back (each once, first match first) and requests to refuse."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._holds: list[Hold] = []
        self._refusals: list[tuple[str, re.Pattern[str], int]] = []

    def add(self, method: str, path: str, seconds: float) -> Hold:
        hold = Hold(method, path, seconds)
        with self._lock:
            self._holds.append(hold)
        return hold

    def refuse(self, method: str, path: str, status: int) -> None:
        with self._lock:
            self._refusals.append((method.upper(), re.compile(path), status))

    def raise_if_refused(self, method: str, path: str) -> None:
        with self._lock:
            for refused_method, pattern, status in self._refusals:
                if refused_method == method and pattern.fullmatch(path):
                    raise StripeError(
                        "An error occurred with our connection to Stripe (stand-in: refused "
                        "on purpose).",
                        status=status,
                        type="api_error",
                    )

    def clear(self) -> None:
        with self._lock:
            holds, self._holds = self._holds, []
            self._refusals = []
        for hold in holds:
            hold.release()

    def wait_if_held(self, method: str, path: str) -> None:
        with self._lock:
            hold = next(
                (h for h in self._holds if h.method == method and h.pattern.fullmatch(path)), None
            )
            if hold is None:
                return
            self._holds.remove(hold)
        hold.wait()
