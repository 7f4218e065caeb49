import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from newsroom import settings as newsroom_settings

ROOT = Path(__file__).resolve().parent.parent


def load_settings(**env):
    clean = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "ALLOWED_HOSTS"}}
    clean.update(env)
    clean["DJANGO_SETTINGS_MODULE"] = "newsroom.settings"
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); print('started')"],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = load_settings(DEBUG="0", ALLOWED_HOSTS="news.example.com")
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts():
    result = load_settings(DEBUG="0", SECRET_KEY="x" * 50)
    assert result.returncode != 0
    assert "ALLOWED_HOSTS must be set when DEBUG is off" in result.stderr


def test_production_starts_with_both():
    result = load_settings(DEBUG="0", SECRET_KEY="x" * 50, ALLOWED_HOSTS="news.example.com")
    assert result.returncode == 0, result.stderr
    assert "started" in result.stdout


def test_production_passes_djangos_checks_before_static_files_are_collected(tmp_path):
    # migrate and collectstatic run the checks, which import every URLconf: nothing there
    # may need the static manifest that only collectstatic creates.
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "ALLOWED_HOSTS"}}
    env.update(
        DEBUG="0",
        SECRET_KEY="x" * 50,
        ALLOWED_HOSTS="news.example.com",
        DATABASE_URL=f"sqlite:///{tmp_path / 'check.sqlite3'}",
        STATIC_ROOT=str(tmp_path / "static-not-collected-yet"),
    )
    env.pop("DJANGO_SETTINGS_MODULE", None)
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr


def test_a_misspelt_boolean_is_an_error_not_a_guess(monkeypatch):
    monkeypatch.setenv("SOME_FLAG", "ture")
    with pytest.raises(ImproperlyConfigured, match="SOME_FLAG"):
        newsroom_settings.env_bool("SOME_FLAG", False)
    monkeypatch.setenv("SOME_FLAG", "off")
    assert newsroom_settings.env_bool("SOME_FLAG", True) is False


def test_a_non_number_is_an_error(monkeypatch):
    monkeypatch.setenv("SOME_NUMBER", "three")
    with pytest.raises(ImproperlyConfigured, match="SOME_NUMBER"):
        newsroom_settings.env_int("SOME_NUMBER", 3)


def test_lists_are_comma_separated_and_trimmed(monkeypatch):
    monkeypatch.setenv("SOME_LIST", " a.example , b.example,,")
    assert newsroom_settings.env_list("SOME_LIST") == ["a.example", "b.example"]


def _mailers(**env):
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("EMAIL_", "ANYMAIL_"))}
    clean.update(env, DJANGO_SETTINGS_MODULE="newsroom.settings")
    script = (
        "import django, json; django.setup(); from django.conf import settings as s; "
        "print(json.dumps([s.MAILERS, s.ANYMAIL, s.EMAIL_OUTBOX]))"
    )
    return subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=clean, capture_output=True, text=True
    )


def test_email_goes_to_the_console_by_default_through_the_sites_backend():
    import json

    result = _mailers()
    assert result.returncode == 0, result.stderr
    mailers, anymail, outbox = json.loads(result.stdout)
    assert mailers["default"]["BACKEND"] == "emails.backend.EmailBackend"
    assert mailers["delivery"]["BACKEND"] == "django.core.mail.backends.console.EmailBackend"
    assert outbox is True  # DEBUG is on by default


def test_a_provider_and_its_keys_come_from_the_environment():
    import json

    result = _mailers(
        EMAIL_PROVIDER="postmark",
        ANYMAIL_POSTMARK_SERVER_TOKEN="server-token",
        ANYMAIL_WEBHOOK_SECRET="user:pass",
    )
    assert result.returncode == 0, result.stderr
    mailers, anymail, _ = json.loads(result.stdout)
    assert mailers["delivery"]["BACKEND"] == "anymail.backends.postmark.EmailBackend"
    assert anymail == {"POSTMARK_SERVER_TOKEN": "server-token", "WEBHOOK_SECRET": "user:pass"}


def test_smtp_is_chosen_by_its_host_as_before():
    import json

    result = _mailers(EMAIL_HOST="smtp.example.com", EMAIL_PORT="2525")
    assert result.returncode == 0, result.stderr
    delivery = json.loads(result.stdout)[0]["delivery"]
    assert delivery["BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert delivery["OPTIONS"]["host"] == "smtp.example.com"
    assert delivery["OPTIONS"]["port"] == 2525


def test_an_unknown_email_provider_is_refused_with_the_list_of_known_ones():
    result = _mailers(EMAIL_PROVIDER="pigeon")
    assert result.returncode != 0
    assert "EMAIL_PROVIDER must be console, smtp or one of" in result.stderr
    assert "postmark" in result.stderr and "'pigeon'" in result.stderr


def test_smtp_without_a_host_is_refused():
    result = _mailers(EMAIL_PROVIDER="smtp")
    assert result.returncode != 0
    assert "EMAIL_PROVIDER=smtp needs EMAIL_HOST" in result.stderr


def test_the_outbox_cannot_be_turned_on_for_a_production_site():
    result = load_settings(
        DEBUG="0", SECRET_KEY="x" * 50, ALLOWED_HOSTS="news.example.com", EMAIL_OUTBOX="1"
    )
    assert result.returncode != 0
    assert "cannot be on when DEBUG is off" in result.stderr


def test_the_outbox_is_off_by_default_in_production():
    import json

    result = _mailers(DEBUG="0", SECRET_KEY="x" * 50, ALLOWED_HOSTS="news.example.com")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)[2] is False
