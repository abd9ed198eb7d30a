"""Forms sent at the same moment, for real: threads, each with its own database connection.

A double click on "create" (the same form, with its one-time token, sent 8 times at once) makes
one record; 8 "register for year Y" at once make one registration and never a server error; two
edits of a record opened at the same version save one and refuse the other.
"""

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from registry import services
from registry.choices import Kind, Level, Role, StandardField, UnitType
from registry.models import Field, Initiative, Registration

from .factories import MembershipFactory, UserFactory, make_unit
from .test_tally_concurrency import in_threads

pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def world():
    for order, standard in enumerate(StandardField):
        Field.objects.get_or_create(name=standard.label, defaults={"standard": standard, "order": order})
    province = make_unit("Tỉnh ủy", unit_type=UnitType.PROVINCE, code="T")
    commune = make_unit("Đảng ủy xã Cẩm Giàng", province, UnitType.COMMUNE, code="X")
    editor = UserFactory(username="bientap")
    MembershipFactory(user=editor, unit=province, role=Role.EDITOR)
    return {"commune": commune, "editor": editor}


def post_from_clients(user, url, data, times=8):
    """Send ``data`` to ``url`` from ``times`` logged-in clients at once; return the responses."""
    clients = []
    for _i in range(times):
        client = Client()
        client.force_login(user)
        clients.append(client)
    return in_threads([lambda c=c: c.post(url, data) for c in clients], workers=times)


def test_a_create_form_sent_eight_times_at_once_makes_one_initiative(world):
    data = {
        "name": "Mô hình “Dân vận khéo” hiến đất làm đường",
        "unit": world["commune"].pk,
        "kind": Kind.COLLECTIVE,
        "field": Field.objects.first().pk,
        "grade": "model",
        "year": 2024,
        "registered_on": "15/03/2024",
        "level": "grassroots",
        "status": "new",
        "token": services.new_token(),
    }
    responses = post_from_clients(world["editor"], reverse("registry:initiative_create"), data)
    initiative = Initiative.objects.get()
    assert [r.status_code for r in responses] == [302] * 8
    assert {r["Location"] for r in responses} == {initiative.get_absolute_url()}
    assert Registration.objects.count() == 1


def test_eight_registrations_for_the_same_year_at_once_make_one_and_no_error(world):
    initiative = services.initiative_create(
        user=None,
        initiative=Initiative(name="Mô hình A", unit=world["commune"], field=Field.objects.first()),
        year=2023,
        registered_on=datetime.date(2023, 3, 1),
        level=Level.GRASSROOTS,
    )
    url = reverse("registry:registration_create", args=[initiative.pk])
    data = {
        "year": 2024,
        "unit": world["commune"].pk,
        "registered_on": "01/02/2024",
        "level": "grassroots",
        "evaluation": "pending",
    }
    # Without a token (another tab, another user): one is saved, the others are told why.
    responses = post_from_clients(world["editor"], url, data)
    assert sorted(r.status_code for r in responses) == [200] * 7 + [302]
    refused = [r for r in responses if r.status_code == 200]
    assert all("đã được đăng ký" in r.content.decode() for r in refused)
    assert initiative.registrations.filter(year=2024).count() == 1
    # The same form sent eight times (a double click): all eight land on the one registration.
    responses = post_from_clients(
        world["editor"],
        url,
        {**data, "year": 2025, "registered_on": "01/02/2025", "token": services.new_token()},
    )
    assert [r.status_code for r in responses] == [302] * 8
    assert initiative.registrations.filter(year=2025).count() == 1


def test_edits_opened_at_the_same_version_save_one_and_refuse_the_others(world):
    initiative = services.initiative_create(
        user=None,
        initiative=Initiative(name="Mô hình B", unit=world["commune"], field=Field.objects.first()),
        year=2024,
        registered_on=datetime.date(2024, 3, 1),
        level=Level.GRASSROOTS,
    )
    version = services.version_of(initiative)

    def edit(number):
        def job():
            copy = Initiative.objects.get(pk=initiative.pk)
            copy.address = f"Thôn {number}"
            try:
                services.initiative_update(user=world["editor"], initiative=copy, version=version)
            except services.EditConflict:
                return "refused"
            return "saved"

        return job

    outcomes = in_threads([edit(number) for number in range(6)], workers=6)
    assert sorted(outcomes) == ["refused"] * 5 + ["saved"]
