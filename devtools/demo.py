"""`make run`: prepare the demo database and serve the site with gunicorn and one task worker.

Everything here is idempotent, so `make run` can be repeated at will. With no real
STRIPE_SECRET_KEY, the Stripe stand-in (devtools/stripe_standin) is started first and the
site pointed at it, so subscribing works offline; with real keys the same site talks to Stripe.
"""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from newsroom import stripe_defaults

ROOT = Path(__file__).resolve().parent.parent
STANDIN_HOST = "127.0.0.1"
DEV_WEBHOOK_SECRET = stripe_defaults.DEMO_WEBHOOK_SECRET

ACCOUNTS = """\
Demo accounts (password: newsroom-demo)
  editor@example.com      staff editor (the admin is at /admin/)
  subscriber@example.com  paying reader
  reader@example.com      free account, no subscription"""

CARDS = """\
Test cards on the stand-in's checkout (any future expiry, any CVC)
  4242 4242 4242 4242  succeeds
  4000 0000 0000 0002  is declined
  4000 0000 0000 0341  subscribes, then fails at renewal (try the clock below)
Move the stand-in's clock:  curl -X POST {base}/_standin/clock/advance -d days=31"""


def manage(*args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, check=True)


def uses_standin() -> bool:
    key = os.environ.get("STRIPE_SECRET_KEY", "")
    return not key or key.startswith(stripe_defaults.STANDIN_SECRET_KEY)


def _healthy(base: str) -> bool:
    try:
        with urllib.request.urlopen(f"{base}/_standin/health", timeout=1) as response:
            return response.status == 200
    except (OSError, urllib.error.URLError):
        return False


def _answers(port: int) -> bool:
    try:
        with socket.create_connection((STANDIN_HOST, port), timeout=0.5):
            return True
    except OSError:
        return False


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind((STANDIN_HOST, 0))
        return sock.getsockname()[1]


def start_standin(port: str) -> subprocess.Popen:
    """Start our own stand-in and point the site at it.

    Something already answering on STANDIN_PORT (most often another `make run`'s stand-in) is
    left alone: it belongs to that run, so we say so and start ours on a free port instead of
    re-pointing its webhooks at this site.
    """
    standin_port = int(os.environ.get("STANDIN_PORT", stripe_defaults.STANDIN_PORT))
    if _answers(standin_port):
        taken, standin_port = standin_port, _free_port()
        print(
            f"Something already answers on {STANDIN_HOST}:{taken} (another make run's Stripe "
            f"stand-in?). Leaving it alone; ours uses port {standin_port}. "
            "Set STANDIN_PORT to choose the port.",
            flush=True,
        )
    base = f"http://{STANDIN_HOST}:{standin_port}"
    os.environ.setdefault("STRIPE_SECRET_KEY", stripe_defaults.STANDIN_SECRET_KEY)
    os.environ["STRIPE_API_BASE"] = base
    secret = os.environ.setdefault("STRIPE_WEBHOOK_SECRET", DEV_WEBHOOK_SECRET)
    webhook_url = f"http://127.0.0.1:{port}/stripe/webhook/"
    (ROOT / "var").mkdir(exist_ok=True)
    # One clock for the demo: advancing the stand-in's (POST /_standin/clock/advance) moves
    # what the site and its worker, started after this with the same environment, call "now".
    clock_file = os.environ.setdefault("CLOCK_FILE", str(ROOT / "var" / "clock-offset"))
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "devtools.stripe_standin",
            "--host",
            STANDIN_HOST,
            "--port",
            str(standin_port),
            "--webhook-url",
            webhook_url,
            "--webhook-secret",
            secret,
            "--state-file",
            os.environ.get("STANDIN_STATE_FILE", str(ROOT / "var" / "stripe-standin.json")),
            "--clock-file",
            clock_file,
        ],
        cwd=ROOT,
    )
    deadline = time.monotonic() + 15
    while not _healthy(base):
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise SystemExit(
                f"The Stripe stand-in did not start on {base}. Set STANDIN_PORT to another port."
            )
        time.sleep(0.1)
    return process


def stop(process: subprocess.Popen | None) -> None:
    if process is None or process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()


def start_worker() -> subprocess.Popen:
    """One `db_worker` for every queue: emails and other background work (jobs/tasks.py)."""
    return subprocess.Popen(
        # No autoreload: its reloader parent would outlive a SIGTERM to the worker.
        [sys.executable, "manage.py", "db_worker", "--queue-name", "*", "--no-reload"],
        cwd=ROOT,
        # Its own session: Ctrl-C reaches only us, and we stop it with one SIGTERM, which lets
        # it finish the task in hand (a second signal would cut the task short).
        start_new_session=True,
    )


def _stop_on_sigterm(signum, frame) -> None:
    # A SIGTERM to `make run` unwinds like Ctrl-C, so every child is stopped on the way out.
    raise KeyboardInterrupt


def main() -> int:
    port = os.environ.get("PORT", "8000")
    # localhost, not 127.0.0.1: browsers only offer passkeys on a domain name.
    os.environ.setdefault("SITE_URL", f"http://localhost:{port}")
    # The demo shows the metered wall: a free reader may read two paid stories a month.
    os.environ.setdefault("METERED_FREE_STORIES", "2")
    signal.signal(signal.SIGTERM, _stop_on_sigterm)
    standin = start_standin(port) if uses_standin() else None
    worker = server = None
    try:
        manage("migrate", "--noinput", "-v", "0")
        manage("seed_demo")
        manage("collectstatic", "--noinput", "-v", "0")
        print(f"\nNewsroom is running at http://localhost:{port}/  (Ctrl-C stops it)", flush=True)
        print(f"Every email it sends: http://localhost:{port}/outbox/\n", flush=True)
        print(ACCOUNTS + "\n", flush=True)
        if uses_standin():
            print(CARDS.format(base=os.environ["STRIPE_API_BASE"]) + "\n", flush=True)
        else:
            print("Payments go to Stripe itself (STRIPE_SECRET_KEY is set).\n", flush=True)
        worker = start_worker()
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "newsroom.wsgi:application",
                "--bind",
                f"127.0.0.1:{port}",
                # Workers, threads and timeouts: gunicorn.conf.py, as in production.
                "--access-logfile",
                "-",
            ],
            cwd=ROOT,
        )
        return server.wait()
    except KeyboardInterrupt:
        return 0
    finally:
        stop(server)
        stop(worker)
        stop(standin)


if __name__ == "__main__":
    sys.exit(main())
