"""Generate a country-sized data set: 34 provinces, 3.321 communes, ten years of registrations.

The tree has the structure after 1/7/2025 (the real provinces and communes of the
``vietnam-provinces`` package, with party cells, the Fatherland Front and mass organisations
under each commune, and a province's blocs, agencies and armed forces) and the structure
before it (the 63 old provinces, synthetic districts and old communes, closed on 30/6/2025,
each with its successor). Registrations of 2016–2025 are made by the old structure until
30/6/2025 and by the new one from 1/7/2025; about 45 % of a year's registrations maintain an
initiative of the year before (across the reform, in the successor's subtree), about 80 % are
collective and about 15 % are recognised by a decision of a commune, a district or a province.

Everything is drawn from one seed, province by province, so the same options give the same
rows. Rows are written in bulk, bypassing ``save()``, signals and the history: on PostgreSQL
with COPY (ids are assigned here and the sequences moved past them afterwards), elsewhere
with ``bulk_create``. Memory stays bounded: one province's registrations at a time.
"""

import datetime
import random
import time

from django.core.management.base import CommandError
from django.db import transaction

from registry.choices import ChangeKind, ReorganisationStatus
from registry.models import (
    AwardForm,
    Decision,
    Field,
    Initiative,
    Lineage,
    Registration,
    Reorganisation,
    Unit,
)

from . import country_data as data
from .bulk import Ids, analyze, reset_sequences
from .country_registrations import ProvinceState
from .country_tree import CountryTree
from .reset import reset_registry, tally_rebuild, tally_tables
from .text import vn_number, vn_seconds


class CountryGenerator:
    """Build the tree, then each province's initiatives, registrations and decisions."""

    def __init__(
        self, *, seed, provinces, communes, cells, registrations, first_year, last_year, writer, log
    ):
        self.started = time.perf_counter()
        self.seed = seed
        self.province_codes = provinces
        self.max_communes = communes
        self.cells = cells
        self.total_registrations = registrations
        self.years = list(range(first_year, last_year + 1))
        self.writer = writer
        self.log = log
        self.evaluated_before = datetime.date.today().year  # later years are not evaluated yet
        self.fields = self.field_table()
        self.award_forms = {form.name: form.pk for form in AwardForm.objects.all()}
        self.ids = None  # set once the registry is ready (after a reset)
        self.counts = dict.fromkeys(["units", "initiatives", "registrations", "decisions", "links"], 0)

    def rng(self, *parts):
        return random.Random(":".join(map(str, (self.seed, *parts))))

    def field_table(self):
        """Return (field rows, cumulative weights); standard fields are drawn more often."""
        fields = list(Field.objects.filter(is_active=True).order_by("order", "pk"))
        if not fields:
            raise CommandError("Chưa có lĩnh vực nào: hãy chạy “manage.py migrate”.")
        weights = [data.FIELD_WEIGHTS.get(f.name, data.OTHER_FIELD_WEIGHT) for f in fields]
        return fields, weights

    def elapsed(self):
        """Return the time since the generator was made, as the log prints it."""
        return vn_seconds(time.perf_counter() - self.started)

    def run(self, *, reset=False, append=False, tally=True):
        """Generate the country, after emptying the registry with ``reset``; return the counts."""
        if reset:
            with transaction.atomic():
                reset_registry(self.log)
        elif Unit.objects.filter(code=data.ROOT_CODE).exists():
            raise CommandError(f"Đã có cây cả nước (đơn vị mã {data.ROOT_CODE}). Dùng --reset để sinh lại.")
        elif Unit.objects.exists() and not append:
            raise CommandError(
                "Sổ đăng ký đã có đơn vị: dùng --append để thêm bên cạnh, hoặc --reset để xóa và sinh lại."
            )
        self.ids = Ids([Unit, Initiative, Registration, Decision])
        with transaction.atomic():
            _root, provinces = self.build_tree()
        self.log(f"Cây đơn vị: {vn_number(self.counts['units'])} đơn vị ({self.elapsed()}).")
        for province, per_year in zip(provinces, self.province_totals(provinces), strict=True):
            with transaction.atomic():
                self.generate(province, per_year)
            count = vn_number(sum(per_year.values()))
            self.log(f"  {province.node.name}: {count} lượt đăng ký ({self.elapsed()}).")
        reset_sequences()
        with transaction.atomic():
            links = record_lineage()
        self.log(f"Lịch sử kế thừa: {vn_number(links)} đơn vị ({self.elapsed()}).")
        analyze()  # before the tally: its queries need the planner's statistics of the new rows
        self.log(f"Đã ghi xong, ANALYZE ({self.elapsed()}).")
        if tally:
            tally_rebuild()
            self.log(f"Đã tính lại bảng số liệu tổng hợp ({self.elapsed()}).")
        analyze(vacuum=True, tables=tally_tables())
        self.log(f"VACUUM ANALYZE ({self.elapsed()}).")
        return self.counts

    def build_tree(self):
        """Create every unit in memory, then write them in path order; return the root and the provinces."""
        return CountryTree(self).build()

    def province_totals(self, provinces):
        """Split the registrations between provinces (by communes, ±15 %) and years (growing)."""
        rng = self.rng("totals")
        shares = [p.communes * rng.uniform(0.85, 1.15) for p in provinces]
        year_weights = [data.year_weight(year) for year in self.years]
        totals = []
        for share in shares:
            count = self.total_registrations * share / sum(shares)
            totals.append(
                {
                    y: round(count * w / sum(year_weights))
                    for y, w in zip(self.years, year_weights, strict=True)
                }
            )
        return totals

    def generate(self, province, per_year):
        """Generate and write one province's initiatives, registrations and decisions."""
        state = ProvinceState(self, province, self.rng("registrations", province.node.code))
        for year in self.years:
            state.year(year, per_year[year])
        state.write()


def record_lineage():
    """Record the reform as a reorganisation: each closed unit's successor, as a merge. Returns how many.

    The tree is written in bulk with each old unit's ``successor``; the lineage the reports and
    the scope follow is recorded from it in two queries, as the reorganisation service records a
    merge (one applied plan per effective date).
    """
    by_day, links = {}, []
    for pk, successor, valid_to in (
        Unit.objects.exclude(successor=None)
        .exclude(valid_to=None)
        .values_list("pk", "successor_id", "valid_to")
    ):
        day = valid_to + datetime.timedelta(days=1)
        if day not in by_day:
            by_day[day] = Reorganisation.objects.create(
                title=f"Sắp xếp tổ chức ngày {day:%d/%m/%Y}",
                effective_on=day,
                status=ReorganisationStatus.APPLIED,
            )
        links.append(
            Lineage(
                reorganisation=by_day[day],
                kind=ChangeKind.MERGE,
                predecessor_id=pk,
                successor_id=successor,
                effective_on=day,
            )
        )
    Lineage.objects.bulk_create(links, batch_size=5000)
    return len(links)
