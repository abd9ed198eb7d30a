"""Reorganisations: the plan's checks, merge, split, dissolution, undo; counts in both structures.

The tree: a province with a district of three communes (a cell under the first), each with
models registered in 2023 and 2024, reorganised on 01/07/2025 as the 2025 reform did.
"""

import datetime
import random

import pytest

from registry import lineage, reorganisations, services
from registry.choices import ChangeKind, Level, ReorganisationStatus, Role, UnitType
from registry.models import (
    Decision,
    Field,
    Initiative,
    Lineage,
    Membership,
    Registration,
    Reorganisation,
    Unit,
)
from registry.querysets import path_q
from registry.tally import CURRENT, REPORTED, tally_current, tally_expected
from registry.tests.factories import UserFactory, make_unit

pytestmark = pytest.mark.django_db
REFORM = datetime.date(2025, 7, 1)


def assert_counts_exact():
    for structure in (REPORTED, CURRENT):
        assert tally_current(structure) == tally_expected(structure), structure
    # Every registration is carried by the unit its lineage leads to, through every plan.
    found = lineage.Lineages()
    stale = [
        (registration.pk, registration.carrier_id)
        for registration in Registration.objects.all()
        if registration.carrier_id != found.carrier(registration.unit_id, registration.initiative_id)
    ]
    assert stale == []
    assert lineage.carriers_check() == (0, set())


def assert_placements_exact():
    """On the day before and on the day of every applied plan, the structure of that day places
    each registration as the walk of the lineage of that day does (``lineage.Placement``)."""
    days = set()
    for day in Reorganisation.objects.filter(status=ReorganisationStatus.APPLIED).values_list(
        "effective_on", flat=True
    ):
        days |= {day, lineage.day_before(day)}
    registrations = list(Registration.objects.values_list("pk", "unit_id", "initiative_id"))
    units = list(Unit.objects.all())
    for day in sorted(days):
        found, placement = lineage.Lineages(day), lineage.Placement(day)
        placed = {}
        for pk, unit_id, initiative_id in registrations:
            row = found.units[unit_id]
            carrier = (
                unit_id
                if row["valid_from"] and row["valid_from"] > day
                else found.carrier(unit_id, initiative_id)
            )
            placed[pk] = found.units[carrier]["path"] if carrier is not None else None
        for unit in units:
            expected = {pk for pk, path in placed.items() if path and path.startswith(unit.path)}
            kept = set(
                Registration.objects.filter(placement.q([unit.path], path_q)).values_list("pk", flat=True)
            )
            assert kept == expected, (day, unit.name)
            own = {pk for pk, path in placed.items() if path == unit.path}
            assert (
                set(Registration.objects.filter(placement.own_q(unit.pk)).values_list("pk", flat=True)) == own
            ), (day, unit.name)
        by_path = dict(Registration.objects.annotate(placed=placement.path()).values_list("pk", "placed"))
        assert by_path == placed, day


def register(unit, name, years=(2023, 2024)):
    def day(year):  # in March, or on the day a unit opened that year
        return max(datetime.date(year, 3, 1), unit.valid_from or datetime.date(year, 1, 1))

    initiative = services.initiative_create(
        user=None,
        initiative=Initiative(name=name, unit=unit, field=Field.objects.first()),
        year=years[0],
        registered_on=day(years[0]),
        level=Level.COMMUNE,
    )
    for year in years[1:]:
        services.registration_create(
            user=None,
            initiative=initiative,
            registration=Registration(year=year, unit=unit, registered_on=day(year), level=Level.COMMUNE),
        )
    return initiative


