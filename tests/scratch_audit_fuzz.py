import json
import traceback

import pytest
from django.test import Client

from articles.models import PreviewLink
from tests.factories import make_article, make_author, make_tag
from tests.stripe_helpers import make_plan, event, post_event

pytestmark = pytest.mark.django_db

JUNK = ["\x00", "a\x00b", "\x01\x1f\x7f", "x" * 5000, "%", "ü€😀", "²", "99999999999999999999999", "-1", "'\"<>"]
PATHS_GET = ["/", "/feed/", "/search/", "/sitemap.xml", "/robots.txt", "/pricing/", "/subscribe/success/",
             "/account/", "/account/delete/", "/accounts/login/", "/accounts/signup/", "/accounts/login/code/",
             "/accounts/login/code/confirm/", "/accounts/confirm-email/", "/accounts/password/reset/",
             "/accounts/password/reset/confirm/", "/accounts/password/reset/complete/", "/accounts/email/",
             "/accounts/password/change/", "/accounts/password/set/", "/accounts/reauthenticate/",
             "/accounts/2fa/", "/accounts/2fa/webauthn/", "/accounts/2fa/webauthn/login/", "/accounts/sessions/",
             "/accounts/logout/", "/admin/", "/admin/login/", "/account/passkey/sign-in/",
             "/accounts/2fa/recovery-codes/", "/accounts/2fa/webauthn/add/", "/accounts/2fa/authenticate/"]
FORM_KEYS = ["login", "password", "email", "code", "next", "password1", "password2", "plan", "interval",
             "attempt", "credential", "action", "action_remove", "action_primary", "action_send", "username",
             "q", "page", "key", "remember", "session_id", "name", "tokens", "passwordless"]

problems = []


def hit(client, method, path, **kw):
    try:
        r = getattr(client, method)(path, **kw)
    except Exception as e:
        problems.append((method, path, str(kw)[:200], "EXC " + repr(e)[:300], traceback.format_exc()[-1500:]))
        return None
    if r.status_code >= 500:
        problems.append((method, path, str(kw)[:200], r.status_code, ""))
    return r


