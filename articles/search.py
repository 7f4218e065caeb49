"""Search: which articles a reader can find, and how fast at any archive size.

Public stories are found by their whole text. Registered and paid ones only by headline,
standfirst and topics: matching their body would tell a reader which words stand past the
paywall. That rule is applied where the searchable text is made, in one place per backend:

- PostgreSQL: a trigger (migration 0005) keeps a stored ``tsvector`` per article, with the body
  only while the article is public, whatever code writes the row. A GIN index serves
  ``websearch_to_tsquery``; the newest matches, at most SEARCH_CANDIDATES, are ranked.
- SQLite (the demo): ``icontains`` over the same fields.

Typos: every word readers could find is kept in SearchTerm. A search that finds nothing is
retried once with each unknown word replaced by the closest known one (pg_trgm similarity on
PostgreSQL, difflib on SQLite), so "harbor" finds "harbour".
"""

import difflib
import re
from collections.abc import Callable

from django.core.paginator import Page
from django.db import connection
from django.db.models import BooleanField, Case, FloatField, Q, QuerySet, When
from django.db.models.expressions import Expression
from django.utils.html import strip_tags

from .models import Article, SearchTerm

MAX_LENGTH = 100
MAX_WORDS = 8
# How many of the newest matches are ranked: enough for any reader, bounded at any size.
# Two common words together match about one story in fifty at a million articles, so finding
# 200 of them reads about 10,000 rows of the date index; 500 took about a second on a cold cache.
SEARCH_CANDIDATES = 200
_WORD = re.compile(r"\w{3,40}")
_TSQUERY = "websearch_to_tsquery('english', %s)"


def clean_query(raw: str) -> str:
    # PostgreSQL refuses NUL and there is nothing to find in control characters.
    printable = "".join(ch for ch in raw if ch.isprintable() or ch.isspace())
    return " ".join(printable.split()[:MAX_WORDS])[:MAX_LENGTH]


def find(query: str, paginate: Callable[[QuerySet], Page]) -> tuple[Page, str | None]:
    """A page of results, and the corrected query when the words typed found nothing."""
    page = paginate(_matches(query))
    if page.paginator.count:
        return page, None
    corrected = _correct(query)
    if corrected and corrected != query:
        retried = paginate(_matches(corrected))
        if retried.paginator.count:
            return retried, corrected
    return page, None


def _matches(query: str) -> QuerySet:
    if connection.vendor == "postgresql":
        return _postgres_matches(query)
    return _simple_matches(query)


class _StoredVectorSQL(Expression):
    """SQL over the stored search vector of the query's own table (its alias in a subquery)."""

    def __init__(self, template: str, query: str, output_field):
        super().__init__(output_field=output_field)
        self.template, self.query = template, query

    def as_sql(self, compiler, connection):
        table = compiler.quote_name(compiler.query.get_initial_alias())
        return self.template.format(vector=f"{table}.search_vector"), [self.query]


def _postgres_matches(query: str) -> QuerySet:
    matches = _StoredVectorSQL(f"{{vector}} @@ {_TSQUERY}", query, BooleanField())
    candidates = (
        Article.objects.published()
        .filter(matches)
        .order_by("-published_at", "-id")
        .values("id")[:SEARCH_CANDIDATES]
    )
    rank = _StoredVectorSQL(f"ts_rank({{vector}}, {_TSQUERY})", query, FloatField())
    return (
        Article.objects.for_listing()
        .filter(id__in=candidates)
        .annotate(rank=rank)
        .order_by("-rank", "-published_at", "-id")
    )


def _simple_matches(query: str) -> QuerySet:
    matches, in_headline = Q(), Q()
    for word in query.split():
        in_headline &= Q(headline__icontains=word)
        matches &= (
            Q(headline__icontains=word)
            | Q(standfirst__icontains=word)
            | Q(tags__name__iexact=word)
            | Q(access=Article.Access.PUBLIC, body__icontains=word)
        )
    ids = Article.objects.published().filter(matches).values("id")
    headline_first = Case(When(in_headline, then=0), default=1)
    return (
        Article.objects.for_listing()
        .filter(id__in=ids)
        .order_by(headline_first, "-published_at", "-id")
    )


def _correct(query: str) -> str | None:
    words = sorted({w.lower() for w in _WORD.findall(query)})
    if not words:
        return None
    if connection.vendor == "postgresql":
        closest = _postgres_closest(words)
    else:
        known = list(SearchTerm.objects.values_list("word", flat=True))
        closest = {}
        for word in words:
            found = difflib.get_close_matches(word, known, n=1, cutoff=0.75)
            if found:
                closest[word] = found[0]
    return _WORD.sub(lambda m: closest.get(m.group().lower(), m.group()), query)


def _postgres_closest(words: list[str]) -> dict[str, str]:
    # `%` keeps words similar enough (pg_trgm's threshold), `<->` orders by distance;
    # both use the trigram index, so this costs the same with ten or a million articles.
    sql = """
        SELECT typed.word, (
            SELECT term.word FROM articles_searchterm term
            WHERE term.word %% typed.word
            ORDER BY term.word <-> typed.word, term.word
            LIMIT 1
        )
        FROM unnest(%s::text[]) AS typed(word)
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [words])
        return {typed: known for typed, known in cursor.fetchall() if known}


def searchable_words(article: Article) -> set[str]:
    """The words a reader may find this article by: never those of a non-public body."""
    texts = [article.headline, article.standfirst]
    if article.access == Article.Access.PUBLIC:
        texts.append(strip_tags(article.body))
    return {word for text in texts for word in words_of(text)}


def words_of(text: str) -> set[str]:
    return {word.lower() for word in _WORD.findall(text)}


def remember_words(words: set[str]) -> None:
    SearchTerm.objects.bulk_create(
        [SearchTerm(word=word) for word in words if not word.isdigit()], ignore_conflicts=True
    )
