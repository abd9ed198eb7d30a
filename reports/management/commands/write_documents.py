"""Write a login's documents (report drafts, decision drafts, certificates) and their pages as PNG."""

from django.core.management.base import BaseCommand

from reports.documents import samples


class Command(BaseCommand):
    help = "Ghi các văn bản (dự thảo báo cáo, dự thảo quyết định, giấy chứng nhận) của một tài khoản."

    def add_arguments(self, parser):
        parser.add_argument("--user", default="thainguyen", help="tài khoản (mặc định: thainguyen)")
        parser.add_argument("--out", default="artifacts/documents", help="thư mục ghi ra")
        parser.add_argument("--no-convert", action="store_true", help="không chuyển sang PDF, PNG")

    def handle(self, *args, **options):
        paths = samples.write_documents(options["user"], options["out"])
        for path in paths:
            self.stdout.write(str(path))
        if not options["no_convert"]:
            for tool in samples.convert(paths, options["out"]):
                self.stdout.write(self.style.WARNING(f"{tool} không có: bỏ qua bước chuyển đổi."))
