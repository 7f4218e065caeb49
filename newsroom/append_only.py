"""Records that are written once and never changed: the audit log, the subscription history."""

from django.db import models


class AppendOnlyModel(models.Model):
    """Saving a stored row again, or deleting one, raises. `append_only_name` says what the
    record is in the error ("The audit log is append-only.")."""

    append_only_name = "This record"

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError(f"{self.append_only_name} is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError(f"{self.append_only_name} is append-only.")