@pytest.fixture
def tree():
    province = make_unit("Tỉnh ủy Bắc Kạn", unit_type=UnitType.PROVINCE, code="BK")
    district = make_unit("Huyện ủy Bạch Thông", province, UnitType.DISTRICT, code="BT")
    communes = [
        make_unit(f"Đảng ủy xã {name}", district, UnitType.COMMUNE, code=f"BT-{number}")
        for number, name in enumerate(["Quang Thuận", "Dương Phong", "Đôn Phong"], start=1)
    ]
    cell = make_unit("Chi bộ thôn Nà Phải", communes[0], UnitType.CELL, code="BT-1-1")
    other = make_unit("Huyện ủy Chợ Đồn", province, UnitType.DISTRICT, code="CD")
    models = {
        "cell": register(cell, "Mô hình hiến đất làm đường"),
        "c1": register(communes[0], "Mô hình nuôi heo đất"),
        "c2": register(communes[1], "Mô hình tuyến đường hoa"),
        "c2_old": register(communes[1], "Mô hình đã dừng", years=(2022,)),
        "c3a": register(communes[2], "Mô hình chè an toàn"),
        "c3b": register(communes[2], "Mô hình thu gom rác thải nhựa, thôn Khuổi Chủ"),
        "district": register(district, "Mô hình dân vận khéo của huyện"),
        "other": register(other, "Mô hình Chợ Đồn"),
    }
    editor = UserFactory(username="bientap_quangthuan")
    Membership.objects.create(user=editor, unit=communes[0], role=Role.EDITOR)
    viewer = UserFactory(username="xem_tinh")
    Membership.objects.create(user=viewer, unit=province, role=Role.VIEWER)
    return {
        "province": province,
        "district": district,
        "communes": communes,
        "cell": cell,
        "other": other,
        "models": models,
        "editor": editor,
        "viewer": viewer,
        "admin": UserFactory(username="quantri", is_superuser=True),
    }


def plan(steps, new_units=None, day=REFORM, title="Sắp xếp đơn vị hành chính cấp xã"):
    return Reorganisation.objects.create(
        title=title, effective_on=day, plan={"steps": steps, "new_units": new_units or {}}
    )


def new_commune(name, parent, code=""):
    return {"name": name, "unit_type": UnitType.COMMUNE, "code": code, "parent": {"unit": parent.pk}}


def merge_plan(tree):
    c1, c2, _c3 = tree["communes"]
    return plan(
        [{"kind": ChangeKind.MERGE, "olds": [c1.pk, c2.pk], "targets": [{"new": "bt"}]}],
        {"bt": new_commune("Đảng ủy xã Bạch Thông", tree["province"], "BK-BT25")},
    )


def test_a_merge_closes_the_old_communes_and_carries_their_history_on(tree):
    c1, c2, c3 = tree["communes"]
    reorganisation = reorganisations.apply(user=tree["admin"], reorganisation=merge_plan(tree))
    new = Unit.objects.get(code="BK-BT25")
    for unit in (c1, c2, tree["cell"]):
        unit.refresh_from_db()
        assert unit.valid_to == datetime.date(2025, 6, 30)
    c3.refresh_from_db()
    assert (
        c3.valid_to is None
        and new.valid_from == REFORM
        and new.path[: -Unit.steplen] == tree["province"].path
    )
    assert reorganisation.status == ReorganisationStatus.APPLIED
    assert set(Lineage.objects.values_list("predecessor_id", "successor_id")) == {
        (c1.pk, new.pk),
        (c2.pk, new.pk),
    }
    models = tree["models"]
    for key in ("cell", "c1", "c2"):
        models[key].refresh_from_db()
        assert models[key].unit == new  # open models go to the new commune
    models["c2_old"].refresh_from_db()
    assert models["c2_old"].unit == c2  # a model not registered since 2022 stays as it was
    # Registrations keep the unit as it was; today's structure counts them under the new commune.
    assert set(Registration.objects.filter(initiative=models["c1"]).values_list("unit_id", flat=True)) == {
        c1.pk
    }
    assert set(Registration.objects.filter(initiative=models["c1"]).values_list("carrier_id", flat=True)) == {
        new.pk
    }
    current = tally_current(CURRENT)
    assert (
        sum(counts[0] for (unit, year, *_), counts in current.items() if unit == new.pk and year == 2024) == 3
    )
    assert not any(unit == new.pk for unit, *_ in tally_current(REPORTED))
    assert_counts_exact()


