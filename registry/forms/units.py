"""The forms of the unit pages: a new unit under a parent, and a user's role in a unit."""

from django import forms
from django.utils.translation import gettext_lazy

from ..choices import Role
from ..models import Unit
from . import CleanTextMixin, UnitChoiceField, UnitForm


class UnitCreateForm(UnitForm):
    """A new unit under a unit the user administers; a superuser may leave the parent out."""

    parent = UnitChoiceField(queryset=Unit.objects.none(), label=gettext_lazy("Trực thuộc đơn vị"))

    field_order = ["parent"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.user.is_superuser:
            # A top-level unit (a province, a national body) is made by the system's administrators only.
            self.fields["parent"].required = False
            self.fields["parent"].help_text = gettext_lazy(
                "Để trống để thêm đơn vị cấp cao nhất (chỉ quản trị hệ thống)."
            )

    class Meta(UnitForm.Meta):
        fields = [*UnitForm.Meta.fields, "valid_to"]
        help_texts = {
            "valid_to": gettext_lazy("Chỉ khi nhập lại một đơn vị đã thôi hoạt động, để ghi lịch sử.")
        }


class MembershipForm(CleanTextMixin, forms.Form):
    """A role given to an existing user, or to a new account made with it."""

    username = forms.CharField(label=gettext_lazy("Tên đăng nhập"), max_length=150)
    full_name = forms.CharField(
        label=gettext_lazy("Họ và tên (tài khoản mới)"), max_length=150, required=False
    )
    password = forms.CharField(
        label=gettext_lazy("Mật khẩu (tài khoản mới)"),
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text=gettext_lazy("Bỏ trống nếu tài khoản đã có."),
    )
    role = forms.ChoiceField(label=gettext_lazy("Vai trò"), choices=Role.choices, initial=Role.VIEWER)
