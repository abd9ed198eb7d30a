"""Every write path goes through the services, which apply the rules and save nothing they refuse."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from registry import services
from registry.choices import DecisionKind, Level, RegistrationStatus, UnitType
from registry.models import Decision, Initiative, Registration, Unit

from .factories import InitiativeFactory, RegistrationFactory, make_unit

pytestmark = pytest.mark.django_db

D = datetime.date
MAINTAINED, NEW = RegistrationStatus.MAINTAINED, RegistrationStatus.NEW


def register(user, initiative, year, registered_on, *, unit=None, status="", entered_late=False):
    return services.registration_create(
        user=user,
        initiative=initiative,
        registration=Registration(
            year=year,
            unit=unit or initiative.unit,
            registered_on=registered_on,
            level=Level.GRASSROOTS,
            status=status,
            entered_late=entered_late,
        ),
    )


def refused(write):
    """Return {field: [messages]} of the service's refusal."""
    with pytest.raises(ValidationError) as error:
        write()
    return error.value.message_dict


# The unit must be open on the registration date ----------------------------------------------


def test_a_unit_closed_on_30_june_registers_on_that_day_but_not_the_next(tree, closed_commune):
    initiative = InitiativeFactory(unit=closed_commune)
    register(tree.editor_a, initiative, 2025, D(2025, 6, 30))
    other = InitiativeFactory(unit=closed_commune)
    errors = refused(lambda: register(tree.editor_a, other, 2025, D(2025, 7, 1)))
    assert errors == {
        "unit": [
            "Đơn vị “Đảng ủy xã Quân Bình” hoạt động đến ngày 30/06/2025, không còn hoạt động ngày "
            "01/07/2025. Đơn vị kế thừa là “Đảng ủy xã Cẩm Giàng”: hãy chọn đơn vị này."
        ]
    }
    assert not other.registrations.exists()
    register(tree.editor_a, other, 2025, D(2025, 7, 1), unit=tree.commune)


def test_editing_a_registration_into_a_day_its_unit_was_closed_is_refused(tree, closed_commune):
    registration = register(tree.editor_a, InitiativeFactory(unit=closed_commune), 2025, D(2025, 3, 1))
    registration.registered_on = D(2025, 8, 1)
    errors = refused(lambda: services.registration_update(user=tree.editor_a, registration=registration))
    assert "Đảng ủy xã Cẩm Giàng" in errors["unit"][0]
    registration.refresh_from_db()
    assert registration.registered_on == D(2025, 3, 1)


def test_a_unit_not_open_yet_cannot_register(tree):
    new = make_unit("Đảng ủy xã Mới Lập", tree.a, UnitType.COMMUNE, valid_from=D(2025, 7, 1))
    initiative = InitiativeFactory(unit=new)
    errors = refused(lambda: register(tree.editor_a, initiative, 2025, D(2025, 6, 30)))
    assert errors["unit"] == [
        "Đơn vị “Đảng ủy xã Mới Lập” hoạt động từ ngày 01/07/2025, chưa hoạt động ngày 30/06/2025."
    ]
    register(tree.editor_a, initiative, 2025, D(2025, 7, 1))


def test_a_unit_not_open_yet_names_the_former_unit_open_that_day(tree):
    from .factories import reorganise

    old = make_unit("Đảng ủy xã Quân Bình", tree.a, UnitType.COMMUNE)
    new = make_unit("Đảng ủy xã Quân Bình Mới", tree.a, UnitType.COMMUNE, valid_from=D(2025, 7, 1))
    reorganise([old], into=new)
    initiative = InitiativeFactory(unit=new)
    errors = refused(lambda: register(tree.editor_a, initiative, 2025, D(2025, 3, 1)))
    assert errors["unit"] == [
        "Đơn vị “Đảng ủy xã Quân Bình Mới” hoạt động từ ngày 01/07/2025, chưa hoạt động ngày 01/03/2025. "
        "Ngày đó, phần việc của đơn vị này do “Đảng ủy xã Quân Bình” đảm nhận: hãy chọn đơn vị đó."
    ]


def test_an_initiative_refused_with_its_first_registration_leaves_nothing_behind(tree, closed_commune):
    initiative = InitiativeFactory.build(unit=closed_commune, name="Mô hình bị từ chối")
    with pytest.raises(ValidationError):
        services.initiative_create(
            user=tree.editor_a,
            initiative=initiative,
            year=2025,
            registered_on=D(2025, 9, 1),
            level=Level.GRASSROOTS,
        )
    assert initiative.pk is None
    assert not Initiative.objects.filter(name="Mô hình bị từ chối").exists()


# The year and the date --------------------------------------------------------------------


