"""Anymail's test backend, forgetting each message once answered.

The test backend keeps every message in memory (for tests to read); a real provider backend
keeps nothing, so the benchmark's memory figures would otherwise measure that list.
"""

from anymail.backends.test import EmailBackend as AnymailTestBackend
from django.core import mail


class EmailBackend(AnymailTestBackend):
    def post_to_esp(self, payload, message):
        response = super().post_to_esp(payload, message)
        mail.outbox.clear()
        return response

    def get_esp_message_id(self, message):
        return f"bench-{id(message)}"
