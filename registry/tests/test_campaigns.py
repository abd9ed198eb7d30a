"""Campaigns (đợt thi đua): who reads and changes them, their rules, their pages, the home page."""

import datetime

import pytest
from django.urls import reverse

from registry import services
from registry.choices import Role, UnitType
from registry.forms.campaigns import CampaignForm
from registry.models import Campaign

from .factories import CampaignFactory, MembershipFactory, UserFactory
from .test_edit_conflicts import opened

pytestmark = pytest.mark.django_db


@pytest.fixture
def campaigns(tree):
    """A campaign of the province (over A and B), one of A and one of B."""
    return {
        "province": CampaignFactory(unit=tree.province, title="Thi đua Dân vận khéo tỉnh Bắc Kạn 2026"),
        "a": CampaignFactory(unit=tree.a, title="Thi đua Dân vận khéo huyện Bạch Thông 2026"),
        "b": CampaignFactory(unit=tree.b, title="Thi đua Dân vận khéo thành phố Bắc Kạn 2026"),
    }


def form_post(**changes):
    data = {
        "year": "2026",
        "title": "Phát động thi đua “Dân vận khéo” năm 2026",
        "reference": "15-KH/HU",
        "launched_on": "15/01/2026",
        "registration_deadline": "31/03/2026",
        "evaluation_deadline": "30/11/2026",
        "unit_types": [UnitType.COMMUNE, UnitType.CELL],
        "note": "Mỗi chi bộ đăng ký ít nhất một mô hình.",
        "token": services.new_token(),
    }
    return {**data, **changes}


def users(tree):
    superuser = UserFactory(username="sieu", is_superuser=True, is_staff=True)
    admin_a = UserFactory(username="quantri_a")
    MembershipFactory(user=admin_a, unit=tree.a, role=Role.ADMIN)
    return {"superuser": superuser, "admin": admin_a, "editor": tree.editor_a, "viewer": tree.viewer_a}


# Scoping ----------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["superuser", "admin", "editor", "viewer"])
def test_each_role_reads_its_own_campaigns_and_those_launched_above_never_those_beside(
    tree, campaigns, client, role
):
    client.force_login(users(tree)[role])
    page = client.get(reverse("registry:campaign_list")).content.decode()
    assert campaigns["a"].title in page
    assert campaigns["province"].title in page
    assert (campaigns["b"].title in page) is (role == "superuser")
    detail = client.get(reverse("registry:campaign_detail", args=[campaigns["b"].pk]))
    assert detail.status_code == (200 if role == "superuser" else 404)


def test_anonymous_is_sent_to_the_login_page(tree, campaigns, client):
    for url in (
        reverse("registry:campaign_list"),
        reverse("registry:campaign_create"),
        reverse("registry:campaign_detail", args=[campaigns["a"].pk]),
        reverse("registry:campaign_update", args=[campaigns["a"].pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert "/tai-khoan/dang-nhap/" in response["Location"]


@pytest.mark.parametrize("role", ["admin", "editor", "viewer"])
def test_a_campaign_launched_above_is_read_but_never_changed_from_below(tree, campaigns, client, role):
    client.force_login(users(tree)[role])
    url = reverse("registry:campaign_update", args=[campaigns["province"].pk])
    assert client.get(url).status_code == 404
    assert client.post(url, form_post(unit=tree.province.pk)).status_code == 404
    own = client.get(reverse("registry:campaign_update", args=[campaigns["a"].pk]))
    assert own.status_code == (404 if role == "viewer" else 200)


def test_a_viewer_cannot_launch_a_campaign(tree, client):
    client.force_login(tree.viewer_a)
    response = client.post(reverse("registry:campaign_create"), form_post(unit=tree.a.pk))
    assert response.status_code == 200
    assert "unit" in response.context["form"].errors
    assert not Campaign.objects.exists()


def test_an_editor_cannot_launch_a_campaign_over_another_branch(tree, client):
    client.force_login(tree.editor_a)
    response = client.post(reverse("registry:campaign_create"), form_post(unit=tree.b.pk))
    assert "unit" in response.context["form"].errors
    assert not Campaign.objects.exists()


# Writes -----------------------------------------------------------------------------------


def test_an_editor_launches_a_campaign_once_even_when_the_form_is_sent_twice(tree, client):
    client.force_login(tree.editor_a)
    data = form_post(unit=tree.a.pk)
    first = client.post(reverse("registry:campaign_create"), data)
    second = client.post(reverse("registry:campaign_create"), data)
    campaign = Campaign.objects.get()
    assert first["Location"] == second["Location"] == campaign.get_absolute_url()
    assert campaign.unit_types == [UnitType.COMMUNE, UnitType.CELL]
    assert campaign.created_by == tree.editor_a
    assert campaign.history.get().history_user == tree.editor_a
    page = client.get(campaign.get_absolute_url()).content.decode()
    assert "31/03/2026" in page
    assert "Đảng ủy xã, phường, thị trấn; Chi bộ" in page


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"registration_deadline": "10/01/2026"}, "registration_deadline", "Hạn đăng ký 10/01/2026 phải từ"),
        ({"evaluation_deadline": "01/03/2026"}, "evaluation_deadline", "Hạn đánh giá 01/03/2026 phải từ"),
        ({"evaluation_deadline": "01/03/2028"}, "evaluation_deadline", "đến 31/12/2027"),
        ({"launched_on": "01/06/2025"}, "launched_on", "không thuộc năm 2026"),
        ({"year": "1999"}, "year", "2000"),
        ({"unit_types": ["tinh"]}, "unit_types", "tinh"),
        ({"launched_on": "32/01/2026"}, "launched_on", "ngày hợp lệ"),
    ],
)
def test_bad_dates_and_types_are_refused_with_a_message_and_nothing_is_saved(
    tree, client, changes, field, message
):
    client.force_login(tree.editor_a)
    response = client.post(reverse("registry:campaign_create"), form_post(unit=tree.a.pk, **changes))
    assert response.status_code == 200
    errors = " ".join(response.context["form"].errors.get(field, []))
    assert message in errors
    assert not Campaign.objects.exists()


