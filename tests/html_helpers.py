"""Reading a rendered page as a reader (and a screen reader) meets it, without a browser.

`page_text` is the visible text of <main>, whitespace collapsed, so a test asserts the
sentence a reader sees rather than the markup around it. `assert_accessible_basics` is a
small, axe-like check: one h1, headings that never skip a level going down, every button
and link with a name, no duplicate ids.
"""

from dataclasses import dataclass, field
from html.parser import HTMLParser

SKIPPED = {"script", "style", "template", "noscript"}
VOID = {
    "area", "base", "br", "col", "embed", "hr", "img", "input",
    "link", "meta", "source", "track", "wbr",
}  # fmt: skip


@dataclass
class Form:
    method: str
    action: str
    buttons: list[str] = field(default_factory=list)


@dataclass
class Element:
    tag: str
    attrs: dict
    text: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        label = self.attrs.get("aria-label") or " ".join("".join(self.text).split())
        return label.strip()


class _Reader(HTMLParser):
    def __init__(self, within: str):
        super().__init__(convert_charrefs=True)
        self.within = within
        self.depth_in_scope = 0
        self.skipping = 0
        self.hidden = 0
        self.stack: list[tuple[str, bool]] = []
        self.text: list[str] = []
        self.headings: list[Element] = []
        self.buttons: list[Element] = []
        self.links: list[Element] = []
        self.forms: list[Form] = []
        self.ids: list[str] = []
        self.open: list[Element] = []

    def handle_starttag(self, tag, attrs):
        attrs = {k: (v or "") for k, v in attrs}
        if "id" in attrs:
            self.ids.append(attrs["id"])
        if tag in VOID:
            return
        hidden = "hidden" in attrs or attrs.get("aria-hidden") == "true"
        self.stack.append((tag, hidden))
        self.hidden += hidden
        if tag in SKIPPED:
            self.skipping += 1
        if tag == self.within or (
            self.within.startswith("#") and attrs.get("id") == self.within[1:]
        ):
            self.depth_in_scope += 1
        element = Element(tag, attrs)
        if tag in {"h1", "h2", "h3", "h4", "h5", "h6"}:
            self.headings.append(element)
        elif tag == "button":
            self.buttons.append(element)
            if self.forms and self.depth_in_scope:
                self.forms[-1].buttons.append(element)
        elif tag == "a" and "href" in attrs:
            self.links.append(element)
        elif tag == "form" and self.depth_in_scope:
            self.forms.append(Form(attrs.get("method", "get").lower(), attrs.get("action", "")))
        self.open.append(element)

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        while self.stack:
            open_tag, hidden = self.stack.pop()
            element = self.open.pop()
            self.hidden -= hidden
            if open_tag in SKIPPED:
                self.skipping -= 1
            if open_tag == self.within or (
                self.within.startswith("#") and element.attrs.get("id") == self.within[1:]
            ):
                self.depth_in_scope -= 1
            if open_tag == tag:
                break

    def handle_data(self, data):
        if self.skipping:
            return
        for element in self.open:
            element.text.append(data)
        if self.depth_in_scope and not self.hidden:
            self.text.append(data)


def read(html: str, within: str = "main") -> _Reader:
    reader = _Reader(within)
    reader.feed(html)
    reader.close()
    return reader


def page_text(html: str, within: str = "main") -> str:
    """The visible text inside `within` (a tag name, or "#id"), whitespace collapsed."""
    return " ".join(" ".join(read(html, within).text).split())


def button_names(html: str) -> list[str]:
    return [button.name for button in read(html).buttons]


def post_forms(html: str, within: str = "main") -> dict[str, list[str]]:
    """{action: [button names]} for each POST form inside `within`."""
    forms: dict[str, list[str]] = {}
    for form in read(html, within).forms:
        if form.method == "post":
            forms.setdefault(form.action, []).extend(b.name for b in form.buttons)
    return forms


def heading_outline(html: str) -> list[tuple[int, str]]:
    return [(int(h.tag[1]), h.name) for h in read(html).headings]


def assert_accessible_basics(html: str) -> None:
    page = read(html)
    levels = [int(h.tag[1]) for h in page.headings]
    assert levels.count(1) == 1, f"expected one h1, got {levels}"
    assert levels[0] == 1, f"the first heading is h{levels[0]}"
    for before, after in zip(levels, levels[1:], strict=False):
        assert after <= before + 1, f"heading skips from h{before} to h{after}: {levels}"
    for heading in page.headings:
        assert heading.name, f"an empty {heading.tag}"
    unnamed = [b.attrs for b in page.buttons if not b.name]
    assert not unnamed, f"buttons without a name: {unnamed}"
    unnamed = [a.attrs for a in page.links if not a.name]
    assert not unnamed, f"links without a name: {unnamed}"
    duplicates = {i for i in page.ids if page.ids.count(i) > 1}
    assert not duplicates, f"duplicate ids: {duplicates}"
