"""The import's flow: read and check an upload, show its dry run, apply it once confirmed.

Everything that can be wrong with an export is found while reading it, before the dry run is
stored, so a bad export is refused with a message and writes nothing. The import itself runs
as background tasks, BATCH posts each, every batch all or nothing and safe to run again (each
record is keyed on the platform's id).
"""

import logging
from collections import Counter

from django.db import transaction
from django.utils import timezone

from articles.models import Author, Section
from desk.audit import record

from . import ghost, substack
from .bundle import Bundle
from .models import ContentImport, Source
from .plan import Importer, totals
from .records import BadExport, Export

logger = logging.getLogger(__name__)

BATCH = 100
READERS = {Source.GHOST: ghost.read, Source.SUBSTACK: substack.read}


class NotConfirmable(Exception):
    """This import cannot be started (again); the message says why."""


def read_export(*, source: str, bundle: Bundle) -> Export:
    if source not in READERS:
        raise BadExport(f"Unknown source “{source}”.")
    return READERS[Source(source)](bundle)


def _importer(content_import: ContentImport) -> Importer:
    bundle = Bundle.from_bytes(bytes(content_import.export), content_import.filename)
    export = read_export(source=content_import.source, bundle=bundle)
    return Importer(export, section=content_import.section, author=content_import.author)


def prepare_import(
    *,
    source: str,
    bundle: Bundle,
    filename: str,
    section: Section,
    author: Author | None,
    actor,
) -> ContentImport:
    """Read the export and store its dry run. Raises BadExport, having written nothing."""
    export = read_export(source=source, bundle=bundle)
    actions = Importer(export, section=section, author=author).dry_run()
    stored = bundle.to_zip() if len(bundle.files) > 1 else next(iter(bundle.files.values()))
    content_import = ContentImport.objects.create(
        source=source,
        filename=filename if len(bundle.files) == 1 else f"{filename.removesuffix('.zip')}.zip",
        export=stored,
        section=section,
        author=author,
        plan=[vars(a) for a in actions],
        totals=totals(actions),
        posts_total=len(export.posts),
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    record(
        actor=actor,
        action="content_import.dry_run",
        target=str(content_import),
        import_id=content_import.pk,
        totals=content_import.totals,
    )
    return content_import


def confirm_import(*, content_import: ContentImport, actor) -> None:
    """Start a planned import in the background."""
    from .tasks import import_batch

    with transaction.atomic():
        locked = ContentImport.objects.select_for_update().get(pk=content_import.pk)
        if locked.state not in (ContentImport.State.PLANNED, ContentImport.State.FAILED):
            raise NotConfirmable(f"This import is already {locked.get_state_display().lower()}.")
        locked.state = ContentImport.State.QUEUED
        locked.confirmed_at = timezone.now()
        locked.error = ""
        locked.posts_done = 0
        locked.result = {}
        locked.save()
        record(
            actor=actor,
            action="content_import.confirmed",
            target=str(locked),
            import_id=locked.pk,
        )
        # Enqueued in the same transaction: no worker sees the task before the confirmation.
        import_batch.enqueue(locked.pk, 0)
    content_import.refresh_from_db()


def run_batch(content_import_id: int, start: int) -> int | None:
    """Import one batch of posts; returns where the next batch starts, or None when done."""
    content_import = ContentImport.objects.select_related("section", "author", "created_by").get(
        pk=content_import_id
    )
    if content_import.state not in (ContentImport.State.QUEUED, ContentImport.State.RUNNING):
        return None
    ContentImport.objects.filter(pk=content_import.pk).update(state=ContentImport.State.RUNNING)
    try:
        importer = _importer(content_import)
        counts = importer.run(start=start, stop=start + BATCH)
    except Exception as error:
        logger.exception("Content import %s failed at post %s", content_import.pk, start)
        ContentImport.objects.filter(pk=content_import.pk).update(
            state=ContentImport.State.FAILED, error=str(error)[:2000], finished_at=timezone.now()
        )
        return None
    if start > 0:  # authors and topics are counted once, with the first batch
        counts = Counter({k: v for k, v in counts.items() if k.startswith("post ")})
    result = Counter(content_import.result) + counts
    done = min(start + BATCH, len(importer.export.posts))
    finished = done >= len(importer.export.posts)
    ContentImport.objects.filter(pk=content_import.pk).update(
        posts_done=done,
        result=dict(result),
        state=ContentImport.State.DONE if finished else ContentImport.State.RUNNING,
        finished_at=timezone.now() if finished else None,
    )
    if not finished:
        return done
    record(
        actor=content_import.created_by,
        action="content_import.done",
        target=str(content_import),
        import_id=content_import.pk,
        result=dict(result),
    )
    return None


def run_now(content_import: ContentImport, *, actor) -> ContentImport:
    """Apply a planned import in this process (the management command's --apply)."""
    with transaction.atomic():
        ContentImport.objects.filter(pk=content_import.pk).update(
            state=ContentImport.State.QUEUED, confirmed_at=timezone.now()
        )
        record(
            actor=actor,
            action="content_import.confirmed",
            target=str(content_import),
            import_id=content_import.pk,
        )
    start: int | None = 0
    while start is not None:
        start = run_batch(content_import.pk, start)
    content_import.refresh_from_db()
    return content_import
