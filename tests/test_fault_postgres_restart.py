"""PostgreSQL restarts under a running site: a 503 with Retry-After, then recovery by itself.

A private PostgreSQL cluster (never the shared one) on a free port, and the site served by
gunicorn as in production. Readers and Stripe's webhooks get the 503 page while it is down,
and the first request after it is back is answered normally, with nothing restarted.
"""

import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
import requests
import stripe

from devtools.demo import DEV_WEBHOOK_SECRET as DEMO_WEBHOOK_SECRET
from tests.private_servers import ROOT, AppNode, PrivatePostgres


def manage(env: dict, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**AppNode({}).env, **env},
        check=True,
        capture_output=True,
        text=True,
        timeout=300,
    )
    return done.stdout


@pytest.fixture(scope="module")
def site_on_private_postgres():
    folder = Path(tempfile.mkdtemp(prefix="newsroom-pg-"))
    postgres = PrivatePostgres(folder)
    postgres.create()
    env = {
        "DATABASE_URL": postgres.url,
        "DEBUG": "0",
        "SECRET_KEY": "fault-test",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "WEB_CONCURRENCY": "1",
        "STATIC_ROOT": str(folder / "static"),
        # No Redis, so no page cache: it would go on answering the article read before the
        # outage from Redis, and this test is about requests that reach the database.
        "REDIS_URL": "",
        "PAGE_CACHE_SECONDS": "0",
    }
    manage(env, "migrate", "--noinput", "-v", "0")
    manage(env, "collectstatic", "--noinput", "-v", "0")
    path = manage(
        env,
        "shell",
        "--no-imports",
        "-c",
        "from tests.factories import make_article;"
        "print(make_article(access='free', headline='Lighthouse keeper retires')"
        ".get_absolute_url())",
    ).split()[-1]
    node = AppNode(env)
    node.start()
    yield node, postgres, path
    node.stop()
    postgres.stop()
    shutil.rmtree(folder, ignore_errors=True)


def test_readers_and_webhooks_get_a_503_while_postgres_restarts_then_it_recovers_by_itself(
    site_on_private_postgres,
):
    node, postgres, path = site_on_private_postgres
    before = requests.get(node.url + path, timeout=10)
    assert before.status_code == 200
    assert "Lighthouse keeper retires" in before.text

    assert requests.get(node.url + "/readyz?format=json", timeout=10).status_code == 200
    postgres.stop()
    # Alive but not ready: a load balancer sends readers elsewhere, nothing restarts it.
    assert requests.get(node.url + "/healthz", timeout=10).status_code == 200
    ready = requests.get(node.url + "/readyz?format=json", timeout=10)
    assert ready.status_code == 503
    assert ready.json()["Database(alias='default')"] != "OK"
    for url in (node.url + path, node.url + "/"):
        page = requests.get(url, timeout=10)
        assert page.status_code == 503
        assert page.headers["Retry-After"] == "10"
        assert "Back in a moment" in page.text
    payload = json.dumps(
        {
            "id": "evt_restart",
            "type": "customer.subscription.updated",
            "data": {"object": {"id": "sub_restart"}},
        }
    )
    webhook = requests.post(
        node.url + "/stripe/webhook/",
        data=payload,
        headers={
            "Content-Type": "application/json",
            "Stripe-Signature": stripe.WebhookSignature.generate_signature_header(
                payload, DEMO_WEBHOOK_SECRET
            ),
        },
        timeout=10,
    )
    # Stripe retries anything but a 2xx, so the event is not lost.
    assert webhook.status_code == 503
    assert webhook.headers["Retry-After"] == "10"

    postgres.start()
    started = time.monotonic()
    after = requests.get(node.url + path, timeout=10)
    assert after.status_code == 200
    assert "Lighthouse keeper retires" in after.text
    assert time.monotonic() - started < 2
    assert requests.get(node.url + "/readyz?format=json", timeout=10).status_code == 200