def test_a_second_plan_carries_on_what_the_closed_units_had_carried_and_its_undo_takes_it_back(tree):
    c1, c2, c3 = tree["communes"]
    reorganisations.apply(user=tree["admin"], reorganisation=merge_plan(tree))
    first = Unit.objects.get(code="BK-BT25")
    second = plan(
        [{"kind": ChangeKind.MERGE, "olds": [first.pk, c3.pk], "targets": [{"new": "lon"}]}],
        {"lon": new_commune("Đảng ủy xã Bạch Thông Lớn", tree["province"], "BK-BTL")},
        day=datetime.date(2026, 3, 1),
        title="Sáp nhập lần hai",
    )
    reorganisations.apply(user=tree["admin"], reorganisation=second)
    latest = Unit.objects.get(code="BK-BTL")
    carried = set(
        Registration.objects.filter(unit__in=[c1, c2, tree["cell"], c3]).values_list("carrier_id", flat=True)
    )
    assert carried == {latest.pk}  # c1's and c2's too, which the first plan had given to ``first``
    assert_counts_exact()
    second.refresh_from_db()
    reorganisations.undo(user=tree["admin"], reorganisation=second)
    assert set(
        Registration.objects.filter(unit__in=[c1, c2, tree["cell"]]).values_list("carrier_id", flat=True)
    ) == {first.pk}
    assert set(Registration.objects.filter(unit=c3).values_list("carrier_id", flat=True)) == {c3.pk}
    assert_counts_exact()


def test_a_plan_whose_target_a_later_plan_closed_is_undone_only_after_it(tree):
    c1, _c2, c3 = tree["communes"]
    first = plan([{"kind": ChangeKind.MERGE, "olds": [c1.pk], "targets": [{"unit": c3.pk}]}])
    reorganisations.apply(user=tree["admin"], reorganisation=first)
    later = plan(
        [{"kind": ChangeKind.MERGE, "olds": [c3.pk], "targets": [{"new": "n"}]}],
        {"n": new_commune("Đảng ủy xã Đôn Phong mới", tree["province"])},
        day=datetime.date(2026, 3, 1),
    )
    reorganisations.apply(user=tree["admin"], reorganisation=later)
    first.refresh_from_db()
    assert reorganisations.undo_blockers(first) == [
        "Đơn vị của kế hoạch này đã được sắp xếp tiếp ở kế hoạch sau: hãy hoàn tác kế hoạch sau trước."
    ]
    later.refresh_from_db()
    reorganisations.undo(user=tree["admin"], reorganisation=later)
    first.refresh_from_db()
    reorganisations.undo(user=tree["admin"], reorganisation=first)
    assert set(Registration.objects.filter(unit=c1).values_list("carrier_id", flat=True)) == {c1.pk}
    assert_counts_exact()


def test_a_model_named_as_one_already_there_says_where_it_comes_from_until_undone(tree):
    c1, c2, _c3 = tree["communes"]
    twin = register(c2, "Mô hình  nuôi heo đất")  # the name of c1's, written a little differently
    reorganisation = reorganisations.apply(user=tree["admin"], reorganisation=merge_plan(tree))
    new = Unit.objects.get(code="BK-BT25")
    names = sorted(Initiative.objects.filter(unit=new).values_list("name", flat=True))
    assert "Mô hình nuôi heo đất" in names
    assert "Mô hình  nuôi heo đất (xã Dương Phong cũ)" in names
    twin.refresh_from_db()
    assert twin.name.endswith("(xã Dương Phong cũ)") and "duong phong" in twin.search_text
    assert twin.history.first().history_change_reason == str(reorganisation)
    reorganisations.undo(user=tree["admin"], reorganisation=reorganisation)
    twin.refresh_from_db()
    assert (twin.name, twin.unit) == ("Mô hình  nuôi heo đất", c2)
    assert_counts_exact()


