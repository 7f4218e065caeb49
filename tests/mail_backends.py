"""Mailers for tests: a provider that is down for the next N sends, then delivers (locmem)."""

from django.core.mail.backends.locmem import EmailBackend as LocmemBackend


class FlakyProvider(LocmemBackend):
    """Raises ConnectionError for the next `failures_left` sends, then delivers to mail.outbox."""

    failures_left = 0

    def send_messages(self, messages):
        if FlakyProvider.failures_left > 0:
            FlakyProvider.failures_left -= 1
            raise ConnectionError("the provider is unreachable")
        return super().send_messages(messages)
