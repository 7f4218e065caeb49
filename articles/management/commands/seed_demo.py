"""Seed the demo: sections, authors, tags, thirty articles and three accounts.

The content is a fictional coastal city newspaper, The Newsroom, in Port Ellery: every person,
place and company in it is invented. Articles are written out as data at the bottom of this
file, so each has its own headline, standfirst and body.

Idempotent: running it again creates nothing that is already there (articles are keyed on their
slug). Deterministic: the same articles, bylines, tags and images on every machine. Hero images
are abstract illustrations drawn locally with Pillow, with no text in them, so it needs no
network and no fonts.
"""

import math
import random
from datetime import timedelta
from html import escape
from io import BytesIO

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone
from PIL import Image, ImageDraw

from articles.html import PAYWALL_BREAK
from articles.models import Article, ArticleAuthor, Author, Section, Tag
from devtools import newsletters_demo

DEMO_PASSWORD = "newsroom-demo"  # noqa: S105 - published demo credentials, by design

SECTIONS = [
    ("News", "news", "What happened in Port Ellery, and why it matters."),
    ("Politics", "politics", "Power, policy and the people who hold them to account."),
    ("Climate", "climate", "The warming world, reported from the coast."),
    ("Business", "business", "Money, work and the companies that shape both."),
    ("Culture", "culture", "Books, film, music and ideas."),
]

AUTHORS = [
    (
        "Amara Okafor",
        "amara-okafor",
        "Amara Okafor covers City Hall, the harbour and the people who live between them. She "
        "spent six years on the courts beat first, and still reads planning applications for fun.",
    ),
    (
        "Jonas Lindqvist",
        "jonas-lindqvist",
        "Jonas Lindqvist is our climate correspondent. He grew up on a fishing island, moved to "
        "Port Ellery in 2015, and writes about weather, water and energy from the coast outward.",
    ),
    (
        "Priya Raman",
        "priya-raman",
        "Priya Raman is business editor. She trained as an accountant before switching to "
        "journalism, which is why she reads company filings down to the last footnote.",
    ),
    (
        "Mateo García",
        "mateo-garcia",
        "Mateo García writes about books, music, film and the city’s cultural life. He has "
        "reviewed more than 400 novels and insists he has finished every one.",
    ),
    (
        "Helen Marsh",
        "helen-marsh",
        "Helen Marsh is political editor. She has covered twenty years of council budgets, four "
        "mayors and one recount that went on until breakfast.",
    ),
    (
        "Ruth Adeyemi",
        "ruth-adeyemi",
        "Ruth Adeyemi covers health and education. A former school governor, she reports on the "
        "hospitals, surgeries and classrooms the city depends on.",
    ),
    (
        "Callum Fraser",
        "callum-fraser",
        "Callum Fraser is our data reporter. He builds the spreadsheets, maps and freedom of "
        "information requests behind many of our investigations.",
    ),
]

TAGS = [
    "Housing",
    "Transport",
    "Energy",
    "Elections",
    "Labour",
    "Books",
    "Water",
    "Courts",
    "Health",
    "Schools",
    "Fishing",
    "Arts",
    "Weather",
]

BREAK = "---"  # in an article's body: an explicit paywall break

# What each section's illustration shows, for its alt text.
HERO_ALT = {
    "news": "Illustration: a city skyline of dark blocks with lit windows above a harbour at dusk.",
    "politics": "Illustration: a columned civic building with a triangular pediment, in pale "
    "stone against a blue sky.",
    "climate": "Illustration: white wind turbines on a green headland above rolling blue waves, "
    "under a pale sun.",
    "business": "Illustration: stacks of brightly coloured shipping containers beside a "
    "dockside crane.",
    "culture": "Illustration: overlapping circles and arcs in warm reds, oranges and purples, "
    "like a concert poster.",
}

WIDTH, HEIGHT = 1600, 900


def _body(blocks: list) -> str:
    """Render an article's blocks: paragraphs, ("h2", text), ("quote", text), lists, breaks."""
    html = []
    for block in blocks:
        if block == BREAK:
            html.append(PAYWALL_BREAK)
        elif isinstance(block, str):
            html.append(f"<p>{escape(block, quote=False)}</p>")
        else:
            kind, content = block
            if kind == "h2":
                html.append(f"<h2>{escape(content, quote=False)}</h2>")
            elif kind == "quote":
                html.append(f"<blockquote><p>{escape(content, quote=False)}</p></blockquote>")
            elif kind in ("ul", "ol"):
                items = "".join(f"<li><p>{escape(item, quote=False)}</p></li>" for item in content)
                html.append(f"<{kind}>{items}</{kind}>")
            else:
                raise ValueError(f"Unknown block kind: {kind}")
    return "\n".join(html)


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


def _hero_image(name: str, section: str, seed: str) -> ContentFile:
    """An abstract illustration for a section, with no text in it to clip (see HERO_ALT)."""
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


class Command(BaseCommand):
    help = "Create demo sections, authors, tags, articles and accounts (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--articles", type=int, default=len(ARTICLES))

    def handle(self, *args, articles, **options):
        with transaction.atomic():
            users = self._accounts()
            created = self._content(articles)
            newsletters_demo.seed(subscriber=users["subscriber"], reader=users["reader"])
        self._subscription(users["subscriber"])
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo content ready ({created} new articles). Accounts: editor@, subscriber@ "
                f"and reader@example.com, password {DEMO_PASSWORD}."
            )
        )

    def _accounts(self):
        from allauth.account.models import EmailAddress

        User = get_user_model()
        specs = {
            "editor": ("editor@example.com", "Eddie Editor", True),
            "subscriber": ("subscriber@example.com", "Sam Subscriber", False),
            "reader": ("reader@example.com", "Rae Reader", False),
        }
        users = {}
        for key, (email, name, staff) in specs.items():
            user, created = User.objects.get_or_create(
                email=email, defaults={"name": name, "is_staff": staff}
            )
            if created:
                user.set_password(DEMO_PASSWORD)
                user.save(update_fields=["password"])
            EmailAddress.objects.update_or_create(
                user=user, email=email, defaults={"verified": True, "primary": True}
            )
            users[key] = user
        editors = Group.objects.filter(name="Editor").first()
        if editors is not None:
            users["editor"].groups.add(editors)
        return users

    def _content(self, count: int) -> int:
        sections = {}
        for order, (name, slug, description) in enumerate(SECTIONS):
            sections[slug] = Section.objects.get_or_create(
                slug=slug, defaults={"name": name, "description": description, "order": order}
            )[0]
        authors = {
            slug: Author.objects.get_or_create(slug=slug, defaults={"name": name, "bio": bio})[0]
            for name, slug, bio in AUTHORS
        }
        tags = {
            name: Tag.objects.get_or_create(slug=name.lower(), defaults={"name": name})[0]
            for name in TAGS
        }

        now = timezone.now()
        created = 0
        for index, spec in enumerate(ARTICLES[: max(count, 0)]):
            slug = f"demo-{index + 1:02d}-{spec['slug']}"
            if Article.objects.filter(slug=slug).exists():
                continue
            article = Article(
                headline=spec["headline"],
                slug=slug,
                standfirst=spec["standfirst"],
                body=_body(spec["body"]),
                section=sections[spec["section"]],
                access=spec["access"],
                status=Article.Status.PUBLISHED,
                # Newest first, spread over the last ten days.
                published_at=now - timedelta(hours=8 * index + 1, minutes=(17 * index) % 60),
            )
            if index % 2 == 0:  # about half the articles have a hero illustration
                name = f"{slug}.jpg"
                article.hero_alt = HERO_ALT[spec["section"]]
                article.hero_caption = "Illustration: The Newsroom"
                article.hero_image.save(
                    name, _hero_image(name, spec["section"], seed=slug), save=False
                )
            article.save()
            for order, author_slug in enumerate(spec["authors"]):
                ArticleAuthor.objects.create(
                    article=article, author=authors[author_slug], order=order
                )
            article.tags.set([tags[name] for name in spec["tags"]])
            created += 1
        return created

    def _subscription(self, subscriber):
        try:
            from subscriptions import demo
        except ImportError:
            return
        demo.seed(subscriber=subscriber, stdout=self.stdout)


