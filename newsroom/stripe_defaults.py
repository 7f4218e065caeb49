"""The values the site and the Stripe stand-in (devtools/stripe_standin) must agree on.

One copy: settings.py, subscriptions.stripe_client and the stand-in all read them from here.
Nothing in this module is a secret: they are the demo's public defaults.
"""

# The Stripe API version the client asks for and the stand-in answers in (and stamps on events).
API_VERSION = "2026-10-28.endive"

# With this key (or none) the site talks to the stand-in, never to Stripe.
STANDIN_SECRET_KEY = "sk_test_standin"  # noqa: S105 - a public placeholder, not a key
STANDIN_PUBLISHABLE_KEY = "pk_test_standin"
STANDIN_PORT = 12111
STANDIN_URL = f"http://127.0.0.1:{STANDIN_PORT}"

# The webhook signing secret of the demo: public, so refused together with a real key.
DEMO_WEBHOOK_SECRET = "whsec_newsroom_demo_only_not_a_secret"  # noqa: S105 - public dev value
