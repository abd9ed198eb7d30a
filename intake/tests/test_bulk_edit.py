"""Bulk edit of the level, grade and field on the ticked rows or all rows matching the filter.

Previewed, confirmed, run as a job (inline, or in chunks past ``BULK_INLINE_ROWS``); rows
locked by a reviewer above the user are skipped and counted; the counts kept ready stay equal
to a recount.
"""

import pytest
from django.urls import reverse

from intake import jobs
from intake.models import BulkJob, JobStatus
from registry import review
from registry.choices import Grade, Level, ReviewAction
from registry.models import Field, Initiative, Registration
from registry.tally import tally_check
from registry.tests.factories import CampaignFactory, InitiativeFactory, RegistrationFactory

pytestmark = pytest.mark.django_db

TOKEN = "e" * 24


@pytest.fixture
def many(tree):
    """Five registrations of 2024 under the commune, at the commune's level."""
    return [
        RegistrationFactory(
            initiative=InitiativeFactory(unit=tree.commune, name=f"Mô hình {i:02d}"),
            year=2024,
            level=Level.COMMUNE,
        )
        for i in range(5)
    ]


@pytest.fixture
def submitted(tree):
    """Two registrations of 2026 submitted to the province's campaign: locked for unit A's editor."""
    CampaignFactory(unit=tree.province)
    rows = [
        RegistrationFactory(initiative=InitiativeFactory(unit=tree.commune, name=f"Đã gửi {i}"), year=2026)
        for i in range(2)
    ]
    review.act(
        user=tree.editor_a,
        action=ReviewAction.SUBMIT,
        registrations=Registration.objects.filter(pk__in=[r.pk for r in rows]),
    )
    return rows


@pytest.fixture
def small_jobs(settings):
    settings.BULK_INLINE_ROWS = 2
    settings.BULK_CHUNK_ROWS = 2


def bulk(client, data, query="", token=None):
    if token is not None:
        data = {**data, "confirm": "1", "token": token}
    return client.post(reverse("intake:bulk") + (f"?{query}" if query else ""), data)


def recount_agrees():
    return all(differ == 0 for _held, _expected, differ in tally_check().values())


def edit(**values):
    return {"action": "edit", "scope": "all", **values}


def test_the_edit_is_previewed_then_written_to_all_matching_rows_with_their_history(tree, many, client_for):
    field = Field.objects.get(name="An ninh trật tự")
    client = client_for(tree.editor_a)
    data = edit(level=Level.DISTRICT, grade=Grade.EXEMPLAR, field=field.pk)
    preview = bulk(client, data, "year=2024")
    page = preview.content.decode()
    assert preview.status_code == 200 and "Áp dụng cho <strong>5</strong> mô hình" in page
    assert "Cấp đăng ký mới: Cấp huyện." in page and "Lĩnh vực mới: An ninh trật tự" in page
    assert not Registration.objects.filter(level=Level.DISTRICT, year=2024).exists()

    response = bulk(client, data, "year=2024", token=TOKEN)
    assert "Đã sửa 5 mô hình." in client.get(response["Location"]).content.decode()
    rows = Registration.objects.filter(year=2024).select_related("initiative")
    assert {(r.level, r.initiative.grade, r.initiative.field_id) for r in rows} == {
        (Level.DISTRICT, Grade.EXEMPLAR, field.pk)
    }
    last = many[0].history.order_by("-history_id").first()
    assert (last.history_user, last.level) == (tree.editor_a, Level.DISTRICT)
    last = many[0].initiative.history.order_by("-history_id").first()
    assert (last.history_user, last.grade) == (tree.editor_a, Grade.EXEMPLAR)
    tree.initiative_a.refresh_from_db()
    assert tree.initiative_a.grade == Grade.MODEL  # 2023, outside the filter
    assert recount_agrees()


def test_the_ticked_rows_only(tree, many, client_for):
    client = client_for(tree.editor_a)
    ticked = {**edit(grade=Grade.OUTSTANDING), "scope": "selected", "selected": [many[0].pk]}
    bulk(client, ticked, token=TOKEN)
    grades = dict(Initiative.objects.filter(unit=tree.commune).values_list("pk", "grade"))
    assert grades[many[0].initiative_id] == Grade.OUTSTANDING
    assert {grades[r.initiative_id] for r in many[1:]} == {Grade.MODEL}


def test_a_grade_counts_in_every_year_of_the_initiative(tree, many, client_for, tally_is_live):
    RegistrationFactory(initiative=many[0].initiative, year=2025)
    client = client_for(tree.editor_a)
    bulk(client, edit(grade=Grade.EXEMPLAR), "year=2024", token=TOKEN)
    later = Registration.objects.get(initiative=many[0].initiative, year=2025)
    assert later.initiative.grade == Grade.EXEMPLAR
    assert tally_is_live() and recount_agrees()


