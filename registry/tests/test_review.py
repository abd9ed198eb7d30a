"""The review of a campaign's registrations: every step, every refusal, the locks, the counts, the pages."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from registry import review, services
from registry.choices import Evaluation, ReviewAction, ReviewState, Role, UnitType
from registry.models import Registration, Unit
from reports import selectors
from reports.periods import Period

from .factories import CampaignFactory, InitiativeFactory, MembershipFactory, RegistrationFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def cycle(tree):
    """The province's 2026 campaign, reviewed by the districts first; two drafts of the cell."""
    tree.campaign = CampaignFactory(unit=tree.province, review_unit_types=[UnitType.DISTRICT])
    tree.editor_commune = UserFactory(username="bientap_xa")
    MembershipFactory(user=tree.editor_commune, unit=tree.commune, role=Role.EDITOR)
    tree.first = RegistrationFactory(
        initiative=InitiativeFactory(unit=tree.cell, name="Dân vận khéo 1"), year=2026
    )
    tree.second = RegistrationFactory(
        initiative=InitiativeFactory(unit=tree.cell, name="Dân vận khéo 2"), year=2026
    )
    return tree


@pytest.fixture
def superuser(db):
    return UserFactory(is_superuser=True, is_staff=True)


def act(user, action, *registrations, comment=""):
    return review.act(user=user, action=action, registrations=list(registrations), comment=comment)


def fresh(registration):
    return Registration.objects.select_related("reviewer").get(pk=registration.pk)


def test_a_registration_a_campaign_asks_for_starts_as_a_draft_and_the_others_are_accepted(cycle):
    assert (cycle.first.review_state, cycle.first.campaign) == (ReviewState.DRAFT, cycle.campaign)
    assert cycle.registration_a.review_state == ReviewState.ACCEPTED  # 2023: no campaign
    assert cycle.registration_a.campaign is None
    assert review.chain(cycle.campaign, cycle.cell) == [cycle.a, cycle.province]


def test_the_whole_way_up_submit_return_resubmit_forward_accept_reopen(cycle):
    act(cycle.editor_commune, ReviewAction.SUBMIT, cycle.first)
    assert (fresh(cycle.first).review_state, fresh(cycle.first).reviewer) == (ReviewState.SUBMITTED, cycle.a)
    act(cycle.editor_a, ReviewAction.RETURN, cycle.first, comment="Bổ sung kết quả")
    assert fresh(cycle.first).review_state == ReviewState.RETURNED
    act(cycle.editor_commune, ReviewAction.SUBMIT, cycle.first)
    act(cycle.editor_a, ReviewAction.ACCEPT, cycle.first)  # the district sends it on
    assert (fresh(cycle.first).review_state, fresh(cycle.first).reviewer) == (
        ReviewState.SUBMITTED,
        cycle.province,
    )
    act(cycle.admin_province, ReviewAction.ACCEPT, cycle.first)
    assert (fresh(cycle.first).review_state, fresh(cycle.first).reviewer) == (
        ReviewState.ACCEPTED,
        cycle.province,
    )
    act(cycle.admin_province, ReviewAction.REOPEN, cycle.first, comment="Sửa tên mô hình")
    assert fresh(cycle.first).review_state == ReviewState.RETURNED
    steps = [(step.action, step.unit, step.comment) for step in review.steps_of(cycle.first)]
    assert steps == [
        (ReviewAction.SUBMIT, cycle.cell, ""),
        (ReviewAction.RETURN, cycle.a, "Bổ sung kết quả"),
        (ReviewAction.SUBMIT, cycle.cell, ""),
        (ReviewAction.FORWARD, cycle.a, ""),
        (ReviewAction.ACCEPT, cycle.province, ""),
        (ReviewAction.REOPEN, cycle.province, "Sửa tên mô hình"),
    ]


@pytest.mark.parametrize(
    ("who", "action", "message"),
    [
        ("admin_province", ReviewAction.ACCEPT, "Chỉ tiếp nhận được đăng ký đã gửi lên"),
        ("editor_b", ReviewAction.SUBMIT, "Bạn không có quyền gửi"),
        ("editor_commune", ReviewAction.REOPEN, "Chỉ mở lại được đăng ký đã được tiếp nhận"),
    ],
)
def test_a_wrong_step_on_a_draft_is_refused(cycle, who, action, message):
    with pytest.raises(ValidationError) as refused:
        act(getattr(cycle, who), action, cycle.first, comment="Lý do")
    assert message in refused.value.messages[0]
    assert fresh(cycle.first).review_state == ReviewState.DRAFT
    assert not cycle.first.review_steps.exists()


