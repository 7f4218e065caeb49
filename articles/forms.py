from django import forms
from django.utils import timezone
from django_prose_editor.fields import ProseEditorFormField
from django_prose_editor.widgets import AdminProseEditorWidget

from .html import EDITOR_EXTENSIONS, paywall_break_position, sanitize_html
from .models import Article
from .permissions import paid_text_moved_into_preview

SEO_TITLE_HINT = "Up to 70 characters; search results show about 60. Empty uses the headline."
SEO_DESCRIPTION_HINT = (
    "Up to 160 characters; search results show about 155. Empty uses the standfirst."
)
STANDFIRST_HINT = "One or two sentences under the headline, up to 400 characters."


def body_field(*, may_place_paywall_break: bool) -> ProseEditorFormField:
    extensions = dict(EDITOR_EXTENSIONS)
    if not may_place_paywall_break:
        # Writers still see (and keep) a break an editor placed, but get no button for it.
        extensions["PaywallBreak"] = {"menu": False}
    return ProseEditorFormField(
        config={"extensions": extensions},
        sanitize=sanitize_html,
        widget=AdminProseEditorWidget,
        required=False,
        help_text="Use “Paywall break” in the toolbar to end the preview there.",
    )


class ArticleForm(forms.ModelForm):
    # Set per request by the admin (ArticleAdmin.get_form).
    may_place_paywall_break = True
    # Pictures uploaded from the editor before the first save carry this page's token.
    image_draft_token = forms.CharField(
        required=False, max_length=64, widget=forms.HiddenInput, label="Draft token"
    )

    class Meta:
        model = Article
        fields = (
            "headline",
            "slug",
            "standfirst",
            "section",
            "tags",
            "body",
            "hero_image",
            "hero_alt",
            "hero_caption",
            "status",
            "published_at",
            "access",
            "seo_title",
            "seo_description",
        )
        help_texts = {
            "seo_title": SEO_TITLE_HINT,
            "seo_description": SEO_DESCRIPTION_HINT,
            "standfirst": STANDFIRST_HINT,
            "headline": "Up to 200 characters.",
            "slug": "The article's address; filled from the headline, and yours to change.",
        }
        widgets = {
            # Django draws a file input in a fieldset whose legend does not name the input.
            "hero_image": forms.ClearableFileInput(attrs={"aria-label": "Hero image"}),
            "standfirst": forms.Textarea(attrs={"rows": 3, "data-length-hint": "400"}),
            "seo_title": forms.TextInput(attrs={"data-length-hint": "60", "size": 70}),
            "seo_description": forms.Textarea(attrs={"rows": 2, "data-length-hint": "155"}),
        }

    def clean_body(self):
        body = self.cleaned_data.get("body") or ""
        if not self.may_place_paywall_break:
            before = paywall_break_position(self.instance.body if self.instance.pk else "")
            if paywall_break_position(body) != before:
                raise forms.ValidationError(
                    "Only an editor places the paywall break. Leave it where it was "
                    "(or ask an editor to move it).",
                    code="paywall_break",
                )
            moved = paid_text_moved_into_preview(
                self.instance.body if self.instance.pk else "", body
            )
            if moved:
                raise forms.ValidationError(
                    "Text from past the paywall break cannot move into the preview: “%(text)s” "
                    "is for subscribers. Leave it below the break (or ask an editor).",
                    code="paid_text_moved",
                    params={"text": moved if len(moved) <= 80 else moved[:79] + "…"},
                )
        return body

    def clean(self):
        cleaned = super().clean() or {}
        # Publishing without a time means now; the model's constraint is checked before save.
        if (
            "published_at" in self.fields
            and cleaned.get("status") == Article.Status.PUBLISHED
            and not cleaned.get("published_at")
        ):
            cleaned["published_at"] = timezone.now()
        return cleaned
