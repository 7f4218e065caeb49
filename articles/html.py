"""Article body HTML: the one allow-list, sanitising, and the paywall cut.

The body is stored already sanitised. The preview is cut from the parsed HTML at top-level
block boundaries, so a cut never falls inside a tag, a list or a figure.
"""

from dataclasses import dataclass, field
from html import escape
from html.parser import HTMLParser
from typing import Any

import nh3
from django_prose_editor.config import EXTENSION_MAPPING, add_allowed_classes, expand_extensions

PAYWALL_BREAK_CLASS = "paywall-break"
PAYWALL_BREAK = f'<hr class="{PAYWALL_BREAK_CLASS}">'

# The one definition of the body's markup. The admin's prose editor is configured with it and
# the sanitiser's allow-list is derived from it, so the editor cannot produce markup that the
# sanitiser would strip, and nothing the sanitiser keeps is beyond what the editor can make.
EDITOR_EXTENSIONS: dict[str, object] = {
    "Heading": {"levels": [2, 3, 4]},
    "Bold": True,
    "Italic": True,
    "Underline": True,
    "Strike": True,
    "Subscript": True,
    "Superscript": True,
    "Code": True,
    "HardBreak": True,
    "Link": {"enableTarget": False, "protocols": ["http", "https", "mailto"]},
    "BulletList": True,
    "OrderedList": True,
    "ListItem": True,
    "Blockquote": True,
    "HorizontalRule": True,
    "Figure": True,
    "Caption": True,
    "Image": True,
    # Our own node (static/articles/editor/paywall-break.js): stored as PAYWALL_BREAK.
    "PaywallBreak": True,
}

# Attributes the site adds to images after sanitising (renditions); never typed by hand.
RENDITION_IMG_ATTRIBUTES = {"srcset", "sizes", "loading", "decoding", "width", "height"}


def paywall_break_allowlist(config: object, shared_config: dict[str, Any]) -> None:
    """Sanitiser processor for the PaywallBreak editor node: an <hr> with one allowed class."""
    shared_config["tags"].add("hr")
    add_allowed_classes(shared_config, {"hr": [PAYWALL_BREAK_CLASS]})


def _allowlist() -> dict[str, Any]:
    processors = EXTENSION_MAPPING | {"PaywallBreak": paywall_break_allowlist}
    shared: dict[str, Any] = {"tags": set(), "attributes": {}}
    for name, config in expand_extensions(EDITOR_EXTENSIONS).items():
        processors[name](config, shared)
    attributes = {tag: set(attrs) for tag, attrs in shared["attributes"].items()}
    # Links always get rel="noopener noreferrer" from the sanitiser, so nobody types a rel.
    attributes["a"] = attributes.get("a", set()) - {"rel", "target"}
    # The editor's internal upload marker means nothing to readers.
    attributes["img"] = (attributes.get("img", set()) - {"data-file"}) | RENDITION_IMG_ATTRIBUTES
    return {
        "tags": frozenset(shared["tags"]),
        "attributes": {tag: frozenset(attrs) for tag, attrs in attributes.items() if attrs},
        "allowed_classes": {
            tag: frozenset(classes) for tag, classes in shared.get("allowed_classes", {}).items()
        },
        "url_schemes": frozenset(shared.get("url_schemes") or {"http", "https", "mailto"}),
    }


_ALLOWLIST = _allowlist()
ALLOWED_TAGS: dict[str, frozenset[str]] = {
    tag: _ALLOWLIST["attributes"].get(tag, frozenset()) for tag in sorted(_ALLOWLIST["tags"])
}
ALLOWED_CLASSES = _ALLOWLIST["allowed_classes"]
ALLOWED_URL_SCHEMES = _ALLOWLIST["url_schemes"]

_VOID_ELEMENTS = {"br", "hr", "img", "wbr", "area", "base", "col", "embed", "input", "source"}


def sanitize_html(html: str) -> str:
    """Return `html` reduced to the allow-list: no scripts, handlers or dangerous URLs."""
    return nh3.clean(
        html or "",
        tags=set(ALLOWED_TAGS),
        attributes={tag: set(attrs) for tag, attrs in ALLOWED_TAGS.items() if attrs},
        allowed_classes={tag: set(classes) for tag, classes in ALLOWED_CLASSES.items()},
        url_schemes=set(ALLOWED_URL_SCHEMES),
        link_rel="noopener noreferrer",
        strip_comments=True,
    ).strip()


@dataclass(frozen=True)
class Block:
    html: str
    is_paywall_break: bool = False
    contains_paywall_break: bool = False


