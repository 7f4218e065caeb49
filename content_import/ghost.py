"""Ghost's JSON export ("Export your content" in Ghost's Labs settings).

The file is `{"db": [{"meta": {...}, "data": {"posts": [...], "users": [...], "tags": [...],
"posts_tags": [...], "posts_authors": [...], "posts_meta": [...]}}]}`. A post's body is read
from its `html` (Ghost writes it beside `lexical`/`mobiledoc`); `<!--members-only-->` in it is
where Ghost's preview for members-only and paid posts ends. What we assume is written down in
tests/data/README.md.
"""

import json
import re
from typing import Any

from articles.models import Article

from . import common
from .bundle import Bundle
from .records import AuthorRecord, BadExport, Export, PostRecord, Skipped, TagRecord

MEMBERS_ONLY = re.compile(r"<!--\s*members-only\s*-->")
ACCESS = {
    "public": Article.Access.PUBLIC,
    "members": Article.Access.REGISTERED,
    "paid": Article.Access.PAID,
    "tiers": Article.Access.PAID,
}
STATUSES = {"published", "draft", "scheduled", "sent"}
# An inline picture hosted by the old Ghost site: there is nothing to serve it from here.
OLD_SITE_IMAGE = re.compile(r"<img\b[^>]*\bsrc=\"__GHOST_URL__[^\"]*\"[^>]*>", re.IGNORECASE)
# Ghost's image card, left empty once its picture is gone.
EMPTY_FIGURE = re.compile(r"<figure\b[^>]*>\s*(<figcaption\b.*?</figcaption>\s*)?</figure>", re.S)


def _json_of(bundle: Bundle) -> tuple[str, Any]:
    candidates = [n for n in bundle.names() if n.lower().endswith(".json")]
    if not candidates:
        raise BadExport(
            "No Ghost export found: upload the .json file Ghost's “Export your content” "
            "wrote, or a zip holding it."
        )
    # The export itself, not some other JSON file that came along in the zip.
    candidates.sort(key=lambda n: (n.count("/"), n))
    name = candidates[0]
    raw = bundle.get(name) or b""
    try:
        return name, json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError as error:
        raise BadExport(f"{name} is not UTF-8 text ({error.reason}).") from error
    except json.JSONDecodeError as error:
        raise BadExport(
            f"{name} is not valid JSON: {error.msg} at line {error.lineno}, column {error.colno}."
        ) from error


def _tables(name: str, document: Any) -> dict[str, list[dict]]:
    try:
        data = document["db"][0]["data"]
        posts = data["posts"]
    except (KeyError, IndexError, TypeError) as error:
        raise BadExport(
            f"{name} is JSON but not a Ghost export: it has no db[0].data.posts."
        ) from error
    tables = {"posts": posts}
    for table in ("users", "tags", "posts_tags", "posts_authors", "posts_meta"):
        tables[table] = data.get(table) or []
    for table, rows in tables.items():
        if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
            raise BadExport(f"{name}: {table} is not a list of records.")
    return tables


def _text(row: dict, key: str) -> str:
    value = row.get(key)
    return value.strip() if isinstance(value, str) else ""


def read(bundle: Bundle) -> Export:
    name, document = _json_of(bundle)
    tables = _tables(name, document)
    problems = common.Problems(f"The Ghost export {name}")
    export = Export(source="ghost")
    _read_people_and_tags(tables, export, problems)
    skipped_tags = {s.source_id for s in export.skipped if s.kind == "tag"}
    by_post: dict[str, dict[str, list[tuple[int, str]]]] = {}
    for table, key in (("posts_authors", "author_id"), ("posts_tags", "tag_id")):
        for row in tables[table]:
            ids = by_post.setdefault(str(row.get("post_id")), {}).setdefault(key, [])
            ids.append((int(row.get("sort_order") or 0), str(row.get(key))))
    meta = {str(row.get("post_id")): row for row in tables["posts_meta"]}
    for index, row in enumerate(tables["posts"]):
        links = by_post.get(str(row.get("id")), {})
        authors = [i for _, i in sorted(links.get("author_id", []))]
        tags = [i for _, i in sorted(links.get("tag_id", [])) if i not in skipped_tags]
        if not authors and row.get("author_id"):
            authors = [str(row["author_id"])]  # exports from before multiple authors
        record = _post(
            row, index, meta.get(str(row.get("id")), {}), authors, tags, bundle, export, problems
        )
        if record is not None:
            export.posts.append(record)
    problems.raise_any()
    return export


