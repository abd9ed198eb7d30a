"""Bad input gets a message in Vietnamese next to the field, and nothing is saved."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from registry.models import Attachment, Decision, Initiative, Registration

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
