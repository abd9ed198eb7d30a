"""The figures reports quote beside the tables, arranged once for every place that shows them.

The report page, the dashboard, the workbook's sheet "Số liệu trích dẫn" and the report draft
read the same sections, built here from the selectors' figures (``summary``, ``awards``,
``fields_apart``): "N mô hình đánh giá hiệu quả, trong đó A tập thể, B cá nhân"; "N mô hình
đăng ký cấp huyện, trong đó M mô hình hiệu quả"; "N mô hình tiêu biểu, trong đó A tập thể, B cá
nhân"; "tặng Bằng khen cho A tập thể, B cá nhân"; the proposals; the results summed; the local
fields reported apart.

Each line has its value, the list filters that select exactly its rows (``params``, added to
the root and period's) and its parts; a sum (the results) has no rows of its own to list.
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from registry import formats
from registry.choices import Grade, Kind, Level
from registry.measures import MEASURE_PARAMS

# What a line counts: models (mô hình), or the results' units.
MODELS = "models"
PEOPLE = "people"
MONEY = "money"
WORKDAYS = "workdays"


@dataclass
class Line:
    label: str
    value: int
    params: dict | None  # the list filters of its rows; None for a sum
    unit: str = MODELS
    parts: list = field(default_factory=list)  # Lines, "trong đó ..."
    key: str = ""  # the measure's key, when it is one

    @property
    def text(self):
        """The value as a report writes it: "1.759", "129.000.000 đ", "1.200 người", "350 ngày công"."""
        if self.unit == MONEY:
            return formats.money(self.value)
        if self.unit == PEOPLE:
            return _("%(n)s người") % {"n": formats.grouped(self.value)}
        if self.unit == WORKDAYS:
            return _("%(n)s ngày công") % {"n": formats.grouped(self.value)}
        return formats.grouped(self.value)


@dataclass
class Section:
    key: str
    title: str
    lines: list


def lower_first(text):
    """Lower the first letter only: "Cấp Đảng ủy Khối" → "cấp Đảng ủy Khối" (names keep their capitals)."""
    return text[:1].lower() + text[1:]


def _measure(current, key, label):
    return Line(label=label, value=current[key], params=MEASURE_PARAMS[key], key=key)


def _by_kind(current, prefix, label):
    """A line of ``prefix`` with its parts by kind (``prefix_collective``, ``prefix_individual``)."""
    line = _measure(current, prefix, label)
    line.parts = [_measure(current, f"{prefix}_{kind.value}", kind.label) for kind in Kind]
    return line


def sections(summary, awards, fields_apart):
    """Return the sections of quoted figures of a report's current period."""
    current = summary["current"]
    effective = _by_kind(current, "effective", _("Đánh giá hiệu quả"))
    by_level = []
    for level in Level:
        registered = current[f"level_{level.value}"]
        if not registered:
            continue
        line = _measure(
            current, f"level_{level.value}", _("Đăng ký %(level)s") % {"level": lower_first(level.label)}
        )
        line.parts = [_measure(current, f"effective_level_{level.value}", _("hiệu quả"))]
        by_level.append(line)
    grades = [
        Line(
            label=grade.label,
            value=current[f"grade_{grade.value}"],
            params=MEASURE_PARAMS[f"grade_{grade.value}"],
            key=f"grade_{grade.value}",
            parts=[_measure(current, f"grade_{grade.value}_{kind.value}", kind.label) for kind in Kind],
        )
        for grade in Grade
    ]
    honours = [
        _by_kind(current, "recognised", _("Được công nhận")),
        _by_kind(current, "commended", _("Được khen thưởng")),
    ]
    for award in awards:
        honours.append(
            Line(
                label=award["name"],
                value=award["total"],
                params={"award_form": award["pk"]},
                parts=[
                    Line(
                        label=kind.label,
                        value=award["kinds"][kind.value],
                        params={"award_form": award["pk"], "kind": kind.value},
                    )
                    for kind in Kind
                ],
            )
        )
    proposed = [
        _by_kind(current, "proposed_recognition", _("Đề nghị công nhận")),
        _by_kind(current, "proposed_commendation", _("Đề nghị khen thưởng")),
    ]
    results = [
        Line(
            _("Số người tham gia, hưởng lợi"), current["results_people"], None, PEOPLE, key="results_people"
        ),
        Line(_("Kinh phí huy động"), current["results_money"], None, MONEY, key="results_money"),
        Line(_("Ngày công"), current["results_workdays"], None, WORKDAYS, key="results_workdays"),
    ]
    apart = [
        Line(
            label=item["name"],
            value=item["counts"]["total"],
            params={"field": item["pk"]},
            parts=[
                Line(kind.label, item["counts"][kind.value], {"field": item["pk"], "kind": kind.value})
                for kind in Kind
            ],
        )
        for item in fields_apart
    ]
    found = [
        Section("effective", _("Đánh giá hiệu quả"), [effective, *by_level]),
        Section("grades", _("Xếp loại, theo loại mô hình"), grades),
        Section("honours", _("Công nhận, khen thưởng, tuyên dương"), honours),
        Section("proposed", _("Đề nghị cấp trên"), proposed),
        Section("results", _("Kết quả đạt được"), results),
    ]
    if apart:
        found.append(Section("apart", _("Lĩnh vực báo cáo riêng"), apart))
    return found
