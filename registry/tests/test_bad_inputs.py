"""Inputs that used to give a server error, or were accepted though wrong.

A history page with no history row, out-of-range years in every list filter, text with invisible
or direction-changing characters, results beyond any real figure, long attachment names.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from registry import rules, services
from registry.models import Decision, Initiative, Registration, Unit
from registry.text import clean_text, shorten_filename

from .factories import InitiativeFactory, RegistrationFactory
from .test_workflow import initiative_post

pytestmark = pytest.mark.django_db


def test_the_history_of_a_record_without_a_history_row_says_so(tree, client_for):
    tree.initiative_a.history.all().delete()  # as for a record loaded in bulk
    page = client_for(tree.editor_a).get(reverse("registry:history", args=["mo-hinh", tree.initiative_a.pk]))
    assert page.status_code == 200
    assert "Chưa có thay đổi nào được ghi lại" in page.content.decode()


def test_a_decisions_history_names_its_registrations_and_only_counts_those_out_of_scope(tree, client_for):
    other = RegistrationFactory(
        initiative=InitiativeFactory(name="Mô hình ở nhánh khác", unit=tree.b), year=2023
    )
    decision = Decision.objects.get(pk=tree.decision_a.pk)
    services.decision_set_registrations(user=tree.admin_province, decision=decision, add=[other])
    page = client_for(tree.editor_a).get(reverse("registry:history", args=["quyet-dinh", decision.pk]))
    text = page.content.decode()
    assert page.status_code == 200
    assert f"{tree.initiative_a.name} (2023)" in text
    assert "1 mục ngoài phạm vi của bạn" in text
    assert "Mô hình ở nhánh khác" not in text
    assert f"'registration': {other.pk}" not in text


@pytest.mark.parametrize("value", ["0", "-1", "2147483648", "1e10", "99999999999999999999"])
@pytest.mark.parametrize(
    "url, name",
    [
        ("registry:decision_list", "year"),
        ("registry:registration_list", "year"),
        ("registry:registration_list", "year_from"),
        ("registry:registration_list", "year_to"),
    ],
)
def test_a_year_out_of_range_in_a_list_filter_is_explained_not_a_server_error(
    tree, client_for, url, name, value
):
    page = client_for(tree.editor_a).get(reverse(url), {name: value})
    assert page.status_code == 200
    assert f"{rules.FIRST_YEAR}" in page.content.decode()


@pytest.mark.parametrize("value", ["0001-01-01", "9999-12-31", "01/01/0001"])
def test_a_date_out_of_range_in_the_list_filter_is_explained(tree, client_for, value):
    page = client_for(tree.editor_a).get(reverse("registry:registration_list"), {"date_from": value})
    assert page.status_code == 200


def test_a_decisions_registrations_page_with_a_year_out_of_range_answers(tree, client_for):
    url = reverse("registry:decision_registrations", args=[tree.decision_a.pk])
    assert client_for(tree.editor_a).get(url, {"year": "0"}).status_code == 200


def test_invisible_and_direction_changing_characters_are_stripped_from_names(tree, client_for):
    name = "\u202eMô hình\u200b “Dân vận\u2066 khéo”\x07 hiến đất\ufeff"
    response = client_for(tree.editor_a).post(
        reverse("registry:initiative_create"),
        initiative_post(tree, name=name, content="Dòng một\r\nDòng\u200d hai\x1b"),
    )
    assert response.status_code == 302
    initiative = Initiative.objects.get(unit=tree.commune)
    assert initiative.name == "Mô hình “Dân vận khéo” hiến đất"
    assert initiative.content == "Dòng một\nDòng hai"


def test_a_name_made_only_of_invisible_characters_is_refused_as_empty(tree, client_for):
    response = client_for(tree.editor_a).post(
        reverse("registry:initiative_create"), initiative_post(tree, name="\u200b\u202e\u200b")
    )
    assert response.status_code == 200
    assert not Initiative.objects.filter(unit=tree.commune).exists()


def test_clean_text_keeps_vietnamese_and_composes_decomposed_letters():
    assert clean_text("Nguye\u0302\u0303n Thi\u0323 Hoa") == "Nguyễn Thị Hoa"
    assert clean_text("  a\tb\nc ") == "a b c"
    assert clean_text("a\tb\r\nc", multiline=True) == "a\tb\nc"


@pytest.mark.parametrize(
    "field, value, ok",
    [
        ("people_reached", 99999999999, False),
        ("people_reached", 12000, True),
        ("money_mobilised", 10**15, False),
        ("money_mobilised", 135_000_000, True),
        ("workdays", 2147483648, False),
    ],
)
def test_a_registrations_results_have_sane_limits_with_a_clear_message(tree, client_for, field, value, ok):
    registration = tree.registration_a
    data = {
        "year": registration.year,
        "unit": registration.unit_id,
        "registered_on": f"{registration.registered_on:%d/%m/%Y}",
        "status": registration.status,
        "level": registration.level,
        "evaluation": "pending",
        field: value,
    }
    url = reverse("registry:registration_update", args=[registration.pk])
    response = client_for(tree.editor_a).post(url, data)
    assert response.status_code == (302 if ok else 200)
    if not ok:
        assert "không hợp lệ: phần mềm nhận từ 0 đến" in response.content.decode()
    assert (getattr(Registration.objects.get(pk=registration.pk), field) == value) is ok


def test_a_long_text_is_refused_with_its_limit(tree, client_for):
    response = client_for(tree.editor_a).post(
        reverse("registry:initiative_create"),
        initiative_post(tree, content="x" * (rules.LONG_TEXT_MAX_LENGTH + 1)),
    )
    assert response.status_code == 200
    assert not Initiative.objects.filter(unit=tree.commune).exists()


def test_a_long_attachment_name_is_shortened_keeping_its_extension(tree, client_for):
    name = "Báo cáo kết quả thực hiện mô hình dân vận khéo " * 4 + ".pdf"
    upload = SimpleUploadedFile(name, b"%PDF-1.4 test", content_type="application/pdf")
    url = reverse("registry:attachment_create", args=[tree.initiative_a.pk])
    response = client_for(tree.editor_a).post(url, {"kind": "document", "title": "Báo cáo", "file": upload})
    assert response.status_code == 302
    stored = tree.initiative_a.attachments.get().file.name
    assert stored.endswith(".pdf") and len(stored) <= 100


def test_shorten_filename_keeps_the_extension():
    assert shorten_filename("a" * 150 + ".docx", 80) == "a" * 75 + ".docx"
    assert shorten_filename("ngắn.pdf") == "ngắn.pdf"


@pytest.mark.parametrize("value", ["²", "٣", "99999999999999999999"])
def test_numbers_in_addresses_that_are_digits_but_not_numbers_answer(tree, client_for, value):
    client = client_for(tree.editor_a)
    url = reverse("registry:registration_create", args=[tree.initiative_a.pk])
    assert client.get(url, {"year": value}).status_code == 200
    assert client.get(reverse("registry:decision_create"), {"registration": value}).status_code == 200


def test_an_attachment_form_sent_twice_attaches_the_file_once(tree, client_for):
    client = client_for(tree.editor_a)
    url = reverse("registry:attachment_create", args=[tree.initiative_a.pk])
    token = services.new_token()
    for _time in range(2):
        upload = SimpleUploadedFile("bao-cao.pdf", b"%PDF-1.4 test", content_type="application/pdf")
        response = client.post(url, {"kind": "document", "title": "Báo cáo", "file": upload, "token": token})
        assert response.status_code == 302
        assert response["Location"] == tree.initiative_a.get_absolute_url()
    assert tree.initiative_a.attachments.count() == 1


@pytest.mark.parametrize("kind", ["decision", "unit"])
def test_a_create_form_sent_twice_creates_once_and_leads_to_the_record(tree, client_for, kind):
    client = client_for(tree.admin_province)
    if kind == "decision":
        url, model = reverse("registry:decision_create"), Decision
        data = {
            "kind": "recognition",
            "number": "77",
            "symbol": "QĐ/HU",
            "signed_on": "20/12/2023",
            "issuing_unit": tree.a.pk,
            "issuer_name": "Ban Thường vụ Huyện ủy Bạch Thông",
            "level": "district",
            "title": "Công nhận mô hình",
        }
    else:
        url, model = reverse("registry:unit_create"), Unit
        data = {"parent": tree.commune.pk, "name": "Chi bộ thôn Nà Cà", "unit_type": "cell"}
    data["token"] = services.new_token()
    before = model.objects.count()
    locations = {client.post(url, data)["Location"] for _time in range(2)}
    assert model.objects.count() == before + 1
    assert len(locations) == 1
