"""The subscriptions app's one answer to the rest of the site: may this user read paid work?"""


def has_paid_access(user) -> bool:
    # Subscriptions are not built yet: nobody but staff (decided by the caller) reads paid work.
    return False
