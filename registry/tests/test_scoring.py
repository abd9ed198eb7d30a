"""Scoring against a campaign's criteria: the criteria and marks, the points, what they suggest,
every refusal, and the two pages for each role."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from registry import review, scoring, services
from registry.choices import Evaluation, Grade, ReviewAction, ReviewState
from registry.models import Criterion, Registration, Score

from .factories import CampaignFactory, InitiativeFactory, RegistrationFactory, UserFactory

pytestmark = pytest.mark.django_db


def rows(*criteria):
    return [
        {"pk": None, "name": name, "points": points, "order": index}
        for index, (name, points) in enumerate(criteria)
    ]


@pytest.fixture
def scored(tree):
    """The province's 2026 campaign with three criteria (100 points) and marks; a submitted model."""
    tree.campaign = CampaignFactory(unit=tree.province)
    tree.campaign.effective_mark, tree.campaign.exemplar_mark, tree.campaign.outstanding_mark = 50, 70, 90
    scoring.criteria_save(
        user=tree.admin_province,
        campaign=tree.campaign,
        rows=rows(("Cách làm sáng tạo", 40), ("Hiệu quả thực tế", 40), ("Khả năng nhân rộng", 20)),
    )
    tree.criteria = list(tree.campaign.criteria.all())
    tree.registration = RegistrationFactory(
        initiative=InitiativeFactory(unit=tree.commune, name="Chợ phiên không rác thải"), year=2026
    )
    review.act(user=tree.editor_a, action=ReviewAction.SUBMIT, registrations=[tree.registration])
    tree.registration.refresh_from_db()
    assert tree.registration.review_state == ReviewState.SUBMITTED
    return tree


def points(tree, *values):
    return dict(
        zip(
            [criterion.pk for criterion in tree.criteria],
            [None if v is None else Decimal(v) for v in values],
            strict=True,
        )
    )


# ---------------------------------------------------------------------------------------------
# The criteria


def test_the_criteria_and_marks_are_saved_in_order_with_their_history(scored):
    assert [(c.name, c.points) for c in scored.criteria] == [
        ("Cách làm sáng tạo", 40),
        ("Hiệu quả thực tế", 40),
        ("Khả năng nhân rộng", 20),
    ]
    assert Criterion.history.count() == 3


@pytest.mark.parametrize(
    ("criteria", "message"),
    [
        ((("", 10),), "hãy ghi tên tiêu chí"),
        ((("Sáng tạo", 0),), "điểm tối đa từ 1 đến 1.000"),
        ((("Sáng tạo", 10), ("sáng tạo", 5)), "đã có ở dòng trên"),
    ],
)
def test_a_wrong_criterion_is_refused_row_by_row_and_nothing_is_saved(tree, criteria, message):
    campaign = CampaignFactory(unit=tree.province)
    with pytest.raises(ValidationError) as refused:
        scoring.criteria_save(user=tree.admin_province, campaign=campaign, rows=rows(*criteria))
    assert message in " ".join(refused.value.messages)
    assert not Criterion.objects.exists()


def test_marks_above_the_most_points_or_out_of_order_are_refused(tree):
    campaign = CampaignFactory(unit=tree.province)
    campaign.effective_mark = 120
    with pytest.raises(ValidationError) as refused:
        scoring.criteria_save(user=tree.admin_province, campaign=campaign, rows=rows(("Sáng tạo", 100)))
    assert "effective_mark" in refused.value.message_dict
    campaign.effective_mark, campaign.exemplar_mark, campaign.outstanding_mark = 50, 80, 70
    with pytest.raises(ValidationError) as refused:
        scoring.criteria_save(user=tree.admin_province, campaign=campaign, rows=rows(("Sáng tạo", 100)))
    assert "outstanding_mark" in refused.value.message_dict
    assert not Criterion.objects.exists()


