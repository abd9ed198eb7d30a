import datetime

import pytest

from registry.choices import DecisionKind, Kind, Level, Role, UnitType
from registry.models import AwardForm

from .factories import (
    DecisionFactory,
    InitiativeFactory,
    MembershipFactory,
    RegistrationFactory,
    UserFactory,
    make_unit,
    reorganise,
)


class Tree:
    """Province → two districts (A, B) → a commune under A → a cell under the commune."""

    def __init__(self):
        self.province = make_unit("Tỉnh ủy Bắc Kạn", unit_type=UnitType.PROVINCE, code="BK")
        self.a = make_unit("Huyện ủy Bạch Thông", self.province, UnitType.DISTRICT, code="BT")
        self.b = make_unit("Thành ủy Bắc Kạn", self.province, UnitType.DISTRICT, code="TP")
        self.commune = make_unit("Đảng ủy xã Cẩm Giàng", self.a, UnitType.COMMUNE, code="BT-CG")
        self.cell = make_unit("Chi bộ thôn Nà Phải", self.commune, UnitType.CELL, code="BT-CG-NP")

        self.initiative_a = InitiativeFactory(name="Mô hình hiến đất làm đường Bạch Thông", unit=self.cell)
        self.registration_a = RegistrationFactory(initiative=self.initiative_a, year=2023)
        self.initiative_b = InitiativeFactory(
            name="Mô hình “Tổ dân phố tự quản”",
            unit=self.b,
            kind=Kind.INDIVIDUAL,
            person_name="Nguyễn Thị Hoa",
        )
        self.registration_b = RegistrationFactory(initiative=self.initiative_b, year=2023)
        self.decision_a = DecisionFactory(
            issuing_unit=self.a, level=Level.DISTRICT, registrations=[self.registration_a]
        )
        self.decision_b = DecisionFactory(
            issuing_unit=self.b,
            kind=DecisionKind.COMMENDATION,
            award_form=AwardForm.objects.get(name="Giấy khen"),
            symbol="QĐ-UBND",
            signed_on=datetime.date(2023, 12, 20),
            registrations=[self.registration_b],
        )

        self.editor_a = UserFactory(username="bientap_a")
        MembershipFactory(user=self.editor_a, unit=self.a, role=Role.EDITOR)
        self.viewer_a = UserFactory(username="xem_a")
        MembershipFactory(user=self.viewer_a, unit=self.a, role=Role.VIEWER)
        self.editor_b = UserFactory(username="bientap_b")
        MembershipFactory(user=self.editor_b, unit=self.b, role=Role.EDITOR)
        self.admin_province = UserFactory(username="quantri")
        MembershipFactory(user=self.admin_province, unit=self.province, role=Role.ADMIN)


@pytest.fixture
def tree(db):
    return Tree()


@pytest.fixture
def closed_commune(tree):
    """Xã Quân Bình, under Huyện ủy Bạch Thông, merged into xã Cẩm Giàng on 01/07/2025."""
    commune = make_unit("Đảng ủy xã Quân Bình", tree.a, UnitType.COMMUNE, code="BT-QB")
    reorganise([commune], into=tree.commune)
    commune.refresh_from_db()
    return commune


def rule_refusals():
    """Return, for every stored row the registry's rules would refuse, its description and why.

    For the data written in bulk, around the services: the demo and the country generator.
    """
    from django.core.exceptions import ValidationError
    from django.db.models import DateField, Prefetch

    from registry import rules
    from registry.models import Decision, Initiative, Registration, Unit

    refusals = []

    def check(label, *checks):
        for run in checks:
            try:
                run()
            except ValidationError as error:
                refusals.append((label, error.messages))

    for model in (Unit, Initiative, Registration, Decision):
        dates = [field.name for field in model._meta.concrete_fields if type(field) is DateField]
        for pk, *values in model.objects.values_list("pk", *dates).iterator():
            for field, day in zip(dates, values, strict=True):
                if day is not None:
                    check(
                        f"{model.__name__} {pk} {field}", lambda d=day, f=field: rules.check_date(d, field=f)
                    )
    live = Registration.objects.filter(is_deleted=False)
    registered = set(live.values_list("initiative_id", "year"))
    for r in live.select_related("unit__successor", "initiative").iterator():
        check(
            f"Registration {r.pk} “{r.initiative.name}” {r.year} {r.registered_on:%d/%m/%Y} {r.unit.name}",
            lambda r=r: rules.check_registration(
                year=r.year,
                registered_on=r.registered_on,
                unit=r.unit,
                status=r.status,
                entered_late=r.entered_late,
                registered_last_year=(r.initiative_id, r.year - 1) in registered,
            ),
            lambda r=r: rules.check_person(r.initiative.kind, r.initiative.person_name),
        )
    covered = Prefetch("registrations", queryset=live.select_related("initiative"))
    for d in (
        Decision.objects.filter(is_deleted=False).select_related("issuing_unit").prefetch_related(covered)
    ):
        check(
            f"Decision {d.pk} {d.reference} {d.signed_on:%d/%m/%Y}",
            lambda d=d: rules.check_decision(
                signed_on=d.signed_on, issuing_unit=d.issuing_unit, registrations=d.registrations.all()
            ),
        )
    return refusals
