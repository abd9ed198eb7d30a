"""Generate a country-sized data set: 34 provinces, 3.321 communes, ten years of registrations.

The tree has the structure after 1/7/2025 (the real provinces and communes of the
``vietnam-provinces`` package, with party cells, the Fatherland Front and mass organisations
under each commune, and a province's blocs, agencies and armed forces) and the structure
before it (the 63 old provinces, synthetic districts and old communes). Registrations of
2016–2025 are made by the old structure until 30/6/2025 and by the new one from 1/7/2025;
about 45 % of a year's registrations maintain an initiative of the year before (across the
reform, in the successor's subtree), about 80 % are collective and about 15 % are recognised
by a decision of a commune, a district or a province.

The reform itself goes through the reorganisation service, as an administrator's plan would:
once the rows are written and counted, one plan closes the old structure on 30/6/2025 (old
provinces merged, districts dissolved into the new province, old communes merged into the new
communes, a few split between two of them), hands the open models to the units that carry
them on and recounts today's structure.

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

from registry import reorganisations
from registry.choices import ChangeKind, UnitType
from registry.models import AwardForm, Decision, Field, Initiative, Registration, Reorganisation, Unit
from registry.tally import tally_check

from . import country_data as data
from .bulk import Ids, analyze, compact, reset_sequences
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
        self.timings = {}  # step → seconds, for the benchmark's page

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
        analyze()  # before the tally: its queries need the planner's statistics of the new rows
        self.log(f"Đã ghi xong, ANALYZE ({self.elapsed()}).")
        if tally:
            tally_rebuild()
            self.log(f"Đã tính lại bảng số liệu tổng hợp ({self.elapsed()}).")
        steps, splits = reform_steps(provinces, self.rng("reform"))
        if steps:
            started = time.perf_counter()
            plan = apply_reform(steps, splits, self.rng("reform", "assign"))
            self.timings["reform"] = time.perf_counter() - started
            applied = plan.lineage.count()
            self.log(
                f"Sắp xếp ngày {data.REFORM_START:%d/%m/%Y} qua dịch vụ sắp xếp: "
                f"{vn_number(len(steps))} bước "
                f"({vn_number(len(splits))} chia tách), {vn_number(applied)} dòng kế thừa, "
                f"{vn_seconds(self.timings['reform'])} ({self.elapsed()})."
            )
            self.counts["reform_steps"], self.counts["reform_splits"] = len(steps), len(splits)
            compact(Registration, Initiative)
            self.log(f"VACUUM FULL của bảng đăng ký và bảng mô hình ({self.elapsed()}).")
        analyze(vacuum=True, tables=tally_tables())
        self.log(f"VACUUM ANALYZE ({self.elapsed()}).")
        if tally:
            started = time.perf_counter()
            report = tally_check()
            self.timings["check"] = time.perf_counter() - started
            wrong = sum(differ for _held, _expected, differ in report.values())
            self.counts["check_differences"] = wrong
            self.log(
                f"Kiểm tra số liệu giữ sẵn với đếm lại (tally_check): {wrong} dòng lệch, "
                f"{vn_seconds(self.timings['check'])} ({self.elapsed()})."
            )
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


# About one old commune in thirty is split between its main successor and a neighbour of it
# (another new commune taking old communes of the same district); the part that is not the
# main one is given about two models in five of those still open.
SPLIT_SHARE = 1 / 30
SPLIT_ASSIGNED = 0.4


def reform_steps(provinces, rng):
    """Return the steps of the reform of 1/7/2025 as a plan holds them, and the split steps among them.

    The old provinces merge into the new one (their blocs into its blocs), each district is
    dissolved into the new province, the old communes merge into the new communes.
    """
    steps, splits = [], []
    for province in provinces:
        merges = {}
        for old in province.old_nodes:
            for node in old.walk():
                if node.successor is None:
                    continue
                if node.unit_type == UnitType.DISTRICT:
                    steps.append(_step(ChangeKind.DISSOLVE, [node], [node.successor]))
                    continue
                if node.unit_type == UnitType.COMMUNE:
                    neighbours = sorted(
                        {c.successor.id: c.successor for c in node.parent.children if c.successor}.items()
                    )
                    neighbours = [n for pk, n in neighbours if pk != node.successor.id]
                    if neighbours and rng.random() < SPLIT_SHARE:
                        step = _step(ChangeKind.SPLIT, [node], [node.successor, rng.choice(neighbours)])
                        steps.append(step)
                        splits.append(step)
                        continue
                merges.setdefault(node.successor.id, []).append(node)
        steps += [_step(ChangeKind.MERGE, olds, [olds[0].successor]) for olds in merges.values()]
    return steps, splits


def _step(kind, olds, targets):
    return {"kind": kind.value, "olds": [n.id for n in olds], "targets": [{"unit": n.id} for n in targets]}


def apply_reform(steps, splits, rng):
    """Apply the reform through the reorganisation service; return the applied plan.

    The models a split part carries are chosen here, as the administrator does in the wizard.
    """
    for step in splits:
        open_models = reorganisations.step_initiatives(step, data.REFORM_START)
        step["assign"] = {
            str(pk): 1
            for pk in sorted(open_models.values_list("pk", flat=True))
            if rng.random() < SPLIT_ASSIGNED
        }
    with transaction.atomic():
        plan = Reorganisation.objects.create(
            title="Sắp xếp tổ chức bộ máy, chính quyền địa phương hai cấp",
            effective_on=data.REFORM_START,
            plan={"steps": steps, "new_units": {}},
        )
        return reorganisations.apply(user=None, reorganisation=plan)
