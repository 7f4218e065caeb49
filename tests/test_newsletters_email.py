"""A story as a newsletter email: the layout, the footer, the links, and the cut."""

import re
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from articles.models import Article
from newsletters.emails import render_story, story_message
from newsletters.models import Newsletter
from tests.factories import PREVIEW_SENTENCE, SECRET_SENTENCE, make_article, make_author
from tests.newsletter_helpers import make_newsletter

pytestmark = pytest.mark.django_db

UNSUBSCRIBE = "https://news.example.com/newsletters/unsubscribe/token/"


@pytest.fixture
def newsletter():
    return make_newsletter(name="Every story", reply_to="letters@example.com")


@pytest.fixture
def story(settings):
    settings.SITE_URL = "https://news.example.com"
    body = (
        f"<p>{PREVIEW_SENTENCE}</p>"
        '<figure><img src="/media/articles/2026/12/x.jpg" alt="The harbour" srcset="/a 480w" '
        'sizes="100vw" loading="lazy"><figcaption>The harbour at dawn</figcaption></figure>'
        '<p>See <a href="/news/other/">the earlier story</a>.</p>'
        '<hr class="paywall-break">'
        f"<p>{SECRET_SENTENCE}</p>"
    )
    return make_article(body=body, authors=[make_author(name="Amara Okafor")])


def test_the_whole_story_carries_the_text_past_the_break_and_no_subscribe_button(story, newsletter):
    email = render_story(story, newsletter=newsletter, full=True, unsubscribe_url=UNSUBSCRIBE)
    assert email.subject == story.headline
    for part in (email.html, email.text):
        assert PREVIEW_SENTENCE in part and SECRET_SENTENCE in part
        assert "This story continues for subscribers" not in part
    assert "By Amara Okafor" in email.text


def test_the_preview_is_the_web_pages_cut_and_ends_with_a_subscribe_button(story, newsletter):
    email = render_story(story, newsletter=newsletter, full=False, unsubscribe_url=UNSUBSCRIBE)
    for part in (email.html, email.text):
        assert PREVIEW_SENTENCE in part
        assert SECRET_SENTENCE not in part
        assert "This story continues for subscribers" in part
    assert story.text.preview  # the same cut as the article page
    assert (
        f'href="https://news.example.com/pricing/?next=/{story.section.slug}/{story.slug}/"'
        in email.html
    )
    assert ">Subscribe</a>" in email.html


def test_the_footer_has_the_postal_address_and_the_unsubscribe_link(story, newsletter, settings):
    settings.PUBLICATION_POSTAL_ADDRESS = "The Newsroom, 9 Quay Lane, Port Ellery"
    email = render_story(story, newsletter=newsletter, full=False, unsubscribe_url=UNSUBSCRIBE)
    for part in (email.html, email.text):
        assert "The Newsroom, 9 Quay Lane, Port Ellery" in part
        assert UNSUBSCRIBE in part
        assert "You receive" in part and "Every story" in part


def test_links_and_images_are_absolute_and_images_have_a_width(story, newsletter):
    html = render_story(story, newsletter=newsletter, full=True, unsubscribe_url=UNSUBSCRIBE).html
    assert 'src="https://news.example.com/media/articles/2026/12/x.jpg"' in html
    assert 'href="https://news.example.com/news/other/"' in html
    image = re.search(r'<img [^>]*alt="The harbour"[^>]*>', html).group(0)
    assert 'width="560"' in image and "srcset" not in image and "loading" not in image
    assert not re.search(r'(src|href)="/', html)


def test_the_html_is_a_table_layout_with_css_inlined_and_a_view_in_browser_link(story, newsletter):
    html = render_story(story, newsletter=newsletter, full=True, unsubscribe_url=UNSUBSCRIBE).html
    assert '<table role="presentation"' in html
    # css-inline moved the stylesheet onto the elements: the footer's rule is on the footer.
    assert re.search(r'<td class="footer" style="[^"]*border-top: 1px solid #ddd6c8', html)
    link = f'href="https://news.example.com/{story.section.slug}/{story.slug}/"'
    assert f"{link}" in html and "View in your browser" in html


def test_the_text_alternative_opens_with_the_view_in_browser_link(story, newsletter):
    text = render_story(story, newsletter=newsletter, full=False, unsubscribe_url=UNSUBSCRIBE).text
    page = f"https://news.example.com/{story.section.slug}/{story.slug}/"
    assert text.startswith(f"View in your browser: {page}\n\n{story.headline}\n")


def test_the_message_has_one_click_unsubscribe_headers_sender_and_reply_to(story, newsletter):
    email = render_story(story, newsletter=newsletter, full=True, unsubscribe_url=UNSUBSCRIBE)
    message = story_message(
        email, newsletter=newsletter, to="reader@example.com", unsubscribe_url=UNSUBSCRIBE
    )
    assert message.extra_headers["List-Unsubscribe"] == f"<{UNSUBSCRIBE}>"
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message.from_email == "The Newsroom <newsroom@example.com>"
    assert message.reply_to == ["letters@example.com"]
    assert message.alternatives[0].mimetype == "text/html"
    assert message.body == email.text


def test_a_newsletter_without_reply_to_sets_none(story):
    quiet = Newsletter.objects.create(name="Quiet", sender_name="Desk")
    email = render_story(story, newsletter=quiet, full=True, unsubscribe_url=UNSUBSCRIBE)
    message = story_message(email, newsletter=quiet, to="a@example.com", unsubscribe_url="u")
    assert message.reply_to == [] and message.from_email.startswith("Desk <")


def test_a_public_story_in_the_text_version_reads_as_paragraphs(newsletter):
    article = make_article(access=Article.Access.PUBLIC, body="<p>One &amp; two.</p><p>Three.</p>")
    text = render_story(article, newsletter=newsletter, full=True, unsubscribe_url="u").text
    assert "One & two.\n\nThree." in text


def test_the_story_picture_is_its_share_copy_never_the_stored_original(
    newsletter, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    settings.SITE_URL = "https://news.example.com"
    photo = BytesIO()
    Image.new("RGB", (2000, 1000), (30, 90, 160)).save(photo, "JPEG")
    story = make_article(
        hero_image=SimpleUploadedFile("harbour.jpg", photo.getvalue(), "image/jpeg"),
        hero_alt="Boats in the harbour at dawn",
    )
    share_copy = story.hero_image.storage.url(story.hero_renditions["widths"]["1200"])

    email = render_story(story, newsletter=newsletter, full=True, unsubscribe_url=UNSUBSCRIBE)

    assert story.headline in email.html
    assert f'src="https://news.example.com{share_copy}"' in email.html
    assert 'alt="Boats in the harbour at dawn"' in email.html
    assert story.hero_image.url not in email.html
