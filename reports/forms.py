"""The report picker (a GET form choosing the root unit and the period), the builder's layout and its
saved tables."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from registry import rules
from registry.forms import DateInput, OnceMixin, ScopedFormMixin, VersionMixin

from .builder import DIMENSION_CHOICES, MEASURE_CHOICES, BuilderError, Layout
from .models import SavedTable
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
    # Today's kind of structure, as it stood on a chosen day (between two reorganisations).
    structure_on = forms.DateField(label=_("Tổ chức tại ngày"), required=False, widget=DateInput)
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

    def clean_structure_on(self):
        day = self.cleaned_data.get("structure_on")
        if day is None:
            return None
        today = rules.today()
        if day > today:
            raise ValidationError(
                _("Ngày chọn tổ chức (%(day)s) ở tương lai: hãy chọn một ngày đến hôm nay (%(today)s).")
                % {"day": day.strftime("%d/%m/%Y"), "today": today.strftime("%d/%m/%Y")}
            )
        if day.year < rules.FIRST_YEAR:
            raise ValidationError(
                _("Ngày chọn tổ chức phải từ năm %(year)s trở đi.") % {"year": rules.FIRST_YEAR}
            )
        return day

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

    @property
    def chosen_day(self):
        """Return the day whose structure is asked for (today's kind of structure), or None for today."""
        self.is_valid()
        if self.cleaned_data.get("structure", "") == Structure.REPORTED:
            return None
        return self.cleaned_data.get("structure_on")

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


class LayoutForm(forms.Form):
    """Choose what the table builder counts: the dimensions of its rows and columns, and the measure.

    Read beside ``ReportFilterForm`` from the same GET parameters (one form on the page), so
    that a bad dimension never loses the period, nor a bad period the dimensions.
    """

    rows = forms.ChoiceField(label=_("Dòng theo"), required=False)
    rows2 = forms.ChoiceField(label=_("rồi theo"), required=False)
    columns = forms.ChoiceField(label=_("Cột theo"), required=False)
    measure = forms.ChoiceField(label=_("Số liệu"), required=False)

    NAMES = ("rows", "rows2", "columns", "measure")
    DEFAULT = {"rows": "unit", "columns": "kind", "measure": "count"}

    def __init__(self, data=None, *args, **kwargs):
        # Opened without a layout (from the menu): the default table, shown as chosen in the form.
        if data is not None and not any(name in data for name in self.NAMES):
            data = {**data.dict(), **self.DEFAULT} if hasattr(data, "dict") else {**data, **self.DEFAULT}
        super().__init__(data, *args, **kwargs)
        none = [("", _("(không chọn)"))]
        self.fields["rows"].choices = DIMENSION_CHOICES
        self.fields["rows2"].choices = none + DIMENSION_CHOICES
        self.fields["columns"].choices = none + DIMENSION_CHOICES
        self.fields["measure"].choices = MEASURE_CHOICES
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select form-select-sm"

    def layout(self):
        """Return the chosen ``builder.Layout``; raise ``builder.BuilderError`` saying what is wrong."""
        if not self.is_valid():
            raise BuilderError(
                " ".join(
                    f"{self.fields[name].label}: {error}"
                    for name, errors in self.errors.items()
                    for error in errors
                )
            )
        data = self.cleaned_data
        return Layout(
            rows=[key for key in (data.get("rows"), data.get("rows2")) if key],
            columns=[data["columns"]] if data.get("columns") else [],
            measure=data.get("measure") or "count",
        )

    def params(self):
        """The GET parameters of the chosen layout, for links that keep it."""
        return {name: self.data.get(name) for name in self.NAMES if self.data.get(name)}


class SavedTableForm(VersionMixin, OnceMixin, ScopedFormMixin, forms.ModelForm):
    """Name a built table, and share it with the unit's users if the user may."""

    class Meta:
        model = SavedTable
        fields = ["name", "shared"]

    def __init__(self, *args, may_share=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].widget.attrs.update(
            {"class": "form-control form-control-sm", "placeholder": _("Tên bảng")}
        )
        self.fields["shared"].widget.attrs["class"] = "form-check-input"
        if not may_share:
            del self.fields["shared"]
