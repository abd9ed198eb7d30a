"""The demo data set reproduces, exactly, the figures of the five press reports in the seeds."""

import datetime
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db.models import Count, F, Min, Q, Sum

from demo.data import PASSWORD, REFORM_END, REFORM_START
from registry.choices import (
    DecisionKind,
    Evaluation,
    Grade,
    Kind,
    Level,
    RegistrationStatus,
    ReorganisationStatus,
    Role,
    UnitType,
)
from registry.lineage import Lineages
from registry.models import (
    CurrentTally,
    Decision,
    Initiative,
    Lineage,
    Membership,
    Registration,
    Reorganisation,
    Tally,
    Unit,
    UnitGroup,
)
from registry.tests.conftest import rule_refusals

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_data")]


def unit(code):
    return Unit.objects.get(code=code)


def registrations(code, year, **filters):
    """Return the live registrations of ``year`` made inside the subtree of the unit ``code``."""
    return Registration.objects.filter(
        is_deleted=False, year=year, unit__path__startswith=unit(code).path, **filters
    )


def participation(code, year):
    """Return (direct subordinate units with a registration of ``year`` in their subtree, all of them)."""
    parent = unit(code)
    children = Unit.objects.filter(path__startswith=parent.path, depth=parent.depth + 1)
    active = [child for child in children if registrations(child.code, year).exists()]
    return len(active), children.count()


def counts(queryset, field):
    return dict(queryset.values_list(field).annotate(n=Count("id")).order_by())


# Report 1: Thành phố Bắc Kạn, 2023


def test_bac_kan_city_has_278_models_in_2023_from_35_of_40_units():
    assert unit("BK-TP").name == "Thành ủy Bắc Kạn"
    assert registrations("BK-TP", 2023).count() == 278
    assert participation("BK-TP", 2023) == (35, 40)


def test_bac_kan_city_maintains_116_and_registers_162_new_87_more_than_2022():
    assert counts(registrations("BK-TP", 2023), "status") == {
        RegistrationStatus.MAINTAINED: 116,
        RegistrationStatus.NEW: 162,
    }
    assert registrations("BK-TP", 2022).count() == 191 == 278 - 87


def test_bac_kan_city_maintained_models_are_exactly_those_registered_in_2022():
    this_year = registrations("BK-TP", 2023)
    maintained = set(
        this_year.filter(status=RegistrationStatus.MAINTAINED).values_list("initiative", flat=True)
    )
    new = set(this_year.filter(status=RegistrationStatus.NEW).values_list("initiative", flat=True))
    last_year = set(registrations("BK-TP", 2022).values_list("initiative", flat=True))
    assert maintained == last_year & (maintained | new)
    assert not Registration.objects.filter(initiative__in=new, year__lt=2023).exists()
    assert len(last_year - maintained) == 75  # registered in 2022, not again in 2023


def test_bac_kan_city_models_registered_by_cells_count_for_their_ward():
    ward = unit("BK-TP-01")
    assert ward.name == "Đảng ủy phường Đức Xuân"
    by_cells = registrations("BK-TP-01", 2023, unit__unit_type=UnitType.CELL)
    assert by_cells.exists()
    assert registrations("BK-TP-01", 2023).count() > registrations("BK-TP-01", 2023, unit=ward).count()


# Report 2: huyện Bạch Thông, 2019


def test_bach_thong_has_356_models_in_2019_163_collective_193_individual_from_24_of_44_units():
    this_year = registrations("BK-BT", 2019)
    assert unit("BK-BT").name == "Huyện ủy Bạch Thông"
    assert this_year.count() == 356
    assert counts(this_year, "initiative__kind") == {Kind.COLLECTIVE: 163, Kind.INDIVIDUAL: 193}
    assert participation("BK-BT", 2019) == (24, 44)


def test_individual_models_name_the_person_and_position():
    individuals = Initiative.objects.filter(kind=Kind.INDIVIDUAL)
    assert individuals.count() >= 193
    assert not individuals.filter(Q(person_name="") | Q(person_position="")).exists()