def test_only_the_level_a_registration_waits_at_decides_it(cycle):
    act(cycle.editor_commune, ReviewAction.SUBMIT, cycle.first)
    # The province is above, but the registration waits at the district.
    with pytest.raises(ValidationError, match="đang chờ Huyện ủy Bạch Thông xét"):
        act(cycle.admin_province, ReviewAction.ACCEPT, cycle.first)
    with pytest.raises(ValidationError, match="đang chờ"):
        act(cycle.editor_b, ReviewAction.ACCEPT, cycle.first)
    assert list(review.waiting_at(cycle.editor_a)) == [fresh(cycle.first)]
    assert not review.waiting_at(cycle.admin_province).exists()


def test_a_user_of_a_province_and_of_a_district_below_acts_for_both(cycle):
    MembershipFactory(user=cycle.admin_province, unit=cycle.a, role=Role.EDITOR)
    act(cycle.editor_commune, ReviewAction.SUBMIT, cycle.first)
    assert list(review.waiting_at(cycle.admin_province)) == [fresh(cycle.first)]
    act(cycle.admin_province, ReviewAction.ACCEPT, cycle.first)
    assert fresh(cycle.first).reviewer == cycle.province  # forwarded, now waiting at the province


def test_returning_needs_a_reason_and_one_refusal_refuses_the_whole_step(cycle):
    act(cycle.editor_commune, ReviewAction.SUBMIT, cycle.first)
    with pytest.raises(ValidationError, match="lý do"):
        act(cycle.editor_a, ReviewAction.RETURN, cycle.first)
    with pytest.raises(ValidationError):
        act(cycle.editor_a, ReviewAction.ACCEPT, cycle.first, cycle.second)  # the second is a draft
    assert fresh(cycle.first).review_state == ReviewState.SUBMITTED


def test_a_withdrawn_registration_goes_back_to_draft_until_a_reviewer_has_acted(cycle):
    act(cycle.editor_commune, ReviewAction.SUBMIT, cycle.first)
    act(cycle.editor_commune, ReviewAction.WITHDRAW, cycle.first)
    assert fresh(cycle.first).review_state == ReviewState.DRAFT
    act(cycle.editor_commune, ReviewAction.SUBMIT, cycle.first)
    act(cycle.editor_a, ReviewAction.ACCEPT, cycle.first)
    with pytest.raises(ValidationError, match="không rút về được"):
        act(cycle.editor_commune, ReviewAction.WITHDRAW, cycle.first)


def test_a_submitted_registration_is_locked_for_its_unit_but_not_for_its_reviewer(cycle):
    act(cycle.editor_commune, ReviewAction.SUBMIT, cycle.first)
    registration = fresh(cycle.first)
    registration.results = "Làm được 2 km đường"
    with pytest.raises(ValidationError, match="không sửa được nữa"):
        services.registration_update(user=cycle.editor_commune, registration=registration)
    with pytest.raises(ValidationError, match="không sửa được nữa"):
        services.soft_delete(user=cycle.editor_commune, obj=fresh(cycle.first))
    initiative = cycle.first.initiative
    initiative.name = "Tên khác"
    with pytest.raises(ValidationError, match="không sửa được nữa"):
        services.initiative_update(user=cycle.editor_commune, initiative=initiative)
    services.registration_update(user=cycle.editor_a, registration=fresh(cycle.first))  # the reviewer may


def test_a_draft_or_returned_registration_cannot_be_evaluated(cycle):
    registration = fresh(cycle.first)
    registration.evaluation = Evaluation.EFFECTIVE
    registration.evaluated_on = registration.registered_on
    with pytest.raises(ValidationError, match="chỉ đánh giá được sau khi đơn vị gửi lên"):
        services.registration_update(user=cycle.editor_commune, registration=registration)
    act(cycle.editor_commune, ReviewAction.SUBMIT, cycle.first)
    act(cycle.editor_a, ReviewAction.ACCEPT, cycle.first)
    act(cycle.admin_province, ReviewAction.ACCEPT, cycle.first)
    registration = fresh(cycle.first)
    registration.evaluation = Evaluation.EFFECTIVE
    registration.evaluated_on = registration.registered_on
    services.registration_update(user=cycle.admin_province, registration=registration)
    assert fresh(cycle.first).evaluation == Evaluation.EFFECTIVE


