"""The account page: email and its state, passkeys, password, sign-in history, billing."""

from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.usersessions.models import UserSession
from django.utils import timezone

from accounts.user_agents import describe_user_agent
from subscriptions.models import Customer
from tests.html_helpers import assert_accessible_basics, heading_outline, page_text, post_forms
from tests.stripe_helpers import store_subscription

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_in(client, reader, password):
    response = client.post(
        "/accounts/login/",
        {"login": reader.email, "password": password},
        HTTP_USER_AGENT="Mozilla/5.0 (X11; Linux) Firefox/140.0",
    )
    assert response.status_code == 302
    return client


def add_passkey(user, name):
    return Authenticator.objects.create(
        user=user, type=Authenticator.Type.WEBAUTHN, data={"name": name, "credential": {}}
    )


def add_past_sign_ins(user, count):
    start = UserSession.objects.count()
    for n in range(count):
        UserSession.objects.create(
            user=user,
            session_key=f"old-session-{start + n}",
            ip=f"198.51.100.{n + 1}",
            user_agent="Mozilla/5.0 (Macintosh) Safari/19.0",
            created_at=timezone.now() - timedelta(days=n + 1),
            last_seen_at=timezone.now() - timedelta(days=n + 1),
        )


def test_an_anonymous_visitor_is_sent_to_sign_in_and_back(client):
    response = client.get("/account/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/account/"


def test_the_header_account_link_leads_to_the_account_page(signed_in):
    assert 'href="/account/">Account</a>' in signed_in.get("/").content.decode()


def test_the_page_shows_the_email_and_whether_it_is_verified(signed_in, reader):
    EmailAddress.objects.create(user=reader, email="second@example.com", verified=False)
    html = signed_in.get("/account/").content.decode()
    assert "<strong>reader@example.com</strong>" in html
    assert "Verified" in html
    assert "<strong>second@example.com</strong>" in html
    assert "Not verified" in html
    assert 'href="/accounts/email/"' in html


def test_the_page_lists_passkeys_with_a_way_to_remove_each_and_to_add_one(signed_in, reader):
    phone = add_passkey(reader, "My phone")
    html = signed_in.get("/account/").content.decode()
    assert "My phone" in html
    assert f'href="/accounts/2fa/webauthn/keys/{phone.pk}/remove/?next=/account/"' in html
    assert 'href="/accounts/2fa/webauthn/add/"' in html


def test_the_page_offers_to_change_the_password(signed_in):
    assert 'href="/accounts/password/change/"' in signed_in.get("/account/").content.decode()


def test_the_page_shows_where_the_reader_signed_in_marking_this_browser(signed_in, reader):
    add_past_sign_ins(reader, 1)
    html = signed_in.get("/account/").content.decode()
    assert "198.51.100.1" in html
    assert "Safari on Mac" in html
    assert "Firefox on Linux" in html
    assert html.count("This browser</span>") == 1


def test_the_sign_in_history_names_browsers_not_raw_user_agents(signed_in, reader):
    add_past_sign_ins(reader, 1)
    UserSession.objects.filter(user=reader, session_key__startswith="old-").update(user_agent="")
    text = page_text(signed_in.get("/account/").content.decode())
    assert "Firefox on Linux" in text
    assert "Unknown browser" in text
    assert "Mozilla/5.0" not in text
    assert "Firefox/140.0" not in text


def test_the_billing_panel_appears_exactly_once(signed_in):
    html = signed_in.get("/account/").content.decode()
    assert html.count('aria-labelledby="billing-heading"') == 1


def test_the_page_links_to_account_deletion(signed_in):
    assert 'href="/account/delete/"' in signed_in.get("/account/").content.decode()


def test_another_readers_passkeys_and_sign_ins_never_show(signed_in, staff_without_group):
    add_passkey(staff_without_group, "Editor's laptop")
    add_past_sign_ins(staff_without_group, 1)
    response = signed_in.get("/account/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Your account</h1>" in html
    assert "Editor&#x27;s laptop" not in html
    assert "198.51.100.1" not in html


# Session, user, section navigation; authenticators, email addresses, sign-ins, newsletters
# (this page); the header's billing state and the billing panel's subscription, comp and
# customer and gift subscription; the reader's gift links; their private feed.
ACCOUNT_PAGE_QUERIES = 14


def test_the_account_page_query_count_does_not_grow_with_the_data(
    signed_in, reader, django_assert_num_queries
):
    add_passkey(reader, "Only key")
    add_past_sign_ins(reader, 1)
    with django_assert_num_queries(ACCOUNT_PAGE_QUERIES):
        assert signed_in.get("/account/").status_code == 200

    for n in range(15):
        add_passkey(reader, f"Key {n}")
        EmailAddress.objects.create(user=reader, email=f"alias{n}@example.com")
    add_past_sign_ins(reader, 30)
    with django_assert_num_queries(ACCOUNT_PAGE_QUERIES):
        assert signed_in.get("/account/").status_code == 200


def test_the_page_shows_the_latest_ten_sign_ins(signed_in, reader):
    add_past_sign_ins(reader, 30)
    html = signed_in.get("/account/").content.decode()
    assert "198.51.100.9<" in html  # the ninth most recent past one
    assert "198.51.100.30<" not in html


# ---------------------------------------------------------------- browser names
CHROME_LINUX = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36"
)
SAFARI_IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1"
)


