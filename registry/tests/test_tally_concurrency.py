"""The counts kept ready stay exact when several users write at once, for real.

Each test runs writers in threads, each with its own database connection and its own
transactions, then compares the tally with a full recount. On PostgreSQL (READ COMMITTED)
a write that counted the rows of its (unit, year) before and after itself, without locking,
counted the rows another writer committed in between: 20 creations four at a time added 31.
"""

import datetime
import random
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from registry import services
from registry.choices import DecisionKind, Kind, Level, StandardField, UnitType
from registry.models import Decision, Field, Initiative, Registration
from registry.tally import CHECKED, tally_current, tally_expected
from registry.tests.factories import UserFactory, make_unit

pytestmark = [
    # Restored from the serialized database afterwards, as the browser tests expect to find it.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def in_threads(jobs, workers=4):
    """Run the callables ``jobs`` in ``workers`` threads, all started together; re-raise errors."""
    start = threading.Event()

    def run(job):
        start.wait(timeout=30)
        try:
            return job()
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=workers) as pool:
        futures = [pool.submit(run, job) for job in jobs]
        start.set()
        return [future.result() for future in futures]


def assert_tally_equals_recount():
    for structure in CHECKED:
        current, expected = tally_current(structure), tally_expected(structure)
        assert current == expected, {
            (structure, key): (current.get(key), expected.get(key))
            for key in current.keys() | expected.keys()
            if current.get(key) != expected.get(key)
        }


@pytest.fixture
def world():
    # A transactional test's database is emptied afterwards, the seeded fields with it.
    for order, standard in enumerate(StandardField):
        Field.objects.get_or_create(name=standard.label, defaults={"standard": standard, "order": order})
    province = make_unit("Tỉnh ủy", unit_type=UnitType.PROVINCE, code="T")
    district = make_unit("Huyện ủy", province, UnitType.DISTRICT, code="H")
    communes = [make_unit(f"Đảng ủy xã {i}", district, UnitType.COMMUNE, code=f"X{i}") for i in range(2)]
    return {"units": [province, district, *communes], "communes": communes, "user": UserFactory()}


def create(unit, name, year=2024, field=None):
    def job():
        initiative = Initiative(name=name, unit=unit, field=field or Field.objects.first())
        return services.initiative_create(
            user=None,
            initiative=initiative,
            year=year,
            registered_on=datetime.date(year, 3, 1),
            level=Level.GRASSROOTS,
        ).pk

    return job


def test_creations_in_the_same_unit_and_year_four_at_a_time(world):
    commune = world["communes"][0]
    in_threads([create(commune, f"Mô hình {i}") for i in range(20)])
    assert Registration.objects.count() == 20
    assert_tally_equals_recount()


def test_mixed_writes_from_several_threads(world):
    communes, fields = world["communes"], list(Field.objects.all())
    first = in_threads([create(communes[i % 2], f"Mô hình {i}", 2023 + i % 2) for i in range(8)])
    rng = random.Random(3)

    def edit_initiative(pk):
        def job():
            initiative = Initiative.objects.get(pk=pk)
            initiative.field = rng.choice(fields)
            initiative.kind, initiative.person_name = Kind.INDIVIDUAL, "Nguyễn Văn A"
            services.initiative_update(user=None, initiative=initiative)

        return job

    def maintain(pk):
        def job():
            initiative = Initiative.objects.get(pk=pk)
            registration = Registration(
                year=2025,
                unit=initiative.unit,
                registered_on=datetime.date(2025, 2, 1),
                level=Level.GRASSROOTS,
            )
            services.registration_create(user=None, initiative=initiative, registration=registration)

        return job

    def move_year(pk):
        def job():
            registration = Registration.objects.filter(initiative_id=pk).order_by("year").first()
            registration.year, registration.registered_on = 2022, datetime.date(2022, 5, 5)
            registration.unit = communes[1]
            services.registration_update(user=None, registration=registration)

        return job

    def decide(pks, number):
        def job():
            decision = Decision(
                kind=DecisionKind.RECOGNITION,
                number=str(number),
                symbol="QĐ/HU",
                signed_on=datetime.date(2025, 12, 1),
                issuing_unit=world["units"][1],
                issuer_name="Ban Thường vụ Huyện ủy",
                level=Level.DISTRICT,
                title="Công nhận",
            )
            services.decision_create(
                user=None, decision=decision, registrations=Registration.objects.filter(initiative_id__in=pks)
            )

        return job

    def delete(pk):
        def job():
            services.soft_delete(user=None, obj=Initiative.objects.get(pk=pk))

        return job

    jobs = [edit_initiative(pk) for pk in first[:4]]
    jobs += [maintain(pk) for pk in first[2:6]]
    jobs += [move_year(pk) for pk in first[5:7]]
    jobs += [decide(first[:5], 1), decide(first[3:8], 2)]
    jobs += [delete(first[7])]
    jobs += [create(communes[0], f"Mô hình mới {i}", 2025) for i in range(4)]
    rng.shuffle(jobs)
    in_threads(jobs)
    assert_tally_equals_recount()


def test_review_steps_and_edits_at_once_keep_the_counts_by_state_exact(world):
    """Submissions, acceptances, returns and creations in the same units and year, four at a time."""
    from registry import review
    from registry.choices import ReviewAction, ReviewState
    from registry.models import Campaign

    province, _district, *communes = world["units"]
    services.campaign_create(
        user=None,
        campaign=Campaign(
            year=2026,
            unit=province,
            title="Thi đua 2026",
            launched_on=datetime.date(2026, 1, 10),
            registration_deadline=datetime.date(2026, 3, 31),
            evaluation_deadline=datetime.date(2026, 11, 30),
        ),
    )
    drafts = [create(communes[i % 2], f"Mô hình {i}", year=2026)() for i in range(24)]
    assert Registration.objects.filter(review_state=ReviewState.DRAFT).count() == 24
    admin = UserFactory(is_superuser=True)

    def step(action, pks, comment=""):
        return lambda: review.act(
            user=admin,
            action=action,
            registrations=Registration.objects.filter(initiative_id__in=pks),
            comment=comment,
        )

    in_threads([step(ReviewAction.SUBMIT, drafts[i::4]) for i in range(4)])
    jobs = [step(ReviewAction.ACCEPT, drafts[0::4]), step(ReviewAction.RETURN, drafts[1::4], "Bổ sung")]
    jobs += [create(communes[i % 2], f"Mô hình thêm {i}", year=2026) for i in range(4)]
    in_threads(jobs)
    states = dict(Registration.objects.values_list("initiative_id", "review_state"))
    assert {states[pk] for pk in drafts[0::4]} == {ReviewState.ACCEPTED}
    assert {states[pk] for pk in drafts[1::4]} == {ReviewState.RETURNED}
    assert_tally_equals_recount()
