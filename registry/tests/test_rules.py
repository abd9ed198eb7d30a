"""The domain rules, each on its own: bounds, messages, and the field each error is about."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from registry import rules
from registry.choices import Kind, RegistrationStatus, UnitType
from registry.models import Registration

from .factories import make_unit

D = datetime.date
TODAY = D(2026, 12, 2)


def refusal(check, *args, **kwargs):
    """Return {field: [messages]} of the check's refusal."""
    with pytest.raises(ValidationError) as error:
        check(*args, **kwargs)
    return error.value.message_dict


def test_registration_years_run_from_the_first_to_the_last_one():
    rules.check_year(rules.FIRST_YEAR)
    rules.check_year(rules.LAST_YEAR)
    assert refusal(rules.check_year, rules.FIRST_YEAR - 1) == {
        "year": ["Năm 1999 không hợp lệ: năm đăng ký phải từ 2000 đến 2100."]
    }
    assert "year" in refusal(rules.check_year, rules.LAST_YEAR + 1)


def test_the_database_constraint_says_the_same_year_range():
    constraint = next(c for c in Registration._meta.constraints if c.name == "registration_year_range")
    assert str(constraint.violation_error_message) == "Năm đăng ký phải từ 2000 đến 2100."


def test_dates_run_from_1990_to_the_end_of_the_fifth_year_ahead():
    last = rules.last_day()
    assert last == D(datetime.date.today().year + 5, 12, 31)
    rules.check_date(rules.FIRST_DAY, field="start_date")
    rules.check_date(last, field="start_date")
    assert refusal(rules.check_date, D(1, 1, 1), field="start_date") == {
        "start_date": [
            f"Ngày bắt đầu thực hiện 01/01/0001 không hợp lệ: phần mềm nhận ngày từ 01/01/1990 "
            f"đến 31/12/{last.year}. Hãy kiểm tra năm."
        ]
    }
    assert "valid_to" in refusal(rules.check_date, D(9999, 12, 31), field="valid_to")
    assert "valid_to" in refusal(rules.check_date, last + datetime.timedelta(days=1), field="valid_to")
    with pytest.raises(ValidationError):
        rules.DateRangeValidator("signed_on")(D(1989, 12, 31))


def test_a_registration_is_dated_in_its_year_or_its_last_quarter_before_and_not_after_tomorrow():
    assert rules.registration_window(2025) == (D(2024, 10, 1), D(2025, 12, 31))
    for day in (D(2024, 10, 1), D(2025, 1, 1), D(2025, 12, 31)):
        rules.check_registered_on(day, 2025, on=TODAY)
    for day in (D(2024, 9, 30), D(2026, 1, 1)):
        assert "registered_on" in refusal(rules.check_registered_on, day, 2025, on=TODAY)
    message = refusal(rules.check_registered_on, D(2024, 9, 30), 2025, on=TODAY)["registered_on"][0]
    assert message.startswith("Ngày đăng ký 30/09/2024 không thuộc năm 2025")
    rules.check_registered_on(D(2026, 12, 3), 2027, on=TODAY)  # tomorrow: drafted the day before
    assert refusal(rules.check_registered_on, D(2026, 12, 4), 2027, on=TODAY) == {
        "registered_on": [
            "Ngày đăng ký 04/12/2026 ở tương lai (hôm nay là 02/12/2026). Hãy kiểm tra ngày, tháng, năm."
        ]
    }


def test_a_new_registration_is_dated_today_in_its_window_else_on_the_first_of_january():
    assert rules.registration_day(2027, on=TODAY) == TODAY
    assert rules.registration_day(2026, on=TODAY) == TODAY
    assert rules.registration_day(2024, on=TODAY) == D(2024, 1, 1)


def test_maintained_is_the_default_only_after_a_registration_the_year_before():
    assert rules.default_status(registered_last_year=True) == RegistrationStatus.MAINTAINED
    assert rules.default_status(registered_last_year=False) == RegistrationStatus.NEW