@pytest.mark.parametrize(
    ("user_agent", "described"),
    [
        (CHROME_LINUX, "Chrome on Linux"),
        (SAFARI_IPHONE, "Safari on iPhone"),
        (
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 "
            "(KHTML, like Gecko) Version/18.1 Safari/605.1.15",
            "Safari on Mac",
        ),
        (
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
            "Edge on Windows",
        ),
        (
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0",
            "Firefox on Windows",
        ),
        (
            "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/131.0.0.0 Mobile Safari/537.36",
            "Chrome on Android",
        ),
        (
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_7 like Mac OS X) AppleWebKit/605.1.15 "
            "(KHTML, like Gecko) CriOS/131.0.6778.73 Mobile/15E148 Safari/604.1",
            "Chrome on iPhone",
        ),
        (
            "Mozilla/5.0 (iPad; CPU OS 17_7 like Mac OS X) AppleWebKit/605.1.15 "
            "(KHTML, like Gecko) FxiOS/133.0 Mobile/15E148 Safari/605.1.15",
            "Firefox on iPad",
        ),
        (
            "Mozilla/5.0 (Linux; Android 14; SAMSUNG SM-S918B) AppleWebKit/537.36 "
            "(KHTML, like Gecko) SamsungBrowser/26.0 Chrome/122.0.0.0 Mobile Safari/537.36",
            "Samsung Internet on Android",
        ),
        (
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/131.0.0.0 Safari/537.36 OPR/114.0.0.0",
            "Opera on Windows",
        ),
        (
            "Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/131.0.0.0 Safari/537.36",
            "Chrome on ChromeOS",
        ),
        ("Mozilla/5.0 (X11; Linux) Firefox/140.0", "Firefox on Linux"),
        ("Firefox/140.0", "Firefox"),
        ("Mozilla/5.0 (Windows NT 10.0; Win64; x64)", "Unknown browser on Windows"),
        ("curl/8.5.0", "Unknown browser"),
        ("", "Unknown browser"),
        (None, "Unknown browser"),
        ("\x00" * 5000, "Unknown browser"),
    ],
)
def test_a_user_agent_is_described_in_a_few_words(user_agent, described):
    assert describe_user_agent(user_agent) == described


# ---------------------------------------------------------------- layout and wording
def test_a_single_email_address_is_a_plain_line_not_a_list(signed_in):
    html = signed_in.get("/account/").content.decode()
    assert 'class="account-emails"' not in html
    assert '<p class="account-email"><strong>reader@example.com</strong>' in html
    assert "reader@example.com Verified" in page_text(html)


def test_several_email_addresses_are_a_list(signed_in, reader):
    EmailAddress.objects.create(user=reader, email="second@example.com", verified=False)
    html = signed_in.get("/account/").content.decode()
    assert 'class="account-emails"' in html
    assert html.count("<li><strong>") == 2


def test_the_subscription_details_are_a_styled_two_column_list(signed_in, reader):
    store_subscription(reader, status="active")
    html = signed_in.get("/account/").content.decode()
    assert '<dl class="billing-details">' in html
    assert 'href="/static/accounts/accounts.css"' in html
    assert "Plan Subscription (monthly) Status Active Renews" in page_text(html)
    from django.contrib.staticfiles import finders

    with open(finders.find("accounts/accounts.css")) as css:
        rules = css.read()
    assert ".billing-details { display: grid; grid-template-columns: max-content 1fr;" in rules
    assert ".billing-details dd { margin: 0; }" in rules


def test_deleting_is_a_quiet_outline_button_and_manage_billing_stays_primary(signed_in, reader):
    store_subscription(reader, status="active")
    html = signed_in.get("/account/").content.decode()
    assert (
        '<a class="button button-danger-outline" href="/account/delete/">Delete my account</a>'
        in html
    )
    assert 'button-danger"' not in html
    assert '<button type="submit" class="button">Manage billing</button>' in html
    assert post_forms(html)["/account/billing/"] == ["Manage billing"]


def test_a_reader_whose_subscription_ended_is_offered_to_subscribe_and_their_history(
    signed_in, reader
):
    store_subscription(reader, status="canceled")
    html = signed_in.get("/account/").content.decode()
    text = page_text(html)
    assert "Your subscription has ended." in text
    assert "You do not have a paid subscription" not in text
    assert '<a class="button" href="/pricing/">Subscribe</a>' in html
    assert post_forms(html)["/account/billing/"] == ["Billing history"]
    assert 'button button-secondary">Billing history' in html
    assert "Manage billing" not in text


