"""Limits of the import: who may upload, how many uploads may wait, how big a number may be."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from intake import services
from intake.models import BatchStatus, ImportBatch

from .conftest import HEADERS, make_xlsx
from .test_import import confirm

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ROW = ["", "X. Cẩm Giàng", "Mô hình có giới hạn", "Tập thể", "", "Kinh tế", 2024, "15/03/2024"]


def upload(client, name="danh-sach.xlsx"):
    content = make_xlsx([ROW], HEADERS)
    return client.post(reverse("intake:upload"), {"file": SimpleUploadedFile(name, content, XLSX)})


WRITING_PAGES = [
    ("get", "intake:upload", {}),
    ("post", "intake:upload", {}),
    ("get", "intake:template", {}),
    ("get", "intake:rollover", {}),
    ("post", "intake:bulk", {"action": "delete", "scope": "all"}),
]


@pytest.mark.parametrize(
    ("method", "name", "data"), WRITING_PAGES, ids=[f"{m} {n}" for m, n, _d in WRITING_PAGES]
)
def test_a_viewer_is_refused_every_page_that_writes(tree, client_for, method, name, data):
    response = getattr(client_for(tree.viewer_a), method)(reverse(name), data)
    assert response.status_code == 403


def test_a_viewer_cannot_confirm_an_import(tree, client_for):
    batch = services.import_check(
        batch=services.import_create(user=tree.editor_a, name="a.xlsx", content=make_xlsx([ROW], HEADERS))
    )
    batch.user = tree.viewer_a  # as if the viewer owned a checked batch
    batch.save()
    response = client_for(tree.viewer_a).post(reverse("intake:batch_confirm", args=[batch.pk]))
    assert response.status_code == 403
    batch.refresh_from_db()
    assert batch.status == BatchStatus.CHECKED


def test_a_viewer_is_not_shown_the_import_entry_point(tree, client_for):
    page = client_for(tree.viewer_a).get(reverse("registry:registration_list")).content.decode()
    assert reverse("intake:upload") not in page
    page = client_for(tree.editor_a).get(reverse("registry:registration_list")).content.decode()
    assert reverse("intake:upload") in page


def test_a_user_may_have_only_a_few_uploads_waiting(tree, client_for, settings):
    settings.INTAKE_MAX_PENDING = 2
    client = client_for(tree.editor_a)
    assert upload(client).status_code == 302
    assert upload(client).status_code == 302
    response = upload(client)
    assert response.status_code == 200
    assert "Bạn đang có 2 tệp chờ xử lý (tối đa 2)" in response.content.decode()
    assert ImportBatch.objects.count() == 2
    # An upload imported, or cancelled, no longer waits.
    confirm(ImportBatch.objects.order_by("pk").first())
    assert upload(client).status_code == 302


def test_the_cap_counts_only_the_users_own_waiting_uploads(tree, settings):
    settings.INTAKE_MAX_PENDING = 1
    content = make_xlsx([ROW], HEADERS)
    services.import_create(user=tree.editor_a, name="a.xlsx", content=content)
    services.import_create(user=tree.editor_b, name="b.xlsx", content=content)
    with pytest.raises(ValidationError):
        services.import_create(user=tree.editor_a, name="c.xlsx", content=content)
