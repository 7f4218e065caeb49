"""Demo hero images: abstract illustrations drawn with Pillow, one style per section.

No text in them (nothing to clip), no network and no fonts: the same picture on every machine
for the same seed.
"""

import math
import random
from io import BytesIO

from django.core.files.base import ContentFile
from PIL import Image, ImageDraw

WIDTH, HEIGHT = 1600, 900


def _gradient(draw: ImageDraw.ImageDraw, top, bottom, y0: int = 0, y1: int = HEIGHT) -> None:
    for y in range(y0, y1):
        t = (y - y0) / max(1, y1 - y0 - 1)
        colour = tuple(round(a + (b - a) * t) for a, b in zip(top, bottom, strict=True))
        draw.line([(0, y), (WIDTH, y)], fill=colour)


def _waves(draw, rng, y0: int, colours, amplitude: int = 14) -> None:
    """Bands of sea from y0 down, each with a gently wavy top edge."""
    band = (HEIGHT - y0) // len(colours) + 1
    for i, colour in enumerate(colours):
        top = y0 + i * band
        phase, length = rng.uniform(0, math.tau), rng.uniform(180, 320)
        edge = [
            (x, top + amplitude * math.sin(phase + x / length * math.tau))
            for x in range(0, WIDTH + 20, 20)
        ]
        draw.polygon([*edge, (WIDTH, HEIGHT), (0, HEIGHT)], fill=colour)


def _draw_news(draw, rng) -> None:
    _gradient(draw, (28, 38, 78), (238, 146, 92), 0, 640)
    sun_x = rng.randint(300, 1300)
    draw.ellipse([(sun_x - 90, 470), (sun_x + 90, 650)], fill=(252, 205, 120))
    x = rng.randint(-40, 0)
    while x < WIDTH:
        width, height = rng.randint(70, 170), rng.randint(140, 430)
        shade = rng.randint(28, 48)
        draw.rectangle([(x, 640 - height), (x + width, 640)], fill=(shade, shade + 4, shade + 22))
        for wy in range(640 - height + 24, 620, 34):
            for wx in range(x + 14, x + width - 20, 28):
                if rng.random() < 0.35:
                    draw.rectangle([(wx, wy), (wx + 12, wy + 16)], fill=(250, 214, 130))
        x += width + rng.randint(4, 26)
    _gradient(draw, (48, 58, 96), (18, 24, 48), 640, HEIGHT)
    for y in range(655, HEIGHT, 22):
        start = rng.randint(0, WIDTH - 300)
        draw.line([(start, y), (start + rng.randint(80, 300), y)], fill=(226, 150, 100), width=3)


