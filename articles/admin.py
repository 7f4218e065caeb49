"""The newsroom's admin: writers write, editors publish.

The role rules (articles/permissions.py) are enforced here in the querysets, forms, saves and
actions, not only in which buttons are shown: a hand-made POST gets no further than a click.

Longer than 400 lines on purpose: the article admin's role checks are read together, in one
class (gift links and previews have modules of their own).
"""

import secrets
from functools import partial

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.utils import unquote
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Max
from django.forms import ClearableFileInput
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from reversion.admin import VersionAdmin
from reversion.models import Version

from newsroom.pagecache import content_changed
from newsroom.site import absolute

from . import image_upload, images
from .forms import ArticleForm, body_field
from .html import paywall_break_position, preview_shape
from .models import (
    Article,
    ArticleAuthor,
    ArticleImage,
    ArticleRedirect,
    Author,
    PreviewLink,
    Section,
    Tag,
)
from .permissions import (
    can_change_article,
    can_edit_any,
    can_publish,
    can_set_access,
    paid_text_moved_into_preview,
    visible_articles,
)
from .previews import PERSONAS
from .writing import writing_stats

# Fields only an editor sets. A writer's form leaves them out; a POST carrying them is forged.
PUBLISHING_FIELDS = ("status", "published_at")
ACCESS_FIELDS = ("access",)
_PUBLISHING_POST_KEYS = {"status", "published_at", "published_at_0", "published_at_1"}
_ACCESS_POST_KEYS = {"access"}


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "order")
    list_editable = ("order",)
    search_fields = ("name",)
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Author)
class AuthorAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "user")
    list_select_related = ("user",)
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}
    raw_id_fields = ("user",)


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ("name", "slug")
    search_fields = ("name",)
    prepopulated_fields = {"slug": ("name",)}


@admin.register(ArticleRedirect)
class ArticleRedirectAdmin(admin.ModelAdmin):
    list_display = ("__str__", "article")
    list_select_related = ("article",)
    search_fields = ("slug", "article__headline")
    raw_id_fields = ("article",)


class ArticleAuthorInline(admin.StackedInline):
    # Stacked: every field has its own label, and it fits the writing room's sidebar.
    model = ArticleAuthor
    autocomplete_fields = ("author",)
    fields = ("author", "order")
    extra = 1
    verbose_name = "byline"
    verbose_name_plural = "Bylines (in order)"


class ArticleImageInline(admin.StackedInline):
    """The way in without JavaScript (or for many images at once); the editor's toolbar
    uploads in the background instead (articles/image_upload.py)."""

    model = ArticleImage
    fields = ("image", "alt", "caption", "insert")
    # Django draws a file input in a fieldset whose legend does not name the input.
    formfield_overrides = {
        models.ImageField: {"widget": ClearableFileInput(attrs={"aria-label": "Image"})}
    }
    readonly_fields = ("insert",)
    extra = 1
    classes = ("collapse",)
    verbose_name = "image for the body"
    verbose_name_plural = "Images for the body"

    @admin.display(description="Use in the body")
    def insert(self, obj):
        if not obj.pk or not obj.image:
            return "Save, then insert."
        return format_html(
            '<button type="button" class="button" data-insert-figure data-src="{}" '
            'data-alt="{}" data-caption="{}">Insert into body</button> '
            '<span class="help">or paste <code>{}</code> into the editor’s image dialog</span>',
            obj.image.url,
            obj.alt,
            obj.caption,
            obj.image.url,
        )


class ArticleChangeList(ChangeList):
    def get_filters(self, request):
        # Django builds a datetime from the date filter's year and adds a year (or 32 days) to
        # it: a year past 9998 overflowed into a 500. The admin turns this error into its usual
        # "?e=1" page, as it does for a month of 13.
        year = request.GET.get(f"{self.date_hierarchy}__year")
        if year is not None and not (
            year.isascii() and year.isdigit() and len(year) <= 4 and 1 <= int(year) <= 9998
        ):
            raise IncorrectLookupParameters(f"No such year: {year[:20]!r}")
        try:
            return super().get_filters(request)
        except OverflowError as error:
            raise IncorrectLookupParameters(str(error)) from error

    def get_queryset(self, request, exclude_parameters=None):
        # The list never shows the body; bylines come in one query for the whole page.
        queryset = super().get_queryset(request, exclude_parameters)
        return queryset.defer("body").prefetch_related("bylines__author")


