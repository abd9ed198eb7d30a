"""Measure the check and the import of a large generated file against the configured database.

Run: ``python manage.py shell -c "from intake.bench import main; main(20000)"`` on a migrated
database (it adds a few units and a user, and the imported rows). Prints seconds and the peak
resident memory above the level before each step (sampled every 20 ms).
"""

import io
import threading
import time

import xlsxwriter
from django.db import connection, transaction

from registry.choices import Role, UnitType
from registry.exports import COLUMNS


def rss():
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    return 0


class PeakMemory:
    def __enter__(self):
        self.base = self.peak = rss()
        self.running = True
        self.thread = threading.Thread(target=self.sample, daemon=True)
        self.thread.start()
        self.started = time.perf_counter()
        return self

    def sample(self):
        while self.running:
            self.peak = max(self.peak, rss())
            time.sleep(0.02)

    def __exit__(self, *exc):
        self.seconds = time.perf_counter() - self.started
        self.running = False
        self.thread.join()
        self.peak = max(self.peak, rss())

    def __str__(self):
        return f"{self.seconds:.1f} s, peak +{(self.peak - self.base) / 1048576:.0f} MB"


def big_file(count, spellings, tag=""):
    """Return an xlsx of ``count`` rows written as lower units write them."""
    output = io.BytesIO()
    workbook = xlsxwriter.Workbook(output, {"constant_memory": True})
    sheet = workbook.add_worksheet("Danh sách mô hình")
    keys = [column.key for column in COLUMNS]
    sheet.write_row(0, 0, [column.header for column in COLUMNS])
    text = (
        "Vận động nhân dân hiến đất, góp công làm đường giao thông nông thôn, giữ gìn vệ sinh môi trường. "
        * 2
    )
    for i in range(count):
        values = {
            "unit": spellings[i % len(spellings)],
            "name": f"Mô hình dân vận khéo {tag}số {i + 1}",
            "kind": "Tập thể",
            "field": "Kinh tế",
            "grade": "Mô hình",
            "year": 2025,
            "registered_on": f"{1 + i % 28:02d}/03/2025",
            "level": "Cấp cơ sở",
            "content": text,
            "objectives": text,
            "results": text,
            "people_reached": "1.759",
            "money_mobilised": 135000000,
        }
        sheet.write_row(i + 1, 0, [values.get(key, "") for key in keys])
    workbook.close()
    return output.getvalue()


def setup():
    from django.contrib.auth import get_user_model

    from registry.models import Membership, Unit

    def unit(name, parent, unit_type, code):
        found = Unit.objects.filter(code=code).first()
        if found:
            return found
        item = Unit(name=name, unit_type=unit_type, code=code)
        if parent is None:
            return Unit.objects.add_root(instance=item)
        parent.refresh_from_db()
        return Unit.objects.add_child(parent, instance=item)

    with transaction.atomic():
        root = unit("Huyện ủy Đo Lường", None, UnitType.DISTRICT, "BENCH")
        unit("Đảng ủy xã Cẩm Giàng", root, UnitType.COMMUNE, "BENCH-CG")
        unit("Chi bộ thôn Nà Phải", root, UnitType.CELL, "BENCH-NP")
        unit("Đảng ủy thị trấn Phủ Thông", root, UnitType.COMMUNE, "BENCH-PT")
        user, _created = get_user_model().objects.get_or_create(username="bench")
        Membership.objects.get_or_create(user=user, unit=root, defaults={"role": Role.EDITOR})
    return user


def main(count=20000):
    from intake import services
    from intake.models import BatchStatus

    user = setup()
    tag = f"{int(time.time())} "
    content = big_file(
        count, ["X. Cẩm Giàng", "CB thôn Nà Phải", "TT. Phủ Thông", "xa cam giang", "BENCH-PT"], tag
    )
    batch = services.import_create(user=user, name="lon.xlsx", content=content)
    with PeakMemory() as check:
        batch = services.import_check(batch=batch)
    assert batch.counts == {"create": count}, batch.summary
    assert services.import_start(batch=batch)
    batch.refresh_from_db()
    with PeakMemory() as apply:
        batch = services.import_run(batch=batch)
    assert batch.status == BatchStatus.DONE, batch.message
    print(
        f"{connection.vendor}: {count} rows, file {len(content) / 1048576:.1f} MB; "
        f"check: {check}; import: {apply}"
    )
    batch.delete()
