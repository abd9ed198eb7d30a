"""One rounding rule for per cent: half up, one decimal, the language's decimal mark, everywhere."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from registry.choices import UnitType
from registry.tests.factories import UserFactory, make_unit
from reports.tables import percent_text

from .conftest import register


def test_per_cent_is_rounded_half_up_with_the_language_s_decimal_mark():
    assert percent_text(Decimal(900) / 16) == "+56,3%"  # 56,25: half up, not to the even 56,2
    assert percent_text(Decimal(-100) / 8) == "-12,5%"
    assert percent_text(Decimal(0)) == "+0,0%"
    assert percent_text(None) == ""
    with translation.override("en"):
        assert percent_text(Decimal(900) / 16) == "+56.3%"


@pytest.fixture
def growing(db, fields):
    """16 registrations in 2022, 17 in 2023: +6,25 %."""
    province = make_unit("Tỉnh ủy R", unit_type=UnitType.PROVINCE)
    commune = make_unit("Đảng ủy xã S", province, UnitType.COMMUNE)
    for year, count in ((2022, 16), (2023, 17)):
        for _ in range(count):
            register(commune, year=year, field=fields.economy)
    return province


def test_the_dashboard_and_the_report_page_write_the_same_per_cent(growing, client):
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    params = {"unit": growing.pk, "period": "year", "year": 2023, "structure": "reported"}
    for language, expected in (("vi", "+6,3%"), ("en", "+6.3%")):
        client.cookies["django_language"] = language
        dashboard = client.get(reverse("reports:dashboard"), params)
        card = next(card for card in dashboard.context["cards"] if card["key"] == "total")
        assert card["percent_text"] == expected
        assert f"({expected})" in dashboard.content.decode()
        report = client.get(reverse("reports:report"), params)
        assert f"({expected})" in report.context["participation_line"]
