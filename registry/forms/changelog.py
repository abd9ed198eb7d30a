"""The change log's filters: kind of record, unit (with its subtree), user, days; the page's cursor.

The unit and user choices come from the administrator's scope: a unit outside it, or a user
who holds no role in it, is an invalid choice and the form says so.
"""

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from .. import history, rules
from ..models import Membership, Unit
from ..querysets import MANAGE, scope_paths
from . import DateInput, UnitChoiceField, unit_label, use_autocomplete

KIND_LABELS = {
    "don-vi": _("Đơn vị"),
    "mo-hinh": _("Mô hình"),
    "dang-ky": _("Đăng ký theo năm"),
    "quyet-dinh": _("Quyết định"),
    "dot-thi-dua": _("Đợt thi đua"),
    "de-nghi": _("Đề nghị"),
    "nhom-don-vi": _("Cụm, khối thi đua"),
    "bo-loc": _("Bộ lọc đã lưu"),
    "cot-danh-sach": _("Cột của danh sách mô hình"),
}


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return history.user_label(obj)


class ChangeLogFilterForm(forms.Form):
    kind = forms.ChoiceField(label=_("Loại bản ghi"), required=False)
    unit = UnitChoiceField(
        label=_("Đơn vị (cả các đơn vị trực thuộc)"), queryset=Unit.objects.none(), required=False
    )
    actor = UserChoiceField(
        label=_("Người thực hiện"), queryset=get_user_model().objects.none(), required=False
    )
    date_from = forms.DateField(
        label=_("Từ ngày"),
        required=False,
        widget=DateInput(),
        validators=[rules.DateRangeValidator("date_from")],
    )
    date_to = forms.DateField(
        label=_("Đến ngày"),
        required=False,
        widget=DateInput(),
        validators=[rules.DateRangeValidator("date_to")],
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("Tất cả")), *KIND_LABELS.items()]
        units = self.fields["unit"]
        units.queryset = Unit.objects.restrict(user, MANAGE)
        units.label_from_instance = unit_label
        use_autocomplete(units, "unit", MANAGE)
        users = get_user_model().objects.order_by("username")
        if scope_paths(user, MANAGE) is not None:
            members = Membership.objects.restrict(user, MANAGE).values("user_id")
            users = users.filter(pk__in=members)
        self.fields["actor"].queryset = users

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("Ngày cuối phải từ ngày đầu trở đi."))
        return cleaned

    def filters(self):
        """The selector's arguments (``registry.changelog.page``) from the valid fields."""
        data = {}
        if self.is_bound:
            self.is_valid()  # an invalid field (a unit outside the scope, no real date) is left out
            data = self.cleaned_data
        return {
            "kind": history.HISTORY_MODELS.get(data.get("kind") or ""),
            "unit": data.get("unit"),
            "actor": data.get("actor"),
            "date_from": data.get("date_from"),
            "date_to": data.get("date_to"),
        }