def test_memberships_go_to_the_successor_and_its_staff_read_the_predecessors(tree):
    reorganisations.apply(user=tree["admin"], reorganisation=merge_plan(tree))
    new = Unit.objects.get(code="BK-BT25")
    editor = type(tree["editor"]).objects.get(pk=tree["editor"].pk)
    assert list(editor.memberships.values_list("unit_id", "role")) == [(new.pk, Role.EDITOR)]
    seen = set(Registration.objects.restrict(editor).values_list("initiative__name", flat=True))
    assert seen == {
        "Mô hình hiến đất làm đường",
        "Mô hình nuôi heo đất",
        "Mô hình tuyến đường hoa",
        "Mô hình đã dừng",
    }
    # Editors of the successor may correct the predecessors' past records.
    assert Registration.objects.restrict(editor, "change").filter(unit=tree["communes"][1]).exists()
    assert not Registration.objects.restrict(editor).filter(unit=tree["communes"][2]).exists()
    assert not Unit.objects.restrict(editor).filter(pk=tree["district"].pk).exists()


def test_a_split_hands_each_model_to_its_part(tree):
    c3 = tree["communes"][2]
    models = tree["models"]
    reorganisations.apply(
        user=tree["admin"],
        reorganisation=plan(
            [
                {
                    "kind": ChangeKind.SPLIT,
                    "olds": [c3.pk],
                    "targets": [{"new": "a"}, {"new": "b"}],
                    "assign": {str(models["c3b"].pk): 1},
                }
            ],
            {
                "a": new_commune("Đảng ủy xã Phong Quang", tree["province"]),
                "b": new_commune("Đảng ủy xã Khuổi Chủ", tree["province"]),
            },
        ),
    )
    main, part = (
        Unit.objects.get(name="Đảng ủy xã Phong Quang"),
        Unit.objects.get(name="Đảng ủy xã Khuổi Chủ"),
    )
    for key, unit in (("c3a", main), ("c3b", part)):
        models[key].refresh_from_db()
        assert models[key].unit == unit
        assert set(models[key].registrations.values_list("carrier_id", flat=True)) == {unit.pk}
    assert_counts_exact()


def test_the_abolished_district_s_own_models_count_under_the_province(tree):
    district = tree["district"]
    c1, c2, c3 = tree["communes"]
    reorganisations.apply(
        user=tree["admin"],
        reorganisation=plan(
            [
                {"kind": ChangeKind.DISSOLVE, "olds": [district.pk], "targets": []},
                {"kind": ChangeKind.MERGE, "olds": [c1.pk, c2.pk], "targets": [{"new": "a"}]},
                {"kind": ChangeKind.MOVE, "olds": [c3.pk], "targets": [{"new": "b"}]},
            ],
            {
                "a": new_commune("Đảng ủy xã Bạch Thông", tree["province"]),
                "b": new_commune("Đảng ủy xã Đôn Phong", tree["province"]),
            },
        ),
    )
    own = Registration.objects.filter(initiative=tree["models"]["district"])
    assert set(own.values_list("carrier_id", flat=True)) == {tree["province"].pk}
    moved = Unit.objects.get(name="Đảng ủy xã Đôn Phong", valid_from=REFORM)
    assert moved.path[: -Unit.steplen] == tree["province"].path
    assert_counts_exact()


def test_undo_restores_everything_while_nothing_was_registered_under_the_new_units(tree):
    before_units = set(Unit.objects.values_list("pk", "valid_to"))
    before_models = set(Initiative.objects.values_list("pk", "unit_id"))
    before_members = set(Membership.objects.values_list("user_id", "unit_id", "role"))
    reorganisation = reorganisations.apply(user=tree["admin"], reorganisation=merge_plan(tree))
    reorganisations.undo(user=tree["admin"], reorganisation=reorganisation)
    assert set(Unit.objects.values_list("pk", "valid_to")) == before_units
    assert set(Initiative.objects.values_list("pk", "unit_id")) == before_models
    assert set(Membership.objects.values_list("user_id", "unit_id", "role")) == before_members
    assert not Lineage.objects.exists()
    reorganisation.refresh_from_db()
    assert reorganisation.status == ReorganisationStatus.UNDONE
    assert_counts_exact()


