"""Template filters that write numbers and money through ``registry.formats``."""

from django import template

from registry import formats
from registry.choices import UnitType

register = template.Library()


@register.filter
def grouped(value):
    """1759 → 1.759; empty values stay empty."""
    return "" if value in (None, "") else formats.grouped(value)


@register.filter
def money(value):
    """129000000 → 129.000.000 đ; empty values stay empty."""
    return "" if value in (None, "") else formats.money(value)


@register.filter
def percent(value):
    """A share in per cent, half up to one decimal: 56,3% (English 56.3%); empty values stay empty."""
    return formats.percent(value)


@register.filter
def day(value):
    """A date as dd/mm/yyyy; empty values stay empty."""
    return "" if value in (None, "") else formats.day(value)


@register.simple_tag
def filters_in_use(form):
    """(label, value) of each filter of a validated ``form`` in use (``forms.filter_summary``)."""
    from registry.forms import filter_summary  # noqa: PLC0415 - the forms import the models at load

    return filter_summary(form)


@register.filter
def unit_type_label(value):
    """A unit type's value (``UnitType``) as its label in the language of the page."""
    return UnitType(value).label if value in UnitType.values else value


@register.filter
def get_item(mapping, key):
    """``mapping|get_item:key``: a dictionary's value for a key held in a variable."""
    return mapping.get(key) if hasattr(mapping, "get") else None


@register.filter
def inner(value):
    """A name to be put between “ ”, its own double quotes made single: “Mô hình ‘Dân vận khéo’”."""
    return formats.inner(value)
