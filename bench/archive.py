"""Fill a PostgreSQL database with up to 1,000,000 articles and time the pages at each size.

By hand, never in CI:

    python bench/archive.py                                    # 30, 100,000, 1,000,000
    python bench/archive.py --sizes 30,100000 --database-url postgres://root@127.0.0.1:5432/x

It uses its own database (default ``nr_speed_bench``; created and migrated if missing, and its
articles deleted first), never the site's. Articles are written by ``INSERT ... SELECT`` over
``generate_series``: ten years of them, three access levels, eight sections, 200 authors,
300 topics, 1% drafts and 1% scheduled. The search trigger is switched off for the fill and the
stored search vector written by the same INSERT, with the same rule (body only when public).

At each size it prints the median server time of each page (Django's test client in this
process, DEBUG off, no page cache: what a cache miss costs) and, at the end, the ratio of the
largest size to the smallest.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE = "postgres://root@127.0.0.1:5432/nr_speed_bench"
SECTIONS = ["News", "Harbour", "Politics", "Climate", "Business", "Culture", "Sport", "Opinion"]
AUTHORS = 200
TOPICS = 300
CHUNK = 50_000


def _words(text: str) -> list[str]:
    return text.split()


ADJECTIVES = _words(
    "quiet bold late early new old final secret public rising falling long short open closed "
    "grand small local coastal northern southern eastern western urgent costly hidden"
)
NOUNS = _words(
    "harbour council ferry budget school tram bridge market hospital library museum stadium "
    "port lighthouse railway airport park river festival election strike tunnel theatre "
    "redevelopment tender audit housing"
)
VERBS = _words(
    "vote delayed plan approved deal collapses review begins row deepens fund frozen "
    "report published talks resume inquiry opens costs rise"
)
PARAGRAPH_WORDS = _words(
    "the council met on tuesday to discuss harbour redevelopment while residents filled the "
    "gallery and the mayor declined to comment on the tender ferry timetables budget lines "
    "schools trams and bridges were all on an agenda that ran late into the evening as "
    "officials weighed costs against promises made before the election"
)


def paragraphs(count=40, words=45):
    out = []
    for n in range(count):
        picked = [PARAGRAPH_WORDS[(n * 7 + k * 11) % len(PARAGRAPH_WORDS)] for k in range(words)]
        out.append(" ".join(picked).capitalize() + ".")
    return out


def setup_django(database_url):
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DEBUG", "0")
    os.environ.setdefault("SECRET_KEY", "bench-only-not-a-secret-" + "x" * 40)
    os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
    os.environ.pop("REDIS_URL", None)  # cache misses are what is measured
    # collectstatic goes elsewhere: the worktree's own staticfiles may be serving a test run.
    os.environ.setdefault("STATIC_ROOT", str(ROOT / "bench" / ".static"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def ensure_database(database_url):
    import psycopg

    name = database_url.rsplit("/", 1)[1]
    admin_url = database_url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


def prepare():
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)  # DEBUG off needs the manifest
    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE articles_article, articles_articleauthor, articles_article_tags,"
            " articles_author, articles_tag, articles_section, articles_articleredirect,"
            " articles_searchterm RESTART IDENTITY CASCADE"
        )
        cursor.execute(
            'INSERT INTO articles_section (name, slug, description, "order")'
            " SELECT name, lower(name), '', ord FROM unnest(%s::text[]) WITH ORDINALITY"
            " AS s(name, ord)",
            [SECTIONS],
        )
        cursor.execute(
            "INSERT INTO articles_author (name, slug, bio, photo)"
            " SELECT 'Writer ' || n, 'writer-' || n, '', '' FROM generate_series(1, %s) n",
            [AUTHORS],
        )
        cursor.execute(
            "INSERT INTO articles_tag (name, slug)"
            " SELECT initcap(w) || ' ' || n, w || '-' || n"
            " FROM generate_series(1, %s) n,"
            " LATERAL (SELECT (%s::text[])[1 + mod(n, %s)] AS w) word",
            [TOPICS, NOUNS, len(NOUNS)],
        )
        words = {w for w in ADJECTIVES + NOUNS + VERBS + PARAGRAPH_WORDS if len(w) >= 3}
        cursor.execute(
            "INSERT INTO articles_searchterm (word) SELECT unnest(%s::text[])"
            " ON CONFLICT DO NOTHING",
            [sorted(words)],
        )


FILL_SQL = """
INSERT INTO articles_article (
    id, headline, slug, standfirst, body, hero_image, hero_alt, hero_caption, section_id,
    access, status, published_at, created_at, updated_at, seo_title, seo_description,
    hero_renditions, search_vector)
