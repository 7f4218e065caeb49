from django.apps import AppConfig


class SubscriptionsConfig(AppConfig):
    name = "subscriptions"
    verbose_name = "Subscriptions"

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from newsroom.pagecache import content_changed

        from .history import connect_signals
        from .models import Plan

        connect_signals()

        def changed(**kwargs):
            content_changed()

        # Plans are on the pricing page and in every paywall's call to subscribe.
        for signal in (post_save, post_delete):
            signal.connect(changed, sender=Plan, weak=False, dispatch_uid="pages-plan")
