"""The dry run and the import itself, from records of any platform (records.py).

Both ask the same question of every record: what is it here already (by the platform's id,
ImportedItem), and is it unchanged (its fingerprint)? The dry run answers in words; the import
acts on the answer. A record whose fingerprint is unchanged is left alone, so importing the same
export twice changes nothing the second time.
"""

import hashlib
import json
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import PurePosixPath

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.html import strip_tags

from articles.models import Article, ArticleAuthor, ArticleRedirect, Author, Section, Tag

from .models import ImportedItem
from .records import AuthorRecord, Export, PostRecord, TagRecord

CREATE, UPDATE, UNCHANGED, SKIP = "create", "update", "unchanged", "skip"


@dataclass
class Action:
    kind: str
    source_id: str
    label: str
    verb: str
    reasons: list[str] = field(default_factory=list)


def _digest(record: AuthorRecord | TagRecord) -> str:
    return hashlib.sha256(json.dumps(asdict(record), sort_keys=True).encode()).hexdigest()


class Importer:
    """One export into one section. `dry_run()` says what `run()` would do."""

    def __init__(self, export: Export, *, section: Section, author: Author | None = None):
        self.export = export
        self.section = section
        self.default_author = author
        items = ImportedItem.objects.filter(source=export.source)
        self.items = {(i.kind, i.source_id): i for i in items}
        self.slugs: dict[str, str] = {}  # post source id → the slug it gets here

    # ------------------------------------------------------------------ deciding

    def _verb(self, kind: str, source_id: str, fingerprint: str) -> str:
        item = self.items.get((kind, source_id))
        if item is None or not (item.article_id or item.author_id or item.tag_id):
            return CREATE
        return UNCHANGED if item.fingerprint == fingerprint else UPDATE

    def _numbered_slug(self, base: str, mine: int | None, taken_here: set[str]) -> str:
        n, slug = 1, base
        while slug in taken_here or Article.objects.filter(slug=slug).exclude(pk=mine).exists():
            n += 1
            slug = f"{base[: 200 - len(str(n)) - 1]}-{n}"
        return slug

    def _assign_slugs(self) -> None:
        """Each post keeps its own slug unless another story (not the one it became) has it.

        The posts' own slugs are looked up in one query, so an export of thousands of posts
        costs one query here however many batches it is imported in; only a post whose slug is
        taken asks again, for a numbered one.
        """
        owners = dict(
            Article.objects.filter(slug__in={r.slug for r in self.export.posts}).values_list(
                "slug", "pk"
            )
        )
        taken: set[str] = set()
        for record in self.export.posts:
            item = self.items.get(("post", record.source_id))
            mine = item.article_id if item else None
            slug = record.slug
            if slug in taken or owners.get(slug, mine) != mine:
                slug = self._numbered_slug(record.slug, mine, taken)
            taken.add(slug)
            self.slugs[record.source_id] = slug

    def dry_run(self) -> list[Action]:
        self._assign_slugs()
        actions = [
            Action(s.kind, s.source_id, s.label, SKIP, [s.reason]) for s in self.export.skipped
        ]
        for author in self.export.authors:
            verb = self._verb("author", author.source_id, _digest(author))
            reasons = []
            if verb == CREATE and Author.objects.filter(slug=author.slug).exists():
                reasons.append(f"An author “{author.slug}” exists already: the stories go to them.")
            actions.append(Action("author", author.source_id, author.name, verb, reasons))
        for tag in self.export.tags:
            verb = self._verb("tag", tag.source_id, _digest(tag))
            reasons = []
            if verb == CREATE and self._existing_tag(tag) is not None:
                reasons.append(f"The topic “{tag.name}” exists already: the stories get it.")
            actions.append(Action("tag", tag.source_id, tag.name, verb, reasons))
        for record in self.export.posts:
            verb = self._verb("post", record.source_id, record.fingerprint(self.section.pk))
            actions.append(Action("post", record.source_id, record.title, verb, self._why(record)))
        return actions

    def _why(self, record: PostRecord) -> list[str]:
        slug = self.slugs[record.source_id]
        reasons = [
            f"{Article.Access(record.access).label.split(':')[0]}, "
            f"{'published' if record.published else 'a draft'}."
        ]
        if slug != record.slug:
            reasons.append(f"Another story has the slug “{record.slug}”: this one gets “{slug}”.")
        if record.old_path and record.published:
            first, old_slug = record.old_path
            old = f"/{first}/{old_slug}/" if first else f"/{old_slug}/"
            reasons.append(f"{old} will redirect to /{self.section.slug}/{slug}/.")
        return reasons + list(record.notes)

    # ------------------------------------------------------------------ doing

    def _existing_tag(self, record: TagRecord) -> Tag | None:
        return (
            Tag.objects.filter(slug=record.slug).first()
            or Tag.objects.filter(name__iexact=record.name).first()
        )

    def _remember(self, kind: str, source_id: str, fingerprint: str, **target) -> None:
        item, _ = ImportedItem.objects.update_or_create(
            source=self.export.source,
            kind=kind,
            source_id=source_id,
            defaults={"fingerprint": fingerprint, **target},
        )
        self.items[(kind, source_id)] = item

    def _people_and_tags(self, counts: Counter) -> tuple[dict[str, Author], dict[str, Tag]]:
        authors: dict[str, Author] = {}
        for record in self.export.authors:
            digest = _digest(record)
            verb = self._verb("author", record.source_id, digest)
            counts[f"author {verb}"] += 1
            if verb == UNCHANGED:
                authors[record.source_id] = self.items[("author", record.source_id)].author
                continue
            item = self.items.get(("author", record.source_id))
            author = (item.author if item else None) or Author.objects.filter(
                slug=record.slug
            ).first()
            if author is None:
                author = Author(slug=record.slug)
            author.name = record.name
            author.bio = record.bio or author.bio
            author.save()
            self._remember("author", record.source_id, digest, author=author)
            authors[record.source_id] = author
        tags: dict[str, Tag] = {}
        for record in self.export.tags:
            digest = _digest(record)
            verb = self._verb("tag", record.source_id, digest)
            counts[f"tag {verb}"] += 1
            item = self.items.get(("tag", record.source_id))
            tag = (item.tag if item else None) or self._existing_tag(record)
            if tag is None:
                tag = Tag.objects.create(name=record.name, slug=record.slug)
            if verb != UNCHANGED:
                self._remember("tag", record.source_id, digest, tag=tag)
            tags[record.source_id] = tag
        return authors, tags

    def run(self, *, start: int = 0, stop: int | None = None) -> Counter:
        """Import posts[start:stop] (and every author and tag), all or nothing."""
        counts: Counter = Counter()
        with transaction.atomic():
            self._assign_slugs()
            authors, tags = self._people_and_tags(counts)
            for record in self.export.posts[start:stop]:
                fingerprint = record.fingerprint(self.section.pk)
                verb = self._verb("post", record.source_id, fingerprint)
                counts[f"post {verb}"] += 1
                if verb == UNCHANGED:
                    continue
                item = self.items.get(("post", record.source_id))
                article = self._write(record, item.article if item else None, authors, tags)
                self._remember("post", record.source_id, fingerprint, article=article)
        return counts

    def _write(self, record: PostRecord, article, authors, tags) -> Article:
        slug = self.slugs[record.source_id]
        article = article or Article()
        article.section = self.section
        article.headline = record.title
        article.slug = slug
        article.standfirst = record.standfirst
        article.body = record.body
        article.access = record.access
        article.status = Article.Status.PUBLISHED if record.published else Article.Status.DRAFT
        article.published_at = record.published_at if record.published else None
        article.seo_title = record.seo_title
        article.seo_description = record.seo_description
        if record.image is not None:
            extension = PurePosixPath(record.image.name).suffix.lower()[:6] or ".jpg"
            article.hero_image.save(
                f"{slug[:80]}{extension}", ContentFile(record.image.content), save=False
            )
            # The admin asks every picture for alt text; the headline stands in until an
            # editor writes one (the dry run says when the export had none).
            article.hero_alt = (record.image_alt or record.title)[:250]
            article.hero_caption = strip_tags(record.image_caption)[:300]
        article.save()
        byline = [authors[i] for i in record.author_ids if i in authors]
        if not byline and self.default_author is not None:
            byline = [self.default_author]
        article.bylines.all().delete()
        ArticleAuthor.objects.bulk_create(
            [ArticleAuthor(article=article, author=a, order=n) for n, a in enumerate(byline)]
        )
        article.tags.set([tags[i] for i in record.tag_ids if i in tags])
        if record.old_path and record.old_path != (self.section.slug, slug):
            first, old_slug = record.old_path
            ArticleRedirect.objects.update_or_create(
                section_slug=first, slug=old_slug, defaults={"article": article}
            )
        return article


def totals(actions: list[Action]) -> dict[str, int]:
    return dict(Counter(f"{a.kind} {a.verb}" for a in actions))
