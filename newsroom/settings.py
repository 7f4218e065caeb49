"""Newsroom settings, driven by environment variables.

With nothing set, the site runs for a demo: SQLite, console email, DEBUG on, a generated
development secret and the local Stripe stand-in. Production sets DEBUG=0 and must then name
its SECRET_KEY and ALLOWED_HOSTS. Every variable is listed, with its default, in the README.

Longer than 400 lines on purpose: one settings module, read top to bottom, is easier to audit
than settings spread over several files.
"""

import os
import secrets
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from js_asset import static_lazy

from newsroom import stripe_defaults

BASE_DIR = Path(__file__).resolve().parent.parent

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(
        f"{name} must be one of 1/0, true/false, yes/no, on/off; got {raw!r}."
    )


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number; got {raw!r}.") from None


def env_list(name: str, default: list[str] | None = None) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return list(default or [])
    return [item.strip() for item in raw.split(",") if item.strip()]


def _development_secret_key() -> str:
    # Stable across restarts and across gunicorn workers, so sessions survive both.
    path = BASE_DIR / ".dev-secret-key"
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        key = secrets.token_urlsafe(50)
        path.write_text(key)
        return key


DEBUG = env_bool("DEBUG", True)

SECRET_KEY = env_str("SECRET_KEY")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
if not DEBUG:
    if not SECRET_KEY:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set when DEBUG is off. Generate one with: "
            'python -c "import secrets; print(secrets.token_urlsafe(50))"'
        )
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured(
            "ALLOWED_HOSTS must be set when DEBUG is off, e.g. ALLOWED_HOSTS=news.example.com"
        )
else:
    SECRET_KEY = SECRET_KEY or _development_secret_key()
    ALLOWED_HOSTS = ALLOWED_HOSTS or ["localhost", "127.0.0.1", "[::1]", "testserver"]

# localhost rather than 127.0.0.1: browsers only allow passkeys on a domain name.
SITE_URL = env_str("SITE_URL", "http://localhost:8000").rstrip("/")
SITE_NAME = env_str("SITE_NAME", "The Newsroom")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.usersessions",
    "accounts",
    "articles",
    "subscriptions",
    "giftsubs",
    "newsletters",
    "desk",
    "readers",
    "content_import",
    "pages",
    "django_prose_editor",
    "reversion",
    # Before django_tasks_db, so its `db_worker` (which recovers dead workers' tasks) wins.
    "jobs",
    "django_tasks_db",
    "anymail",
    "emails",
    "health_check",
    # Development tools: the demo seed command (seed_demo). Product apps never import it.
    "devtools",
]

MIDDLEWARE = [
    # First: every line logged while the request is handled carries its id.
    "newsroom.logs.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Before anything reads the session cookie or resolves a path into a query.
    "newsroom.middleware.RefuseNulMiddleware",
    "newsroom.middleware.RefuseForeignCharsetMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before sessions, authentication and CSRF: an anonymous page costs none of them. Above
    # PrivateResponsesMiddleware, so a response it made private is never stored.
    "newsroom.pagecache.AnonymousPageCacheMiddleware",
    # Above sessions and messages: it sees the cookies and messages they add to a response.
    "newsroom.middleware.PrivateResponsesMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "newsroom.middleware.ContentSecurityPolicyMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # After allauth's: staff who run the publication use the admin with a second factor.
    "desk.staff_mfa.StaffSecondFactorMiddleware",
]

ROOT_URLCONF = "newsroom.urls"
WSGI_APPLICATION = "newsroom.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "newsroom.context_processors.site",
                "subscriptions.context_processors.billing",
            ],
        },
    },
]

# Database: SQLite for the zero-setup demo, PostgreSQL (psycopg 3) via DATABASE_URL.
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Writers take the lock up front, so the demo's concurrent workers wait instead of failing.
    DATABASES["default"].setdefault("OPTIONS", {})["transaction_mode"] = "IMMEDIATE"
    # A file, not memory, so processes a test starts (db_worker, gunicorn) see the test database.
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / "var" / "test-db.sqlite3")}

