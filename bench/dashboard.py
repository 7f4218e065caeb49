"""Fill PostgreSQL with 100,000 members and 1,000,000 subscription changes; time the dashboard.

By hand, never in CI:

    python bench/dashboard.py
    python bench/dashboard.py --members 100000 --changes 1000000 --repeat 25 \
        --database-url postgres://root@127.0.0.1:5432/nr_dashboard_bench

It uses its own database (default ``nr_dashboard_bench``; created and migrated if missing, its
readers, subscriptions and history emptied first). Rows are written by ``INSERT ... SELECT``
over ``generate_series``: readers who joined over three years; a third of them with a
subscription (most active, some trialing, past due or cancelled, monthly and yearly, some with
a lasting offer, from articles, gift links, offers and the pricing page); comps; newsletter
members; and the history, ten changes per subscription spread over three years. The daily
roll-ups are then rebuilt for every day (timed: that is the periodic task's first run), and the
admin's front page is fetched as a publisher (Django's test client in this process, DEBUG off):
the median of `--repeat` renders is what the issue's "under 100 ms" is about.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE = "postgres://root@127.0.0.1:5432/nr_dashboard_bench"
sys.path.insert(0, str(ROOT))

from bench.archive import ensure_database, setup_django  # noqa: E402


def fill(*, members: int, changes: int) -> None:
    from django.db import connection

    from articles.models import Article
    from newsletters.models import Newsletter
    from subscriptions.models import Offer, Plan
    from tests.factories import make_article, make_section

    subscriptions = members // 3
    per = max(changes // subscriptions, 1)
    section = make_section(name="Bench", slug="bench") if not Article.objects.exists() else None
    while Article.objects.count() < 20:
        make_article(section=section or Article.objects.first().section)
    articles = list(Article.objects.values_list("pk", flat=True)[:20])
    letter, _ = Newsletter.objects.get_or_create(name="Bench")
    plan, _ = Plan.objects.get_or_create(
        name="Bench", defaults={"monthly_amount": 900, "yearly_amount": 9000, "currency": "usd"}
    )
    offer, _ = Offer.objects.get_or_create(
        code="BENCH-HALF", defaults={"name": "Half", "percent_off": 50, "duration": "forever"}
    )
    with connection.cursor() as c:
        c.execute("DELETE FROM subscriptions_subscriptionchange")
        c.execute("DELETE FROM desk_dailyfigures")
        c.execute("DELETE FROM desk_signup")
        c.execute("DELETE FROM newsletters_newslettersubscription")
        c.execute("DELETE FROM subscriptions_complimentaryaccess")
        c.execute("DELETE FROM subscriptions_subscription")
        c.execute("DELETE FROM accounts_user WHERE email LIKE 'bench%%@example.com'")
        c.execute(
            """INSERT INTO accounts_user (password, is_superuser, email, name, is_staff,
                   is_active, date_joined)
               SELECT '!', false, 'bench' || n || '@example.com', '', false, true,
                      now() - (n %% 1095) * interval '1 day' - (n %% 86400) * interval '1 second'
               FROM generate_series(1, %s) n""",
            [members],
        )
        c.execute(
            """INSERT INTO subscriptions_subscription (stripe_id, user_id, stripe_customer_id,
                   plan_id, price_id, interval, status, cancel_at_period_end,
                   current_period_end, created_at, synced_at, offer_id, source,
                   source_article_id)
               SELECT 'sub_bench' || u.id, u.id, 'cus_bench' || u.id, %s, '',
                      CASE WHEN u.id %% 4 = 0 THEN 'year' ELSE 'month' END,
                      CASE WHEN u.id %% 10 < 7 THEN 'active' WHEN u.id %% 10 = 7 THEN 'trialing'
                           WHEN u.id %% 10 = 8 THEN 'past_due' ELSE 'canceled' END,
                      false, now() + interval '20 days', u.date_joined, now(),
                      CASE WHEN u.id %% 9 = 0 THEN %s END,
                      (ARRAY['article', 'gift_link', 'offer', 'pricing'])[u.id %% 4 + 1],
                      (%s::bigint[])[u.id %% 20 + 1]
               FROM accounts_user u WHERE u.email LIKE 'bench%%' AND u.id %% 3 = 0""",
            [plan.pk, offer.pk, articles],
        )
        # Ten changes each, alternating between paying and not, the last one the row's status.
        c.execute(
            """INSERT INTO subscriptions_subscriptionchange (at, user_id, kind, reference,
                   status_before, status_after, plan_id, interval, amount, currency, backfilled)
               SELECT s.created_at + k * ((now() - s.created_at) / (%s + 1)), s.user_id,
                      'subscription', s.stripe_id,
                      CASE WHEN k = 0 THEN '' WHEN k %% 2 = 1 THEN 'active' ELSE 'past_due' END,
                      CASE WHEN k = %s - 1 THEN s.status WHEN k %% 2 = 0 THEN 'active'
                           ELSE 'past_due' END,
                      s.plan_id, s.interval, CASE WHEN s.interval = 'year' THEN 9000 ELSE 900 END,
                      'usd', false
               FROM subscriptions_subscription s, generate_series(0, %s - 1) k""",
            [per, per, per],
        )
        c.execute(
            """INSERT INTO subscriptions_complimentaryaccess (user_id, reason, created_at)
               SELECT u.id, 'bench', u.date_joined FROM accounts_user u
               WHERE u.email LIKE 'bench%%' AND u.id %% 50 = 1""",
            [],
        )
        c.execute(
            """INSERT INTO newsletters_newslettersubscription (user_id, newsletter_id,
                   consented_at, consent_source, unsubscribed_at, unsubscribe_source)
               SELECT u.id, %s, u.date_joined, 'signup', NULL, '' FROM accounts_user u
               WHERE u.email LIKE 'bench%%' AND u.id %% 2 = 0""",
            [letter.pk],
        )
        c.execute(
            """INSERT INTO desk_signup (user_id, at, source, source_article_id)
               SELECT u.id, u.date_joined,
                      CASE WHEN u.id %% 3 = 1 THEN 'article' ELSE 'elsewhere' END,
                      CASE WHEN u.id %% 3 = 1 THEN (%s::bigint[])[u.id %% 20 + 1] END
               FROM accounts_user u WHERE u.email LIKE 'bench%%'""",
            [articles],
        )
        c.execute("VACUUM ANALYZE")


def publisher():
    from django.contrib.auth import get_user_model

    from tests.users import role_group

    user, _ = get_user_model().objects.get_or_create(
        email="bench-publisher@staff.example.com", defaults={"is_staff": True}
    )
    user.groups.add(role_group("Publisher"))
    return user


def measure(repeat: int) -> list[float]:
    from django.test import Client

    client = Client()
    client.force_login(publisher())
    response = client.get("/admin/")  # warm: connection, templates, buffers
    if response.status_code != 200 or b"How the publication is doing" not in response.content:
        raise SystemExit(f"/admin/ answered {response.status_code} without the dashboard")
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        client.get("/admin/")
        times.append((time.perf_counter() - started) * 1000)
    return times


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=DEFAULT_DATABASE)
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--changes", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=25)
    parser.add_argument("--measure-only", action="store_true", help="fill nothing")
    args = parser.parse_args()
    if not args.database_url.startswith("postgres"):
        raise SystemExit("This bench measures PostgreSQL; give a postgres:// URL.")
    ensure_database(args.database_url)
    setup_django(args.database_url)
    os.environ.setdefault("STAFF_REQUIRE_MFA", "0")
    from django.conf import settings
    from django.core.management import call_command

    settings.STAFF_REQUIRE_MFA = False  # the bench's publisher signs in without a device
    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    from subscriptions.models import SubscriptionChange

    if not args.measure_only:
        started = time.perf_counter()
        fill(members=args.members, changes=args.changes)
        print(f"filled in {time.perf_counter() - started:.1f} s", flush=True)
        started = time.perf_counter()
        out = __import__("io").StringIO()
        call_command("rollup_figures", stdout=out)
        print(f"{out.getvalue().strip()} in {time.perf_counter() - started:.1f} s", flush=True)
    from django.contrib.auth import get_user_model

    readers = get_user_model().objects.filter(is_staff=False).count()
    history = SubscriptionChange.objects.count()
    times = measure(args.repeat)
    print(
        f"dashboard at {readers:,} members and {history:,} changes: "
        f"median {statistics.median(times):.1f} ms, min {min(times):.1f} ms, "
        f"max {max(times):.1f} ms over {args.repeat} renders"
    )


if __name__ == "__main__":
    main()
