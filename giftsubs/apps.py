from django.apps import AppConfig


class GiftSubscriptionsConfig(AppConfig):
    name = "giftsubs"
    verbose_name = "Gift subscriptions"