# Cache: Redis via REDIS_URL, so rate limits hold across workers and machines.
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            # Redis; while it is unreachable, a per-process cache (newsroom/cache.py).
            "BACKEND": "newsroom.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "newsroom"),
            # A Redis that drops packets costs a request half a second, not a worker.
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# The anonymous page cache (newsroom/pagecache.py): seconds a page is served from the cache.
# On only with Redis: the local-memory cache of the demo is one per worker and cannot be told
# of an edit made through another, so there it stays off.
PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", 60 if REDIS_URL else 0)
# Sessions read from Redis, written through to the database: a signed-in page costs no session
# query. Not with the demo's per-worker memory: a sign-out through one worker would not reach
# the copy another worker keeps.
SESSION_ENGINE = (
    "django.contrib.sessions.backends.cached_db"
    if REDIS_URL
    else "django.contrib.sessions.backends.db"
)

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/"

# django-allauth: email is the identity; no usernames anywhere.
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
ACCOUNT_FORMS = {"login": "accounts.forms.LoginForm", "signup": "accounts.forms.SignupForm"}
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*"]
# Codes typed on the page, not links: the reader keeps the article they came from, and
# link-scanning mail filters cannot spend a code.
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_EMAIL_VERIFICATION_BY_CODE_ENABLED = True
ACCOUNT_EMAIL_VERIFICATION_SUPPORTS_RESEND = True
ACCOUNT_LOGIN_BY_CODE_ENABLED = True
ACCOUNT_LOGIN_BY_CODE_SUPPORTS_RESEND = True
ACCOUNT_PASSWORD_RESET_BY_CODE_ENABLED = True
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_EMAIL_NOTIFICATIONS = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = f"{SITE_NAME}: "
ACCOUNT_LOGOUT_ON_GET = False
# Keeps the session that changed the password; every other session fails Django's
# session hash check and is signed out.
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
# Stored in the default cache (Redis when REDIS_URL is set), so they hold across workers.
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "confirm_email": "1/10s/key",
    "request_login_code": "20/m/ip,3/m/key",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "change_password": "5/m/user",
    "manage_email": "10/m/user",
    "reauthenticate": "10/m/user",
}
# Behind a reverse proxy, rate limits must see the client's address, not the proxy's.
ALLAUTH_TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
# Passkeys: sign in without a password; recovery codes keep a reader who loses the
# device from being locked out once the passkey also guards password sign-ins.
MFA_ADAPTER = "accounts.adapter.MFAAdapter"
# Staff may use an authenticator app (TOTP) as their second factor, too.
MFA_SUPPORTED_TYPES = ["webauthn", "totp", "recovery_codes"]
MFA_TOTP_ISSUER = SITE_NAME
# Staff in the Publisher and Editor groups use the admin only after a second factor (a passkey
# or an authenticator app): on in production, off in the demo (desk/staff_mfa.py).
STAFF_REQUIRE_MFA = env_bool("STAFF_REQUIRE_MFA", not DEBUG)
MFA_PASSKEY_LOGIN_ENABLED = True
MFA_RATE_LIMITS = {"webauthn_login": "10/m/ip"}
MFA_FORMS = {
    "login_webauthn": "accounts.forms.PasskeyLoginForm",
    "authenticate_webauthn": "accounts.forms.PasskeyAuthenticateForm",
    "reauthenticate_webauthn": "accounts.forms.PasskeyReauthenticateForm",
    "add_webauthn": "accounts.forms.AddPasskeyForm",
}
USERSESSIONS_TRACK_ACTIVITY = False

LANGUAGE_CODE = "en-us"
# The newsroom's time zone: every date and time a reader or editor sees is in it.
TIME_ZONE = env_str("TIME_ZONE", "Europe/London")
# The one date style (newsroom/formats/en/formats.py), for templates and the admin alike.
FORMAT_MODULE_PATH = ["newsroom.formats"]
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES: dict[str, dict[str, Any]] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))
# Uploads on local disk by default; on S3-compatible object storage (django-storages) when
# MEDIA_S3_BUCKET is set, so every app node reads and serves the same images.
MEDIA_S3_BUCKET = env_str("MEDIA_S3_BUCKET")
MEDIA_S3_ENDPOINT_URL = env_str("MEDIA_S3_ENDPOINT_URL").rstrip("/")
MEDIA_S3_CUSTOM_DOMAIN = env_str("MEDIA_S3_CUSTOM_DOMAIN")
if MEDIA_S3_BUCKET:
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": MEDIA_S3_BUCKET,
            "endpoint_url": MEDIA_S3_ENDPOINT_URL or None,
            "region_name": env_str("MEDIA_S3_REGION") or None,
            "access_key": env_str("MEDIA_S3_ACCESS_KEY_ID") or None,
            "secret_key": env_str("MEDIA_S3_SECRET_ACCESS_KEY") or None,
            "custom_domain": MEDIA_S3_CUSTOM_DOMAIN or None,
            # Public images at stable addresses: pages and their caches stay valid.
            "querystring_auth": False,
            "file_overwrite": False,
        },
    }
