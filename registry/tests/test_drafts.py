"""Draft plans: made once per form, scoped to the administrator, edited step by step, run as a job."""

import pytest

from registry import drafts, reorganisations
from registry.choices import ChangeKind, ReorganisationJob, ReorganisationStatus, Role
from registry.models import Membership, Reorganisation, Unit
from registry.querysets import MANAGE
from registry.tests.factories import UserFactory

from .test_reorganisations import REFORM, merge_plan, new_commune, tree  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db


@pytest.fixture
def admins(tree):  # noqa: F811
    province = UserFactory(username="quantri_tinh")
    Membership.objects.create(user=province, unit=tree["province"], role=Role.ADMIN)
    other = UserFactory(username="quantri_cho_don")
    Membership.objects.create(user=other, unit=tree["other"], role=Role.ADMIN)
    return {"province": province, "other": other}


def merge_of(tree, *olds, name="Đảng ủy xã Bạch Thông", code="BK-BT25"):  # noqa: F811
    return {
        "steps": [{"kind": ChangeKind.MERGE, "olds": [unit.pk for unit in olds], "targets": [{"new": "a"}]}],
        "new_units": {"a": new_commune(name, tree["province"], code)},
    }


def make_draft(user, plan, token=""):
    return drafts.draft_create(user=user, title="Sắp xếp cấp xã", effective_on=REFORM, plan=plan, token=token)


def test_the_same_form_token_makes_one_draft(tree, admins):  # noqa: F811
    c1, c2, _c3 = tree["communes"]
    first = make_draft(admins["province"], merge_of(tree, c1, c2), token="abc")
    again = make_draft(admins["province"], merge_of(tree, c1, c2), token="abc")
    assert again.pk == first.pk and Reorganisation.objects.count() == 1
    assert set(first.units.all()) == {c1, c2, tree["province"]}
    assert first.created_by == admins["province"] and first.status == ReorganisationStatus.DRAFT


def test_a_draft_is_seen_by_the_administrators_of_its_units_only(tree, admins):  # noqa: F811
    c1, c2, _c3 = tree["communes"]
    draft = make_draft(admins["province"], merge_of(tree, c1, c2))
    assert list(Reorganisation.objects.restrict(admins["province"], MANAGE)) == [draft]
    assert list(Reorganisation.objects.restrict(tree["admin"], MANAGE)) == [draft]  # a superuser
    assert not Reorganisation.objects.restrict(admins["other"], MANAGE).exists()
    assert not Reorganisation.objects.restrict(tree["editor"], MANAGE).exists()
    assert not Reorganisation.objects.restrict(tree["viewer"], MANAGE).exists()


def test_a_plan_naming_a_unit_outside_the_scope_is_refused(tree, admins):  # noqa: F811
    c1 = tree["communes"][0]
    with pytest.raises(reorganisations.PlanError, match="không thuộc phạm vi bạn quản trị"):
        make_draft(admins["other"], merge_of(tree, c1))
    assert not Reorganisation.objects.exists()
    own = {
        "steps": [{"kind": "merge", "olds": [tree["other"].pk], "targets": [{"new": "a"}]}],
        "new_units": {"a": new_commune("Đảng ủy xã Chợ Đồn", tree["other"])},
    }
    draft = make_draft(admins["other"], own)
    with pytest.raises(reorganisations.PlanError, match="không thuộc phạm vi bạn quản trị"):
        drafts.draft_add_step(
            user=admins["other"],
            reorganisation=draft,
            step={"kind": "dissolve", "olds": [c1.pk], "targets": []},
        )
    draft.refresh_from_db()
    assert len(draft.plan["steps"]) == 1


def test_steps_are_added_once_per_token_with_fresh_refs_and_removed_with_their_new_units(tree, admins):  # noqa: F811
    c1, c2, c3 = tree["communes"]
    user = admins["province"]
    draft = make_draft(user, merge_of(tree, c1, c2))
    step = {"kind": ChangeKind.RENAME, "olds": [c3.pk], "targets": [{"new": "a"}]}
    new_units = {"a": new_commune("Đảng ủy xã Đôn Phong mới", tree["province"])}
    for _twice in range(2):
        drafts.draft_add_step(user=user, reorganisation=draft, step=step, new_units=new_units, token="t1")
    draft.refresh_from_db()
    assert [s["kind"] for s in draft.plan["steps"]] == ["merge", "rename"]
    assert draft.plan["steps"][1]["targets"] == [{"new": "n2"}]
    assert draft.plan["new_units"]["n2"]["name"] == "Đảng ủy xã Đôn Phong mới"
    assert set(draft.units.all()) == {c1, c2, c3, tree["province"]}

    drafts.draft_remove_step(user=user, reorganisation=draft, number=1)
    draft.refresh_from_db()
    assert [s["kind"] for s in draft.plan["steps"]] == ["rename"]
    assert list(draft.plan["new_units"]) == ["n2"]
    assert set(draft.units.all()) == {c3, tree["province"]}
    with pytest.raises(reorganisations.PlanError):
        drafts.draft_remove_step(user=user, reorganisation=draft, number=5)