def test_fuzz(stripe_standin, reader, editor, django_user_model):
    sec_article = make_article(authors=[make_author()], tags=[make_tag()])
    make_plan()
    sec = sec_article.section.slug
    art = sec_article.get_absolute_url()
    PreviewLink.objects.create(article=sec_article)
    extra_paths = [f"/{sec}/", f"/{sec}/feed/", art, "/authors/nobody/", "/tags/nobody/",
                   f"/preview/{sec_article.pk}/", f"/preview/{sec_article.pk}/as/reader/",
                   f"/preview/{sec_article.pk}/as/bogus/", "/preview/s/nosuch/",
                   "/preview/99999999999999999999999/", "/preview/99999999999999999999999/as/reader/",
                   "/accounts/2fa/webauthn/keys/99999999999999999999999/remove/",
                   "/accounts/2fa/webauthn/keys/1/edit/",
                   "/preview/s/%00/", "/preview/s/a%00b/", "/%00/", "/x%00y/feed/", "/no-such-section/",
                   "/" + "a" * 3000 + "/", f"/{sec}/" + "b" * 3000 + "/", "/%ff%fe/", "/%C3%BC/", "/media/%00",
                   "/media/../../etc/passwd", "/media/x%00y.jpg", "/authors/" + "a" * 5000 + "/",
                   "/admin/articles/article/%00/change/", "/admin/r/1/%00/", "/admin/accounts/user/99999999999999999999/password/"]
    who = {"anon": None, "reader": reader, "editor": editor}
    for name, user in who.items():
        c = Client()
        if user:
            c.force_login(user)
        for path in PATHS_GET + extra_paths:
            hit(c, "get", path)
            hit(c, "head", path)
            for j in JUNK:
                hit(c, "get", path, data={k: j for k in ["q", "page", "next", "session_id", "code", "email", "key"]})
            for j in JUNK:
                hit(c, "post", path, data={k: j for k in FORM_KEYS})
                hit(c, "post", path, data={k: [j, "1"] for k in FORM_KEYS})
            hit(c, "get", path, QUERY_STRING="q=%ED%A0%80&page=%ff&next=%00&session_id=cs_%00&x=%zz&" + "a=1&" * 10)
            hit(c, "get", path, QUERY_STRING="&".join(f"k{i}=1" for i in range(1200)))
            hit(c, "get", path, QUERY_STRING="q=" + "x" * 200000)
            hit(c, "put", path, data="x", content_type="text/plain")
            hit(c, "delete", path)
            hit(c, "options", path)
            hit(c, "post", path, data="{bad json", content_type="application/json")
            hit(c, "post", path, data=b"\xff\xfe\x00", content_type="application/x-www-form-urlencoded")
            hit(c, "post", path, data="a=" + "x" * 3_000_000, content_type="application/x-www-form-urlencoded")
            hit(c, "post", path, data="&".join(f"k{i}=1" for i in range(1200)), content_type="application/x-www-form-urlencoded")
    # hostile headers / cookies
    for hdr in [{"HTTP_USER_AGENT": "a\x00b"}, {"HTTP_HOST": "evil.example"}, {"HTTP_X_FORWARDED_FOR": "\x00"},
                {"HTTP_COOKIE": 'sessionid="aaaaaaaaaaaa\\000"'}, {"HTTP_COOKIE": "sessionid=" + "a" * 5000},
                {"HTTP_COOKIE": 'csrftoken="\\000"'}, {"HTTP_COOKIE": "messages=\x00junk"},
                {"HTTP_ACCEPT_LANGUAGE": "\x00"}, {"HTTP_REFERER": "\x00"}]:
        c = Client()
        for path in ["/", "/accounts/login/", "/pricing/", art]:
            hit(c, "get", path, **hdr)
        hit(c, "post", "/accounts/login/", data={"login": reader.email, "password": "correct-horse-battery-staple"}, **hdr)
    # webhook with NUL ids
    for payload in [
        json.dumps(event("customer.subscription.updated", {"id": "sub_\x00"}, event_id="evt_\x00")),
        json.dumps(event("customer.subscription.updated", {"id": "sub_\x00"})),
        json.dumps(event("checkout.session.completed", {"id": "cs_\x00"})),
        json.dumps(event("invoice.payment_failed", {"id": "in_\x00", "customer": "cus_\x00", "parent": {"subscription_details": {"subscription": "sub_\x00"}}})),
        json.dumps(event("invoice.paid", {"parent": {"subscription_details": {"subscription": "sub_/../x"}}})),
        json.dumps(event("customer.subscription.updated", {"id": "sub_../../v1/customers"})),
    ]:
        try:
            r = post_event(Client(), payload)
            if r.status_code >= 500:
                problems.append(("webhook", payload[:120], r.status_code))
        except Exception as e:
            problems.append(("webhook", payload[:120], repr(e)[:300], traceback.format_exc()[-1500:]))
    c = Client()
    hit(c, "post", "/stripe/webhook/", data="{}", content_type="application/json", CONTENT_LENGTH="²")
    c.force_login(reader)
    for plan in ["²", "99999999999999999999999", "-1", "1.5", "\x00"]:
        hit(c, "post", "/subscribe/checkout/", data={"plan": plan, "interval": "month"})
    hit(c, "post", "/subscribe/checkout/", data={"plan": "1", "interval": "month", "next": "/x\x00y"})
    hit(c, "post", "/subscribe/checkout/", data={"plan": "1", "interval": "month", "next": "/" + "x" * 5000})
    seen = set()
    for p in problems:
        key = (p[0], p[1], str(p[3])[:80] if len(p) > 3 else "")
        if key in seen:
            continue
        seen.add(key)
        print("PROBLEM", p[:4])
        if len(p) > 4 and p[4]:
            print("   ", p[4].strip().splitlines()[-1])
    assert not problems
