"""Served as in production (gunicorn.conf.py: gthread), slow Stripe calls cannot hold the site.

Four checkouts wait on a Stripe that accepts and never answers, with the circuit breaker off so
that only the worker model is tested; an article still answers at once from the same process.
"""

import re
import threading
import time

import pytest
import requests
from django.conf import settings as django_settings
from django.test import Client

from tests.factories import make_article
from tests.private_servers import AppNode, database_url_of
from tests.stripe_helpers import make_plan
from tests.test_fault_stripe_blackholed import BlackHole

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def node(stripe_standin):
    plan = make_plan()
    hole = BlackHole()
    app = AppNode(
        {
            "DATABASE_URL": database_url_of(django_settings.DATABASES["default"]),
            "DEBUG": "1",
            "WEB_CONCURRENCY": "1",  # one process: only its threads keep it answering
            "STRIPE_SECRET_KEY": "sk_test_standin",
            "STRIPE_API_BASE": f"http://127.0.0.1:{hole.port}",
            "STRIPE_TIMEOUT": "6",
            "STRIPE_DEADLINE": "6",
            "STRIPE_BREAKER_SECONDS": "0",
        }
    )
    app.start()
    yield app, plan, hole
    app.stop()
    hole.close()


def signed_in_session(user) -> requests.Session:
    client = Client()
    client.force_login(user)
    browser = requests.Session()
    browser.cookies.set(django_settings.SESSION_COOKIE_NAME, client.cookies["sessionid"].value)
    return browser


def test_slow_checkouts_hold_threads_not_the_site(node, reader):
    app, plan, hole = node
    article = make_article(access="free", headline="Ferry timetable changes")
    browser = signed_in_session(reader)
    pricing = browser.get(f"{app.url}/pricing/", timeout=10)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', pricing.text).group(1)
    answers = []

    def checkout():
        response = browser.post(
            f"{app.url}/subscribe/checkout/",
            data={"csrfmiddlewaretoken": token, "plan": plan.pk, "interval": "month"},
            headers={"Referer": f"{app.url}/pricing/"},
            timeout=30,
        )
        answers.append(response.status_code)

    checkouts = [threading.Thread(target=checkout) for _ in range(4)]
    for thread in checkouts:
        thread.start()
    deadline = time.monotonic() + 10
    while len(hole.connections) < 4 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(hole.connections) >= 4  # every checkout is now waiting on "Stripe"

    page = requests.get(f"{app.url}{article.get_absolute_url()}", timeout=10)
    assert page.status_code == 200
    assert "Ferry timetable changes" in page.text
    # Served while every checkout still waits: none of them has had its answer yet.
    assert answers == []

    for thread in checkouts:
        thread.join(timeout=30)
    assert answers == [503] * 4  # each gave up at its deadline with the retry page