def test_a_scored_criterion_is_neither_deleted_nor_lowered_below_a_score(scored):
    scoring.scores_save(
        user=scored.admin_province, registration=scored.registration, points=points(scored, 35, 30, 10)
    )
    first = scored.criteria[0]
    keep = [{"pk": c.pk, "name": c.name, "points": c.points, "order": c.order} for c in scored.criteria]
    with pytest.raises(ValidationError, match="đã được chấm điểm nên không xóa được"):
        scoring.criteria_save(
            user=scored.admin_province,
            campaign=scored.campaign,
            rows=[{**keep[0], "delete": True}, *keep[1:]],
        )
    with pytest.raises(ValidationError, match="được 35 điểm"):
        scoring.criteria_save(
            user=scored.admin_province, campaign=scored.campaign, rows=[{**keep[0], "points": 30}, *keep[1:]]
        )
    first.refresh_from_db()
    assert first.points == 40


def test_two_criteria_may_swap_names_in_one_step(scored):
    first, second, third = scored.criteria
    swapped = [
        {"pk": first.pk, "name": second.name, "points": 40, "order": 0},
        {"pk": second.pk, "name": first.name, "points": 40, "order": 1},
        {"pk": third.pk, "name": third.name, "points": 20, "order": 2},
    ]
    scoring.criteria_save(user=scored.admin_province, campaign=scored.campaign, rows=swapped)
    assert [c.name for c in scored.campaign.criteria.all()] == [
        "Hiệu quả thực tế",
        "Cách làm sáng tạo",
        "Khả năng nhân rộng",
    ]


def test_only_the_launching_unit_s_staff_change_the_criteria_and_a_stale_form_is_refused(scored):
    with pytest.raises(PermissionDenied):
        scoring.criteria_save(user=scored.editor_a, campaign=scored.campaign, rows=[])
    stale = services.version_of(scored.campaign)
    scored.campaign.note = "Sửa nội dung"
    services.campaign_update(user=scored.admin_province, campaign=scored.campaign)
    with pytest.raises(services.EditConflict):
        scoring.criteria_save(user=scored.admin_province, campaign=scored.campaign, rows=[], version=stale)


# ---------------------------------------------------------------------------------------------
# The points


@pytest.mark.parametrize(
    ("values", "evaluation", "grade"),
    [
        ((20, 20, 5), Evaluation.NOT_EFFECTIVE, Grade.MODEL),
        ((25, 25, 0), Evaluation.EFFECTIVE, Grade.MODEL),
        ((30, 30, 10), Evaluation.EFFECTIVE, Grade.EXEMPLAR),
        ((40, "39.5", 20), Evaluation.EFFECTIVE, Grade.OUTSTANDING),
    ],
)
def test_the_total_suggests_the_evaluation_and_the_grade(scored, values, evaluation, grade):
    suggestion = scoring.scores_save(
        user=scored.admin_province, registration=scored.registration, points=points(scored, *values)
    )
    assert (suggestion.evaluation, suggestion.grade, suggestion.most) == (evaluation, grade, 100)
    assert suggestion.total == sum(Decimal(str(v)) for v in values)


def test_applying_the_suggestion_evaluates_and_grades_through_the_services(scored, tally_is_live):
    scoring.scores_save(
        user=scored.admin_province,
        registration=scored.registration,
        points=points(scored, 40, 35, 20),
        apply=True,
    )
    registration = Registration.objects.select_related("initiative").get(pk=scored.registration.pk)
    assert (registration.evaluation, registration.initiative.grade) == (
        Evaluation.EFFECTIVE,
        Grade.OUTSTANDING,
    )
    assert registration.evaluated_on is not None
    assert tally_is_live()


def test_points_out_of_range_or_not_in_halves_are_refused_and_nothing_is_saved(scored):
    for values in ((41, 0, 0), (-1, 0, 0), ("7.25", 0, 0)):
        with pytest.raises(ValidationError) as refused:
            scoring.scores_save(
                user=scored.admin_province, registration=scored.registration, points=points(scored, *values)
            )
        assert f"criterion_{scored.criteria[0].pk}" in refused.value.message_dict
    assert not Score.objects.exists()