def test_a_unit_closed_on_the_launch_day_cannot_launch(tree, closed_commune):
    campaign = Campaign(
        year=2026,
        unit=closed_commune,
        title="Thi đua",
        launched_on=datetime.date(2026, 1, 15),
        registration_deadline=datetime.date(2026, 3, 31),
        evaluation_deadline=datetime.date(2026, 11, 30),
    )
    with pytest.raises(services.ValidationError) as refused:
        services.campaign_create(user=None, campaign=campaign)
    assert "không còn hoạt động" in str(refused.value)
    assert not Campaign.objects.exists()


def test_a_second_edit_is_refused_showing_both_versions(tree, campaigns, client):
    campaign = campaigns["a"]
    other = UserFactory(username="bientap_a2", first_name="Lan")
    MembershipFactory(user=other, unit=tree.a, role=Role.EDITOR)
    first = opened(CampaignForm, campaign, tree.editor_a)
    second = opened(CampaignForm, campaign, other)
    url = reverse("registry:campaign_update", args=[campaign.pk])
    client.force_login(tree.editor_a)
    assert client.post(url, {**first, "registration_deadline": "15/04/2026"}).status_code == 302

    client.force_login(other)
    response = client.post(url, {**second, "title": "Tên khác"})
    assert response.status_code == 200
    assert "sau khi bạn mở trang" in response.content.decode()
    campaign.refresh_from_db()
    assert campaign.title == "Thi đua Dân vận khéo huyện Bạch Thông 2026"
    again = dict(second, title="Tên khác", version=response.context["form"]["version"].value())
    assert client.post(url, again).status_code == 302
    campaign.refresh_from_db()
    assert campaign.title == "Tên khác"
    assert campaign.registration_deadline == datetime.date(2026, 3, 31)  # the form's value, applied over


@pytest.mark.parametrize(
    "query", ["?year=abc", "?year=99999999999999", "?page=zz", "?page=999", "?q=%00", "?year=2026&q=' OR 1=1"]
)
def test_odd_query_input_on_the_list_never_gives_a_server_error(tree, campaigns, client, query):
    client.force_login(tree.editor_a)
    assert client.get(reverse("registry:campaign_list") + query).status_code in {200, 404}


# The home page ----------------------------------------------------------------------------


def test_the_home_page_shows_the_lower_unit_what_is_asked_and_by_when(tree, campaigns, client, settings):
    client.force_login(tree.editor_a)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("django.utils.timezone.localdate", lambda *args: datetime.date(2026, 4, 2))
        page = client.get(reverse("registry:home")).content.decode()
    assert "Cấp trên yêu cầu" in page
    assert campaigns["province"].title in page
    assert "đã quá hạn" in page  # the registration deadline, 31/03/2026, has passed
    # A's own campaign asks nothing of A's staff; B's is beside them.
    assert campaigns["a"].title not in page
    assert campaigns["b"].title not in page


def test_the_home_page_reads_the_campaigns_in_a_fixed_number_of_queries(
    tree, campaigns, client, django_assert_max_num_queries
):
    for n in range(5):
        CampaignFactory(unit=tree.province, title=f"Đợt bổ sung {n}")
    client.force_login(tree.editor_a)
    # 14, the year's two totals from the counts kept ready (registry.totals), and the two that
    # find the units the user's own units act for (``querysets.own_unit_ids``).
    with django_assert_max_num_queries(17):
        client.get(reverse("registry:home"))


def test_the_detail_names_the_users_units_the_campaign_asks(tree, campaigns, client):
    client.force_login(tree.editor_a)
    page = client.get(campaigns["province"].get_absolute_url()).content.decode()
    assert "Đơn vị của bạn được yêu cầu đăng ký" in page
    assert tree.a.name in page
