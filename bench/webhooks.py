"""Stripe's webhooks, by hand (never in CI): how many signed events a second the endpoint takes,
and how many a second the workers then apply against the Stripe stand-in.

    python bench/webhooks.py                              # 20,000 events, 2 workers
    python bench/webhooks.py --events 40000 --seconds 15 --workers 3

Starts the stand-in and makes --subscriptions readers with a subscription there (linked to
their customer here, as after a checkout), signs --events `customer.subscription.updated`
events for them (each carrying the subscription as Stripe sends it) before any timing, then:

1. accepting: gunicorn in production mode (DEBUG=0, gunicorn.conf.py's gthread workers,
   --preload) and no task worker; wrk posts the signed events (bench/webhooks.lua) for
   --seconds. The endpoint checks the signature, inserts the event and answers; it makes no
   Stripe call. Prints wrk's requests a second and checks every answer was a 200 and every
   event stored once.
2. processing: gunicorn stopped, --workers `manage.py db_worker` processes apply every stored
   event (re-fetching each subscription from the stand-in, over kept-alive connections).
   Prints the events a second from the first to the last applied.

Uses its own database (nr_webhooks_bench, emptied of events and tasks each run) and cache
prefix, never the site's.
"""

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "bench"), str(ROOT)]
from compare import start, stop, wait_for  # noqa: E402

PYTHON = sys.executable
SECRET = "whsec_bench_webhooks_not_a_secret"  # noqa: S105 - the bench's own, signs local events


def environment(args) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DEBUG="0",
        SECRET_KEY="bench-webhooks-not-a-secret-" + "x" * 40,
        ALLOWED_HOSTS="127.0.0.1,localhost",
        DATABASE_URL=args.database_url,
        REDIS_URL=args.redis_url,
        CACHE_KEY_PREFIX="nr-webhooks-bench",
        STRIPE_API_BASE=f"http://127.0.0.1:{args.standin_port}",
        STRIPE_SECRET_KEY="sk_test_standin",  # noqa: S106 - the stand-in's key
        STRIPE_WEBHOOK_SECRET=SECRET,
        SECURE_SSL_REDIRECT="0",
        LOG_LEVEL="WARNING",
    )
    return env


def prepare(args, env, log) -> None:
    import psycopg

    name = args.database_url.rsplit("/", 1)[1]
    admin = args.database_url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
    subprocess.run([PYTHON, "manage.py", "migrate"], cwd=ROOT, env=env, check=True, stdout=log)


def setup_django(env) -> None:
    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
    import django

    django.setup()


def make_events(args, path: Path) -> int:
    """Readers subscribed at the stand-in, and signed events about them, one a line."""
    import stripe
    from django.contrib.auth import get_user_model
    from django_tasks_db.models import DBTaskResult

    from subscriptions.models import Customer, Plan, StripeEvent, Subscription
    from tests.stripe_helpers import event, make_plan, subscribe_at_stripe

    StripeEvent.objects.all().delete()
    DBTaskResult.objects.all().delete()
    Subscription.objects.all().delete()
    Customer.objects.all().delete()
    Plan.objects.all().delete()
    get_user_model().objects.filter(email__endswith="@bench.example.com").delete()
    plan = make_plan()
    subscriptions = []
    for n in range(args.subscriptions):
        user = get_user_model().objects.create_user(email=f"r{n}@bench.example.com")
        subscriptions.append(subscribe_at_stripe(user, plan))
    now = int(time.time())
    with path.open("w") as out:
        for n in range(args.events):
            body = json.dumps(
                event(
                    "customer.subscription.updated",
                    subscriptions[n % len(subscriptions)],
                    event_id=f"evt_bench{now}x{n}",
                ),
                separators=(",", ":"),
            )
            header = stripe.WebhookSignature.generate_signature_header(body, SECRET, timestamp=now)
            out.write(f"{header}\t{body}\n")
    return len(body)


