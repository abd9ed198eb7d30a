"""The forms of the model list's own settings: its columns and its saved filters."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ..lists import LIST_COLUMNS
from ..models import SavedFilter
from . import OnceMixin, ScopedFormMixin, VersionMixin


class SavedFilterForm(VersionMixin, OnceMixin, ScopedFormMixin, forms.ModelForm):
    """Name a filter of the list, and share it with a unit if the user wishes."""

    class Meta:
        model = SavedFilter
        fields = ["name", "unit", "query"]
        widgets = {"query": forms.HiddenInput}
        help_texts = {
            "unit": _(
                "Để trống: chỉ mình bạn thấy. Chọn một đơn vị: mọi người xem được đơn vị đó cũng thấy bộ lọc."
            )
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:  # the filter itself is not edited: save the list's new one instead
            del self.fields["query"]


class ListColumnsForm(forms.Form):
    """Which columns the list shows, and where: a box and a position for each."""

    def __init__(self, *args, chosen, **kwargs):
        super().__init__(*args, **kwargs)
        chosen_keys = [column.key for column in chosen]
        others = [column for column in LIST_COLUMNS if column.key not in chosen_keys]
        self.columns = [*chosen, *others]
        for position, column in enumerate(self.columns, start=1):
            self.fields[f"show_{column.key}"] = forms.BooleanField(
                label=column.label, required=False, initial=column.key in chosen_keys
            )
            self.fields[f"order_{column.key}"] = forms.IntegerField(
                label=_("Vị trí của cột “%(label)s”") % {"label": column.label},
                min_value=1,
                max_value=len(LIST_COLUMNS),
                required=False,
                initial=position,
            )

    def rows(self):
        """The pairs of fields to show, one line per column."""
        return [(self[f"show_{c.key}"], self[f"order_{c.key}"]) for c in self.columns]

    def chosen_keys(self):
        """The keys of the ticked columns, by the position given (ties: as listed)."""
        data = self.cleaned_data
        ticked = [
            (data[f"order_{c.key}"] or len(LIST_COLUMNS), i, c.key)
            for i, c in enumerate(self.columns)
            if data[f"show_{c.key}"]
        ]
        return [key for _order, _i, key in sorted(ticked)]
