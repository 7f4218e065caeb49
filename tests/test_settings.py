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
