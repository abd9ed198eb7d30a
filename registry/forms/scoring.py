"""The forms of the scoring: a campaign's criteria and marks, a registration's points."""

from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from registry.models import Campaign
from registry.scoring import MAX_CRITERIA

from . import VersionMixin, WholeNumberField


class PointsField(forms.DecimalField):
    """Points typed as people write them: 7, 7,5 or 7.5 — at most the criterion's, in halves."""

    widget = forms.TextInput
    default_error_messages = {
        "invalid": _("Hãy ghi một số điểm, ví dụ 7 hoặc 7,5."),
        "min_value": _("Điểm không âm."),
        "max_value": _("Tối đa %(limit_value)s điểm."),
        "max_decimal_places": _("Điểm lẻ đến 0,5."),
        "max_digits": _("Điểm quá lớn."),
        "max_whole_digits": _("Điểm quá lớn."),
    }

    def __init__(self, *, most, **kwargs):
        super().__init__(
            min_value=0, max_value=most, max_digits=6, decimal_places=1, required=False, **kwargs
        )

    def to_python(self, value):
        if value in self.empty_values:
            return None
        text = str(value).strip().replace(" ", "")
        if "," in text and "." not in text:
            text = text.replace(",", ".")
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None
        if not number.is_finite():
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return number

    def validate(self, value):
        super().validate(value)
        if value is not None and (value * 2) % 1:
            raise ValidationError(self.error_messages["max_decimal_places"], code="max_decimal_places")

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs.pop("step", None)
        attrs.pop("min", None)
        attrs.pop("max", None)
        return {**attrs, "inputmode": "decimal", "autocomplete": "off"}


class ScoreForm(forms.Form):
    """A point box per criterion of the registration's campaign."""

    version = forms.CharField(required=False, widget=forms.HiddenInput)
    apply = forms.BooleanField(
        required=False,
        label=_("Áp dụng kết quả gợi ý (đánh giá và xếp loại theo tổng điểm)"),
    )

    def __init__(self, *args, criteria, scores, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        for criterion in self.criteria:
            self.fields[f"criterion_{criterion.pk}"] = PointsField(
                most=criterion.points,
                label=_("%(name)s (tối đa %(points)s điểm)")
                % {"name": criterion.name, "points": criterion.points},
                initial=scores.get(criterion.pk),
            )

    def points(self):
        data = self.cleaned_data
        return {criterion.pk: data.get(f"criterion_{criterion.pk}") for criterion in self.criteria}


class MarksForm(VersionMixin, forms.ModelForm):
    """The marks of a campaign's scoring: from which total it suggests each result."""

    class Meta:
        model = Campaign
        fields = ["effective_mark", "exemplar_mark", "outstanding_mark"]
        help_texts = {
            "effective_mark": _("Tổng điểm từ mức này: gợi ý đánh giá “Hiệu quả”. Để trống: không gợi ý."),
            "exemplar_mark": _("Tổng điểm từ mức này: gợi ý xếp loại “Điển hình”."),
            "outstanding_mark": _("Tổng điểm từ mức này: gợi ý xếp loại “Tiêu biểu”."),
        }


class CriterionRowForm(forms.Form):
    """One criterion: its name, its most points, its place; ticked to delete it."""

    pk = forms.IntegerField(required=False, widget=forms.HiddenInput)
    name = forms.CharField(label=_("Tiêu chí"), max_length=300, required=False)
    points = WholeNumberField(
        label=_("Điểm tối đa"),
        min_value=1,
        max_value=1000,
        required=False,
        error_messages={
            "min_value": _("Điểm tối đa từ 1 đến 1.000."),
            "max_value": _("Điểm tối đa từ 1 đến 1.000."),
        },
    )
    order = WholeNumberField(label=_("Thứ tự"), min_value=0, max_value=1000, required=False)
    delete = forms.BooleanField(label=_("Xóa"), required=False)


CriterionFormSet = forms.formset_factory(
    CriterionRowForm, extra=3, max_num=MAX_CRITERIA + 3, absolute_max=MAX_CRITERIA + 3, validate_max=True
)
