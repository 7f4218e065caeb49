"""The browser harness: headless Chromium (Debian's, never a downloaded one) against a live server.

The site runs in-process under pytest-django's ``live_server``, so the server thread shares this
process's settings, monkeypatches and the locmem email outbox. Every test gets a fresh browser
context (no cookies, no cache) and saves screenshots under ``test-artifacts/screenshots/``.
"""

import os
import re
import threading
from pathlib import Path

import pytest
from playwright.sync_api import expect

from newsroom.stripe_defaults import STANDIN_SECRET_KEY

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-quic",
]
VIEWPORT = {"width": 1280, "height": 900}
# Playwright's own timeouts are 30 s; a page of this site answers in milliseconds.
TIMEOUT_MS = 10_000

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts" / "screenshots"
DOCS_SCREENSHOTS = ROOT / "docs" / "screenshots"


@pytest.fixture(scope="package", autouse=True)
def _fresh_screenshots():
    # The folder shows this run's pages only; a stale picture of an old page misleads.
    for old in ARTIFACTS.glob("*.png"):
        old.unlink()


def pytest_sessionfinish(session):
    """Write test-artifacts/screenshots/index.html: every screenshot of the run on one page."""
    shots = sorted(ARTIFACTS.glob("*.png")) if ARTIFACTS.is_dir() else []
    if not shots:
        return
    figures = "\n".join(
        f'<figure><a href="{shot.name}"><img src="{shot.name}" alt="" width="320"></a>'
        f"<figcaption>{shot.stem}</figcaption></figure>"
        for shot in shots
    )
    (ARTIFACTS / "index.html").write_text(
        "<!doctype html><meta charset=utf-8><title>Newsroom browser screenshots</title>"
        "<style>body{font-family:sans-serif;display:flex;flex-wrap:wrap;gap:1rem}"
        "figure{margin:0;width:320px}img{border:1px solid #ccc}</style>\n"
        f"<h1 style='width:100%'>Browser journeys: {len(shots)} screenshots</h1>\n{figures}\n"
    )


@pytest.fixture(scope="package")
def playwright():
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop in this thread, which makes Django refuse ORM
    # calls from the test body. The calls are still synchronous, so the check is moot here; it
    # is lifted only while the browser tests run.
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_playwright() as pw:
            yield pw


@pytest.fixture(scope="package")
def browser(playwright):
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


def _new_context(browser, **options):
    options.setdefault("viewport", VIEWPORT)
    context = browser.new_context(locale="en-GB", **options)
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(TIMEOUT_MS)
    return context


def _is_csp_violation(message):
    return "Content Security Policy" in message.text


@pytest.fixture
def new_context(browser):
    """Open further, independent browser contexts (another person, or JavaScript off).

    Every journey also checks the site's Content Security Policy: anything the browser refuses
    (an inline script, a form sent somewhere unexpected) fails the test.
    """
    contexts, violations = [], []

    def make(**options):
        context = _new_context(browser, **options)
        context.on("console", lambda msg: _is_csp_violation(msg) and violations.append(msg.text))
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()
    assert not violations, "Content Security Policy violations:\n" + "\n".join(violations)


@pytest.fixture
def context(new_context):
    return new_context()


@pytest.fixture
def page(context):
    return context.new_page()


@pytest.fixture
def site(live_server):
    """The live site's base URL, without a trailing slash."""
    _one_request_at_a_time_on_sqlite(live_server)
    return live_server.url.rstrip("/")


def _one_request_at_a_time_on_sqlite(live_server):
    """SQLite's in-memory test database is one connection that every server thread shares, so
    a webhook arriving while the browser's request runs fails with "database table is locked".
    On SQLite the live server answers one request at a time; PostgreSQL keeps the real race.
    """
    from django.db import connection

    httpd = live_server.thread.httpd
    if connection.vendor != "sqlite" or getattr(httpd, "_newsroom_serialised", False):
        return
    app = httpd.get_app()
    lock = threading.Lock()

    def serialised(environ, start_response):
        with lock:
            # The whole body is produced, and the response closed (which ends Django's
            # request), before the next request may touch the database.
            response = app(environ, start_response)
            try:
                return list(response)
            finally:
                if hasattr(response, "close"):
                    response.close()

    httpd.set_app(serialised)
    httpd._newsroom_serialised = True


def _slug(text):
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


@pytest.fixture
def screenshot():
    """Save what the person sees: ``screenshot(page, "anonymous-reader", "article-preview")``.

    Writes ``test-artifacts/screenshots/<journey>-<step>.png`` (the whole page). With
    ``UPDATE_SCREENSHOTS=1``, ``docs_name`` also refreshes ``docs/screenshots/<docs_name>.png``,
    the pictures the README shows.
    """

    def take(page, journey, step, *, docs_name=None):
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / f"{_slug(journey)}-{_slug(step)}.png"
        page.screenshot(path=path, full_page=True)
        if docs_name and os.environ.get("UPDATE_SCREENSHOTS") == "1":
            DOCS_SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=DOCS_SCREENSHOTS / f"{docs_name}.png", full_page=True)
        return path

    return take


def sign_in_as(context, site, user):
    """Give a browser context the session of ``user``, as if they had signed in."""
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": site}])


# allauth writes the code on a line of its own, e.g. "KQ7M-3XDF" (letters, digits, dashes).
CODE_LINE = re.compile(r"^\s*([A-Z0-9]{2,}(?:-[A-Z0-9]{2,})*)\s*$", re.MULTILINE)


