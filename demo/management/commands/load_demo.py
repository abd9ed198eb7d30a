"""Load the demo data set (``demo.loader``): units, models, decisions and the logins to try them."""

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from demo.data import PASSWORD, ROOT_CODE
from demo.loader import demo_loaded, load_demo, logins_table
from demo.text import vn_number, vn_seconds


class Command(BaseCommand):
    help = (
        "Nạp dữ liệu mẫu: cây đơn vị Bắc Kạn, Thái Nguyên, Yên Bái, Lào Cai trước và sau ngày 01/07/2025, "
        "các mô hình “Dân vận khéo” tái hiện số liệu của năm bài báo và các tài khoản dùng thử "
        f"(mật khẩu {PASSWORD}). Nếu dữ liệu mẫu đã có thì không làm gì."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Xóa mọi đơn vị, mô hình, đăng ký, quyết định, phân quyền và tài khoản mẫu, rồi nạp lại.",
        )
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="Cho phép chạy khi DEBUG tắt (máy chủ thật): tài khoản mẫu có mật khẩu công khai.",
        )

    def handle(self, *args, **options):
        if not settings.DEMO_DATA_ALLOWED and not options["allow_production"]:
            # Demo accounts have a published password and --reset empties the registry.
            raise CommandError(
                "DEBUG đang tắt (máy chủ thật): không nạp dữ liệu mẫu. "
                "Thêm --allow-production nếu thật sự muốn."
            )
        if not options["reset"] and demo_loaded():
            self.stdout.write(
                self.style.WARNING(
                    f"Dữ liệu mẫu đã được nạp (đã có đơn vị mã {ROOT_CODE}): không thay đổi gì. "
                    "Dùng --reset để xóa và nạp lại."
                )
            )
            self.write_logins()
            return
        started = time.perf_counter()
        counts = load_demo(reset=options["reset"], log=self.stdout.write)
        seconds = vn_seconds(time.perf_counter() - started)
        summary = ", ".join(f"{vn_number(count)} {what}" for what, count in counts.items())
        self.stdout.write(self.style.SUCCESS(f"Đã nạp dữ liệu mẫu trong {seconds}: {summary}."))
        self.write_logins()

    def write_logins(self):
        self.stdout.write("\nTài khoản dùng thử:")
        for line in logins_table():
            self.stdout.write(line)
