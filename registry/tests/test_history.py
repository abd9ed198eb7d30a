"""The history read as a person writes it (review steps included), the change log, grouped numbers."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from registry import formats, review, services
from registry.choices import ReviewAction, Role, UnitType
from registry.forms import WholeNumberField
from registry.models import Initiative, Registration

from .factories import CampaignFactory, InitiativeFactory, MembershipFactory, RegistrationFactory, UserFactory

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


def test_the_history_of_a_filter_and_of_columns_reads_as_the_list_does(tree, client_for):
    from registry import lists

    tree.editor_a.first_name = "Nguyễn Thị Bình"
    tree.editor_a.save()
    client = client_for(tree.editor_a)
    saved = lists.saved_filter_create(
        user=tree.editor_a, name="Dự thảo của huyện", query=f"unit={tree.a.pk}&review_state=draft&o=-year"
    )
    text = client.get(reverse("registry:history", args=["bo-loc", saved.pk])).content.decode()
    assert "Đơn vị (cả các đơn vị trực thuộc): Huyện ủy Bạch Thông; Trạng thái xét duyệt: Dự thảo" in text
    assert "Sắp xếp: Năm (giảm dần)" in text
    elsewhere = lists.saved_filter_create(user=tree.editor_a, name="Của nhánh B", query=f"unit={tree.b.pk}")
    text = client.get(reverse("registry:history", args=["bo-loc", elsewhere.pk])).content.decode()
    assert "Đơn vị (cả các đơn vị trực thuộc): 1 mục ngoài phạm vi của bạn" in text  # never its name
    assert tree.b.name not in text
    listed = client.get(reverse("registry:savedfilter_list")).content.decode()
    assert reverse("registry:history", args=["bo-loc", saved.pk]) in listed
    assert text.count("Nguyễn Thị Bình (bientap_a)") >= 2  # who saved it, and whose it is
    chosen = lists.list_columns_set(user=tree.editor_a, columns=["grade", "year"])
    text = client.get(reverse("registry:history", args=["cot-danh-sach", chosen.pk])).content.decode()
    assert "Xếp loại; Năm" in text
    # Another user's: not theirs to read.
    other = client_for(tree.editor_b)
    assert other.get(reverse("registry:history", args=["bo-loc", saved.pk])).status_code == 404
    assert other.get(reverse("registry:history", args=["cot-danh-sach", chosen.pk])).status_code == 404


def test_the_change_log_shows_shared_filters_by_their_unit_and_private_ones_to_their_owner_only(
    tree, client_for
):
    from registry import lists
    from registry.choices import Role

    admin_a = UserFactory(username="quantri_a")
    MembershipFactory(user=admin_a, unit=tree.a, role=Role.ADMIN)
    superuser = UserFactory(username="sieu", is_superuser=True, is_staff=True)
    names = {
        "Chia sẻ với huyện A": (tree.editor_a, tree.a),
        "Chia sẻ với xã của A": (tree.editor_a, tree.commune),
        "Riêng của biên tập A": (tree.editor_a, None),
        "Chia sẻ với thành phố B": (tree.editor_b, tree.b),
        "Riêng của biên tập B": (tree.editor_b, None),
        "Riêng của quản trị A": (admin_a, None),
    }
    for name, (user, unit) in names.items():
        lists.saved_filter_create(user=user, name=name, query="year=2023", unit=unit)
    for user in (tree.editor_a, tree.editor_b, admin_a):
        lists.list_columns_set(user=user, columns=["year"])

    def kinds(user, **params):
        page = client_for(user).get(reverse("registry:changelog"), params)
        assert page.status_code == 200
        entries = page.context["entries"]
        return {e.label for e in entries if e.slug == "bo-loc"}, [
            e.record.user_id for e in entries if e.slug == "cot-danh-sach"
        ]

    assert kinds(admin_a) == (
        {"Chia sẻ với huyện A", "Chia sẻ với xã của A", "Riêng của quản trị A"},
        [admin_a.pk],
    )
    assert kinds(admin_a, kind="bo-loc", unit=tree.commune.pk) == ({"Chia sẻ với xã của A"}, [])
    assert kinds(admin_a, kind="cot-danh-sach", unit=tree.a.pk) == (set(), [])
    shared = {"Chia sẻ với huyện A", "Chia sẻ với xã của A", "Chia sẻ với thành phố B"}
    assert kinds(tree.admin_province) == (shared, [])
    everything = kinds(superuser)
    assert everything[0] == set(names)
    assert sorted(everything[1]) == sorted([tree.editor_a.pk, tree.editor_b.pk, admin_a.pk])


def test_a_models_history_reads_its_registrations_review_steps_in_a_fixed_number_of_queries(
    tree, client_for, django_assert_num_queries
):
    CampaignFactory(unit=tree.province, review_unit_types=[UnitType.DISTRICT])
    editor = UserFactory(username="bientap_xa", first_name="Bình", last_name="Nguyễn Thị")
    MembershipFactory(user=editor, unit=tree.commune, role=Role.EDITOR)
    initiative = InitiativeFactory(unit=tree.cell, name="Mô hình “Chợ văn minh”")
    registration = RegistrationFactory(initiative=initiative, year=2026)
    url = reverse("registry:history", args=["mo-hinh", initiative.pk])
    client = client_for(editor)

    def submitted():
        review.act(
            user=editor,
            action=ReviewAction.SUBMIT,
            registrations=[Registration.objects.get(pk=registration.pk)],
        )

    submitted()
    with CaptureQueriesContext(connection) as one_step:
        text = client.get(url).content.decode()
    assert "Gửi xét duyệt" in text and "Bình Nguyễn Thị (bientap_xa)" in text
    # The unit that registered and sent it, the state after, the unit it waits for; before the
    # model's creation, the oldest entry.
    step = text.index("Gửi xét duyệt")
    assert step < text.index("Chi bộ thôn Nà Phải", step) < text.index("Đã gửi", step)
    assert text.index("Huyện ủy Bạch Thông", step) < text.index("Tạo mới")
    assert "2026" in text[step : text.index("Tạo mới")]

    # Returned with a reason, submitted again: three steps, as many queries as one.
    review.act(
        user=tree.editor_a,
        action=ReviewAction.RETURN,
        registrations=[Registration.objects.get(pk=registration.pk)],
        comment="Bổ sung kết quả",
    )
    submitted()
    with django_assert_num_queries(len(one_step)):
        text = client.get(url).content.decode()
    assert "Trả lại để bổ sung" in text and "Bổ sung kết quả" in text and "bientap_a" in text
    # Newest first: sent again, returned, sent, created.
    assert text.index("Gửi xét duyệt") < text.index("Bổ sung kết quả") < text.index("Tạo mới")
    assert text.count("Gửi xét duyệt") == 2

    # Another district's editor never reaches the page.
    assert client_for(tree.editor_b).get(url).status_code == 404
