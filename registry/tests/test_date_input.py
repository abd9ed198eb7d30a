"""One date-input policy: every date field reads dd/mm/yyyy and ISO dates, and shows dd/mm/yyyy."""

import datetime
import importlib
import inspect
import pkgutil

import django_filters
import pytest
from django import forms
from django.urls import reverse
from django.utils import translation

import intake.forms
import registry.filters
import registry.forms
import reports.forms
from registry.forms import DateInput


def form_modules():
    yield from (registry.forms, reports.forms, intake.forms)
    for info in pkgutil.iter_modules(registry.forms.__path__):
        yield importlib.import_module(f"registry.forms.{info.name}")


def date_fields():
    """Every date field of the project's forms and list filters, named by where it is."""
    for module in form_modules():
        for name, form in inspect.getmembers(module, inspect.isclass):
            if issubclass(form, forms.BaseForm) and form.__module__ == module.__name__:
                for field_name, field in form.base_fields.items():
                    if isinstance(field, forms.DateField):
                        yield f"{module.__name__}.{name}.{field_name}", field
    for name, filterset in inspect.getmembers(registry.filters, inspect.isclass):
        if (
            issubclass(filterset, django_filters.FilterSet)
            and filterset.__module__ == registry.filters.__name__
        ):
            for filter_name, filter_ in filterset.base_filters.items():
                if issubclass(filter_.field_class, forms.DateField):
                    yield f"registry.filters.{name}.{filter_name}", filter_.field


def test_the_project_has_date_fields_to_check():
    names = [name for name, _field in date_fields()]
    assert len(names) >= 15
    assert "reports.forms.ReportFilterForm.date_from" in names
    assert "registry.forms.RegistrationForm.registered_on" in names
    assert "intake.forms.BulkForm.evaluated_on" in names


@pytest.mark.parametrize("name_field", list(date_fields()), ids=lambda item: item[0])
def test_every_date_field_uses_the_one_date_input(name_field):
    name, field = name_field
    assert type(field.widget) is DateInput, name
    assert field.widget.input_type == "text"


@pytest.mark.parametrize("language", ["vi", "en"])
@pytest.mark.parametrize(
    "typed", ["05/03/2025", "5/3/2025", "05-03-2025", "05.03.2025", "2025-03-05", " 05/03/2025 "]
)
def test_a_date_is_read_from_dd_mm_yyyy_and_iso_in_both_languages(language, typed):
    with translation.override(language):
        assert forms.DateField(widget=DateInput()).clean(typed) == datetime.date(2025, 3, 5)


@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_day_comes_first_in_english_too_and_odd_dates_are_refused(language):
    with translation.override(language):
        field = forms.DateField(widget=DateInput())
        assert field.clean("03/05/2025") == datetime.date(2025, 5, 3)
        for typed in ["13/13/2025", "2025-13-01", "31/02/2025", "03/05", "hôm qua"]:
            with pytest.raises(forms.ValidationError):
                field.clean(typed)


@pytest.mark.parametrize("language", ["vi", "en"])
@pytest.mark.parametrize("value", [datetime.date(2025, 3, 5), "2025-03-05", "05/03/2025", "5-3-2025"])
def test_a_date_is_shown_as_dd_mm_yyyy_however_it_came(language, value):
    with translation.override(language):
        html = DateInput().render("day", value)
    assert 'value="05/03/2025"' in html and 'type="text"' in html and 'placeholder="dd/mm/yyyy"' in html


def test_what_is_not_a_date_is_shown_back_as_typed():
    assert 'value="hôm qua"' in DateInput().render("day", "hôm qua")


@pytest.mark.django_db
def test_the_report_picker_shows_an_iso_link_date_as_dd_mm_yyyy(superuser_client_tree):
    client, tree = superuser_client_tree
    page = client.get(
        reverse("reports:report"),
        {"unit": tree.province.pk, "period": "range", "date_from": "2023-05-01", "date_to": "31/08/2023"},
    ).content.decode()
    assert 'value="01/05/2023"' in page and 'value="31/08/2023"' in page
    assert 'type="date"' not in page


@pytest.mark.django_db
def test_the_list_filter_reads_both_and_shows_dd_mm_yyyy(superuser_client_tree):
    client, tree = superuser_client_tree
    for typed in ["2023-01-01", "01/01/2023"]:
        page = client.get(
            reverse("registry:registration_list"), {"date_from": typed, "date_to": "2023-03-01"}
        )
        assert page.context["paginator"].count == 2  # the tree's two registrations of 01/03/2023
        html = page.content.decode()
        assert 'value="01/01/2023"' in html and 'value="01/03/2023"' in html
        assert 'type="date"' not in html  # the bulk evaluation's date too
    page = client.get(reverse("registry:registration_list"), {"date_from": "2023-03-02"})
    assert page.context["paginator"].count == 0


@pytest.fixture
def superuser_client_tree(tree, client):
    from registry.tests.factories import UserFactory

    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    return client, tree
