"""The reorganisation pages: who reaches them, the wizard, the preview, applying and undoing."""

import datetime

import pytest
from django.urls import reverse

from registry.choices import ReorganisationJob, ReorganisationStatus, Role, UnitType
from registry.models import Initiative, Membership, Reorganisation, Unit
from registry.tests.factories import UserFactory, make_unit

from .test_reorganisations import REFORM, new_commune, register, tree  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db

LIST = reverse("registry:reorganisation_list")
CREATE = reverse("registry:reorganisation_create")


@pytest.fixture
def world(tree):  # noqa: F811
    """The tree of the service's tests, a second province, and an administrator of each."""
    other_province = make_unit("Tỉnh ủy Thái Nguyên", unit_type=UnitType.PROVINCE, code="TN")
    far = make_unit("Đảng ủy xã Tân Cương", other_province, UnitType.COMMUNE, code="TN-TC")
    admin_bk = UserFactory(username="quantri_bac_kan")
    Membership.objects.create(user=admin_bk, unit=tree["province"], role=Role.ADMIN)
    admin_tn = UserFactory(username="quantri_thai_nguyen")
    Membership.objects.create(user=admin_tn, unit=other_province, role=Role.ADMIN)
    return {**tree, "other_province": other_province, "far": far, "admin_bk": admin_bk, "admin_tn": admin_tn}


def url(name, *args):
    return reverse(f"registry:{name}", args=args)


def page_one(**values):
    return {"title": "Sắp xếp cấp xã năm 2025", "effective_on": "01/07/2025", "kind": "merge", **values}


def merge_fields(world, *olds, name="Đảng ủy xã Bạch Thông", code="BK-BT25", token="t" * 24):
    return {
        **page_one(),
        "buoc": "luu",
        "token": token,
        "olds": [unit.pk for unit in olds],
        "ke-thua-name": name,
        "ke-thua-unit_type": UnitType.COMMUNE,
        "ke-thua-code": code,
        "ke-thua-parent": world["province"].pk,
    }


def draft_of(world, user, *olds, **fields):
    from registry import drafts

    return drafts.draft_create(
        user=user,
        title="Kế hoạch",
        effective_on=fields.get("day", REFORM),
        plan={
            "steps": [{"kind": "merge", "olds": [unit.pk for unit in olds], "targets": [{"new": "a"}]}],
            "new_units": {
                "a": new_commune(fields.get("name", "Đơn vị mới"), fields.get("parent", world["province"]))
            },
        },
    )


# Who reaches the pages -----------------------------------------------------------------------


def test_only_superusers_and_administrators_reach_the_pages(world, client_for):
    draft = draft_of(world, world["admin_bk"], *world["communes"][:2])
    for user, expected in [
        (world["admin"], 200),
        (world["admin_bk"], 200),
        (world["editor"], 403),
        (world["viewer"], 403),
    ]:
        client = client_for(user)
        assert client.get(LIST).status_code == expected, user
        assert client.get(CREATE).status_code == expected, user
        assert client.get(url("reorganisation_detail", draft.pk)).status_code == expected, user
        assert client.post(url("reorganisation_apply", draft.pk)).status_code in (expected, 302), user
    draft.refresh_from_db()
    assert draft.status == ReorganisationStatus.APPLIED  # applied by the first POST that was allowed


def test_anonymous_visitors_are_sent_to_the_login_page(world, client):
    response = client.get(LIST)
    assert response.status_code == 302 and "/tai-khoan/dang-nhap/" in response["Location"]


def test_an_administrator_sees_and_edits_only_the_plans_of_the_own_province(world, client_for):
    ours = draft_of(world, world["admin_bk"], *world["communes"][:2])
    theirs = draft_of(world, world["admin_tn"], world["far"], parent=world["other_province"])
    client = client_for(world["admin_bk"])
    listed = client.get(LIST).context["object_list"]
    assert list(listed) == [ours] or set(listed) == {ours}
    for name in (
        "reorganisation_detail",
        "reorganisation_apply",
        "reorganisation_undo",
        "reorganisation_delete",
    ):
        assert client.get(url(name, theirs.pk)).status_code == 404, name
    assert client.get(url("reorganisation_step_add", theirs.pk) + "?kind=merge").status_code == 404
    assert client.post(url("reorganisation_step_delete", theirs.pk, 1)).status_code == 404
    assert client.post(url("reorganisation_apply", theirs.pk)).status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == ReorganisationStatus.DRAFT and len(theirs.plan["steps"]) == 1
    assert set(client_for(world["admin"]).get(LIST).context["object_list"]) == {ours, theirs}


