"""The counts kept ready always equal the live counts, whatever the writes."""

import datetime
import random

import pytest
from django.db.models import F

from registry import recognition, services
from registry.choices import DecisionKind, Evaluation, Grade, Kind, Level, UnitType
from registry.models import AwardForm, Decision, Field, Initiative, Registration, Unit
from registry.tally import CHECKED, tally_current, tally_expected, tally_expected_all, tally_rebuild
from registry.tests.factories import UserFactory, make_unit

pytestmark = pytest.mark.django_db


def assert_recognition_is_live():
    """The kept recognition columns equal what the decisions say."""
    rows = Registration.objects.annotate(**recognition.live()).values_list(
        "pk", "recognition_rank", "live_rank", "is_commended", "live_commended"
    )
    assert [(pk, kept, commended) for pk, kept, _rank, commended, _live in rows] == [
        (pk, rank, live) for pk, _kept, rank, _commended, live in rows
    ]


def assert_tally_is_live():
    assert_recognition_is_live()
    stale = Registration.objects.exclude(initiative_deleted=F("initiative__is_deleted"))
    assert not stale.exists()
    for structure in CHECKED:
        current, expected = tally_current(structure), tally_expected(structure)
        assert current.keys() == expected.keys()
        for key, counts in expected.items():
            assert current[key] == counts, (structure, key)
    # The tests' quicker recount (``conftest.tally_is_live``) says the same.
    assert tally_expected_all() == {structure: tally_expected(structure) for structure in CHECKED}


@pytest.fixture
def world():
    province = make_unit("Tỉnh ủy", unit_type=UnitType.PROVINCE, code="T")
    districts = [make_unit(f"Huyện ủy {i}", province, UnitType.DISTRICT, code=f"H{i}") for i in range(2)]
    communes = [
        make_unit(f"Đảng ủy xã {i}", districts[i % 2], UnitType.COMMUNE, code=f"X{i}") for i in range(4)
    ]
    cells = [make_unit(f"Chi bộ {i}", communes[i % 4], UnitType.CELL, code=f"C{i}") for i in range(8)]
    return {"units": [province, *districts, *communes, *cells], "user": UserFactory()}


