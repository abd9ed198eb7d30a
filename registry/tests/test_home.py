"""The home page: the dashboard's year and why, and what each user is to do next."""

import datetime

import pytest
from django.urls import reverse

from registry import review
from registry.choices import ReviewAction, ReviewState, Role, UnitType
from registry.home import NEAR_DAYS
from registry.models import Registration
from registry.tests.factories import (
    CampaignFactory,
    InitiativeFactory,
    MembershipFactory,
    RegistrationFactory,
    UserFactory,
    make_unit,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def today(monkeypatch):
    """Today is 25/03/2026: the 2026 campaign's registration deadline (31/03) is six days away."""
    day = datetime.date(2026, 3, 25)
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args: day)
    return day


def home(client, user):
    client.force_login(user)
    return client.get(reverse("registry:home"))


def steps_of(page):
    return [step.text for step in page.context["steps"]]


def test_the_home_page_opens_on_the_dashboards_year_and_says_why(tree, client, today):
    page = home(client, tree.editor_a)
    dashboard = client.get(reverse("reports:dashboard"))
    assert page.context["year"] == dashboard.context["period"].first_year == 2023
    text = page.content.decode()
    assert "Năm 2023: năm gần nhất có số liệu (năm 2026 chưa có mô hình nào)." in text
    assert page.context["figures"]["this_year"] == 1  # the cell's 2023 model, not 2026's zeros


def test_the_home_page_opens_on_this_year_once_it_has_data(tree, client, today):
    RegistrationFactory(initiative=InitiativeFactory(unit=tree.commune), year=2026)
    page = home(client, tree.editor_a)
    assert page.context["year"] == 2026
    assert "Năm 2026: năm nay." in page.content.decode()


def test_a_user_of_an_empty_unit_reads_this_year_and_that_nothing_is_registered(tree, client, today):
    from registry.tests.factories import make_unit

    empty = make_unit("Đảng ủy xã Trống", tree.province, code="TR")
    user = UserFactory()
    MembershipFactory(user=user, unit=empty, role=Role.EDITOR)
    page = home(client, user)
    assert page.context["year"] == 2026
    assert "năm nay, chưa có mô hình nào được đăng ký" in page.content.decode()
    assert steps_of(page)[0] == "Đăng ký mô hình mới"


def test_an_editor_is_told_to_fix_the_returned_send_the_drafts_and_mind_the_deadline(tree, client, today):
    campaign = CampaignFactory(unit=tree.province, title="Thi đua “Dân vận khéo” 2026")
    editor = UserFactory()
    MembershipFactory(user=editor, unit=tree.commune, role=Role.EDITOR)
    first, second = (
        RegistrationFactory(initiative=InitiativeFactory(unit=tree.commune), year=2026) for _ in range(2)
    )
    review.act(user=editor, action=ReviewAction.SUBMIT, registrations=[first], comment="")
    review.act(user=tree.admin_province, action=ReviewAction.RETURN, registrations=[first], comment="Bổ sung")
    steps = steps_of(home(client, editor))
    assert steps[:3] == [
        "Sửa 1 mô hình bị trả lại, cần bổ sung rồi gửi lại",
        "Gửi lên 1 mô hình còn là dự thảo",
        "Đăng ký mô hình cho “Thi đua ‘Dân vận khéo’ 2026”: hạn 31/03/2026, còn 6 ngày",
    ]
    assert second.pk  # the draft counted
    assert campaign.evaluation_deadline > today + datetime.timedelta(days=NEAR_DAYS)
    assert not any(step.startswith("Đánh giá mô hình cho") for step in steps)


def test_an_editor_is_told_to_carry_last_years_models_over(tree, client, today):
    kept = RegistrationFactory(initiative=InitiativeFactory(unit=tree.a), year=2025)
    RegistrationFactory(initiative=kept.initiative, year=2026)
    left = [RegistrationFactory(initiative=InitiativeFactory(unit=tree.a), year=2025) for _ in range(2)]
    # The commune's own: it has an editor of its own, who acts for it.
    MembershipFactory(user=UserFactory(), unit=tree.commune, role=Role.EDITOR)
    RegistrationFactory(initiative=InitiativeFactory(unit=tree.commune), year=2025)
    page = home(client, tree.editor_a)
    step = next(step for step in page.context["steps"] if "duy trì" in step.text)
    assert step.text == "Đăng ký duy trì 2 mô hình năm 2025 chưa đăng ký năm 2026"
    assert step.url.startswith(reverse("intake:rollover") + "?")
    assert list_of(client, step.url) == ({r.pk for r in left}, 2)


def test_a_reviewer_is_told_what_waits_at_their_unit(tree, client, today):
    CampaignFactory(unit=tree.province, review_unit_types=["district"])
    editor = UserFactory()
    MembershipFactory(user=editor, unit=tree.commune, role=Role.EDITOR)
    sent = RegistrationFactory(initiative=InitiativeFactory(unit=tree.commune), year=2026)
    review.act(user=editor, action=ReviewAction.SUBMIT, registrations=[sent], comment="")
    page = home(client, tree.editor_a)
    assert page.context["steps"][0].text == "Xét 1 mô hình cấp dưới gửi lên, chờ đơn vị bạn xét"
    assert page.context["steps"][0].url == reverse("registry:review_queue")
    assert "chờ đơn vị bạn xét" not in steps_of(home(client, editor))[0]


