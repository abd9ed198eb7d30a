"""Long choice lists send only the chosen option; suggestions come from a scoped endpoint."""

import pytest
from django.urls import reverse

from registry import widgets
from registry.models import Unit

pytestmark = pytest.mark.django_db


def suggest(client, kind, q, action="view"):
    response = client.get(reverse("registry:suggest", args=[kind]), {"q": q, "quyen": action})
    assert response.status_code == 200
    return response.json()["results"]


def test_a_short_list_is_sent_whole(tree, client_for):
    page = client_for(tree.admin_province).get(reverse("registry:registration_list")).content.decode()
    assert "Thành ủy Bắc Kạn</option>" in page and "data-remote" not in page


def test_a_long_list_sends_only_the_chosen_unit(tree, client_for, monkeypatch):
    monkeypatch.setattr(widgets, "FULL_LIST_LIMIT", 2)
    client = client_for(tree.admin_province)
    page = client.get(reverse("registry:registration_list"), {"unit": tree.commune.pk}).content.decode()
    assert 'data-remote="1"' in page
    assert "Đảng ủy xã Cẩm Giàng</option>" in page  # the chosen one, to show what is filtered
    assert "Thành ủy Bắc Kạn</option>" not in page
    # A unit that was not sent is still accepted: the field validates against its own queryset.
    response = client.get(reverse("registry:registration_list"), {"unit": tree.b.pk})
    assert response.context["filter"].is_valid()
    assert [r.initiative for r in response.context["object_list"]] == [tree.initiative_b]


def test_a_long_list_in_a_form_keeps_the_chosen_value(tree, client_for, monkeypatch):
    monkeypatch.setattr(widgets, "FULL_LIST_LIMIT", 1)
    client = client_for(tree.editor_a)
    page = client.get(reverse("registry:initiative_update", args=[tree.initiative_a.pk])).content.decode()
    assert 'data-remote="1"' in page
    assert f'<option value="{tree.cell.pk}" selected>' in page
    assert "Huyện ủy Bạch Thông</option>" not in page


def test_unit_suggestions_find_without_diacritics_within_the_scope(tree, client_for):
    client = client_for(tree.editor_a)
    names = [item["text"] for item in suggest(client, "unit", "cam giang")]
    assert names == ["Đảng ủy xã Cẩm Giàng"]
    assert suggest(client, "unit", "cam giang")[0]["context"] == "Huyện ủy Bạch Thông"
    assert suggest(client, "unit", "thanh uy bac kan") == []  # unit B, out of scope
    assert suggest(client, "unit", "tinh uy") == []  # above the scope
    everything = {item["value"] for item in suggest(client, "unit", "")}
    assert everything == set(Unit.objects.filter(path__startswith=tree.a.path).values_list("pk", flat=True))


def test_suggestions_follow_the_role(tree, client_for):
    # A viewer may read unit A but change nothing in it.
    client = client_for(tree.viewer_a)
    assert suggest(client, "unit", "bach thong", "view")
    assert suggest(client, "unit", "bach thong", "change") == []


def test_initiative_suggestions_are_scoped(tree, client_for):
    client = client_for(tree.editor_a)
    assert [item["value"] for item in suggest(client, "initiative", "hien dat")] == [tree.initiative_a.pk]
    assert suggest(client_for(tree.editor_b), "initiative", "hien dat") == []


def test_bad_suggestion_requests_answer_404(tree, client_for):
    client = client_for(tree.editor_a)
    assert client.get(reverse("registry:suggest", args=["user"])).status_code == 404
    assert client.get(reverse("registry:suggest", args=["unit"]), {"quyen": "root"}).status_code == 404


def test_suggestions_require_login(client):
    response = client.get(reverse("registry:suggest", args=["unit"]), {"q": "bach"})
    assert response.status_code == 302
