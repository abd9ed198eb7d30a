"""The forms of a proposal (đề nghị) and of the decision issued from it."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .. import proposals, rules
from ..choices import DecisionKind
from ..models import AwardForm, Proposal, Unit
from ..querysets import CHANGE, VIEW, ancestor_paths
from ..scope import scope_of
from . import (
    LEVEL_HELP,
    DateInput,
    OnceMixin,
    ScopedFormMixin,
    VersionMixin,
    YearField,
    add_errors,
    unit_label,
    use_autocomplete,
)


class ProposalForm(OnceMixin, VersionMixin, ScopedFormMixin, forms.ModelForm):
    """A proposal's heading; the receiving unit is chosen among the units above the user's own."""

    query = forms.CharField(required=False, widget=forms.HiddenInput)

    class Meta:
        model = Proposal
        fields = [
            "year",
            "kind",
            "unit",
            "receiving_unit",
            "level",
            "award_form",
            "reference",
            "proposed_on",
            "note",
        ]
        field_classes = {"year": YearField}
        widgets = {"proposed_on": DateInput(), "note": forms.Textarea(attrs={"rows": 3})}
        help_texts = {"level": LEVEL_HELP}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["receiving_unit"]
        paths = scope_of(self.user).paths(CHANGE)
        if paths is None:
            field.queryset = Unit.objects.filter(valid_to__isnull=True)
            use_autocomplete(field, "unit", VIEW)
        else:
            field.queryset = Unit.objects.filter(path__in=ancestor_paths(paths), valid_to__isnull=True)
            field.widget = forms.Select(attrs={"class": "form-select"})
            field.widget.choices = field.choices
        field.label_from_instance = unit_label
        self.fields["award_form"].queryset = AwardForm.objects.filter(is_active=True)
        self.fields["award_form"].help_text = _("Chỉ ghi với đề nghị khen thưởng.")
        if self.instance.pk:
            for name in ("year", "kind", "unit"):
                self.fields[name].disabled = True
        else:
            self.fields["proposed_on"].initial = timezone.localdate()
            self.fields["year"].initial = timezone.localdate().year

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("kind") == DecisionKind.RECOGNITION:
            cleaned["award_form"] = None
        return cleaned

    def _post_clean(self):
        super()._post_clean()
        if {"unit", "receiving_unit", "proposed_on"} & set(self.errors):
            return
        try:
            proposals.proposal_validate(proposal=self.instance)
        except ValidationError as error:
            add_errors(self, error)


class DecisionFromProposalForm(OnceMixin, forms.Form):
    """Number, symbol, date and signer: the rest of the decision comes from the proposal."""

    number = forms.CharField(label=_("Số"), max_length=20)
    symbol = forms.CharField(
        label=_("Ký hiệu"),
        max_length=60,
        help_text=_("Ví dụ: QĐ/HU (văn bản Đảng), QĐ-UBND (văn bản nhà nước)."),
    )
    signed_on = forms.DateField(label=_("Ngày ký"), widget=DateInput())
    signer_name = forms.CharField(label=_("Người ký"), max_length=200, required=False)
    issuer_name = forms.CharField(
        label=_("Cơ quan ban hành (như ghi trên văn bản)"),
        max_length=255,
        required=False,
        help_text=_("Để trống: tên đơn vị nhận đề nghị."),
    )
    title = forms.CharField(label=_("Trích yếu"), max_length=500, required=False)

    def __init__(self, *args, **kwargs):
        # A plain form has no instance: OnceMixin asks whether it creates one.
        self.instance = Proposal()
        super().__init__(*args, **kwargs)
        self.fields["signed_on"].validators.append(rules.DateRangeValidator("signed_on"))
