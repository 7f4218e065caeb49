"""Small pieces both readers share: dates, slugs, images, and the body's paywall marker."""

import base64
import binascii
import io
import re
from datetime import UTC, datetime
from pathlib import PurePosixPath

from django.utils.text import slugify
from PIL import Image as PILImage
from PIL import UnidentifiedImageError

from articles.html import PAYWALL_BREAK, sanitize_html

from .bundle import Bundle
from .records import BadExport, Image

MAX_ERRORS = 10
HEADLINE_MAX = 200
STANDFIRST_MAX = 400
SLUG_MAX = 200


class Problems:
    """Every problem of an export, each saying where it is; raised together at the end."""

    def __init__(self, what: str):
        self.what = what
        self.found: list[str] = []

    def add(self, message: str) -> None:
        self.found.append(message)

    def raise_any(self) -> None:
        if not self.found:
            return
        shown = self.found[:MAX_ERRORS]
        more = len(self.found) - len(shown)
        tail = f" … and {more} more." if more else ""
        raise BadExport(
            f"{self.what} cannot be imported; nothing was changed. " + " ".join(shown) + tail
        )


def when(value, *, where: str, problems: Problems) -> datetime | None:
    if value in (None, ""):
        return None
    try:
        if isinstance(value, int | float):  # Ghost's older exports: milliseconds
            return datetime.fromtimestamp(value / 1000, UTC)
        moment = datetime.fromisoformat(str(value).strip().replace("Z", "+00:00"))
    except (ValueError, OverflowError, OSError):
        problems.add(f"{where}: “{value}” is not a date.")
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def clean_slug(value: str) -> str:
    return slugify(value or "")[:SLUG_MAX].strip("-")


def shorten(value: str, limit: int, label: str, notes: list[str]) -> str:
    value = (value or "").strip()
    if len(value) > limit:
        notes.append(f"{label} shortened to {limit} characters.")
        return value[: limit - 1].rstrip() + "…"
    return value


def body_with_break(html: str, marker: re.Pattern[str], *, paywalled: bool) -> str:
    """The platform's paywall marker becomes our break (for a story readers pay or sign up
    for), then the whole body goes through our one allow-list."""
    replaced = marker.sub(PAYWALL_BREAK if paywalled else "", html or "", count=1)
    # Markers after the first mean nothing: the preview ends at the first.
    return sanitize_html(marker.sub("", replaced))


def image(reference: str | None, bundle: Bundle, *, where: str, notes: list[str]) -> Image | None:
    """A picture the export itself holds: a data: URL, or a file beside the export under the
    path the URL names (Ghost's content/images/...). Pictures only on the old site are not
    fetched (imports run offline); the dry run says so."""
    if not reference:
        return None
    content, name = None, ""
    if reference.startswith("data:"):
        header, _, encoded = reference.partition(",")
        try:
            content = base64.b64decode(encoded, validate=True) if ";base64" in header else None
        except (binascii.Error, ValueError):
            content = None
        subtype = header.removeprefix("data:").split(";")[0].split("/")[-1] or "img"
        name = f"imported.{re.sub(r'[^a-z0-9]', '', subtype.lower())[:5]}"
    else:
        path = reference.split("?", 1)[0].split("#", 1)[0]
        path = re.sub(r"^(__GHOST_URL__|https?://[^/]+)", "", path).lstrip("/")
        content = bundle.get(path) if path else None
        name = PurePosixPath(path).name
        if content is None:
            notes.append(f"{where} {reference} is not in the export: not imported.")
            return None
    if not content or not _is_picture(content):
        notes.append(f"{where} is not a picture we can read: not imported.")
        return None
    return Image(name=name or "imported", content=content)


def _is_picture(content: bytes) -> bool:
    try:
        with PILImage.open(io.BytesIO(content)) as picture:
            picture.verify()
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
        return False
    return True