def test_bach_thong_recognises_41_models_28_collective_13_individual_25_7_8_1_by_field():
    decision = Decision.objects.get(kind=DecisionKind.RECOGNITION, number="245", symbol="QĐ/HU")
    assert decision.issuing_unit == unit("BK-BT")
    assert decision.signed_on == datetime.date(2019, 12, 20)
    assert decision.level == Level.DISTRICT
    assert decision.reference == "245-QĐ/HU"
    covered = decision.registrations.all()
    assert covered.count() == 41
    assert covered.filter(year=2019, unit__path__startswith=unit("BK-BT").path).count() == 41
    assert counts(covered, "initiative__kind") == {Kind.COLLECTIVE: 28, Kind.INDIVIDUAL: 13}
    assert counts(covered, "initiative__field__name") == {
        "Phát triển kinh tế, xây dựng nông thôn mới": 25,
        "Cải cách hành chính, xây dựng cơ quan, công sở": 7,
        "Xây dựng tổ chức Mặt trận, đoàn thể vững mạnh": 8,
        "Xây dựng Đảng, chính quyền trong sạch, vững mạnh": 1,
    }
    assert not covered.exclude(evaluation=Evaluation.EFFECTIVE).exists()
    assert not covered.filter(Q(evaluated_on__isnull=True) | Q(evaluated_on__gt=decision.signed_on)).exists()


def test_bach_thong_commends_five_of_the_recognised_models_with_a_giay_khen():
    recognition = Decision.objects.get(number="245", symbol="QĐ/HU")
    commendation = Decision.objects.get(
        kind=DecisionKind.COMMENDATION, symbol="QĐ-UBND", signed_on__year=2019
    )
    assert commendation.award_form.name == "Giấy khen"
    assert commendation.registrations.count() == 5
    assert set(commendation.registrations.all()) <= set(recognition.registrations.all())


# Report 3: Đảng bộ Khối cơ quan và doanh nghiệp tỉnh Yên Bái, 2023


def test_yen_bai_bloc_has_133_models_2_at_bloc_level_122_models_and_9_exemplars_at_grassroots():
    this_year = registrations("YB-DUK", 2023)
    assert unit("YB-DUK").name == "Đảng ủy Khối cơ quan và doanh nghiệp tỉnh Yên Bái"
    assert this_year.count() == 133
    assert counts(this_year, "level") == {Level.BLOC: 2, Level.GRASSROOTS: 131}
    assert counts(this_year.filter(level=Level.GRASSROOTS), "initiative__grade") == {
        Grade.MODEL: 122,
        Grade.EXEMPLAR: 9,
    }
    assert counts(this_year.filter(level=Level.BLOC), "initiative__grade") == {Grade.MODEL: 2}


# Report 4: tỉnh Thái Nguyên, first half of 2024


def test_thai_nguyen_registers_1759_models_in_the_first_half_of_2024_1468_collective_291_individual():
    first_half = registrations(
        "TN", 2024, registered_on__range=(datetime.date(2024, 1, 1), datetime.date(2024, 6, 30))
    )
    assert first_half.count() == 1759
    assert counts(first_half, "initiative__kind") == {Kind.COLLECTIVE: 1468, Kind.INDIVIDUAL: 291}


def test_thai_nguyen_registers_more_models_in_the_second_half_of_2024():
    second_half = registrations("TN", 2024, registered_on__gte=datetime.date(2024, 7, 1))
    assert second_half.count() == 140
    assert registrations("TN", 2024).count() == 1759 + 140


def test_thai_nguyen_models_are_spread_over_its_districts_and_bloc():
    active, districts = participation("TN", 2024)
    assert districts == 11  # nine districts and cities, the bloc, the People's Committee
    assert active == 10


# Report 5: a ward, 2023


