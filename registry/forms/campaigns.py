"""The form of a campaign (đợt thi đua): launched by a unit the user may change, over its subtree."""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .. import services
from ..choices import UnitType
from ..models import Campaign
from . import (
    DateInput,
    OnceMixin,
    ScopedFormMixin,
    VersionMixin,
    YearField,
    accept_long_names,
    add_errors,
    clean_document_upload,
)


class CampaignForm(OnceMixin, VersionMixin, ScopedFormMixin, forms.ModelForm):
    unit_types = forms.MultipleChoiceField(
        label=_("Loại đơn vị phải đăng ký"),
        choices=UnitType.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Để trống: mọi đơn vị trực thuộc đơn vị phát động đều phải đăng ký."),
    )
    review_unit_types = forms.MultipleChoiceField(
        label=_("Các cấp xét duyệt trung gian"),
        choices=UnitType.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Để trống: đơn vị phát động trực tiếp tiếp nhận. Chọn loại đơn vị (ví dụ Đảng ủy xã) để "
            "cấp đó xét duyệt trước rồi chuyển lên."
        ),
    )

    class Meta:
        model = Campaign
        fields = [
            "year",
            "unit",
            "title",
            "reference",
            "launched_on",
            "registration_deadline",
            "evaluation_deadline",
            "unit_types",
            "review_unit_types",
            "note",
            "document",
        ]
        field_classes = {"year": YearField}
        widgets = {
            "launched_on": DateInput(),
            "registration_deadline": DateInput(),
            "evaluation_deadline": DateInput(),
            "note": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.instance.pk:
            today = timezone.localdate()
            self.fields["year"].initial = today.year
            self.fields["launched_on"].initial = today
        self.fields["document"].help_text = _("Tệp PDF, Word hoặc ảnh, tối đa %(mb)s MB.") % {
            "mb": settings.ATTACHMENT_MAX_BYTES // (1024 * 1024)
        }
        accept_long_names(self.fields["document"])

    def clean_unit_types(self):
        return [value for value in UnitType.values if value in self.cleaned_data.get("unit_types", [])]

    def clean_review_unit_types(self):
        chosen = self.cleaned_data.get("review_unit_types", [])
        return [value for value in UnitType.values if value in chosen]

    def clean_document(self):
        return clean_document_upload(self.cleaned_data.get("document"))

    def _post_clean(self):
        super()._post_clean()
        dates = {"year", "unit", "launched_on", "registration_deadline", "evaluation_deadline"}
        if dates & set(self.errors):
            return
        try:
            services.campaign_validate(campaign=self.instance)
        except ValidationError as error:
            add_errors(self, error)