def test_undo_is_refused_once_a_new_unit_has_registered(tree):
    reorganisation = reorganisations.apply(user=tree["admin"], reorganisation=merge_plan(tree))
    register(Unit.objects.get(code="BK-BT25"), "Mô hình mới", years=(2026,))
    with pytest.raises(reorganisations.PlanError, match="Đã có mô hình đăng ký tại đơn vị mới"):
        reorganisations.undo(user=tree["admin"], reorganisation=reorganisation)
    assert Unit.objects.filter(code="BK-BT25").exists()


def merge_into(old, target):
    return {"kind": "merge", "olds": [old.pk], "targets": [{"unit": target.pk}]}


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda t: [merge_into(t["communes"][0], t["communes"][0])],
         "không thể kế thừa chính nó"),
        (lambda t: [merge_into(t["district"], t["communes"][0])],
         "không kế thừa được đơn vị cấp trên"),
        (lambda t: [{"kind": "split", "olds": [t["communes"][0].pk], "targets": [{"unit": t["other"].pk}]}],
         "chia tách phải có ít nhất hai đơn vị mới"),
        (lambda t: [merge_into(t["communes"][0], t["other"]),
                    {"kind": "dissolve", "olds": [t["communes"][0].pk], "targets": []}],
         "mỗi đơn vị chỉ được sắp xếp một lần"),
        (lambda t: [merge_into(t["communes"][0], t["communes"][1]),
                    {"kind": "dissolve", "olds": [t["communes"][1].pk], "targets": []}],
         "vừa được kế thừa vừa bị sắp xếp"),
        (lambda t: [{"kind": "merge", "olds": [t["communes"][0].pk], "targets": [{"new": "x"}]}],
         "chưa được khai báo"),
    ],
)  # fmt: skip
def test_a_plan_that_cannot_be_is_refused_with_its_reason(tree, make, message):
    reorganisation = plan(make(tree))
    assert any(message in error for error in reorganisations.check(reorganisation))
    with pytest.raises(reorganisations.PlanError):
        reorganisations.apply(user=tree["admin"], reorganisation=reorganisation)
    assert not Lineage.objects.exists()
    assert Unit.objects.filter(valid_to__isnull=False).count() == 0


def test_a_unit_cannot_close_before_its_last_registration_or_in_the_future(tree):
    c1 = tree["communes"][0]
    step = [{"kind": "merge", "olds": [c1.pk], "targets": [{"unit": tree["communes"][1].pk}]}]
    early = plan(step, day=datetime.date(2024, 1, 1))
    assert any("còn đăng ký mô hình ngày 01/03/2024" in error for error in reorganisations.check(early))
    later = plan(step, day=datetime.date.today() + datetime.timedelta(days=30))
    assert any("chưa đến" in error for error in reorganisations.check(later))


def test_a_loop_in_the_lineage_is_refused(tree):
    c1, c2, _c3 = tree["communes"]
    reorganisations.apply(
        user=tree["admin"],
        reorganisation=plan([{"kind": "merge", "olds": [c1.pk], "targets": [{"unit": c2.pk}]}]),
    )
    # c1 is closed: only an open unit can be reorganised, and c2 cannot go back into it.
    again = plan(
        [{"kind": "merge", "olds": [c2.pk], "targets": [{"unit": c1.pk}]}], day=datetime.date(2026, 1, 1)
    )
    errors = reorganisations.check(again)
    assert any("không hoạt động ngày 01/01/2026" in error for error in errors)


