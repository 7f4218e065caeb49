import secrets

from django.conf import settings
from django.db import models
from django.urls import reverse


def new_token() -> str:
    return secrets.token_urlsafe(32)


class PrivateFeed(models.Model):
    """A reader's own RSS address. The token is the only key: whoever holds the address reads
    what the reader may read, so the reader can replace it (the old address stops at once)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="private_feed"
    )
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    rotated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Private feed of {self.user}"

    def get_absolute_url(self) -> str:
        return reverse("readers:private_feed", args=[self.token])
