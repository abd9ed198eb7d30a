"""The pages as a user reaches them: template, upload, preview, progress, confirm; scope and expiry."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from intake.models import BatchStatus, ImportBatch
from registry.models import Initiative
from registry.tests.factories import UserFactory

from .conftest import HEADERS, make_xlsx

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def upload(client, content, name="danh-sach.xlsx"):
    return client.post(reverse("intake:upload"), {"file": SimpleUploadedFile(name, content, XLSX)})


def good_file():
    return make_xlsx(
        [["", "X. Cẩm Giàng", "Mô hình qua trang web", "Tập thể", "", "Kinh tế", 2024, "15/03/2024"]], HEADERS
    )


def test_the_template_lists_the_users_units_and_offers_drop_down_lists(tree, client_for):
    response = client_for(tree.editor_a).get(reverse("intake:template"))
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["Hướng dẫn", "Danh sách mô hình", "Đơn vị", "Danh mục"]
    assert workbook["Danh mục"].sheet_state == "hidden"
    units = [(row[0], row[1]) for row in workbook["Đơn vị"].iter_rows(min_row=2, values_only=True)]
    assert units == [
        ("BT", "Huyện ủy Bạch Thông"),
        ("BT-CG", "Đảng ủy xã Cẩm Giàng"),
        ("BT-CG-NP", "Chi bộ thôn Nà Phải"),
    ]
    data = workbook["Danh sách mô hình"]
    headers = [cell.value for cell in data[1]]
    assert headers[:3] == ["Mã đơn vị", "Đơn vị", "Tên mô hình"]
    lists = {str(v.sqref): v.formula1 for v in data.data_validations.dataValidation}
    assert lists["D2:D5001"] == "='Danh mục'!$A$2:$A$3"
    assert str(data["C2"].value).startswith("Ví dụ:")


def test_the_templates_example_row_is_not_imported(tree, client_for):
    client = client_for(tree.editor_a)
    template = client.get(reverse("intake:template")).content
    response = upload(client, template, "mau.xlsx")
    batch = ImportBatch.objects.get()
    assert response["Location"] == batch.get_absolute_url()
    assert batch.rows.count() == 0
    assert "ví dụ" in batch.summary["warnings"][0]


def test_upload_check_preview_and_confirm(tree, client_for):
    client = client_for(tree.editor_a)
    response = upload(client, good_file())
    batch = ImportBatch.objects.get()
    assert response.status_code == 302
    page = client.get(batch.get_absolute_url())
    assert page.status_code == 200
    text = page.content.decode()
    assert "Xác nhận nhập" in text and "Mô hình qua trang web" in text
    response = client.post(reverse("intake:batch_confirm", args=[batch.pk]))
    assert response.status_code == 302
    batch.refresh_from_db()
    assert batch.status == BatchStatus.DONE
    assert batch.content == b""
    assert Initiative.objects.filter(name="Mô hình qua trang web", unit=tree.commune).exists()
    # A second confirmation does nothing.
    client.post(reverse("intake:batch_confirm", args=[batch.pk]))
    assert Initiative.objects.filter(name="Mô hình qua trang web").count() == 1


@pytest.mark.parametrize(
    "content, message",
    [
        (b"%PDF-1.4", "không phải là tệp Excel"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "EncryptionInfo".encode("utf-16-le"), "mật khẩu"),
        (b"PK\x03\x04garbage", "bị hỏng"),
        (b"", "rỗng"),
    ],
)
def test_a_bad_file_gets_a_clear_message_and_changes_nothing(tree, client_for, content, message):
    response = upload(client_for(tree.editor_a), content)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_a_file_over_the_limit_is_refused_before_reading(tree, client_for, settings):
    settings.INTAKE_MAX_BYTES = 1024
    response = upload(client_for(tree.editor_a), good_file())
    assert "vượt giới hạn" in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_an_import_belongs_to_its_uploader(tree, client_for):
    upload(client_for(tree.editor_a), good_file())
    batch = ImportBatch.objects.get()
    other = client_for(tree.admin_province)
    for name, method in [
        ("intake:batch_detail", "get"),
        ("intake:batch_progress", "get"),
        ("intake:batch_confirm", "post"),
        ("intake:batch_delete", "post"),
    ]:
        response = getattr(other, method)(reverse(name, args=[batch.pk]))
        assert response.status_code == 404, name
    batch.refresh_from_db()
    assert batch.status == BatchStatus.CHECKED


def test_an_expired_import_answers_404_and_is_cleaned_up(tree, client_for):
    client = client_for(tree.editor_a)
    upload(client, good_file())
    batch = ImportBatch.objects.get()
    ImportBatch.objects.update(expires_at=timezone.now() - datetime.timedelta(minutes=1))
    assert client.get(batch.get_absolute_url()).status_code == 404
    assert client.post(reverse("intake:batch_confirm", args=[batch.pk])).status_code == 404
    call_command("intake_cleanup", stdout=io.StringIO())
    assert not ImportBatch.objects.exists()


def test_the_progress_fragment_polls_while_running_and_reloads_the_page_at_the_end(tree, client_for):
    client = client_for(tree.editor_a)
    batch = ImportBatch.objects.create(
        user=tree.editor_a,
        file_name="a.xlsx",
        file_size=1,
        content=b"x",
        status=BatchStatus.CHECKING,
        progress_done=250,
        progress_total=1000,
    )
    url = reverse("intake:batch_progress", args=[batch.pk])
    fragment = client.get(url, headers={"HX-Request": "true"})
    assert 'hx-trigger="every 1s"' in fragment.content.decode()
    assert 'aria-valuenow="25"' in fragment.content.decode()
    batch.status = BatchStatus.CHECKED
    batch.save()
    done = client.get(url, headers={"HX-Request": "true"})
    assert done["HX-Refresh"] == "true"


def test_a_worker_less_page_shows_the_queued_state(tree, client_for, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    client = client_for(tree.editor_a)
    upload(client, good_file())
    batch = ImportBatch.objects.get()
    assert batch.status == BatchStatus.QUEUED
    assert "hx-get" in client.get(batch.get_absolute_url()).content.decode()


def test_cancelling_an_import_deletes_it(tree, client_for):
    client = client_for(tree.editor_a)
    upload(client, good_file())
    batch = ImportBatch.objects.get()
    client.post(reverse("intake:batch_delete", args=[batch.pk]))
    assert not ImportBatch.objects.exists()


def test_the_upload_page_lists_only_the_users_own_imports(tree, client_for):
    ImportBatch.objects.create(user=UserFactory(), file_name="cua-nguoi-khac.xlsx", file_size=1, content=b"x")
    page = client_for(tree.editor_a).get(reverse("intake:upload")).content.decode()
    assert "cua-nguoi-khac.xlsx" not in page
    assert "Tải tệp mẫu" in page