@admin.register(Article)
class ArticleAdmin(VersionAdmin):
    form = ArticleForm
    inlines = (ArticleAuthorInline, ArticleImageInline)
    list_display = (
        "headline",
        "section",
        "byline_names",
        "access",
        "state",
        "published_at",
    )
    list_filter = ("status", "section", "access", "authors")
    list_select_related = ("section",)
    search_fields = ("headline", "standfirst")
    date_hierarchy = "published_at"
    autocomplete_fields = ("tags",)
    prepopulated_fields = {"slug": ("headline",)}
    actions = ("publish_now", "unpublish")
    list_per_page = 50
    # The writing room (templates/admin/articles/article/change_form.html): headline, standfirst
    # and body in the main column, the rest in a sidebar, placed by these classes.
    fieldsets = (
        (None, {"fields": ("headline", "standfirst"), "classes": ("writing-head",)}),
        (None, {"fields": ("body", "image_draft_token"), "classes": ("writing-body",)}),
        ("Publishing", {"fields": ("status", "published_at", "access"), "classes": ("side",)}),
        ("Placement", {"fields": ("section", "tags", "slug"), "classes": ("side",)}),
        (
            "Hero image",
            {"fields": ("hero_image", "hero_alt", "hero_caption"), "classes": ("side",)},
        ),
        (
            "Search engines",
            {"fields": ("seo_title", "seo_description"), "classes": ("side", "collapse")},
        ),
    )

    class Media:
        css = {"all": ("articles/editor/paywall-break.css", "articles/editor/admin.css")}
        js = ("articles/editor/admin.js", "articles/editor/writing-room.js")

    def view_on_site(self, obj):
        # Unpublished articles have no public page yet; staff see them in preview.
        if obj.is_published():
            return obj.get_absolute_url()
        return reverse("articles:preview", args=[obj.pk])

    # -- the list --

    def get_queryset(self, request):
        return visible_articles(request.user, super().get_queryset(request))

    def get_changelist(self, request, **kwargs):
        return ArticleChangeList

    @admin.display(description="Authors")
    def byline_names(self, obj):
        return ", ".join(author.name for author in obj.byline)

    @admin.display(description="Status", ordering="status")
    def state(self, obj):
        if obj.is_scheduled():
            return "Scheduled"
        if obj.is_published():
            return "Published"
        return "Draft"

    def has_publish_permission(self, request):
        return can_publish(request.user)

    @admin.action(description="Publish now", permissions=["publish"])
    def publish_now(self, request, queryset):
        now = timezone.now()
        count = 0
        for article in queryset:
            # Scheduled articles come forward to now; published ones keep their date.
            if article.published_at is None or article.published_at > now:
                article.published_at = now
            article.status = Article.Status.PUBLISHED
            article.save()
            count += 1
        self.message_user(request, f"Published {count} article(s).", messages.SUCCESS)

    @admin.action(description="Unpublish (back to draft)", permissions=["publish"])
    def unpublish(self, request, queryset):
        count = 0
        for article in queryset.filter(status=Article.Status.PUBLISHED):
            article.status = Article.Status.DRAFT
            article.save()
            count += 1
        self.message_user(request, f"Unpublished {count} article(s).", messages.SUCCESS)

    # -- permissions --

    def has_add_permission(self, request):
        if not super().has_add_permission(request):
            return False
        # A writer's articles are theirs through their byline, so they need one.
        return can_edit_any(request.user) or hasattr(request.user, "author_profile")

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and can_change_article(request.user, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and can_edit_any(request.user)

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if not can_publish(request.user):
            readonly += PUBLISHING_FIELDS
        if not can_set_access(request.user):
            readonly += ACCESS_FIELDS
        return readonly

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        form.may_place_paywall_break = can_set_access(request.user)
        return form

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "body":
            return body_field(may_place_paywall_break=can_set_access(request.user))
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def _refuse_forged_fields(self, request):
        forbidden = set()
        if not can_publish(request.user):
            forbidden |= _PUBLISHING_POST_KEYS
        if not can_set_access(request.user):
            forbidden |= _ACCESS_POST_KEYS
        sent = sorted(forbidden & set(request.POST))
        if sent:
            raise PermissionDenied(f"You may not set {', '.join(sent)}; ask an editor.")

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if request.method == "POST":
            self._refuse_forged_fields(request)
        return super().changeform_view(request, object_id, form_url, extra_context)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        article = form.instance
        if not can_edit_any(request.user) and hasattr(request.user, "author_profile"):
            # A writer always keeps their own byline, or they would lose the article.
            author = request.user.author_profile
            if not article.bylines.filter(author=author).exists():
                last = article.bylines.aggregate(last=Max("order"))["last"]
                ArticleAuthor.objects.create(
                    article=article, author=author, order=0 if last is None else last + 1
                )
        token = form.cleaned_data.get("image_draft_token")
        if token and not change:
            # Pictures dropped into this page's editor before the article's first save.
            ArticleImage.objects.filter(
                article__isnull=True, draft_token=token, uploaded_by=request.user
            ).update(article=article, draft_token="")
        # Each image made its copies when it was saved (ArticleImage.save).
        body = images.with_body_srcsets(article.body, article.images.all())
        if body != article.body:
            Article.objects.filter(pk=article.pk).update(body=body)
            article.body = body
            content_changed()  # update() sends no signal

    # -- what readers without access will see --

    def _warn_about_preview(self, request, article) -> bool:
        """Say when the preview shows nothing, more than half, or the break hides nothing."""
        if article.access == Article.Access.PUBLIC:
            return False
        shape = preview_shape(article.body, preview_blocks=settings.PAYWALL_PREVIEW_BLOCKS)
        readers = (
            "Readers without a subscription"
            if article.access == Article.Access.PAID
            else "Readers without an account"
        )
        warning = shape.warning(readers)
        if warning:
            self.message_user(request, f"“{article}”: {warning}", messages.WARNING)
        return bool(warning)

    def _back_to_the_form_if_warned(self, request, article, response):
        # Saved, but the editor should see the warning next to the article, not on the list.
        if (
            self._warn_about_preview(request, article)
            and response.status_code == 302
            and not {"_continue", "_addanother", "_saveasnew", "_popup"} & set(request.POST)
        ):
            return redirect("admin:articles_article_change", article.pk)
        return response

    def response_add(self, request, obj, post_url_continue=None):
        response = super().response_add(request, obj, post_url_continue)
        return self._back_to_the_form_if_warned(request, obj, response)

    def response_change(self, request, obj):
        return self._back_to_the_form_if_warned(request, obj, super().response_change(request, obj))

    # -- history (django-reversion): same rules as editing --

    def _article_or_404(self, request, object_id):
        # get_object turns an id that is no number ("abc" in the address) into None, not a 500.
        article = self.get_object(request, unquote(object_id))
        if article is None:
            raise Http404("No such article.")
        return article

    @staticmethod
    def _check_version_id(version_id: str) -> None:
        # The address allows any run of digits; 5000 of them made int() itself refuse (a 500).
        if not (version_id.isascii() and version_id.isdigit() and len(version_id) <= 18):
            raise Http404("No such version.")

    def history_view(self, request, object_id, extra_context=None):
        self._article_or_404(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def revision_view(self, request, object_id, version_id, extra_context=None):
        article = self._article_or_404(request, object_id)
        self._check_version_id(version_id)
        if request.method == "POST":
            if not self.has_change_permission(request, article):
                raise PermissionDenied
            version = get_object_or_404(Version, pk=version_id, object_id=str(article.pk))
            old = version.field_dict
            if not can_publish(request.user) and (
                old.get("status") != article.status
                or old.get("published_at") != article.published_at
            ):
                raise PermissionDenied("Restoring this version changes its publication.")
            if not can_set_access(request.user) and (
                old.get("access") != article.access
                or paywall_break_position(old.get("body", ""))
                != paywall_break_position(article.body)
                or paid_text_moved_into_preview(article.body, old.get("body", ""))
            ):
                raise PermissionDenied("Restoring this version changes its paywall.")
        return super().revision_view(request, object_id, version_id, extra_context)

    def recoverlist_view(self, request, extra_context=None):
        if not can_edit_any(request.user):
            raise PermissionDenied
        return super().recoverlist_view(request, extra_context)

    def recover_view(self, request, version_id, extra_context=None):
        if not (can_edit_any(request.user) and can_publish(request.user)):
            raise PermissionDenied
        self._check_version_id(version_id)
        return super().recover_view(request, version_id, extra_context)

    # -- previews and secret links --

    def _describe_url(self, image_id):
        return reverse("admin:articles_article_image_describe", args=[image_id])

    def _writing_room_urls(self):
        view, describe = self.admin_site.admin_view, self._describe_url
        upload = partial(image_upload.upload_view, model_admin=self, describe_url=describe)
        return [
            path("images/upload/", view(upload), name="articles_article_image_upload_draft"),
            path(
                "<path:object_id>/images/upload/",
                view(upload),
                name="articles_article_image_upload",
            ),
            path(
                "images/<int:image_id>/describe/",
                view(partial(image_upload.describe_view, model_admin=self, describe_url=describe)),
                name="articles_article_image_describe",
            ),
            path(
                "writing-stats/",
                view(partial(image_upload.stats_view, model_admin=self)),
                name="articles_article_writing_stats",
            ),
        ]

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            *self._writing_room_urls(),
            path(
                "<path:object_id>/preview-links/new/",
                view(self.create_preview_link_view),
                name="articles_article_preview_link_create",
            ),
            path(
                "<path:object_id>/preview-links/<int:link_id>/revoke/",
                view(self.revoke_preview_link_view),
                name="articles_article_preview_link_revoke",
            ),
            *super().get_urls(),
        ]

    def _article_for_links(self, request, object_id):
        if request.method != "POST":
            return None
        article = self._article_or_404(request, object_id)
        if not self.has_change_permission(request, article):
            raise PermissionDenied
        return article

    def create_preview_link_view(self, request, object_id):
        article = self._article_for_links(request, object_id)
        if article is None:
            return HttpResponseNotAllowed(["POST"])
        link = PreviewLink.objects.create(article=article, created_by=request.user)
        self.message_user(
            request,
            format_html(
                "Preview link created: <a href='{0}'>{0}</a>",
                absolute(link.get_absolute_url()),
            ),
            messages.SUCCESS,
        )
        return redirect("admin:articles_article_change", article.pk)

    def revoke_preview_link_view(self, request, object_id, link_id):
        article = self._article_for_links(request, object_id)
        if article is None:
            return HttpResponseNotAllowed(["POST"])
        link = get_object_or_404(article.preview_links, pk=link_id)
        link.revoke()
        self.message_user(request, "Preview link revoked; it no longer opens the article.")
        return redirect("admin:articles_article_change", article.pk)

    def get_changeform_initial_data(self, request):
        # Names this editing page's uploads until the article has an id (save_related).
        return super().get_changeform_initial_data(request) | {
            "image_draft_token": secrets.token_urlsafe(24)
        }

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        access = obj.access if obj else Article._meta.get_field("access").default
        context["writing_stats"] = writing_stats(obj.body if obj else "", access)
        context["writing_room"] = {
            "upload_url": reverse("admin:articles_article_image_upload", args=[obj.pk])
            if obj
            else reverse("admin:articles_article_image_upload_draft"),
            "stats_url": reverse("admin:articles_article_writing_stats"),
            "access": access,
            "max_bytes": settings.ARTICLE_IMAGE_MAX_BYTES,
        }
        return super().render_change_form(request, context, add, change, form_url, obj)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = extra_context or {}
        article = self.get_object(request, unquote(object_id))
        if article is not None:
            extra_context["preview_links"] = list(
                article.preview_links.active().select_related("created_by")
            )
            extra_context["preview_urls"] = {
                "staff": reverse("articles:preview", args=[article.pk]),
                "as": [
                    (label, reverse("articles:view_as", args=[article.pk, persona]))
                    for persona, label in PERSONAS.items()
                ],
            }
            extra_context["can_share"] = can_change_article(request.user, article)
        return super().change_view(request, object_id, form_url, extra_context)


from . import gift_admin  # noqa: E402, F401  (registers GiftLinkAdmin)
