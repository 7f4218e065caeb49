"""Substack's export: `posts.csv` (one row per post) and `posts/<post_id>.html` (its body), as
a zip or a folder.

Columns read: post_id, post_date, is_published, type, audience, title, subtitle (email_sent_at,
inbox_sent_at and podcast_url are known and not needed). A post_id is `<number>.<slug>`; the
post lived at /p/<slug>. Substack marks where its paywall falls with a `paywall-jump` element.
What we assume is written down in tests/data/README.md.
"""

import csv
import io
import re

from articles.models import Article

from . import common
from .bundle import Bundle
from .records import BadExport, Export, PostRecord, Skipped

REQUIRED = {"post_id", "post_date", "is_published", "type", "audience", "title"}
ACCESS = {
    "everyone": Article.Access.PUBLIC,
    "only_free": Article.Access.REGISTERED,
    "only_paid": Article.Access.PAID,
    "founding": Article.Access.PAID,
}
TRUE, FALSE = {"true", "t", "1", "yes"}, {"false", "f", "0", "no", ""}
PAYWALL_JUMP = re.compile(
    r"<div\b[^>]*class=\"[^\"]*\bpaywall-jump\b[^\"]*\"[^>]*>\s*</div>", re.IGNORECASE
)
STORY_TYPES = {"newsletter", "podcast"}


def _posts_csv(bundle: Bundle) -> tuple[str, str]:
    name = next((n for n in bundle.names() if n.rsplit("/", 1)[-1] == "posts.csv"), None)
    if name is None:
        raise BadExport(
            "No posts.csv found: upload the zip Substack's “Export your data” made, "
            "or its folder (posts.csv beside a posts/ folder of HTML files)."
        )
    try:
        return name, (bundle.get(name) or b"").decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise BadExport(f"{name} is not UTF-8 text ({error.reason}).") from error


def read(bundle: Bundle) -> Export:
    name, text = _posts_csv(bundle)
    folder = name.rsplit("/", 1)[0] + "/" if "/" in name else ""
    try:
        rows = csv.DictReader(io.StringIO(text, newline=""))
        header = set(rows.fieldnames or [])
        missing = REQUIRED - header
        if missing:
            raise BadExport(
                f"{name} lacks the column(s) {', '.join(sorted(missing))}: is it Substack's "
                "posts.csv?"
            )
        problems = common.Problems(f"The Substack export ({name})")
        export = Export(source="substack")
        for row in rows:
            record = _post(row, rows.line_num, bundle, folder, export, problems)
            if record is not None:
                export.posts.append(record)
    except csv.Error as error:
        raise BadExport(f"{name} is not a CSV file we can read ({error}).") from error
    problems.raise_any()
    return export


def _post(row, line, bundle, folder, export, problems) -> PostRecord | None:
    post_id = (row.get("post_id") or "").strip()
    title = (row.get("title") or "").strip()
    where = f"Line {line}" + (f" (“{title}”)" if title else "")
    audience = (row.get("audience") or "").strip()
    published_flag = (row.get("is_published") or "").strip().lower()
    kind = (row.get("type") or "").strip()
    slug = common.clean_slug(post_id.split(".", 1)[1] if "." in post_id else title)
    for bad, message in (
        (not post_id, "has no post_id"),
        (not slug, "has no slug in its post_id and no title"),
        (audience not in ACCESS, f"has an unknown audience “{audience}”"),
        (published_flag not in TRUE | FALSE, f"has is_published “{published_flag}”"),
    ):
        if bad:
            problems.add(f"{where} {message}.")
            return None
    if kind not in STORY_TYPES:
        reason = f"a {kind or 'post without a type'}, not a story"
        export.skipped.append(Skipped("post", post_id, title or post_id, reason))
        return None
    html = bundle.get(f"{folder}posts/{post_id}.html")
    if html is None:
        problems.add(f"{where}: posts/{post_id}.html is missing from the export.")
        return None
    try:
        body = html.decode("utf-8-sig")
    except UnicodeDecodeError:
        problems.add(f"{where}: posts/{post_id}.html is not UTF-8 text.")
        return None
    published = published_flag in TRUE
    published_at = common.when(row.get("post_date"), where=where, problems=problems)
    if published and published_at is None:
        problems.add(f"{where} is published but has no post_date.")
        return None
    notes: list[str] = []
    if not title:
        notes.append("No title: the slug stands in.")
    if kind == "podcast":
        notes.append("A podcast: its text is imported, the audio stays on Substack.")
    access = ACCESS[audience]
    if audience == "founding":
        notes.append("For founding members on Substack: here every subscriber reads it.")
    paywalled = access != Article.Access.PUBLIC
    if paywalled and not PAYWALL_JUMP.search(body):
        notes.append("No paywall marker: the preview follows the site's preview rule.")
    return PostRecord(
        source_id=post_id,
        title=common.shorten(title or slug.replace("-", " "), common.HEADLINE_MAX, "Title", notes),
        slug=slug,
        body=common.body_with_break(body, PAYWALL_JUMP, paywalled=paywalled),
        access=access,
        published=published,
        published_at=published_at,
        standfirst=common.shorten(
            row.get("subtitle") or "", common.STANDFIRST_MAX, "Subtitle", notes
        ),
        old_path=("p", slug),
        notes=tuple(notes),
    )
