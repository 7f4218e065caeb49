"""Newsroom against the bare Django view, on the same machine, in the same run. By hand only.

    python bench/compare.py                       # 3 interleaved rounds of 10 s per page
    python bench/compare.py --rounds 5 --workers 3 --threads 1

Starts the bare view (bench/bare.py) and Newsroom in production mode (DEBUG=0, PostgreSQL,
Redis, gunicorn with --preload), each on its own port (8180-8189 by default), seeds Newsroom's
own database (nr_speed_pages, never the site's) with the demo, and loads each page with wrk
(`apt-get install wrk`), or a Python keep-alive load generator when wrk is missing. The rounds
are interleaved (bare, then every Newsroom page, then bare again...) so a busy machine slows
both alike; each page is reported as a ratio to the bare view of the same round. While a page
is loaded, the RSS and PSS (/proc/PID/smaps_rollup: pages shared by preloaded workers count
once) of every process of that server are sampled; the peaks are printed.
"""

import argparse
import http.client
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from pages import fetch, sign_in  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
ARTICLE = "/news/demo-01-the-harbour-redevelopment/"


def wait_for(port, path="/", timeout=60):
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", path)
            conn.getresponse().read()
            return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"nothing answered on port {port}")


def process_tree(pid):
    """The gunicorn master and its workers."""
    pids = [pid]
    for child in Path("/proc").glob("[0-9]*"):
        try:
            stat = (child / "stat").read_text()
        except OSError:
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            pids.append(int(child.name))
    return pids


def memory(pids):
    rss = pss = 0
    for pid in pids:
        try:
            text = Path(f"/proc/{pid}/smaps_rollup").read_text()
        except OSError:
            continue
        rss += int(re.search(r"^Rss:\s+(\d+)", text, re.M).group(1))
        pss += int(re.search(r"^Pss:\s+(\d+)", text, re.M).group(1))
    return rss / 1024, pss / 1024  # MiB


class Sampler(threading.Thread):
    def __init__(self, pid):
        super().__init__(daemon=True)
        self.pid, self.peak_rss, self.peak_pss = pid, 0.0, 0.0
        self.stopped = threading.Event()

    def run(self):
        while not self.stopped.is_set():
            rss, pss = memory(process_tree(self.pid))
            self.peak_rss, self.peak_pss = max(self.peak_rss, rss), max(self.peak_pss, pss)
            self.stopped.wait(0.25)


def load_wrk(port, path, cookie, seconds, connections, threads):
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s"]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    out = subprocess.run(
        [*command, f"http://127.0.0.1:{port}{path}"], capture_output=True, text=True, check=True
    ).stdout
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if errors:
        raise SystemExit(f"{path}: {errors.group(1)} error responses\n{out}")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))


def load_python(port, path, cookie, seconds, connections, threads):
    deadline = time.perf_counter() + seconds
    counts = []

    def worker():
        conn, done = http.client.HTTPConnection("127.0.0.1", port, timeout=30), 0
        headers = {"Cookie": cookie} if cookie else {}
        while time.perf_counter() < deadline:
            conn.request("GET", path, headers=headers)
            response = conn.getresponse()
            response.read()
            if response.status != 200:
                raise SystemExit(f"{path}: HTTP {response.status}")
            done += 1
        counts.append(done)

    started = time.perf_counter()
    workers = [threading.Thread(target=worker) for _ in range(connections)]
    for thread in workers:
        thread.start()
    for thread in workers:
        thread.join()
    return sum(counts) / (time.perf_counter() - started)


def start(command, env, log):
    return subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )


def stop(process):
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


def newsroom_env(args):
    env = dict(os.environ)
    env.update(
        DEBUG="0",
        SECRET_KEY="bench-compare-not-a-secret-" + "x" * 40,
        ALLOWED_HOSTS="127.0.0.1,localhost",
        DATABASE_URL=args.database_url,
        REDIS_URL=args.redis_url,
        CACHE_KEY_PREFIX="nr-speed-bench",
        STRIPE_API_BASE=f"http://127.0.0.1:{args.standin_port}",
        SERVE_MEDIA="1",
        SECURE_SSL_REDIRECT="0",
        STATIC_ROOT=str(ROOT / "bench" / ".static"),
    )
    return env