def latest_email_code(to):
    """The code in the newest email sent to ``to`` (the live server shares this outbox)."""
    from django.core import mail

    for message in reversed(mail.outbox):
        if to in message.to:
            match = CODE_LINE.search(message.body)
            assert match, f"No code in the email to {to}:\n{message.body}"
            return match.group(1)
    raise AssertionError(f"No email to {to}; outbox: {[(m.to, m.subject) for m in mail.outbox]}")


def sign_in_by_code(page, email):
    """From the sign-in page: ask for a code by email, read it from the outbox, type it in."""
    page.get_by_role("link", name="Email me a sign-in code").click()
    page.get_by_label("Email").fill(email)
    page.get_by_role("button", name="Email me a code").click()
    code = page.get_by_label("Code")
    # The field appears once the server has answered, so the email has been sent by then.
    expect(code).to_be_visible()
    code.fill(latest_email_code(email))
    page.get_by_role("button", name="Confirm").click()


def page_text(page):
    """Everything the page carries for a reader: its HTML source and its rendered text."""
    return page.content() + "\n" + page.evaluate("document.body.innerText")


def assert_no_serious_accessibility_violations(page, name, *, impacts=("serious", "critical")):
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    serious = [
        violation
        for violation in results.response["violations"]
        if impacts is None or violation.get("impact") in impacts
    ]
    if serious:
        lines = []
        for violation in serious:
            lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']}")
            for node in violation["nodes"]:
                lines.append(f"    {node['target']}: {node.get('failureSummary', '')}")
        report = "\n".join(lines)
        pytest.fail(f"{name}: accessibility violations at {page.url}\n{report}")
    return results


def assert_no_accessibility_violations(page, name):
    """axe-core finds nothing at all, whatever its impact (the reader pages)."""
    return assert_no_serious_accessibility_violations(page, name, impacts=None)


STORY_HEADLINE = "Harbour deal hangs in the balance as council meets"
STORY_STANDFIRST = "Councillors have until Friday to decide the future of the old fish market."


@pytest.fixture
def paid_story(site):
    """A published paid article with a byline and an explicit paywall break."""
    from articles.html import PAYWALL_BREAK
    from tests.factories import (
        PREVIEW_SENTENCE,
        SECRET_SENTENCE,
        make_article,
        make_author,
        make_section,
    )

    body = "\n".join(
        [
            f"<p>{PREVIEW_SENTENCE} For three hours, councillors heard from traders, "
            "fishermen and the developer who wants to turn the old market into flats.</p>",
            "<p>Residents filled the gallery. Many had come straight from work, and some "
            "held hand-painted signs asking the council to keep the market open.</p>",
            "<h2>What the developer offered</h2>",
            "<p>The plans promise 240 homes, a covered square and space for twelve stalls.</p>",
            PAYWALL_BREAK,
            f"<p>{SECRET_SENTENCE} Two councillors changed their minds after the break.</p>",
            "<p>The mayor declined to comment. A final vote is due on Friday.</p>",
        ]
    )
    return make_article(
        headline=STORY_HEADLINE,
        slug="harbour-deal",
        standfirst=STORY_STANDFIRST,
        body=body,
        section=make_section(name="City", slug="city"),
        authors=[make_author(name="Amira Khan", slug="amira-khan")],
    )


def visit(page, url):
    """Open ``url`` and insist that the site answered it, not with an error page."""
    response = page.goto(url)
    assert response is not None and response.status == 200, (
        f"{url} answered {response and response.status}"
    )
    return response


@pytest.fixture
def live_stripe_standin(site, settings, tmp_path):
    """The Stripe stand-in on a free loopback port, posting its webhooks to the live site.

    The site's Stripe settings point at it for the test; the subscriptions app rebuilds its
    cached client when they change. The site (and a worker process) share its clock.
    """
    from devtools.stripe_standin.server import StandinServer, random_secret

    secret = random_secret()
    settings.CLOCK_FILE = str(tmp_path / "clock-offset")
    standin = StandinServer(
        host="127.0.0.1",
        port=0,
        webhook_url=site + "/stripe/webhook/",
        webhook_secret=secret,
        # A delivery that fails is retried soon: the journey is waiting for it.
        webhook_backoff=0.05,
        clock_file=settings.CLOCK_FILE,
    ).start()
    settings.STRIPE_API_BASE = standin.url
    settings.STRIPE_SECRET_KEY = STANDIN_SECRET_KEY
    settings.STRIPE_WEBHOOK_SECRET = secret
    yield standin
    standin.stop()


@pytest.fixture
def plan(live_stripe_standin):
    """The "Digital" plan on sale, its product and prices made at the stand-in."""
    from tests.stripe_helpers import make_plan

    return make_plan(name="Digital")


def pay_at_checkout(page, *, card):
    """Fill the stand-in's hosted checkout as a person would, and submit it."""
    page.get_by_label("Card number").fill(card)
    page.get_by_label("Expiry (MM / YY)").fill("12 / 34")
    page.get_by_label("CVC").fill("123")
    page.get_by_label("Name on card").fill("Test Reader")
    page.get_by_role("checkbox", name="I agree to the Terms of sale").check()
    page.get_by_role("button", name="Subscribe").click()


def subscribe_from_the_paywall(page, article_url, *, card="4242 4242 4242 4242"):
    """A signed-in reader without a subscription pays for one from the article's paywall."""
    page.goto(article_url)
    page.get_by_role("link", name="Upgrade to read").click()
    page.get_by_role("button", name="Subscribe to Digital").click()
    pay_at_checkout(page, card=card)
    expect(page).to_have_url(article_url)
