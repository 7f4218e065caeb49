"""Measure reader-facing pages against a running Newsroom, by hand (never in CI).

    python bench/pages.py --base http://127.0.0.1:8000 --requests 400 --concurrency 4

Signs in as the demo subscriber for the subscriber runs. Prints requests per second and
latency percentiles per page; docs/benchmarks.md keeps the results with the set-up used.
"""

import argparse
import http.client
import re
import statistics
import threading
import time
from urllib.parse import urlencode, urlsplit


def fetch(base, path, cookie=None, method="GET", body=None, headers=None):
    parts = urlsplit(base)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    all_headers = dict(headers or {})
    if cookie:
        all_headers["Cookie"] = cookie
    conn.request(method, path, body=body, headers=all_headers)
    response = conn.getresponse()
    data = response.read()
    conn.close()
    return response, data


def sign_in(base, email, password):
    response, data = fetch(base, "/accounts/login/")
    cookies = {}
    for header in response.headers.get_all("Set-Cookie") or []:
        name, value = header.split(";")[0].split("=", 1)
        cookies[name] = value
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', data).group(1).decode()
    body = urlencode({"csrfmiddlewaretoken": token, "login": email, "password": password})
    cookie = "; ".join(f"{k}={v}" for k, v in cookies.items())
    response, _ = fetch(
        base,
        "/accounts/login/",
        cookie=cookie,
        method="POST",
        body=body,
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Referer": base + "/accounts/login/",
        },
    )
    for header in response.headers.get_all("Set-Cookie") or []:
        name, value = header.split(";")[0].split("=", 1)
        cookies[name] = value
    if "sessionid" not in cookies:
        raise SystemExit(f"could not sign in as {email}: HTTP {response.status}")
    return "; ".join(f"{k}={v}" for k, v in cookies.items())


def run(base, path, total, concurrency, cookie=None):
    latencies, errors = [], []
    lock = threading.Lock()
    remaining = iter(range(total))

    def worker():
        while True:
            with lock:
                if next(remaining, None) is None:
                    return
            started = time.perf_counter()
            response, _ = fetch(base, path, cookie)
            elapsed = time.perf_counter() - started
            with lock:
                latencies.append(elapsed)
                if response.status != 200:
                    errors.append(response.status)

    started = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    latencies.sort()
    return {
        "rps": total / wall,
        "p50": statistics.median(latencies) * 1000,
        "p95": latencies[int(len(latencies) * 0.95) - 1] * 1000,
        "errors": len(errors),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--base", default="http://127.0.0.1:8000")
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--article", default="/news/demo-01-the-harbour-redevelopment/")
    args = parser.parse_args()

    subscriber = sign_in(args.base, "subscriber@example.com", "newsroom-demo")
    # Measure the pages we mean to: the preview for the anonymous reader, the whole text for
    # the subscriber (a subscriber without a live subscription would silently get a preview).
    for cookie, expected in [(None, b"paying subscribers only"), (subscriber, b"article-rest")]:
        _, body = fetch(args.base, args.article, cookie)
        if expected not in body:
            raise SystemExit(f"{args.article} does not show {expected!r} to this reader")
    cases = [
        ("home, anonymous", "/", None),
        ("section, anonymous", "/news/", None),
        ("paid article, anonymous (preview)", args.article, None),
        ("paid article, subscriber (full)", args.article, subscriber),
        ("feed", "/feed/", None),
        ("search", "/search/?q=harbour", None),
    ]
    fetch(args.base, "/")  # warm up
    print(f"{'page':40} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'errors':>7}")
    for name, path, cookie in cases:
        result = run(args.base, path, args.requests, args.concurrency, cookie)
        print(
            f"{name:40} {result['rps']:8.1f} {result['p50']:8.1f} {result['p95']:8.1f}"
            f" {result['errors']:7d}"
        )


if __name__ == "__main__":
    main()
