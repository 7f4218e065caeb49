"""Line charts drawn on the server as SVG: no JavaScript, and each with its numbers as a table.

`line_chart()` returns the geometry (the polyline, the gridlines, the labels) and the points;
templates/desk/includes/chart.html draws the SVG with its title and description and the table.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

WIDTH, HEIGHT = 640, 220
LEFT, RIGHT, TOP, BOTTOM = 64, 28, 12, 28
GRIDLINES = 4


@dataclass
class Point:
    day: date
    value: int
    shown: str
    x: float
    y: float
    # Formatted once here: the template's date filter is the slowest part of the page.
    iso: str = ""
    label: str = ""


@dataclass
class Chart:
    slug: str
    title: str
    description: str
    column: str
    points: list[Point]
    width: int = WIDTH
    height: int = HEIGHT
    polyline: str = ""
    gridlines: list[tuple[float, str]] = field(default_factory=list)
    x_labels: list[tuple[float, str]] = field(default_factory=list)


def _top(highest: int) -> int:
    """A round top for the scale: 1, 2 or 5 times a power of ten, at least `highest`."""
    if highest <= 0:
        return GRIDLINES
    step = 1
    while True:
        for m in (1, 2, 5):
            if m * step * GRIDLINES >= highest:
                return m * step * GRIDLINES
        step *= 10


def sample(rows: list[tuple[date, int]], *, every: int = 7) -> list[tuple[date, int]]:
    """One point a week counted back from the last day (today), and the first day recorded,
    so the line starts where the records do. Days without figures are left out."""
    if not rows:
        return []
    last = rows[-1][0]
    return [
        (day, value)
        for i, (day, value) in enumerate(rows)
        if i == 0 or (last - day).days % every == 0
    ]


def line_chart(
    *,
    slug: str,
    title: str,
    column: str,
    series: list[tuple[date, int]],
    shown: Callable[[int], str] = lambda v: f"{v:,}",
) -> Chart:
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    top = _top(max((v for _d, v in series), default=0))
    count = len(series)
    points = []
    for i, (day, value) in enumerate(series):
        x = LEFT + (plot_w * i / (count - 1) if count > 1 else plot_w)
        y = TOP + plot_h * (1 - value / top)
        points.append(
            Point(
                day,
                value,
                shown(value),
                round(x, 1),
                round(y, 1),
                iso=day.isoformat(),
                label=f"{day.day} {day:%b %Y}",
            )
        )
    if points:
        first, last = points[0], points[-1]
        description = (
            f"{column} went from {first.shown} on {first.day:%d %B %Y} "
            f"to {last.shown} on {last.day:%d %B %Y}."
        )
    else:
        description = f"No {column.lower()} recorded yet."
    chart = Chart(slug=slug, title=title, description=description, column=column, points=points)
    chart.polyline = " ".join(f"{p.x},{p.y}" for p in points)
    chart.gridlines = [
        (round(TOP + plot_h * (1 - n / GRIDLINES), 1), shown(top * n // GRIDLINES))
        for n in range(GRIDLINES + 1)
    ]
    step = max(count // 4, 1)
    chart.x_labels = [(p.x, f"{p.day:%d %b}") for p in points[::-1][::step][::-1]]
    return chart
