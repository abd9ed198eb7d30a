"""Forms of the intake: the upload, the year rollover and the bulk actions of the model list."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from registry import drafts, rules
from registry.choices import Evaluation, Grade, Level
from registry.forms import DateInput, ScopedFormMixin, UnitChoiceField
from registry.forms.reorganisations import PlanForm
from registry.models import Field, Unit

from . import reader


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Tệp Excel (.xlsx)"),
        help_text=_("Dùng tệp mẫu ở trên. Tối đa 20 MB; tệp được kiểm tra trước, chưa nhập ngay."),
        widget=forms.ClearableFileInput(
            attrs={"accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = reader.max_bytes()
        # Refuse an oversized file from its declared size, before reading a byte of it.
        if upload.size > limit:
            raise ValidationError(
                _("Tệp nặng %(size)s MB, vượt giới hạn %(limit)s MB. Hãy chia danh sách thành nhiều tệp."),
                params={"size": reader.mb(upload.size), "limit": limit // 1048576},
            )
        content = upload.read()
        try:
            reader.check_container(content)
        except reader.FileRejected as error:
            raise ValidationError(str(error)) from error
        self.content = content
        return upload


class ReorganisationUploadForm(UploadForm):
    """A reorganisation plan from a filled template: its title and effective date, and the file."""

    title = PlanForm.base_fields["title"]
    effective_on = PlanForm.base_fields["effective_on"]
    # The same file submitted twice makes one draft (see ``registry.drafts.draft_create``).
    token = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)

    field_order = ["title", "effective_on", "file"]
    clean_effective_on = PlanForm.clean_effective_on

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _(
            "Dùng tệp mẫu ở trên. Tối đa 20 MB; tệp được kiểm tra trước, chưa lưu gì."
        )

    def clean_token(self):
        return drafts.valid_token(self.cleaned_data["token"])


class RolloverForm(ScopedFormMixin, forms.Form):
    """Choose the registrations of year Y to maintain in Y + 1: a unit's, with its subtree."""

    unit = UnitChoiceField(label=_("Đơn vị (cả các đơn vị trực thuộc)"), queryset=Unit.objects.none())
    # The year maintained into is the next one, which must be a registration year too.
    year = forms.IntegerField(label=_("Năm nguồn"), min_value=rules.FIRST_YEAR, max_value=rules.LAST_YEAR - 1)


class RolloverConfirmForm(forms.Form):
    registered_on = forms.DateField(
        label=_("Ngày đăng ký ghi cho năm mới"),
        required=False,
        widget=DateInput(attrs={"class": "form-control form-control-sm"}),
        validators=[rules.DateRangeValidator("registered_on")],
        help_text=_(
            "Để trống, hoặc ngày không thuộc thời gian đăng ký của năm mới: hôm nay nếu đang trong "
            "thời gian đó, nếu không thì ngày 01/01 của năm mới."
        ),
    )


class BulkForm(forms.Form):
    ACTIONS = [
        ("edit", _("Sửa cấp đăng ký, xếp loại, lĩnh vực")),
        ("evaluate", _("Đánh giá")),
        ("submit", _("Gửi xét duyệt")),
        ("accept", _("Tiếp nhận")),
        ("return", _("Trả lại để bổ sung")),
        ("decision", _("Ghi quyết định công nhận, khen thưởng")),
        ("rollover", _("Đăng ký duy trì năm sau")),
        ("delete", _("Xóa (có thể hoàn tác)")),
        ("restore", _("Hoàn tác xóa")),
    ]
    action = forms.ChoiceField(choices=ACTIONS)
    scope = forms.ChoiceField(choices=[("selected", "selected"), ("all", "all")], required=False)
    field = forms.ModelChoiceField(queryset=Field.objects.active(), required=False)
    grade = forms.ChoiceField(choices=[("", "---------"), *Grade.choices], required=False)
    level = forms.ChoiceField(choices=[("", "---------"), *Level.choices], required=False)
    undo = forms.CharField(required=False)
    evaluation = forms.ChoiceField(
        choices=[("", "---------"), (Evaluation.EFFECTIVE, Evaluation.EFFECTIVE.label),
                 (Evaluation.NOT_EFFECTIVE, Evaluation.NOT_EFFECTIVE.label)],
        required=False,
    )  # fmt: skip
    evaluated_on = forms.DateField(
        required=False, widget=DateInput(), validators=[rules.DateRangeValidator("evaluated_on")]
    )
    note = forms.CharField(required=False, max_length=2000)
    comment = forms.CharField(required=False, max_length=2000)
    # The confirmation step: the preview of the count is shown first, with a one-time token.
    confirm = forms.BooleanField(required=False)
    token = forms.CharField(required=False, max_length=64)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The ticked rows; the view keeps only those in the user's scope.
        self.selected = [
            int(pk) for pk in self.data.getlist("selected") if pk.isdecimal() and 0 < int(pk) < 2**63
        ][:1000]

    def clean(self):
        cleaned = super().clean()
        action = cleaned.get("action")
        if action == "edit" and not (cleaned.get("field") or cleaned.get("grade") or cleaned.get("level")):
            raise ValidationError(_("Hãy chọn cấp đăng ký, xếp loại hoặc lĩnh vực mới."))
        if action == "evaluate" and not cleaned.get("evaluation"):
            self.add_error("evaluation", _("Hãy chọn kết quả đánh giá: hiệu quả hoặc chưa hiệu quả."))
        # The list's bar has one text box: the evaluation's note, or the reason of a return.
        cleaned["comment"] = (cleaned.get("comment") or cleaned.get("note") or "").strip()
        if action == "return" and not cleaned["comment"]:
            self.add_error("comment", _("Hãy ghi lý do trả lại để đơn vị biết cần bổ sung gì."))
        if action != "restore" and cleaned.get("scope") == "selected" and not self.selected:
            raise ValidationError(
                _("Chưa chọn mô hình nào: hãy đánh dấu các dòng, hoặc chọn “tất cả các dòng khớp bộ lọc”.")
            )
        return cleaned
