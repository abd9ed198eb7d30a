"""Invariants kept by the database, and the small helpers of the registry.

The invariants are tried with rows saved past the services (``build().save()``): the services
validate first and would refuse them before the database does."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from registry.choices import DecisionKind, Kind
from registry.models import Decision, Unit
from registry.text import fold, search_terms, sort_key, widen_search

from .factories import DecisionFactory, InitiativeFactory, RegistrationFactory, make_unit

pytestmark = pytest.mark.django_db


@pytest.fixture
def unit():
    return make_unit("Đảng ủy phường Đức Xuân", code="DX")


def test_an_initiative_is_registered_once_a_year(unit):
    registration = RegistrationFactory(initiative=InitiativeFactory(unit=unit), year=2023)
    with pytest.raises(IntegrityError), transaction.atomic():
        RegistrationFactory.build(initiative=registration.initiative, year=2023).save()
    RegistrationFactory(initiative=registration.initiative, year=2024)


def test_an_individual_initiative_names_its_person(unit):
    with pytest.raises(IntegrityError), transaction.atomic():
        InitiativeFactory.build(unit=unit, kind=Kind.INDIVIDUAL, person_name="").save()
    initiative = InitiativeFactory.build(unit=unit, kind=Kind.INDIVIDUAL, person_name="")
    with pytest.raises(ValidationError) as error:
        initiative.full_clean()
    assert "họ và tên" in str(error.value)


def test_a_commendation_needs_an_award_form_and_a_recognition_none(unit):
    with pytest.raises(IntegrityError), transaction.atomic():
        DecisionFactory.build(issuing_unit=unit, kind=DecisionKind.COMMENDATION, award_form=None).save()


def test_a_decision_number_is_unique_with_symbol_issuer_and_date(unit):
    DecisionFactory(issuing_unit=unit, number="12", symbol="QĐ/ĐU", signed_on=datetime.date(2023, 5, 1))
    DecisionFactory(issuing_unit=unit, number="12", symbol="QĐ/ĐU", signed_on=datetime.date(2025, 5, 1))
    DecisionFactory(issuing_unit=unit, number="12", symbol="KH/ĐU", signed_on=datetime.date(2023, 5, 1))
    with pytest.raises(IntegrityError), transaction.atomic():
        DecisionFactory.build(
            issuing_unit=unit, number="12", symbol="QĐ/ĐU", signed_on=datetime.date(2023, 5, 1)
        ).save()


def test_unit_codes_are_unique_but_may_be_empty(unit):
    make_unit("Chi bộ 1", unit, code="")
    make_unit("Chi bộ 2", unit, code="")
    with pytest.raises(ValidationError, match="Mã đơn vị này đã được dùng"):
        make_unit("Chi bộ 3", unit, code="DX")
    # The database refuses it too, around the service.
    with pytest.raises(IntegrityError), transaction.atomic():
        Unit.objects.add_child(unit, instance=Unit(name="Chi bộ 3", code="DX"))


def test_a_unit_cannot_close_before_it_opens(unit):
    unit.valid_from = datetime.date(2025, 7, 1)
    unit.valid_to = datetime.date(2025, 6, 30)
    with pytest.raises(IntegrityError), transaction.atomic():
        unit.save()


def test_references_follow_party_and_state_conventions():
    assert Decision(number="123", symbol="QĐ/HU").reference == "123-QĐ/HU"
    assert Decision(number="3970", symbol="QĐ-UBND").reference == "3970/QĐ-UBND"


def test_search_terms_are_folded_words_and_a_trailing_star_makes_a_prefix():
    words = [("hien", False), ("dat", False), ("lam", False), ("duong", False)]
    assert search_terms("Hiến đất  làm đường") == words
    assert search_terms("An-ninh* trật tự*") == [("an", False), ("ninh", True), ("trat", False), ("tu", True)]
    assert search_terms("* “ ”") == []
    assert widen_search("Bạch Thô ") == "Bạch Thô*"
    assert widen_search("“Bạch  Thô” !") == "“Bạch Thô”* !"
    assert search_terms(widen_search("“Bạch  Thô” !"))[-1] == ("tho", True)
    assert widen_search("nguy*") is None
    assert widen_search("  ") is None


def test_fold_ignores_case_diacritics_punctuation_and_spaces():
    assert fold("  Bạch   Thông ") == "bach thong"
    assert fold("ĐẢNG ỦY Khối") == "dang uy khoi"
    assert fold("“Dân vận khéo”-2023") == "dan van kheo 2023"


def test_vietnamese_sort_puts_d_stroke_after_d():
    names = ["Đồng Hỷ", "Định Hóa", "Đại Từ", "Chợ Mới", "Ba Bể", "Dương Quang", "Ân Thi"]
    assert sorted(names, key=sort_key) == [
        "Ân Thi",
        "Ba Bể",
        "Chợ Mới",
        "Dương Quang",
        "Đại Từ",
        "Định Hóa",
        "Đồng Hỷ",
    ]
