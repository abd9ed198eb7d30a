"""The country generator's small preset builds a sound tree and realistic, repeatable figures."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count, Exists, F, OuterRef, Q

from demo import country_data as data
from demo.reset import reset_registry
from registry.choices import DecisionKind, Kind, RegistrationStatus, UnitType
from registry.models import Decision, Initiative, Registration, Unit
from registry.tests.conftest import rule_refusals
from registry.text import fold

# The tally is left unbuilt (--skip-tally, below): there is nothing to check it against.
pytestmark = [pytest.mark.django_db, pytest.mark.no_tally_check]


def generate(*args):
    # The report tally is rebuilt by its own tests; skipping it keeps these fast.
    call_command("generate_country", "--small", "--skip-tally", *args, stdout=StringIO())


@pytest.fixture(scope="module", autouse=True)
def country(django_db_setup, django_db_blocker):
    """Generate the small country once for the module (each test rolls its own changes back)."""
    with django_db_blocker.unblock():
        generate()
    yield
    with django_db_blocker.unblock():
        reset_registry(lambda message: None)


def counts():
    return {
        "units": Unit.objects.count(),
        "initiatives": Initiative.objects.count(),
        "registrations": Registration.objects.count(),
        "decisions": Decision.objects.count(),
        "links": Decision.registrations.through.objects.count(),
        "maintained": Registration.objects.filter(status=RegistrationStatus.MAINTAINED).count(),
        "names": sorted(Initiative.objects.values_list("name", flat=True))[::50],
    }


def test_old_provinces_table_maps_63_provinces_onto_the_34_of_2025():
    new_codes = {new for _old, _name, _city, new in data.OLD_PROVINCES}
    old_codes = {old for old, _name, _city, _new in data.OLD_PROVINCES}
    assert len(data.OLD_PROVINCES) == len(old_codes) == 63
    assert len(new_codes) == 34
    # A new province keeps the code of one of the provinces it was formed from.
    assert new_codes <= old_codes
    merged = {name for _old, name, _city, new in data.OLD_PROVINCES if new == 19}
    assert merged == {"Thái Nguyên", "Bắc Kạn"}
    assert {name for _old, name, _city, new in data.OLD_PROVINCES if new == 15} == {"Lào Cai", "Yên Bái"}


def test_the_tree_has_no_problems_and_a_few_hundred_units():
    assert Unit.objects.find_problems() == ([], [], [], [], [])
    assert 150 <= Unit.objects.count() <= 600
    root = Unit.objects.get(code=data.ROOT_CODE)
    assert root.depth == 1 and root.name == "Ban Dân vận Trung ương"
    new_provinces = Unit.objects.filter(depth=2, valid_from=data.REFORM_START)
    assert sorted(new_provinces.values_list("name", flat=True)) == ["Tỉnh ủy Lào Cai", "Tỉnh ủy Thái Nguyên"]
    assert Unit.objects.get(code="T06").name == "Tỉnh ủy Bắc Kạn"
    # The derived search key is filled although bulk inserts skip save().
    assert not Unit.objects.filter(search_name="").exists()
    assert not Initiative.objects.filter(search_text="").exists()


def test_search_keys_equal_what_save_would_compute():
    for unit in Unit.objects.all()[:50]:
        assert unit.search_name == fold(unit.name)
    for initiative in Initiative.objects.filter(kind=Kind.INDIVIDUAL).select_related("unit")[:50]:
        kept = initiative.search_text
        initiative.save()
        assert kept == initiative.search_text
        assert kept.endswith(fold(initiative.unit.name))


def test_closed_units_have_successors_in_the_new_structure():
    closed = Unit.objects.filter(valid_to__isnull=False)
    assert closed.exists()
    assert not closed.filter(successor__isnull=True).exists()
    assert set(closed.values_list("valid_to", flat=True)) == {data.REFORM_END}
    assert not closed.filter(successor__valid_from__lt=data.REFORM_START).exists()
    old_communes = closed.filter(unit_type=UnitType.COMMUNE)
    assert old_communes.count() > 0
    assert not old_communes.exclude(successor__unit_type=UnitType.COMMUNE).exists()
    assert (
        not closed.filter(unit_type=UnitType.DISTRICT)
        .exclude(successor__unit_type=UnitType.PROVINCE)
        .exists()
    )


def test_proportions_are_realistic():
    registrations = Registration.objects.all()
    total = registrations.count()
    assert 1_900 <= total <= 2_100
    collective = registrations.filter(initiative__kind=Kind.COLLECTIVE).count()
    assert 0.70 <= collective / total <= 0.90
    first_year = min(registrations.values_list("year", flat=True))
    later = registrations.exclude(year=first_year)
    maintained = later.filter(status=RegistrationStatus.MAINTAINED).count()
    assert 0.35 <= maintained / later.count() <= 0.55
    recognised = registrations.filter(decisions__kind=DecisionKind.RECOGNITION).distinct().count()
    assert 0.10 <= recognised / total <= 0.20
    assert Decision.objects.filter(kind=DecisionKind.COMMENDATION).exists()
    assert set(registrations.values_list("year", flat=True)) == set(range(2016, 2026))
    # The four standard fields are all used, unevenly.
    by_field = dict(registrations.values_list("initiative__field__standard").annotate(n=Count("pk")))
    assert len(by_field) == 4 and max(by_field.values()) > 1.5 * min(by_field.values())


def test_no_unit_has_two_models_of_the_same_name():
    # The import identifies a model by its unit and its name.
    names = list(Initiative.objects.values_list("unit", "name"))
    assert len({(unit, fold(name)) for unit, name in names}) == len(names)


def test_individual_models_name_a_person():
    individuals = Initiative.objects.filter(kind=Kind.INDIVIDUAL)
    assert individuals.exists()
    assert not individuals.filter(Q(person_name="") | Q(person_position="")).exists()


def test_maintained_registrations_continue_last_years_model_of_the_unit_or_its_successor():
    earlier = Registration.objects.filter(initiative=OuterRef("initiative"), year=OuterRef("year") - 1)
    maintained = Registration.objects.filter(status=RegistrationStatus.MAINTAINED)
    assert not maintained.exclude(Exists(earlier)).exists()
    previous = {
        (initiative, year): (unit, path, successor_path)
        for initiative, year, unit, path, successor_path in Registration.objects.values_list(
            "initiative", "year", "unit", "unit__path", "unit__successor__path"
        )
    }
    for initiative, year, unit, path in maintained.values_list("initiative", "year", "unit", "unit__path"):
        last_unit, _last_path, successor_path = previous[(initiative, year - 1)]
        assert unit == last_unit or (successor_path and path.startswith(successor_path))


def test_units_register_only_while_they_exist():
    registrations = Registration.objects.all()
    assert registrations.filter(unit__valid_from=data.REFORM_START).exists()
    assert not registrations.filter(unit__valid_from__gt=F("registered_on")).exists()
    assert not registrations.filter(unit__valid_to__lt=F("registered_on")).exists()
    assert not registrations.filter(registered_on__year__lt=F("year")).exists()


def test_recognition_decisions_are_issued_by_open_units_after_the_evaluation():
    decisions = Decision.objects.all()
    assert not decisions.filter(issuing_unit__valid_to__lt=F("signed_on")).exists()
    assert not decisions.filter(issuing_unit__valid_from__gt=F("signed_on")).exists()
    covered = Decision.registrations.through.objects
    assert not covered.filter(registration__evaluated_on__gte=F("decision__signed_on")).exists()
    assert not covered.exclude(registration__evaluation="effective").exists()


def test_every_generated_row_obeys_the_registry_rules():
    assert rule_refusals() == []


def test_the_same_seed_gives_the_same_data():
    first = counts()
    generate("--reset")
    assert counts() == first
    generate("--reset", "--seed", "7")
    assert counts() != first


def test_refuses_to_run_on_a_registry_with_units():
    with pytest.raises(CommandError):
        generate()
