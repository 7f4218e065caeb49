"""How long a Stripe call may hold a worker, and a circuit breaker for when Stripe is gone.

A Stripe that drops packets or accepts connections and never answers used to hold a worker for
about 25 seconds per call. Now:

- a connection gets one second (Stripe's API connects in tens of milliseconds);
- each attempt reads for at most STRIPE_TIMEOUT seconds, and the whole call, stripe-python's
  retries and their back-off included, ends within STRIPE_DEADLINE seconds;
- after two calls in a row fail to connect or time out, the breaker opens: for
  STRIPE_BREAKER_SECONDS every call fails at once, without touching the network, and the pages
  say "try again" as they do for any Stripe outage. Then one call is let through to try.

The breaker's state lives in each process, shared by its threads. Each gunicorn process learns
of an outage by itself after two slow calls; sharing the state through Redis would make a
Stripe outage depend on Redis too, and costs a round trip on every call.
"""

import logging
import threading
import time

import stripe

log = logging.getLogger(__name__)

CONNECT_TIMEOUT = 1.0
FAILURES_TO_OPEN = 2
# Not worth starting an attempt with less time than this left before the deadline.
MIN_ATTEMPT_SECONDS = 0.5


class CircuitBreaker:
    def __init__(self, *, failures_to_open: int, open_seconds: float):
        self.failures_to_open = failures_to_open
        self.open_seconds = open_seconds
        self._failures = 0
        self._opened_at: float | None = None
        self._lock = threading.Lock()

    def allow(self) -> bool:
        with self._lock:
            if self._opened_at is None:
                return True
            if time.monotonic() - self._opened_at < self.open_seconds:
                return False
            # Half open: this one call tries; the others keep failing fast until it answers.
            self._opened_at = time.monotonic()
            return True

    def succeeded(self) -> None:
        with self._lock:
            if self._opened_at is not None:
                log.warning("Stripe answers again: circuit closed")
            self._failures, self._opened_at = 0, None

    def failed(self) -> None:
        with self._lock:
            self._failures += 1
            if self._failures >= self.failures_to_open:
                if self._opened_at is None:
                    log.error(
                        "Stripe unreachable %d times in a row: failing fast for %d s",
                        self._failures,
                        self.open_seconds,
                    )
                self._opened_at = time.monotonic()


class GuardedRequestsClient(stripe.RequestsClient):
    """stripe-python's requests client with a deadline per call and a circuit breaker."""

    def __init__(self, *, read_timeout: float, deadline: float, breaker: CircuitBreaker):
        super().__init__(timeout=(min(CONNECT_TIMEOUT, read_timeout), read_timeout))
        self.deadline = deadline
        self.breaker = breaker

    # stripe-python reads self._timeout for every attempt: cut it to the time left.
    @property
    def _timeout(self):
        connect, read = self._base_timeout
        left = max(self._seconds_left(), 0.05)
        return (min(connect, left), min(read, left))

    @_timeout.setter
    def _timeout(self, value):
        self._base_timeout = value

    def _seconds_left(self) -> float:
        ends = getattr(self._thread_local, "ends", None)
        return float("inf") if ends is None else ends - time.monotonic()

    def _request_with_retries_internal(self, *args, **kwargs):
        self._thread_local.ends = time.monotonic() + self.deadline
        try:
            return super()._request_with_retries_internal(*args, **kwargs)
        finally:
            self._thread_local.ends = None

    def request(self, method, url, headers, post_data=None):  # type: ignore[override]
        if self._seconds_left() <= 0:
            raise stripe.APIConnectionError("No time left to reach Stripe.")
        if not self.breaker.allow():
            raise stripe.APIConnectionError(
                "Stripe was unreachable moments ago; not trying again yet."
            )
        try:
            response = super().request(method, url, headers, post_data)
        except stripe.APIConnectionError:
            self.breaker.failed()
            raise
        self.breaker.succeeded()
        return response

    def _should_retry(self, response, api_connection_error, num_retries, max_network_retries):
        if self._seconds_left() < MIN_ATTEMPT_SECONDS:
            return False
        return super()._should_retry(
            response, api_connection_error, num_retries, max_network_retries
        )

    def _sleep_time_seconds(self, num_retries: int) -> float:
        return min(super()._sleep_time_seconds(num_retries), max(self._seconds_left() - 0.5, 0))