def test_random_writes_keep_the_tally_equal_to_live_counts(world):
    rng = random.Random(7)
    user, units = world["user"], world["units"]
    fields = list(Field.objects.all())
    award = AwardForm.objects.first()
    initiatives, registrations, decisions = [], [], []
    for step in range(80):
        action = rng.choice(
            ["create"] * 4
            + ["maintain"] * 3
            + [
                "edit_initiative",
                "edit_registration",
                "decide",
                "undecide",
                "edit_decision",
                "delete",
                "restore",
            ]
            * 2
        )
        if action == "create" or not initiatives:
            kind = rng.choice(list(Kind))
            initiative = Initiative(
                name=f"Mô hình {step}",
                unit=rng.choice(units),
                kind=kind,
                field=rng.choice(fields),
                person_name="Nguyễn Văn A" if kind == Kind.INDIVIDUAL else "",
                grade=rng.choice(list(Grade)),
            )
            year = rng.randint(2021, 2024)
            services.initiative_create(
                user=user,
                initiative=initiative,
                year=year,
                registered_on=datetime.date(year, rng.randint(1, 12), rng.randint(1, 28)),
                level=rng.choice(list(Level)),
            )
            initiatives.append(initiative)
            registrations.extend(initiative.registrations.all())
        elif action == "maintain":
            initiative = rng.choice(initiatives)
            initiative.refresh_from_db()  # as a request reads it: "restore" below restores a copy
            year = max(initiative.registrations.values_list("year", flat=True)) + 1
            if year > 2025:  # nothing is registered ahead of time
                continue
            registration = services.registration_create(
                user=user,
                initiative=initiative,
                registration=Registration(
                    year=year,
                    unit=rng.choice(units),
                    level=Level.COMMUNE,
                    registered_on=datetime.date(year, rng.randint(1, 12), 1),
                ),
            )
            registrations.append(registration)
        elif action == "edit_initiative":
            initiative = rng.choice(initiatives)
            initiative.field = rng.choice(fields)
            initiative.grade = rng.choice(list(Grade))
            services.initiative_update(user=user, initiative=initiative)
        elif action == "edit_registration":
            registration = Registration.objects.get(pk=rng.choice(registrations).pk)
            registration.evaluation = rng.choice([Evaluation.EFFECTIVE, Evaluation.NOT_EFFECTIVE])
            registration.evaluated_on = datetime.date(registration.year, 12, 1)
            registration.unit = rng.choice(units)
            registration.registered_on = datetime.date(registration.year, rng.randint(1, 12), 2)
            services.registration_update(user=user, registration=registration)
        elif action == "decide":
            kind = rng.choice(list(DecisionKind))
            decision = Decision(
                kind=kind,
                number=str(step),
                symbol="QĐ/HU",
                signed_on=datetime.date(2025, 12, 31),  # after every registration it may cover
                issuing_unit=rng.choice(units),
                issuer_name="Ban Thường vụ",
                level=rng.choice(list(Level)),
                award_form=award if kind == DecisionKind.COMMENDATION else None,
                title="Quyết định",
            )
            services.decision_create(
                user=user,
                decision=decision,
                registrations=rng.sample(registrations, 3) if len(registrations) >= 3 else registrations,
            )
            decisions.append(decision)
        elif action == "undecide" and decisions:
            decision = rng.choice(decisions)
            services.decision_set_registrations(
                user=user,
                decision=decision,
                add=[rng.choice(registrations)],
                remove=list(decision.registrations.all()[:1]),
            )
        elif action == "edit_decision" and decisions:
            decision = rng.choice(decisions)
            decision.level = rng.choice(list(Level))
            services.decision_update(user=user, decision=decision)
        elif action == "delete":
            target = rng.choice([rng.choice(initiatives), rng.choice(registrations)] + decisions[-1:])
            target.refresh_from_db()
            if not target.is_deleted:
                services.soft_delete(user=user, obj=target)
        elif action == "restore":
            for model in (Initiative, Registration, Decision):
                target = model.objects.filter(is_deleted=True).first()
                if target:
                    services.restore(user=user, obj=target)
                    break
    assert Registration.objects.count() > 25
    assert Registration.objects.exclude(recognition_rank=None).exists()
    assert Registration.objects.filter(is_commended=True).exists()
    assert_tally_is_live()
    assert tally_rebuild() == len(tally_expected())
    assert_tally_is_live()


def test_a_registration_counts_in_every_unit_above_it(world):
    user, units = world["user"], world["units"]
    province, cell = units[0], units[-1]
    initiative = Initiative(name="Mô hình", unit=cell, field=Field.objects.first())
    services.initiative_create(
        user=user,
        initiative=initiative,
        year=2024,
        registered_on=datetime.date(2024, 5, 2),
        level=Level.GRASSROOTS,
    )
    current = tally_current()
    above = sorted(unit for (unit, year, quarter, field) in current)
    assert len(above) == cell.depth
    assert province.pk in above and cell.pk in above
    assert {(year, quarter) for (_u, year, quarter, _f) in current} == {(2024, 20242)}


def test_cached_figures_change_with_every_write(world):
    from django.contrib.auth import get_user_model

    from reports import selectors
    from reports.periods import Period

    admin = get_user_model().objects.create_superuser("quan_tri_cache", password="x")
    province, cell = world["units"][0], world["units"][-1]
    period = Period.year(2024)

    def total():
        # As a request does: the root loaded afresh, its token read once.
        root = Unit.objects.get(pk=province.pk)
        return (
            selectors.summary(admin, root, period)["current"]["total"],
            selectors.unit_table(admin, root, period)["total"]["current"]["total"],
        )

    assert total() == (0, 0)
    initiative = Initiative(name="Mô hình", unit=cell, field=Field.objects.first())
    services.initiative_create(
        user=admin,
        initiative=initiative,
        year=2024,
        registered_on=datetime.date(2024, 5, 2),
        level=Level.GRASSROOTS,
    )
    assert total() == (1, 1)
    services.soft_delete(user=admin, obj=initiative)
    assert total() == (0, 0)
    services.restore(user=admin, obj=initiative)
    assert total() == (1, 1)
    Registration.objects.update(year=2023)  # a write around the services: only a rebuild sees it
    tally_rebuild()
    assert total() == (0, 0)
