"""What an export says, whichever platform wrote it: the readers (ghost.py, substack.py) turn
their format into these records, and one planner (plan.py) brings them into our models."""

import hashlib
import json
from dataclasses import asdict, dataclass, field
from datetime import datetime


class BadExport(Exception):
    """The upload cannot be imported; the message says why, for the person who uploaded it.
    Raised before anything is written, so a bad export changes nothing."""


@dataclass(frozen=True)
class Image:
    """A picture found in the export itself (a file beside it or a data: URL)."""

    name: str
    content: bytes = field(repr=False)

    @property
    def digest(self) -> str:
        return hashlib.sha256(self.content).hexdigest()


@dataclass(frozen=True)
class AuthorRecord:
    source_id: str
    name: str
    slug: str
    bio: str = ""


@dataclass(frozen=True)
class TagRecord:
    source_id: str
    name: str
    slug: str


@dataclass(frozen=True)
class PostRecord:
    source_id: str
    title: str
    slug: str
    # Sanitised through our allow-list, with the platform's paywall marker as our break.
    body: str
    access: str  # an Article.Access value
    published: bool
    published_at: datetime | None
    standfirst: str = ""
    seo_title: str = ""
    seo_description: str = ""
    author_ids: tuple[str, ...] = ()
    tag_ids: tuple[str, ...] = ()
    image: Image | None = None
    image_alt: str = ""
    image_caption: str = ""
    # The address it had on the old site: (first path segment, slug); "" for Ghost's /<slug>/.
    old_path: tuple[str, str] | None = None
    # Said in the dry run next to the post: what was left behind and why.
    notes: tuple[str, ...] = ()

    def fingerprint(self, section_id: int) -> str:
        """Changes whenever anything we import from this post does: a second import of the
        same export finds every post unchanged."""
        data = asdict(self)
        data["image"] = self.image.digest if self.image else None
        data["section"] = section_id
        return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()


@dataclass(frozen=True)
class Skipped:
    """Something in the export we deliberately leave out (a page, an internal tag)."""

    kind: str
    source_id: str
    label: str
    reason: str


@dataclass
class Export:
    source: str  # ContentImport.Source value
    posts: list[PostRecord] = field(default_factory=list)
    authors: list[AuthorRecord] = field(default_factory=list)
    tags: list[TagRecord] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
