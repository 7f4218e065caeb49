"""The publication's standing pages: privacy, terms of sale, refunds, about and contact.

One row per kind, edited in the admin; each lives at a fixed address (/privacy/, /terms/, …)
that the footer and Stripe Checkout link to, so an editor changes the words, never the links.
"""

from django.db import models
from django.urls import reverse

from articles.html import sanitize_html


class Page(models.Model):
    class Kind(models.TextChoices):
        ABOUT = "about", "About us"
        CONTACT = "contact", "Contact"
        PRIVACY = "privacy", "Privacy notice"
        TERMS = "terms", "Terms of sale"
        REFUNDS = "refunds", "Refunds and cancellation"

    kind = models.CharField(max_length=10, choices=Kind.choices, unique=True)
    title = models.CharField(max_length=200)
    body = models.TextField(help_text="Sanitised HTML, like an article's body.")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["kind"]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.body = sanitize_html(self.body)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse(f"pages:{self.kind}")
