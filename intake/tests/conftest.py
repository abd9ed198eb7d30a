import io

import pytest
from openpyxl import Workbook

from registry.exports import SHEET_NAME
from registry.tests.conftest import Tree


@pytest.fixture(autouse=True)
def _immediate_tasks(settings):
    # Tasks run in the test's own thread and transaction.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def tree(db):
    return Tree()


def make_xlsx(rows, headers=None, sheet=SHEET_NAME, before=None):
    """Return the bytes of an xlsx whose data sheet holds ``headers`` and ``rows``."""
    workbook = Workbook()
    data = workbook.active
    data.title = sheet
    for line in before or []:
        data.append(line)
    if headers is not None:
        data.append(headers)
    for row in rows:
        data.append(row)
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


HEADERS = [
    "Mã đơn vị",
    "Đơn vị",
    "Tên mô hình",
    "Loại",
    "Họ và tên cá nhân",
    "Lĩnh vực",
    "Năm",
    "Ngày đăng ký",
]