def test_random_writes_and_reorganisations_keep_both_structures_exact(tree):
    rng = random.Random(11)
    admin = tree["admin"]
    open_units = lambda: list(Unit.objects.filter(valid_to=None).exclude(pk=tree["province"].pk))  # noqa: E731
    applied = []
    for step in range(24):
        action = rng.choice(["register", "register", "edit", "decide", "merge", "split", "undo"])
        units = open_units()
        if action == "register":
            register(rng.choice(units), f"Mô hình {step}", years=(2026,))
        elif action == "edit":
            initiative = rng.choice(list(Initiative.objects.all()))
            initiative.field = rng.choice(list(Field.objects.all()))
            services.initiative_update(user=admin, initiative=initiative)
        elif action == "decide":
            services.decision_create(
                user=admin,
                decision=Decision(
                    kind="recognition",
                    number=str(step),
                    symbol="QĐ/TU",
                    signed_on=datetime.date.today(),
                    issuing_unit=tree["province"],
                    issuer_name="Ban Thường vụ Tỉnh ủy",
                    level=Level.PROVINCE,
                    title="Công nhận",
                ),
                registrations=rng.sample(list(Registration.objects.all()), 3),
            )
        elif action in ("merge", "split") and len(units) >= 2:
            day = datetime.date(2026, 12, 2) if Registration.objects.filter(year=2026).exists() else REFORM
            day = max([day, *[u.valid_from for u in units if u.valid_from]])
            if day > datetime.date.today():
                continue
            old = rng.choice([u for u in units if u.unit_type != UnitType.PROVINCE])
            if action == "merge":
                steps = [{"kind": "merge", "olds": [old.pk], "targets": [{"new": "n"}]}]
                news = {"n": new_commune(f"Đơn vị mới {step}", tree["province"])}
            else:
                steps = [{"kind": "split", "olds": [old.pk], "targets": [{"new": "a"}, {"new": "b"}]}]
                news = {
                    "a": new_commune(f"Phần A {step}", tree["province"]),
                    "b": new_commune(f"Phần B {step}", tree["province"]),
                }
            reorganisation = plan(steps, news, day=day, title=f"Kế hoạch {step}")
            if not reorganisations.check(reorganisation):
                applied.append(reorganisations.apply(user=admin, reorganisation=reorganisation))
        elif action == "undo" and applied:
            last = applied[-1]
            if not reorganisations.undo_blockers(last):
                reorganisations.undo(user=admin, reorganisation=last)
                applied.pop()
        assert_counts_exact()
        if action in ("merge", "split", "undo"):
            assert_placements_exact()
    statuses = set(Reorganisation.objects.values_list("status", flat=True))
    assert ReorganisationStatus.APPLIED in statuses  # the walk did reorganise


def test_the_structure_of_any_day_between_plans_places_every_registration_as_its_lineage_did(tree):
    """Plans on four dates, merging and splitting units made by the plans before, with models
    assigned to a split's parts and registrations between them; on the day before and the day of
    each, the structure of that day is checked against the walk of the lineage of that day."""
    rng = random.Random(5)
    admin = tree["admin"]
    dates = [REFORM, datetime.date(2025, 10, 1), datetime.date(2026, 2, 1), datetime.date(2026, 6, 1)]
    for number, day in enumerate(dates):
        units = [
            unit
            for unit in Unit.objects.filter(valid_to=None, unit_type=UnitType.COMMUNE).order_by("pk")
            if not Registration.objects.filter(unit=unit, registered_on__gte=day).exists()
        ]
        if number % 2 == 0 and len(units) >= 2:  # a merge of two
            olds = rng.sample(units, 2)
            steps = [{"kind": ChangeKind.MERGE, "olds": [u.pk for u in olds], "targets": [{"new": "n"}]}]
            news = {"n": new_commune(f"Xã hợp nhất {number}", tree["province"])}
        else:  # a split of the unit with the most models, one of them to the second part
            old = max(units, key=lambda unit: Initiative.objects.filter(unit=unit).count())
            models = list(Initiative.objects.filter(unit=old).order_by("pk"))
            steps = [
                {
                    "kind": ChangeKind.SPLIT,
                    "olds": [old.pk],
                    "targets": [{"new": "a"}, {"new": "b"}],
                    "assign": {str(models[-1].pk): 1} if models else {},
                }
            ]
            news = {
                "a": new_commune(f"Phần A {number}", tree["province"]),
                "b": new_commune(f"Phần B {number}", tree["province"]),
            }
        reorganisation = plan(steps, news, day=day, title=f"Kế hoạch {number}")
        assert reorganisations.check(reorganisation) == []
        reorganisations.apply(user=admin, reorganisation=reorganisation)
        # Registrations of the new year under the units open after the plan.
        after = Unit.objects.filter(valid_to=None, unit_type=UnitType.COMMUNE).order_by("pk")
        for unit in rng.sample(list(after), 2):
            register(unit, f"Mô hình sau kế hoạch {number}", years=(day.year,))
    assert_counts_exact()
    assert_placements_exact()
    # The days between the plans do place some registrations apart from both other structures.
    between = lineage.Placement(datetime.date(2025, 12, 31))
    assert between.moved


