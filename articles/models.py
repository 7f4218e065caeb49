"""The articles app's models: sections, authors, tags, articles and the links that open them
(preview links, gift links).

Longer than 400 lines on purpose: Django finds an app's models in one module, and these share
their querysets and constraints; each class is short.
"""

import secrets
from functools import cached_property, lru_cache
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, models, transaction
from django.db.models import F, Prefetch, Q, Window
from django.db.models.expressions import RawSQL
from django.db.models.functions import RowNumber
from django.urls import reverse
from django.utils import timezone

from newsroom.pagecache import content_changed

from . import images
from .html import cut, sanitize_html

# Top-level paths that a section slug must not shadow.
RESERVED_SECTION_SLUGS = {
    "accounts",
    "admin",
    "authors",
    "tags",
    "feed",
    "media",
    "static",
    "pricing",
    "subscribe",
    "subscriptions",
    "stripe",
    "account",
    "newsletters",
    "search",
    "preview",
    "gift",
    "gifts",
    "offer",
    "sitemap.xml",
    "robots.txt",
}


def validate_section_slug(value):
    if value in RESERVED_SECTION_SLUGS:
        raise ValidationError(f"“{value}” is used by the site itself; choose another slug.")


def body_image_path(instance, filename):
    """An unguessable name: an image past the paywall break must not be found by its name."""
    extension = Path(filename).suffix.lower()[:10]
    return f"articles/{timezone.now():%Y/%m}/{secrets.token_urlsafe(16)}{extension}"


class SectionQuerySet(models.QuerySet):
    def navigation(self):
        return self.order_by("order", "name")


class Section(models.Model):
    name = models.CharField(max_length=80, unique=True)
    slug = models.SlugField(max_length=80, unique=True, validators=[validate_section_slug])
    description = models.TextField(blank=True)
    order = models.PositiveSmallIntegerField(default=0, help_text="Lower comes first.")

    objects = SectionQuerySet.as_manager()

    class Meta:
        ordering = ["order", "name"]

    def __str__(self):
        return self.name

    @transaction.atomic
    def save(self, *args, **kwargs):
        old_slug = (
            Section.objects.filter(pk=self.pk).values_list("slug", flat=True).first()
            if self.pk
            else None
        )
        super().save(*args, **kwargs)
        if old_slug and old_slug != self.slug:
            # Every article of the section moved with it; old links must keep working.
            ArticleRedirect.objects.bulk_create(
                [
                    ArticleRedirect(section_slug=old_slug, slug=slug, article_id=pk)
                    for pk, slug in self.articles.values_list("pk", "slug")
                ],
                update_conflicts=True,
                unique_fields=["section_slug", "slug"],
                update_fields=["article"],
            )

    def get_absolute_url(self):
        return reverse("articles:section", args=[self.slug])