def test_a_reader_with_a_customer_but_no_subscription_ever_is_not_told_it_ended(signed_in, reader):
    # Starting a checkout makes the Stripe customer; leaving Stripe's page unpaid is common.
    Customer.objects.create(user=reader, stripe_id="cus_abandoned")
    html = signed_in.get("/account/").content.decode()
    text = page_text(html)
    assert "You do not have a paid subscription." in text
    assert "has ended" not in text
    assert '<a class="button" href="/pricing/">Subscribe</a>' in html
    assert post_forms(html)["/account/billing/"] == ["Billing history"]


def test_a_reader_without_a_customer_is_only_offered_to_subscribe(signed_in):
    html = signed_in.get("/account/").content.decode()
    text = page_text(html)
    assert "You do not have a paid subscription." in text
    assert '<a class="button" href="/pricing/">Subscribe</a>' in html
    assert "/account/billing/" not in post_forms(html)
    assert "Billing history" not in text and "Manage billing" not in text


# ---------------------------------------------------------------- back from the portal
BILLING_SAVED = "Your billing changes are saved. It can take a moment for them to show here."


def test_coming_back_from_the_portal_says_the_changes_are_saved(signed_in, reader):
    store_subscription(reader, status="active")
    html = signed_in.get("/account/?billing=updated").content.decode()
    assert BILLING_SAVED in page_text(html)
    assert f'<p class="message account-notice" role="status">{BILLING_SAVED}</p>' in html
    # A query flag, not a stored message: the next page does not repeat it.
    assert BILLING_SAVED not in signed_in.get("/account/").content.decode()
    assert BILLING_SAVED not in signed_in.get("/").content.decode()


@pytest.mark.parametrize(
    "query",
    ["", "?billing=", "?billing=UPDATED", "?billing=updated2", "?billing=%00",
     "?billing=<script>alert(1)</script>", "?billing=updated&billing=x", "?other=updated"],
)  # fmt: skip
def test_any_other_billing_value_shows_the_page_without_the_notice(signed_in, query):
    response = signed_in.get("/account/" + query)
    assert response.status_code == 200
    html = response.content.decode()
    assert BILLING_SAVED not in html
    assert "<script>alert" not in html


# ---------------------------------------------------------------- queries and a11y basics
def add_ended_subscriptions(user, count):
    for _ in range(count):
        store_subscription(user, status="canceled")


@pytest.mark.parametrize(
    ("state", "queries"),
    [
        ("no customer", ACCOUNT_PAGE_QUERIES),
        # One more: the gift links left this month, for a reader who may gift.
        ("subscriber", ACCOUNT_PAGE_QUERIES + 1),
        # One more: whether an earlier subscription exists, to say "ended".
        ("ended", ACCOUNT_PAGE_QUERIES + 1),
        ("customer, never subscribed", ACCOUNT_PAGE_QUERIES + 1),
    ],
)
def test_the_account_page_query_count_is_pinned_in_every_billing_state(
    signed_in, reader, django_assert_num_queries, state, queries
):
    if state == "subscriber":
        store_subscription(reader, status="active")
    elif state == "ended":
        add_ended_subscriptions(reader, 1)
    elif state == "customer, never subscribed":
        Customer.objects.create(user=reader, stripe_id="cus_abandoned")
    with django_assert_num_queries(queries):
        assert signed_in.get("/account/?billing=updated").status_code == 200

    for n in range(15):
        add_passkey(reader, f"Key {n}")
        EmailAddress.objects.create(user=reader, email=f"alias{n}@example.com")
    add_past_sign_ins(reader, 30)
    if state in ("subscriber", "ended"):
        add_ended_subscriptions(reader, 10)
    with django_assert_num_queries(queries):
        assert signed_in.get("/account/?billing=updated").status_code == 200


@pytest.mark.parametrize("state", ["no customer", "subscriber", "ended", "comp"])
def test_the_account_page_has_named_buttons_and_ordered_headings(signed_in, reader, state):
    if state == "subscriber":
        store_subscription(reader, status="past_due")
    elif state == "ended":
        add_ended_subscriptions(reader, 1)
    elif state == "comp":
        from subscriptions.models import ComplimentaryAccess

        ComplimentaryAccess.objects.create(user=reader, reason="Press")
    add_passkey(reader, "My phone")
    add_past_sign_ins(reader, 2)
    html = signed_in.get("/account/?billing=updated").content.decode()
    assert_accessible_basics(html)
    paying = (
        [(2, "Gift links"), (2, "Your private feed")] if state in ("subscriber", "comp") else []
    )
    assert heading_outline(html)[: 10 + len(paying)] == [
        (1, "Your account"),
        (2, "Email"),
        (2, "Subscription"),
        *paying,
        (2, "Newsletters"),
        (2, "Signing in"),
        (3, "Passkeys"),
        (3, "Password"),
        (2, "Where you are signed in"),
        (2, "Your data"),
        (2, "Delete your account"),
    ]