def test_maintained_after_a_gap_needs_old_history_entered_late():
    maintained = RegistrationStatus.MAINTAINED
    rules.check_status(maintained, year=2026, registered_last_year=True, entered_late=False)
    rules.check_status(maintained, year=2026, registered_last_year=False, entered_late=True)
    rules.check_status(RegistrationStatus.NEW, year=2026, registered_last_year=False, entered_late=False)
    message = refusal(
        rules.check_status, maintained, year=2026, registered_last_year=False, entered_late=False
    )
    assert list(message) == ["status"]
    assert "chưa có đăng ký năm 2025" in message["status"][0]
    assert "Nhập bổ sung hồ sơ cũ" in message["status"][0]


def test_an_individual_model_names_its_person_and_a_collective_one_does_not():
    rules.check_person(Kind.INDIVIDUAL, "Hoàng Thị Lan")
    rules.check_person(Kind.COLLECTIVE, "")
    assert refusal(rules.check_person, Kind.INDIVIDUAL, "") == {
        "person_name": ["Mô hình cá nhân phải ghi họ và tên người thực hiện."]
    }
    collective = refusal(rules.check_person, Kind.COLLECTIVE, "Hoàng Thị Lan")
    assert "Mô hình tập thể" in collective["person_name"][0]


@pytest.fixture
def reform(db):
    """Xã Quân Bình closes on 30/06/2025 into xã Cẩm Giàng, itself merged into Phường Mới on 31/12/2026."""
    district = make_unit("Huyện ủy Bạch Thông", unit_type=UnitType.DISTRICT)
    newest = make_unit("Đảng ủy phường Mới", district, UnitType.COMMUNE, valid_from=D(2027, 1, 1))
    commune = make_unit(
        "Đảng ủy xã Cẩm Giàng", district, UnitType.COMMUNE, valid_to=D(2026, 12, 31), successor=newest
    )
    old = make_unit(
        "Đảng ủy xã Quân Bình", district, UnitType.COMMUNE, valid_to=D(2025, 6, 30), successor=commune
    )
    late = make_unit("Đảng ủy xã Mới Lập", district, UnitType.COMMUNE, valid_from=D(2025, 7, 1))
    dissolved = make_unit("Chi bộ Giải thể", district, valid_to=D(2024, 12, 31))
    # The lineage as the reorganisation service records it (one of them still to come, which
    # the service would not apply yet: written here for the rule alone).
    from registry.models import Lineage, Reorganisation

    for predecessor, successor, day in ((old, commune, D(2025, 7, 1)), (commune, newest, D(2027, 1, 1))):
        plan = Reorganisation.objects.create(title="Sáp nhập", effective_on=day, status="applied")
        Lineage.objects.create(
            reorganisation=plan, kind="merge", predecessor=predecessor, successor=successor, effective_on=day
        )
    return old, commune, newest, late, dissolved


def test_a_unit_is_open_from_its_first_to_its_last_day(reform):
    old, _commune, _newest, late, _dissolved = reform
    assert rules.is_open_on(old, D(2025, 6, 30)) and not rules.is_open_on(old, D(2025, 7, 1))
    assert rules.is_open_on(late, D(2025, 7, 1)) and not rules.is_open_on(late, D(2025, 6, 30))
    assert rules.is_open_in(old, 2025) and not rules.is_open_in(old, 2026)
    assert rules.is_open_in(late, 2025) and not rules.is_open_in(late, 2024)
    from registry.models import Unit

    open_then = Unit.objects.filter(rules.open_during_q(D(2025, 7, 1), D(2025, 7, 1)))
    assert old not in open_then and late in open_then


@pytest.mark.no_tally_check
def test_the_unit_carrying_on_follows_successors_while_they_are_closed(reform):
    old, commune, newest, late, dissolved = reform
    assert rules.unit_carrying_on(old, D(2025, 6, 30)) == old
    assert rules.unit_carrying_on(old, D(2025, 7, 1)) == commune
    assert rules.unit_carrying_on(old, D(2027, 3, 1)) == newest
    assert rules.unit_carrying_on(late, D(2025, 1, 1)) == late  # not open yet: no successor to follow
    assert rules.unit_carrying_on(dissolved, D(2025, 1, 1)) == dissolved


