"""The completeness board of a campaign, its reminders and the notifications on the home page."""

import datetime
import io

import openpyxl
import pytest
from django.core import mail
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from registry import board, reminders, review, services
from registry.choices import Evaluation, ReviewAction, Role, UnitType
from registry.models import Notification, NotificationKind, Registration

from .factories import CampaignFactory, InitiativeFactory, MembershipFactory, UserFactory, make_unit

pytestmark = pytest.mark.django_db

YEAR = 2026


def registered(unit):
    initiative = InitiativeFactory(unit=unit, year=YEAR)
    return Registration.objects.get(initiative=initiative, year=YEAR)


@pytest.fixture
def story(tree):
    """A province campaign asking communes and cells; A's cell and commune, and B's new ward.

    A: a draft and two accepted registrations of the cell (one evaluated), the commune's one
    returned; B: its ward's one submitted. Asked: the commune and the cell (A), the ward (B).
    """
    ward = make_unit("Đảng ủy phường Sông Cầu", tree.b, UnitType.COMMUNE, code="TP-SC")
    campaign = CampaignFactory(unit=tree.province, unit_types=[UnitType.COMMUNE, UnitType.CELL])
    draft = registered(tree.cell)
    accepted = registered(tree.cell)
    evaluated = registered(tree.cell)
    returned = registered(tree.commune)
    submitted = registered(ward)
    editor_b = tree.editor_b
    review.act(user=tree.editor_a, action=ReviewAction.SUBMIT, registrations=[accepted, evaluated, returned])
    review.act(user=editor_b, action=ReviewAction.SUBMIT, registrations=[submitted])
    admin = tree.admin_province
    review.act(user=admin, action=ReviewAction.ACCEPT, registrations=[accepted, evaluated])
    review.act(user=admin, action=ReviewAction.RETURN, registrations=[returned], comment="Bổ sung kết quả.")
    evaluated.refresh_from_db()
    evaluated.evaluation = Evaluation.EFFECTIVE
    evaluated.evaluated_on = datetime.date(YEAR, 11, 1)
    services.registration_update(user=admin, registration=evaluated)
    return {"campaign": campaign, "ward": ward, "draft": draft}


def url(campaign, **params):
    from django.utils.http import urlencode

    return reverse("registry:campaign_board", args=[campaign.pk]) + (
        "?" + urlencode(params) if params else ""
    )


# Figures ----------------------------------------------------------------------------------


def test_each_row_counts_its_subtree_by_state_and_each_count_lists_exactly_its_rows(tree, story, client):
    client.force_login(tree.admin_province)
    response = client.get(url(story["campaign"]))
    assert response.status_code == 200
    rows = {item["row"].unit.pk: item for item in response.context["rows"]}
    assert set(rows) == {tree.a.pk, tree.b.pk}
    a, b = rows[tree.a.pk]["row"], rows[tree.b.pk]["row"]
    assert a.counts == {"draft": 1, "submitted": 0, "accepted": 2, "returned": 1, "total": 4, "effective": 1,
                        "not_effective": 0, "unevaluated": 1}  # fmt: skip
    assert (a.registered, a.asked, a.late_units, a.unevaluated_units) == (1, 2, 1, 1)
    assert (b.counts["submitted"], b.counts["total"], b.registered, b.asked, b.percent) == (1, 1, 1, 1, 100)
    total = response.context["total"]["row"]
    assert (total.counts["total"], total.registered, total.asked) == (5, 2, 3)
    assert "66,7%" in response.content.decode()
    # Every count, of every row and of the total, is the number of rows its link lists.
    for item in [*response.context["rows"], response.context["total"]]:
        for cell, href, _label in item["cells"]:
            listed = client.get(href)
            assert listed.context["paginator"].count == cell.value, (item["row"].unit.name, cell.key)