def test_the_menu_shows_the_reorganisations_to_administrators_only(world, client_for):
    assert f'href="{LIST}"' in client_for(world["admin_bk"]).get(url("home")).content.decode()
    assert f'href="{LIST}"' not in client_for(world["editor"]).get(url("home")).content.decode()


def test_the_wizard_refuses_a_unit_outside_the_scope(world, client_for):
    client = client_for(world["admin_bk"])
    response = client.post(CREATE, merge_fields(world, world["communes"][0], world["far"]))
    assert response.status_code == 200
    assert response.context["step_forms"].olds.errors["olds"]
    fields = merge_fields(world, world["communes"][0])
    fields["ke-thua-parent"] = world["other_province"].pk  # a new unit under another province
    response = client.post(CREATE, fields)
    assert response.status_code == 200 and response.context["step_forms"].parts[0].errors["parent"]
    assert not Reorganisation.objects.exists()


def test_a_plan_that_reaches_outside_the_scope_is_shown_but_not_changed_or_applied(world, client_for):
    # A superuser's plan naming units of two provinces: each administrator sees it, neither runs it.
    from registry import drafts

    mixed = drafts.draft_create(
        user=world["admin"],
        title="Hai tỉnh",
        effective_on=REFORM,
        plan={
            "steps": [
                {"kind": "merge", "olds": [world["communes"][0].pk], "targets": [{"unit": world["far"].pk}]}
            ]
        },
    )
    client = client_for(world["admin_bk"])
    page = client.get(url("reorganisation_detail", mixed.pk))
    assert page.status_code == 200 and not page.context["may_apply"] and not page.context["may_edit"]
    assert "không thuộc phạm vi bạn quản trị" in page.content.decode()
    response = client.post(url("reorganisation_apply", mixed.pk), follow=True)
    assert "không thuộc phạm vi bạn quản trị" in response.content.decode()
    for name in ("reorganisation_delete", "reorganisation_step_add"):
        response = client.post(url(name, mixed.pk), {"kind": "merge"})
        assert response.status_code == 302, name
    assert client.post(url("reorganisation_step_delete", mixed.pk, 1)).status_code == 302
    mixed.refresh_from_db()
    assert mixed.status == ReorganisationStatus.DRAFT and len(mixed.plan["steps"]) == 1
    assert world["communes"][0].valid_to is None


# The wizard, end to end ----------------------------------------------------------------------


def test_a_merge_goes_from_the_wizard_to_a_draft_its_preview_applying_and_undoing(world, client_for):
    c1, c2, c3 = world["communes"]
    client = client_for(world["admin_bk"])
    first = client.get(CREATE)
    assert first.status_code == 200 and "plan_form" in first.context
    second = client.post(CREATE, {**page_one(), "buoc": "2"})
    assert second.status_code == 200 and second.context["step_forms"].kind == "merge"
    token = second.context["token"]
    assert f'value="{token}"' in second.content.decode()

    saved = client.post(CREATE, merge_fields(world, c1, c2, token=token))
    draft = Reorganisation.objects.get()
    assert saved.status_code == 302 and saved["Location"] == draft.get_absolute_url()
    assert (draft.status, draft.created_by, draft.title) == (
        ReorganisationStatus.DRAFT,
        world["admin_bk"],
        "Sắp xếp cấp xã năm 2025",
    )
    assert draft.plan["steps"] == [{"kind": "merge", "olds": [c1.pk, c2.pk], "targets": [{"new": "p0"}]}]

    preview = client.get(draft.get_absolute_url())
    text = preview.content.decode()
    assert preview.context["problems"] == [] and preview.context["may_apply"]
    for expected in (
        "Đảng ủy xã Bạch Thông",
        "Chi bộ thôn Nà Phải",
        "Mô hình nuôi heo đất",
        "bientap_quangthuan",
    ):
        assert expected in text, expected
    assert [(row["place"]["name"], row["count"]) for row in preview.context["preview"].figures] == [
        ("Đảng ủy xã Bạch Thông", 3)
    ]
    assert url("reorganisation_apply", draft.pk) in text

    confirm = client.get(url("reorganisation_apply", draft.pk))
    assert confirm.status_code == 200 and confirm.context["problems"] == []
    applied = client.post(url("reorganisation_apply", draft.pk), follow=True)  # the task runs at once here
    draft.refresh_from_db()
    assert (draft.status, draft.applied_by, draft.job, draft.job_errors) == (
        ReorganisationStatus.APPLIED,
        world["admin_bk"],
        "",
        [],
    )
    new = Unit.objects.get(code="BK-BT25")
    assert Initiative.objects.get(name="Mô hình nuôi heo đất").unit == new
    assert "Đã thực hiện" in applied.content.decode()
    assert applied.context["may_undo"]
    # The old commune's page shows where it went.
    old_page = client.get(c1.get_absolute_url()).content.decode()
    assert "Được kế thừa bởi" in old_page and new.name in old_page and "Sắp xếp đơn vị này" not in old_page
    assert "Kế thừa từ" in client.get(new.get_absolute_url()).content.decode()
    assert "Sắp xếp đơn vị này" in client.get(c3.get_absolute_url()).content.decode()

    assert client.get(url("reorganisation_undo", draft.pk)).context["problems"] == []
    client.post(url("reorganisation_undo", draft.pk))
    draft.refresh_from_db()
    assert (draft.status, draft.undone_by) == (ReorganisationStatus.UNDONE, world["admin_bk"])
    assert not Unit.objects.filter(code="BK-BT25").exists()
    c1.refresh_from_db()
    assert c1.valid_to is None
    assert client.post(url("reorganisation_apply", draft.pk), follow=True).status_code == 200
    draft.refresh_from_db()
    assert draft.status == ReorganisationStatus.UNDONE  # an undone plan is not applied again