def test_a_split_draft_starts_from_the_suggested_parts_which_can_be_changed(tree, admins):  # noqa: F811
    c3 = tree["communes"][2]
    models = tree["models"]
    user = admins["province"]
    draft = make_draft(
        user,
        {
            "steps": [{"kind": ChangeKind.SPLIT, "olds": [c3.pk], "targets": [{"new": "a"}, {"new": "b"}]}],
            "new_units": {
                "a": new_commune("Đảng ủy xã Phong Quang", tree["province"]),
                "b": new_commune("Đảng ủy xã Khuổi Chủ", tree["province"]),
            },
        },
    )
    assert draft.plan["steps"][0]["assign"] == {str(models["c3b"].pk): 1}
    # Only open models of the old unit and real parts are kept; the main part needs no entry.
    drafts.draft_assign(
        user=user,
        reorganisation=draft,
        number=1,
        parts={models["c3a"].pk: 1, models["c3b"].pk: 0, models["c1"].pk: 1, 123456: 1},
    )
    draft.refresh_from_db()
    assert draft.plan["steps"][0]["assign"] == {str(models["c3a"].pk): 1}
    with pytest.raises(reorganisations.PlanError, match="không phải là chia tách"):
        drafts.draft_assign(user=user, reorganisation=draft, number=2, parts={})


def test_a_job_applies_once_records_who_and_undoes(tree, admins):  # noqa: F811
    c1, c2, _c3 = tree["communes"]
    user = admins["province"]
    draft = make_draft(user, merge_of(tree, c1, c2))
    assert drafts.job_start(reorganisation=draft, job=ReorganisationJob.APPLYING)
    assert not drafts.job_start(reorganisation=draft, job=ReorganisationJob.APPLYING)  # already running
    with pytest.raises(reorganisations.PlanError, match="Chỉ sửa được"):
        drafts.draft_remove_step(user=user, reorganisation=draft, number=1)
    assert (
        drafts.job_run(reorganisation_id=draft.pk, user_id=user.pk, job=ReorganisationJob.APPLYING) == "done"
    )
    draft.refresh_from_db()
    assert (draft.status, draft.job, draft.job_errors, draft.applied_by) == (
        ReorganisationStatus.APPLIED,
        "",
        [],
        user,
    )
    assert Unit.objects.filter(code="BK-BT25").exists()

    assert drafts.job_start(reorganisation=draft, job=ReorganisationJob.UNDOING)
    assert (
        drafts.job_run(reorganisation_id=draft.pk, user_id=user.pk, job=ReorganisationJob.UNDOING) == "done"
    )
    draft.refresh_from_db()
    assert (draft.status, draft.undone_by) == (ReorganisationStatus.UNDONE, user)
    assert not Unit.objects.filter(code="BK-BT25").exists()


def test_a_job_records_why_it_could_not_run_and_changes_nothing(tree, admins):  # noqa: F811
    c1, c2, _c3 = tree["communes"]
    user = admins["province"]
    draft = make_draft(user, merge_of(tree, c1, c2))
    # The administrator lost the role between the confirmation and the worker's turn.
    Membership.objects.filter(user=user).update(role=Role.EDITOR)
    assert drafts.job_start(reorganisation=draft, job=ReorganisationJob.APPLYING)
    assert (
        drafts.job_run(reorganisation_id=draft.pk, user_id=user.pk, job=ReorganisationJob.APPLYING)
        == "failed"
    )
    draft.refresh_from_db()
    assert draft.status == ReorganisationStatus.DRAFT and draft.job == ""
    assert any("không thuộc phạm vi bạn quản trị" in error for error in draft.job_errors)
    assert not Unit.objects.filter(code="BK-BT25").exists()
    # A plan that the check refuses: its reasons are kept for the page.
    future = drafts.draft_create(
        user=tree["admin"], title="Sau này", effective_on=REFORM.replace(year=2099), plan=merge_of(tree, c1)
    )
    drafts.job_start(reorganisation=future, job=ReorganisationJob.APPLYING)
    drafts.job_run(reorganisation_id=future.pk, user_id=tree["admin"].pk, job=ReorganisationJob.APPLYING)
    future.refresh_from_db()
    assert any("chưa đến" in error for error in future.job_errors)


def test_scope_errors_name_each_unit_outside_the_scope(tree, admins):  # noqa: F811
    plan = merge_plan(tree).plan
    assert reorganisations.scope_errors(plan, tree["admin"]) == []
    assert reorganisations.scope_errors(plan, admins["province"]) == []
    assert reorganisations.scope_errors(plan, admins["other"]) == [
        f"“{unit.name}” không thuộc phạm vi bạn quản trị."
        for unit in sorted([*tree["communes"][:2], tree["province"]], key=lambda unit: unit.pk)
    ]
    assert reorganisations.scope_errors({"steps": [{"olds": [987654]}]}, tree["admin"]) == [
        "Không có đơn vị mã số 987654."
    ]
