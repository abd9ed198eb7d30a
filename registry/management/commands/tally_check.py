"""Check the counts kept ready against a recount of the registrations, and repair them."""

import time

from django.core.management.base import BaseCommand, CommandError

from registry.lineage import carriers_check
from registry.tally import CURRENT, OWN, REPORTED, tally_check

LABELS = {
    REPORTED: "như đã báo cáo",
    CURRENT: "theo tổ chức hiện nay",
    OWN: "riêng của từng đơn vị (bảng tiến độ)",
}


class Command(BaseCommand):
    help = (
        "Kiểm tra đơn vị kế thừa của từng đăng ký theo lịch sử sắp xếp, rồi đếm lại toàn bộ đăng ký "
        "và so với số liệu tổng hợp sẵn (cả hai cách tính: như đã báo cáo và theo tổ chức hiện nay, "
        "cùng số riêng của từng đơn vị). Với --repair, sửa đơn vị kế thừa và ghi lại các dòng sai lệch."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--repair", action="store_true", help="Ghi lại các dòng sai lệch theo số đếm lại."
        )

    def handle(self, *args, **options):
        started = time.perf_counter()
        # The carriers first: today's counts are recounted by them.
        carried_wrong, _touched = carriers_check(repair=options["repair"])
        self.stdout.write(
            f"Đơn vị kế thừa: {carried_wrong} đăng ký chưa tính vào đúng đơn vị kế thừa theo lịch sử sắp xếp."
        )
        report = tally_check(repair=options["repair"])
        seconds = f"{time.perf_counter() - started:.1f}".replace(".", ",")
        for structure, (held, expected, differ) in report.items():
            self.stdout.write(
                f"Số liệu {LABELS[structure]}: {held} dòng đang giữ, {expected} dòng theo số đếm lại, "
                f"{differ} dòng sai lệch."
            )
        wrong = carried_wrong + sum(differ for _held, _expected, differ in report.values())
        self.stdout.write(f"Thời gian kiểm tra: {seconds} giây.")
        if wrong and options["repair"]:
            self.stdout.write(self.style.SUCCESS(f"Đã sửa {wrong} dòng sai lệch."))
        elif wrong:
            raise CommandError(f"Có {wrong} dòng sai lệch. Chạy lại với --repair để sửa.")
        else:
            self.stdout.write(self.style.SUCCESS("Số liệu tổng hợp khớp với số đếm lại."))
