"""Bulk work on the model list: decision, delete with undo, year rollover, export."""

import csv
import datetime
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from registry.choices import RegistrationStatus
from registry.models import Registration
from registry.tests.factories import InitiativeFactory, RegistrationFactory

pytestmark = pytest.mark.django_db

LIST = "registry:registration_list"


@pytest.fixture
def many(tree):
    """Five more registrations in 2024 under the commune, named so that they sort."""
    return [
        RegistrationFactory(
            initiative=InitiativeFactory(unit=tree.commune, name=f"Mô hình {i:02d}"), year=2024
        )
        for i in range(5)
    ]


def bulk(client, data, query=""):
    return client.post(reverse("intake:bulk") + (f"?{query}" if query else ""), data)


def test_bulk_actions_never_touch_rows_outside_the_scope(tree, many, client_for):
    client = client_for(tree.editor_a)
    bulk(
        client,
        {
            "action": "edit",
            "scope": "selected",
            "grade": "outstanding",
            "selected": [tree.registration_b.pk],
            "confirm": "1",
            "token": "g" * 24,
        },
    )
    bulk(client, {"action": "delete", "scope": "selected", "selected": [tree.registration_b.pk]})
    tree.initiative_b.refresh_from_db()
    tree.registration_b.refresh_from_db()
    assert tree.initiative_b.grade == "model" and not tree.registration_b.is_deleted


def test_a_viewer_cannot_change_anything_in_bulk(tree, many, client_for):
    client = client_for(tree.viewer_a)
    bulk(client, {"action": "delete", "scope": "all"}, "year=2024")
    assert Registration.objects.filter(is_deleted=True).count() == 0


def test_soft_delete_in_bulk_and_undo(tree, many, client_for, tally_is_live):
    client = client_for(tree.editor_a)
    response = bulk(client, {"action": "delete", "scope": "all"}, "year=2024")
    assert Registration.objects.filter(year=2024, is_deleted=True).count() == 5
    page = client.get(response["Location"]).content.decode()
    assert "Hoàn tác" in page
    token = client.session["intake_undo"].popitem()[0]
    bulk(client, {"action": "restore", "undo": token})
    assert Registration.objects.filter(is_deleted=True).count() == 0
    assert tally_is_live()


def test_record_a_decision_for_the_selection(tree, many, client_for):
    client = client_for(tree.editor_a)
    response = bulk(client, {"action": "decision", "scope": "selected", "selected": [many[0].pk, many[1].pk]})
    assert response["Location"] == (
        reverse("registry:decision_create") + f"?registration={many[0].pk}&registration={many[1].pk}"
    )


def test_nothing_selected_is_explained(tree, many, client_for):
    client = client_for(tree.editor_a)
    response = bulk(client, {"action": "delete", "scope": "selected"})
    page = client.get(response["Location"]).content.decode()
    assert "Chưa chọn mô hình nào" in page


def test_rollover_preview_then_confirm_creates_maintained_registrations(
    tree, many, client_for, tally_is_live
):
    RegistrationFactory(initiative=many[0].initiative, year=2025)  # already there
    client = client_for(tree.editor_a)
    url = reverse("intake:rollover")
    preview = client.get(url, {"unit": tree.commune.pk, "year": 2024})
    assert preview.context["create_count"] == 4 and preview.context["exist_count"] == 1
    response = client.post(url, {"unit": tree.commune.pk, "year": 2024, "registered_on": "05/01/2025"})
    assert response.status_code == 302
    created = Registration.objects.filter(year=2025, initiative__in=[r.initiative for r in many[1:]])
    assert created.count() == 4
    assert {r.status for r in created} == {RegistrationStatus.MAINTAINED}
    assert {r.registered_on.isoformat() for r in created} == {"2025-01-05"}
    assert Registration.objects.filter(year=2025).count() == 5
    assert tally_is_live()


def test_rollover_from_the_list_selection(tree, many, client_for):
    client = client_for(tree.editor_a)
    response = bulk(client, {"action": "rollover", "scope": "selected", "selected": [many[0].pk]})
    preview = client.get(response["Location"])
    assert preview.context["create_count"] == 1
    response = bulk(client, {"action": "rollover", "scope": "all"}, "year=2024")
    preview = client.get(response["Location"])
    assert preview.context["create_count"] == 5
    client.post(reverse("intake:rollover"), {"year": "2024", "from_list": "1"})
    assert Registration.objects.filter(year=2025).count() == 5