def test_reports_count_from_submitted_on_and_the_drafts_on_request(cycle, superuser):
    act(cycle.editor_commune, ReviewAction.SUBMIT, cycle.first)
    year = Period.year(2026)
    counted = selectors.summary(superuser, Unit.objects.get(pk=cycle.province.pk), year)["current"]
    assert (counted["total"], counted["review_submitted"]) == (1, 1)
    with_drafts = selectors.summary(superuser, Unit.objects.get(pk=cycle.province.pk), year.with_drafts())[
        "current"
    ]
    assert with_drafts["total"] == 2
    act(cycle.editor_a, ReviewAction.RETURN, cycle.first, comment="Thiếu nội dung")
    counted = selectors.summary(superuser, Unit.objects.get(pk=cycle.province.pk), year)["current"]
    assert (counted["total"], counted["review_returned"], counted["review_submitted"]) == (1, 1, 0)


@pytest.mark.parametrize("state", ["counted", "draft", "submitted", "returned", ""])
def test_the_list_counts_each_review_state_as_the_rows_it_shows(cycle, client_for, superuser, state):
    act(cycle.editor_commune, ReviewAction.SUBMIT, cycle.first)
    response = client_for(superuser).get(
        reverse("registry:registration_list"), {"year": 2026, "review_state": state}
    )
    expected = Registration.objects.alive().filter(year=2026)
    if state == "counted":
        expected = expected.exclude(review_state=ReviewState.DRAFT)
    elif state:
        expected = expected.filter(review_state=state)
    assert response.context["paginator"].count == expected.count()
    assert {row.pk for row in response.context["object_list"]} == set(expected.values_list("pk", flat=True))


def test_the_model_page_offers_each_user_the_steps_they_may_take(cycle, client_for):
    url = cycle.first.get_absolute_url()
    page = client_for(cycle.editor_commune).get(url).content.decode()
    assert "Gửi xét duyệt" in page and "Dự thảo" in page
    response = client_for(cycle.editor_commune).post(
        reverse("registry:registration_review", args=[cycle.first.pk]), {"action": "submit"}
    )
    assert response.status_code == 302
    page = client_for(cycle.editor_a).get(url).content.decode()
    assert "Tiếp nhận" in page and "Trả lại để bổ sung" in page
    client_for(cycle.editor_a).post(
        reverse("registry:registration_review", args=[cycle.first.pk]),
        {"action": "return", "comment": "Bổ sung"},
    )
    page = client_for(cycle.editor_commune).get(url).content.decode()
    assert "Trả lại để bổ sung" in page and "Bổ sung" in page


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"action": "nope"},
        {"action": "accept"},
        {"action": "return"},
        {"action": "submit", "comment": "x" * 3000},
    ],
)
def test_a_wrong_or_odd_step_posted_says_why_and_never_answers_500(cycle, client_for, data):
    response = client_for(cycle.editor_a).post(
        reverse("registry:registration_review", args=[cycle.first.pk]), data, follow=True
    )
    assert response.status_code == 200
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    assert fresh(cycle.first).review_state == ReviewState.DRAFT


def test_the_review_step_of_a_registration_out_of_scope_answers_404(cycle, client_for):
    url = reverse("registry:registration_review", args=[cycle.first.pk])
    assert client_for(cycle.editor_b).post(url, {"action": "submit"}).status_code == 404
    assert client_for(cycle.editor_b).get(url).status_code == 405


def test_the_queue_shows_each_level_what_waits_at_it_and_takes_all_at_once(cycle, client_for):
    act(cycle.editor_commune, ReviewAction.SUBMIT, cycle.first, cycle.second)
    queue = reverse("registry:review_queue")
    for user, count in [
        (cycle.editor_a, 2),
        (cycle.admin_province, 0),
        (cycle.editor_b, 0),
        (cycle.viewer_a, 0),
    ]:
        assert client_for(user).get(queue).context["total"] == count, user
    assert client_for(cycle.editor_a).get(queue, {"year": "abc", "page": "x"}).status_code in (200, 404)
    response = client_for(cycle.editor_b).post(queue, {"action": "accept", "scope": "all"}, follow=True)
    assert fresh(cycle.first).review_state == ReviewState.SUBMITTED  # nothing waits at B
    response = client_for(cycle.editor_a).post(queue, {"action": "accept", "registration": [cycle.first.pk]})
    assert response.status_code == 302
    assert fresh(cycle.first).reviewer == cycle.province
    client_for(cycle.editor_a).post(queue, {"action": "accept", "scope": "all", "year": "2026"})
    assert client_for(cycle.admin_province).get(queue).context["total"] == 2
    response = client_for(cycle.admin_province).post(queue, {"action": "return", "scope": "all"}, follow=True)
    assert "lý do" in response.content.decode()
    assert fresh(cycle.second).review_state == ReviewState.SUBMITTED


