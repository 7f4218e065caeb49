"""gunicorn's settings, read from the working directory by `make run` and in production.

Threads, not only processes: a request that waits on the network (Stripe, at most
STRIPE_DEADLINE seconds, then the circuit breaker fails fast) holds one thread, so a few slow
checkouts cannot hold every worker and articles keep answering. WEB_CONCURRENCY processes of
GUNICORN_THREADS threads each; every thread may keep one database connection open.
"""

import os

worker_class = "gthread"
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
threads = int(os.environ.get("GUNICORN_THREADS", "8"))
# Above STRIPE_DEADLINE (8 s): a worker is only killed when something is truly stuck.
timeout = 30
graceful_timeout = 20