# Preview ------------------------------------------------------------------------------------


def snapshot():
    """Everything a reorganisation writes, to show that a preview writes none of it."""
    return (
        set(Unit.objects.values_list("pk", "valid_to", "successor_id")),
        set(Initiative.objects.values_list("pk", "unit_id")),
        set(Membership.objects.values_list("user_id", "unit_id", "role")),
        set(Registration.objects.values_list("pk", "carrier_id")),
        Lineage.objects.count(),
        list(Reorganisation.objects.order_by("pk").values_list("pk", "status", "plan")),
    )


def names(places):
    return [place["name"] if place else None for place in places]


def test_a_preview_shows_what_applying_will_do_and_writes_nothing(tree):
    c1, c2, _c3 = tree["communes"]
    reorganisation = merge_plan(tree)
    before = snapshot()
    shown = reorganisations.preview(reorganisation)
    assert snapshot() == before
    assert [(row["unit"], row["subtree"]) for row in shown.closing] == [(c1, [tree["cell"]]), (c2, [])]
    assert [(row["place"]["name"], row["code"], row["parent"]["unit"]) for row in shown.opening] == [
        ("Đảng ủy xã Bạch Thông", "BK-BT25", tree["province"])
    ]
    moved = {row["initiative"].name: row["to"]["name"] for row in shown.models}
    assert moved == {
        "Mô hình hiến đất làm đường": "Đảng ủy xã Bạch Thông",
        "Mô hình nuôi heo đất": "Đảng ủy xã Bạch Thông",
        "Mô hình tuyến đường hoa": "Đảng ủy xã Bạch Thông",
    }  # "Mô hình đã dừng" was last registered in 2022: it stays as it was
    assert [(row["user"], row["from"], row["to"]["name"]) for row in shown.memberships] == [
        (tree["editor"], c1, "Đảng ủy xã Bạch Thông")
    ]
    # 2024 in today's structure: the three models of the two communes and the cell.
    assert shown.year == 2024
    assert [(row["place"]["name"], row["place"]["is_new"], row["count"]) for row in shown.figures] == [
        ("Đảng ủy xã Bạch Thông", True, 3)
    ]

    # Applying does what the preview said.
    reorganisations.apply(user=tree["admin"], reorganisation=reorganisation)
    new = Unit.objects.get(code="BK-BT25")
    for row in shown.models:
        row["initiative"].refresh_from_db()
        assert row["initiative"].unit == new
    after = reorganisations.preview(reorganisation)
    assert {row["initiative"].name: row["to"]["unit"] for row in after.models} == dict.fromkeys(moved, new)
    assert [(row["place"]["unit"], row["count"]) for row in after.figures] == [(new, 3)]
    assert [(row["user"], row["from"], row["to"]["unit"]) for row in after.memberships] == [
        (tree["editor"], c1, new)
    ]
    assert [row["unit"] for row in after.closing] == [c1, c2]
    assert [row["place"]["unit"] for row in after.opening] == [new]