class Author(models.Model):
    name = models.CharField("byline name", max_length=120)
    slug = models.SlugField(max_length=120, unique=True)
    bio = models.TextField(blank=True)
    photo = models.ImageField(upload_to="authors/", blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="author_profile",
        help_text="The staff account that writes as this author, if any.",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("articles:author", args=[self.slug])


class Tag(models.Model):
    name = models.CharField(max_length=60, unique=True)
    slug = models.SlugField(max_length=60, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        from . import search  # search imports the models

        search.remember_words(search.words_of(self.name))

    def get_absolute_url(self):
        return reverse("articles:tag", args=[self.slug])


@lru_cache(maxsize=512)
def _cut_once(body: str, preview_blocks: int):
    # Keyed by the body itself, so an edit (by save() or update()) is a new entry and a stale
    # cut cannot be served; the Cut is frozen, so sharing it between requests is safe.
    return cut(body, preview_blocks=preview_blocks)


class ArticleQuerySet(models.QuerySet):
    def published(self):
        """What readers may see listed: published, and not scheduled for later."""
        return self.filter(status=Article.Status.PUBLISHED, published_at__lte=timezone.now())

    def for_listing(self):
        """Everything a teaser needs in a constant number of queries, without the body."""
        return (
            self.select_related("section")
            .prefetch_related(
                Prefetch("bylines", queryset=ArticleAuthor.objects.select_related("author"))
            )
            .defer("body")
            .order_by("-published_at", "-id")
        )

    def latest_per_section(self, per_section: int):
        """The newest `per_section` articles of every section, in one query.

        On PostgreSQL a LATERAL join asks each section's index for its first rows, so the cost
        does not grow with the archive; elsewhere (the SQLite demo) a window ranks every row.
        """
        if connection.vendor != "postgresql":
            ranked = self.annotate(
                section_rank=Window(
                    RowNumber(),
                    partition_by=F("section_id"),
                    order_by=(F("published_at").desc(), F("id").desc()),
                )
            )
            return ranked.filter(section_rank__lte=per_section)
        section_table = connection.ops.quote_name(Section._meta.db_table)
        newest = (
            self.filter(section_id=RawSQL("s.id", ()))
            .order_by("-published_at", "-id")
            .values("id")[:per_section]
        )
        # Django compiled `newest` (values stay parameters); only names are formatted in.
        sql, params = newest.query.sql_with_params()
        lateral = f"SELECT newest.id FROM {section_table} s CROSS JOIN LATERAL ({sql}) newest"  # noqa: S608
        return self.filter(id__in=RawSQL(lateral, params))  # noqa: S611


class Article(models.Model):
    class Access(models.TextChoices):
        PUBLIC = "public", "Public: everyone reads it all"
        REGISTERED = "registered", "Registered: free account required"
        PAID = "paid", "Paid: subscribers only"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    headline = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    standfirst = models.TextField(
        max_length=400, blank=True, help_text="The summary under the headline."
    )
    body = models.TextField(
        blank=True,
        help_text="Sanitised HTML. A paywall break marks where the preview ends.",
    )
    # Stored dimensions, so rendering a page never opens the image file to measure it.
    hero_image = models.ImageField(
        upload_to="heroes/%Y/%m/",
        blank=True,
        width_field="hero_width",
        height_field="hero_height",
    )
    hero_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    hero_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    hero_alt = models.CharField("hero image alt text", max_length=250, blank=True)
    hero_caption = models.CharField(max_length=300, blank=True)
    section = models.ForeignKey(Section, on_delete=models.PROTECT, related_name="articles")
    authors = models.ManyToManyField(Author, through="ArticleAuthor", related_name="articles")
    tags = models.ManyToManyField(Tag, blank=True, related_name="articles")
    access = models.CharField(max_length=12, choices=Access.choices, default=Access.PAID)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.DRAFT)
    published_at = models.DateTimeField(
        null=True,
        blank=True,
        db_index=True,
        help_text="A time in the future schedules the article; it appears then.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    seo_title = models.CharField("SEO title", max_length=70, blank=True)
    seo_description = models.CharField("SEO description", max_length=160, blank=True)
    # Widths → storage names of the hero's resized copies, made when the image is saved
    # (articles/images.py), so a reader's request never resizes or probes the disk.
    hero_renditions = models.JSONField(default=dict, blank=True, editable=False)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-id"]
        indexes = [
            models.Index(fields=["status", "-published_at"], name="article_pub_idx"),
            # What every listing asks for: the newest published articles, of the site or of one
            # section, read in index order so that a LIMIT stops early at any archive size.
            models.Index(
                fields=["-published_at", "-id"],
                condition=Q(status="published"),
                name="article_latest_idx",
            ),
            models.Index(
                fields=["section", "-published_at", "-id"],
                condition=Q(status="published"),
                name="article_section_latest_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="draft") | Q(published_at__isnull=False),
                name="published_article_has_publish_time",
            )
        ]
        permissions = [
            ("publish_article", "Can publish, schedule and unpublish articles"),
            ("edit_any_article", "Can edit articles by other writers"),
            ("set_article_access", "Can set the access level and place the paywall break"),
        ]

    def __str__(self):
        return self.headline

    def save(self, *args, **kwargs):
        self.body = sanitize_html(self.body)
        if self.status == self.Status.PUBLISHED and self.published_at is None:
            self.published_at = timezone.now()
        self._remember_old_url()
        # A new upload is stored at most images.MAX_SIDE px on its long side, whoever saves it.
        stored_size = images.cap_upload(self.hero_image)
        if stored_size:
            self.hero_width, self.hero_height = stored_size
        super().save(*args, **kwargs)
        if self._old_path and self._old_path != (self.section.slug, self.slug):
            section_slug, slug = self._old_path
            ArticleRedirect.objects.update_or_create(
                section_slug=section_slug, slug=slug, defaults={"article": self}
            )
        # Back at one of its own old addresses: that one must not redirect away from itself.
        # Another article's old address is never taken over here (clean() refuses it), so its
        # permanent redirect is never deleted by someone else's save.
        ArticleRedirect.objects.filter(
            section_slug=self.section.slug, slug=self.slug, article=self
        ).delete()
        # Whoever saves the article (admin, seed, shell), its hero gets its resized copies here,
        # never on a reader's request; unchanged images cost nothing.
        images.refresh_hero_renditions(self)
        from . import search  # search imports the models

        search.remember_words(search.searchable_words(self))
        # Again after the renditions and redirects written above (post_save came before them).
        content_changed()

    def get_absolute_url(self):
        return reverse("articles:detail", args=[self.section.slug, self.slug])

    def clean(self):
        super().clean()
        if self.hero_image and not self.hero_alt.strip():
            raise ValidationError({"hero_alt": "Describe the image for readers who cannot see it."})
        self._refuse_an_address_that_redirects()

    def _refuse_an_address_that_redirects(self):
        """Old addresses keep redirecting to their article; no other article may take one."""
        if not self.slug or self.section_id is None:
            return
        section_slug = Section.objects.filter(pk=self.section_id).values_list("slug", flat=True)
        taken = (
            ArticleRedirect.objects.filter(section_slug__in=section_slug, slug=self.slug)
            .exclude(article_id=self.pk)
            .select_related("article")
            .first()
        )
        if taken is not None:
            raise ValidationError(
                {
                    "slug": f"/{taken.section_slug}/{taken.slug}/ is an old address of "
                    f"“{taken.article}”, and links to it still lead there. Choose another slug."
                }
            )

    def _remember_old_url(self):
        self._old_path = None
        if self.pk:
            old = Article.objects.filter(pk=self.pk).values_list("section__slug", "slug").first()
            self._old_path = tuple(old) if old else None

    def is_published(self) -> bool:
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at <= timezone.now()
        )

    def is_scheduled(self) -> bool:
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at > timezone.now()
        )

    @property
    def byline(self) -> list[Author]:
        return [b.author for b in self.bylines.all()]

    @cached_property
    def text(self):
        """The body cut into preview and full text; computed once per version of the body."""
        return _cut_once(self.body, settings.PAYWALL_PREVIEW_BLOCKS)

    @property
    def meta_title(self) -> str:
        return self.seo_title or self.headline

    @property
    def meta_description(self) -> str:
        return self.seo_description or self.standfirst