def test_rows_locked_by_a_reviewer_above_are_skipped_and_said(tree, many, submitted, client_for):
    client = client_for(tree.editor_a)
    response = bulk(client, edit(level=Level.DISTRICT), "", token=TOKEN)
    page = client.get(response["Location"]).content.decode()
    assert "Đã sửa 6 mô hình." in page  # the five of 2024 and the 2023 one of unit A
    assert "Bỏ qua 2 mô hình đã gửi lên cấp trên của bạn (bị khóa)" in page
    assert {r.level for r in Registration.objects.filter(year=2026)} == {Level.GRASSROOTS}
    assert recount_agrees()


def test_the_grade_of_an_initiative_with_a_locked_year_is_left_alone(tree, submitted, client_for):
    open_year = RegistrationFactory(initiative=submitted[0].initiative, year=2025)
    client = client_for(tree.editor_a)
    response = bulk(client, edit(grade=Grade.EXEMPLAR), "year=2025", token=TOKEN)
    assert "Bỏ qua 1 mô hình" in client.get(response["Location"]).content.decode()
    open_year.initiative.refresh_from_db()
    assert open_year.initiative.grade == Grade.MODEL


def test_a_reviewer_above_may_edit_the_rows_it_holds(tree, submitted, client_for):
    client = client_for(tree.admin_province)
    bulk(client, edit(level=Level.PROVINCE), "year=2026", token=TOKEN)
    assert {r.level for r in Registration.objects.filter(year=2026)} == {Level.PROVINCE}


def test_a_large_edit_runs_as_a_job_in_chunks_and_keeps_the_counts(tree, many, client_for, small_jobs):
    RegistrationFactory(initiative=many[0].initiative, year=2025)  # one initiative, two chunks' worth
    client = client_for(tree.editor_a)
    response = bulk(client, edit(level=Level.DISTRICT, grade=Grade.EXEMPLAR), "", token=TOKEN)
    job = BulkJob.objects.get()
    assert response["Location"] == job.get_absolute_url()
    assert (job.status, job.done, job.total, job.changed, job.skipped) == (JobStatus.DONE, 7, 7, 7, 0)
    levels = Registration.objects.filter(unit__path__startswith=tree.a.path).values_list("level", flat=True)
    assert set(levels) == {Level.DISTRICT}
    assert many[0].initiative.history.count() == 2  # created, edited once though in two chunks
    assert recount_agrees()


def test_the_same_confirmation_sent_twice_edits_once(tree, many, client_for):
    client = client_for(tree.editor_a)
    bulk(client, edit(level=Level.DISTRICT), "year=2024", token=TOKEN)
    bulk(client, edit(level=Level.PROVINCE), "year=2024", token=TOKEN)
    assert BulkJob.objects.count() == 1
    assert {r.level for r in Registration.objects.filter(year=2024)} == {Level.DISTRICT}


@pytest.mark.parametrize("role", ["editor_b", "viewer_a"])
def test_another_branch_or_a_viewer_edits_nothing(tree, many, client_for, role):
    client = client_for(getattr(tree, role))
    response = bulk(client, edit(level=Level.DISTRICT), "year=2024", token=TOKEN)
    assert response.status_code in (302, 403)
    assert not Registration.objects.filter(level=Level.DISTRICT).exists()
    assert not BulkJob.objects.exists()


@pytest.mark.parametrize(
    "data",
    [
        edit(),
        edit(level="planet"),
        edit(grade="<b>"),
        edit(field="x"),
        edit(field=2**40),
        {**edit(level=Level.DISTRICT), "scope": "selected", "selected": ["x", "-3"]},
    ],
)
def test_odd_input_is_refused_with_a_message_and_changes_nothing(tree, many, client_for, data):
    client = client_for(tree.editor_a)
    response = bulk(client, data, "year=2024", token=TOKEN)
    assert response.status_code == 302
    assert not BulkJob.objects.exists()
    assert set(Registration.objects.filter(year=2024).values_list("level", flat=True)) == {Level.COMMUNE}


def test_a_field_retired_after_the_confirmation_fails_the_job_and_changes_nothing(tree, many):
    field = Field.objects.get(name="An ninh trật tự")
    job, _created = jobs.job_create(
        user=tree.editor_a, action=jobs.EDIT, parameters={"field": field.pk}, query="", pks=[many[0].pk]
    )
    Field.objects.filter(pk=field.pk).update(is_active=False)
    job = jobs.job_run(job=job)
    assert job.status == JobStatus.FAILED and "không còn dùng" in job.errors[0]
    many[0].initiative.refresh_from_db()
    assert many[0].initiative.field != field