def test_a_second_step_is_added_to_the_draft_and_can_be_removed(world, client_for):
    c1, c2, c3 = world["communes"]
    client = client_for(world["admin_bk"])
    draft = draft_of(world, world["admin_bk"], c1, c2)
    add = url("reorganisation_step_add", draft.pk)
    form = client.get(add + "?kind=dissolve")
    assert form.status_code == 200 and "name" not in form.context["step_forms"].parts[0].fields
    response = client.post(add, {"kind": "dissolve", "token": "d" * 24, "olds": c3.pk, "ke-thua-unit": ""})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.plan["steps"][1] == {"kind": "dissolve", "olds": [c3.pk], "targets": []}
    client.post(url("reorganisation_step_delete", draft.pk, 2))
    draft.refresh_from_db()
    assert len(draft.plan["steps"]) == 1


def test_the_unit_page_starts_the_wizard_with_its_unit(world, client_for):
    c1 = world["communes"][0]
    client = client_for(world["admin_bk"])
    start = client.get(c1.get_absolute_url())
    link = f"{CREATE}?unit={c1.pk}"
    assert link in start.content.decode()
    page = client.post(CREATE, {**page_one(kind="split", unit=c1.pk), "buoc": "2"})
    assert page.context["step_forms"].olds.initial == {"olds": c1}


# A split and its models ----------------------------------------------------------------------


def test_a_split_suggests_the_part_of_each_model_and_keeps_the_choice(world, client_for):
    c3 = world["communes"][2]
    models = world["models"]
    client = client_for(world["admin_bk"])
    fields = {**page_one(kind="split"), "buoc": "luu", "token": "s" * 24, "olds": c3.pk}
    for number, name in ((1, "Đảng ủy xã Phong Quang"), (2, "Đảng ủy xã Khuổi Chủ")):
        fields |= {
            f"phan-{number}-name": name,
            f"phan-{number}-unit_type": UnitType.COMMUNE,
            f"phan-{number}-parent": world["province"].pk,
        }
    response = client.post(CREATE, fields)
    draft = Reorganisation.objects.get()
    assign = url("reorganisation_assign", draft.pk, 1)
    assert response["Location"] == assign
    page = client.get(assign)
    rows = {row["initiative"]: row for row in page.context["form"].rows}
    assert (rows[models["c3b"]]["part"], rows[models["c3b"]]["suggested"]) == (1, 1)  # "thôn Khuổi Chủ"
    assert (rows[models["c3a"]]["part"], rows[models["c3a"]]["suggested"]) == (0, 0)
    text = page.content.decode()
    assert "Gợi ý: Đảng ủy xã Khuổi Chủ" in text
    client.post(assign, {f"mo-hinh-{models['c3a'].pk}": "1", f"mo-hinh-{models['c3b'].pk}": "1"})
    draft.refresh_from_db()
    assert draft.plan["steps"][0]["assign"] == {str(models["c3a"].pk): 1, str(models["c3b"].pk): 1}
    moved = {
        row["initiative"].pk: row["to"]["name"]
        for row in client.get(draft.get_absolute_url()).context["preview"].models
    }
    assert moved == {models["c3a"].pk: "Đảng ủy xã Khuổi Chủ", models["c3b"].pk: "Đảng ủy xã Khuổi Chủ"}
    # A part out of range is an error of the form, never a 500.
    bad = client.post(assign, {f"mo-hinh-{models['c3a'].pk}": "7", f"mo-hinh-{models['c3b'].pk}": "x"})
    assert bad.status_code == 200 and bad.context["form"].errors


