"""Seed the demo: sections, authors, tags, about thirty articles and three accounts.

Idempotent: running it again changes nothing that is already there. Hero images are drawn
locally with Pillow, so it needs no network.
"""

import random
from datetime import timedelta
from io import BytesIO

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone
from PIL import Image, ImageDraw

from articles import images
from articles.html import PAYWALL_BREAK
from articles.models import Article, ArticleAuthor, Author, Section, Tag

DEMO_PASSWORD = "newsroom-demo"  # noqa: S105 - published demo credentials, by design

SECTIONS = [
    ("News", "news", "What happened, and why it matters."),
    ("Politics", "politics", "Power, policy and the people who hold them to account."),
    ("Climate", "climate", "The warming world, reported from the ground."),
    ("Business", "business", "Money, work and the companies that shape both."),
    ("Culture", "culture", "Books, film, music and ideas."),
]

AUTHORS = [
    ("Amara Okafor", "amara-okafor", "Covers city hall and the harbour. Before that, courts."),
    ("Jonas Lindqvist", "jonas-lindqvist", "Climate correspondent, based on the coast."),
    ("Priya Raman", "priya-raman", "Business editor. Follows the money, patiently."),
    ("Mateo García", "mateo-garcia", "Culture writer and occasional critic."),
    ("Helen Marsh", "helen-marsh", "Political editor. Twenty years in the press gallery."),
]

TAGS = ["Housing", "Transport", "Energy", "Elections", "Labour", "Books", "Water", "Courts"]

SUBJECTS = [
    "the harbour redevelopment",
    "the new tram line",
    "the regional water board",
    "the wind farm off the northern cape",
    "the teachers' pay talks",
    "the city's housing waiting list",
    "the riverside library",
    "the port authority's accounts",
    "the by-election in the east ward",
    "the drought plan",
]

PALETTE = [(155, 28, 28), (29, 78, 216), (21, 128, 61), (180, 83, 9), (88, 28, 135)]


def _paragraphs(subject: str, rng: random.Random, count: int) -> list[str]:
    openings = [
        f"For months, {subject} has been argued over in rooms far from the people it affects.",
        f"Documents seen by this newsroom show how decisions about {subject} were really made.",
        f"Residents who live closest to {subject} say nobody asked them.",
        f"The numbers behind {subject} tell a different story from the press releases.",
        f"Officials insist that {subject} is on schedule and on budget.",
        f"Three people who worked on {subject} agreed to speak on the record.",
        f"What happens next with {subject} will be decided within weeks.",
        f"Critics of {subject} have found unlikely allies on the council.",
    ]
    detail = [
        "Minutes from the closed sessions run to more than two hundred pages.",
        "A spokesperson declined to answer written questions.",
        "The figures were confirmed by two independent analysts.",
        "Several of the people involved asked not to be named because they feared losing work.",
        "The original estimate has since been revised twice.",
        "At a packed public meeting, the mood was calm but firm.",
    ]
    return [f"<p>{rng.choice(openings)} {rng.choice(detail)}</p>" for _ in range(count)]


def _body(subject: str, rng: random.Random, index: int, *, explicit_break: bool) -> str:
    blocks = _paragraphs(subject, rng, 3)
    blocks.insert(2, f"<h2>What we found about {subject}</h2>")
    if explicit_break:
        blocks.insert(2, PAYWALL_BREAK)
    blocks += _paragraphs(subject, rng, 3)
    blocks.append(
        f"<blockquote><p>“We were told {subject} would be different,” one resident said.</p>"
        "</blockquote>"
    )
    blocks.append("<ul><li>What was promised</li><li>What was built</li><li>Who paid</li></ul>")
    blocks += _paragraphs(subject, rng, 2)
    # A sentence unique to each article, past any preview: handy to check the paywall by hand.
    blocks.append(f"<p>Reporting note {index}: the full text of this story ends here.</p>")
    return "\n".join(blocks)


