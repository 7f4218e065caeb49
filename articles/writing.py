"""What the writing room tells an editor about the draft: length, reading time, and how much of
it readers without access will see. Computed here only, from the rules of articles/reading.py
and articles/html.py (preview_shape), for the page and for the live updates alike."""

from dataclasses import dataclass

from django.conf import settings

from .html import preview_shape
from .models import Article
from .reading import reading_minutes, word_count


@dataclass(frozen=True)
class WritingStats:
    words: int
    minutes: int
    preview_shown: int
    preview_total: int
    words_text: str
    reading_text: str
    preview_text: str
    warning: str

    def as_json(self) -> dict:
        return self.__dict__.copy()


def readers_without_access(access: str) -> str | None:
    """Who gets only the preview, as the editors' warnings name them; None for public work."""
    if access == Article.Access.PAID:
        return "Readers without a subscription"
    if access == Article.Access.REGISTERED:
        return "Readers without an account"
    return None


def writing_stats(body: str, access: str) -> WritingStats:
    words = word_count(body or "")
    minutes = reading_minutes(body or "")
    shape = preview_shape(body or "", preview_blocks=settings.PAYWALL_PREVIEW_BLOCKS)
    readers = readers_without_access(access)
    if readers is None:
        preview_text = "Public: everyone reads the whole article."
    elif shape.total == 0:
        preview_text = f"{readers} see the headline and standfirst."
    else:
        preview_text = f"{readers} see {shape.shown} of {shape.total} paragraphs."
    return WritingStats(
        words=words,
        minutes=minutes,
        preview_shown=shape.shown,
        preview_total=shape.total,
        words_text=f"{words:,} word{'' if words == 1 else 's'}",
        reading_text=f"{minutes} min read",
        preview_text=preview_text,
        warning=(shape.warning(readers) or "") if readers else "",
    )
