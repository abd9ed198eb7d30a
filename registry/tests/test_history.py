"""The history read as a person writes it, the change log's scope and filters, grouped numbers."""

import pytest
from django.urls import reverse

from registry import formats, services
from registry.forms import WholeNumberField
from registry.models import Initiative, Registration

pytestmark = pytest.mark.django_db


def test_numbers_and_money_are_grouped_and_typed_grouping_is_read():
    assert formats.grouped(129000000) == "129.000.000"
    assert formats.money(129000000) == "129.000.000 đ"
    field = WholeNumberField(required=False)
    assert field.clean("1.200") == 1200
    assert field.clean("129.000.000") == 129000000
    for bad in ("1,5", "abc", "-3", "1.20"):
        with pytest.raises(Exception, match="số nguyên"):
            field.clean(bad)


def test_the_history_names_edit_delete_and_restore_with_human_values(tree, client_for):
    user = tree.editor_a
    registration = Registration.objects.get(pk=tree.registration_a.pk)
    version = services.version_of(registration)
    registration.money_mobilised = 129000000
    services.registration_update(user=user, registration=registration, version=version)
    initiative = Initiative.objects.get(pk=tree.initiative_a.pk)
    services.soft_delete(user=user, obj=initiative)
    services.restore(user=user, obj=Initiative.objects.get(pk=initiative.pk))
    client = client_for(user)
    text = client.get(reverse("registry:history", args=["mo-hinh", initiative.pk])).content.decode()
    assert "Xóa (chuyển vào mục đã xóa)" in text and "Khôi phục" in text and "Tạo mới" in text
    assert "True" not in text and "False" not in text
    text = client.get(reverse("registry:history", args=["dang-ky", registration.pk])).content.decode()
    assert "129.000.000 đ" in text


def test_the_change_log_is_for_administrators_within_their_scope(tree, client_for, client):
    url = reverse("registry:changelog")
    assert client.get(url).status_code == 302
    assert client_for(tree.editor_a).get(url).status_code == 403
    assert client_for(tree.viewer_a).get(url).status_code == 403
    page = client_for(tree.admin_province).get(
        url, {"kind": "mo-hinh", "sau": "rác", "date_from": "99/99/9999"}
    )
    assert page.status_code == 200
    response = client_for(tree.admin_province).get(reverse("registry:changelog_export"))
    assert response.status_code == 200


def test_a_campaign_in_the_change_log_and_its_history_names_the_unit_types_it_asks(tree, client_for):
    from .factories import CampaignFactory

    campaign = CampaignFactory(unit=tree.province, unit_types=["commune", "bloc"])
    campaign.unit_types = ["commune"]
    services.campaign_update(user=None, campaign=campaign)
    client = client_for(tree.admin_province)
    page = client.get(reverse("registry:changelog"))
    assert page.status_code == 200
    assert campaign.title in page.content.decode()
    history = client.get(reverse("registry:history", args=["dot-thi-dua", campaign.pk])).content.decode()
    assert "Đảng ủy xã, phường, thị trấn; Đảng ủy Khối, đảng ủy trực thuộc tỉnh" in history
    assert client.get(reverse("registry:changelog_export")).status_code == 200


def test_the_change_log_of_a_branch_administrator_leaves_out_the_other_branch(tree, client_for):
    from registry.choices import Role

    from .factories import CampaignFactory, MembershipFactory, UserFactory

    admin_a = UserFactory(username="quantri_a")
    MembershipFactory(user=admin_a, unit=tree.a, role=Role.ADMIN)
    mine = CampaignFactory(unit=tree.a, title="Đợt thi đua của nhánh A")
    theirs = CampaignFactory(unit=tree.b, title="Đợt thi đua của nhánh B")
    page = client_for(admin_a).get(reverse("registry:changelog")).content.decode()
    assert mine.title in page
    assert theirs.title not in page
    whole = client_for(tree.admin_province).get(reverse("registry:changelog")).content.decode()
    assert mine.title in whole and theirs.title in whole


# Saved filters and columns -----------------------------------------------------------------


def history_of(model, pk):
    rows = model.history.filter(id=pk).order_by("history_date", "history_id")
    return [(row.history_type, row.history_user) for row in rows]


def test_saving_renaming_and_deleting_a_filter_keep_its_history_with_who_did_it(tree):
    from registry import lists
    from registry.models import SavedFilter

    user = tree.editor_a
    saved = lists.saved_filter_create(user=user, name="Năm 2023", query="year=2023", unit=tree.a)
    saved = SavedFilter.objects.get(pk=saved.pk)
    saved.name = "Năm 2023 của huyện"
    lists.saved_filter_update(user=user, saved=saved, version=services.version_of(saved))
    lists.saved_filter_delete(user=user, saved=saved)
    assert not SavedFilter.objects.exists()
    assert history_of(SavedFilter, saved.pk) == [("+", user), ("~", user), ("-", user)]


def test_choosing_and_resetting_the_columns_keep_their_history_with_who_did_it(tree):
    from registry import lists
    from registry.models import ListColumns

    user = tree.editor_a
    chosen = lists.list_columns_set(user=user, columns=["grade", "year"])
    lists.list_columns_set(user=user, columns=["grade", "year"])  # the same columns: nothing to keep
    lists.list_columns_set(user=user, columns=["year"])
    lists.list_columns_reset(user=user)
    assert not ListColumns.objects.exists()
    assert history_of(ListColumns, chosen.pk) == [("+", user), ("~", user), ("-", user)]
