"""Several machines: two gunicorn app nodes, one task worker and nginx balancing between the
nodes, over one PostgreSQL (the test database) and one Redis (a private one). Nothing that must
be shared lives in one process. The README's "Running on several machines" matches this shape.
"""

import json
import re
import shutil
import socket
import subprocess
import tempfile
import threading
import time
from pathlib import Path

import pytest
import requests
from django.conf import settings as django_settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher

from articles.models import Article
from subscriptions.models import StripeEvent, Subscription
from tests.factories import make_article
from tests.private_servers import AppNode, PrivateRedis, database_url_of, free_port, wait_for_port
from tests.stripe_helpers import event, make_plan, sign, subscribe_at_stripe
from tests.worker_process import start_worker

pytestmark = pytest.mark.django_db(transaction=True)

WEBHOOK_SECRET = "whsec_test_newsroom"  # what the stripe_standin fixture sets for the suite
NGINX_CONF = """
worker_processes 1;
pid {folder}/nginx.pid;
error_log {folder}/error.log;
events {{ worker_connections 64; }}
http {{
    access_log off;
    client_body_temp_path {folder}/body;
    proxy_temp_path {folder}/proxy;
    fastcgi_temp_path {folder}/fastcgi;
    uwsgi_temp_path {folder}/uwsgi;
    scgi_temp_path {folder}/scgi;
    upstream newsroom {{
        server 127.0.0.1:{one};
        server 127.0.0.1:{two};
    }}
    server {{
        listen 127.0.0.1:{port};
        client_header_timeout 10s;
        client_body_timeout 10s;
        location / {{
            proxy_pass http://newsroom;
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
            proxy_set_header X-Request-ID $request_id;
            proxy_buffering on;
            proxy_request_buffering on;
        }}
    }}
}}
"""


@pytest.fixture(scope="module")
def cluster(django_db_setup, _standin_server):
    """Started once for the module: each test then uses its own rows in the shared database."""
    folder = Path(tempfile.mkdtemp(prefix="newsroom-nodes-"))
    redis = PrivateRedis()
    redis.start()
    env = {
        "DATABASE_URL": database_url_of(django_settings.DATABASES["default"]),
        "REDIS_URL": redis.url,
        "CACHE_KEY_PREFIX": "several-nodes",
        "DEBUG": "1",
        "WEB_CONCURRENCY": "1",
        "GUNICORN_THREADS": "4",
        "TRUSTED_PROXY_COUNT": "0",
        "STRIPE_SECRET_KEY": "sk_test_standin",
        "STRIPE_API_BASE": _standin_server.url,
        "STRIPE_WEBHOOK_SECRET": WEBHOOK_SECRET,
        "MEDIA_ROOT": str(folder / "media"),
    }
    one, two = AppNode(env), AppNode(env)
    worker = start_worker("--queue-name", "*", "--interval", "0.5", **env)
    port = free_port()
    (folder / "nginx.conf").write_text(
        NGINX_CONF.format(folder=folder, one=one.port, two=two.port, port=port)
    )
    nginx = None
    try:
        one.start()
        two.start()
        nginx = subprocess.Popen(
            [
                shutil.which("nginx") or "/usr/sbin/nginx",
                "-c",
                str(folder / "nginx.conf"),
                "-p",
                str(folder),
                "-g",
                "daemon off;",
            ],
            stderr=subprocess.DEVNULL,
        )
        wait_for_port(port)
        yield {
            "one": one.url,
            "two": two.url,
            "balancer": f"http://127.0.0.1:{port}",
            "standin": _standin_server.url,
        }
    finally:
        if nginx is not None:
            nginx.terminate()
            nginx.wait(timeout=10)
        worker.terminate()
        worker.wait(timeout=30)
        one.stop()
        two.stop()
        redis.stop()
        shutil.rmtree(folder, ignore_errors=True)


def usable_on_the_nodes(user, password):
    """The suite hashes with MD5 for speed; the nodes run the real settings (PBKDF2 first)."""
    hasher = PBKDF2PasswordHasher()
    user.password = hasher.encode(password, hasher.salt(), iterations=1000)
    user.save(update_fields=["password"])
    return user


def csrf(browser: requests.Session, url: str) -> str:
    page = browser.get(url, timeout=20)
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)


def sign_in(browser, base, email, password):
    token = csrf(browser, f"{base}/accounts/login/")
    return browser.post(
        f"{base}/accounts/login/",
        data={"csrfmiddlewaretoken": token, "login": email, "password": password},
        headers={"Referer": f"{base}/accounts/login/"},
        allow_redirects=False,
        timeout=20,
    )


def test_a_session_made_on_one_node_works_on_the_other_and_through_the_balancer(
    cluster, reader, password
):
    usable_on_the_nodes(reader, password)
    browser = requests.Session()
    assert sign_in(browser, cluster["one"], reader.email, password).status_code == 302
    for base in (cluster["two"], cluster["balancer"], cluster["balancer"]):
        page = browser.get(f"{base}/account/", allow_redirects=False, timeout=20)
        assert page.status_code == 200, base
        assert reader.email in page.text


def test_a_rate_limit_counts_across_both_nodes(cluster, reader, password):
    usable_on_the_nodes(reader, password)
    for attempt in range(5):
        base = cluster["one"] if attempt % 2 else cluster["two"]
        wrong = sign_in(requests.Session(), base, reader.email, "not-the-password")
        assert "are not correct" in wrong.text
    # Five wrong passwords in all, split over two nodes: the right one is now refused on both.
    for base in (cluster["one"], cluster["two"]):
        refused = sign_in(requests.Session(), base, reader.email, password)
        assert refused.status_code == 200
        assert "Too many failed login attempts" in refused.text