# gunicorn serves uploaded images in the demo; production puts a web server or CDN in front.
SERVE_MEDIA = env_bool("SERVE_MEDIA", DEBUG)

# Background work: Django's tasks framework, queued in the site's own database (django-tasks-db)
# and run by `manage.py db_worker` (see jobs/tasks.py and the README).
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        # A task naming any other queue is refused when enqueued, so a typo cannot strand it.
        "QUEUES": ["default", "email"],
    }
}
# A task still "Running" after this many seconds is taken for one whose worker died, and is
# run again; keep every task well under it.
TASKS_STALE_AFTER = env_int("TASKS_STALE_AFTER", 15 * 60)
TASKS_STALE_CHECK_EVERY = env_int("TASKS_STALE_CHECK_EVERY", 5 * 60)
# A task abandoned by this many dead workers is failed rather than run yet again.
TASKS_MAX_RECOVERIES = env_int("TASKS_MAX_RECOVERIES", 3)
# Finished task rows hold email addresses in their arguments: deleted after this many days.
TASKS_KEEP_DAYS = env_int("TASKS_KEEP_DAYS", 7)
# Reconciliation with Stripe (subscriptions/tasks.py): daily, or an hour after a failed run.
RECONCILE_EVERY_SECONDS = env_int("RECONCILE_EVERY_SECONDS", 24 * 60 * 60)
RECONCILE_RETRY_SECONDS = 60 * 60
# Stripe events are stored by the endpoint and processed by tasks (subscriptions/events.py):
# up to STRIPE_EVENT_BATCH events claimed at a time, a run hands over after
# STRIPE_EVENT_RUN_SECONDS, a failing event is retried after 10 s, 20 s, 40 s ... and failed
# after STRIPE_EVENT_ATTEMPTS attempts. A claim outlives a run by two minutes, enough for one
# event's slowest handling (customer lock and Stripe deadlines); then another worker takes it.
STRIPE_EVENT_BATCH = env_int("STRIPE_EVENT_BATCH", 50)
STRIPE_EVENT_RUN_SECONDS = env_int("STRIPE_EVENT_RUN_SECONDS", 30)
STRIPE_EVENT_LEASE = env_int("STRIPE_EVENT_LEASE", STRIPE_EVENT_RUN_SECONDS + 120)
STRIPE_EVENT_ATTEMPTS = env_int("STRIPE_EVENT_ATTEMPTS", 8)
STRIPE_EVENT_BACKOFF = env_int("STRIPE_EVENT_BACKOFF", 10)
# The sweep gives a run to events stored this long ago and still waiting (a lost run).
STRIPE_EVENT_SWEEP_AFTER = 60
STRIPE_EVENT_SWEEP_EVERY = env_int("STRIPE_EVENT_SWEEP_EVERY", 60)

# Email: the console in the demo; SMTP, or a provider's API through django-anymail, in production.
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "The Newsroom <newsroom@example.com>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Providers anymail speaks to, by the name EMAIL_PROVIDER takes (anymail.backends.<name>).
ANYMAIL_PROVIDERS = {
    "amazon_ses", "brevo", "mailersend", "mailgun", "mailjet", "mailtrap", "mandrill",
    "postal", "postmark", "resend", "scaleway", "sendgrid", "sparkpost", "unisender_go",
}  # fmt: skip
EMAIL_HOST = env_str("EMAIL_HOST")
EMAIL_PROVIDER = env_str("EMAIL_PROVIDER", "smtp" if EMAIL_HOST else "console").strip().lower()
if EMAIL_PROVIDER == "console":
    _DELIVERY: dict[str, Any] = {"BACKEND": "django.core.mail.backends.console.EmailBackend"}