def test_rollover_out_of_a_closed_unit_goes_to_the_unit_that_carries_it_on(tree, closed_commune, client_for):
    source = RegistrationFactory(initiative=InitiativeFactory(unit=closed_commune), year=2025)
    client = client_for(tree.editor_a)
    response = client.post(
        reverse("intake:rollover"), {"registration": [source.pk], "registered_on": "10/01/2026"}
    )
    assert response.status_code == 302
    carried = source.initiative.registrations.get(year=2026)
    assert (carried.unit, carried.status) == (tree.commune, RegistrationStatus.MAINTAINED)


def test_rollover_refused_by_the_rules_makes_nothing_and_says_why(tree, client_for):
    from registry.choices import Role, UnitType
    from registry.tests.factories import MembershipFactory, UserFactory, make_unit

    closed = make_unit("Chi bộ giải thể", tree.commune, UnitType.CELL, valid_to=datetime.date(2025, 6, 30))
    sources = [
        RegistrationFactory(initiative=InitiativeFactory(unit=tree.commune), year=2025),
        RegistrationFactory(
            initiative=InitiativeFactory(unit=closed, name="Mô hình chi bộ giải thể"), year=2025
        ),
    ]
    editor = UserFactory()
    MembershipFactory(user=editor, unit=tree.commune, role=Role.EDITOR)
    response = client_for(editor).post(
        reverse("intake:rollover"), {"registration": [r.pk for r in sources], "registered_on": "10/01/2026"}
    )
    assert response.status_code == 200
    message = response.context["confirm_form"].non_field_errors()[0]
    assert "“Mô hình chi bộ giải thể” không đăng ký duy trì được cho năm 2026" in message
    assert "không có đơn vị kế thừa" in message
    assert not Registration.objects.filter(year=2026).exists()


def test_rollover_of_another_units_rows_is_impossible(tree, client_for):
    client = client_for(tree.editor_a)
    client.post(reverse("intake:rollover"), {"registration": [tree.registration_b.pk]})
    assert not Registration.objects.filter(year=2024, initiative=tree.initiative_b).exists()


def test_the_download_equals_the_screen_same_filter_same_order(tree, client_for):
    for i in range(60):
        RegistrationFactory(initiative=InitiativeFactory(unit=tree.cell, name=f"Mô hình {i:03d}"), year=2024)
    client = client_for(tree.editor_a)
    query = {"year": "2024", "o": "-name"}
    on_screen = []
    for page in (1, 2):
        response = client.get(reverse(LIST), {**query, "page": page})
        on_screen += [r.initiative.name for r in response.context["object_list"]]
    assert len(on_screen) == 60

    response = client.get(reverse("registry:registration_export", args=["csv"]), query)
    lines = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    name_at = lines[0].index("Tên mô hình")
    assert [line[name_at] for line in lines[1:]] == on_screen

    response = client.get(reverse("registry:registration_export", args=["xlsx"]), query)
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True).active
    names = [row[name_at] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert names == on_screen


def test_the_export_never_shows_rows_outside_the_scope(tree, client_for):
    response = client_for(tree.editor_a).get(reverse("registry:registration_export", args=["csv"]))
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "Tổ dân phố tự quản" not in text and "Bạch Thông" in text


def test_every_bulk_action_of_the_form_has_its_handler():
    from intake.forms import BulkForm
    from intake.views import BulkActionView

    actions = {value for value, _label in BulkForm.ACTIONS} - {"restore"}
    assert set(BulkActionView.handlers) == actions


def test_an_unknown_bulk_action_is_refused_with_a_message(tree, many, client_for):
    client = client_for(tree.editor_a)
    response = client.post(
        reverse("intake:bulk"), {"action": "back", "scope": "selected", "selected": [many[0].pk]}, follow=True
    )
    assert response.status_code == 200
    assert list(response.context["messages"])


def test_rollover_leaves_out_the_rows_ticked_in_the_preview(tree, many, client_for):
    client = client_for(tree.editor_a)
    chosen = {"registration": [r.pk for r in many]}
    preview = client.get(reverse("intake:rollover"), chosen).content.decode()
    assert preview.count('name="leave_out"') == 5
    left_out = [many[0].pk, many[3].pk]
    response = client.post(
        reverse("intake:rollover"), {**chosen, "leave_out": [*left_out, "x"], "registered_on": "10/01/2025"}
    )
    assert response.status_code == 302
    maintained = set(
        Registration.objects.filter(year=2025).values_list("initiative__registrations__pk", flat=True)
    )
    assert {r.pk for r in many} - set(left_out) <= maintained
    assert not maintained & set(left_out)
    assert Registration.objects.filter(year=2025).count() == 3