def test_clearing_a_box_removes_its_score_and_every_change_keeps_its_history(scored):
    save = scoring.scores_save
    save(user=scored.admin_province, registration=scored.registration, points=points(scored, 30, 30, 10))
    save(
        user=scored.admin_province, registration=scored.registration, points=points(scored, 30, None, "12.5")
    )
    assert scoring.total_of(scored.registration) == Decimal("42.5")
    assert sorted(Score.history.values_list("history_type", flat=True)) == ["+", "+", "+", "-", "~"]


@pytest.mark.parametrize("state", [ReviewState.DRAFT, ReviewState.RETURNED])
def test_a_draft_or_a_returned_registration_is_not_scored(scored, state):
    if state == ReviewState.DRAFT:  # the district takes its submission back
        review.act(user=scored.editor_a, action=ReviewAction.WITHDRAW, registrations=[scored.registration])
    else:
        review.act(
            user=scored.admin_province,
            action=ReviewAction.RETURN,
            registrations=[scored.registration],
            comment="Bổ sung",
        )
    assert Registration.objects.get(pk=scored.registration.pk).review_state == state
    with pytest.raises(ValidationError, match="chỉ chấm điểm được sau khi đơn vị gửi lên"):
        scoring.scores_save(
            user=scored.admin_province, registration=scored.registration, points=points(scored, 1, 1, 1)
        )


def test_the_submitting_unit_and_other_branches_may_not_score(scored):
    # The district sent it up: it is locked for the district now.
    with pytest.raises(ValidationError):
        scoring.scores_save(
            user=scored.editor_a, registration=scored.registration, points=points(scored, 1, 1, 1)
        )
    with pytest.raises(PermissionDenied):
        scoring.scores_save(
            user=scored.editor_b, registration=scored.registration, points=points(scored, 1, 1, 1)
        )
    assert not Score.objects.exists()


def test_a_score_given_meanwhile_refuses_a_stale_form(scored):
    stale = scoring.scores_version(scored.registration)
    scoring.scores_save(
        user=scored.admin_province, registration=scored.registration, points=points(scored, 1, 1, 1)
    )
    with pytest.raises(ValidationError, match="vừa chấm điểm"):
        scoring.scores_save(
            user=scored.admin_province,
            registration=scored.registration,
            points=points(scored, 2, 2, 2),
            version=stale,
        )


def test_a_criterion_of_another_campaign_is_refused(scored):
    other = CampaignFactory(unit=scored.province, title="Đợt khác")
    scoring.criteria_save(user=scored.admin_province, campaign=other, rows=rows(("Khác", 10)))
    foreign = other.criteria.get()
    with pytest.raises(ValidationError, match="không thuộc đợt thi đua"):
        scoring.scores_save(
            user=scored.admin_province, registration=scored.registration, points={foreign.pk: Decimal(1)}
        )


# ---------------------------------------------------------------------------------------------
# The pages


def criteria_url(tree):
    return reverse("registry:campaign_criteria", args=[tree.campaign.pk])


def score_url(tree):
    return reverse("registry:registration_score", args=[tree.registration.pk])


@pytest.mark.parametrize(
    ("who", "status"),
    [("admin_province", 200), ("editor_a", 404), ("viewer_a", 404), ("editor_b", 404), ("superuser", 200)],
)
def test_the_criteria_page_for_each_role(scored, client_for, who, status):
    user = UserFactory(is_superuser=True) if who == "superuser" else getattr(scored, who)
    assert client_for(user).get(criteria_url(scored)).status_code == status


