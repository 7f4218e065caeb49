"""Demo text for the site's standing pages. Created once; an editor's later changes are kept."""

from pages.models import Page

PAGES = {
    Page.Kind.ABOUT: (
        "About The Newsroom",
        "<p>The Newsroom is an independent local newsroom covering Port Ellery and the coast "
        "around it. We are paid for by our readers: no advertising, no owner with other "
        "interests.</p><p>Our reporters cover the council, the harbour, schools, business, "
        "climate and culture. Corrections are made in the story and marked as an update.</p>",
    ),
    Page.Kind.CONTACT: (
        "Contact us",
        '<p>News tips and corrections: <a href="mailto:newsdesk@example.com">'
        "newsdesk@example.com</a>.</p><p>Subscriptions and billing: <a "
        'href="mailto:subscriptions@example.com">subscriptions@example.com</a>. We answer '
        "within two working days.</p><p>The Newsroom Ltd, 1 Quay Street, Port Ellery.</p>",
    ),
    Page.Kind.PRIVACY: (
        "Privacy notice",
        "<p>We collect what we need to run your account and subscription: your email address, "
        "your name if you give it, the newsletters you chose, and your subscription's state. "
        "Card details are taken and kept by Stripe, our payment provider; we never see them."
        "</p><h2>Your rights</h2><p>You can download your data or delete your account from "
        "your account page at any time. Under UK GDPR you may also ask us what we hold, or "
        "complain to the Information Commissioner's Office.</p>",
    ),
    Page.Kind.TERMS: (
        "Terms of sale",
        "<p>A subscription gives one person access to every story on the site for the period "
        "paid for. Prices are in pounds sterling and include VAT where it applies.</p><p>A "
        "subscription renews automatically at the end of each month or year until you cancel "
        "it. You can cancel at any time from your account page; it then ends at the end of "
        "the period already paid for.</p>",
    ),
    Page.Kind.REFUNDS: (
        "Refunds and cancellation",
        "<p>You may cancel within 14 days of first subscribing and get a full refund: write "
        "to subscriptions@example.com. After that, cancelling stops the next payment and "
        "you keep access until the end of the period already paid for.</p>",
    ),
}


def seed() -> int:
    created = 0
    for kind, (title, body) in PAGES.items():
        created += Page.objects.get_or_create(kind=kind, defaults={"title": title, "body": body})[1]
    return created