SELECT a.id, a.headline, a.slug, a.standfirst, a.body, '', '', '', a.section_id,
    a.access, a.status, a.published_at, now(), now(), '', '', '{}',
    setweight(to_tsvector('english', a.headline), 'A')
    || setweight(to_tsvector('english', a.standfirst), 'B')
    || setweight(to_tsvector('english', a.topics), 'B')
    || CASE WHEN a.access = 'public'
            THEN setweight(to_tsvector('english', a.body), 'D') ELSE ''::tsvector END
FROM (
    SELECT g.i AS id,
        initcap(adj[1 + mod(g.i, cardinality(adj))])
            || ' ' || noun[1 + mod(g.i / 7, cardinality(noun))]
            || ' ' || verb[1 + mod(g.i / 3, cardinality(verb))] AS headline,
        'bench-' || g.i AS slug,
        'What the ' || noun[1 + mod(g.i / 5, cardinality(noun))] || ' means for the city, story '
            || g.i || '.' AS standfirst,
        '<p>' || para[1 + mod(g.i, cardinality(para))] || '</p><p>'
            || para[1 + mod(g.i * 7, cardinality(para))] || '</p><hr class="paywall-break"><p>'
            || para[1 + mod(g.i * 13, cardinality(para))] || '</p><p>'
            || para[1 + mod(g.i * 17, cardinality(para))] || '</p>' AS body,
        (SELECT min(id) FROM articles_section) + mod(g.i, %(sections)s) AS section_id,
        (ARRAY['public', 'registered', 'paid'])[1 + mod(g.i, 3)] AS access,
        CASE WHEN mod(g.i, 100) = 0 THEN 'draft' ELSE 'published' END AS status,
        CASE WHEN mod(g.i, 100) = 0 THEN NULL
             WHEN mod(g.i, 100) = 1 THEN now() + random() * interval '30 days'
             ELSE now() - random() * interval '3650 days' END AS published_at,
        (SELECT string_agg(name, ' ') FROM articles_tag
          WHERE id IN (1 + mod(g.i, %(topics)s), 1 + mod(g.i * 31 + 7, %(topics)s))) AS topics
    FROM generate_series(%(first)s, %(last)s) AS g(i),
        (SELECT %(adj)s::text[] AS adj, %(noun)s::text[] AS noun, %(verb)s::text[] AS verb,
                %(para)s::text[] AS para) AS words
) AS a;

INSERT INTO articles_articleauthor (article_id, author_id, "order")
SELECT g.i, 1 + mod(g.i, %(authors)s), 0 FROM generate_series(%(first)s, %(last)s) AS g(i);

INSERT INTO articles_article_tags (article_id, tag_id)
SELECT DISTINCT g.i, t.tag FROM generate_series(%(first)s, %(last)s) AS g(i),
    LATERAL (VALUES (1 + mod(g.i, %(topics)s)), (1 + mod(g.i * 31 + 7, %(topics)s))) AS t(tag);