def test_a_split_needs_two_parts(world, client_for):
    client = client_for(world["admin_bk"])
    fields = {**page_one(kind="split"), "buoc": "luu", "token": "s" * 24, "olds": world["communes"][2].pk}
    fields |= {"phan-1-unit": world["communes"][0].pk}
    response = client.post(CREATE, fields)
    assert response.status_code == 200 and response.context["step_forms"].parts[1].errors
    assert not Reorganisation.objects.exists()


# Double submits and odd input ---------------------------------------------------------------


def test_a_double_submit_makes_one_draft_and_adds_a_step_once(world, client_for):
    c1, c2, c3 = world["communes"]
    client = client_for(world["admin_bk"])
    first = client.post(CREATE, merge_fields(world, c1, c2, token="x" * 24))
    second = client.post(CREATE, merge_fields(world, c1, c2, token="x" * 24))
    assert Reorganisation.objects.count() == 1
    assert first["Location"] == second["Location"] == Reorganisation.objects.get().get_absolute_url()
    draft = Reorganisation.objects.get()
    add = url("reorganisation_step_add", draft.pk)
    fields = {"kind": "dissolve", "token": "y" * 24, "olds": c3.pk}
    client.post(add, fields)
    client.post(add, fields)
    draft.refresh_from_db()
    assert len(draft.plan["steps"]) == 2
    for _twice in range(2):
        client.post(url("reorganisation_apply", draft.pk))
    draft.refresh_from_db()
    assert draft.status == ReorganisationStatus.APPLIED
    assert Unit.objects.filter(code="BK-BT25").count() == 1


def test_a_double_click_on_a_step_s_delete_button_removes_that_step_only(world, client_for):
    from registry import drafts, reorganisations

    c1, c2, c3 = world["communes"]
    client = client_for(world["admin_bk"])
    draft = draft_of(world, world["admin_bk"], c1, c2)
    drafts.draft_add_step(
        user=world["admin_bk"],
        reorganisation=draft,
        step={"kind": "dissolve", "olds": [c3.pk], "targets": []},
    )
    page = client.get(draft.get_absolute_url())
    fingerprint = page.context["preview"].steps[0]["fingerprint"]
    assert f'value="{fingerprint}"' in page.content.decode()
    assert fingerprint == reorganisations.step_fingerprint(draft.plan["steps"][0])
    for _twice in range(2):
        response = client.post(
            url("reorganisation_step_delete", draft.pk, 1), {"buoc": fingerprint}, follow=True
        )
    assert "Kế hoạch không có bước 1." in response.content.decode()
    draft.refresh_from_db()
    assert [step["kind"] for step in draft.plan["steps"]] == ["dissolve"]


@pytest.mark.parametrize(
    "day", ["31/02/2025", "hôm nay", "01/01/9999", "01/01/1999", "2025", "", "99/99/99999"]
)
def test_a_bad_effective_date_is_a_form_error(world, client_for, day):
    client = client_for(world["admin_bk"])
    response = client.post(CREATE, {**merge_fields(world, *world["communes"][:2]), "effective_on": day})
    assert response.status_code == 200 and response.context["plan_form"].errors["effective_on"]
    assert not Reorganisation.objects.exists()


