"""Seed the demo: sections, authors, tags, thirty articles, three accounts and the demo
subscriber's subscription.

The stories are data (devtools/seed/stories.json). Idempotent: running it again creates nothing
that is already there (articles are keyed on their slug). Deterministic: the same articles,
bylines, tags and images on every machine.
"""

from datetime import timedelta

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from articles.models import Article, ArticleAuthor, Author, Section, Tag
from devtools import newsletters_demo
from devtools.seed import billing, pages
from devtools.seed.heroes import hero_image
from devtools.seed.stories import DemoContent, body_html, load

DEMO_PASSWORD = "newsroom-demo"  # noqa: S105 - published demo credentials, by design


class Command(BaseCommand):
    help = "Create demo sections, authors, tags, articles and accounts (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--articles", type=int, help="How many stories (default: all).")

    def handle(self, *args, articles, **options):
        content = load()
        count = len(content["stories"]) if articles is None else articles
        with transaction.atomic():
            users = self._accounts()
            created = self._content(content, count)
            newsletters_demo.seed(subscriber=users["subscriber"], reader=users["reader"])
            pages.seed()
        billing.seed(subscriber=users["subscriber"], stdout=self.stdout)
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo content ready ({created} new articles). Accounts: editor@, subscriber@ "
                f"and reader@example.com, password {DEMO_PASSWORD}."
            )
        )

    def _accounts(self):
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
        # The demo's editor also runs the business: the Publisher group (desk migration 0003)
        # shows them the dashboard, plans, subscriptions and complimentary access.
        users["editor"].groups.add(*Group.objects.filter(name__in=["Editor", "Publisher"]))
        return users

    def _content(self, content: DemoContent, count: int) -> int:
        sections = {}
        for order, spec in enumerate(content["sections"]):
            sections[spec["slug"]] = Section.objects.get_or_create(
                slug=spec["slug"],
                defaults={"name": spec["name"], "description": spec["description"], "order": order},
            )[0]
        authors = {
            a["slug"]: Author.objects.get_or_create(
                slug=a["slug"], defaults={"name": a["name"], "bio": a["bio"]}
            )[0]
            for a in content["authors"]
        }
        tags = {
            name: Tag.objects.get_or_create(slug=name.lower(), defaults={"name": name})[0]
            for name in content["tags"]
        }

        now = timezone.now()
        created = 0
        for index, spec in enumerate(content["stories"][: max(count, 0)]):
            slug = f"demo-{index + 1:02d}-{spec['slug']}"
            if Article.objects.filter(slug=slug).exists():
                continue
            article = Article(
                headline=spec["headline"],
                slug=slug,
                standfirst=spec["standfirst"],
                body=body_html(spec["body"]),
                section=sections[spec["section"]],
                access=spec["access"],
                status=Article.Status.PUBLISHED,
                # Newest first, spread over the last ten days.
                published_at=now - timedelta(hours=8 * index + 1, minutes=(17 * index) % 60),
            )
            if index % 2 == 0:  # about half the articles have a hero illustration
                name = f"{slug}.jpg"
                article.hero_alt = content["hero_alt"][spec["section"]]
                article.hero_caption = "Illustration: The Newsroom"
                article.hero_image.save(
                    name, hero_image(name, spec["section"], seed=slug), save=False
                )
            article.save()
            for order, author_slug in enumerate(spec["authors"]):
                ArticleAuthor.objects.create(
                    article=article, author=authors[author_slug], order=order
                )
            article.tags.set([tags[name] for name in spec["tags"]])
            created += 1
        return created
