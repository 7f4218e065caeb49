"""The demo's newsletters, and the demo readers' choices among them.

Called by `seed_demo`; idempotent. The demo subscriber and reader are recorded as imported
members who gave consent elsewhere, which is what a publication moving here would have.
"""

from newsletters.models import Newsletter, Source
from newsletters.services import subscribe

NEWSLETTERS = [
    {
        "name": "Every story",
        "description": "Each story as it is published. Subscribers get the whole story; "
        "everyone else the opening and a link to read on.",
        "order": 1,
    },
    {
        "name": "The morning briefing",
        "description": "The stories the editors pick for the morning, once a day.",
        "order": 2,
    },
]
SENDER_NAME = "The Newsroom"
REPLY_TO = "letters@example.com"


def seed(*, subscriber, reader) -> list[Newsletter]:
    newsletters = [
        Newsletter.objects.get_or_create(
            name=spec["name"],
            defaults={
                "description": spec["description"],
                "sender_name": SENDER_NAME,
                "reply_to": REPLY_TO,
                "order": spec["order"],
            },
        )[0]
        for spec in NEWSLETTERS
    ]
    subscribe(user=subscriber, newsletters=newsletters, source=Source.IMPORT)
    subscribe(user=reader, newsletters=newsletters[:1], source=Source.IMPORT)
    return newsletters