def test_ward_maintains_20_models_in_2023_by_field_6_6_5_3():
    ward = unit("TN-TP-01")
    assert ward.name == "Đảng ủy phường Phan Đình Phùng"
    assert ward.path.startswith(unit("TN-TP").path)
    this_year = registrations("TN-TP-01", 2023)
    assert this_year.count() == 20
    assert counts(this_year, "status") == {RegistrationStatus.MAINTAINED: 20}
    assert registrations("TN-TP-01", 2022).count() == 20
    assert set(this_year.values_list("initiative", flat=True)) == set(
        registrations("TN-TP-01", 2022).values_list("initiative", flat=True)
    )
    assert counts(this_year, "initiative__field__name") == {
        "Kinh tế": 6,
        "Văn hóa - xã hội": 6,
        "An ninh trật tự": 5,
        "Xây dựng hệ thống chính trị": 3,
    }


# The reform of 01/07/2025 and the consistency of the whole set


def test_old_provinces_close_on_30_june_2025_with_the_new_provinces_as_successors():
    new_thai_nguyen, new_lao_cai = unit("TN25"), unit("LC25")
    assert new_thai_nguyen.name == unit("TN").name == "Tỉnh ủy Thái Nguyên"
    for code, successor in [
        ("BK", new_thai_nguyen),
        ("TN", new_thai_nguyen),
        ("YB", new_lao_cai),
        ("LC", new_lao_cai),
    ]:
        assert unit(code).valid_to == REFORM_END
        assert unit(code).successor == successor
    for new in (new_thai_nguyen, new_lao_cai):
        assert new.valid_from == REFORM_START
        assert new.valid_to is None
    assert unit("BK-BT").valid_to == unit("BK-TP").valid_to == REFORM_END
    assert unit("BK-TP-01").successor.name == "Đảng ủy phường Đức Xuân"


def test_the_reform_is_recorded_as_reorganisations_with_a_split():
    assert set(Reorganisation.objects.values_list("effective_on", "status")) == {
        (datetime.date(2020, 2, 1), ReorganisationStatus.APPLIED),
        (REFORM_START, ReorganisationStatus.APPLIED),
    }
    assert Reorganisation.objects.count() == 3
    khoi_ky = Unit.objects.get(name="Đảng ủy xã Khôi Kỳ")
    parts = set(Lineage.objects.filter(predecessor=khoi_ky).values_list("successor__name", "is_main"))
    assert parts == {("Đảng ủy xã Đại Từ", True), ("Đảng ủy xã Quân Chu", False)}
    carriers = set(
        Registration.objects.filter(unit=khoi_ky, year=2024).values_list("carrier__name", flat=True)
    )
    assert carriers == {"Đảng ủy xã Đại Từ", "Đảng ủy xã Quân Chu"}


def test_today_s_thai_nguyen_counts_its_predecessors_years():
    def total(model, code, year):
        return model.objects.filter(unit=unit(code), year=year).aggregate(total=Sum("total"))["total"] or 0

    assert total(CurrentTally, "TN25", 2024) == total(Tally, "BK", 2024) + total(Tally, "TN", 2024) > 1800
    assert total(Tally, "TN25", 2024) == 0  # as reported, the new province did not exist in 2024


def test_the_new_communes_have_registrations_in_2025_and_2026():
    assert registrations("TN25", 2025).exists()
    assert registrations("TN25", 2026).exists()
    assert not registrations("TN25", 2025, registered_on__lt=REFORM_START).exists()


def test_every_registration_is_made_while_its_unit_exists_and_dated_in_its_year():
    regs = Registration.objects.all()
    assert not regs.exclude(registered_on__year=F("year")).exists()
    assert not regs.filter(
        Q(unit__valid_to__lt=F("registered_on")) | Q(unit__valid_from__gt=F("registered_on"))
    ).exists()
    # A model handed on by a reorganisation belongs to a unit on its registrations' lineage.
    found = Lineages()
    handed_on = regs.exclude(unit=F("initiative__unit")).values_list(
        "initiative__unit", "initiative", "carrier"
    )
    assert handed_on.exists()
    assert all(found.carrier(unit, initiative) == carrier for unit, initiative, carrier in handed_on)


