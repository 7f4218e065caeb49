"""Page numbers for listings that may hold a million articles.

An exact ``COUNT(*)`` walks every article of a section on every request. A listing counts
only as far as a few pages past the one asked for: "Page 3 of 5" when the end is that near,
"Page 3" with a link to older stories otherwise.
"""

from functools import cached_property

from django.core.paginator import Paginator
from django.db.models import QuerySet

LOOK_AHEAD_PAGES = 10
# Beyond any real archive; keeps a hand-typed page=10**30 from reaching the database.
MAX_PAGE = 100_000


def requested_page(value: str | None) -> int:
    try:
        return min(max(int(value or 1), 1), MAX_PAGE)
    except ValueError:
        return 1


class ArchivePaginator(Paginator):
    """A paginator over a queryset (it counts with the database, not len())."""

    object_list: QuerySet

    def __init__(self, object_list: QuerySet, per_page: int, *, number: int):
        super().__init__(object_list, per_page)
        self.count_limit = (number + LOOK_AHEAD_PAGES) * per_page + 1

    @cached_property
    def count(self) -> int:
        # Order does not change a count; without it the database reads any index it likes.
        counted = self.object_list.order_by().values("pk")[: self.count_limit].count()
        self.exact = counted < self.count_limit
        return counted if self.exact else counted - 1
