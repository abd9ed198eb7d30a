"""Bulk actions on all rows matching the list's filter: evaluation, review steps, decision rows.

Inline up to ``BULK_INLINE_ROWS``, as a background job past it (the tasks run at once in the
tests); each writing test is followed by the conftest's check that the counts kept ready equal
a recount.
"""

import datetime

import pytest
from django.urls import reverse

from intake import jobs
from intake.models import BulkJob, JobStatus
from registry.choices import Evaluation, ReviewState, Role
from registry.models import Decision, Proposal, Registration
from registry.tests.factories import (
    CampaignFactory,
    DecisionFactory,
    InitiativeFactory,
    MembershipFactory,
    RegistrationFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def many(tree):
    """Five registrations of 2024 under the commune (no campaign: nobody reviews them)."""
    return [
        RegistrationFactory(
            initiative=InitiativeFactory(unit=tree.commune, name=f"Mô hình {i:02d}"), year=2024
        )
        for i in range(5)
    ]


@pytest.fixture
def drafts(tree):
    """Four drafts of 2026 under the commune, asked for by the province's campaign."""
    CampaignFactory(unit=tree.province)
    rows = [
        RegistrationFactory(initiative=InitiativeFactory(unit=tree.commune, name=f"Dự thảo {i}"), year=2026)
        for i in range(4)
    ]
    assert {r.review_state for r in Registration.objects.filter(year=2026)} == {ReviewState.DRAFT}
    return rows


@pytest.fixture
def small_jobs(settings):
    """Past two rows an action runs as a job, a row per chunk."""
    settings.BULK_INLINE_ROWS = 2
    settings.BULK_CHUNK_ROWS = 1


def bulk(client, data, query="", token=None):
    """Send the list's bulk form; with ``token`` its confirmation."""
    if token is not None:
        data = {**data, "confirm": "1", "token": token}
    return client.post(reverse("intake:bulk") + (f"?{query}" if query else ""), data)


TOKEN = "t" * 24
EVALUATE = {"action": "evaluate", "scope": "all", "evaluation": "effective", "evaluated_on": "2024-11-20"}


def texts(client, response):
    return client.get(response["Location"]).content.decode()


def test_evaluation_is_previewed_then_applied_to_all_matching_rows(tree, many, client_for):
    client = client_for(tree.editor_a)
    preview = bulk(client, {**EVALUATE, "note": "Tốt"}, "year=2024")
    assert preview.status_code == 200
    assert "Áp dụng cho <strong>5</strong> mô hình khớp bộ lọc" in preview.content.decode()
    assert not Registration.objects.filter(evaluation=Evaluation.EFFECTIVE).exists()

    response = bulk(client, {**EVALUATE, "note": "Tốt"}, "year=2024", token=TOKEN)
    assert response.status_code == 302 and response["Location"].endswith("?year=2024")
    assert "Đã ghi đánh giá cho 5 mô hình." in texts(client, response)
    rows = Registration.objects.filter(year=2024)
    assert {(r.evaluation, r.evaluated_on, r.evaluation_note) for r in rows} == {
        (Evaluation.EFFECTIVE, datetime.date(2024, 11, 20), "Tốt")
    }
    last = many[0].history.order_by("-history_date", "-history_id").first()
    assert last.history_user == tree.editor_a and last.evaluation == Evaluation.EFFECTIVE
    assert tree.registration_a.history.count() == 1  # 2023, outside the filter


def test_a_large_evaluation_runs_as_a_job_with_a_progress_page(tree, many, client_for, small_jobs):
    client = client_for(tree.editor_a)
    response = bulk(client, EVALUATE, "year=2024", token=TOKEN)
    job = BulkJob.objects.get()
    assert response["Location"] == job.get_absolute_url()
    assert (job.status, job.done, job.total, job.changed) == (JobStatus.DONE, 5, 5, 5)
    page = client.get(job.get_absolute_url()).content.decode()
    assert "Đã ghi đánh giá cho 5 mô hình." in page
    assert client.get(reverse("intake:bulkjob_progress", args=[job.pk])).status_code == 200
    assert Registration.objects.filter(year=2024, evaluation=Evaluation.EFFECTIVE).count() == 5


def test_another_users_job_answers_404(tree, many, client_for, small_jobs):
    bulk(client_for(tree.editor_a), EVALUATE, "year=2024", token=TOKEN)
    job = BulkJob.objects.get()
    for user in (tree.editor_b, tree.viewer_a, tree.admin_province):
        client = client_for(user)
        assert client.get(job.get_absolute_url()).status_code == 404
        assert client.get(reverse("intake:bulkjob_progress", args=[job.pk])).status_code == 404


def test_the_same_confirmation_sent_twice_runs_once(tree, many, client_for):
    client = client_for(tree.editor_a)
    without_token = bulk(client, {**EVALUATE, "confirm": "1"}, "year=2024")
    assert without_token.status_code == 200 and not BulkJob.objects.exists()  # the preview again
    bulk(client, EVALUATE, "year=2024", token=TOKEN)
    again = bulk(client, {**EVALUATE, "evaluation": "not_effective"}, "year=2024", token=TOKEN)
    assert "đã được xác nhận rồi" in texts(client, again)
    assert BulkJob.objects.count() == 1
    assert set(Registration.objects.filter(year=2024).values_list("evaluation", flat=True)) == {"effective"}
    assert many[0].history.count() == 2  # created, evaluated once


def test_evaluation_skips_drafts_and_says_so(tree, many, drafts, client_for):
    client = client_for(tree.editor_a)
    response = bulk(client, {**EVALUATE, "evaluated_on": ""}, "", token=TOKEN)
    page = texts(client, response)
    assert "Đã ghi đánh giá cho 6 mô hình." in page  # 5 of 2024 and the 2023 one of unit A
    assert "Bỏ qua 4 mô hình đang là dự thảo" in page
    assert set(Registration.objects.filter(year=2026).values_list("evaluation", flat=True)) == {"pending"}
    assert all(d.history.count() == 1 for d in drafts)


def test_rows_outside_the_change_scope_are_never_touched(tree, many, client_for):
    # Reads the whole province, changes only Thành ủy Bắc Kạn.
    user = UserFactory(username="xem_tinh_sua_b")
    MembershipFactory(user=user, unit=tree.province, role=Role.VIEWER)
    MembershipFactory(user=user, unit=tree.b, role=Role.EDITOR)
    client = client_for(user)
    preview = bulk(client, EVALUATE, "").content.decode()
    assert "Áp dụng cho <strong>1</strong>" in preview and "6 mô hình khác khớp bộ lọc" in preview
    bulk(client, EVALUATE, "", token=TOKEN)
    assert list(Registration.objects.filter(evaluation="effective")) == [tree.registration_b]


def test_review_submit_then_accept_then_return_with_a_reason(tree, drafts, client_for, small_jobs):
    editor = client_for(tree.editor_a)
    bulk(editor, {"action": "submit", "scope": "all"}, "year=2026", token=TOKEN)
    assert set(Registration.objects.filter(year=2026).values_list("review_state", flat=True)) == {"submitted"}

    admin = client_for(tree.admin_province)
    no_reason = bulk(
        admin, {"action": "return", "scope": "selected", "selected": [drafts[0].pk]}, token="r" * 24
    )
    assert "Hãy ghi lý do trả lại" in texts(admin, no_reason)
    bulk(
        admin,
        {"action": "accept", "scope": "selected", "selected": [d.pk for d in drafts[1:]]},
        token="a" * 24,
    )
    bulk(
        admin,
        {"action": "return", "scope": "selected", "selected": [drafts[0].pk], "note": "Thiếu kết quả"},
        token="b" * 24,
    )
    states = dict(Registration.objects.filter(year=2026).values_list("pk", "review_state"))
    assert states == {drafts[0].pk: "returned", **{d.pk: "accepted" for d in drafts[1:]}}
    assert drafts[0].review_steps.order_by("-pk").first().comment == "Thiếu kết quả"


@pytest.mark.parametrize("inline", [True, False])
def test_a_refused_review_step_changes_nothing_and_says_why(tree, drafts, client_for, settings, inline):
    if not inline:
        settings.BULK_INLINE_ROWS, settings.BULK_CHUNK_ROWS = 1, 1
    client = client_for(tree.editor_a)
    bulk(client, {"action": "submit", "scope": "selected", "selected": [drafts[0].pk]}, token="s" * 24)
    # Accepting is the province's: the district's editor is refused, for the drafts too.
    response = bulk(client, {"action": "accept", "scope": "all"}, "year=2026", token=TOKEN)
    page = client.get(response["Location"]).content.decode()
    assert "Không mô hình nào được thay đổi." in page
    assert "Chỉ tiếp nhận được đăng ký đã gửi lên" in page
    states = dict(Registration.objects.filter(year=2026).values_list("pk", "review_state"))
    assert states == {drafts[0].pk: "submitted", **{d.pk: "draft" for d in drafts[1:]}}


def test_a_decision_page_adds_and_removes_all_matching_rows(tree, many, client_for, small_jobs):
    decision = DecisionFactory(issuing_unit=tree.a, signed_on=datetime.date(2024, 12, 15))
    client = client_for(tree.editor_a)
    page = client.get(reverse("registry:decision_registrations", args=[decision.pk]), {"year": 2024})
    assert "Thêm cả 5 mô hình chưa có" in page.content.decode()
    url = reverse("intake:bulk_decision", args=[decision.pk]) + "?year=2024"
    assert "Áp dụng cho <strong>5</strong>" in client.post(url, {"mode": "add"}).content.decode()
    response = client.post(url, {"mode": "add", "confirm": "1", "token": TOKEN})
    job = BulkJob.objects.get()
    assert response["Location"] == job.get_absolute_url() and job.changed == 5
    assert set(decision.registrations.all()) == set(many)
    assert {r.recognition_rank for r in Registration.objects.filter(year=2024)} != {None}

    client.post(url, {"mode": "remove", "confirm": "1", "token": "x" * 24})
    assert not decision.registrations.exists()
    assert set(Registration.objects.filter(year=2024).values_list("recognition_rank", flat=True)) == {None}


def test_a_decision_signed_before_a_registration_refuses_all_rows(tree, many, client_for, small_jobs):
    decision = DecisionFactory(issuing_unit=tree.a)  # signed 15/12/2023, the rows registered in 2024
    client = client_for(tree.editor_a)
    url = reverse("intake:bulk_decision", args=[decision.pk]) + "?year=2024"
    client.post(url, {"mode": "add", "confirm": "1", "token": TOKEN})
    job = BulkJob.objects.get()
    assert job.status == JobStatus.FAILED and "Ngày ký" in job.errors[0]
    assert not decision.registrations.exists()


def test_the_lists_decision_action_carries_the_filter_not_the_rows(tree, many, client_for):
    client = client_for(tree.editor_a)
    response = bulk(client, {"action": "decision", "scope": "all"}, "year=2024&page=2")
    assert response["Location"] == reverse("registry:decision_create") + "?loc=year%3D2024"
    page = client.get(response["Location"]).content.decode()
    assert "5 mô hình khớp" in page


def test_another_branchs_decision_answers_404(tree, many, client_for):
    decision = DecisionFactory(issuing_unit=tree.b, signed_on=datetime.date(2024, 12, 15))
    client = client_for(tree.editor_a)
    url = reverse("intake:bulk_decision", args=[decision.pk])
    assert client.post(url, {"mode": "add", "confirm": "1", "token": TOKEN}).status_code == 404
    assert client_for(tree.viewer_a).post(url, {"mode": "add"}).status_code == 403


def test_a_viewer_gets_403_and_changes_nothing(tree, many, client_for):
    client = client_for(tree.viewer_a)
    assert bulk(client, EVALUATE, "year=2024", token=TOKEN).status_code == 403
    assert not BulkJob.objects.exists()


@pytest.mark.parametrize(
    "data",
    [
        {"action": "evaluate", "scope": "all", "evaluation": "tuyệt"},
        {"action": "evaluate", "scope": "all"},
        {"action": "evaluate", "scope": "all", "evaluation": "effective", "evaluated_on": "31/02/2024"},
        {"action": "evaluate", "scope": "all", "evaluation": "effective", "evaluated_on": "1800-01-01"},
        {"action": "accept", "scope": "selected", "selected": ["x", "-1", "99999999999999999999"]},
        {"action": "submit", "scope": "all", "confirm": "1", "token": "<script>" * 20},
        {"action": "return", "scope": "all", "confirm": "yes"},
        {"action": "nhảy", "scope": "all"},
    ],
)
def test_odd_input_never_gives_a_server_error(tree, many, client_for, data):
    client = client_for(tree.editor_a)
    response = client.post(reverse("intake:bulk") + "?year=abc&unit=%00", data)
    assert response.status_code in (200, 302)
    response = client.post(reverse("intake:bulk_decision", args=[tree.decision_a.pk]) + "?year=x", data)
    assert response.status_code in (200, 302)
    assert client.get(reverse("intake:bulkjob_detail", args=[2**40])).status_code == 404
    assert not Registration.objects.filter(evaluation="effective").exists()


def test_a_job_stopped_half_way_goes_on_from_the_next_chunk(tree, many, settings):
    settings.BULK_CHUNK_ROWS = 2
    pks = [r.pk for r in many]
    job, _ = jobs.job_create(
        user=tree.editor_a, action=jobs.EVALUATE, parameters={"evaluation": "effective"}, query="", pks=pks
    )
    jobs.registrations_evaluate(user=tree.editor_a, registrations=pks[:2], evaluation="not_effective")
    BulkJob.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING, done=2, changed=2)
    job = jobs.job_run(job=BulkJob.objects.get(pk=job.pk))
    assert (job.status, job.done, job.changed) == (JobStatus.DONE, 5, 5)
    evaluations = dict(Registration.objects.filter(pk__in=pks).values_list("pk", "evaluation"))
    assert [evaluations[pk] for pk in pks] == ["not_effective"] * 2 + ["effective"] * 3


