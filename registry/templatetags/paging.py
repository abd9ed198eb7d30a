"""Template filters of the lists' page links."""

from django import template

register = template.Library()


@register.filter
def page_numbers(page):
    """Return the page numbers to link around ``page``: the first and last, two on each side, “…” between."""
    return page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)
