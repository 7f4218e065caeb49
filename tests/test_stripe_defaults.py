"""The site and the Stripe stand-in agree on the values they share (newsroom/stripe_defaults.py)."""

import json
import os
import subprocess
import sys
from pathlib import Path

from devtools.stripe_standin.server import StandinServer
from devtools.stripe_standin.testing import TEST_KEY, make_client
from newsroom import stripe_defaults
from subscriptions.stripe_client import API_VERSION

ROOT = Path(__file__).resolve().parent.parent


def test_settings_default_to_the_stand_in_when_no_stripe_variable_is_set():
    env = {k: v for k, v in os.environ.items() if not k.startswith("STRIPE_")}
    env["DJANGO_SETTINGS_MODULE"] = "newsroom.settings"
    script = (
        "import json, django; django.setup(); from django.conf import settings as s; "
        "print(json.dumps([s.STRIPE_SECRET_KEY, s.STRIPE_WEBHOOK_SECRET, s.STRIPE_API_BASE]))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    key, secret, base = json.loads(result.stdout)
    assert key == stripe_defaults.STANDIN_SECRET_KEY == TEST_KEY
    assert secret == stripe_defaults.DEMO_WEBHOOK_SECRET
    assert base == f"http://127.0.0.1:{StandinServer().port}"


def test_the_stand_in_answers_in_the_api_version_the_site_asks_for():
    with StandinServer(port=0) as server:
        customer = make_client(server.url).v1.customers.create(params={"email": "a@example.com"})
        event = server.store.data["events"][next(iter(server.store.data["events"]))]
    assert customer.id.startswith("cus_")
    assert event["type"] == "customer.created"
    assert event["api_version"] == API_VERSION == stripe_defaults.API_VERSION