def _read_people_and_tags(tables, export: Export, problems: common.Problems) -> None:
    for index, row in enumerate(tables["users"]):
        where = f"users[{index}]"
        name, slug = _text(row, "name"), common.clean_slug(_text(row, "slug") or _text(row, "name"))
        if not row.get("id") or not name or not slug:
            problems.add(f"{where}: a user needs an id, a name and a slug.")
            continue
        export.authors.append(
            AuthorRecord(str(row["id"]), name[:120], slug[:120], _text(row, "bio"))
        )
    for index, row in enumerate(tables["tags"]):
        name, slug = _text(row, "name"), common.clean_slug(_text(row, "slug") or _text(row, "name"))
        if not row.get("id") or not name or not slug:
            problems.add(f"tags[{index}]: a tag needs an id, a name and a slug.")
            continue
        if row.get("visibility") == "internal" or name.startswith("#"):
            reason = "an internal tag (Ghost's #tags are for themes, not readers)"
            export.skipped.append(Skipped("tag", str(row["id"]), name, reason))
            continue
        export.tags.append(TagRecord(str(row["id"]), name[:60], slug[:60]))


def _post(row, index, meta, authors, tags, bundle, export, problems) -> PostRecord | None:
    post_id, title = str(row.get("id") or ""), _text(row, "title")
    where = f"posts[{index}]" + (f" (“{title}”)" if title else "")
    kind, status = row.get("type") or "post", row.get("status")
    visibility = row.get("visibility") or "public"
    for bad, message in (
        (not post_id, "has no id"),
        (not title, "has no title"),
        (not common.clean_slug(_text(row, "slug")), "has no slug"),
        (status not in STATUSES, f"has an unknown status “{status}”"),
        (visibility not in ACCESS, f"has an unknown visibility “{visibility}”"),
        (not isinstance(row.get("html"), str), "has no html (only lexical or mobiledoc)"),
    ):
        if bad:
            problems.add(f"{where} {message}.")
            return None
    if kind == "page":
        export.skipped.append(Skipped("post", post_id, title, "a page, not a story"))
        return None
    if status == "sent":
        reason = "sent by email only, never published on the site"
        export.skipped.append(Skipped("post", post_id, title, reason))
        return None
    published_at = common.when(row.get("published_at"), where=where, problems=problems)
    published = status in ("published", "scheduled")
    if published and published_at is None:
        problems.add(f"{where} is {status} but has no published_at.")
        return None
    notes: list[str] = []
    access = ACCESS[visibility]
    if visibility == "tiers":
        notes.append("Ghost limited it to some tiers: here every subscriber reads it.")
    html = row["html"]
    if OLD_SITE_IMAGE.search(html):
        notes.append("Pictures in the text that live on the old Ghost site are left out.")
        html = EMPTY_FIGURE.sub("", OLD_SITE_IMAGE.sub("", html))
    # Links between posts point at the old addresses, which redirect (see plan.py).
    html = html.replace("__GHOST_URL__/", "/")
    paywalled = access != Article.Access.PUBLIC
    if paywalled and not MEMBERS_ONLY.search(html):
        notes.append("No members-only marker: the preview follows the site's preview rule.")
    slug = common.clean_slug(_text(row, "slug"))
    return PostRecord(
        source_id=post_id,
        title=common.shorten(title, common.HEADLINE_MAX, "The title", notes),
        slug=slug,
        body=common.body_with_break(html, MEMBERS_ONLY, paywalled=paywalled),
        access=access,
        published=published,
        published_at=published_at,
        standfirst=common.shorten(
            _text(row, "custom_excerpt"), common.STANDFIRST_MAX, "The excerpt", notes
        ),
        seo_title=(_text(meta, "meta_title") or _text(row, "meta_title"))[:70],
        seo_description=(_text(meta, "meta_description") or _text(row, "meta_description"))[:160],
        author_ids=tuple(authors),
        tag_ids=tuple(tags),
        image=common.image(
            _text(row, "feature_image"), bundle, where="The feature image", notes=notes
        ),
        image_alt=_text(meta, "feature_image_alt") or _text(row, "feature_image_alt"),
        image_caption=_text(meta, "feature_image_caption") or _text(row, "feature_image_caption"),
        old_path=("", slug),
        notes=tuple(notes),
    )