def test_maintained_registrations_follow_one_of_the_year_before_and_new_ones_come_first():
    registered = set(Registration.objects.values_list("initiative", "year"))
    maintained = Registration.objects.filter(status=RegistrationStatus.MAINTAINED)
    assert all(
        (initiative, year - 1) in registered
        for initiative, year in maintained.values_list("initiative", "year")
    )
    first_year = dict(Registration.objects.values_list("initiative").annotate(first=Min("year")).order_by())
    new = Registration.objects.filter(status=RegistrationStatus.NEW).values_list("initiative", "year")
    assert all(first_year[initiative] == year for initiative, year in new)


def test_every_demo_row_obeys_the_registry_rules():
    assert rule_refusals() == []


def test_units_have_unique_codes_and_models_are_searchable_without_diacritics():
    assert not Unit.objects.filter(code="").exists()
    assert Unit.objects.values("code").distinct().count() == Unit.objects.count()
    assert Unit.objects.filter(search_name__contains="bach thong").exists()
    assert Initiative.objects.filter(search_text__contains="bach thong").count() >= 356


# The emulation cluster


def test_cluster_number_one_groups_three_thai_nguyen_wards_owned_by_the_province():
    from reports import groups as group_figures
    from reports import selectors
    from reports.periods import Period

    cluster = UnitGroup.objects.get(name="Cụm thi đua số 1")
    assert cluster.owner == unit("TN25")
    members = list(cluster.members.order_by("path"))
    assert [m.code for m in members] == ["TN25-01", "TN25-02", "TN25-04"]
    assert all(m.path.startswith(cluster.owner.path) and m.depth == cluster.owner.depth + 1 for m in members)
    viewer = get_user_model().objects.get(username="thainguyen")
    assert UnitGroup.objects.visible_to(viewer).filter(pk=cluster.pk).exists()
    for year in (2025, 2026):
        period = Period.year(year)
        table = group_figures.group_unit_table(viewer, cluster, period)
        totals = [selectors.summary(viewer, m, period)["current"]["total"] for m in members]
        assert [row["current"]["total"] for row in table["rows"]] == totals
        counted = Registration.objects.counted().filter(year=year)
        assert table["total"]["current"]["total"] == sum(
            counted.filter(unit__path__startswith=m.path).count() for m in members
        )
    assert group_figures.group_summary(viewer, cluster, Period.year(2025))["current"]["total"] > 0


# Logins and idempotence


def test_demo_users_exist_with_their_roles(settings):
    # The reform carried the staff of the old units to the units of today; "xem" was given a
    # unit the reform closed.
    expected = {
        "quantri": (Role.ADMIN, "TN25"),
        "bientap": (Role.EDITOR, "TN25-03"),
        "xem": (Role.VIEWER, "BK-TP"),
        "thainguyen": (Role.VIEWER, "TN25"),
        "yenbai": (Role.EDITOR, "LC25-DCQ"),
    }
    memberships = {
        m.user.username: (m.role, m.unit.code) for m in Membership.objects.select_related("user", "unit")
    }
    assert memberships == expected
    admin = get_user_model().objects.get(username="admin")
    assert admin.is_superuser and admin.is_staff
    assert not get_user_model().objects.filter(username__in=expected, is_staff=True).exists()
    # The root conftest hashes with MD5 in tests; the demo was loaded outside them, with PBKDF2.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    assert get_user_model().objects.get(username="xem").check_password(PASSWORD)


def test_loading_again_changes_nothing_and_prints_the_logins():
    def sizes():
        models = (Unit, Initiative, Registration, Decision, Membership, UnitGroup)
        return [model.objects.count() for model in models]

    before, out = sizes(), StringIO()
    call_command("load_demo", stdout=out)
    assert sizes() == before
    assert "đã được nạp" in out.getvalue()
    assert "bientap" in out.getvalue() and PASSWORD in out.getvalue()


def test_reset_reloads_the_same_data():
    def snapshot():
        return sorted(Registration.objects.values_list("initiative__name", "year", "unit__code", "status"))

    before, old_root = snapshot(), unit("TW").pk
    call_command("load_demo", "--reset", stdout=StringIO())
    assert unit("TW").pk != old_root
    assert snapshot() == before