elif EMAIL_PROVIDER == "smtp":
    if not EMAIL_HOST:
        raise ImproperlyConfigured("EMAIL_PROVIDER=smtp needs EMAIL_HOST.")
    _DELIVERY = {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {
            "host": EMAIL_HOST,
            "port": env_int("EMAIL_PORT", 587),
            "username": env_str("EMAIL_HOST_USER"),
            "password": env_str("EMAIL_HOST_PASSWORD"),
            "use_tls": env_bool("EMAIL_USE_TLS", True),
            "timeout": env_int("EMAIL_TIMEOUT", 10),
        },
    }
elif EMAIL_PROVIDER in ANYMAIL_PROVIDERS:
    _DELIVERY = {"BACKEND": f"anymail.backends.{EMAIL_PROVIDER}.EmailBackend"}
else:
    raise ImproperlyConfigured(
        f"EMAIL_PROVIDER must be console, smtp or one of {', '.join(sorted(ANYMAIL_PROVIDERS))}; "
        f"got {EMAIL_PROVIDER!r}."
    )
# The provider's keys, by anymail's own names: ANYMAIL_POSTMARK_SERVER_TOKEN,
# ANYMAIL_MAILGUN_API_KEY, ANYMAIL_SENDGRID_API_KEY, ANYMAIL_BREVO_API_KEY, ... and
# ANYMAIL_WEBHOOK_SECRET ("user:password"), which turns the tracking webhooks on.
ANYMAIL = {
    name.removeprefix("ANYMAIL_"): env_str(name)
    for name in sorted(os.environ)
    if name.startswith("ANYMAIL_") and env_str(name)
}
# Django 6.1 configures sending through MAILERS (the EMAIL_* settings are deprecated). Every
# email goes through our backend (suppressions, the outbox), which hands it to "delivery".
MAILERS = {
    "default": {"BACKEND": "emails.backend.EmailBackend", "OPTIONS": {"deliver_with": "delivery"}},
    "delivery": _DELIVERY,
}
del EMAIL_HOST, _DELIVERY
# The outbox page (/outbox/) shows every email sent, sign-in codes included, to anyone: a demo
# convenience that must never be on for a public site.
EMAIL_OUTBOX = env_bool("EMAIL_OUTBOX", DEBUG)
if EMAIL_OUTBOX and not DEBUG:
    raise ImproperlyConfigured(
        "EMAIL_OUTBOX shows every email (sign-in codes included) to anyone; it is for the demo "
        "only and cannot be on when DEBUG is off."
    )

# Stripe: with no real key the site talks to the local stand-in (devtools/stripe_standin);
# a real key and an empty STRIPE_API_BASE talk to Stripe itself.
STRIPE_SECRET_KEY = env_str("STRIPE_SECRET_KEY", stripe_defaults.STANDIN_SECRET_KEY)
STRIPE_PUBLISHABLE_KEY = env_str("STRIPE_PUBLISHABLE_KEY", stripe_defaults.STANDIN_PUBLISHABLE_KEY)
STRIPE_WEBHOOK_SECRET = env_str("STRIPE_WEBHOOK_SECRET", stripe_defaults.DEMO_WEBHOOK_SECRET)
STRIPE_API_BASE = env_str(
    "STRIPE_API_BASE",
    stripe_defaults.STANDIN_URL
    if STRIPE_SECRET_KEY.startswith(stripe_defaults.STANDIN_SECRET_KEY)
    else "",
).rstrip("/")
# Seconds one attempt may wait for Stripe's answer, and one call (retries included) in all; after
# two calls in a row that cannot reach Stripe, calls fail at once for STRIPE_BREAKER_SECONDS.
# See subscriptions/stripe_guard.py.
# The one currency the publication sells in (Stripe's code). Plans in another are refused when
# created in the admin or imported from Stripe; the demo's stories are British, so pounds.
CURRENCY = env_str("CURRENCY", "gbp").lower()
STRIPE_TIMEOUT = env_int("STRIPE_TIMEOUT", 5)
STRIPE_DEADLINE = env_int("STRIPE_DEADLINE", 8)
STRIPE_BREAKER_SECONDS = env_int("STRIPE_BREAKER_SECONDS", 30)
# Stripe Tax: Checkout asks for the billing address and adds the tax due there (VAT, sales
# tax) on top of the plan's price. Needs Stripe Tax set up in the Stripe account.
STRIPE_AUTOMATIC_TAX = env_bool("STRIPE_AUTOMATIC_TAX", False)
SUBSCRIPTION_GRACE_DAYS = env_int("SUBSCRIPTION_GRACE_DAYS", 3)
if (
    not STRIPE_SECRET_KEY.startswith(stripe_defaults.STANDIN_SECRET_KEY)
    and STRIPE_WEBHOOK_SECRET == stripe_defaults.DEMO_WEBHOOK_SECRET
):
    raise ImproperlyConfigured(
        "With a real STRIPE_SECRET_KEY, set STRIPE_WEBHOOK_SECRET to your endpoint's signing "
        "secret (Stripe dashboard → Developers → Webhooks); the demo secret is public."
    )