def test_overdue_for_registration_after_its_deadline_and_for_evaluation_after_its_own(tree, story):
    campaign = story["campaign"]

    def overdue(day):
        shown = board.build(campaign=campaign, root=tree.province, today=day)
        rows = {row.unit.pk: (row.overdue_registration, row.overdue_evaluation) for row in shown.rows}
        units = {(unit.pk, kind) for unit, kind in board.overdue_units(campaign, tree.province, day)}
        return rows, units

    assert overdue(datetime.date(YEAR, 3, 31)) == (
        {tree.a.pk: (False, False), tree.b.pk: (False, False)},
        set(),
    )
    late = (tree.commune.pk, NotificationKind.REGISTRATION)
    assert overdue(datetime.date(YEAR, 4, 1)) == (
        {tree.a.pk: (True, False), tree.b.pk: (False, False)},
        {late},
    )
    assert overdue(datetime.date(YEAR, 11, 30))[1] == {late}
    rows, units = overdue(datetime.date(YEAR, 12, 1))
    assert rows == {tree.a.pk: (True, True), tree.b.pk: (False, False)}
    assert units == {late, (tree.cell.pk, NotificationKind.EVALUATION)}


def test_a_row_opens_the_board_of_its_own_subtree(tree, story, client):
    client.force_login(tree.admin_province)
    response = client.get(url(story["campaign"], unit=tree.a.pk))
    rows = {item["row"].unit.pk: item["row"] for item in response.context["rows"]}
    assert set(rows) == {tree.commune.pk}
    assert (rows[tree.commune.pk].counts["total"], rows[tree.commune.pk].asked) == (4, 2)
    assert [step["unit"].pk for step in response.context["trail"]] == [tree.province.pk]


def test_odd_sort_and_unit_values_never_answer_500(tree, story, client):
    client.force_login(tree.admin_province)
    campaign = story["campaign"]
    for order in ["", "-", "--total", "xyz", "percent", "-percent", "-name", "asked", "n" * 500, "\x00"]:
        response = client.get(url(campaign, o=order))
        assert response.status_code == 200, order
    for unit in ["abc", "-1", "0", "1.5", "99999999999999999999", "\u0661", tree.b.pk]:
        assert client.get(url(campaign, unit=unit)).status_code in (200, 404), unit
    for data in [{}, {"unit": "x", "token": "'; drop"}, {"unit": "99999999999"}, {"token": "a" * 5000}]:
        response = client.post(reverse("registry:campaign_remind", args=[campaign.pk]), data)
        assert response.status_code in (302, 404), data
    response = client.get(url(campaign, o="-percent"))
    percents = [item["row"].percent for item in response.context["rows"]]
    assert percents == sorted(percents, reverse=True)