def split_plan(tree, assign=None):
    c3 = tree["communes"][2]
    step = {"kind": ChangeKind.SPLIT, "olds": [c3.pk], "targets": [{"new": "a"}, {"new": "b"}]}
    if assign is not None:
        step["assign"] = assign
    return plan(
        [step],
        {
            "a": new_commune("Đảng ủy xã Phong Quang", tree["province"]),
            "b": new_commune("Đảng ủy xã Khuổi Chủ", tree["province"]),
        },
    )


def test_the_split_suggestion_is_the_part_whose_place_the_model_names(tree):
    names_of_parts = ["Đảng ủy xã Phong Quang", "Đảng ủy xã Khuổi Chủ"]
    models = tree["models"]
    assert reorganisations.suggest_part(models["c3b"], names_of_parts) == 1  # "..., thôn Khuổi Chủ"
    assert reorganisations.suggest_part(models["c3a"], names_of_parts) == 0  # names no part: the main one
    by_address = Initiative(name="Mô hình tổ tự quản", address="Thôn Khuoi Chu, xã Đôn Phong")
    assert reorganisations.suggest_part(by_address, names_of_parts) == 1
    assert reorganisations.place_name("Đảng bộ cơ sở phường Đức Xuân") == "duc xuan"
    # A longer place wins over a shorter one it contains.
    inside = Initiative(name="Mô hình xã Phong Quang", address="")
    assert reorganisations.suggest_part(inside, ["Đảng ủy xã Quang", "Đảng ủy xã Phong Quang"]) == 1


def test_a_split_preview_sends_each_model_to_its_assigned_part(tree):
    models = tree["models"]
    reorganisation = split_plan(tree, assign={str(models["c3b"].pk): 1})
    shown = reorganisations.preview(reorganisation)
    assert {row["initiative"].pk: (row["to"]["name"], row["assigned"]) for row in shown.models} == {
        models["c3a"].pk: ("Đảng ủy xã Phong Quang", False),
        models["c3b"].pk: ("Đảng ủy xã Khuổi Chủ", True),
    }
    assert [(row["place"]["name"], row["count"]) for row in shown.figures] == [
        ("Đảng ủy xã Phong Quang", 1),
        ("Đảng ủy xã Khuổi Chủ", 1),
    ]
    rows = reorganisations.split_models(reorganisation, 1)
    assert [(row["initiative"], row["part"], row["suggested"]) for row in rows] == [
        (models["c3a"], 0, 0),
        (models["c3b"], 1, 1),
    ]


def test_a_preview_of_a_plan_that_cannot_be_does_not_fail(tree):
    c1, c2, _c3 = tree["communes"]
    broken = plan(
        [
            merge_into(c1, c2),
            merge_into(c2, c1),  # a loop
            {"kind": "merge", "olds": [999999], "targets": [{"new": "missing"}]},
            {"kind": "unknown", "olds": [], "targets": []},
        ]
    )
    shown = reorganisations.preview(broken)
    assert reorganisations.check(broken)
    assert [step["label"] for step in shown.steps][-1] == "unknown"


def test_a_preview_runs_the_same_queries_whatever_the_plan_s_size(tree, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    c1, c2, c3 = tree["communes"]
    small = plan([merge_into(c1, c2)])
    with CaptureQueriesContext(connection) as few:
        reorganisations.preview(small)
    for number in range(5):
        register(c3, f"Mô hình thêm {number}")
    large = plan(
        [{"kind": "merge", "olds": [c1.pk, c2.pk, c3.pk, tree["district"].pk], "targets": [{"new": "a"}]}],
        {"a": new_commune("Đảng ủy xã Bạch Thông", tree["province"])},
    )
    with django_assert_max_num_queries(len(few.captured_queries)):
        reorganisations.preview(large)
