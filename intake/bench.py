"""Measure the check and the import of a large generated file against the configured database.

Run: ``python manage.py shell -c "from intake.bench import main; main(20000)"`` on a migrated
database (it adds a few units and a user, and the imported rows). Prints seconds and the peak
resident memory above the level before each step (sampled every 20 ms).

``mixed(20000)`` measures the file the issue names: 20.000 rows of which a third are new
models, a third the next year of models already registered, a third unchanged. It first
imports the models the file finds (two thirds of it, unmeasured), then checks and confirms.
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


def big_file(count, spellings, tag="", year=2025, kinds=None):
    """Return an xlsx of ``count`` rows written as lower units write them.

    ``kinds(i)``, when given, says what row ``i`` is: "same" (model ``i`` of an earlier file,
    as it was), "next" (the same model in the next year) or "new" (a model not seen before).
    """
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
        kind = kinds(i) if kinds else "same"
        row_year = year + 1 if kind == "next" else year
        values = {
            "unit": spellings[i % len(spellings)],
            "name": f"Mô hình dân vận khéo {tag}{'mới ' if kind == 'new' else ''}số {i + 1}",
            "kind": "Tập thể",
            "field": "Kinh tế",
            "grade": "Mô hình",
            "year": row_year,
            "registered_on": f"{1 + i % 28:02d}/03/{row_year}",
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


def mixed(count=20000):
    """Check and confirm ``count`` rows: a third new models, a third a next year, a third unchanged."""
    import datetime

    from intake import services
    from intake.models import BatchStatus

    user = setup()
    tag = f"{int(time.time())} "
    spellings = ["X. Cẩm Giàng", "CB thôn Nà Phải", "TT. Phủ Thông", "xa cam giang", "BENCH-PT"]
    year = datetime.date.today().year - 1

    def imported(content, label):
        batch = services.import_create(user=user, name=f"{label}.xlsx", content=content)
        with PeakMemory() as check:
            batch = services.import_check(batch=batch)
        assert services.import_start(batch=batch), batch.summary
        batch.refresh_from_db()
        with PeakMemory() as apply:
            batch = services.import_run(batch=batch)
        assert batch.status == BatchStatus.DONE, batch.message
        return batch, check, apply

    # The models the file will find: rows i with i % 3 != 2, numbered as in the file.
    base = big_file(count, spellings, tag, year, kinds=lambda i: "same")
    batch, _check, apply = imported(base, "truoc")
    print(f"{connection.vendor}: set-up, {count} new rows imported in {apply}")
    kinds = {0: "same", 1: "next", 2: "new"}
    content = big_file(count, spellings, tag, year, kinds=lambda i: kinds[i % 3])
    batch, check, apply = imported(content, "hon-hop")
    print(
        f"{connection.vendor}: {count} rows ({batch.message}); file {len(content) / 1048576:.1f} MB; "
        f"check: {check}; import: {apply}"
    )