def test_a_lost_job_says_how_far_it_went(tree, many):
    job, _ = jobs.job_create(
        user=tree.editor_a,
        action=jobs.EVALUATE,
        parameters={"evaluation": "effective"},
        query="",
        pks=[1, 2, 3],
    )
    BulkJob.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING, done=2, changed=2)
    jobs.job_lost(job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and "Dừng lại sau 2/3 mô hình" in job.message


def test_the_benchmark_of_bulk_actions_runs_and_leaves_the_data_as_it_was(tree, many):
    from bench.bulk import bulk_actions

    admin = UserFactory(username="bench", is_superuser=True)
    # Two models of 2023 only: moved into 2024 to make up the size; one registered in both years
    # stays where it is (a model is registered once a year).
    earlier = [
        RegistrationFactory(initiative=InitiativeFactory(unit=tree.commune, name=f"Năm trước {i}"), year=2023)
        for i in range(2)
    ]
    RegistrationFactory(initiative=many[0].initiative, year=2023)
    rows = Registration.objects.filter(unit__path__startswith=tree.commune.path)
    in_year = set(rows.filter(year=2024).values_list("initiative_id", flat=True))
    expected = len(in_year) + rows.filter(year=2023).exclude(initiative__in=in_year).count()
    assert expected >= len(many) + 2  # the three of 2023: two moved, one left
    decisions = Decision.objects.count()
    result = bulk_actions(admin, tree.commune, 2024, size=50, decision_size=3)
    assert result["rows"] == expected
    keys = ("evaluate", "submit", "accept", "decision", "propose", "proposal_accept", "proposal_decision")
    assert {key: result[key]["changed"] for key in keys} == {
        "evaluate": expected,
        "submit": expected,
        "accept": expected,
        "decision": 3,
        "propose": expected,
        "proposal_accept": expected,
        "proposal_decision": expected,
    }
    assert not Registration.objects.filter(evaluation="effective").exists()
    assert set(Registration.objects.values_list("review_state", flat=True)) == {"accepted"}
    assert {r.year for r in Registration.objects.filter(pk__in=[r.pk for r in earlier])} == {2023}
    assert not Proposal.objects.exists() and Decision.objects.count() == decisions
