"""`make run` starts the stand-in, gunicorn and one task worker, and a SIGTERM stops every one
of them. (Ctrl-C takes the same path: devtools/demo.py turns SIGTERM into KeyboardInterrupt.)"""

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _children(pid: int) -> dict[int, str]:
    """Every live descendant of `pid` (by /proc), with its command line."""
    parents = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
                cmd = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            except OSError:
                continue
            # The command name may hold spaces; the fields after its closing ")" do not.
            state, ppid = stat.rsplit(")", 1)[1].split()[:2]
            if state != "Z":
                parents[int(entry.name)] = (int(ppid), cmd)
    found, frontier = {}, {pid}
    while frontier:
        frontier = {p for p, (ppid, _) in parents.items() if ppid in frontier} - found.keys()
        found.update({p: parents[p][1] for p in frontier})
    return found


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    stat = Path(f"/proc/{pid}/stat")
    return stat.exists() and stat.read_text().rsplit(")", 1)[1].split()[0] != "Z"


def test_make_run_serves_with_a_worker_and_sigterm_leaves_nothing_running(tmp_path):
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("STRIPE_", "EMAIL_", "ANYMAIL_", "DJANGO_"))
    }
    env.update(
        PORT=str(_free_port()),
        STANDIN_PORT=str(_free_port()),
        DATABASE_URL=f"sqlite:///{tmp_path / 'demo.sqlite3'}",
        # Its own Stripe state too: the demo's stand-in state must not learn this run's offer
        # code, or the next real `make run` (with its own database) is refused it.
        STANDIN_STATE_FILE=str(tmp_path / "stripe-standin.json"),
        MEDIA_ROOT=str(tmp_path / "media"),
        STATIC_ROOT=str(tmp_path / "static"),
        WEB_CONCURRENCY="1",
    )
    demo = subprocess.Popen(
        [sys.executable, "-m", "devtools.demo"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 240
        while True:
            kids = _children(demo.pid)
            commands = " | ".join(kids.values())
            if "db_worker" in commands and "gunicorn" in commands and "stripe_standin" in commands:
                break
            assert demo.poll() is None, demo.stdout.read()
            assert time.monotonic() < deadline, f"not all started: {commands}"
            time.sleep(0.5)
        demo.send_signal(signal.SIGTERM)
        output, _ = demo.communicate(timeout=60)
    finally:
        if demo.poll() is None:
            demo.kill()
    assert "Every email it sends: http://localhost:" in output
    time.sleep(0.5)
    left = {pid: cmd for pid, cmd in kids.items() if _alive(pid)}
    assert left == {}, output
