"""Small builders for test data; each takes keyword overrides."""

import itertools
from datetime import timedelta

from django.utils import timezone

from articles.html import PAYWALL_BREAK
from articles.models import Article, ArticleAuthor, Author, Section, Tag

_seq = itertools.count(1)

PREVIEW_SENTENCE = "The council met on Tuesday to discuss the harbour."
SECRET_SENTENCE = "Only subscribers learn that the harbour deal collapsed at midnight."


def paid_body(*, preview=PREVIEW_SENTENCE, secret=SECRET_SENTENCE, explicit_break=True):
    blocks = [f"<p>{preview}</p>", "<p>Residents filled the gallery.</p>"]
    if explicit_break:
        blocks.append(PAYWALL_BREAK)
    else:
        blocks.append("<p>A third paragraph, still in the preview.</p>")
    blocks.append(f"<p>{secret}</p>")
    if not explicit_break:
        # Six blocks, so the first three are no more than half: the preview keeps all three.
        blocks.append("<p>Officials left by the side door.</p>")
    blocks.append("<p>The mayor declined to comment.</p>")
    return "\n".join(blocks)


def make_section(**kwargs):
    n = next(_seq)
    kwargs.setdefault("name", f"Section {n}")
    kwargs.setdefault("slug", f"section-{n}")
    return Section.objects.create(**kwargs)


def make_author(**kwargs):
    n = next(_seq)
    kwargs.setdefault("name", f"Author {n}")
    kwargs.setdefault("slug", f"author-{n}")
    return Author.objects.create(**kwargs)


def make_tag(**kwargs):
    n = next(_seq)
    kwargs.setdefault("name", f"Tag {n}")
    kwargs.setdefault("slug", f"tag-{n}")
    return Tag.objects.create(**kwargs)


def make_article(*, authors=(), tags=(), **kwargs):
    n = next(_seq)
    kwargs.setdefault("headline", f"Headline number {n}")
    kwargs.setdefault("slug", f"headline-{n}")
    kwargs.setdefault("standfirst", f"Standfirst number {n}.")
    kwargs.setdefault("body", paid_body())
    kwargs.setdefault("access", Article.Access.PAID)
    kwargs.setdefault("status", Article.Status.PUBLISHED)
    if kwargs["status"] == Article.Status.PUBLISHED:
        kwargs.setdefault("published_at", timezone.now() - timedelta(hours=n))
    if "section" not in kwargs:
        kwargs["section"] = make_section()
    article = Article.objects.create(**kwargs)
    for order, author in enumerate(authors):
        ArticleAuthor.objects.create(article=article, author=author, order=order)
    if tags:
        article.tags.set(tags)
    return article