# The articles, newest first. A body is a list of blocks: a string is a paragraph; ("h2", text),
# ("quote", text), ("ul", items) and ("ol", items) are the others; BREAK is an explicit paywall
# break. Every person, place and organisation here is invented.
ARTICLES = [
    {
        "slug": "the-harbour-redevelopment",
        "section": "news",
        "access": "paid",
        "authors": ["amara-okafor"],
        "tags": ["Housing", "Transport"],
        "headline": "Harbour redevelopment doubles in cost before a single pier is rebuilt",
        "standfirst": (
            "Port Ellery’s flagship waterfront scheme was sold at £38m. Council papers now put "
            "it at £79m, and the first phase has not started."
        ),
        "body": [
            "When Port Ellery City Council approved the Ferris Quay redevelopment three years "
            "ago, the plans promised a rebuilt fish market, 400 homes and a public promenade "
            "from the lifeboat station to the old ice house, all for £38m.",
            "A revised business case, published without announcement on the council’s website "
            "last Thursday, puts the cost at £79m. The fish market has been moved to a later "
            "phase. The number of homes marked “affordable” has fallen from 120 to 46.",
            "The council’s head of regeneration, Colm Avery, said the increase reflected “the "
            "same pressures every builder in the country is facing”, chiefly steel and the cost "
            "of borrowing.",
            BREAK,
            ("h2", "Where the money went"),
            "More than £6m has already been spent on surveys, legal fees and a marketing suite "
            "on Quay Street that closed after eleven months. A further £2.4m went on piling "
            "work that engineers later found was in the wrong place for the revised layout.",
            (
                "quote",
                "“We were shown drawings with children fishing off the end of the pier. Now "
                "we’re told the pier is phase three, and phase three has no date,” said Noreen "
                "Pask, who has run a bait shop on the quay since 1994.",
            ),
            "Councillor Ifan Drury, who chairs the scrutiny committee, has asked for the scheme "
            "to return to a full council vote before any new contract is signed. The council "
            "said it would “consider the request in due course”.",
        ],
    },
    {
        "slug": "east-ward-by-election",
        "section": "politics",
        "access": "public",
        "authors": ["helen-marsh"],
        "tags": ["Elections", "Transport"],
        "headline": "East Ward by-election: four candidates, and one question about buses",
        "standfirst": (
            "The vote on 12 March was supposed to be about the budget. On the doorstep, almost "
            "everyone wants to talk about the number 7."
        ),
        "body": [
            "The East Ward by-election, called after the resignation of Councillor Marion Teale "
            "for health reasons, has four candidates and, by the account of all four, one "
            "issue: the number 7 bus, which stopped running after 7pm in January.",
            "“I knock on a door to talk about council tax and I get ten minutes on the 7,” said "
            "Danny Osei, standing for the Harbour Independents. “People aren’t wrong. If you "
            "work a late shift at the hospital, you now walk home along the ring road.”",
            ("h2", "The candidates"),
            (
                "ul",
                [
                    "Danny Osei, Harbour Independents: a paramedic who grew up on the Moorfield "
                    "estate.",
                    "Gwen Castell, Civic Party: a retired head teacher and former school governor.",
                    "Rashid Mahmood, Coastal Alliance: runs the hardware shop on Anchor Road.",
                    "Felicity Rowe, Green Coast: a marine biologist at the university.",
                ],
            ),
            "The bus service is run by a private operator under a council contract, which the "
            "council says it cannot afford to extend. All four candidates say they would find "
            "the money; none has yet said exactly where from.",
            "Turnout in the ward at the last full election was 24%. Polling stations will be "
            "open from 7am to 10pm, and the count will take place overnight at the Guildhall.",
        ],
    },
    {
        "slug": "kestrel-point-wind-farm",
        "section": "climate",
        "access": "paid",
        "authors": ["jonas-lindqvist"],
        "tags": ["Energy", "Fishing"],
        "headline": (
            "Kestrel Point wind farm clears its last hearing, but the fishing fleet is not done"
        ),
        "standfirst": (
            "Sixty turbines off the Northern Cape could power every home in the city. The crab "
            "boats that work those waters say nobody has told them where they can go."
        ),
        "body": [
            "The planning inspector’s report on the Kestrel Point offshore wind farm, published "
            "on Monday, recommends approval of all sixty turbines, ending a four-year inquiry "
            "that filled the Guildhall with more than 9,000 pages of evidence.",
            "Once running, the array is expected to generate enough electricity for around "
            "180,000 homes. The developer, Northlight Renewables, says construction could begin "
            "within eighteen months.",
            "For the Port Ellery crab fleet, the report settles almost nothing. The turbines "
            "sit on grounds the boats have worked for generations, and the exclusion zones "
            "around the cables are still being drawn.",
            ("h2", "“We’re not against it”"),
            (
                "quote",
                "“Nobody on this quay is against clean power. We just want a map that shows "
                "where we can still put a pot down,” said Ellis Brannock, skipper of the Merry "
                "Tern.",
            ),
            "Northlight said it would publish draft fishing corridors “in the spring” and had "
            "set aside £1.2m for a compensation fund. The fishermen’s association says that "
            "amounts to roughly one bad season for six boats.",
            "The final decision now rests with the energy minister, who has three months to "
            "respond.",
        ],
    },
    {
        "slug": "tidewater-bakery-union",
        "section": "business",
        "access": "registered",
        "authors": ["priya-raman"],
        "tags": ["Labour"],
        "headline": "Tidewater Bakery workers vote to unionise, a first for the city’s food trade",
        "standfirst": (
            "Staff at the region’s biggest bakery chain voted 71 to 19 for recognition, after a "
            "year of disputes over night shifts and sick pay."
        ),
        "body": [
            "Workers at Tidewater Bakery, which runs fourteen shops and a production kitchen on "
            "the Saltmarsh industrial estate, have voted to join the Food and Allied Workers’ "
            "Union.",
            "It is the first time staff at a food business in Port Ellery have won union "
            "recognition through a ballot, according to the union’s regional office.",
            BREAK,
            "The vote followed a year of complaints about rotas at the production kitchen, "
            "where bakers start at 2am. Several said shifts were often changed with less than a "
            "day’s notice.",
            (
                "quote",
                "“It was never about the bread. We love the bread. It was about finding out on "
                "Tuesday night that you’re working Wednesday,” said Lorna Vickery, a baker for "
                "six years.",
            ),
            ("h2", "What happens now"),
            "The company’s managing director, Simon Tidewater, grandson of the founder, said he "
            "“respected the result” and would meet union representatives next month. He added "
            "that the business had raised wages twice in the past eighteen months.",
            "The union says its first priority is a fixed rota published four weeks in advance.",
        ],
    },
    {
        "slug": "riverside-library-reopens",
        "section": "culture",
        "access": "public",
        "authors": ["mateo-garcia"],
        "tags": ["Books", "Arts"],
        "headline": "The Riverside Library reopens, with a reading room made from the old ferry",
        "standfirst": (
            "After two years behind scaffolding, the city’s oldest library is back, and its "
            "architects found a use for the timber of the Wend Belle."
        ),
        "body": [
            "The Riverside Library opened its doors again on Saturday morning, and by ten "
            "o’clock the queue stretched past the bandstand. Children went straight for the new "
            "reading room; most of their parents went straight for the café.",
            "The reading room is panelled in oak salvaged from the Wend Belle, the chain ferry "
            "that crossed the river until 1987 and spent the following three decades rotting in "
            "a boatyard at Gullhaven.",
            ("h2", "A library that floods, on purpose"),
            "The building sits a few metres from the River Wend and was flooded twice in the "
            "2010s. The refurbishment raised every shelf and power socket above the "
            "1-in-200-year flood line, and the ground floor is now designed to take water and "
            "be hosed out.",
            (
                "quote",
                "“We stopped pretending the river wouldn’t come in. Now the books are upstairs "
                "and the floor is tiles,” said the head librarian, Agnes Fairweather.",
            ),
            "The library is open every day except Monday. Membership remains free, and the "
            "overdue fines abolished during the closure are not coming back.",
        ],
    },
    {
        "slug": "st-brannocs-ceiling",
        "section": "news",
        "access": "registered",
        "authors": ["ruth-adeyemi"],
        "tags": ["Schools"],
        "headline": (
            "St Brannoc’s primary moves lessons into the church hall after ceiling collapse"
        ),
        "standfirst": (
            "No one was hurt when part of a classroom ceiling fell on Sunday night. The school "
            "had reported damp in the same room twice this year."
        ),
        "body": [
            "Pupils at St Brannoc’s Primary School in the Moorfield district will be taught in "
            "the parish hall and two portable classrooms for at least six weeks, after part of "
            "a ceiling fell into a Year 4 classroom over the weekend.",
            "The caretaker found the plaster and a section of timber lath on the desks when he "
            "opened the building at 6.30am on Monday.",
            "Records obtained by this newsroom show the school reported water coming through "
            "the same ceiling in February and again in June. A surveyor visited in July and "
            "recommended “monitoring”.",
            ("h2", "Parents ask about the other buildings"),
            (
                "quote",
                "“My son sat under that ceiling every day. I want to know who else is sitting "
                "under one like it,” said Kerry Antrobus, whose son is in Year 4.",
            ),
            "The council’s education department said every school built before 1950 would be "
            "inspected before Christmas. There are nineteen of them in the city.",
            "The head teacher, Martin Oyelaran, thanked the parish for the hall and parents for "
            "“an extraordinary amount of patience and home-made bunting”.",
        ],
    },
    {
        "slug": "council-consultancy-bill",
        "section": "politics",
        "access": "paid",
        "authors": ["helen-marsh", "callum-fraser"],
        "tags": ["Housing", "Transport"],
        "headline": "What the council’s £4m consultancy bill actually bought",
        "standfirst": (
            "We went through three years of invoices. The most expensive report recommends "
            "hiring more consultants."
        ),
        "body": [
            "Port Ellery City Council spent £4.1m on outside consultants in the past three "
            "years, according to invoices released under freedom of information rules, more "
            "than twice the figure given to councillors in a written answer last spring.",
            "The gap, the council says, is explained by a change in how spending is "
            "categorised. Work previously listed as “professional services” was moved into "
            "project budgets, where it did not appear in the consultancy total.",
            BREAK,
            ("h2", "The biggest invoices"),
            (
                "ol",
                [
                    "£720,000 to a transport planning firm for work on the tram extension.",
                    "£540,000 for a “transformation roadmap” for the council’s own departments.",
                    "£310,000 for branding and public engagement on the harbour scheme.",
                    "£96,000 for a review of the council’s use of consultants.",
                ],
            ),
            "The transformation roadmap, which runs to 140 pages, recommends that the council "
            "“strengthen its access to specialist external capacity”.",
            (
                "quote",
                "“I read it twice. It is a very well-formatted suggestion that we hire the "
                "people who wrote it,” said Councillor Ifan Drury.",
            ),
            "A council spokesperson said consultants were used “only where the skills do not "
            "exist in-house” and that spending had fallen by a fifth this year.",
        ],
    },
    {
        "slug": "hosepipe-ban",
        "section": "climate",
        "access": "registered",
        "authors": ["jonas-lindqvist"],
        "tags": ["Water", "Weather"],
        "headline": (
            "Wend Valley Water brings in a hosepipe ban as Coldharbour reservoir falls to 38%"
        ),
        "standfirst": (
            "The ban starts on Friday and covers 260,000 customers. It is the earliest in the "
            "year the company has ever imposed one."
        ),
        "body": [
            "Wend Valley Water will ban the use of hosepipes and sprinklers across Port Ellery "
            "and the surrounding villages from Friday, after the driest spring since its "
            "records began in 1921.",
            "Coldharbour reservoir, which supplies about two thirds of the city, was at 38% of "
            "capacity on Tuesday. At this time of year it would normally be above 80%.",
            ("h2", "What is and isn’t allowed"),
            (
                "ul",
                [
                    "Watering gardens with a hosepipe or sprinkler: banned.",
                    "Filling paddling pools or ponds with a hosepipe: banned.",
                    "Watering cans and water butts: allowed.",
                    "Washing a car with a bucket: allowed.",
                ],
            ),
            "The company, which loses an estimated 21% of its water through leaks, has faced "
            "criticism for asking customers to cut back before fixing its own pipes.",
            (
                "quote",
                "“Every household will do its bit. We’d like to see the company do its bit with "
                "the pipe outside my house that’s been leaking since Easter,” said Hamid "
                "Sorensen of the Wend Valley Residents’ Forum.",
            ),
            "Wend Valley Water said it had doubled its leak repair crews and would report "
            "progress every month.",
        ],
    },
    {
        "slug": "harbour-board-accounts",
        "section": "business",
        "access": "paid",
        "authors": ["priya-raman"],
        "tags": ["Transport", "Fishing"],
        "headline": (
            "Harbour Board’s accounts reveal a shortfall it did not mention at its annual meeting"
        ),
        "standfirst": (
            "The body that runs the port told members it had “a stable year”. Its filed accounts "
            "show a £3.2m hole in the pension scheme."
        ),
        "body": [
            "The Port Ellery Harbour Board, which manages the commercial port, the marina and "
            "the fish quay, filed its annual accounts last week. They show a deficit of £3.2m "
            "in the pension scheme for its 140 staff, up from £0.9m a year earlier.",
            "At the board’s annual meeting in September, the chair, Richard Penhallow, "
            "described the year as “stable and quietly successful”. The pension scheme was not "
            "discussed.",
            "Two accountants who reviewed the filing for this newsroom said the deficit was "
            "serious but not unusual for a scheme of its size, and would probably require "
            "higher contributions for at least a decade.",
            ("h2", "Who pays"),
            "The board is funded largely by harbour dues. Fishing skippers and marina berth "
            "holders have already seen two increases in three years.",
            (
                "quote",
                "“If they knew in September, they should have said so in September,” said "
                "Bethan Coyle, who represents berth holders on the board’s users’ committee.",
            ),
            "In a statement, the Harbour Board said the figures had not been finalised at the "
            "time of the meeting and that a recovery plan was agreed with the scheme’s "
            "trustees.",
        ],
    },
    {
        "slug": "the-saltmarsh-year-review",
        "section": "culture",
        "access": "paid",
        "authors": ["mateo-garcia"],
        "tags": ["Books"],
        "headline": "‘The Saltmarsh Year’ is the best novel yet about the city it never names",
        "standfirst": (
            "Isolde Carrow’s second novel follows a ferry-hand through twelve months of tides, "
            "debts and small kindnesses. Port Ellery readers will know every street."
        ),
        "body": [
            "Nobody in The Saltmarsh Year ever says the name of the town, but anyone who has "
            "waited for a bus on Anchor Road in the rain will recognise it within three pages.",
            "Isolde Carrow’s second novel follows Tam, a ferry-hand in his fifties, from one "
            "spring tide to the next: a year in which his boat is sold, his daughter comes "
            "home, and the town argues about a sea wall.",
            ("h2", "Small events, carefully weighed"),
            "Very little happens, and all of it matters. A chapter about repainting a hull is "
            "one of the most tense things I have read this year, because Carrow has made us "
            "understand exactly what the money for the paint is costing.",
            (
                "quote",
                "“The tide didn’t care who owned the boat. That was the one thing about the "
                "tide he still liked.”",
            ),
            "It is not flawless. The daughter’s storyline is resolved too neatly, and a late "
            "chapter set at a council meeting reads like the author settling a score.",
            "But the book’s patience with ordinary people is rare, and its ending, on the quay "
            "at dawn, earns every word. Carrow reads at the Riverside Library on 4 April.",
        ],
    },
    {
        "slug": "tram-test-run",
        "section": "news",
        "access": "public",
        "authors": ["amara-okafor"],
        "tags": ["Transport"],
        "headline": "Tram’s first test run ends early after a gull strike and a stuck door",
        "standfirst": (
            "The new line to Gullhaven managed 2.3 miles of its 6.1. Engineers say that is "
            "exactly what test runs are for."
        ),
        "body": [
            "The first tram to run on the new Harbour Line left the depot at Saltmarsh at "
            "5.40am on Wednesday, watched by a small crowd of enthusiasts in anoraks and one "
            "councillor in a hi-vis vest.",
            "It reached the Lantern Street stop, 2.3 miles down the line, before a herring gull "
            "struck the windscreen and the driver stopped to check for damage. There was none "
            "to the tram. The gull flew off.",
            "A rear door then refused to close, and the tram returned to the depot at walking "
            "pace.",
            ("h2", "Opening date unchanged"),
            (
                "quote",
                "“If nothing went wrong on a test run, I’d be worried we weren’t testing "
                "properly,” said the project’s chief engineer, Ruth Kilbride.",
            ),
            "The line is still expected to open to passengers in September. Night testing "
            "begins next week, and residents along the route have been warned to expect bells.",
        ],
    },
    {
        "slug": "housing-pledge-one-year-on",
        "section": "politics",
        "access": "paid",
        "authors": ["helen-marsh"],
        "tags": ["Housing"],
        "headline": "Mayor Quayle’s housing pledge, one year on: 212 homes promised, 41 built",
        "standfirst": "The mayor says the rest are “in the pipeline”. We checked the pipeline.",
        "body": [
            "A year ago, Mayor Deborah Quayle stood on a cleared site in Moorfield and promised "
            "212 council homes within two years. “Spades in the ground,” she said, “not words "
            "on paper.”",
            "Forty-one homes have been completed, all on that Moorfield site. Tenants moved in "
            "during October.",
            BREAK,
            "Of the remaining 171, planning permission has been granted for 96, on two sites in "
            "East Ward. No contractor has been appointed for either. The other 75 depend on "
            "buying land from the Harbour Board, which has not agreed to sell.",
            ("h2", "The waiting list"),
            "Meanwhile, the city’s housing waiting list has grown from 3,870 households to "
            "4,410. Around 300 families are in temporary accommodation, some of them in guest "
            "houses on the seafront.",
            (
                "quote",
                "“Forty-one homes is forty-one families with a front door. I won’t apologise "
                "for that. But I know it isn’t enough,” the mayor said in an interview at City "
                "Hall.",
            ),
            "She said tenders for the East Ward sites would go out before Easter.",
        ],
    },
    {
        "slug": "saltmarsh-sea-wall",
        "section": "climate",
        "access": "paid",
        "authors": ["jonas-lindqvist", "callum-fraser"],
        "tags": ["Housing", "Weather"],
        "headline": "Sea wall or retreat? Saltmarsh residents weigh an impossible choice",
        "standfirst": (
            "A new wall would protect 600 homes for about fifty years. The alternative is to let "
            "the marsh come back, and help people move."
        ),
        "body": [
            "At high water on a spring tide, the sea on Marsh Lane comes within a few inches of "
            "the top of a wall built in 1953. Behind it are about 600 homes, a primary school "
            "and the Saltmarsh Working Men’s Club.",
            "The Environment Agency’s latest assessment gives the city two options. One is a "
            "new wall, estimated at £64m, which would protect the district until around 2075. "
            "The other is “managed realignment”: letting parts of the marsh flood and helping "
            "households move.",
            ("h2", "Two neighbours, two answers"),
            (
                "quote",
                "“My grandfather built this house. I’m not handing it to the sea because a "
                "spreadsheet says so,” said Gordon Leary, 71.",
            ),
            "Three doors down, Anya Marlow, who has two young children, has already put her "
            "house on the market. “I’d rather move now, while someone will still buy it,” she "
            "said.",
            "Modelling by this newsroom, using the agency’s own flood maps, suggests that by "
            "2060 about 140 of the homes would be flooded at least once a decade even with the "
            "new wall.",
            "A public consultation opens next month. The council will hold drop-in sessions at "
            "the Working Men’s Club every Thursday evening.",
        ],
    },
    {
        "slug": "ferris-quay-fish-prices",
        "section": "business",
        "access": "public",
        "authors": ["priya-raman"],
        "tags": ["Fishing"],
        "headline": "Fish prices at Ferris Quay hit a ten-year high as the mackerel move north",
        "standfirst": (
            "Warmer water is pushing shoals away from the coast. Buyers at the morning auction "
            "are paying more for less."
        ),
        "body": [
            "The average price of mackerel at the Ferris Quay auction reached £2.85 a kilo last "
            "month, the highest in at least a decade, according to figures from the Harbour "
            "Board.",
            "Landings were down by more than a third on the same month last year. Skippers say "
            "the shoals that used to run close to the Northern Cape in late summer are now "
            "further out, and further north.",
            ("h2", "Chip shops feel it first"),
            "Fish-and-chip shops, which mostly buy cod and haddock from wholesalers, have been "
            "hit by rising prices across the board. The Anchor Fryer on Quay Street has raised "
            "the price of a large cod and chips to £13.50.",
            (
                "quote",
                "“People say it’s expensive and they’re right. I say it’s the sea, not me,” "
                "said the owner, Kostas Pappas.",
            ),
            "Marine scientists at the university say the trend is consistent with a "
            "decades-long warming of coastal waters, and that it is unlikely to reverse.",
        ],
    },
    {
        "slug": "lantern-street-records-fifty",
        "section": "culture",
        "access": "registered",
        "authors": ["mateo-garcia"],
        "tags": ["Arts"],
        "headline": (
            "Lantern Street’s last record shop turns fifty, and its owner still won’t sell online"
        ),
        "standfirst": (
            "Spindle Records has outlived cassettes, CDs and three recessions. Its owner credits "
            "rudeness, mostly his own."
        ),
        "body": [
            "Spindle Records opened on Lantern Street in 1976, when there were six record shops "
            "within walking distance of the harbour. It is the only one left.",
            "Its owner, Bernard Quick, 74, has worked behind the counter for all fifty years, "
            "first for his uncle and, since 1989, for himself.",
            ("h2", "No website, no apologies"),
            "The shop has no website and no online store. It has a landline and a handwritten "
            "sign in the window that says “Yes, we have that one. No, we won’t post it.”",
            (
                "quote",
                "“If you want a record, come and look at it. Hold it. Argue with me about it. "
                "That’s the whole point,” Mr Quick said.",
            ),
            "Sales have risen for eight years in a row, mainly thanks to teenagers buying "
            "vinyl. Saturday mornings now bring a queue, something Mr Quick describes as "
            "“alarming”.",
            "A party for the anniversary will be held in the shop on Saturday 14 June, with a "
            "set from the Port Ellery Brass Collective on the pavement outside.",
        ],
    },
    {
        "slug": "gullhaven-ambulance-waits",
        "section": "news",
        "access": "paid",
        "authors": ["ruth-adeyemi"],
        "tags": ["Health"],
        "headline": "Ambulance waits in Gullhaven are the longest in the region, figures show",
        "standfirst": (
            "Patients with suspected heart attacks or strokes waited an average of 58 minutes "
            "last quarter. The target is 18."
        ),
        "body": [
            "Patients in Gullhaven and the villages along the Northern Cape waited longer for "
            "emergency ambulances last quarter than anywhere else in the region, according to "
            "figures published by the ambulance service.",
            "For the most serious category of calls after cardiac arrests, including suspected "
            "strokes and heart attacks, the average wait was 58 minutes against a target of 18.",
            BREAK,
            "Paramedics told this newsroom that crews are routinely held outside Port Ellery "
            "General Hospital for hours, waiting to hand over patients, while calls stack up on "
            "the coast.",
            ("h2", "“You hear the calls come in”"),
            (
                "quote",
                "“You’re stuck in the car park with a patient who’s stable, and you can hear "
                "the calls on the radio from Gullhaven that nobody can reach,” said one "
                "paramedic, who asked not to be named.",
            ),
            "The hospital trust said it had opened twelve extra beds and a dedicated handover "
            "area in January, and that handover times had improved by 20% since.",
            "The ambulance service is recruiting forty new paramedics and says it will publish "
            "figures for each town, rather than each county, from next year.",
        ],
    },
    {
        "slug": "old-customs-house-sale",
        "section": "politics",
        "access": "registered",
        "authors": ["helen-marsh"],
        "tags": ["Courts", "Housing"],
        "headline": (
            "Council votes to sell the Old Customs House; opponents promise a challenge in court"
        ),
        "standfirst": (
            "The Georgian building on the quay will go to a hotel group for £2.1m. Campaigners "
            "say it was left to the city on condition it stayed public."
        ),
        "body": [
            "Port Ellery City Council voted 31 to 22 on Tuesday night to sell the Old Customs "
            "House on Quay Street to the Marlin Hotel Group for £2.1m.",
            "The Grade II listed building, which housed the city museum until 2019, has been "
            "empty for six years and needs an estimated £3m of repairs.",
            ("h2", "A condition in the deed"),
            "The Friends of the Customs House say the building was transferred to the council "
            "in 1921 by the Harbour Board on condition that it be used “for the benefit and "
            "education of the people of the port”, and that a hotel does not qualify.",
            "The group has instructed a barrister and says it will apply for judicial review "
            "within the six-week deadline.",
            (
                "quote",
                "“We’re not naive about the repairs. But you can’t give away a promise made to "
                "the whole city because it’s become expensive to keep,” said the group’s chair, "
                "Dorothy Ainsworth.",
            ),
            "The council’s legal advice, seen by councillors in a closed session, is that the "
            "condition is not enforceable. The hotel group says the ground floor will include a "
            "free exhibition on the history of the port.",
        ],
    },
    {
        "slug": "how-to-read-the-flood-maps",
        "section": "climate",
        "access": "public",
        "authors": ["jonas-lindqvist"],
        "tags": ["Weather", "Housing"],
        "headline": "How to read the new flood maps, and what to do if your street turns blue",
        "standfirst": (
            "The Environment Agency has redrawn the risk for every street in the city. Here is "
            "what the colours mean."
        ),
        "body": [
            "New flood risk maps for Port Ellery went online on Monday, and by Tuesday the "
            "council’s helpline had taken more than 800 calls. About 4,000 more homes are now "
            "shown in the higher-risk bands than under the old maps.",
            "The maps are a model, not a prediction: they show how likely a place is to flood "
            "in any given year, based on river levels, tides and rainfall.",
            ("h2", "What the colours mean"),
            (
                "ul",
                [
                    "Dark blue: high risk, a more than 1 in 30 chance of flooding each year.",
                    "Mid blue: medium risk, between 1 in 30 and 1 in 100.",
                    "Light blue: low risk, between 1 in 100 and 1 in 1,000.",
                    "No colour: very low risk.",
                ],
            ),
            ("h2", "If your home is now in a higher band"),
            "Check your home insurance renewal carefully, and sign up for the agency’s free "
            "flood warnings by text. Households in the high-risk band can apply to the council "
            "for a grant of up to £5,000 towards flood doors and non-return valves.",
            (
                "quote",
                "“Blue on a map doesn’t mean water in your kitchen. It means it’s worth having "
                "a plan,” said Priti Lal, the council’s flood resilience officer.",
            ),
        ],
    },
    {
        "slug": "who-owns-harbourside-lettings",
        "section": "business",
        "access": "paid",
        "authors": ["priya-raman", "amara-okafor"],
        "tags": ["Housing", "Courts"],
        "headline": "The landlord behind 300 flats: who really owns Harbourside Lettings?",
        "standfirst": (
            "Tenants have complained for years about mould and unanswered repairs. Company "
            "filings lead to a holding company in another country and a familiar name."
        ),
        "body": [
            "Harbourside Lettings manages about 300 flats in Port Ellery, most of them in "
            "converted warehouses along the River Wend. Tenants know it by its phone line, "
            "which plays a recording of seagulls while they wait.",
            "Over the past year, this newsroom has heard from 46 tenants who describe mould, "
            "broken heating and repair requests left unanswered for months.",
            "Company filings show the flats are owned not by Harbourside Lettings but by eleven "
            "separate companies, each holding a single building.",
            BREAK,
            ("h2", "Following the filings"),
            "All eleven are controlled by Wendmouth Holdings, registered overseas. Its sole "
            "director, according to a 2022 filing, is Anthony Gale, a former chair of the "
            "city’s planning committee.",
            (
                "quote",
                "“I’ve paid rent for four years to a company I couldn’t find. Now I know whose "
                "name is on it,” said Keisha Boateng, whose bathroom ceiling has been black "
                "with mould since 2023.",
            ),
            "Through his solicitor, Mr Gale said he was “a passive investor” with no role in "
            "day-to-day management, and that Harbourside Lettings had been asked to review "
            "every open repair request. The council has opened an inspection of four of the "
            "buildings.",
        ],
    },
    {
        "slug": "festival-director-interview",
        "section": "culture",
        "access": "paid",
        "authors": ["mateo-garcia"],
        "tags": ["Arts"],
        "headline": (
            "The Port Ellery Festival’s new director wants fewer headliners and more late nights"
        ),
        "standfirst": (
            "Nadia Sorel took over the city’s summer festival in January. She has already "
            "cancelled the fireworks."
        ),
        "body": [
            "Nadia Sorel has been in Port Ellery for eleven weeks, and she already has opinions "
            "about the chips (good), the buses (bad) and the fireworks, which she has "
            "cancelled.",
            "“Twelve minutes of noise for £40,000, and the dogs hate it,” she said, sitting in "
            "the festival’s temporary office above a launderette on Lantern Street.",
            ("h2", "Smaller stages, later hours"),
            "Her first programme, announced on Friday, swaps the single big stage on the "
            "seafront for eight smaller venues across the city, from the Guildhall to the "
            "lifeboat station.",
            (
                "quote",
                "“A festival shouldn’t be a queue for one field. It should be a city that stays "
                "awake for ten days,” she said.",
            ),
            "Late-night events will run until 2am on both Saturdays, a change the council’s "
            "licensing committee approved after a long meeting and several complaints about "
            "noise from the seafront hotels.",
            "Tickets go on sale on 1 May. Around a third of events will be free, up from a "
            "fifth last year.",
        ],
    },
    {
        "slug": "n4-night-bus-cut",
        "section": "news",
        "access": "registered",
        "authors": ["amara-okafor"],
        "tags": ["Transport", "Health"],
        "headline": "Night bus N4 to be cut in May, leaving hospital shift workers stranded",
        "standfirst": (
            "The only overnight service between the hospital and the eastern estates carries "
            "about 90 people a night. The operator says that isn’t enough."
        ),
        "body": [
            "Coastline Buses will withdraw the N4 night service on 18 May, the company "
            "confirmed on Thursday, ending the only overnight link between Port Ellery General "
            "Hospital and the Moorfield and Highcross estates.",
            "The route carries about 90 passengers a night, many of them nurses, porters and "
            "cleaners finishing late shifts. The company says it loses around £4,000 a week.",
            ("h2", "“A taxi costs an hour’s pay”"),
            (
                "quote",
                "“I finish at half eleven. A taxi home costs me more than an hour’s pay. What "
                "am I supposed to do, sleep in the staff room?” said Joanne Pritchard, a "
                "healthcare assistant on the stroke ward.",
            ),
            "The hospital trust said it was “exploring options”, including a staff minibus. The "
            "council said it had no money to subsidise the route but would raise the issue with "
            "the regional transport authority.",
            "A petition to save the N4 had passed 5,000 signatures by Friday evening.",
        ],
    },
    {
        "slug": "ferry-subsidy-deal",
        "section": "politics",
        "access": "paid",
        "authors": ["helen-marsh"],
        "tags": ["Transport", "Elections"],
        "headline": "Inside the closed-door deal that saved the Gullhaven ferry",
        "standfirst": (
            "For a week, the ferry looked finished. Then three councillors who don’t speak to "
            "each other met in a café and found £300,000."
        ),
        "body": [
            "On a Monday morning in February, the Gullhaven ferry had six weeks to live. The "
            "council’s draft budget removed its £300,000 subsidy, and the operator had said it "
            "would stop sailing without it.",
            "By the following Monday, the subsidy was back. How that happened has not been "
            "explained in public, until now.",
            BREAK,
            "Over a week, the leaders of the three largest groups on the council met twice at "
            "the Harbour Lights café on Quay Street, according to four people with knowledge of "
            "the talks. Officials were not present.",
            ("h2", "What was traded"),
            "The deal restored the ferry in exchange for delaying a planned review of parking "
            "charges until after next year’s elections, and for a commitment to fund two extra "
            "street cleaners in East Ward.",
            (
                "quote",
                "“It wasn’t pretty and it wasn’t in a committee room, but five hundred people "
                "still get to work across the river,” said one of those involved.",
            ),
            "Council rules do not forbid informal meetings between group leaders. Councillor "
            "Ifan Drury said the budget “should be made in the chamber, not over a bacon roll”.",
        ],
    },
    {
        "slug": "northern-cape-kelp-farmers",
        "section": "climate",
        "access": "paid",
        "authors": ["jonas-lindqvist"],
        "tags": ["Fishing", "Water"],
        "headline": (
            "Kelp farmers off the Northern Cape say the sea is warming faster than forecast"
        ),
        "standfirst": (
            "Their sensors have recorded six marine heatwaves in two years. The crop survived "
            "four of them."
        ),
        "body": [
            "From the deck of her boat, a mile off the Northern Cape, Sian Trevena can see the "
            "three long lines of buoys that hold up her kelp farm. Below them, the seaweed "
            "grows on ropes, up to four metres a season.",
            "Trevena and two other farmers started growing kelp here in 2021. Each farm carries "
            "temperature sensors, and their readings are now shared with the university.",
            ("h2", "Six heatwaves in two years"),
            "The data shows six marine heatwaves since 2023, periods when the water was "
            "unusually warm for at least five days in a row. Two of them killed most of the "
            "crop.",
            (
                "quote",
                "“The models say we’ve got twenty good years. The ropes say something "
                "different,” Trevena said.",
            ),
            "Dr Owain Pryce, an oceanographer at the university, said the farms’ readings were "
            "“a genuinely useful record” and broadly matched satellite data, though two years "
            "was too short to draw firm conclusions.",
            "The farmers are now trialling a variety of kelp that tolerates warmer water, grown "
            "from spores collected further south.",
        ],
    },
    {
        "slug": "lifeboat-shipyard-hiring",
        "section": "business",
        "access": "registered",
        "authors": ["priya-raman"],
        "tags": ["Labour"],
        "headline": "A shipyard that builds nothing but lifeboats is hiring again",
        "standfirst": (
            "Corran & Daughters has a full order book for the first time since 2008. It needs "
            "welders, and it can’t find them."
        ),
        "body": [
            "The sheds at Corran & Daughters on the east bank of the River Wend have built "
            "lifeboats since 1911, and very little else. This year, for the first time in well "
            "over a decade, they have more orders than they can handle.",
            "The yard has contracts for nine all-weather lifeboats, four of them for overseas "
            "rescue services, worth a combined £31m.",
            ("h2", "Looking for welders"),
            "It wants to hire 35 people this year, mostly welders and marine electricians. So "
            "far it has filled eleven posts.",
            (
                "quote",
                "“We’ve got the work. We’ve got the sheds. What we haven’t got is enough people "
                "who know how to weld aluminium upside down,” said the managing director, Isla "
                "Corran, great-granddaughter of the founder.",
            ),
            "The yard has started a two-year apprenticeship with Port Ellery College, paid from "
            "the first day, and says it will take sixteen apprentices in September.",
        ],
    },
    {
        "slug": "free-things-this-week",
        "section": "culture",
        "access": "public",
        "authors": ["mateo-garcia", "ruth-adeyemi"],
        "tags": ["Arts", "Books"],
        "headline": "Five free things to do in Port Ellery this week",
        "standfirst": (
            "A brass band on the quay, a night at the observatory and a very competitive "
            "sandcastle contest. None of it costs a penny."
        ),
        "body": [
            "The weather is set fair until Sunday, the festival is still months away, and your "
            "wallet may be recovering from the month. Here is what is on this week, all of it "
            "free.",
            (
                "ol",
                [
                    "Brass on the Quay, Saturday 2pm: the Port Ellery Brass Collective plays "
                    "outside the lifeboat station. Bring a folding chair.",
                    "Open night at Kestrel Point observatory, Friday from 8pm: the volunteers "
                    "will show you Jupiter if the cloud allows.",
                    "Storytime at the Riverside Library, Wednesday 10.30am: for under-fives, in "
                    "the new reading room.",
                    "Sandcastle contest on North Sands, Sunday 11am: judged by the mayor, who "
                    "has promised “no favouritism, except to moats”.",
                    "Guided walk along the old tram route, Thursday 6pm: led by the Civic "
                    "Society, starting at the Guildhall steps.",
                ],
            ),
            ("h2", "Before you go"),
            "The observatory is up a steep track with no lighting; take a torch. The sandcastle "
            "contest has age groups, and the under-sevens category is fiercer than you think.",
            (
                "quote",
                "“The moats are the whole thing. Anyone can build a tower,” said last year’s "
                "under-sevens champion, Ffion, aged six.",
            ),
            "Know of something free that we missed? Tell us, and we will include it next week.",
        ],
    },
    {
        "slug": "bellstone-road-inquest",
        "section": "news",
        "access": "paid",
        "authors": ["ruth-adeyemi"],
        "tags": ["Courts", "Transport"],
        "headline": "Inquest hears of ‘years of warnings’ about the Bellstone Road crossing",
        "standfirst": (
            "A seventeen-year-old was killed there in October. Residents had asked for traffic "
            "lights since 2017."
        ),
        "body": [
            "An inquest into the death of Callie Whitlow, who was struck by a van while "
            "crossing Bellstone Road in October, heard on Wednesday that residents had asked "
            "the council to install a signalled crossing at least five times since 2017.",
            "Callie, a student at Port Ellery College, was walking home from a shift at a café "
            "on Anchor Road. The van’s driver, who stopped at the scene, was not charged.",
            BREAK,
            ("h2", "Letters and a petition"),
            "The court was shown letters from residents and a 2019 petition with 640 "
            "signatures. A council highways engineer confirmed that the crossing had been "
            "assessed twice and ranked below other sites for funding.",
            (
                "quote",
                "“Every time, we were told it was on a list. My daughter was on that road every "
                "day while it sat on a list,” Callie’s mother, Sarah Whitlow, told the court.",
            ),
            "The council has since installed temporary lights and says a permanent crossing "
            "will be built this summer.",
            "The coroner, Mrs Helena Strand, adjourned the inquest until next month and said "
            "she would consider issuing a report to prevent future deaths.",
        ],
    },
    {
        "slug": "ward-boundaries-explained",
        "section": "politics",
        "access": "public",
        "authors": ["helen-marsh", "callum-fraser"],
        "tags": ["Elections"],
        "headline": "Explained: how the new ward boundaries redraw the city’s political map",
        "standfirst": (
            "Port Ellery goes from 18 wards to 16 at the next election. Here is who gains, who "
            "loses, and why it happened."
        ),
        "body": [
            "The Local Government Boundary Commission published its final recommendations for "
            "Port Ellery on Thursday. From next May, the city will have 16 wards instead of 18, "
            "and 48 councillors instead of 54.",
            "The commission redraws boundaries when wards become too unequal in size. "
            "Highcross, which has grown by a third since the last review, was the main reason "
            "for this one.",
            ("h2", "The main changes"),
            (
                "ul",
                [
                    "Harbour and Quayside wards merge into a new Harbour ward.",
                    "Highcross is split in two, creating Highcross North and Highcross South.",
                    "East Ward loses the Moorfield estate to a new Moorfield and Coldharbour ward.",
                    "Saltmarsh and Marsh End merge.",
                ],
            ),
            "Analysis by this newsroom, using past results, suggests the changes slightly "
            "favour the Civic Party in the new Harbour ward and the Harbour Independents in "
            "Moorfield.",
            (
                "quote",
                "“Boundaries are dull until the night of the count,” said Professor Miriam Hale "
                "of the university’s politics department.",
            ),
            "You can check which ward your home will be in on the commission’s website.",
        ],
    },
    {
        "slug": "beavers-return-to-the-wend",
        "section": "climate",
        "access": "registered",
        "authors": ["jonas-lindqvist"],
        "tags": ["Water"],
        "headline": "Beavers return to the River Wend after three centuries, with a little help",
        "standfirst": (
            "Two families were released in the upper valley last spring. They have already built "
            "four dams and slowed a flood."
        ),
        "body": [
            "Beavers were hunted out of the Wend valley in the early 1700s. Last April, two "
            "families were released on a farm above Coldharbour, as part of a licensed trial "
            "run by the Wend Valley Wildlife Trust.",
            "A year on, they have built four dams and a lodge, and turned a drained field into "
            "a patchwork of pools that now holds frogs, dragonflies and, for the first time in "
            "living memory, a pair of breeding teal.",
            ("h2", "Slowing the water"),
            "During the storm in November, monitoring downstream of the dams showed the peak "
            "flow arrived about three hours later than upstream, and was lower.",
            (
                "quote",
                "“Three hours doesn’t sound much. In a flood, three hours is the difference "
                "between sandbags and a soaked kitchen,” said the trust’s ecologist, Dr Freya "
                "Nilsen.",
            ),
            "Not everyone is pleased. A neighbouring farmer says the dams have waterlogged a "
            "corner of his grazing land, and the trust has agreed to install a pipe to lower "
            "the level.",
            "The trial runs for five years. If it succeeds, the trust hopes to release two more "
            "families further down the valley.",
        ],
    },
    {
        "slug": "high-street-new-shops",
        "section": "business",
        "access": "paid",
        "authors": ["priya-raman"],
        "tags": ["Labour", "Housing"],
        "headline": "Port Ellery’s high street lost fourteen shops last year. These six opened.",
        "standfirst": (
            "A bike repairer, a refill shop and a Georgian bakery are among the businesses "
            "betting on Anchor Road."
        ),
        "body": [
            "Fourteen shops closed on Anchor Road and Lantern Street last year, including a "
            "bank, two chain clothes shops and a branch of a national pharmacy. Six independent "
            "businesses opened in the same streets.",
            "We visited all six to ask why, with one in ten shop fronts empty, they chose now.",
            ("h2", "The newcomers"),
            (
                "ul",
                [
                    "Spoke & Chain, bike repairs, in the old bank’s side entrance.",
                    "Refillery, a shop selling washing-up liquid and lentils by weight.",
                    "Tbilisi Bakehouse, Georgian bread baked in a clay oven.",
                    "Second Act, a charity shop for clothes and instruments.",
                    "Kettle & Anchor, a café that also mends clothes.",
                    "Bramble Books, a children’s bookshop.",
                ],
            ),
            (
                "quote",
                "“Rent was half what it was five years ago. The landlord was just glad someone "
                "wanted it,” said Levan Beridze, who runs the bakery with his sister.",
            ),
            "The council cut business rates for new independent shops by 50% for their first "
            "two years, a scheme it says will be reviewed in the autumn.",
        ],
    },
    {
        "slug": "the-last-net-mender",
        "section": "culture",
        "access": "paid",
        "authors": ["mateo-garcia", "amara-okafor"],
        "tags": ["Fishing", "Arts"],
        "headline": "At 83, the harbour’s last net-mender is teaching her craft to teenagers",
        "standfirst": (
            "Maggie Penrose has mended nets on Ferris Quay since 1958. On Tuesday afternoons she "
            "has six apprentices, and strong opinions about knots."
        ),
        "body": [
            "Maggie Penrose learned to mend nets from her mother on the same stretch of quay "
            "where she now sits every Tuesday afternoon, a wooden needle in one hand and a cup "
            "of tea going cold by her chair.",
            "She is, as far as anyone knows, the last person in Port Ellery who still mends "
            "nets by hand for a living, though she says “living” is a generous word for it.",
            BREAK,
            ("h2", "Six apprentices"),
            "Since September, six students from Port Ellery College have joined her each week, "
            "under a scheme run by the Harbour Heritage Trust. Two of them had never been on a "
            "boat.",
            (
                "quote",
                "“The first week, they tied everything in granny knots. Now they argue with me, "
                "which is how I know they’re learning,” Mrs Penrose said.",
            ),
            "One apprentice, Jayden Moss, 16, plans to work on his uncle’s crab boat after "
            "college. “Every boat has nets. Nobody knows how to fix them. That’s a job,” he "
            "said.",
            "An exhibition of their work, including a full trawl net repaired over six months, "
            "opens at the Riverside Library next month.",
        ],
    },
]
