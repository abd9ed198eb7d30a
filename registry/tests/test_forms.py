"""Bad input gets a message in Vietnamese next to the field, and nothing is saved."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from registry.models import Attachment, Decision, Initiative, Registration

from .factories import InitiativeFactory, RegistrationFactory, UserFactory
from .test_workflow import initiative_post

pytestmark = pytest.mark.django_db


def test_individual_without_person_is_refused_and_nothing_saved(tree, client_for):
    client = client_for(tree.editor_a)
    before = Registration.objects.count()
    response = client.post(reverse("registry:initiative_create"), initiative_post(tree, kind="individual"))
    assert response.status_code == 200
    assert response.context["form"].errors["person_name"] == [
        "Mô hình cá nhân phải ghi họ và tên người thực hiện."
    ]
    assert "Chưa lưu" in response.content.decode()
    assert Registration.objects.count() == before
    assert not Initiative.objects.filter(name__contains="nông thôn mới").exists()


@pytest.mark.parametrize(
    ("field", "value", "words"),
    [
        ("name", "", "bắt buộc"),
        ("year", "abc", "số nguyên"),
        ("year", "1899", "2000"),
        ("registered_on", "31/02/2024", "ngày hợp lệ"),
        ("registered_on", "01/06/2019", "Ngày đăng ký 01/06/2019 không thuộc năm 2024"),
        ("registered_on", "01/01/0001", "phần mềm nhận ngày từ 01/01/1990"),
        ("field", "999999", "lựa chọn hợp lệ"),
    ],
)
def test_initiative_form_explains_each_bad_field(tree, client_for, field, value, words):
    client = client_for(tree.editor_a)
    response = client.post(reverse("registry:initiative_create"), initiative_post(tree, **{field: value}))
    assert response.status_code == 200
    errors = " ".join(response.context["form"].errors[field])
    assert words.lower() in errors.lower(), errors
    assert not Initiative.objects.filter(name__contains="nông thôn mới").exists()


def test_registering_the_same_year_twice_is_explained(tree, client_for):
    client = client_for(tree.editor_a)
    response = client.post(
        reverse("registry:registration_create", args=[tree.initiative_a.pk]),
        {
            "year": 2023,
            "unit": tree.cell.pk,
            "registered_on": "2023-04-01",
            "level": "grassroots",
            "evaluation": "pending",
        },
    )
    assert response.context["form"].errors["year"] == ["Mô hình này đã được đăng ký năm 2023."]


def test_commendation_without_award_form_is_refused(tree, client_for):
    client = client_for(tree.editor_a)
    data = {
        "kind": "commendation",
        "number": "88",
        "symbol": "QĐ-UBND",
        "signed_on": "2023-12-01",
        "issuing_unit": tree.a.pk,
        "issuer_name": "Ủy ban nhân dân huyện Bạch Thông",
        "level": "district",
        "title": "Khen thưởng",
    }
    response = client.post(reverse("registry:decision_create"), data)
    assert response.context["form"].errors["award_form"] == [
        "Quyết định khen thưởng phải có hình thức khen thưởng."
    ]
    assert not Decision.objects.filter(number="88").exists()


def test_duplicate_decision_reference_is_refused(tree, client_for):
    client = client_for(tree.editor_a)
    existing = tree.decision_a
    data = {
        "kind": "recognition",
        "number": existing.number,
        "symbol": existing.symbol,
        "signed_on": existing.signed_on.isoformat(),
        "issuing_unit": tree.a.pk,
        "issuer_name": "Ban Thường vụ Huyện ủy",
        "level": "district",
        "title": "Trùng",
    }
    response = client.post(reverse("registry:decision_create"), data)
    assert "Đã có quyết định cùng số" in str(response.context["form"].errors)


def test_uploads_are_checked_for_type_forgery_and_size(tree, client_for, settings):
    client = client_for(tree.editor_a)
    url = reverse("registry:attachment_create", args=[tree.initiative_a.pk])
    settings.MEDIA_ROOT = str(settings.BASE_DIR / "artifacts" / "test-media")
    forged = SimpleUploadedFile("bien-ban.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    response = client.post(url, {"kind": "document", "title": "Biên bản", "file": forged})
    assert "không đúng định dạng .pdf" in str(response.context["form"].errors["file"])
    script = SimpleUploadedFile("virus.exe", b"MZ", content_type="application/octet-stream")
    response = client.post(url, {"kind": "document", "title": "Tệp lạ", "file": script})
    assert "chỉ nhận các loại" in str(response.context["form"].errors["file"])
    settings.ATTACHMENT_MAX_BYTES = 10
    big = SimpleUploadedFile("anh.png", b"\x89PNG\r\n\x1a\n" + b"0" * 100, content_type="image/png")
    response = client.post(url, {"kind": "photo", "title": "Ảnh", "file": big})
    assert "vượt giới hạn" in str(response.context["form"].errors["file"])
    assert not Attachment.objects.exists()
    settings.ATTACHMENT_MAX_BYTES = 10_000
    good = SimpleUploadedFile("anh.png", b"\x89PNG\r\n\x1a\n" + b"0" * 100, content_type="image/png")
    response = client.post(url, {"kind": "photo", "title": "Ảnh hội nghị", "file": good})
    assert response.status_code == 302
    attachment = Attachment.objects.get()
    assert client.get(reverse("registry:attachment_download", args=[attachment.pk])).status_code == 200
    other = client_for(tree.editor_b)
    assert other.get(reverse("registry:attachment_download", args=[attachment.pk])).status_code == 404


# The date rules, shown on the field they are about ------------------------------------------


def registration_post(unit, year, registered_on, **extra):
    return {
        "year": year,
        "unit": unit.pk,
        "registered_on": registered_on,
        "level": "grassroots",
        "evaluation": "pending",
        **extra,
    }


def test_a_registration_in_a_closed_unit_names_its_successor_on_the_unit_field(
    tree, client_for, closed_commune
):
    initiative = InitiativeFactory(unit=closed_commune)
    url = reverse("registry:registration_create", args=[initiative.pk])
    response = client_for(tree.editor_a).post(url, registration_post(closed_commune, 2025, "01/07/2025"))
    assert response.status_code == 200
    assert response.context["form"].errors["unit"] == [
        "Đơn vị “Đảng ủy xã Quân Bình” hoạt động đến ngày 30/06/2025, không còn hoạt động ngày "
        "01/07/2025. Đơn vị kế thừa là “Đảng ủy xã Cẩm Giàng”: hãy chọn đơn vị này."
    ]
    assert not initiative.registrations.exists()
    response = client_for(tree.editor_a).post(url, registration_post(closed_commune, 2025, "30/06/2025"))
    assert response.status_code == 302


def test_the_registration_edit_form_refuses_a_date_after_the_unit_closed(tree, client_for, closed_commune):
    registration = RegistrationFactory(initiative=InitiativeFactory(unit=closed_commune), year=2025)
    url = reverse("registry:registration_update", args=[registration.pk])
    data = registration_post(closed_commune, 2025, "15/08/2025", status="new")
    response = client_for(tree.editor_a).post(url, data)
    assert "Đảng ủy xã Cẩm Giàng" in response.context["form"].errors["unit"][0]
    registration.refresh_from_db()
    assert registration.registered_on == datetime.date(2025, 3, 1)


def test_maintained_after_a_gap_is_refused_on_the_status_unless_entered_late_is_ticked(tree, client_for):
    initiative = tree.initiative_a  # registered in 2023 only
    url = reverse("registry:registration_create", args=[initiative.pk])
    client = client_for(tree.editor_a)
    response = client.post(url, registration_post(tree.cell, 2025, "01/02/2025", status="maintained"))
    assert "chưa có đăng ký năm 2024" in response.context["form"].errors["status"][0]
    assert not initiative.registrations.filter(year=2025).exists()
    data = registration_post(tree.cell, 2025, "01/02/2025", status="maintained", entered_late="on")
    assert client.post(url, data).status_code == 302
    registration = initiative.registrations.get(year=2025)
    assert (registration.status, registration.entered_late) == ("maintained", True)


def test_the_year_offered_after_a_gap_is_registered_as_new(tree, client_for):
    """A model last registered in 2023 is offered the next year to come; left to itself it is new."""
    client = client_for(tree.editor_a)
    detail = client.get(tree.initiative_a.get_absolute_url())
    year = detail.context["next_year"]
    assert year > 2024
    url = reverse("registry:registration_create", args=[tree.initiative_a.pk])
    initial = client.get(url, {"year": year}).context["form"].initial
    registered_on = initial["registered_on"].strftime("%d/%m/%Y")
    response = client.post(url, registration_post(tree.cell, year, registered_on))
    assert response.status_code == 302, response.context["form"].errors
    assert tree.initiative_a.registrations.get(year=year).status == "new"


def test_a_new_initiative_entered_as_maintained_needs_entered_late(tree, client_for):
    client = client_for(tree.editor_a)
    url = reverse("registry:initiative_create")
    response = client.post(url, initiative_post(tree, status="maintained"))
    assert "chưa có đăng ký năm 2023" in response.context["form"].errors["status"][0]
    assert not Initiative.objects.filter(name__contains="nông thôn mới").exists()
    response = client.post(url, initiative_post(tree, status="maintained", entered_late="on"))
    assert response.status_code == 302
    registration = Registration.objects.get(initiative__name__contains="nông thôn mới")
    assert (registration.status, registration.entered_late) == ("maintained", True)


def test_the_new_initiative_form_refuses_a_closed_unit_and_saves_nothing(tree, client_for, closed_commune):
    data = initiative_post(tree, unit=closed_commune.pk, year=2025, registered_on="01/07/2025")
    response = client_for(tree.editor_a).post(reverse("registry:initiative_create"), data)
    assert "Đảng ủy xã Cẩm Giàng" in response.context["form"].errors["unit"][0]
    assert not Initiative.objects.filter(name__contains="nông thôn mới").exists()


@pytest.fixture
def admin_client(client_for):
    return client_for(UserFactory(is_superuser=True, is_staff=True))


def test_the_admin_refuses_what_the_site_refuses_and_saves_through_the_services(
    tree, admin_client, closed_commune
):
    registration = RegistrationFactory(initiative=InitiativeFactory(unit=closed_commune), year=2025)
    url = reverse("admin:registry_registration_change", args=[registration.pk])
    data = {
        "initiative": registration.initiative_id,
        "year": 2025,
        "unit": closed_commune.pk,
        "registered_on": "2025-08-15",
        "status": "new",
        "level": "grassroots",
        "evaluation": "pending",
        "evaluation_note": "",
        "results": "",
    }
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert "Đảng ủy xã Cẩm Giàng" in str(response.context["adminform"].form.errors["unit"])
    registration.refresh_from_db()
    assert registration.registered_on == datetime.date(2025, 3, 1)
    response = admin_client.post(url, {**data, "registered_on": "2025-06-30"})
    assert response.status_code == 302
    registration.refresh_from_db()
    assert registration.registered_on == datetime.date(2025, 6, 30)
    assert registration.history.first().history_user.is_superuser


def decision_post(unit, signed_on, **extra):
    return {
        "kind": "recognition",
        "number": "245",
        "symbol": "QĐ/HU",
        "signed_on": signed_on,
        "issuing_unit": unit.pk,
        "issuer_name": "Ban Thường vụ Huyện ủy Bạch Thông",
        "level": "district",
        "title": "Công nhận mô hình “Dân vận khéo”",
        **extra,
    }


def test_a_decision_dated_before_a_model_it_covers_is_refused_on_its_date(tree, client_for):
    registration = tree.registration_a  # registered 01/03/2023
    url = reverse("registry:decision_create") + f"?registration={registration.pk}"
    client = client_for(tree.editor_a)
    response = client.post(url, decision_post(tree.a, "28/02/2023", registration=[registration.pk]))
    assert response.status_code == 200
    assert "trước ngày đăng ký" in response.context["form"].errors["signed_on"][0]
    assert not Decision.objects.filter(number="245").exists()
    response = client.post(url, decision_post(tree.a, "01/03/2023", registration=[registration.pk]))
    assert response.status_code == 302
    assert list(Decision.objects.get(number="245").registrations.all()) == [registration]


def test_the_decision_edit_form_refuses_a_date_before_what_it_covers(tree, client_for):
    decision = tree.decision_a
    url = reverse("registry:decision_update", args=[decision.pk])
    data = decision_post(tree.a, "28/02/2023", number=decision.number)
    response = client_for(tree.editor_a).post(url, data)
    assert "01/03/2023" in response.context["form"].errors["signed_on"][0]
    decision.refresh_from_db()
    assert decision.signed_on == datetime.date(2023, 12, 15)


def test_a_decision_of_a_closed_unit_is_refused_on_the_issuing_unit(tree, client_for, closed_commune):
    response = client_for(tree.editor_a).post(
        reverse("registry:decision_create"), decision_post(closed_commune, "01/07/2025")
    )
    assert "Đảng ủy xã Cẩm Giàng" in response.context["form"].errors["issuing_unit"][0]
    assert not Decision.objects.filter(number="245").exists()


def test_adding_a_model_registered_after_the_decision_is_refused_with_a_message(tree, client_for):
    later = RegistrationFactory(initiative=InitiativeFactory(unit=tree.cell), year=2024)
    url = reverse("registry:decision_registrations", args=[tree.decision_a.pk])
    response = client_for(tree.editor_a).post(url + "?year=2024", {"add": [later.pk]}, follow=True)
    assert "trước ngày đăng ký" in response.content.decode()
    assert list(tree.decision_a.registrations.all()) == [tree.registration_a]


def test_the_admin_checks_a_decision_against_the_registrations_chosen_on_its_form(tree, admin_client):
    decision = tree.decision_a
    later = RegistrationFactory(initiative=InitiativeFactory(unit=tree.cell), year=2024)  # 01/03/2024
    url = reverse("admin:registry_decision_change", args=[decision.pk])
    data = {
        **decision_post(tree.a, "2023-12-15", number=decision.number),
        "signer_name": "",
        "registrations": f"{tree.registration_a.pk},{later.pk}",
    }
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert "trước ngày đăng ký" in str(response.context["adminform"].form.errors["signed_on"])
    assert list(decision.registrations.all()) == [tree.registration_a]
    # Moved after both: saved, with the covered registrations changed through the services.
    response = admin_client.post(url, {**data, "signed_on": "2024-12-15"})
    assert response.status_code == 302
    decision.refresh_from_db()
    assert set(decision.registrations.all()) == {tree.registration_a, later}
    later.refresh_from_db()
    assert later.recognition_rank is not None


def test_the_registration_edit_form_refuses_a_date_after_its_decision(tree, client_for):
    registration = tree.registration_a  # covered by a decision signed on 15/12/2023
    url = reverse("registry:registration_update", args=[registration.pk])
    response = client_for(tree.editor_a).post(
        url, registration_post(tree.cell, 2023, "16/12/2023", status="new")
    )
    assert "sau ngày ký 15/12/2023" in response.context["form"].errors["registered_on"][0]
