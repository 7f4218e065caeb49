import pytest
from django.core.cache import cache

PASSWORD = "correct-horse-battery-staple"


@pytest.fixture(autouse=True)
def _isolated_cache():
    # Rate limits and cached pages live in the cache; one test must not see another's.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def password():
    return PASSWORD


def _verified_user(django_user_model, email, **extra):
    from allauth.account.models import EmailAddress

    user = django_user_model.objects.create_user(email=email, password=PASSWORD, **extra)
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


@pytest.fixture
def reader(django_user_model):
    """A signed-up reader with a verified email and no subscription."""
    return _verified_user(django_user_model, "reader@example.com")


@pytest.fixture
def subscriber(django_user_model, monkeypatch):
    """A reader with paid access."""
    user = _verified_user(django_user_model, "subscriber@example.com")
    # Until the subscriptions app stores subscriptions, paid access is granted here.
    monkeypatch.setattr("articles.access.has_paid_access", lambda u: u.pk == user.pk, raising=True)
    return user


@pytest.fixture
def editor(django_user_model):
    """A member of staff who edits the newsroom."""
    return _verified_user(django_user_model, "editor@example.com", is_staff=True)
