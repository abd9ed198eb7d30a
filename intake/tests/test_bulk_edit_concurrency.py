"""Bulk edits of level, grade and field at once, and with other writers: the counts stay exact.

Threads, each with its own connection and transactions, then the tally against a recount
(see ``registry/tests/test_tally_concurrency.py``); meant for PostgreSQL, run on SQLite too.
"""

import pytest

from intake import jobs
from registry.choices import Grade, Level
from registry.models import Field, Registration
from registry.tests.factories import UserFactory
from registry.tests.test_tally_concurrency import assert_tally_equals_recount, create, in_threads, world

pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True)]

__all__ = ["world"]  # the fixture, used by name


def test_overlapping_bulk_edits_and_creations_at_once_keep_the_counts_exact(world):
    communes = world["communes"]
    for i in range(12):
        create(communes[i % 2], f"Mô hình {i}", year=2023 + i % 3)()
    admin = UserFactory(is_superuser=True)
    fields = list(Field.objects.order_by("pk")[:2])
    pks = list(Registration.objects.order_by("pk").values_list("pk", flat=True))

    def edit(rows, **values):
        return lambda: jobs.registrations_edit(user=admin, registrations=rows, **values)

    outcomes = in_threads(
        [
            edit(pks, level=Level.DISTRICT, grade=Grade.EXEMPLAR),
            edit(pks[::2], field_id=fields[1].pk, level=Level.COMMUNE),
            edit(pks[3:], grade=Grade.OUTSTANDING, field_id=fields[0].pk),
            create(communes[0], "Mô hình mới", year=2024),
            create(communes[1], "Mô hình mới khác", year=2023),
        ]
    )
    assert [outcome["changed"] for outcome in outcomes[:3]] == [12, 6, 9]
    assert_tally_equals_recount()