def test_odd_input_never_fails(world, client_for):
    client = client_for(world["admin_bk"])
    draft = draft_of(world, world["admin_bk"], *world["communes"][:2])
    odd = [
        client.get(url("reorganisation_detail", 999999)),
        client.get(url("reorganisation_assign", draft.pk, 1)),  # not a split
        client.get(url("reorganisation_assign", draft.pk, 9)),
        client.get(url("reorganisation_assign", draft.pk, 0)),
        client.post(url("reorganisation_step_delete", draft.pk, 7)),
        client.get(url("reorganisation_step_add", draft.pk) + "?kind=bogus"),
        client.get(url("reorganisation_step_add", draft.pk)),
        client.get(url("reorganisation_progress", 999999)),
        client.get(url("reorganisation_detail", 10**30)),
        client.post(url("reorganisation_step_delete", draft.pk, 10**30)),
    ]
    assert [response.status_code for response in odd] == [404] * len(odd)
    for fields in [
        {**page_one(kind="bogus"), "buoc": "2"},
        {**page_one(unit="abc"), "buoc": "2"},
        {**page_one(unit=str(10**30)), "buoc": "2"},
        {**merge_fields(world, *world["communes"][:2]), "olds": [str(10**30)], "ke-thua-parent": str(10**30)},
        {**merge_fields(world, *world["communes"][:2]), "olds": ["abc", "-1"]},
        {**merge_fields(world, *world["communes"][:2]), "ke-thua-parent": "999999"},
        {**merge_fields(world, *world["communes"][:2]), "ke-thua-unit_type": "castle"},
        {**merge_fields(world, *world["communes"][:2]), "token": "<script>"},
        {**merge_fields(world, *world["communes"][:2]), "title": "x" * 400},
        {"buoc": "luu"},
        {"buoc": "nonsense", **page_one()},
    ]:
        response = client.post(CREATE, fields)
        assert response.status_code in (200, 302), fields
    assert client.get(CREATE + "?unit=%00abc").status_code == 200
    # The one valid submission among them (its token, not one of ours, ignored) made a draft.
    assert Reorganisation.objects.count() == 2


def test_a_plan_whose_date_has_not_come_cannot_be_applied(world, client_for):
    client = client_for(world["admin_bk"])
    later = draft_of(
        world,
        world["admin_bk"],
        *world["communes"][:2],
        day=datetime.date.today() + datetime.timedelta(days=30),
    )
    page = client.get(later.get_absolute_url())
    assert not page.context["may_apply"]
    assert any("chưa đến" in problem for problem in page.context["problems"])
    assert url("reorganisation_apply", later.pk) not in page.content.decode()
    response = client.post(url("reorganisation_apply", later.pk), follow=True)
    assert "chưa đến" in response.content.decode()
    later.refresh_from_db()
    assert later.status == ReorganisationStatus.DRAFT


def test_an_applied_plan_with_new_records_shows_why_it_cannot_be_undone(world, client_for):
    client = client_for(world["admin_bk"])
    draft = draft_of(world, world["admin_bk"], *world["communes"][:2], name="Đảng ủy xã Mới")
    client.post(url("reorganisation_apply", draft.pk))
    register(Unit.objects.get(name="Đảng ủy xã Mới"), "Mô hình sau sắp xếp", years=(2026,))
    page = client.get(draft.get_absolute_url())
    assert not page.context["may_undo"] and page.context["blockers"]
    assert "Đã có mô hình đăng ký tại đơn vị mới" in page.content.decode()
    client.post(url("reorganisation_undo", draft.pk))
    draft.refresh_from_db()
    assert draft.status == ReorganisationStatus.APPLIED


def test_the_progress_fragment_polls_while_a_job_runs_and_reloads_the_page_after(world, client_for):
    client = client_for(world["admin_bk"])
    draft = draft_of(world, world["admin_bk"], *world["communes"][:2])
    Reorganisation.objects.filter(pk=draft.pk).update(job=ReorganisationJob.APPLYING)
    progress = url("reorganisation_progress", draft.pk)
    running = client.get(progress, headers={"HX-Request": "true"})
    assert running.status_code == 200 and f'hx-get="{progress}"' in running.content.decode()
    assert "Đang thực hiện" in client.get(draft.get_absolute_url()).content.decode()
    assert client.post(url("reorganisation_apply", draft.pk)).status_code == 302  # not a second job
    Reorganisation.objects.filter(pk=draft.pk).update(job="")
    done = client.get(progress, headers={"HX-Request": "true"})
    assert done.headers.get("HX-Refresh") == "true"


# From a spreadsheet --------------------------------------------------------------------------

UPLOAD = reverse("intake:reorganisation_upload")
TEMPLATE = reverse("intake:reorganisation_template")
COMMUNE = "Đảng ủy xã, phường, thị trấn"


def plan_file(client, rows, formulas=()):
    """The template as downloaded, with ``rows`` written under its header (and formula cells)."""
    import io

    from openpyxl import load_workbook

    from intake.reorganisation import SHEET

    response = client.get(TEMPLATE)
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content))
    sheet = workbook[SHEET]
    for offset, values in enumerate(rows):
        for column, value in enumerate(values, start=1):
            if value != "":
                sheet.cell(row=2 + offset, column=column, value=value)
    for cell in formulas:
        sheet[cell] = "=1+1"
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def upload(client, content, name="ke-hoach.xlsx", **fields):
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = {"title": "Sắp xếp cấp xã 2025", "effective_on": "01/07/2025", "token": "u" * 24, **fields}
    return client.post(UPLOAD, {**data, "file": SimpleUploadedFile(name, content)})