def test_a_webhook_posted_to_either_node_is_applied_once(cluster, stripe_standin, reader):
    assert stripe_standin.url == cluster["standin"]
    plan = make_plan()
    subscription = subscribe_at_stripe(reader, plan)
    payload = json.dumps(event("customer.subscription.created", subscription))
    answers = []

    def deliver(base):
        response = requests.post(
            f"{base}/stripe/webhook/",
            data=payload,
            headers={"Content-Type": "application/json", "Stripe-Signature": sign(payload)},
            timeout=30,
        )
        answers.append(response.json())

    deliveries = [
        threading.Thread(target=deliver, args=(cluster[name],))
        for name in ("one", "two", "balancer", "one")
    ]
    for thread in deliveries:
        thread.start()
    for thread in deliveries:
        thread.join(timeout=60)
    assert len(answers) == 4
    assert all(answer["received"] for answer in answers)
    assert sum(1 for answer in answers if not answer.get("duplicate")) == 1
    assert StripeEvent.objects.count() == 1
    # The nodes only stored it; the worker applies it, once.
    stored = wait_for(lambda: Subscription.objects.filter(user=reader).first())
    assert stored.status == "active"
    assert wait_for(lambda: StripeEvent.objects.processed().first()).attempts == 1


def wait_for(probe, seconds=30):
    deadline = time.monotonic() + seconds
    while (found := probe()) is None or found is False:
        assert time.monotonic() < deadline, "the worker did not apply it in time"
        time.sleep(0.2)
    return found


def test_an_article_published_through_one_node_shows_on_both_at_once(
    cluster, desk_editor, password
):
    article = make_article(
        status=Article.Status.DRAFT, access=Article.Access.PUBLIC, headline="Harbour reopens"
    )
    url = article.get_absolute_url()
    # Both nodes have served (and cached) the home page and the missing article before.
    for base in (cluster["one"], cluster["two"], cluster["balancer"]):
        assert requests.get(f"{base}{url}", timeout=20).status_code == 404
        home = requests.get(f"{base}/", timeout=20)
        assert home.status_code == 200 and "Harbour reopens" not in home.text
        assert requests.get(f"{base}/", timeout=20).headers.get("X-Page-Cache") == "hit"

    usable_on_the_nodes(desk_editor, password)
    browser = requests.Session()
    assert sign_in(browser, cluster["one"], desk_editor.email, password).status_code == 302
    changelist = f"{cluster['one']}/admin/articles/article/"
    published = browser.post(
        changelist,
        data={
            "csrfmiddlewaretoken": csrf(browser, changelist),
            "action": "publish_now",
            "_selected_action": str(article.pk),
        },
        headers={"Referer": changelist},
        timeout=20,
    )
    assert "Published 1 article(s)." in published.text

    for base in (cluster["two"], cluster["one"], cluster["balancer"]):
        page = requests.get(f"{base}{url}", timeout=20)
        assert page.status_code == 200, base
        assert "Harbour reopens" in page.text
        assert "Harbour reopens" in requests.get(f"{base}/", timeout=20).text, base


class Drips:
    """Connections that send a request's headers a byte at a time and never finish them."""

    def __init__(self, base: str, count: int):
        host, port = base.removeprefix("http://").split(":")
        self.address = (host, int(port))
        self.count = count
        self.stop = threading.Event()
        self.threads: list[threading.Thread] = []

    def _drip(self, opened: threading.Semaphore):
        with socket.create_connection(self.address, timeout=5) as sock:
            sock.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
            opened.release()
            while not self.stop.wait(0.3):
                try:
                    sock.sendall(b"x")
                except OSError:
                    return  # the server gave up on us (nginx's client_header_timeout)

    def __enter__(self):
        opened = threading.Semaphore(0)
        for _ in range(self.count):
            thread = threading.Thread(target=self._drip, args=(opened,), daemon=True)
            thread.start()
            self.threads.append(thread)
        for _ in range(self.count):
            assert opened.acquire(timeout=10), "a slow connection could not connect"
        time.sleep(0.5)  # every one is now part-way through its headers
        return self

    def __exit__(self, *exc):
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=10)


def timed_get(url: str, timeout: float):
    started = time.monotonic()
    response = requests.get(url, timeout=timeout)
    return response, time.monotonic() - started


def warm(base: str) -> float:
    """The home page answered (and cached) on both nodes; the best of a few timings."""
    timings = []
    for _ in range(4):
        page, seconds = timed_get(f"{base}/", timeout=60)
        assert page.status_code == 200
        timings.append(seconds)
    return min(timings)


def test_slow_clients_do_not_hold_the_site_behind_nginx(cluster):
    warm(cluster["balancer"])
    # More slow connections than both nodes have threads (GUNICORN_THREADS=4 each).
    with Drips(cluster["balancer"], count=12):
        for _ in range(5):
            page, seconds = timed_get(f"{cluster['balancer']}/", timeout=10)
            assert page.status_code == 200
            assert "Newsroom" in page.text
            assert seconds < 2, f"a normal request took {seconds:.1f} s behind nginx"


def test_without_nginx_the_same_slow_clients_hold_a_node(cluster):
    # Why the README puts nginx in front: gunicorn gives each connection a thread while it
    # reads the headers, so a handful of slow clients hold every thread of a node.
    assert warm(cluster["one"]) < 1
    with Drips(cluster["one"], count=6), pytest.raises(requests.exceptions.Timeout):
        requests.get(f"{cluster['one']}/", timeout=3)
    # Once they go, the node answers again.
    assert requests.get(f"{cluster['one']}/", timeout=20).status_code == 200