# Newsletters: every newsletter email ends with the publication's postal address (required by
# CAN-SPAM and expected by every provider), and unsubscribe links stop working after this long.
PUBLICATION_POSTAL_ADDRESS = env_str(
    "PUBLICATION_POSTAL_ADDRESS", "The Newsroom, 1 Harbour Street, Port Ellery PE1 1AA"
)
NEWSLETTER_UNSUBSCRIBE_MAX_AGE_DAYS = env_int("NEWSLETTER_UNSUBSCRIBE_MAX_AGE_DAYS", 365)
# Open and click tracking through the provider: off unless the publication turns it on.
NEWSLETTER_TRACKING = env_bool("NEWSLETTER_TRACKING", False)
# Members per batch: one claim, one provider call per variant (with anymail's batch sending),
# one record. Tasks side by side per send, and how long one task sends before handing over.
NEWSLETTER_BATCH_SIZE = env_int("NEWSLETTER_BATCH_SIZE", 500)
NEWSLETTER_PARALLEL_TASKS = env_int("NEWSLETTER_PARALLEL_TASKS", 2)
NEWSLETTER_TASK_SECONDS = env_int("NEWSLETTER_TASK_SECONDS", 120)
# A batch claimed this long ago by a worker that has not finished it is taken for a dead one's.
NEWSLETTER_CLAIM_TIMEOUT = env_int("NEWSLETTER_CLAIM_TIMEOUT", 600)
# How the provider writes a per-member merge field in a batch send ("{{%s}}" for Postmark,
# SendGrid with Anymail's default, Brevo, Resend; "%%recipient.%s%%" for Mailgun). Empty sends
# one message per member instead.
NEWSLETTER_MERGE_FIELD = env_str("NEWSLETTER_MERGE_FIELD", "{{%s}}")
NEWSLETTER_MESSAGE_ID_DOMAIN = urlsplit(SITE_URL).hostname or "localhost"

# The paywall: with no explicit break, the preview is this many blocks of the body.
PAYWALL_PREVIEW_BLOCKS = env_int("PAYWALL_PREVIEW_BLOCKS", 3)
# The largest picture the editor accepts; it is stored at most 2,400 px wide (articles/images.py).
ARTICLE_IMAGE_MAX_BYTES = env_int("ARTICLE_IMAGE_MAX_BYTES", 20_000_000)
# The admin's body editor: our paywall-break node (its allow-list lives in articles/html.py).
DJANGO_PROSE_EDITOR_EXTENSIONS = [
    {
        "js": [static_lazy("articles/editor/paywall-break.js")],
        "extensions": {"PaywallBreak": "articles.html.paywall_break_allowlist"},
    }
]
ARTICLES_PER_PAGE = env_int("ARTICLES_PER_PAGE", 12)
# Gift links: a subscriber may make this many a calendar month; each opens for this many days
# and for this many different readers.
GIFT_LINKS_PER_MONTH = env_int("GIFT_LINKS_PER_MONTH", 10)
GIFT_LINK_DAYS = env_int("GIFT_LINK_DAYS", 14)
GIFT_LINK_READERS = env_int("GIFT_LINK_READERS", 25)
for _name in ("GIFT_LINKS_PER_MONTH", "GIFT_LINK_DAYS", "GIFT_LINK_READERS"):
    if globals()[_name] < 0:
        raise ImproperlyConfigured(f"{_name} must be 0 or more; got {globals()[_name]}.")