def test_the_first_registration_year_is_2000(tree):
    initiative = InitiativeFactory(unit=tree.cell)
    assert list(refused(lambda: register(tree.editor_a, initiative, 1999, D(1999, 3, 1)))) == ["year"]
    register(tree.editor_a, initiative, 2000, D(2000, 3, 1))


def test_a_registration_is_dated_in_its_year_or_the_last_quarter_before(tree):
    initiative = InitiativeFactory(unit=tree.cell)
    errors = refused(lambda: register(tree.editor_a, initiative, 2025, D(2024, 9, 30)))
    assert list(errors) == ["registered_on"]
    register(tree.editor_a, initiative, 2025, D(2024, 10, 1))


def test_a_registration_dated_after_tomorrow_is_refused(tree):
    initiative = InitiativeFactory(unit=tree.cell)
    today = datetime.date.today()
    later = today + datetime.timedelta(days=2)
    errors = refused(lambda: register(tree.editor_a, initiative, later.year, later))
    assert "ở tương lai" in errors["registered_on"][0]


# Maintained follows the year before ---------------------------------------------------------


def test_the_default_status_is_maintained_after_last_year_and_new_after_a_gap(tree):
    initiative = InitiativeFactory(unit=tree.cell)
    RegistrationFactory(initiative=initiative, year=2024)
    assert register(tree.editor_a, initiative, 2025, D(2025, 2, 1)).status == MAINTAINED
    other = InitiativeFactory(unit=tree.cell)
    RegistrationFactory(initiative=other, year=2024)
    assert register(tree.editor_a, other, 2026, D(2026, 2, 1)).status == NEW


def test_maintained_after_a_gap_is_refused_unless_entered_late(tree):
    initiative = InitiativeFactory(unit=tree.cell)
    RegistrationFactory(initiative=initiative, year=2024)
    errors = refused(lambda: register(tree.editor_a, initiative, 2026, D(2026, 2, 1), status=MAINTAINED))
    assert list(errors) == ["status"]
    assert "chưa có đăng ký năm 2025" in errors["status"][0]
    assert not initiative.registrations.filter(year=2026).exists()
    late = register(tree.editor_a, initiative, 2026, D(2026, 2, 1), status=MAINTAINED, entered_late=True)
    assert (late.status, late.entered_late) == (MAINTAINED, True)


def test_a_deleted_registration_of_last_year_does_not_count(tree):
    initiative = InitiativeFactory(unit=tree.cell)
    RegistrationFactory(initiative=initiative, year=2025, is_deleted=True)
    assert register(tree.editor_a, initiative, 2026, D(2026, 2, 1)).status == NEW


def test_editing_a_registration_into_maintained_after_a_gap_is_refused(tree):
    registration = tree.registration_a  # 2023, the initiative's only year
    registration.status = MAINTAINED
    errors = refused(lambda: services.registration_update(user=tree.editor_a, registration=registration))
    assert list(errors) == ["status"]
    registration.entered_late = True
    services.registration_update(user=tree.editor_a, registration=registration)
    registration.refresh_from_db()
    assert (registration.status, registration.entered_late) == (MAINTAINED, True)


def test_a_new_initiative_entered_as_maintained_is_old_history_entered_late(tree):
    def create(**extra):
        return services.initiative_create(
            user=tree.editor_a,
            initiative=InitiativeFactory.build(unit=tree.cell),
            year=2022,
            registered_on=D(2022, 3, 1),
            level=Level.GRASSROOTS,
            status=MAINTAINED,
            **extra,
        )

    assert list(refused(create)) == ["status"]
    assert create(entered_late=True).registrations.get().entered_late


# Decisions: after what they cover, by an open unit -------------------------------------------


def decision(issuing_unit, signed_on, number="245"):
    return Decision(
        kind=DecisionKind.RECOGNITION,
        number=number,
        symbol="QĐ/HU",
        signed_on=signed_on,
        issuing_unit=issuing_unit,
        issuer_name="Ban Thường vụ Huyện ủy Bạch Thông",
        level=Level.DISTRICT,
        title="Công nhận mô hình “Dân vận khéo”",
    )


def test_a_decision_dated_the_day_before_a_registration_it_covers_is_refused(tree):
    registration = RegistrationFactory(
        initiative=InitiativeFactory(unit=tree.cell, name="Mô hình đăng ký muộn"),
        year=2025,
        registered_on=D(2025, 11, 20),
    )
    early = decision(tree.a, D(2025, 11, 19))
    errors = refused(
        lambda: services.decision_create(user=tree.editor_a, decision=early, registrations=[registration])
    )
    assert list(errors) == ["signed_on"]
    assert "“Mô hình đăng ký muộn” (20/11/2025)" in errors["signed_on"][0]
    assert not Decision.objects.filter(number="245").exists()
    on_the_day = decision(tree.a, D(2025, 11, 20))
    services.decision_create(user=tree.editor_a, decision=on_the_day, registrations=[registration])
    assert list(on_the_day.registrations.all()) == [registration]


