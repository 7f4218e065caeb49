"""The shape of the code: the product apps hold only the product."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PRODUCT_APPS = (
    "accounts",
    "articles",
    "subscriptions",
    "giftsubs",
    "newsletters",
    "jobs",
    "emails",
    "newsroom",
    "pages",
)


def _imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module)
    return found


def test_no_product_module_imports_from_devtools():
    offenders = [
        f"{path.relative_to(ROOT)} imports {module}"
        for app in PRODUCT_APPS
        for path in sorted((ROOT / app).rglob("*.py"))
        for module in sorted(_imported_modules(path))
        if module == "devtools" or module.startswith("devtools.")
    ]
    # The scan must see the product: an empty walk would pass for the wrong reason.
    assert "django.conf" in _imported_modules(ROOT / "articles" / "views.py")
    assert offenders == []


LONG_FILE_LINES = 400
TOOLING = ("devtools", "bench", "jobs")


def test_a_file_over_400_lines_says_why_at_its_top():
    unexplained = []
    checked = 0
    for folder in PRODUCT_APPS + TOOLING:
        for path in sorted((ROOT / folder).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            text = path.read_text(encoding="utf-8")
            checked += 1
            if text.count("\n") > LONG_FILE_LINES:
                docstring = ast.get_docstring(ast.parse(text)) or ""
                if "Longer than 400 lines" not in docstring:
                    unexplained.append(str(path.relative_to(ROOT)))
    assert checked > 50  # the walk saw the code
    assert unexplained == []
