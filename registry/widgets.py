"""Choice lists that stay light at national scale.

A national administrator may choose among 60.000 units and a million models: a plain
``<select>`` would send them all with every form. ``Autocomplete`` sends every option only
when there are few; otherwise it sends the chosen one, and the browser (Tom Select, vendored)
asks ``registry:suggest`` for the others as the user types. The field still validates the
chosen value against its own restricted queryset, so a suggestion list is never the guard.
"""

from django import forms
from django.forms.utils import flatatt
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from .querysets import VIEW

# Up to this many choices the list is sent whole and searched in the browser.
FULL_LIST_LIMIT = 300


class Autocomplete(forms.Select):
    def __init__(self, kind, action=VIEW, attrs=None):
        self.kind = kind  # "unit" or "initiative"
        self.action = action
        super().__init__(attrs)

    def get_context(self, name, value, attrs):
        attrs = {
            **(attrs or {}),
            "data-autocomplete": f"{reverse('registry:suggest', args=[self.kind])}?quyen={self.action}",
            "data-placeholder": _("Gõ vài chữ để tìm (không cần dấu)…"),
            "data-no-results": _("Không tìm thấy. Hãy gõ khác đi."),
            "data-loading": _("Đang tìm…"),
            "data-clear": _("Bỏ chọn"),
        }
        iterator = self.choices
        # Count no further than the limit: a national scope holds 60.000 units.
        queryset = getattr(iterator, "queryset", None)
        if queryset is not None and queryset[: FULL_LIST_LIMIT + 1].count() > FULL_LIST_LIMIT:
            attrs["data-remote"] = "1"
            self.choices = self._chosen_only(iterator, value)
        return super().get_context(name, value, attrs)

    @staticmethod
    def _chosen_only(iterator, value):
        values = value if isinstance(value, list | tuple) else [value]
        ids = [int(item) for item in values if str(item or "").isdecimal()]
        choices = [] if iterator.field.empty_label is None else [("", iterator.field.empty_label)]
        return choices + [iterator.choice(obj) for obj in iterator.queryset.filter(pk__in=ids)]


class AutocompleteMultiple(Autocomplete, forms.SelectMultiple):
    """The same, for choosing several (the old units of a merge)."""


class QuickSelect(forms.Select):
    """A plain ``<select>`` written in Python instead of a template per option.

    The model list's filters hold a dozen lists of some sixty options in all: through the
    widget templates they took about 12 ms of every list page. Lists with option groups are
    left to the templates.
    """

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        groups = widget["optgroups"]
        if any(group_name for group_name, _options, _index in groups):
            return super().render(name, value, attrs, renderer)
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (option["value"], flatatt(option["attrs"]), option["label"])
                for _group_name, group_options, _index in groups
                for option in group_options
            ),
        )
        return format_html(
            '<select name="{}"{}>{}</select>', widget["name"], flatatt(widget["attrs"]), options
        )
