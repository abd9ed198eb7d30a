"""The operators' check: the kept counts against a recount, and their repair."""

import datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from registry import services
from registry.choices import Level, UnitType
from registry.models import CurrentTally, Field, Initiative, OwnTally, Tally, Unit
from registry.tally import CURRENT, OWN, REPORTED, tally_check, tally_current, tally_expected
from registry.tests.factories import make_unit

pytestmark = pytest.mark.django_db


@pytest.fixture
def counted():
    province = make_unit("Tỉnh ủy", unit_type=UnitType.PROVINCE, code="T")
    commune = make_unit("Đảng ủy xã", province, UnitType.COMMUNE, code="X")
    for number in range(3):
        services.initiative_create(
            user=None,
            initiative=Initiative(name=f"Mô hình {number}", unit=commune, field=Field.objects.first()),
            year=2024,
            registered_on=datetime.date(2024, 3, 1),
            level=Level.COMMUNE,
        )
    return commune


def test_kept_counts_that_equal_the_recount_pass(counted):
    report = tally_check()
    assert report[REPORTED] == (2, 2, 0)
    assert report[CURRENT] == (2, 2, 0)
    assert report[OWN] == (1, 1, 0)
    out = StringIO()
    call_command("tally_check", stdout=out)
    assert "khớp với số đếm lại" in out.getvalue()


@pytest.mark.no_tally_check
def test_a_drifted_count_is_found_and_repaired(counted):
    Tally.objects.filter(unit=counted).update(total=7)
    CurrentTally.objects.filter(unit=counted).delete()
    OwnTally.objects.filter(unit=counted).update(unevaluated=5)
    with pytest.raises(CommandError, match="3 dòng sai lệch"):
        call_command("tally_check", stdout=StringIO())
    out = StringIO()
    call_command("tally_check", "--repair", stdout=out)
    assert "Đã sửa 3 dòng" in out.getvalue()
    for structure in (REPORTED, CURRENT, OWN):
        assert tally_current(structure) == tally_expected(structure)


@pytest.mark.no_tally_check
def test_a_registration_carried_by_the_wrong_unit_is_found_and_carried_right(counted):
    """Today's counts are recounted by the stored carrier: the check walks the lineage too."""
    from registry.models import Registration

    other = make_unit("Đảng ủy phường", Unit.objects.get_parent(counted), UnitType.COMMUNE, code="P")
    Registration.objects.filter(unit=counted).update(carrier=other)
    with pytest.raises(CommandError, match="sai lệch"):
        call_command("tally_check", stdout=StringIO())
    out = StringIO()
    call_command("tally_check", "--repair", stdout=out)
    assert "3 đăng ký chưa tính vào đúng đơn vị kế thừa" in out.getvalue()
    assert set(Registration.objects.values_list("carrier_id", flat=True)) == {counted.pk}
    check = StringIO()
    call_command("tally_check", stdout=check)
    assert "0 đăng ký chưa tính" in check.getvalue()
    assert "khớp với số đếm lại" in check.getvalue()