def test_the_home_page_says_what_waits_and_what_came_back(cycle, client_for):
    act(cycle.editor_commune, ReviewAction.SUBMIT, cycle.first)
    page = client_for(cycle.editor_a).get(reverse("registry:home")).content.decode()
    assert "chờ đơn vị bạn xét" in page
    act(cycle.editor_a, ReviewAction.RETURN, cycle.first, comment="Bổ sung")
    page = client_for(cycle.editor_commune).get(reverse("registry:home")).content.decode()
    assert "bị trả lại" in page and "còn là dự thảo" in page


def test_the_report_and_its_workbook_say_the_counts_by_state_and_the_drafts(cycle, client_for):
    import openpyxl

    from reports.exports import summary_workbook

    act(cycle.editor_commune, ReviewAction.SUBMIT, cycle.first)
    client = client_for(cycle.admin_province)
    response = client.get(reverse("reports:report"), {"unit": cycle.province.pk, "year": 2026})
    states = response.context["review_states"]
    assert [state["value"] for state in states["states"]] == [1, 0, 0]
    assert states["drafts"] == 1 and not states["drafts_counted"]
    assert client.get(states["drafts_url"]).context["paginator"].count == 1
    assert client.get(states["states"][0]["url"]).context["paginator"].count == 1
    counted = client.get(states["toggle_url"])
    assert counted.context["review_states"]["drafts_counted"]
    assert counted.context["unit_total"]["cells"][0]["value"] == 2
    book = openpyxl.load_workbook(summary_workbook(cycle.admin_province, cycle.province, Period.year(2026)))
    lines = [row[0] for row in book["Tổng hợp"].iter_rows(values_only=True) if row[0]]
    assert any(str(line).startswith("Xét duyệt: 1 đã gửi, chờ xét; 0 đã tiếp nhận") for line in lines)
    assert any("1 dự thảo chưa gửi (chưa tính vào số liệu)" in str(line) for line in lines)
    listed = list(book["Danh sách"].iter_rows(min_row=4, values_only=True))
    assert [row[10] for row in listed] == ["Đã gửi"]


def test_an_import_in_a_campaign_year_makes_drafts_and_never_changes_a_locked_registration(cycle):
    from intake.models import RowAction
    from intake.tests.conftest import make_xlsx
    from intake.tests.test_import import FULL_HEADERS, check, confirm, row

    act(cycle.editor_commune, ReviewAction.SUBMIT, cycle.first)
    content = make_xlsx(
        [
            row(name="Mô hình nhập từ tệp", year=2026, date="15/03/2026"),
            row(unit="Chi bộ thôn Nà Phải", name="Dân vận khéo 1", year=2026, date="01/03/2026", people=120),
        ],
        FULL_HEADERS,
    )
    batch = check(cycle.editor_commune, content)
    refused = batch.rows.get(number=3)
    assert refused.action == RowAction.ERROR
    assert "không sửa được nữa" in refused.errors[0]["message"]
    batch = check(
        cycle.editor_commune,
        make_xlsx([row(name="Mô hình nhập từ tệp", year=2026, date="15/03/2026")], FULL_HEADERS),
    )
    confirm(batch)
    imported = Registration.objects.get(initiative__name="Mô hình nhập từ tệp")
    assert (imported.review_state, imported.campaign) == (ReviewState.DRAFT, cycle.campaign)


def test_the_registration_history_page_lists_the_review_steps(cycle, client_for):
    act(cycle.editor_commune, ReviewAction.SUBMIT, cycle.first)
    act(cycle.editor_a, ReviewAction.RETURN, cycle.first, comment="Ghi rõ địa chỉ")
    page = client_for(cycle.editor_commune).get(reverse("registry:history", args=["dang-ky", cycle.first.pk]))
    html = page.content.decode()
    assert "Các bước xét duyệt" in html and "Ghi rõ địa chỉ" in html and "chờ Huyện ủy Bạch Thông" in html
