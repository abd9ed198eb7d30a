"""Generate a country-sized data set to measure performance (``demo.country``)."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from demo import country_data as data
from demo.bulk import Writer
from demo.country import CountryGenerator
from demo.text import vn_number


class Command(BaseCommand):
    help = (
        "Sinh dữ liệu quy mô cả nước để đo hiệu năng: 34 tỉnh, 3.321 xã sau 01/07/2025, 63 tỉnh và các "
        "huyện, xã trước đó, mô hình và lượt đăng ký 2016–2025, quyết định công nhận, khen thưởng. "
        "Cùng --seed thì cùng dữ liệu."
    )

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=2025, help="Hạt giống ngẫu nhiên (mặc định 2025).")
        parser.add_argument(
            "--small", action="store_true", help="Bộ nhỏ để kiểm thử: 2 tỉnh, ~2.000 lượt đăng ký."
        )
        parser.add_argument("--provinces", type=int, help="Chỉ sinh N tỉnh đầu tiên (theo mã).")
        parser.add_argument(
            "--province-codes", help="Mã các tỉnh sau 01/07/2025, cách nhau bởi dấu phẩy (vd. 19,15)."
        )
        parser.add_argument("--communes", type=int, help="Tối đa N xã mỗi tỉnh (mặc định: tất cả).")
        parser.add_argument("--cells", type=int, help="Số chi bộ trung bình mỗi xã (mặc định 10).")
        parser.add_argument("--registrations", type=int, help="Tổng số lượt đăng ký (mặc định 2.000.000).")
        parser.add_argument("--scale", type=float, default=1.0, help="Nhân số lượt đăng ký với hệ số này.")
        parser.add_argument("--first-year", type=int, default=2016)
        parser.add_argument("--last-year", type=int, default=2025)
        parser.add_argument(
            "--method",
            choices=["copy", "orm"],
            help="Cách ghi: copy (PostgreSQL COPY, mặc định trên PostgreSQL) hoặc orm (bulk_create).",
        )
        parser.add_argument(
            "--reset", action="store_true", help="Xóa dữ liệu sổ đăng ký hiện có rồi sinh lại."
        )
        parser.add_argument(
            "--append",
            action="store_true",
            help="Thêm cây cả nước bên cạnh các đơn vị đã có (vd. dữ liệu mẫu).",
        )
        parser.add_argument(
            "--skip-tally",
            action="store_true",
            help="Không tính lại bảng số liệu tổng hợp (chỉ để đo tốc độ sinh dữ liệu: báo cáo sẽ sai).",
        )
        parser.add_argument(
            "--allow-production", action="store_true", help="Cho phép --reset khi DEBUG tắt (máy chủ thật)."
        )

    def handle(self, *args, **options):
        generator = self.generator(options)
        if options["reset"] and not settings.DEMO_DATA_ALLOWED and not options["allow_production"]:
            raise CommandError(
                "DEBUG đang tắt (máy chủ thật): không xóa dữ liệu. Thêm --allow-production nếu thật sự muốn."
            )
        counts = generator.run(
            reset=options["reset"], append=options["append"], tally=not options["skip_tally"]
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"Đã sinh dữ liệu trong {generator.elapsed()}: {vn_number(counts['units'])} đơn vị, "
                f"{vn_number(counts['initiatives'])} mô hình, "
                f"{vn_number(counts['registrations'])} lượt đăng ký, "
                f"{vn_number(counts['decisions'])} quyết định ({vn_number(counts['links'])} lượt công nhận, "
                f"khen thưởng)."
            )
        )

    def generator(self, options):
        small = options["small"]
        if options["province_codes"]:
            codes = [int(code) for code in options["province_codes"].split(",") if code.strip()]
        elif options["provinces"]:
            codes = [code for code in sorted({row[3] for row in data.OLD_PROVINCES})][: options["provinces"]]
        elif small:
            codes = list(data.SMALL["province_codes"])
        else:
            codes = sorted({row[3] for row in data.OLD_PROVINCES})
        registrations = options["registrations"] or (data.SMALL["registrations"] if small else 2_000_000)
        if options["first_year"] > options["last_year"]:
            raise CommandError("--first-year phải trước --last-year.")
        method = options["method"] or ("copy" if connection.vendor == "postgresql" else "orm")
        if method == "copy" and connection.vendor != "postgresql":
            raise CommandError("--method copy chỉ dùng được với PostgreSQL.")
        return CountryGenerator(
            seed=options["seed"],
            provinces=codes,
            communes=options["communes"] or (data.SMALL["communes"] if small else None),
            cells=options["cells"] or (data.SMALL["cells"] if small else 10),
            registrations=round(registrations * options["scale"]),
            first_year=options["first_year"],
            last_year=options["last_year"],
            writer=Writer(method),
            log=self.log,
        )

    def log(self, message):
        self.stdout.write(message)
        self.stdout.flush()