def test_a_closed_unit_is_refused_with_the_unit_that_carries_it_on(reform):
    old, _commune, _newest, late, dissolved = reform
    rules.check_unit_open(old, D(2025, 6, 30), year=2025)
    assert refusal(rules.check_unit_open, old, D(2025, 7, 1), year=2025) == {
        "unit": [
            "Đơn vị “Đảng ủy xã Quân Bình” hoạt động đến ngày 30/06/2025, không còn hoạt động ngày "
            "01/07/2025. Đơn vị kế thừa là “Đảng ủy xã Cẩm Giàng”: hãy chọn đơn vị này."
        ]
    }
    # Dated in the last quarter before a year in which the unit no longer exists.
    message = refusal(rules.check_unit_open, dissolved, D(2024, 12, 1), year=2025)["unit"][0]
    assert "không còn hoạt động trong năm 2025" in message
    assert "không có đơn vị kế thừa" in message
    message = refusal(rules.check_unit_open, late, D(2025, 6, 30), field="issuing_unit")["issuing_unit"][0]
    assert message == (
        "Đơn vị “Đảng ủy xã Mới Lập” hoạt động từ ngày 01/07/2025, chưa hoạt động ngày 30/06/2025."
    )


def test_a_successor_belongs_to_a_unit_that_closed():
    rules.check_unit_dates(valid_to=D(2025, 6, 30), successor=1)
    rules.check_unit_dates(valid_to=None, successor=None)
    assert "valid_to" in refusal(rules.check_unit_dates, valid_to=None, successor=1)


class Covered:
    def __init__(self, name, registered_on):
        self.initiative = type("Initiative", (), {"name": name})()
        self.registered_on = registered_on


def test_a_decision_is_signed_on_or_after_the_registration_date_of_what_it_covers():
    covered = [Covered("Mô hình A", D(2025, 3, 1)), Covered("Mô hình B", D(2025, 3, 15))]
    rules.check_decided_after(D(2025, 3, 15), covered)
    assert refusal(rules.check_decided_after, D(2025, 3, 14), covered) == {
        "signed_on": [
            "Ngày ký 14/03/2025 trước ngày đăng ký của 1 mô hình được quyết định này công nhận, khen "
            "thưởng, muộn nhất: “Mô hình B” (15/03/2025). Quyết định phải ký từ ngày mô hình đăng ký trở đi."
        ]
    }


def test_a_decision_is_issued_by_a_unit_open_on_its_date_and_not_in_the_future(reform):
    old, *_ = reform
    rules.check_decision(signed_on=D(2025, 6, 30), issuing_unit=old, on=TODAY)
    errors = refusal(rules.check_decision, signed_on=D(2027, 1, 2), issuing_unit=old, on=TODAY)
    assert set(errors) == {"signed_on", "issuing_unit"}
    assert "Đảng ủy phường Mới" in errors["issuing_unit"][0]


def test_a_registration_gets_every_rule_at_once_each_on_its_field(reform):
    old, *_ = reform
    errors = refusal(
        rules.check_registration,
        year=2025,
        registered_on=D(2025, 7, 1),
        unit=old,
        status=RegistrationStatus.MAINTAINED,
        entered_late=False,
        registered_last_year=False,
        on=TODAY,
    )
    assert set(errors) == {"unit", "status"}
    # A year out of range hides the rules that depend on it.
    errors = refusal(
        rules.check_registration,
        year=1999,
        registered_on=D(2025, 7, 1),
        unit=old,
        status=RegistrationStatus.MAINTAINED,
        entered_late=False,
        registered_last_year=False,
    )
    assert set(errors) == {"year"}


def test_a_registration_is_dated_on_or_before_the_decisions_that_cover_it():
    decision = type("Decision", (), {"signed_on": D(2025, 12, 20), "reference": "245-QĐ/HU"})()
    rules.check_registered_before(D(2025, 12, 20), [decision])
    message = refusal(rules.check_registered_before, D(2025, 12, 21), [decision])["registered_on"][0]
    assert "sau ngày ký 20/12/2025 của quyết định 245-QĐ/HU" in message
