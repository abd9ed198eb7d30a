"""What the reports count: each measure with its filter and the list parameters behind it.

The measures counted for any set of registrations are listed once, in ``MEASURES``, together
with the registration list's GET parameters that select exactly the registrations behind each
count; the drill-down links are built from the same list. Recognition is read from the
columns ``registry.recognition`` keeps on each registration.
"""

from dataclasses import dataclass

from django.db.models import Count, Q, Sum

from registry.choices import (
    LEVEL_RANK,
    Evaluation,
    Grade,
    Kind,
    Level,
    RegistrationStatus,
    ReviewState,
    StandardField,
)


@dataclass(frozen=True)
class Measure:
    """A count over registrations: its filter and the list parameters that show its rows."""

    key: str
    q: Q
    params: dict
    # A sum of this registration column instead of a count (the results: people, money, workdays).
    column: str | None = None

    def aggregate(self, within=None):
        """Return the aggregate of this measure over the registrations matching ``within`` too."""
        q = self.q if within is None else within & self.q
        if self.column:
            return Sum(self.column, filter=q, default=0)
        return Count("pk", filter=q)


def _measures():
    recognised = Q(recognition_rank__isnull=False)
    yield Measure("total", Q(), {})
    for kind in Kind:
        yield Measure(kind.value, Q(initiative__kind=kind), {"kind": kind.value})
    for status in RegistrationStatus:
        yield Measure(status.value, Q(status=status), {"status": status.value})
    for grade in Grade:
        yield Measure(f"grade_{grade.value}", Q(initiative__grade=grade), {"grade": grade.value})
    for level in Level:
        yield Measure(f"level_{level.value}", Q(level=level), {"level": level.value})
    yield Measure("effective", Q(evaluation=Evaluation.EFFECTIVE), {"evaluation": Evaluation.EFFECTIVE.value})
    yield Measure("recognised", recognised, {"recognised": "true"})
    for kind in Kind:
        yield Measure(
            f"recognised_{kind.value}",
            recognised & Q(initiative__kind=kind),
            {"recognised": "true", "kind": kind.value},
        )
    for level in Level:
        yield Measure(
            f"recognised_{level.value}",
            Q(recognition_rank=LEVEL_RANK[level]),
            {"recognition_level": level.value},
        )
    yield Measure("commended", Q(is_commended=True), {"commended": "true"})
    # Proposed to a higher level ("đề nghị công nhận", "đề nghị khen thưởng"), kept by the proposals.
    # The keys differ from the columns: a count may not share its name with a column it filters on.
    for key, column in (
        ("proposed_recognition", "proposed_for_recognition"),
        ("proposed_commendation", "proposed_for_commendation"),
    ):
        yield Measure(key, Q(**{column: True}), {key: "true"})
        for kind in Kind:
            yield Measure(
                f"{key}_{kind.value}",
                Q(**{column: True}) & Q(initiative__kind=kind),
                {key: "true", "kind": kind.value},
            )
    # Where the registrations stand in their review. Drafts are not counted (unless asked,
    # which counts them in every measure above): the reports say their number apart.
    for state in (ReviewState.SUBMITTED, ReviewState.ACCEPTED, ReviewState.RETURNED):
        yield Measure(f"review_{state.value}", Q(review_state=state), {"review_state": state.value})
    for standard in StandardField:
        yield Measure(
            f"field_{standard.value}",
            Q(initiative__field__standard=standard),
            {"standard_field": standard.value},
        )


MEASURES = list(_measures())


def _detail_measures():
    """The finer figures reports quote, beside the main ones; counted in the summary only."""
    effective = Q(evaluation=Evaluation.EFFECTIVE)
    for kind in Kind:
        # "N mô hình đánh giá hiệu quả, trong đó A tập thể, B cá nhân"
        yield Measure(
            f"effective_{kind.value}",
            effective & Q(initiative__kind=kind),
            {"evaluation": Evaluation.EFFECTIVE.value, "kind": kind.value},
        )
    for level in Level:
        # "N mô hình đăng ký cấp huyện, trong đó M mô hình đánh giá hiệu quả"
        yield Measure(
            f"effective_level_{level.value}",
            effective & Q(level=level),
            {"evaluation": Evaluation.EFFECTIVE.value, "level": level.value},
        )
    for grade in Grade:
        for kind in Kind:
            # "N mô hình tiêu biểu, trong đó A tập thể, B cá nhân"
            yield Measure(
                f"grade_{grade.value}_{kind.value}",
                Q(initiative__grade=grade, initiative__kind=kind),
                {"grade": grade.value, "kind": kind.value},
            )
    for kind in Kind:
        yield Measure(
            f"commended_{kind.value}",
            Q(is_commended=True, initiative__kind=kind),
            {"commended": "true", "kind": kind.value},
        )
    # The results the registrations report, summed (a registration without them adds nothing).
    for key, column in (
        ("results_people", "people_reached"),
        ("results_money", "money_mobilised"),
        ("results_workdays", "workdays"),
    ):
        yield Measure(key, Q(), {}, column=column)


DETAIL_MEASURES = list(_detail_measures())
SUM_KEYS = [m.key for m in DETAIL_MEASURES if m.column]
# Level × grade ("02 mô hình cấp Đảng ủy Khối và 122 mô hình, 09 điển hình cấp cơ sở").
LEVEL_GRADE_MEASURES = [
    Measure(
        f"level_{level.value}_grade_{grade.value}",
        Q(level=level, initiative__grade=grade),
        {"level": level.value, "grade": grade.value},
    )
    for level in Level
    for grade in Grade
]
MEASURE_PARAMS = {
    measure.key: measure.params for measure in MEASURES + LEVEL_GRADE_MEASURES + DETAIL_MEASURES
}

# The tally keeps every measure but the standard fields, which come from its field column.
TALLY_MEASURES = [
    m for m in MEASURES + LEVEL_GRADE_MEASURES + DETAIL_MEASURES if not m.key.startswith("field_")
]
TALLY_KEYS = [m.key for m in TALLY_MEASURES]

# A unit's own registrations of a year, by review state and evaluation (``registry.OwnTally``):
# the completeness board of a campaign reads them for every unit below its root, and tells from
# them which units have sent something up. Kept from the same counts as the tally.
OWN_MEASURES = [
    Measure("total", Q(), {}),
    Measure(
        "submitted", Q(review_state=ReviewState.SUBMITTED), {"review_state": ReviewState.SUBMITTED.value}
    ),
    Measure("accepted", Q(review_state=ReviewState.ACCEPTED), {"review_state": ReviewState.ACCEPTED.value}),
    Measure("returned", Q(review_state=ReviewState.RETURNED), {"review_state": ReviewState.RETURNED.value}),
    Measure("effective", Q(evaluation=Evaluation.EFFECTIVE), {"evaluation": Evaluation.EFFECTIVE.value}),
    Measure(
        "not_effective",
        Q(evaluation=Evaluation.NOT_EFFECTIVE),
        {"evaluation": Evaluation.NOT_EFFECTIVE.value},
    ),
    Measure(
        "unevaluated",
        Q(review_state=ReviewState.ACCEPTED, evaluation=Evaluation.PENDING),
        {"review_state": ReviewState.ACCEPTED.value, "evaluation": Evaluation.PENDING.value},
    ),
]
OWN_KEYS = [m.key for m in OWN_MEASURES]