"""


def fill_to(total):
    from django.db import connection, transaction

    with connection.cursor() as cursor:
        cursor.execute("SELECT coalesce(max(id), 0) FROM articles_article")
        have = cursor.fetchone()[0]
    params = {
        "adj": ADJECTIVES,
        "noun": NOUNS,
        "verb": VERBS,
        "para": paragraphs(),
        "sections": len(SECTIONS),
        "topics": TOPICS,
        "authors": AUTHORS,
    }
    started = time.perf_counter()
    first = have + 1
    # Many rows: build the secondary indexes once at the end rather than row by row.
    rebuild = _drop_secondary_indexes() if total - have > 200_000 else []
    while first <= total:
        last = min(first + CHUNK - 1, total)
        with transaction.atomic(), connection.cursor() as cursor:
            # The rows carry their search vector already; the per-row triggers would only
            # recompute it (and once more per topic link).
            cursor.execute("SET LOCAL session_replication_role = replica")
            cursor.execute(FILL_SQL, {**params, "first": first, "last": last})
        print(f"  {last:>9,} articles  {time.perf_counter() - started:6.1f} s", flush=True)
        first = last + 1
    with connection.cursor() as cursor:
        cursor.execute("SET maintenance_work_mem = '512MB'")
        for definition in rebuild:
            cursor.execute(definition)
        if rebuild:
            print(f"  indexes rebuilt  {time.perf_counter() - started:6.1f} s", flush=True)
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence('articles_article', 'id'), %s)", [total]
        )
        cursor.execute("VACUUM ANALYZE articles_article")
        cursor.execute("VACUUM ANALYZE articles_articleauthor")
        cursor.execute("VACUUM ANALYZE articles_article_tags")
    return time.perf_counter() - started


def _drop_secondary_indexes() -> list[str]:
    """Drop the article table's indexes that back no constraint; return how to rebuild them."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT i.indexname, i.indexdef FROM pg_indexes i"
            " WHERE i.tablename = 'articles_article' AND NOT EXISTS ("
            "   SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)"
        )
        indexes = cursor.fetchall()
        for name, _ in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
    return [definition for _, definition in indexes]


def pages():
    from articles.models import Article, Author, Section, Tag

    section = Section.objects.get(slug="harbour")
    # Not the first author or topic: article ids that are multiples of 100 are drafts, and
    # the first of each gets only those.
    author = Author.objects.get(slug="writer-4")
    tag = Tag.objects.order_by("id")[3]
    article = Article.objects.published().filter(section=section).first()
    return [
        ("home", "/"),
        ("section, page 1", section.get_absolute_url()),
        ("section, page 500", section.get_absolute_url() + "?page=500"),
        ("author", author.get_absolute_url()),
        ("tag", tag.get_absolute_url()),
        ("feed", "/feed/"),
        ("article", article.get_absolute_url()),
        ("search: harbour", "/search/?q=harbour"),
        ("search: council vote", "/search/?q=council+vote"),
        ("search: harbor (typo)", "/search/?q=harbor"),
        ("sitemap index", "/sitemap.xml"),
        ("sitemap file 1", "/sitemap-articles-1.xml"),
    ]


def measure(repeat):
    from django.test import Client

    client = Client()
    results = {}
    for name, path in pages():
        response = client.get(path)  # warm: connection, templates, buffers
        if response.status_code != 200:
            raise SystemExit(f"{path} answered {response.status_code}")
        times = []
        for _ in range(repeat):
            started = time.perf_counter()
            client.get(path)
            times.append((time.perf_counter() - started) * 1000)
        results[name] = statistics.median(times)
    return results


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=DEFAULT_DATABASE)
    parser.add_argument("--sizes", default="30,100000,1000000")
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument(
        "--measure-only", action="store_true", help="time the database as it is, fill nothing"
    )
    args = parser.parse_args()
    if not args.database_url.startswith("postgres"):
        raise SystemExit("This bench measures PostgreSQL; give a postgres:// URL.")
    sizes = [int(size) for size in args.sizes.split(",")]
    ensure_database(args.database_url)
    setup_django(args.database_url)
    if args.measure_only:
        from django.core.management import call_command

        from articles.models import Article

        call_command("migrate", verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        size = Article.objects.count()
        for name, ms in measure(args.repeat).items():
            print(f"{name:24}{ms:10.1f} ms at {size:,} articles")
        return
    prepare()
    table = {}
    for size in sizes:
        print(f"filling to {size:,} articles", flush=True)
        seconds = fill_to(size)
        print(f"  filled in {seconds:.1f} s (including VACUUM ANALYZE)", flush=True)
        table[size] = measure(args.repeat)
    names = list(table[sizes[0]])
    header = f"{'page':24}" + "".join(f"{size:>12,}" for size in sizes) + f"{'ratio':>8}"
    print("\nmedian server time, ms (Django test client, DEBUG off, no page cache)")
    print(header)
    for name in names:
        row = "".join(f"{table[size][name]:12.1f}" for size in sizes)
        ratio = table[sizes[-1]][name] / table[sizes[0]][name]
        print(f"{name:24}{row}{ratio:8.2f}")


if __name__ == "__main__":
    main()