def _draw_politics(draw, rng) -> None:
    _gradient(draw, (24, 52, 112), (132, 166, 214))
    stone, shadow = (238, 230, 212), (196, 186, 164)
    left, right, base = 360, 1240, 760
    for step in range(3):
        inset = step * 30
        draw.rectangle(
            [
                (left - 60 + inset, base + 40 - step * 26),
                (right + 60 - inset, base + 66 - step * 26),
            ],
            fill=stone,
            outline=shadow,
        )
    columns = rng.choice([6, 8])
    gap = (right - left) / (columns - 1)
    for i in range(columns):
        cx = left + i * gap
        draw.rectangle([(cx - 26, 420), (cx + 26, base)], fill=stone)
        draw.line([(cx - 8, 430), (cx - 8, base - 10)], fill=shadow, width=4)
        draw.line([(cx + 10, 430), (cx + 10, base - 10)], fill=shadow, width=4)
    draw.rectangle([(left - 70, 370), (right + 70, 420)], fill=stone, outline=shadow, width=3)
    draw.polygon([(left - 90, 370), (WIDTH // 2, 210), (right + 90, 370)], fill=stone)
    draw.polygon([(left - 30, 358), (WIDTH // 2, 236), (right + 30, 358)], fill=shadow)
    draw.line([(WIDTH // 2, 210), (WIDTH // 2, 110)], fill=(60, 60, 70), width=6)
    flag = rng.choice([(176, 36, 48), (30, 110, 80), (220, 170, 40)])
    draw.polygon([(WIDTH // 2 + 3, 110), (WIDTH // 2 + 110, 132), (WIDTH // 2 + 3, 156)], fill=flag)


def _draw_climate(draw, rng) -> None:
    _gradient(draw, (176, 214, 232), (244, 240, 222), 0, 620)
    sun_x = rng.randint(1050, 1400)
    draw.ellipse([(sun_x - 70, 110), (sun_x + 70, 250)], fill=(255, 236, 170))
    draw.polygon(
        [(0, 520), (260, 470), (620, 500), (900, 560), (1000, 640), (0, 640)], fill=(74, 128, 78)
    )
    turbines = rng.randint(3, 5)
    for k in range(turbines):
        tx, ground = 110 + k * (720 // turbines) + rng.randint(-30, 30), 540
        top, blade = ground - rng.randint(230, 300), rng.randint(90, 120)
        draw.line([(tx, ground), (tx, top)], fill=(248, 248, 246), width=9)
        angle = rng.uniform(0, math.tau)
        for k in range(3):
            a = angle + k * math.tau / 3
            draw.line(
                [(tx, top), (tx + blade * math.cos(a), top + blade * math.sin(a))],
                fill=(248, 248, 246),
                width=7,
            )
        draw.ellipse([(tx - 9, top - 9), (tx + 9, top + 9)], fill=(225, 225, 222))
    _waves(draw, rng, 600, [(46, 110, 150), (34, 92, 134), (26, 74, 116), (20, 58, 96)])


def _draw_business(draw, rng) -> None:
    _gradient(draw, (250, 232, 204), (236, 178, 128), 0, 720)
    crane = (46, 52, 64)
    cx = rng.randint(1150, 1350)
    draw.rectangle([(cx - 70, 220), (cx - 50, 720)], fill=crane)
    draw.rectangle([(cx + 50, 220), (cx + 70, 720)], fill=crane)
    draw.rectangle([(cx - 420, 200), (cx + 160, 228)], fill=crane)
    draw.line([(cx - 60, 200), (cx, 120), (cx + 60, 200)], fill=crane, width=10)
    hook_x = cx - rng.randint(200, 380)
    draw.line([(hook_x, 228), (hook_x, 262)], fill=crane, width=4)
    colours = [(196, 52, 44), (38, 92, 168), (232, 176, 44), (36, 132, 96), (222, 112, 48)]
    # The container on the hook hangs above the tallest stack (five high, top at y=360).
    draw.rectangle([(hook_x - 90, 262), (hook_x + 90, 330)], fill=rng.choice(colours))
    for stack_x in range(40, cx - 160, 190):
        for level in range(rng.randint(2, 5)):
            y = 720 - (level + 1) * 72
            colour = rng.choice(colours)
            draw.rectangle([(stack_x, y), (stack_x + 180, y + 68)], fill=colour)
            for rx in range(stack_x + 12, stack_x + 176, 14):
                draw.line([(rx, y + 6), (rx, y + 62)], fill=tuple(c - 28 for c in colour), width=3)
    _waves(draw, rng, 720, [(40, 84, 120), (30, 66, 100)], amplitude=8)


def _draw_culture(draw, rng, image) -> None:
    _gradient(draw, (252, 240, 222), (244, 220, 196))
    overlay = Image.new("RGBA", (WIDTH, HEIGHT), (0, 0, 0, 0))
    shapes = ImageDraw.Draw(overlay)
    palette = [(208, 52, 60), (244, 128, 52), (250, 190, 60), (104, 40, 120), (40, 120, 130)]
    for _ in range(rng.randint(7, 10)):
        x, y, r = rng.randint(100, 1500), rng.randint(80, 820), rng.randint(90, 300)
        shapes.ellipse([(x - r, y - r), (x + r, y + r)], fill=(*rng.choice(palette), 170))
    for _ in range(4):
        x, y, r = rng.randint(200, 1400), rng.randint(150, 750), rng.randint(160, 380)
        start = rng.randint(0, 360)
        shapes.arc(
            [(x - r, y - r), (x + r, y + r)],
            start,
            start + rng.randint(90, 220),
            fill=(*rng.choice(palette), 230),
            width=18,
        )
    image.paste(Image.alpha_composite(image.convert("RGBA"), overlay).convert("RGB"))


def hero_image(name: str, section: str, seed: str) -> ContentFile:
    """An abstract illustration for a section, with no text in it to clip (its alt text is
    the section's ``hero_alt`` in stories.json)."""
    rng = random.Random(seed)
    image = Image.new("RGB", (WIDTH, HEIGHT), (255, 255, 255))
    draw = ImageDraw.Draw(image)
    if section == "culture":
        _draw_culture(draw, rng, image)
    else:
        {
            "news": _draw_news,
            "politics": _draw_politics,
            "climate": _draw_climate,
            "business": _draw_business,
        }[section](draw, rng)
    buffer = BytesIO()
    image.save(buffer, format="JPEG", quality=82)
    # Named, so that Django reads its dimensions into hero_width and hero_height.
    return ContentFile(buffer.getvalue(), name=name)
