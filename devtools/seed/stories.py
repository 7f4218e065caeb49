"""The demo stories, read from ``stories.json``: a fictional coastal city newspaper, The Newsroom,
in Port Ellery. Every person, place and company in it is invented.

A story's body is a list of blocks: a string is a paragraph; ``{"h2": text}``,
``{"quote": text}``, ``{"ul": [items]}`` and ``{"ol": [items]}`` are the others, and
``{"break": true}`` is an explicit paywall break.
"""

import json
from html import escape
from pathlib import Path
from typing import Literal, TypedDict

from articles.html import PAYWALL_BREAK

STORIES_FILE = Path(__file__).with_name("stories.json")


Block = TypedDict(  # noqa: UP013 - "break" cannot be a class-syntax field
    "Block",
    {"h2": str, "quote": str, "ul": list[str], "ol": list[str], "break": bool},
    total=False,
)


class Section(TypedDict):
    name: str
    slug: str
    description: str


class Author(TypedDict):
    name: str
    slug: str
    bio: str


class Story(TypedDict):
    slug: str
    section: str
    access: Literal["public", "registered", "paid"]
    authors: list[str]  # author slugs, in byline order
    tags: list[str]  # tag names
    headline: str
    standfirst: str
    body: list[str | Block]


class DemoContent(TypedDict):
    sections: list[Section]
    authors: list[Author]
    tags: list[str]
    hero_alt: dict[str, str]  # section slug -> what its illustration shows
    stories: list[Story]  # newest first


def load() -> DemoContent:
    with STORIES_FILE.open(encoding="utf-8") as fh:
        content: DemoContent = json.load(fh)
    return content


def body_html(blocks: list[str | Block]) -> str:
    """An article body from a story's blocks, with ``{"break": true}`` as the paywall break."""
    html = []
    for block in blocks:
        if isinstance(block, str):
            html.append(f"<p>{escape(block, quote=False)}</p>")
        elif block.get("break"):
            html.append(PAYWALL_BREAK)
        elif "h2" in block:
            html.append(f"<h2>{escape(block['h2'], quote=False)}</h2>")
        elif "quote" in block:
            html.append(f"<blockquote><p>{escape(block['quote'], quote=False)}</p></blockquote>")
        elif "ul" in block or "ol" in block:
            kind = "ul" if "ul" in block else "ol"
            items = "".join(f"<li><p>{escape(item, quote=False)}</p></li>" for item in block[kind])
            html.append(f"<{kind}>{items}</{kind}>")
        else:
            raise ValueError(f"Unknown block: {block!r}")
    return "\n".join(html)
