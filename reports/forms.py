"""The report picker: a GET form choosing the root unit and the period."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from registry import rules
from registry.forms import DateInput

from .periods import Period, PeriodKind, Structure

HALF_CHOICES = [(1, _("6 tháng đầu năm")), (2, _("6 tháng cuối năm"))]
QUARTER_CHOICES = [(1, _("Quý I")), (2, _("Quý II")), (3, _("Quý III")), (4, _("Quý IV"))]
MAX_PHASE_YEARS = 15


class ReportFilterForm(forms.Form):
    """Choose the report's root unit (kept as a hidden value; the page links to the others) and period.

    The unit is only parsed here; whether the user may see it is decided by
    ``selectors.report_root``, which starts from the user's scope and refuses a unit outside it.
    """

    unit = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    period = forms.TypedChoiceField(
        label=_("Kỳ báo cáo"), choices=PeriodKind.choices, required=False, empty_value=PeriodKind.YEAR
    )
    year = forms.IntegerField(
        label=_("Năm"), required=False, min_value=rules.FIRST_YEAR, max_value=rules.LAST_YEAR
    )
    half = forms.TypedChoiceField(label=_("6 tháng"), choices=HALF_CHOICES, coerce=int, required=False)
    quarter = forms.TypedChoiceField(label=_("Quý"), choices=QUARTER_CHOICES, coerce=int, required=False)
    date_from = forms.DateField(
        label=_("Từ ngày"),
        required=False,
        widget=DateInput,
        validators=[rules.DateRangeValidator("date_from")],
    )
    date_to = forms.DateField(
        label=_("Đến ngày"),
        required=False,
        widget=DateInput,
        validators=[rules.DateRangeValidator("date_to")],
    )
    year_from = forms.IntegerField(
        label=_("Từ năm"), required=False, min_value=rules.FIRST_YEAR, max_value=rules.LAST_YEAR
    )
    year_to = forms.IntegerField(
        label=_("Đến năm"), required=False, min_value=rules.FIRST_YEAR, max_value=rules.LAST_YEAR
    )
    structure = forms.ChoiceField(label=_("Tính theo"), choices=Structure.choices, required=False)
    drafts = forms.BooleanField(label=_("Tính cả dự thảo"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field.widget, forms.Select):
                field.widget.attrs["class"] = "form-select form-select-sm"
            elif not field.widget.is_hidden:
                field.widget.attrs["class"] = "form-control form-control-sm"

    @property
    def unit_id(self):
        """Return the chosen root unit's id, or None for the user's own unit."""
        self.is_valid()  # a bad period does not lose the unit: field values stay in cleaned_data
        return self.cleaned_data.get("unit")

    def clean(self):
        data = super().clean()
        kind = data.get("period") or PeriodKind.YEAR
        if kind == PeriodKind.HALF and not data.get("half"):
            data["half"] = 1
        if kind == PeriodKind.QUARTER and not data.get("quarter"):
            data["quarter"] = 1
        if kind == PeriodKind.RANGE:
            start, end = data.get("date_from"), data.get("date_to")
            if not start or not end:
                raise ValidationError(_("Hãy chọn cả ngày bắt đầu và ngày kết thúc."))
            if end < start:
                raise ValidationError(_("Ngày kết thúc phải sau ngày bắt đầu."))
        if kind == PeriodKind.PHASE:
            first, last = data.get("year_from"), data.get("year_to")
            if not first or not last:
                raise ValidationError(_("Hãy chọn năm đầu và năm cuối của giai đoạn."))
            if last < first:
                raise ValidationError(_("Năm cuối phải sau năm đầu của giai đoạn."))
            if last - first >= MAX_PHASE_YEARS:
                raise ValidationError(_("Một giai đoạn dài tối đa %(n)s năm.") % {"n": MAX_PHASE_YEARS})
        data["period"] = kind
        return data

    @property
    def chosen_structure(self):
        """Return the structure asked for, or "" for the default of the root and period."""
        self.is_valid()
        return self.cleaned_data.get("structure", "")

    def get_period(self, default_year):
        """Return the chosen period; ``default_year()`` is asked only when no year was given.

        An empty or invalid form gives the default year (the errors are shown beside it).
        """
        data = self.cleaned_data if self.is_valid() else {}
        return self._period(data, default_year).with_drafts(data.get("drafts", False))

    def _period(self, data, default_year):
        kind = data.get("period") or PeriodKind.YEAR
        if kind == PeriodKind.RANGE:
            return Period.between(data["date_from"], data["date_to"])
        if kind == PeriodKind.PHASE:
            return Period.phase(data["year_from"], data["year_to"])
        year = data.get("year") or default_year()
        if kind == PeriodKind.HALF:
            return Period.half(year, data["half"])
        if kind == PeriodKind.QUARTER:
            return Period.quarter(year, data["quarter"])
        return Period.year(year)