def test_a_viewer_is_pointed_at_the_dashboard_and_never_at_a_change(tree, client, today):
    RegistrationFactory(initiative=InitiativeFactory(unit=tree.commune), year=2025)
    page = home(client, tree.viewer_a)
    assert steps_of(page) == ["Xem bảng tổng hợp năm 2025"]
    assert page.context["steps"][0].url == reverse("reports:dashboard") + "?year=2025"
    assert reverse("registry:initiative_create") not in page.content.decode()


def test_an_administrator_is_also_pointed_at_the_change_log(tree, client, today):
    steps = steps_of(home(client, tree.admin_province))
    assert "Xem nhật ký thay đổi của các đơn vị bạn quản trị" in steps
    assert "Xem nhật ký thay đổi của các đơn vị bạn quản trị" not in steps_of(home(client, tree.editor_a))


def test_a_user_without_a_unit_is_told_to_ask_an_administrator(db, client, today):
    page = home(client, UserFactory())
    assert "Tài khoản chưa được phân quyền tại đơn vị nào. Liên hệ quản trị viên." in page.content.decode()


def test_the_steps_count_only_the_users_own_branch(tree, client, today):
    CampaignFactory(unit=tree.province)
    for _ in range(3):
        RegistrationFactory(initiative=InitiativeFactory(unit=tree.a), year=2026)  # drafts of A
    RegistrationFactory(initiative=InitiativeFactory(unit=tree.b), year=2025)
    steps = steps_of(home(client, tree.editor_b))
    assert not any("dự thảo" in step for step in steps)
    assert "Đăng ký duy trì 1 mô hình năm 2025 chưa đăng ký năm 2026" in steps
    assert page_figures(client, tree.editor_a)["drafts"] == 3


def page_figures(client, user):
    return home(client, user).context["figures"]


def test_the_home_page_runs_the_same_queries_as_the_rows_grow(
    tree, client, today, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    CampaignFactory(unit=tree.province)
    client.force_login(tree.editor_a)
    client.get(reverse("registry:home"))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("registry:home"))
    few = len(few.captured_queries)  # read now: the next request empties the connection's log
    for year in (2025, 2026):
        for unit in (tree.a, tree.cell):  # the user's own unit's rows, and those below it
            for _ in range(3):
                RegistrationFactory(initiative=InitiativeFactory(unit=unit), year=year)
    for n in range(4):
        deadline = datetime.date(2026, 4, n + 1)
        CampaignFactory(unit=tree.province, title=f"Đợt {n}", registration_deadline=deadline)
    client.get(reverse("registry:home"))
    with django_assert_max_num_queries(few):
        page = client.get(reverse("registry:home"))
    assert len(page.context["steps"]) >= 5
    assert few <= 17


def list_of(client, url):
    """The rows of the model list (or of the rollover's preview) behind a step's link."""
    page = client.get(url)
    if "create" in page.context:
        return {r.pk for r in page.context["create"]}, page.context["create_count"]
    return {r.pk for r in page.context["object_list"]}, page.context["paginator"].count


def test_a_province_administrator_is_not_told_of_the_drafts_of_a_commune_below(tree, client, today):
    CampaignFactory(unit=tree.province)
    RegistrationFactory(initiative=InitiativeFactory(unit=tree.commune), year=2026)
    page = home(client, tree.admin_province)
    assert not any("dự thảo" in step for step in steps_of(page))
    assert page.context["figures"]["drafts"] == 0


def test_a_commune_editor_is_told_of_their_draft_and_its_link_lists_exactly_it(tree, client, today):
    CampaignFactory(unit=tree.province)
    editor = UserFactory()
    MembershipFactory(user=editor, unit=tree.commune, role=Role.EDITOR)
    draft = RegistrationFactory(initiative=InitiativeFactory(unit=tree.commune), year=2026)
    # The cell below has no staff of its own: the commune acts for it.
    cells = RegistrationFactory(initiative=InitiativeFactory(unit=tree.cell), year=2026)
    # Another cell has an editor of its own, who acts for it.
    staffed = make_unit("Chi bộ thôn Bản Chiêng", tree.commune, UnitType.CELL)
    MembershipFactory(user=UserFactory(), unit=staffed, role=Role.EDITOR)
    RegistrationFactory(initiative=InitiativeFactory(unit=staffed), year=2026)
    page = home(client, editor)
    step = next(step for step in page.context["steps"] if "dự thảo" in step.text)
    assert step.text == "Gửi lên 2 mô hình còn là dự thảo"
    assert list_of(client, step.url) == ({draft.pk, cells.pk}, 2)
    text = client.get(step.url).content.decode()
    assert "và của các đơn vị trực thuộc chưa có người dùng riêng." in text


