"""The form of a group of units (cụm thi đua, khối thi đua)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import UnitGroup
from ..querysets import MANAGE
from . import OnceMixin, ScopedFormMixin, VersionMixin, YearField, unit_label


class UnitGroupForm(VersionMixin, OnceMixin, ScopedFormMixin, forms.ModelForm):
    """Name the group, its owner and years, and choose its members among the units administered."""

    unit_action = MANAGE

    first_year = YearField(label=_("Từ năm"))
    last_year = YearField(
        label=_("Đến năm"), required=False, help_text=_("Để trống nếu cụm, khối vẫn đang hoạt động.")
    )

    class Meta:
        model = UnitGroup
        fields = ["name", "kind", "owner", "first_year", "last_year", "members", "note"]
        widgets = {"note": forms.Textarea(attrs={"rows": 3})}
        help_texts = {
            "members": _(
                "Ít nhất hai đơn vị thuộc đơn vị quản lý; không chọn cả đơn vị cấp trên lẫn đơn vị "
                "trực thuộc của nó. Đơn vị thôi hoạt động vẫn là thành viên; đơn vị kế thừa không "
                "tự động được thêm vào."
            )
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["members"].label_from_instance = unit_label
        self.fields["owner"].label_from_instance = unit_label