class _BlockSplitter(HTMLParser):
    """Re-serialises a sanitised fragment as its list of top-level nodes."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[Block] = []
        self._parts: list[str] = []
        self._depth = 0
        self._is_break = False
        self._contains_break = False

    def _close_block(self) -> None:
        html = "".join(self._parts)
        if html.strip():
            self.blocks.append(Block(html, self._is_break, self._contains_break))
        self._parts = []
        self._is_break = self._contains_break = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        is_break = tag == "hr" and PAYWALL_BREAK_CLASS in (dict(attrs).get("class") or "").split()
        if self._depth == 0:
            self._close_block()
            self._is_break = is_break
        elif is_break:
            self._contains_break = True
            return  # a stray break inside a block is dropped; the cut falls before that block
        rendered = "".join(
            f' {name}="{escape(value, quote=True)}"' if value is not None else f" {name}"
            for name, value in attrs
        )
        self._parts.append(f"<{tag}{rendered}>")
        if tag in _VOID_ELEMENTS:
            if self._depth == 0:
                self._close_block()
        else:
            self._depth += 1

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag in _VOID_ELEMENTS:
            return
        self._parts.append(f"</{tag}>")
        self._depth = max(self._depth - 1, 0)
        if self._depth == 0:
            self._close_block()

    def handle_data(self, data: str) -> None:
        if self._depth == 0 and data.strip():
            self._close_block()
            self._parts.append(escape(data.strip(), quote=False))
            self._close_block()
        elif self._depth > 0:
            self._parts.append(escape(data, quote=False))

    def close(self) -> None:
        super().close()
        self._close_block()


def split_blocks(html: str) -> list[Block]:
    parser = _BlockSplitter()
    parser.feed(html or "")
    parser.close()
    return parser.blocks


@dataclass(frozen=True)
class Cut:
    preview: str
    # What only readers with full access receive; kept out of reprs, so debug pages and error
    # trackers that print locals do not carry it.
    rest: str = field(repr=False)

    @property
    def full(self) -> str:
        """The whole body without the break marker, for readers with access (newsletter emails)."""
        return "\n".join(part for part in (self.preview, self.rest) if part)


def _first_break(blocks: list[Block]) -> int | None:
    """Where the first paywall break is: the number of content blocks before it (the blocks
    before the first break are all content). A break inside a block counts. None without one."""
    for index, block in enumerate(blocks):
        if block.is_paywall_break or block.contains_paywall_break:
            return index
    return None


def paywall_break_position(html: str) -> int | None:
    """How many content blocks come before the paywall break; None without one."""
    return _first_break(split_blocks(html))


def _preview_length(blocks: list[Block], content: list[Block], preview_blocks: int) -> int:
    """How many content blocks readers without access see: THE preview rule.

    An explicit break wins, unless it stands after the last block: that hides nothing, so it
    counts as no break. Without one, the preview is the first `preview_blocks` blocks but never
    more than half of the blocks (rounded down), so whatever its shape (one block, a short
    article) a reader without access never receives the whole body.
    """
    first_break = _first_break(blocks)
    if first_break is not None and first_break < len(content):
        return first_break
    # Never negative: a slice with a negative stop would be "all but the last few blocks".
    return min(max(preview_blocks, 0), len(content) // 2)


def cut(html: str, *, preview_blocks: int) -> Cut:
    """Split a sanitised body into its preview and its full text (without the break marker).

    The preview's length follows `_preview_length`. A break found inside a block (which the
    editor does not produce) cuts before that block.
    """
    blocks = split_blocks(html)
    content = [b for b in blocks if not b.is_paywall_break]
    stop = _preview_length(blocks, content, preview_blocks)
    return Cut(
        preview="\n".join(b.html for b in content[:stop]),
        rest="\n".join(b.html for b in content[stop:]),
    )


@dataclass(frozen=True)
class PreviewShape:
    """What readers without access get of a body, for the editors' warnings."""

    shown: int
    total: int
    break_after_last: bool

    def warning(self, readers: str) -> str | None:
        """Why an editor should look again at this preview, or None when it is sensible.

        `readers` names who gets only the preview ("Readers without a subscription").
        """
        if self.total == 0:
            return None
        # "paragraphs" even for one, as editors think of the body in paragraphs.
        seen = f"{readers} will see {self.shown} of {self.total} paragraphs"
        if self.break_after_last:
            return (
                "The paywall break is after the last paragraph, so it hides nothing and "
                f"counts as no break. {seen}."
            )
        if self.shown == 0:
            return f"{seen}: only the headline and standfirst."
        if self.shown * 2 > self.total:
            return f"{seen}: more than half of the article."
        return None


def preview_shape(html: str, *, preview_blocks: int) -> PreviewShape:
    blocks = split_blocks(html)
    content = [b for b in blocks if not b.is_paywall_break]
    first_break = _first_break(blocks)
    return PreviewShape(
        shown=_preview_length(blocks, content, preview_blocks),
        total=len(content),
        break_after_last=first_break is not None and first_break >= len(content),
    )
