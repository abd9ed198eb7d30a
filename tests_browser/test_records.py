"""A model's history, the change log, typed numbers, printing and the rollover, in both languages.

At 1280 and 390 px wide, in Vietnamese and in English: an editor types results with Vietnamese
grouping and reads them grouped on the model's page, on screen and printed; reads the model's
history after it was created, edited, deleted, restored and submitted; an administrator reads
the change log filtered by user, unit, kind and date and downloads it, prints the dashboard and
the filtered list, and maintains last year's models from the rollover's own menu place, leaving
one out. Every page passes axe and nothing overflows sideways.
"""

import datetime
import re

import pytest
from django.utils import timezone, translation
from django.utils.text import capfirst
from django.utils.translation import gettext, pgettext
from openpyxl import load_workbook
from playwright.sync_api import expect

from registry import formats, review, services
from registry.choices import Level, ReviewAction, Role, UnitType
from registry.history import ACTION_LABELS, CREATED, DELETED, RESTORED
from registry.models import Initiative, Registration, Unit
from registry.tests.factories import (
    CampaignFactory,
    InitiativeFactory,
    MembershipFactory,
    RegistrationFactory,
    UserFactory,
    make_unit,
)

pytestmark = pytest.mark.django_db(transaction=True)

NAME = "Mô hình “Chợ văn minh” xã Phủ Thông"
# What a page must never show a person: a stored flag, a bare id, an ISO date, ungrouped money.
RAW = re.compile(r"\b(True|False)\b|\d{4}-\d{2}-\d{2}|129000000|1200\b")


@pytest.fixture
def world():
    """A commune's editor with a model of this year (history made by the services) and last year's models."""
    today = datetime.date.today()
    province = make_unit("Tỉnh ủy Thái Nguyên", unit_type=UnitType.PROVINCE, code="TN")
    commune = make_unit("Đảng ủy xã Phủ Thông", province, UnitType.COMMUNE, code="TN-PT")
    CampaignFactory(
        unit=province,
        year=today.year,
        title=f"Thi đua “Dân vận khéo” năm {today.year}",
        launched_on=today - datetime.timedelta(days=30),
        registration_deadline=today + datetime.timedelta(days=5),
        evaluation_deadline=today + datetime.timedelta(days=60),
    )
    editor = UserFactory(username="bientap", first_name="Bình", last_name="Nguyễn Thị")
    MembershipFactory(user=editor, unit=commune, role=Role.EDITOR)
    admin = UserFactory(username="quantri", first_name="An", last_name="Trần Văn")
    MembershipFactory(user=admin, unit=province, role=Role.ADMIN)
    initiative = services.initiative_create(
        user=editor,
        initiative=Initiative(unit=commune, name=NAME, field=InitiativeFactory.build().field),
        year=today.year,
        registered_on=today - datetime.timedelta(days=2),
        level=Level.GRASSROOTS,
    )
    for name in ("Mô hình “Bữa cơm có thịt”", "Mô hình “Đường hoa”", "Mô hình không hiệu quả"):
        RegistrationFactory(
            initiative=InitiativeFactory(unit=commune, name=name),
            year=today.year - 1,
            registered_on=datetime.date(today.year - 1, 3, 1),
        )
    return initiative


def said(language, *texts):
    with translation.override(language):
        return [gettext(text) for text in texts]


def assert_readable(page):
    text = page.locator("main").inner_text()
    found = RAW.search(text)
    assert not found, f"{page.url} shows a raw value: {found.group()!r}"


def printed(page, screenshot, name):
    """Show ``page`` as it prints, save its picture, and come back to the screen."""
    page.emulate_media(media="print")
    path = screenshot(page, name)
    page.emulate_media(media="screen")
    return path