GOOD_ROWS = [
    ["BT-1", "Hợp nhất, sáp nhập", "BK-BT25", "Đảng ủy xã Bạch Thông", COMMUNE, "BK", ""],
    ["Đảng ủy xã Dương Phong", "Sáp nhập", "bk-bt25", "", "", "", ""],
    ["xa Don Phong", "Chia tách", "", "Đảng ủy xã Phong Quang", COMMUNE, "Tỉnh ủy Bắc Kạn", "Có"],
    ["BT-3", "chia tach", "", "Đảng ủy xã Khuổi Chủ", "xã", "BK", ""],
]


def test_a_good_spreadsheet_makes_a_draft_with_a_merger_and_a_split(world, client_for):
    c1, c2, c3 = world["communes"]
    client = client_for(world["admin_bk"])
    response = upload(client, plan_file(client, GOOD_ROWS))
    draft = Reorganisation.objects.get()
    assert response.status_code == 302 and response["Location"] == draft.get_absolute_url()
    assert (draft.title, draft.effective_on, draft.created_by) == (
        "Sắp xếp cấp xã 2025",
        REFORM,
        world["admin_bk"],
    )
    merge, split = draft.plan["steps"]
    assert merge == {"kind": "merge", "olds": [c1.pk, c2.pk], "targets": [{"new": "m1"}]}
    assert (split["kind"], split["olds"], split["targets"]) == (
        "split",
        [c3.pk],
        [{"new": "m2"}, {"new": "m3"}],
    )
    assert split["assign"] == {str(world["models"]["c3b"].pk): 1}  # "..., thôn Khuổi Chủ"
    assert draft.plan["new_units"] == {
        "m1": {
            "name": "Đảng ủy xã Bạch Thông",
            "unit_type": "commune",
            "code": "BK-BT25",
            "parent": {"unit": world["province"].pk},
        },
        "m2": {
            "name": "Đảng ủy xã Phong Quang",
            "unit_type": "commune",
            "code": "",
            "parent": {"unit": world["province"].pk},
        },
        "m3": {
            "name": "Đảng ủy xã Khuổi Chủ",
            "unit_type": "commune",
            "code": "",
            "parent": {"unit": world["province"].pk},
        },
    }
    page = client.get(draft.get_absolute_url())
    assert page.context["problems"] == [] and page.context["may_apply"]
    # The same file sent twice (a double click) makes one draft.
    again = upload(client, plan_file(client, GOOD_ROWS))
    assert again["Location"] == draft.get_absolute_url() and Reorganisation.objects.count() == 1


def test_a_new_unit_may_be_the_parent_of_another_and_a_code_may_name_an_existing_successor(world, client_for):
    c1, c2, c3 = world["communes"]
    client = client_for(world["admin_bk"])
    rows = [
        [
            "Huyện ủy Bạch Thông",
            "Đổi tên",
            "BK-BT-MOI",
            "Đảng bộ Bạch Thông",
            "Huyện ủy, Thị ủy, Thành ủy trực thuộc tỉnh",
            "BK",
            "",
        ],
        ["BT-1", "Chuyển trực thuộc", "", "Đảng ủy xã Quang Thuận (mới)", COMMUNE, "BK-BT-MOI", ""],
        ["BT-2", "Sáp nhập", "BT-3", "", "", "", ""],  # into the existing Đôn Phong
    ]
    response = upload(client, plan_file(client, rows))
    assert response.status_code == 302, response.context and response.context.get("problems")
    plan = Reorganisation.objects.get().plan
    assert plan["new_units"]["m2"]["parent"] == {"new": "m1"}
    assert plan["steps"][2] == {"kind": "merge", "olds": [c2.pk], "targets": [{"unit": c3.pk}]}


