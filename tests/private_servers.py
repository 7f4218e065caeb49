"""Private Redis and PostgreSQL servers for the fault tests, never the shared ones.

Each one runs on a free loopback port in a temporary folder, and is stopped and started by the
test itself to stage an outage.
"""

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, *, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise TimeoutError(f"nothing answered on port {port} within {timeout} s")


class PrivateRedis:
    """A redis-server of our own: no persistence, stopped and started at will."""

    def __init__(self):
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                shutil.which("redis-server") or "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
        )
        wait_for_port(self.port)

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None


def database_url_of(settings_dict: dict) -> str:
    """The DATABASE_URL of the database the tests use, for processes started by a test."""
    if settings_dict["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{settings_dict['NAME']}"
    user = quote(settings_dict.get("USER") or "", safe="")
    password = quote(settings_dict.get("PASSWORD") or "", safe="")
    credentials = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = settings_dict.get("HOST") or "127.0.0.1"
    port = settings_dict.get("PORT") or 5432
    return f"postgres://{credentials}{host}:{port}/{settings_dict['NAME']}"


ROOT = Path(__file__).resolve().parent.parent


class AppNode:
    """The site served by gunicorn with the repository's gunicorn.conf.py, on a free port."""

    def __init__(self, env: dict, *, port: int | None = None):
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {**os.environ, **env}
        self.process = None
        self.log = None

    def start(self) -> None:
        (ROOT / "var").mkdir(exist_ok=True)
        self.log = open(ROOT / "var" / f"node-{self.port}.log", "wb")  # noqa: SIM115
        self.process = subprocess.Popen(
            [
                str(Path(sys.executable)),
                "-m",
                "gunicorn",
                "newsroom.wsgi:application",
                "--bind",
                f"127.0.0.1:{self.port}",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        wait_for_port(self.port, timeout=60)

    def stop(self) -> None:
        if self.process is not None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=25)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
            self.process = None
        if self.log is not None:
            self.log.close()


def _postgres_bin(name: str) -> str:
    found = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"))
    if found:
        return str(found[-1])
    return shutil.which(name) or name


class PrivatePostgres:
    """A PostgreSQL cluster of our own in a temporary folder, run as the postgres user.

    PostgreSQL refuses to run as root, so every command goes through `runuser -u postgres`
    when the tests run as root.
    """

    def __init__(self, folder: Path):
        self.port = free_port()
        self.folder = folder
        self.data = folder / "data"
        self.url = f"postgres://postgres@127.0.0.1:{self.port}/newsroom"

    def _run(self, *command: str, check: bool = True) -> subprocess.CompletedProcess:
        prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        return subprocess.run(
            [*prefix, *command], check=check, capture_output=True, text=True, timeout=120
        )

    def create(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            shutil.chown(self.folder, "postgres")
        self._run(
            _postgres_bin("initdb"),
            "-D",
            str(self.data),
            "-U",
            "postgres",
            "--auth=trust",
            "--no-sync",
            "-E",
            "UTF8",
        )
        self.start()
        self._run(
            _postgres_bin("createdb"),
            "-h",
            "127.0.0.1",
            "-p",
            str(self.port),
            "-U",
            "postgres",
            "newsroom",
        )

    def start(self) -> None:
        self._run(
            _postgres_bin("pg_ctl"),
            "-D",
            str(self.data),
            "-l",
            str(self.folder / "log"),
            "-o",
            f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off",
            "-w",
            "start",
        )

    def stop(self) -> None:
        self._run(
            _postgres_bin("pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop", check=False
        )

    def client(self, program: str, *args: str) -> subprocess.CompletedProcess:
        """Run a PostgreSQL client program (pg_dump, createdb ...) against this cluster."""
        return self._run(
            _postgres_bin(program), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", *args
        )

    def url_of(self, database: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"
