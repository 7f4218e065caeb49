"""Running the content import in tests, on the samples in tests/data/."""

import json
from pathlib import Path

from content_import import services
from content_import.bundle import Bundle

DATA = Path(__file__).parent / "data"
GHOST_SAMPLE = DATA / "ghost-content.json"
SUBSTACK_FOLDER = DATA / "substack-export"
SUBSTACK_ZIP = DATA / "substack-export.zip"

# Past the members-only marker of the sample's paid post ("Inside the council vote").
GHOST_PAID_SECRET = "Harbour minutes show the vote was decided before the meeting."
GHOST_PAID_PREVIEW = "The council voted seven to four to sell the harbour warehouses."
# Past Substack's paywall-jump in "The budget gap".
SUBSTACK_PAID_SECRET = "Ledger pages show the shortfall was known in October."


def ghost_document() -> dict:
    return json.loads(GHOST_SAMPLE.read_text())


def bundle_of(document: dict, name: str = "export.json", **extra_files: bytes) -> Bundle:
    files = {name: json.dumps(document).encode(), **extra_files}
    return Bundle(files)


def dry_run(bundle: Bundle, *, section, source="ghost", author=None, actor=None):
    return services.prepare_import(
        source=source,
        bundle=bundle,
        filename="export.json" if source == "ghost" else "substack.zip",
        section=section,
        author=author,
        actor=actor,
    )


def import_now(bundle: Bundle, *, section, source="ghost", author=None):
    content_import = dry_run(bundle, section=section, source=source, author=author)
    return services.run_now(content_import, actor=None)


def verbs(content_import, kind="post") -> dict[str, str]:
    return {a["label"]: a["verb"] for a in content_import.plan if a["kind"] == kind}