def prepare_newsroom(args, env, log):
    import psycopg

    name = args.database_url.rsplit("/", 1)[1]
    admin = args.database_url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
    for command in (["migrate"], ["seed_demo"], ["collectstatic", "--noinput"]):
        subprocess.run([PYTHON, "manage.py", *command], cwd=ROOT, env=env, check=True, stdout=log)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--wrk-threads", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers, both servers")
    parser.add_argument("--threads", type=int, default=1, help="gunicorn threads per worker")
    parser.add_argument("--bare-port", type=int, default=8180)
    parser.add_argument("--port", type=int, default=8181)
    parser.add_argument("--standin-port", type=int, default=8182)
    parser.add_argument("--database-url", default="postgres://root@127.0.0.1:5432/nr_speed_pages")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/0")
    args = parser.parse_args()
    load = load_wrk if shutil.which("wrk") else load_python
    gunicorn = [
        str(Path(PYTHON).parent / "gunicorn"),
        "--preload",
        f"--workers={args.workers}",
        f"--threads={args.threads}",
        "--log-level=warning",
    ]
    env = newsroom_env(args)
    log = open(ROOT / "bench" / "compare.log", "w")  # noqa: SIM115 - lives as long as the run
    servers = []
    try:
        standin = start(
            [PYTHON, "-m", "devtools.stripe_standin", "--port", str(args.standin_port)], env, log
        )
        servers.append(standin)
        wait_for(args.standin_port, "/_standin/health")
        prepare_newsroom(args, env, log)
        bare = start(
            [*gunicorn, f"--bind=127.0.0.1:{args.bare_port}", "bench.bare:application"],
            dict(os.environ),
            log,
        )
        newsroom = start(
            [*gunicorn, f"--bind=127.0.0.1:{args.port}", "newsroom.wsgi:application"], env, log
        )
        servers += [bare, newsroom]
        wait_for(args.bare_port)
        wait_for(args.port)
        base = f"http://127.0.0.1:{args.port}"
        subscriber = sign_in(base, "subscriber@example.com", "newsroom-demo")
        for cookie, expected in [(None, b"paying subscribers only"), (subscriber, b"article-rest")]:
            _, body = fetch(base, ARTICLE, cookie)
            if expected not in body:
                raise SystemExit(f"{ARTICLE} does not show {expected!r} to this reader")
        cases = [
            ("bare view", args.bare_port, "/", None, bare),
            ("paid article, anonymous", args.port, ARTICLE, None, newsroom),
            ("paid article, subscriber", args.port, ARTICLE, subscriber, newsroom),
            ("home, anonymous", args.port, "/", None, newsroom),
            ("section, anonymous", args.port, "/news/", None, newsroom),
        ]
        results = {name: [] for name, *_ in cases}
        peaks = {name: (0.0, 0.0) for name, *_ in cases}
        for round_number in range(args.rounds):
            for name, port, path, cookie, server in cases:
                load(port, path, cookie, 2, args.connections, args.wrk_threads)  # warm
                sampler = Sampler(server.pid)
                sampler.start()
                rps = load(port, path, cookie, args.seconds, args.connections, args.wrk_threads)
                sampler.stopped.set()
                sampler.join()
                results[name].append(rps)
                peaks[name] = (
                    max(peaks[name][0], sampler.peak_rss),
                    max(peaks[name][1], sampler.peak_pss),
                )
                print(f"round {round_number + 1}: {name:28} {rps:9.1f} req/s", flush=True)
        print(
            f"\n{args.rounds} rounds of {args.seconds} s, {load.__name__[5:]} "
            f"-t{args.wrk_threads} -c{args.connections}; gunicorn --preload "
            f"--workers {args.workers} --threads {args.threads}"
        )
        print(
            f"{'page':28} {'req/s (median)':>15} {'ratio to bare':>14} "
            f"{'peak RSS MiB':>13} {'peak PSS MiB':>13}"
        )
        for name, *_ in cases:
            paired = zip(results[name], results["bare view"], strict=True)
            ratios = [rps / bare_rps for rps, bare_rps in paired]
            print(
                f"{name:28} {statistics.median(results[name]):15.1f} "
                f"{statistics.median(ratios):13.2f}x {peaks[name][0]:13.0f} {peaks[name][1]:13.0f}"
            )
    finally:
        for server in reversed(servers):
            stop(server)
        log.close()


if __name__ == "__main__":
    main()
