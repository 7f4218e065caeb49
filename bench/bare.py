"""The floor: a bare Django view, to measure Newsroom against on the same machine and run.

A 16 KB page from memory through Django's seven default middlewares (those `startproject`
writes), no database, no template. Served by gunicorn like Newsroom:

    gunicorn bench.bare:application --bind 127.0.0.1:8180 --workers 2

bench/compare.py starts it for you.
"""

from django.conf import settings

settings.configure(
    DEBUG=False,
    SECRET_KEY="bench-bare-view-not-a-secret-" + "x" * 30,  # noqa: S106 - a benchmark's key
    ALLOWED_HOSTS=["*"],
    ROOT_URLCONF=__name__,
    INSTALLED_APPS=[
        "django.contrib.auth",
        "django.contrib.contenttypes",
        "django.contrib.sessions",
        "django.contrib.messages",
    ],
    MIDDLEWARE=[
        "django.middleware.security.SecurityMiddleware",
        "django.contrib.sessions.middleware.SessionMiddleware",
        "django.middleware.common.CommonMiddleware",
        "django.middleware.csrf.CsrfViewMiddleware",
        "django.contrib.auth.middleware.AuthenticationMiddleware",
        "django.contrib.messages.middleware.MessageMiddleware",
        "django.middleware.clickjacking.XFrameOptionsMiddleware",
    ],
    DATABASES={},
)

import django  # noqa: E402 - settings first

django.setup()

from django.core.wsgi import get_wsgi_application  # noqa: E402
from django.http import HttpResponse  # noqa: E402
from django.urls import path  # noqa: E402

PAGE = ("<!doctype html><title>Bare</title>" + "<p>" + "x" * 1000 + "</p>\n" * 16)[:16384]
PAGE = PAGE.ljust(16384).encode()


def page(request):
    return HttpResponse(PAGE, content_type="text/html; charset=utf-8")


urlpatterns = [path("", page)]
application = get_wsgi_application()