# The metered wall: paid stories a signed-in reader without a subscription may read whole each
# calendar month, counted on the server. 0 turns it off.
METERED_FREE_STORIES = env_int("METERED_FREE_STORIES", 0)
if METERED_FREE_STORIES < 0:
    raise ImproperlyConfigured(
        f"METERED_FREE_STORIES must be 0 (off) or more; got {METERED_FREE_STORIES}."
    )

# Gift subscriptions (giftsubs/): a paid gift may be redeemed this many days after payment; its
# recipient is invited to subscribe this many days before the gift's access ends.
GIFT_CLAIM_DAYS = env_int("GIFT_CLAIM_DAYS", 365)
GIFT_REMINDER_DAYS = env_int("GIFT_REMINDER_DAYS", 7)

# The one clock (newsroom/clock.py). Empty in production: "now" is the real time. Tests and the
# demo name a file the Stripe stand-in writes its clock offset to, so that moving the stand-in's
# clock also moves what the site and its task workers take for "now".
CLOCK_FILE = env_str("CLOCK_FILE", "")

# The largest Ghost or Substack export the content import takes (bytes; a zip may unpack to
# four times this). Uploads are held in memory and in the database until applied.
CONTENT_IMPORT_MAX_BYTES = env_int("CONTENT_IMPORT_MAX_BYTES", 100_000_000)

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if not DEBUG else None
# Sessions in the database, not the cache: readers stay signed in while Redis is down, and on
# every node behind a load balancer.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_SECURE = not DEBUG
# Readers stay signed in for 30 days ("Keep me signed in" is ticked at sign-in; allauth's
# ACCOUNT_SESSION_REMEMBER stays None so the reader can untick it on a shared computer).
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 30 * 24 * 60 * 60)
CSRF_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Content Security Policy: scripts, styles and images from this site only. Forms may also lead
# to Stripe's hosted pages (checkout, portal), which our POSTs redirect to.
_FORM_TARGETS = ["https://checkout.stripe.com", "https://billing.stripe.com"]
if STRIPE_API_BASE:
    # The stand-in (or a proxy in front of Stripe) serves its own hosted pages; in the test
    # suite it listens on a free port, so any port of the same host.
    _base = urlsplit(STRIPE_API_BASE)
    _FORM_TARGETS.append(f"{_base.scheme}://{_base.hostname}:*")
# Images may come from the object storage that holds the uploads.
if MEDIA_S3_CUSTOM_DOMAIN:
    _MEDIA_ORIGINS = [f"https://{MEDIA_S3_CUSTOM_DOMAIN}"]
elif MEDIA_S3_ENDPOINT_URL:
    _endpoint = urlsplit(MEDIA_S3_ENDPOINT_URL)
    _MEDIA_ORIGINS = [f"{_endpoint.scheme}://{_endpoint.netloc}"]
elif MEDIA_S3_BUCKET:
    _MEDIA_ORIGINS = ["https://*.amazonaws.com"]
else:
    _MEDIA_ORIGINS = []
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:", *_MEDIA_ORIGINS],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF, *_FORM_TARGETS],
}
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
# Off by default: most deployments redirect to HTTPS at the proxy in front of gunicorn.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)

# Readable text by default; LOG_FORMAT=json writes one JSON object per line. Either way every
# line carries the request id (newsroom/logs.py).
LOG_FORMAT = env_str("LOG_FORMAT", "text")
if LOG_FORMAT not in {"text", "json"}:
    raise ImproperlyConfigured(f"LOG_FORMAT must be text or json; got {LOG_FORMAT!r}.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "newsroom.logs.RequestIdFilter"}},
    "formatters": {
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {"()": "newsroom.logs.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": LOG_FORMAT,
        }
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # stripe-python logs every request at INFO; our own log lines say what matters.
    "loggers": {
        "stripe": {"level": "WARNING"},
        # Django's own handler for its loggers in DEBUG would print each line a second time.
        "django": {"handlers": [], "level": "INFO"},
    },
}

# Errors to Sentry, scrubbed of article text and addresses (newsroom/sentry.py).
SENTRY_DSN = env_str("SENTRY_DSN")
if SENTRY_DSN:
    from newsroom.sentry import init_sentry

    init_sentry(SENTRY_DSN, environment=env_str("SENTRY_ENVIRONMENT", "production"))
