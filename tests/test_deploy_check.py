"""`manage.py check --deploy` with the README's production settings: no warning at all."""

import re
import secrets
import subprocess
import sys

from django.conf import settings


def readme_production_env() -> dict[str, str]:
    """The variables the README's production section exports, placeholders filled in."""
    readme = (settings.BASE_DIR / "README.md").read_text()
    section = readme.split("### Running it in production", 1)[1].split("```sh", 1)[1]
    block = section.split("```", 1)[0].replace("\\\n", " ")
    env = {}
    for line in block.splitlines():
        if line.startswith("export "):
            env.update(re.findall(r"([A-Z_]+)=(\S+)", line))
    filled = {
        "SECRET_KEY": secrets.token_urlsafe(50),
        "DATABASE_URL": "sqlite:///:memory:",
        "REDIS_URL": "redis://127.0.0.1:6379/0",
    }
    return {name: filled.get(name, value) for name, value in env.items()}


def test_the_readme_production_settings_pass_check_deploy_without_a_warning():
    env = readme_production_env()
    assert env["DEBUG"] == "0"
    assert env["SECURE_SSL_REDIRECT"] == "1"
    assert "..." not in "".join(env.values())
    done = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"],
        cwd=settings.BASE_DIR,
        env={"PATH": "/usr/bin:/bin", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "System check identified no issues (0 silenced).", (
        done.stdout + done.stderr
    )