@pytest.mark.parametrize(
    "rows, row, column, message",
    [
        ([["Đảng ủy xã Không Có", "Hợp nhất, sáp nhập", "", "Đảng ủy xã A", COMMUNE, "BK", ""]],
         2, "Đơn vị cũ (mã hoặc tên)", "Không tìm thấy đơn vị “Đảng ủy xã Không Có”"),
        ([["BT-1", "Nhập khẩu", "", "Đảng ủy xã A", COMMUNE, "BK", ""]],
         2, "Hình thức sắp xếp", "“Nhập khẩu” không phải là hình thức sắp xếp"),
        ([["BT-1", "Hợp nhất", "", "Đảng ủy xã A", COMMUNE, "BK", ""],
          ["BT-2", "Hợp nhất", "", "Đảng ủy xã B", COMMUNE, "", ""]],
         3, "Đơn vị cấp trên của đơn vị mới (mã hoặc tên)", "Chưa ghi đơn vị cấp trên của đơn vị mới"),
        ([["BT-1", "Hợp nhất", "", "Đảng ủy xã A", COMMUNE, "Tỉnh ủy Không Có", ""]],
         2, "Đơn vị cấp trên của đơn vị mới (mã hoặc tên)", "Không tìm thấy đơn vị “Tỉnh ủy Không Có”"),
        ([["BT-1", "Hợp nhất", "", "Đảng ủy xã A", COMMUNE, "BK", ""],
          ["Đảng ủy xã Tân Cương", "Hợp nhất", "", "Đảng ủy xã A", "", "", ""]],
         3, "Đơn vị cũ (mã hoặc tên)", "“Đảng ủy xã Tân Cương” không thuộc phạm vi bạn quản trị"),
        ([["BT-1", "Hợp nhất", "", "Đảng ủy xã A", "Lâu đài", "BK", ""]],
         2, "Loại đơn vị mới", "“Lâu đài” không phải là loại đơn vị"),
        ([["BT-3", "Chia tách", "", "Đảng ủy xã A", COMMUNE, "BK", ""],
          ["BT-3", "Chia tách", "", "Đảng ủy xã B", COMMUNE, "BK", ""]],
         2, "Phần chính (chia tách: Có/Không)", "cho đúng một phần"),
        ([["BT-1", "Hợp nhất", "", "Đảng ủy xã A", COMMUNE, "BK", ""],
          ["BT-1", "Giải thể", "", "", "", "", ""]],
         3, "Đơn vị cũ (mã hoặc tên)", "đã có ở dòng 2"),
        ([["BT-1", "Hợp nhất", "", "", "", "", ""]],
         2, "Tên đơn vị mới", "Chưa ghi đơn vị mới"),
        ([["BT-1", "Hợp nhất", "", "Đảng ủy xã A", COMMUNE, "BT-1", ""]],
         2, "Đơn vị cấp trên của đơn vị mới (mã hoặc tên)", "kết thúc hoạt động theo chính kế hoạch này"),
        ([["BT-1", "Hợp nhất", "", "Đảng ủy xã A", COMMUNE, "BK", "Có lẽ"]],
         2, "Phần chính (chia tách: Có/Không)", "hãy ghi “Có” hoặc để trống"),
    ],
)  # fmt: skip
def test_each_bad_cell_is_reported_with_its_row_and_column_and_nothing_is_saved(
    world, client_for, rows, row, column, message
):
    client = client_for(world["admin_bk"])
    response = upload(client, plan_file(client, rows))
    assert response.status_code == 200
    problems = response.context["problems"]
    assert any(p["row"] == row and p["column"] == column and message in p["message"] for p in problems), (
        problems
    )
    text = response.content.decode()
    assert message.replace("“", "&ldquo;") in text or message in text
    assert not Reorganisation.objects.exists()


@pytest.mark.parametrize(
    "content, name, message",
    [
        (b"%PDF-1.4 not a spreadsheet", "ke-hoach.xlsx", "không phải là tệp Excel .xlsx"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "ke-hoach.xls", "tệp Excel đời cũ"),
        (b"", "rong.xlsx", ""),
    ],
)
def test_a_file_that_is_not_an_xlsx_is_refused(world, client_for, content, name, message):
    client = client_for(world["admin_bk"])
    response = upload(client, content, name=name)
    assert response.status_code == 200 and response.context["form"].errors["file"]
    assert message in " ".join(response.context["form"].errors["file"])
    assert not Reorganisation.objects.exists()


def test_formulas_and_oversized_files_are_refused(world, client_for, settings):
    client = client_for(world["admin_bk"])
    response = upload(client, plan_file(client, GOOD_ROWS, formulas=["F9"]))
    assert any("công thức" in p["message"] and "F9" in p["message"] for p in response.context["problems"])
    settings.INTAKE_MAX_BYTES = 2000
    response = upload(client, plan_file(client, GOOD_ROWS))
    assert "vượt giới hạn" in " ".join(response.context["form"].errors["file"])
    assert not Reorganisation.objects.exists()