def test_a_decision_date_moved_before_what_it_covers_is_refused(tree):
    covered = tree.decision_a  # signed 15/12/2023, covers a registration of 01/03/2023
    covered.signed_on = D(2023, 2, 28)
    errors = refused(lambda: services.decision_update(user=tree.editor_a, decision=covered))
    assert "01/03/2023" in errors["signed_on"][0]
    covered.refresh_from_db()
    assert covered.signed_on == D(2023, 12, 15)
    covered.signed_on = D(2023, 3, 1)
    services.decision_update(user=tree.editor_a, decision=covered)


def test_a_registration_dated_after_the_decision_cannot_be_added_to_it(tree):
    later = RegistrationFactory(initiative=InitiativeFactory(unit=tree.cell), year=2024)  # 01/03/2024
    errors = refused(
        lambda: services.decision_set_registrations(user=tree.editor_a, decision=tree.decision_a, add=[later])
    )
    assert list(errors) == ["signed_on"]
    assert list(tree.decision_a.registrations.all()) == [tree.registration_a]


def test_a_decision_of_a_closed_unit_is_refused_with_its_successor_named(tree, closed_commune):
    errors = refused(
        lambda: services.decision_create(user=tree.editor_a, decision=decision(closed_commune, D(2025, 7, 1)))
    )
    assert errors == {
        "issuing_unit": [
            "Đơn vị “Đảng ủy xã Quân Bình” hoạt động đến ngày 30/06/2025, không còn hoạt động ngày "
            "01/07/2025. Đơn vị kế thừa là “Đảng ủy xã Cẩm Giàng”: hãy chọn đơn vị này."
        ]
    }
    services.decision_create(user=tree.editor_a, decision=decision(closed_commune, D(2025, 6, 30)))


def test_a_decision_signed_after_tomorrow_is_refused(tree):
    later = datetime.date.today() + datetime.timedelta(days=2)
    errors = refused(lambda: services.decision_create(user=tree.editor_a, decision=decision(tree.a, later)))
    assert "ở tương lai" in errors["signed_on"][0]


@pytest.mark.no_tally_check  # the bad row is written in bulk, around the services, as loaders do
def test_the_audit_of_bulk_written_data_names_the_rows_the_rules_refuse(tree, closed_commune):
    from registry.choices import Level, RegistrationStatus
    from registry.models import Registration

    from .conftest import rule_refusals

    assert rule_refusals() == []
    [bad] = Registration.objects.bulk_create(
        [
            Registration(
                initiative=InitiativeFactory(unit=closed_commune),
                unit=closed_commune,
                year=2025,
                registered_on=D(2025, 8, 1),
                status=RegistrationStatus.NEW,
                level=Level.COMMUNE,
            )
        ]
    )
    [(label, messages)] = rule_refusals()
    assert label.startswith(f"Registration {bad.pk} ")
    assert "Đảng ủy xã Cẩm Giàng" in messages[0]


def test_a_registration_cannot_be_dated_after_a_decision_that_covers_it(tree):
    registration = tree.registration_a  # covered by a decision signed on 15/12/2023
    registration.registered_on = D(2023, 12, 16)
    errors = refused(lambda: services.registration_update(user=tree.editor_a, registration=registration))
    assert errors["registered_on"] == [
        f"Ngày đăng ký 16/12/2023 sau ngày ký 15/12/2023 của quyết định {tree.decision_a.reference} công "
        "nhận, khen thưởng mô hình năm này. Quyết định phải ký từ ngày mô hình đăng ký trở đi."
    ]
    registration.registered_on = D(2023, 12, 15)
    services.registration_update(user=tree.editor_a, registration=registration)


def test_a_unit_s_end_and_successor_change_only_through_a_reorganisation(tree):
    unit = make_unit("Đảng ủy xã Tân Sơn", Unit.objects.get_parent(tree.commune), UnitType.COMMUNE)
    unit.valid_to = datetime.date(2025, 6, 30)
    with pytest.raises(ValidationError, match="kế hoạch sắp xếp"):
        services.unit_update(user=None, unit=unit)
    unit.refresh_from_db()
    unit.successor = tree.commune
    with pytest.raises(ValidationError, match="kế hoạch sắp xếp"):
        services.unit_update(user=None, unit=unit)
    unit.refresh_from_db()
    unit.name = "Đảng ủy xã Tân Sơn (sửa chính tả)"
    services.unit_update(user=None, unit=unit)
    unit.refresh_from_db()
    assert (unit.name, unit.valid_to, unit.successor_id) == ("Đảng ủy xã Tân Sơn (sửa chính tả)", None, None)
