"""Time sign-up with a known and with a new email against a running Newsroom, by hand.

    python bench/signup.py --base http://127.0.0.1:8000 --samples 15

Sign-up must not tell whether an address has an account, by its page nor by its time: both
paths hash the password and send one email (tests/test_accounts_signup.py checks the work;
this measures the time). Known addresses default to the demo accounts. The two paths are
interleaved, one request at a time, and spaced to stay under the sign-up rate limit
(ACCOUNT_RATE_LIMITS: 20 a minute per IP, one email per address per 10 s). Each request checks
it got the "we sent a code" redirect, so a refusal cannot pass for a fast answer. Prints the
median and spread of each path and their ratio; docs/benchmarks.md keeps the results.
"""

import argparse
import http.client
import re
import statistics
import sys
import time
import uuid
from urllib.parse import urlencode, urlsplit

DEMO_ACCOUNTS = ["reader@example.com", "subscriber@example.com", "editor@example.com"]
PASSWORD = "a-long-bench-pass-phrase"  # noqa: S105 - a throwaway password for new accounts
CODE_PAGE = "/accounts/confirm-email/"


def _request(base, method, path, cookie="", body=None, headers=None):
    parts = urlsplit(base)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    all_headers = {"Cookie": cookie, **(headers or {})} if cookie else dict(headers or {})
    conn.request(method, path, body=body, headers=all_headers)
    response = conn.getresponse()
    data = response.read()
    conn.close()
    return response, data


def sign_up_once(base, email) -> float:
    """One sign-up from a fresh browser; returns the seconds the POST took."""
    response, page = _request(base, "GET", "/accounts/signup/")
    cookies = dict(
        header.split(";")[0].split("=", 1) for header in response.headers.get_all("Set-Cookie")
    )
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1).decode()
    body = urlencode({"csrfmiddlewaretoken": token, "email": email, "password1": PASSWORD})
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "Referer": base + "/accounts/signup/",
    }
    cookie = "; ".join(f"{k}={v}" for k, v in cookies.items())
    started = time.perf_counter()
    response, _ = _request(base, "POST", "/accounts/signup/", cookie, body, headers)
    elapsed = time.perf_counter() - started
    if response.status != 302 or response.headers["Location"] != CODE_PAGE:
        raise SystemExit(f"sign-up with {email} was not accepted: HTTP {response.status}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base", default="http://127.0.0.1:8000")
    parser.add_argument("--samples", type=int, default=15, help="sign-ups per path")
    parser.add_argument("--known", nargs="+", default=DEMO_ACCOUNTS, help="existing accounts")
    parser.add_argument("--interval", type=float, default=3.2, help="seconds between sign-ups")
    args = parser.parse_args()

    timings = {"known": [], "new": []}
    run = uuid.uuid4().hex[:8]
    # One untimed sign-up per path first: the first request of a worker imports and connects.
    plan = [("known", args.known[0]), ("new", f"bench-{run}-warm@example.com")]
    for n in range(args.samples):
        # Each known address at most once every `len(args.known)` pairs: one email per 10 s.
        plan.append(("known", args.known[(n + 1) % len(args.known)]))
        plan.append(("new", f"bench-{run}-{n}@example.com"))
    for index, (path, email) in enumerate(plan):
        elapsed = sign_up_once(args.base, email)
        if index >= 2:
            timings[path].append(elapsed * 1000)
        time.sleep(args.interval)

    medians = {path: statistics.median(values) for path, values in timings.items()}
    print(f"{'path':<8}{'n':>4}{'median ms':>12}{'min ms':>10}{'max ms':>10}")
    for path, values in timings.items():
        print(
            f"{path:<8}{len(values):>4}{medians[path]:>12.1f}{min(values):>10.1f}{max(values):>10.1f}"
        )
    ratio = max(medians.values()) / min(medians.values())
    print(f"slower median / faster median: {ratio:.2f}")
    if ratio > 1.25:
        sys.exit("the medians differ by more than 25%")


if __name__ == "__main__":
    main()