def test_a_spreadsheet_without_the_header_or_rows_says_so(world, client_for):
    import io

    from openpyxl import Workbook

    client = client_for(world["admin_bk"])
    workbook = Workbook()
    workbook.active.append(["Tên", "Năm"])
    output = io.BytesIO()
    workbook.save(output)
    response = upload(client, output.getvalue())
    assert "Không tìm thấy dòng tiêu đề" in response.context["problems"][0]["message"]
    response = upload(client, plan_file(client, []))
    assert "không có dòng nào" in response.context["problems"][0]["message"]
    response = upload(client, plan_file(client, GOOD_ROWS), effective_on="31/12/9999")
    assert response.context["form"].errors["effective_on"]
    assert not Reorganisation.objects.exists()


def test_only_administrators_reach_the_spreadsheet_pages(world, client_for):
    for user in (world["editor"], world["viewer"]):
        client = client_for(user)
        assert client.get(UPLOAD).status_code == 403
        assert client.get(TEMPLATE).status_code == 403


def test_the_template_lists_the_units_the_administrator_manages(world, client_for):
    import io

    from openpyxl import load_workbook

    from intake.reorganisation import UNITS_SHEET

    workbook = load_workbook(io.BytesIO(client_for(world["admin_bk"]).get(TEMPLATE).content))
    names = [row[1] for row in workbook[UNITS_SHEET].iter_rows(min_row=2, values_only=True)]
    assert "Đảng ủy xã Quang Thuận" in names and "Tỉnh ủy Bắc Kạn" in names
    assert "Đảng ủy xã Tân Cương" not in names


def test_a_renamed_unit_keeps_its_parent_unless_another_is_chosen(world, client_for):
    c3 = world["communes"][2]
    client = client_for(world["admin_bk"])
    fields = {
        **page_one(kind="rename"),
        "buoc": "luu",
        "token": "r" * 24,
        "olds": c3.pk,
        "ke-thua-name": "Đảng ủy phường Đôn Phong",
        "ke-thua-unit_type": UnitType.COMMUNE,
    }
    assert client.post(CREATE, fields).status_code == 302
    draft = Reorganisation.objects.get()
    assert draft.plan["new_units"]["p0"]["parent"] == {"unit": world["district"].pk}
    # A move needs its new parent.
    response = client.post(CREATE, {**fields, "kind": "move", "token": "v" * 24})
    assert response.status_code == 200 and response.context["step_forms"].parts[0].errors["parent"]


def test_a_splits_assignment_opened_before_another_administrators_save_is_refused_then_applies(
    world, client_for
):
    c3 = world["communes"][2]
    models = world["models"]
    client = client_for(world["admin_bk"])
    fields = {**page_one(kind="split"), "buoc": "luu", "token": "v" * 24, "olds": c3.pk}
    for number, name in ((1, "Đảng ủy xã Phong Quang"), (2, "Đảng ủy xã Khuổi Chủ")):
        fields |= {
            f"phan-{number}-name": name,
            f"phan-{number}-unit_type": UnitType.COMMUNE,
            f"phan-{number}-parent": world["province"].pk,
        }
    client.post(CREATE, fields)
    draft = Reorganisation.objects.get()
    assign = url("reorganisation_assign", draft.pk, 1)
    version = client.get(assign).context["form"]["version"].value()
    a, b = f"mo-hinh-{models['c3a'].pk}", f"mo-hinh-{models['c3b'].pk}"
    other = UserFactory(username="quantri_hai", first_name="Lan")
    Membership.objects.create(user=other, unit=world["province"], role=Role.ADMIN)
    client_for(other).post(assign, {a: "1", b: "1", "version": version})

    client = client_for(world["admin_bk"])
    page = client.post(assign, {a: "0", b: "0", "version": version})
    text = page.content.decode()
    assert page.status_code == 200
    assert "đã được Lan sửa lúc" in text
    assert "Bản đang lưu: Đảng ủy xã Khuổi Chủ" in text
    draft.refresh_from_db()
    assert draft.plan["steps"][0]["assign"] == {str(models["c3a"].pk): 1, str(models["c3b"].pk): 1}
    again = page.context["form"]["version"].value()
    assert client.post(assign, {a: "0", b: "0", "version": again}).status_code == 302
    draft.refresh_from_db()
    assert draft.plan["steps"][0]["assign"] == {}
