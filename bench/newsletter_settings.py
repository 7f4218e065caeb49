"""Settings for bench/newsletter.py: the site's own, with anymail's test backend as the provider.

Anymail's test backend (bench/newsletter_backend.py) goes through the same code as a real
provider backend (batch sends, merge data, per-recipient headers and statuses), without the
network.
"""

from newsroom.settings import *  # noqa: F403

MAILERS = {"default": {"BACKEND": "bench.newsletter_backend.EmailBackend"}}
LOGGING["root"]["level"] = "WARNING"  # noqa: F405