def test_every_steps_link_lists_the_rows_it_counts(tree, client, today):
    """Each step's count equals the count of the list behind its link, below and beside the user's rows."""
    CampaignFactory(unit=tree.province)
    editor = UserFactory()
    MembershipFactory(user=editor, unit=tree.a, role=Role.EDITOR)
    MembershipFactory(user=editor, unit=tree.commune, role=Role.EDITOR)  # inside A: also their own
    for unit in (tree.a, tree.commune, tree.cell, tree.b):
        RegistrationFactory(initiative=InitiativeFactory(unit=unit), year=2025)
        for _ in range(2):
            RegistrationFactory(initiative=InitiativeFactory(unit=unit), year=2026)
    submitted = list(
        Registration.objects.filter(year=2026, unit__in=[tree.a, tree.commune, tree.cell]).order_by("pk")[::2]
    )
    review.act(user=tree.admin_province, action=ReviewAction.SUBMIT, registrations=submitted, comment="")
    review.act(
        user=tree.admin_province, action=ReviewAction.RETURN, registrations=submitted[:1], comment="Bổ sung"
    )
    page = home(client, editor)
    figures = page.context["figures"]
    # Their units, and the cell below, which has no staff of its own; not B's, beside.
    own = Registration.objects.filter(unit__in=[tree.a, tree.commune, tree.cell])
    expected = {
        "Sửa": set(own.filter(review_state=ReviewState.RETURNED).values_list("pk", flat=True)),
        "Gửi lên": set(own.filter(review_state=ReviewState.DRAFT).values_list("pk", flat=True)),
        "Đăng ký duy trì": set(own.filter(year=2025).values_list("pk", flat=True)),
        "Đánh giá": set(
            own.filter(year=2026).exclude(review_state=ReviewState.DRAFT).values_list("pk", flat=True)
        ),
    }
    assert [len(rows) for rows in expected.values()] == [
        figures["returned"],
        figures["drafts"],
        figures["to_carry"],
        figures["to_evaluate"],
    ]
    assert all(expected.values())
    steps = page.context["steps"]
    for start, rows in expected.items():
        step = next(step for step in steps if step.text.startswith(start + " "))
        assert list_of(client, step.url) == (rows, len(rows)), start


def test_the_rows_of_a_merged_commune_are_the_next_steps_of_the_commune_carrying_them_on(tree, client, today):
    from registry.tests.factories import make_unit, reorganise

    CampaignFactory(
        unit=tree.province,
        year=2025,
        launched_on=datetime.date(2025, 1, 15),
        registration_deadline=datetime.date(2025, 3, 31),
        evaluation_deadline=datetime.date(2025, 11, 30),
    )
    closed = make_unit("Đảng ủy xã Quân Bình", tree.a, UnitType.COMMUNE, code="BT-QB")
    draft = RegistrationFactory(initiative=InitiativeFactory(unit=closed), year=2025)
    reorganise([closed], into=tree.commune)
    editor = UserFactory()
    MembershipFactory(user=editor, unit=tree.commune, role=Role.EDITOR)
    draft.refresh_from_db()
    assert (draft.unit, draft.carrier, draft.review_state) == (closed, tree.commune, ReviewState.DRAFT)
    step = next(step for step in home(client, editor).context["steps"] if "dự thảo" in step.text)
    assert step.text == "Gửi lên 1 mô hình còn là dự thảo"
    assert list_of(client, step.url) == ({draft.pk}, 1)
    assert page_figures(client, tree.editor_a)["drafts"] == 0  # the district above is not told


def test_a_root_administrator_acting_for_nearly_every_unit_lists_exactly_its_own_drafts(tree, client, today):
    # The province is the only root. Its administrator acts for it and for district C with its
    # communes, none of which has staff, not for A's and B's subtrees, whose editors act for
    # them. Named the other way round (the fewer units it does not act for), the rows must be
    # the same.
    from registry.querysets import CHANGE, own_q

    CampaignFactory(unit=tree.province)
    district = make_unit("Huyện ủy Chợ Đồn", tree.province, UnitType.DISTRICT)
    communes = [make_unit(f"Đảng ủy xã {n}", district, UnitType.COMMUNE) for n in range(4)]
    ours = {
        RegistrationFactory(initiative=InitiativeFactory(unit=unit), year=2026).pk
        for unit in (tree.province, district, *communes)
    }
    for unit in (tree.a, tree.cell, tree.b):  # their editors act for them
        RegistrationFactory(initiative=InitiativeFactory(unit=unit), year=2026)
    admin = tree.admin_province
    q = own_q(admin, CHANGE)
    assert str(q).startswith("(AND: ('carrier_id__isnull', False), (NOT (AND: ('carrier_id__in'")
    assert set(Registration.objects.filter(q, year=2026).values_list("pk", flat=True)) == ours
    drafts = set(
        Registration.objects.filter(pk__in=ours, review_state=ReviewState.DRAFT).values_list("pk", flat=True)
    )
    assert len(drafts) >= 4  # the communes' and the district's, at least
    page = home(client, admin)
    step = next(step for step in page.context["steps"] if "dự thảo" in step.text)
    assert step.text == f"Gửi lên {len(drafts)} mô hình còn là dự thảo"
    assert list_of(client, step.url) == (drafts, len(drafts))
