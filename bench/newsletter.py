"""One story to 100,000 members, by hand (never in CI): how long, and how much memory.

    DATABASE_URL=postgres://root@127.0.0.1:5432/newsroom_bench_newsletter \
        python bench/newsletter.py --members 100000 --workers 2

Seeds the members once (a fifth of them paying), then confirms a send of a paid story to
everyone, starts `manage.py db_worker` processes with anymail's test backend as the provider
(bench/newsletter_settings.py), and waits until every delivery is recorded. Prints the time to
prepare, the time until all were handed to the provider, and each worker's peak PSS.
"""

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["DJANGO_SETTINGS_MODULE"] = "bench.newsletter_settings"
# As in production: DEBUG off, so nothing keeps every query in memory.
os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("SECRET_KEY", "bench-only-not-a-secret")
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1")
PAYING_EVERY = 5


def setup_django():
    import django

    django.setup()


def seed(count: int):
    from allauth.account.models import EmailAddress
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from articles.models import Article, Section
    from newsletters.models import Newsletter, NewsletterSubscription
    from subscriptions.models import Subscription
    from tests.factories import make_article, paid_body

    User = get_user_model()
    unusable = make_password(None)
    newsletter, _ = Newsletter.objects.get_or_create(
        name="Bench", defaults={"sender_name": "The Newsroom"}
    )
    have = User.objects.filter(email__startswith="bench-").count()
    now = timezone.now()
    for start in range(have, count, 5000):
        stop = min(start + 5000, count)
        users = User.objects.bulk_create(
            User(email=f"bench-{n}@example.com", password=unusable) for n in range(start, stop)
        )
        EmailAddress.objects.bulk_create(
            EmailAddress(user=u, email=u.email, verified=True, primary=True) for u in users
        )
        NewsletterSubscription.objects.bulk_create(
            NewsletterSubscription(
                user=u, newsletter=newsletter, consented_at=now, consent_source="import"
            )
            for u in users
        )
        Subscription.objects.bulk_create(
            Subscription(
                stripe_id=f"sub_bench_{u.pk}",
                user=u,
                stripe_customer_id=f"cus_bench_{u.pk}",
                status="active",
            )
            for n, u in enumerate(users, start)
            if n % PAYING_EVERY == 0
        )
        print(f"  seeded {stop:,} members", flush=True)
    section, _ = Section.objects.get_or_create(slug="bench", defaults={"name": "Bench"})
    stamp = f"{time.time():.0f}"
    article = make_article(
        access=Article.Access.PAID,
        body=paid_body(),
        headline=f"Bench story {stamp}",
        slug=f"bench-story-{stamp}",
        section=section,
    )
    return newsletter, article


def pss_kib(pid: int) -> int:
    """Proportional set size of a process and its children (shared pages split fairly)."""
    total = 0
    for proc in [pid, *children(pid)]:
        try:
            for line in Path(f"/proc/{proc}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total += int(line.split()[1])
        except FileNotFoundError:
            pass
    return total


def children(pid: int) -> list[int]:
    try:
        return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except FileNotFoundError:
        return []


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()

    subprocess.run([sys.executable, "manage.py", "migrate", "-v", "0"], cwd=ROOT, check=True)
    setup_django()
    from django.db import connection
    from django.db.models import Count

    from newsletters import sending
    from newsletters.models import Delivery, Send

    newsletter, article = seed(args.members)
    with connection.cursor() as cursor:
        # As autovacuum would on a live site: plans made on fresh statistics.
        cursor.execute("ANALYZE")
    planned = sending.plan(article=article, newsletter=newsletter, segment="everyone")
    print(f"Plan: {planned.full:,} whole story, {planned.preview:,} preview", flush=True)

    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.newsletter_settings"}
    workers = [
        subprocess.Popen(
            [
                *[sys.executable, "manage.py", "db_worker", "--queue-name", "*"],
                *["--interval", "0.2", "--no-reload", "--no-startup-delay"],
            ],
            cwd=ROOT,
            env=env,
        )
        for _ in range(args.workers)
    ]
    time.sleep(3)  # let the workers start (and settle their own start-up work)
    peaks = dict.fromkeys(w.pid for w in workers)
    started = time.monotonic()
    send = sending.start_send(article=article, newsletter=newsletter, segment="everyone", by=None)
    prepared_at = None
    try:
        while True:
            time.sleep(0.5)
            for worker in workers:
                peaks[worker.pid] = max(peaks[worker.pid] or 0, pss_kib(worker.pid))
            state = Send.objects.filter(pk=send.pk).values_list("state", flat=True).get()
            if prepared_at is None and state != Send.State.PREPARING:
                prepared_at = time.monotonic()
            if state in (Send.State.DONE, Send.State.CANCELLED):
                break
            if time.monotonic() - started > 900:
                print("Gave up after 15 minutes", flush=True)
                break
        finished = time.monotonic()
    finally:
        for worker in workers:
            worker.terminate()
        for worker in workers:
            worker.wait(timeout=30)
    counts = dict(Delivery.objects.filter(send=send).values_list("state").annotate(n=Count("pk")))
    print(f"Database: {connection.vendor}, {args.workers} workers, {args.members:,} members")
    print(f"Prepared (one row per member) in {prepared_at - started:.1f} s")
    print(f"All handed to the provider in {finished - started:.1f} s: {counts}")
    for pid, peak in peaks.items():
        print(f"  worker {pid}: peak PSS {peak / 1024:.0f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
