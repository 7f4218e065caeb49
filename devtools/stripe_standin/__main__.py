"""Run the Stripe stand-in: ``python -m devtools.stripe_standin --port 12111``."""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading

from .common import STANDIN_PORT
from .server import StandinServer


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m devtools.stripe_standin",
        description="Local stand-in for the Stripe API, hosted Checkout/Portal and webhooks.",
    )
    parser.add_argument("--host", default=os.environ.get("STANDIN_HOST", "127.0.0.1"))
    parser.add_argument(
        "--port", type=int, default=int(os.environ.get("STANDIN_PORT", STANDIN_PORT))
    )
    parser.add_argument("--webhook-url", default=os.environ.get("STANDIN_WEBHOOK_URL"))
    parser.add_argument("--webhook-secret", default=os.environ.get("STANDIN_WEBHOOK_SECRET"))
    parser.add_argument("--state-file", default=os.environ.get("STANDIN_STATE_FILE"))
    parser.add_argument(
        "--clock-file",
        default=os.environ.get("CLOCK_FILE"),
        help="write the clock offset here (the site's CLOCK_FILE) whenever it moves",
    )
    parser.add_argument(
        "--public-url",
        default=os.environ.get("STANDIN_PUBLIC_URL"),
        help="base URL used in checkout/portal links (default: the request's Host)",
    )
    parser.add_argument("--webhook-max-attempts", type=int, default=5)
    parser.add_argument("--webhook-backoff", type=float, default=0.5)
    parser.add_argument("-v", "--verbose", action="store_true", help="log every request")
    args = parser.parse_args(argv)

    if args.webhook_url and not args.webhook_secret:
        parser.error("--webhook-url needs --webhook-secret (or STANDIN_WEBHOOK_SECRET)")

    srv = StandinServer(
        host=args.host,
        port=args.port,
        webhook_url=args.webhook_url,
        webhook_secret=args.webhook_secret,
        state_file=args.state_file,
        clock_file=args.clock_file,
        public_url=args.public_url,
        webhook_max_attempts=args.webhook_max_attempts,
        webhook_backoff=args.webhook_backoff,
        verbose=args.verbose,
    )
    try:
        srv.start()
    except OSError as exc:
        print(f"stripe-standin: cannot listen on {args.host}:{args.port}: {exc}", file=sys.stderr)
        return 1

    stop = threading.Event()

    def handle(signum: int, frame: object) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, handle)
    signal.signal(signal.SIGINT, handle)
    hooks = f", webhooks -> {args.webhook_url}" if args.webhook_url else ", webhooks off"
    print(f"Stripe stand-in listening on {srv.url}{hooks}", flush=True)
    while not stop.wait(0.5):
        pass
    srv.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