def accept(args, env, log, events_file: Path) -> dict:
    from subscriptions.models import StripeEvent

    gunicorn = [
        str(Path(PYTHON).parent / "gunicorn"),
        "newsroom.wsgi:application",
        "--config=gunicorn.conf.py",
        "--preload",
        f"--bind=127.0.0.1:{args.port}",
    ]
    server = start(gunicorn, env, log)
    try:
        wait_for(args.port, "/healthz")
        out = subprocess.run(
            [
                "wrk",
                f"-t{args.wrk_threads}",
                f"-c{args.connections}",
                f"-d{args.seconds}s",
                "-s",
                str(ROOT / "bench" / "webhooks.lua"),
                f"http://127.0.0.1:{args.port}/stripe/webhook/",
                "--",
                str(events_file),
                str(args.wrk_threads),
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    finally:
        stop(server)
    print(out, file=log, flush=True)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    sent = int(re.search(r"(\d+) requests in", out).group(1))
    stored = StripeEvent.objects.count()
    return {
        "per_second": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "sent": sent,
        "errors": int(errors.group(1)) if errors else 0,
        "stored": stored,
        "latency": re.search(r"Latency\s+(\S+)", out).group(1),
    }


def process(args, env, log) -> dict:
    from django.db.models import Max, Min

    from subscriptions.models import StripeEvent

    stored = StripeEvent.objects.count()
    workers = [
        start(
            [PYTHON, "manage.py", "db_worker", "--queue-name", "*", "--interval", "0.1"],
            env,
            log,
        )
        for _ in range(args.workers)
    ]
    started = time.monotonic()
    try:
        while StripeEvent.objects.processed().count() < stored:
            if time.monotonic() - started > args.timeout:
                break
            time.sleep(0.5)
    finally:
        for worker in workers:
            stop(worker)
    span = StripeEvent.objects.processed().aggregate(
        first=Min("processed_at"), last=Max("processed_at")
    )
    processed = StripeEvent.objects.processed().count()
    seconds = (span["last"] - span["first"]).total_seconds() if processed > 1 else 0
    return {
        "stored": stored,
        "processed": processed,
        "failed": StripeEvent.objects.failed().count(),
        "seconds": seconds,
        "per_second": (processed - 1) / seconds if seconds else 0.0,
        "wall": time.monotonic() - started,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=20000)
    parser.add_argument("--subscriptions", type=int, default=200)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--wrk-threads", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2, help="db_worker processes")
    parser.add_argument("--timeout", type=float, default=600)
    parser.add_argument("--port", type=int, default=8191)
    parser.add_argument("--standin-port", type=int, default=8192)
    parser.add_argument(
        "--database-url", default="postgres://root@127.0.0.1:5432/nr_webhooks_bench"
    )
    parser.add_argument("--redis-url", default=os.environ.get("REDIS_URL", ""))
    args = parser.parse_args()

    env = environment(args)
    log = open(ROOT / "bench" / "webhooks.log", "w")  # noqa: SIM115 - open for the whole run
    standin = start(
        [PYTHON, "-m", "devtools.stripe_standin", "--port", str(args.standin_port)], env, log
    )
    try:
        wait_for(args.standin_port, "/v1/plans")
        prepare(args, env, log)
        setup_django(env)
        with tempfile.TemporaryDirectory() as folder:
            events_file = Path(folder) / "events.tsv"
            size = make_events(args, events_file)
            print(
                f"{args.events} signed events of about {size} bytes, {args.subscriptions} readers"
            )
            taken = accept(args, env, log, events_file)
        print(
            f"accepting: {taken['per_second']:.0f} events/s over {args.seconds} s "
            f"({taken['sent']} posted, {taken['errors']} not 200, {taken['stored']} stored, "
            f"mean latency {taken['latency']}, {args.connections} connections)"
        )
        if taken["sent"] > args.events:
            print("  (more posts than events: the rest were repeats, answered as duplicates)")
        done = process(args, env, log)
        print(
            f"processing: {done['per_second']:.0f} events/s with {args.workers} workers "
            f"({done['processed']} of {done['stored']} applied in {done['seconds']:.1f} s, "
            f"{done['failed']} failed; {done['wall']:.1f} s with the workers' start)"
        )
    finally:
        stop(standin)
        log.close()


if __name__ == "__main__":
    main()