def test_an_editor_types_grouped_results_prints_the_model_and_reads_its_history(
    live_server, open_as, assert_fits, world, assert_accessible, screenshot, language, viewport
):
    initiative = world
    registration = initiative.registrations.get()
    editor = initiative.created_by
    name = f"{language}-{viewport['width']}"
    page = open_as("bientap", language, viewport)
    save, print_button = said(language, "Lưu", "In trang này")
    with translation.override(language):
        people, money, day = (
            formats.grouped(1200),
            formats.money(129000000),
            formats.day(registration.registered_on),
        )

    # Results typed as people write them, read back grouped and summed.
    page.goto(live_server.url + f"/dang-ky/{registration.pk}/sua/")
    page.fill("#id_people_reached", "1.200")
    page.fill("#id_money_mobilised", "129.000.000")
    page.fill("#id_workdays", "350")
    page.get_by_role("button", name=save, exact=True).click()
    expect(page.get_by_role("heading", name=NAME)).to_be_visible()
    registration.refresh_from_db()
    assert (registration.people_reached, registration.money_mobilised) == (1200, 129000000)
    results = page.locator(".results-row").first
    expect(results).to_contain_text(people)
    expect(results).to_contain_text(money)
    expect(page.locator(".results-total")).to_contain_text(money)
    expect(page.get_by_role("button", name=print_button)).to_be_visible()
    assert_readable(page)
    assert_fits(page)
    assert_accessible(page)
    screenshot(page, f"records-detail-{name}")
    printed_at = page.locator(".printed-at")
    expect(printed_at).to_be_hidden()
    page.emulate_media(media="print")
    expect(page.locator(".messages")).to_be_hidden()  # "Changes saved" is not for paper
    expect(page.get_by_role("button", name=print_button)).to_be_hidden()
    expect(printed_at).to_be_visible()
    expect(printed_at).to_contain_text(said(language, "In lúc")[0])
    expect(printed_at).to_contain_text(timezone.localdate().strftime("%d/%m/%Y"))
    screenshot(page, f"records-detail-print-{name}")
    page.emulate_media(media="screen")

    # Deleted to the trash, restored, then submitted to the province: the history says each.
    initiative = Initiative.objects.get(pk=initiative.pk)
    services.soft_delete(user=editor, obj=initiative)
    services.restore(user=editor, obj=Initiative.objects.get(pk=initiative.pk))
    review.act(
        user=editor, action=ReviewAction.SUBMIT, registrations=[Registration.objects.get(pk=registration.pk)]
    )
    page.goto(live_server.url + f"/lich-su/mo-hinh/{initiative.pk}/")
    (submitted,) = said(language, "Gửi xét duyệt")
    with translation.override(language):
        created, deleted, restored = (str(ACTION_LABELS[key]) for key in (CREATED, DELETED, RESTORED))
    history = page.locator("main")
    for action in (created, deleted, restored, submitted):
        expect(history.get_by_text(action, exact=True).first).to_be_visible()
    # The step sent to the province reads with the unit it waits for.
    expect(history.locator(".action-reviewed").locator("xpath=..")).to_contain_text("Tỉnh ủy Thái Nguyên")
    expect(history).to_contain_text("Bình Nguyễn Thị")
    expect(history).to_contain_text(NAME)
    assert_readable(page)
    assert_fits(page)
    assert_accessible(page)
    screenshot(page, f"records-history-initiative-{name}")

    page.goto(live_server.url + f"/lich-su/dang-ky/{registration.pk}/")
    history = page.locator("main")
    expect(history).to_contain_text(money)
    expect(history).to_contain_text(people)
    expect(history).to_contain_text("Đảng ủy xã Phủ Thông")
    expect(history).to_contain_text(day)
    assert_readable(page)
    assert_fits(page)
    assert_accessible(page)
    screenshot(page, f"records-history-registration-{name}")