def _hero_image(name: str, headline: str, colour: tuple[int, int, int]) -> ContentFile:
    width, height = 1600, 900
    image = Image.new("RGB", (width, height), colour)
    draw = ImageDraw.Draw(image)
    for step in range(0, height, 6):
        shade = tuple(min(255, c + step // 12) for c in colour)
        draw.line([(0, step), (width, step)], fill=shade, width=6)
    draw.rectangle([(80, height - 220), (width - 80, height - 80)], fill=(255, 253, 248))
    draw.text((110, height - 180), headline[:70], fill=(26, 26, 26), font_size=48)
    buffer = BytesIO()
    image.save(buffer, format="JPEG", quality=80)
    # Named, so that Django reads its dimensions into hero_width and hero_height.
    return ContentFile(buffer.getvalue(), name=name)


class Command(BaseCommand):
    help = "Create demo sections, authors, tags, articles and accounts (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--articles", type=int, default=30)

    def handle(self, *args, articles, **options):
        with transaction.atomic():
            users = self._accounts()
            created = self._content(articles)
        self._subscription(users["subscriber"])
        self.stdout.write(self.style.SUCCESS(f"Demo content ready ({created} new articles)."))
        self.stdout.write(
            "Demo accounts (password “newsroom-demo”):\n"
            "  editor@example.com      staff editor (admin at /admin/)\n"
            "  subscriber@example.com  paying reader\n"
            "  reader@example.com      free account"
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
        rng = random.Random(20261128)  # the same demo on every machine
        sections = []
        for order, (name, slug, description) in enumerate(SECTIONS):
            section, _ = Section.objects.get_or_create(
                slug=slug, defaults={"name": name, "description": description, "order": order}
            )
            sections.append(section)
        authors = [
            Author.objects.get_or_create(slug=slug, defaults={"name": name, "bio": bio})[0]
            for name, slug, bio in AUTHORS
        ]
        tags = [
            Tag.objects.get_or_create(slug=name.lower(), defaults={"name": name})[0]
            for name in TAGS
        ]

        access_cycle = [Article.Access.PAID, Article.Access.PUBLIC, Article.Access.PAID]
        access_cycle.append(Article.Access.REGISTERED)
        now = timezone.now()
        created = 0
        for index in range(count):
            subject = SUBJECTS[index % len(SUBJECTS)]
            section = sections[index % len(sections)]
            slug = f"demo-{index + 1:02d}-{subject.replace("'", '').replace(' ', '-')}"
            if Article.objects.filter(slug=slug).exists():
                continue
            headline = _headline(subject, index)
            article = Article(
                headline=headline,
                slug=slug[:200],
                standfirst=f"An investigation into {subject}, and what it means for the city.",
                body=_body(subject, rng, index + 1, explicit_break=index % 3 == 0),
                section=section,
                access=access_cycle[index % len(access_cycle)],
                status=Article.Status.PUBLISHED,
                published_at=now - timedelta(hours=5 * index + 1),
                hero_alt=f"An illustration for the story about {subject}.",
                hero_caption="Illustration: The Newsroom",
            )
            if index % 2 == 0:
                colour = PALETTE[index % len(PALETTE)]
                article.hero_image.save(
                    f"{slug}.jpg", _hero_image(f"{slug}.jpg", headline, colour), save=False
                )
            else:
                article.hero_alt = ""
                article.hero_caption = ""
            article.save()
            if article.hero_image:
                images.refresh_hero_renditions(article)
            byline = rng.sample(authors, k=1 + (index % 4 == 0))
            for order, author in enumerate(byline):
                ArticleAuthor.objects.create(article=article, author=author, order=order)
            article.tags.set(rng.sample(tags, k=2))
            created += 1
        return created

    def _subscription(self, subscriber):
        try:
            from subscriptions import demo
        except ImportError:
            return
        demo.seed(subscriber=subscriber, stdout=self.stdout)


def _headline(subject: str, index: int) -> str:
    patterns = [
        "Inside {s}: the decisions nobody was meant to see",
        "Who really pays for {s}",
        "The quiet fight over {s}",
        "{S}, explained in five numbers",
        "What the minutes reveal about {s}",
        "The people left out of {s}",
    ]
    pattern = patterns[index % len(patterns)]
    return pattern.format(s=subject, S=subject[0].upper() + subject[1:])