class ArticleAuthor(models.Model):
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="bylines")
    author = models.ForeignKey(Author, on_delete=models.CASCADE, related_name="bylines")
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["article", "author"], name="unique_article_author")
        ]

    def __str__(self):
        return f"{self.author} on {self.article}"


class SearchTerm(models.Model):
    """A word readers can find an article by, for correcting typos (articles/search.py)."""

    word = models.CharField(max_length=40, primary_key=True)

    def __str__(self):
        return self.word


class ArticleRedirect(models.Model):
    """An address an article used to have, kept so old links keep working."""

    section_slug = models.CharField(max_length=80)
    slug = models.CharField(max_length=200)
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="redirects")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["section_slug", "slug"], name="unique_old_article_path")
        ]

    def __str__(self):
        return f"/{self.section_slug}/{self.slug}/ → {self.article}"


class PreviewLinkQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True)


class PreviewLink(models.Model):
    """A secret address that shows an unpublished article to someone without an account."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="preview_links")
    token = models.CharField(max_length=64, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = PreviewLinkQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"Preview link for {self.article}"

    def save(self, *args, **kwargs):
        if not self.token:
            self.token = secrets.token_urlsafe(32)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("articles:preview_link", args=[self.token])

    def revoke(self):
        if self.revoked_at is None:
            self.revoked_at = timezone.now()
            self.save(update_fields=["revoked_at"])


class GiftLinkQuerySet(models.QuerySet):
    def made_by_this_month(self, user, *, now=None):
        """The subscriber's own links this calendar month: what their quota counts."""
        start = timezone.localtime(now or timezone.now()).replace(
            day=1, hour=0, minute=0, second=0, microsecond=0
        )
        return self.filter(giver=user, from_publisher=False, created_at__gte=start)


class GiftLink(models.Model):
    """A secret address under which anyone, without an account, reads one article whole.

    Made by a subscriber (within a monthly quota) or by the newsroom in the admin (no quota).
    Whether it still opens is decided in articles/gifts.py.
    """

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="gift_links")
    token = models.CharField(max_length=64, unique=True, editable=False)
    giver = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="gift_links",
    )
    giver_name = models.CharField(
        max_length=100, help_text="Named in the banner the reader sees: “… gave you this story”."
    )
    from_publisher = models.BooleanField(default=False, editable=False)
    max_readers = models.PositiveIntegerField(
        help_text="How many different people may open it; past that it shows the preview."
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = GiftLinkQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"Gift link to {self.article} from {self.giver_name}"

    def save(self, *args, **kwargs):
        if not self.token:
            self.token = secrets.token_urlsafe(32)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("articles:gift_link", args=[self.token])

    def revoke(self):
        if self.revoked_at is None:
            self.revoked_at = timezone.now()
            self.save(update_fields=["revoked_at"])


class GiftLinkReader(models.Model):
    """Someone who opened a gift link: a signed-in reader, or a browser by a random cookie."""

    link = models.ForeignKey(GiftLink, on_delete=models.CASCADE, related_name="readers")
    reader_key = models.CharField(max_length=64)
    first_opened_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["link", "reader_key"], name="one_row_per_gift_reader")
        ]

    def __str__(self):
        return self.reader_key


class ArticleImage(models.Model):
    """An image uploaded for use inside an article's body.

    Uploaded from the editor of an article not saved yet, it has no article but the draft
    token of that editing page; the first save attaches it (ArticleAdmin.save_related), and
    one that never is gets deleted a day later (articles/tasks.py).
    """

    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="images", null=True, blank=True
    )
    draft_token = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    uploaded_at = models.DateTimeField(default=timezone.now, editable=False)
    image = models.ImageField(upload_to=body_image_path)
    alt = models.CharField("alt text", max_length=250, help_text="What the image shows.")
    caption = models.CharField(max_length=300, blank=True)
    renditions = models.JSONField(default=dict, blank=True, editable=False)

    class Meta:
        ordering = ["id"]

    def __str__(self):
        return self.alt

    def save(self, *args, **kwargs):
        # As for the hero (Article.save): capped when it arrives, copies made once, here.
        images.cap_upload(self.image)
        super().save(*args, **kwargs)
        images.refresh_image_renditions(self)