def test_the_criteria_page_saves_and_says_what_is_wrong(scored, client_for):
    client = client_for(scored.admin_province)
    page = client.get(criteria_url(scored))
    assert "Cách làm sáng tạo" in page.text
    data = {
        "version": services.version_of(scored.campaign),
        "tieu-chi-TOTAL_FORMS": "4",
        "tieu-chi-INITIAL_FORMS": "3",
        "effective_mark": "50",
        "exemplar_mark": "",
        "outstanding_mark": "",
    }
    for index, criterion in enumerate(scored.criteria):
        data |= {f"tieu-chi-{index}-pk": criterion.pk, f"tieu-chi-{index}-name": criterion.name,
                 f"tieu-chi-{index}-points": criterion.points, f"tieu-chi-{index}-order": index}  # fmt: skip
    data |= {"tieu-chi-3-name": "Sự tham gia của nhân dân", "tieu-chi-3-points": "1.001"}
    refused = client.post(criteria_url(scored), data)
    assert refused.status_code == 400 and "Điểm tối đa từ 1 đến 1.000." in refused.text
    data["tieu-chi-3-points"] = "10"
    saved = client.post(criteria_url(scored), data)
    assert saved.status_code == 302
    assert scored.campaign.criteria.count() == 4
    scored.campaign.refresh_from_db()
    assert (scored.campaign.effective_mark, scored.campaign.exemplar_mark) == (50, None)
    detail = client.get(scored.campaign.get_absolute_url())
    assert "Sự tham gia của nhân dân" in detail.text and "Tổng điểm tối đa: 110." in detail.text


@pytest.mark.parametrize(
    ("who", "status"),
    [("admin_province", 200), ("editor_a", 200), ("viewer_a", 404), ("editor_b", 404)],
)
def test_the_score_page_for_each_role(scored, client_for, who, status):
    page = client_for(getattr(scored, who)).get(score_url(scored))
    assert page.status_code == status
    if who == "editor_a":  # the submitting district sees why it cannot score, and no form
        assert "Lưu điểm" not in page.text


def test_the_score_page_reads_vietnamese_points_and_applies_the_suggestion(scored, client_for):
    client = client_for(scored.admin_province)
    page = client.get(score_url(scored))
    assert "Cách làm sáng tạo (tối đa 40 điểm)" in page.text
    data = {"version": scoring.scores_version(scored.registration), "apply": "on"}
    data |= {
        f"criterion_{c.pk}": value for c, value in zip(scored.criteria, ["38,5", "40", "abc"], strict=True)
    }
    refused = client.post(score_url(scored), data)
    assert refused.status_code == 400 and "Hãy ghi một số điểm, ví dụ 7 hoặc 7,5." in refused.text
    data[f"criterion_{scored.criteria[2].pk}"] = "15"
    saved = client.post(score_url(scored), data)
    assert saved.status_code == 302
    assert scoring.total_of(scored.registration) == Decimal("93.5")
    registration = Registration.objects.select_related("initiative").get(pk=scored.registration.pk)
    assert (registration.evaluation, registration.initiative.grade) == (
        Evaluation.EFFECTIVE,
        Grade.OUTSTANDING,
    )
    detail = client.get(registration.initiative.get_absolute_url())
    assert "Điểm: 93,5/100" in detail.text


@pytest.mark.parametrize("path", ["/dang-ky/999999/cham-diem/", "/dot-thi-dua/999999/tieu-chi/"])
def test_missing_objects_answer_404(scored, client_for, path):
    assert client_for(scored.admin_province).get(path).status_code == 404


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"tieu-chi-TOTAL_FORMS": "x", "tieu-chi-INITIAL_FORMS": "y"},
        {
            "tieu-chi-TOTAL_FORMS": "1",
            "tieu-chi-INITIAL_FORMS": "0",
            "tieu-chi-0-pk": "abc",
            "effective_mark": "-3",
        },
        {
            "tieu-chi-TOTAL_FORMS": "1",
            "tieu-chi-INITIAL_FORMS": "1",
            "tieu-chi-0-pk": "999999",
            "tieu-chi-0-name": "X",
            "tieu-chi-0-points": "5",
        },
    ],
)
def test_odd_bodies_never_answer_500(scored, client_for, body):
    client = client_for(scored.admin_province)
    assert client.post(criteria_url(scored), body).status_code in (302, 400)
    assert client.post(score_url(scored), body | {"criterion_x": "1"}).status_code in (302, 400)


def test_the_model_page_stays_within_its_queries_with_scores(
    scored, client_for, django_assert_max_num_queries
):
    client = client_for(scored.admin_province)
    url = scored.registration.initiative.get_absolute_url()
    client.get(url)
    with django_assert_max_num_queries(40):
        assert client.get(url).status_code == 200
