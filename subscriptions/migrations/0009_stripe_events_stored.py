"""ProcessedEvent becomes StripeEvent: events are stored first, then processed by a task.

Rows already there were applied when received, so they become processed events.
"""

import django.utils.timezone
from django.db import migrations, models
from django.db.models import F, Q


def mark_old_events_processed(apps, schema_editor):
    StripeEvent = apps.get_model("subscriptions", "StripeEvent")
    StripeEvent.objects.update(processed_at=F("received_at"), attempts=1)


class Migration(migrations.Migration):
    dependencies = [
        ("subscriptions", "0008_payment_action_notices"),
    ]

    operations = [
        migrations.RenameModel("ProcessedEvent", "StripeEvent"),
        migrations.RenameField("stripeevent", "processed_at", "received_at"),
        migrations.AlterField(
            model_name="stripeevent",
            name="received_at",
            field=models.DateTimeField(db_index=True, default=django.utils.timezone.now),
        ),
        migrations.AddField(
            model_name="stripeevent",
            name="processed_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="stripeevent",
            name="payload",
            field=models.TextField(blank=True),
        ),
        migrations.AddField(
            model_name="stripeevent",
            name="gave_up_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="stripeevent",
            name="attempts",
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.AddField(
            model_name="stripeevent",
            name="last_error",
            field=models.TextField(blank=True),
        ),
        migrations.AddField(
            model_name="stripeevent",
            name="next_attempt_at",
            field=models.DateTimeField(default=django.utils.timezone.now),
        ),
        migrations.AddField(
            model_name="stripeevent",
            name="claimed_until",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.RunPython(mark_old_events_processed, migrations.RunPython.noop),
        migrations.AlterModelOptions(
            name="stripeevent",
            options={"permissions": [("retry_stripeevent", "Can retry a Stripe event")]},
        ),
        migrations.AddIndex(
            model_name="stripeevent",
            index=models.Index(
                condition=Q(gave_up_at__isnull=True, processed_at__isnull=True),
                fields=["next_attempt_at"],
                name="stripe_event_pending_idx",
            ),
        ),
    ]