def test_the_workbook_equals_the_screen(tree, story, client):
    client.force_login(tree.admin_province)
    campaign = story["campaign"]
    screen = client.get(url(campaign, o="-total")).context
    download = client.get(url(campaign, o="-total", export="xlsx"))
    assert download["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = openpyxl.load_workbook(io.BytesIO(download.content)).active
    values = [list(row) for row in sheet.iter_rows(min_row=5, values_only=True)]
    expected = [board.line(item["row"]) for item in screen["rows"]]
    expected.append(["Tổng cộng", *board.line(screen["total"]["row"])[1:]])
    assert [[None if v == "" else v for v in row] for row in expected] == values
    assert values[0][0] == tree.a.name and values[-1][-3:-1] == [3, 66.7]


def test_the_board_runs_the_same_queries_however_many_units_and_registrations(tree, story, client):
    client.force_login(tree.admin_province)
    campaign = story["campaign"]
    client.get(url(campaign))  # the session, the first time

    def queries():
        """The queries of the first request after a write (counted), and of the next (cached)."""
        cache.clear()
        counts = []
        for _time in range(2):
            with CaptureQueriesContext(connection) as captured:
                assert client.get(url(campaign)).status_code == 200
            counts.append(len(captured))
        return counts

    before = queries()
    assert before[1] == before[0] - 3  # the kept counts, the asked units and the rows' units
    for number in range(3):
        district = make_unit(f"Huyện ủy số {number}", tree.province, UnitType.DISTRICT)
        commune = make_unit(f"Đảng ủy xã số {number}", district, UnitType.COMMUNE)
        registered(commune)
        registered(make_unit(f"Chi bộ số {number}", commune, UnitType.CELL))
    assert queries() == before
    assert len(client.get(url(campaign)).context["rows"]) == 5


def test_the_cached_board_follows_every_write_below(tree, story, client):
    """A review step, an evaluation, a draft and a new unit each show on the next request."""
    client.force_login(tree.admin_province)
    campaign = story["campaign"]

    def total(key):
        return client.get(url(campaign)).context["total"]["row"].counts[key]

    assert (total("draft"), total("submitted"), total("accepted")) == (1, 1, 2)
    submitted = Registration.objects.get(unit=story["ward"], year=YEAR)
    review.act(user=tree.admin_province, action=ReviewAction.ACCEPT, registrations=[submitted])
    assert (total("submitted"), total("accepted")) == (0, 3)
    submitted.refresh_from_db()
    submitted.evaluation = Evaluation.NOT_EFFECTIVE
    submitted.evaluated_on = datetime.date(YEAR, 11, 2)
    services.registration_update(user=tree.admin_province, registration=submitted)
    assert total("not_effective") == 1
    registered(tree.cell)
    assert total("draft") == 2
    asked = client.get(url(campaign)).context["total"]["row"].asked
    make_unit("Chi bộ thôn Bản Chiêng", tree.commune, UnitType.CELL)
    assert client.get(url(campaign)).context["total"]["row"].asked == asked + 1


# Reminders --------------------------------------------------------------------------------


def test_reminders_notify_the_overdue_units_editors_and_mail_those_with_an_address(tree, story, client):
    tree.editor_a.email = "bientap.a@example.org"
    tree.editor_a.save()
    commune_admin = UserFactory(username="quantri_xa")  # no e-mail: notified in the application only
    MembershipFactory(user=commune_admin, unit=tree.commune, role=Role.ADMIN)
    client.force_login(tree.admin_province)
    campaign = story["campaign"]
    token = services.new_token()
    response = client.post(reverse("registry:campaign_remind", args=[campaign.pk]), {"token": token})
    assert response.status_code == 302
    got = set(Notification.objects.values_list("user__username", "unit_id", "kind"))
    assert got == {
        ("bientap_a", tree.commune.pk, NotificationKind.REGISTRATION),
        ("bientap_a", tree.cell.pk, NotificationKind.EVALUATION),
        ("quantri_xa", tree.commune.pk, NotificationKind.REGISTRATION),
        ("quantri_xa", tree.cell.pk, NotificationKind.EVALUATION),
    }  # the viewers, B's editor and the province's staff get none
    assert [message.to for message in mail.outbox] == [["bientap.a@example.org"]]
    assert tree.commune.name in mail.outbox[0].body and tree.cell.name in mail.outbox[0].body
    # Sent again: the same form (a double click) and a new one within the hour change nothing.
    client.post(reverse("registry:campaign_remind", args=[campaign.pk]), {"token": token})
    client.post(reverse("registry:campaign_remind", args=[campaign.pk]), {"token": services.new_token()})
    assert Notification.objects.count() == 4 and len(mail.outbox) == 1
    # The recipient reads them on the home page and marks them read.
    client.force_login(tree.editor_a)
    home = client.get(reverse("registry:home"))
    assert home.context["unread_count"] == 2 and tree.commune.name in home.content.decode()
    client.post(reverse("registry:notification_read"), {"all": "1"})
    assert client.get(reverse("registry:home")).context["unread_count"] == 0
    assert Notification.objects.filter(read_at__isnull=True).count() == 2  # the commune admin's


def test_a_reminder_reads_in_the_readers_language_whoever_sent_it_and_mails_in_vietnamese(
    tree, story, client, settings
):
    tree.editor_a.email = "bientap.a@example.org"
    tree.editor_a.save()
    client.force_login(tree.admin_province)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # the sender works in English
    response = client.post(reverse("registry:campaign_remind", args=[story["campaign"].pk]), {"token": "t"})
    assert response.status_code == 302
    assert "Nhắc nhở tiến độ" in mail.outbox[0].subject and "chưa đăng ký mô hình" in mail.outbox[0].body
    client.force_login(tree.editor_a)
    pages = {}
    for language in ("vi", "en"):
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        pages[language] = {
            name: client.get(reverse(name)).content.decode()
            for name in ("registry:home", "registry:notification_list")
        }
    for page in pages["vi"].values():
        assert f"Nhắc nhở: {tree.commune.name} chưa đăng ký mô hình" in page
    for page in pages["en"].values():
        assert f"Reminder: {tree.commune.name}" in page and "chưa đăng ký mô hình" not in page


def test_nothing_is_reminded_before_the_deadlines(tree, story):
    sent = reminders.reminders_send(
        user=tree.admin_province,
        campaign=story["campaign"],
        root=tree.province,
        today=datetime.date(YEAR, 2, 1),
    )
    assert (sent.notifications, Notification.objects.count(), len(mail.outbox)) == (0, 0, 0)


# Scoping ----------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["viewer", "editor", "admin"])
def test_a_branch_reads_its_own_rows_never_the_other_branch_and_cannot_remind(tree, story, client, role):
    user = UserFactory(username=f"{role}_a2")
    MembershipFactory(user=user, unit=tree.a, role=role)
    client.force_login(user)
    campaign = story["campaign"]
    response = client.get(url(campaign))
    assert response.status_code == 200
    assert response.context["root"] == tree.a  # read from below: the user's own unit
    assert {item["row"].unit.pk for item in response.context["rows"]} == {tree.commune.pk}
    assert story["ward"].name not in response.content.decode()
    assert response.context["can_remind"] is False
    assert client.get(url(campaign, unit=tree.b.pk)).status_code == 404
    assert client.get(url(campaign, unit=tree.province.pk)).status_code == 404
    remind = client.post(reverse("registry:campaign_remind", args=[campaign.pk]), {"unit": tree.a.pk})
    assert remind.status_code == 403 and not Notification.objects.exists()
    campaign_b = CampaignFactory(unit=tree.b)
    assert client.get(url(campaign_b)).status_code == 404


def test_a_province_viewer_reads_the_board_without_the_reminder_button(tree, story, client):
    viewer = UserFactory(username="xem_tinh")
    MembershipFactory(user=viewer, unit=tree.province, role=Role.VIEWER)
    client.force_login(viewer)
    response = client.get(url(story["campaign"]))
    assert response.status_code == 200 and not response.context["can_remind"]
    assert "campaign_remind" not in response.content.decode() and "nhac-nho" not in response.content.decode()


def test_the_home_page_runs_the_same_queries_with_many_notifications_and_odd_marks_never_500(tree, client):
    client.force_login(tree.editor_a)
    client.get(reverse("registry:home"))

    def queries():
        with CaptureQueriesContext(connection) as captured:
            client.get(reverse("registry:home"))
        return len(captured)

    before = queries()
    Notification.objects.bulk_create(
        [Notification(user=tree.editor_a, title=f"Thông báo {n}", link="/dot-thi-dua/") for n in range(12)]
    )
    assert queries() == before
    other = Notification.objects.create(user=tree.editor_b, title="Của người khác")
    for data in [
        {},
        {"pk": "abc"},
        {"pk": "-3"},
        {"pk": "9" * 40},
        {"pk": other.pk},
        {"next": "//evil.example"},
    ]:
        assert client.post(reverse("registry:notification_read"), data).status_code == 302, data
    other.refresh_from_db()
    assert other.read_at is None
    page = client.get(reverse("registry:notification_list"))
    assert page.status_code == 200 and "Của người khác" not in page.content.decode()
