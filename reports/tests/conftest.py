"""A small unit tree with registrations whose report figures are computed by hand in the tests.

    Tỉnh ủy P                      (root; registers r9 itself)
    ├── Huyện ủy A                 (registers r4 itself)
    │   ├── Chi bộ A1              r1 (recognised at district AND province level, commended), r2
    │   └── Chi bộ A2              closed 30/06/2023: r3 (a deleted central recognition covers it)
    ├── Huyện ủy B
    │   └── Chi bộ B1              r5; a deleted registration; a registration of a deleted initiative
    ├── Huyện ủy C                 closed 31/12/2022: one registration in 2022 only
    ├── Huyện ủy D                 opened 01/07/2023: r8 (registered 15/08/2023)
    └── Huyện ủy E                 no registration
    Tỉnh ủy Q                      another root, with one registration

2023: r1..r5, r8, r9 (7). 2022: r11 (A1), r2's and r4's initiatives (maintained in 2023), r10 (C).
"""

import datetime
from types import SimpleNamespace

import pytest

from registry import services
from registry.choices import DecisionKind, Evaluation, Grade, Kind, Level, RegistrationStatus, Role, UnitType
from registry.models import AwardForm, Field
from registry.tests.factories import (
    DecisionFactory,
    InitiativeFactory,
    MembershipFactory,
    RegistrationFactory,
    UserFactory,
    make_unit,
)


def register(unit, *, year=2023, kind=Kind.COLLECTIVE, field, status=RegistrationStatus.NEW, **extra):
    initiative_fields = {k: extra.pop(k) for k in ("grade", "is_deleted") if k in extra}
    if kind == Kind.INDIVIDUAL:
        initiative_fields["person_name"] = "Nguyễn Văn An"
    initiative = extra.pop("initiative", None) or InitiativeFactory(
        unit=unit, kind=kind, field=field, **initiative_fields
    )
    return RegistrationFactory(initiative=initiative, unit=unit, year=year, status=status, **extra)


@pytest.fixture
def fields(db):
    return SimpleNamespace(
        economy=Field.objects.get(name="Kinh tế"),
        new_countryside=Field.objects.get(name="Xây dựng nông thôn mới"),
        admin_reform=Field.objects.get(name="Cải cách hành chính, xây dựng cơ quan, công sở"),
        security=Field.objects.get(name="An ninh trật tự"),
    )


@pytest.fixture
def tree(db, fields):
    p = make_unit("Tỉnh ủy P", unit_type=UnitType.PROVINCE)
    a = make_unit("Huyện ủy A", p, UnitType.DISTRICT)
    a1 = make_unit("Chi bộ A1", a)
    a2 = make_unit("Chi bộ A2", a, valid_to=datetime.date(2023, 6, 30))
    b = make_unit("Huyện ủy B", p, UnitType.DISTRICT)
    b1 = make_unit("Chi bộ B1", b)
    c = make_unit("Huyện ủy C", p, UnitType.DISTRICT, valid_to=datetime.date(2022, 12, 31))
    d = make_unit("Huyện ủy D", p, UnitType.DISTRICT, valid_from=datetime.date(2023, 7, 1))
    e = make_unit("Huyện ủy E", p, UnitType.DISTRICT)
    q = make_unit("Tỉnh ủy Q", unit_type=UnitType.PROVINCE)

    r2_2022 = register(a1, year=2022, kind=Kind.INDIVIDUAL, field=fields.economy, grade=Grade.EXEMPLAR)
    r4_2022 = register(a, year=2022, kind=Kind.INDIVIDUAL, field=fields.security)
    r10 = register(c, year=2022, field=fields.economy)
    r11 = register(a1, year=2022, field=fields.economy)

    r1 = register(a1, field=fields.new_countryside, evaluation=Evaluation.EFFECTIVE,
                  evaluated_on=datetime.date(2023, 11, 1))  # fmt: skip
    r2 = register(a1, initiative=r2_2022.initiative, kind=Kind.INDIVIDUAL, field=fields.economy,
                  status=RegistrationStatus.MAINTAINED)  # fmt: skip
    r3 = register(a2, field=fields.admin_reform)
    r4 = register(a, initiative=r4_2022.initiative, kind=Kind.INDIVIDUAL, field=fields.security,
                  status=RegistrationStatus.MAINTAINED, evaluation=Evaluation.EFFECTIVE,
                  evaluated_on=datetime.date(2023, 11, 1))  # fmt: skip
    r5 = register(b1, field=fields.economy, grade=Grade.OUTSTANDING, level=Level.DISTRICT,
                  registered_on=datetime.date(2023, 5, 10))  # fmt: skip
    deleted = services.soft_delete(user=None, obj=register(b1, field=fields.economy, is_deleted=False))
    of_deleted_initiative = register(b1, field=fields.economy, is_deleted=True)
    r8 = register(d, field=fields.economy, registered_on=datetime.date(2023, 8, 15))
    r9 = register(p, field=fields.admin_reform)
    other_root = register(q, field=fields.economy)

    district = DecisionFactory(
        issuing_unit=a, level=Level.DISTRICT, registrations=[r1, r2, r5, deleted, of_deleted_initiative]
    )
    province = DecisionFactory(issuing_unit=p, level=Level.PROVINCE, symbol="QĐ/TU", registrations=[r1])
    dead = DecisionFactory(issuing_unit=p, level=Level.CENTRAL, is_deleted=True, registrations=[r3])
    commendation = DecisionFactory(
        issuing_unit=p,
        kind=DecisionKind.COMMENDATION,
        award_form=AwardForm.objects.get(name="Bằng khen"),
        level=Level.PROVINCE,
        number="3970",
        symbol="QĐ-UBND",
        registrations=[r1],
    )
    other = DecisionFactory(issuing_unit=q, level=Level.PROVINCE, symbol="QĐ/TU", registrations=[other_root])
    return SimpleNamespace(**locals())


@pytest.fixture
def superuser(db):
    return UserFactory(is_superuser=True, is_staff=True)


@pytest.fixture
def user_of_a(tree):
    """A viewer whose scope is the middle unit Huyện ủy A."""
    user = UserFactory()
    MembershipFactory(user=user, unit=tree.a, role=Role.VIEWER)
    return user


@pytest.fixture
def user_of_b(tree):
    user = UserFactory()
    MembershipFactory(user=user, unit=tree.b, role=Role.VIEWER)
    return user


@pytest.fixture(autouse=True)
def fast_password_hasher(settings):
    """Hash the factories' passwords quickly: the tests are about reports, not passwords."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