def test_an_administrator_reads_the_change_log_prints_and_rolls_over_leaving_one_out(
    live_server, open_as, assert_fits, world, assert_accessible, screenshot, language, viewport
):
    today = datetime.date.today()
    phone = viewport["width"] < 576
    name = f"{language}-{viewport['width']}"
    page = open_as("quantri", language, viewport)

    # The change log, filtered by the editor who made the changes: the models' and the
    # registrations' rows.
    page.goto(live_server.url + "/nhat-ky/")
    page.select_option("#id_actor", str(world.created_by.pk))
    page.get_by_role("button", name=said(language, "Lọc")[0], exact=True).click()
    log = page.locator("main")
    expect(log).to_contain_text(NAME)
    expect(log).to_contain_text(said(language, "Tạo mới")[0])
    with translation.override(language):  # as the rows name their kind
        kinds = [str(capfirst(model._meta.verbose_name)) for model in (Initiative, Registration)]
    expect(log).to_contain_text(kinds[1])

    # Narrowed to the commune, to the models and to today: the registrations' rows leave.
    day = timezone.localdate().strftime("%d/%m/%Y")  # the change log's days are the office's
    page.select_option("#id_kind", "mo-hinh")
    page.locator("#id_unit + .ts-wrapper .ts-control").click()
    page.keyboard.type("phu thong")
    page.locator("#id_unit-ts-dropdown .option", has_text="Đảng ủy xã Phủ Thông").click()
    expect(page.locator("#id_unit")).to_have_value(str(world.unit_id))
    page.keyboard.press("Escape")
    # The unit's drop-down closed first: on a phone it lies over the form's buttons.
    expect(page.locator("#id_unit-ts-dropdown")).to_be_hidden()
    page.fill("#id_date_from", day)
    page.fill("#id_date_to", day)
    with page.expect_navigation():
        page.locator("#id_date_to").press("Enter")
    assert "kind=mo-hinh" in page.url
    expect(log).to_contain_text(NAME)
    expect(log.locator(".history-table")).not_to_contain_text(kinds[1])
    assert_readable(page)
    assert_fits(page)
    assert_accessible(page)
    screenshot(page, f"records-changelog-{name}")
    printed(page, screenshot, f"records-changelog-print-{name}")

    # Its download holds the same rows: the model's, by the editor, today.
    with page.expect_download() as download:
        page.get_by_role("link", name=said(language, "Tải về Excel")[0]).click()
    assert download.value.suggested_filename.endswith(".xlsx")
    with open(download.value.path(), "rb") as file:
        rows = list(load_workbook(file).active.iter_rows(min_row=2, values_only=True))
    shown = page.locator(".history-table tbody tr").count()
    assert len(rows) >= shown > 0
    assert {row[2] for row in rows} == {kinds[0]}
    assert {row[3] for row in rows} == {NAME}
    assert all("Bình Nguyễn Thị" in row[1] and day in row[0] for row in rows)

    # A day with no change: nothing listed.
    yesterday = (timezone.localdate() - datetime.timedelta(days=1)).strftime("%d/%m/%Y")
    page.fill("#id_date_from", yesterday)
    page.fill("#id_date_to", yesterday)
    page.get_by_role("button", name=said(language, "Lọc")[0], exact=True).click()
    expect(log).to_contain_text(said(language, "Không có thay đổi nào khớp với bộ lọc.")[0])

    # The dashboard on paper: its title, unit, period and the time it was printed.
    page.goto(live_server.url + f"/bao-cao/?period=year&year={today.year}")
    header = page.locator(".print-header")
    expect(header).to_be_hidden()
    expect(page.get_by_role("button", name=said(language, "In trang này")[0])).to_be_visible()
    page.emulate_media(media="print")
    expect(header).to_be_visible()
    expect(header).to_contain_text("Tỉnh ủy Thái Nguyên")
    expect(header).to_contain_text(str(today.year))
    expect(header).to_contain_text(today.strftime("%d/%m/%Y"))
    expect(page.locator("nav.navbar")).to_be_hidden()
    screenshot(page, f"records-dashboard-print-{name}")
    page.emulate_media(media="screen")

    # The filtered list on paper says its filters.
    page.goto(live_server.url + f"/mo-hinh/?year={today.year - 1}")
    filters = page.locator(".print-filters")
    expect(filters).to_be_hidden()
    page.emulate_media(media="print")
    expect(filters).to_be_visible()
    expect(filters).to_contain_text(str(today.year - 1))
    expect(page.locator("#bo-loc")).to_be_hidden()
    screenshot(page, f"records-list-print-{name}")
    page.emulate_media(media="screen")

    # The rollover from its own menu place, one model left out.
    if phone:
        page.get_by_role("button", name=said(language, "Mở menu")[0]).click()
    with translation.override(language):
        menu_name = pgettext("menu", "Duy trì")
    page.locator("nav.navbar").get_by_role("link", name=menu_name, exact=True).click()
    page.select_option("#id_unit", str(Unit.objects.get(code="TN").pk))
    page.fill("#id_year", str(today.year - 1))
    page.get_by_role("button", name=said(language, "Xem trước")[0]).click()
    left_out = "Mô hình không hiệu quả"
    with translation.override(language):
        leave_label = gettext("Bỏ ra %(name)s") % {"name": left_out}
    page.get_by_label(leave_label).check()
    assert_fits(page)
    assert_accessible(page)
    screenshot(page, f"records-rollover-{name}")
    page.get_by_role("button", name=said(language, "Đăng ký duy trì")[0], exact=True).click()
    expect(page.locator(".alert-success").first).to_be_visible()
    carried = set(Registration.objects.filter(year=today.year).values_list("initiative__name", flat=True))
    assert carried == {NAME, "Mô hình “Bữa cơm có thịt”", "Mô hình “Đường hoa”"}
