"""The period picker and the periods it builds."""

import datetime

import pytest

from reports.forms import ReportFilterForm
from reports.periods import Period


def period_of(params, default_year=2023):
    form = ReportFilterForm(params)
    return form, form.get_period(default_year=lambda: default_year)


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, Period.year(2023)),
        ({"year": "2019"}, Period.year(2019)),
        ({"period": "half", "year": "2024", "half": "1"}, Period.half(2024, 1)),
        ({"period": "half", "year": "2024"}, Period.half(2024, 1)),
        ({"period": "quarter", "year": "2024", "quarter": "4"}, Period.quarter(2024, 4)),
        (
            {"period": "range", "date_from": "01/03/2024", "date_to": "2024-06-30"},
            Period.between(datetime.date(2024, 3, 1), datetime.date(2024, 6, 30)),
        ),
        ({"period": "phase", "year_from": "2021", "year_to": "2025"}, Period.phase(2021, 2025)),
    ],
)
def test_the_picker_builds_every_kind_of_period(params, expected):
    form, period = period_of(params)
    assert form.is_valid(), form.errors
    assert period == expected


@pytest.mark.parametrize(
    "params",
    [
        {"period": "range", "date_from": "01/03/2024"},
        {"period": "range", "date_from": "30/06/2024", "date_to": "01/03/2024"},
        {"period": "phase", "year_from": "2025", "year_to": "2021"},
        {"period": "phase", "year_from": "2000", "year_to": "2030"},
        {"year": "1999"},
    ],
)
def test_a_bad_period_is_an_error_and_falls_back_to_the_default_year(params):
    form, period = period_of(params)
    assert not form.is_valid()
    assert period == Period.year(2023)


def test_the_unit_survives_a_bad_period():
    form = ReportFilterForm({"unit": "7", "period": "range"})
    assert form.unit_id == 7
    assert ReportFilterForm({"unit": "abc"}).unit_id is None


def test_periods_say_themselves_and_their_previous_period():
    assert Period.year(2023).previous() == Period.year(2022)
    assert Period.quarter(2024, 1).previous().label == "quý I năm 2023"
    assert Period.half(2024, 2).label == "6 tháng cuối năm 2024"
    assert Period.phase(2021, 2025).previous() == Period.phase(2016, 2020)
    leap = Period.between(datetime.date(2024, 2, 29), datetime.date(2024, 3, 31)).previous()
    assert leap.start == datetime.date(2023, 2, 28)
    assert Period.quarter(2024, 2).end == datetime.date(2024, 6, 30)
    assert [p.short_label for p in Period.half(2024, 1).trend()][-2:] == ["1–6/2023", "1–6/2024"]
    assert Period.half(2024, 1).list_params() == {
        "date_from": "2024-01-01",
        "date_to": "2024-06-30",
        "review_state": "counted",
    }
    assert "review_state" not in Period.year(2024).with_drafts().list_params()
    assert Period.phase(2021, 2025).list_params() == {
        "year_from": 2021,
        "year_to": 2025,
        "review_state": "counted",
    }
