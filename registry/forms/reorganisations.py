"""Forms of the reorganisation pages: the plan's first page, one step of each kind, a split's models.

Every unit choice is restricted to the open units of the user's MANAGE scope, so a unit outside
it is an invalid choice here; ``registry.drafts`` checks the plan again when it is saved.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .. import rules, services
from ..choices import ChangeKind, UnitType
from ..models import Unit
from ..querysets import MANAGE
from . import CleanTextMixin, DateInput, UnitChoiceField, unit_label, use_autocomplete

YEARS = (rules.FIRST_YEAR, rules.LAST_YEAR)
KIND_HELP = {
    ChangeKind.MERGE: _(
        "Các đơn vị cũ kết thúc hoạt động; đơn vị kế thừa (đang hoạt động hoặc mới) tiếp nhận "
        "các mô hình đang thực hiện và người dùng của chúng."
    ),
    ChangeKind.SPLIT: _(
        "Đơn vị cũ kết thúc hoạt động; mỗi phần là một đơn vị đang hoạt động hoặc mới. Phần 1 là phần "
        "chính: nhận các mô hình không được chỉ định cho phần khác. Sau khi lưu, bạn chọn phần nhận "
        "từng mô hình (phần mềm gợi ý theo địa chỉ, tên mô hình)."
    ),
    ChangeKind.DISSOLVE: _(
        "Đơn vị cũ kết thúc hoạt động. Các mô hình đang thực hiện chuyển cho đơn vị được chọn; "
        "nếu không chọn, cho đơn vị cấp trên."
    ),
    ChangeKind.RENAME: _(
        "Đơn vị cũ kết thúc hoạt động; đơn vị mới mang tên hoặc loại hình mới tiếp nối, "
        "mặc định cùng đơn vị cấp trên."
    ),
    ChangeKind.MOVE: _("Đơn vị cũ kết thúc hoạt động; đơn vị mới trực thuộc đơn vị cấp trên mới tiếp nối."),
}
PARTS = 4  # the parts a split form offers (two at least must be filled)


def open_units(user):
    return Unit.objects.restrict(user, MANAGE).filter(valid_to__isnull=True)


class PlanForm(CleanTextMixin, forms.Form):
    """The wizard's first page: what the plan is called, when it takes effect, its first step's kind."""

    title = forms.CharField(
        label=_("Tên đợt sắp xếp"),
        max_length=300,
        help_text=_("Ví dụ: Sắp xếp đơn vị hành chính cấp xã theo Nghị quyết của Ủy ban Thường vụ Quốc hội."),
    )
    effective_on = forms.DateField(
        label=_("Ngày có hiệu lực"),
        widget=DateInput(),
        help_text=_("Ngày đầu tiên của tổ chức mới (dd/mm/yyyy); đơn vị cũ hoạt động đến ngày hôm trước."),
    )
    kind = forms.ChoiceField(
        label=_("Hình thức sắp xếp của bước đầu tiên"),
        choices=ChangeKind.choices,
        initial=ChangeKind.MERGE,
        widget=forms.RadioSelect,
    )
    # From the unit page ("Sắp xếp đơn vị này"): the old unit chosen in advance.
    unit = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)

    def clean_effective_on(self):
        day = self.cleaned_data["effective_on"]
        if not YEARS[0] <= day.year <= YEARS[1]:
            raise ValidationError(
                _("Ngày có hiệu lực phải trong các năm %(low)s đến %(high)s."),
                params={"low": YEARS[0], "high": YEARS[1]},
            )
        return day


class KindForm(forms.Form):
    """The kind of the next step of a draft."""

    kind = forms.ChoiceField(
        label=_("Hình thức sắp xếp"),
        choices=ChangeKind.choices,
        widget=forms.Select(attrs={"class": "form-select"}),
    )


class UnitsChoiceField(forms.ModelMultipleChoiceField):
    """Several units. An id no database column can hold is an invalid choice, not a server error."""

    def _check_values(self, value):
        for pk in value:
            try:
                number = int(str(pk))
            except ValueError:
                continue  # not a number: the parent class says so
            if not -(2**63) <= number < 2**63:
                raise ValidationError(
                    self.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": pk}
                )
        return super()._check_values(value)


class OldUnitsForm(forms.Form):
    """The old units of a step: several for a merge, one otherwise."""

    def __init__(self, *args, kind, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind
        units = open_units(user)
        if kind == ChangeKind.MERGE:
            field = UnitsChoiceField(
                label=_("Các đơn vị hợp nhất, sáp nhập"),
                queryset=units,
                help_text=_("Chọn hai đơn vị trở lên, hoặc một đơn vị sáp nhập vào đơn vị đang hoạt động."),
            )
        else:
            field = UnitChoiceField(label=_("Đơn vị cũ"), queryset=units)
        field.label_from_instance = unit_label
        self.fields["olds"] = field
        use_autocomplete(field, "unit", MANAGE)

    def units(self):
        olds = self.cleaned_data["olds"]
        return list(olds) if self.kind == ChangeKind.MERGE else [olds]


class SuccessorForm(CleanTextMixin, forms.Form):
    """A unit that carries old ones on: an open unit of the scope, or a new unit to create."""

    unit = UnitChoiceField(label=_("Đơn vị đang hoạt động"), queryset=Unit.objects.none(), required=False)
    name = forms.CharField(label=_("hoặc tên đơn vị mới"), max_length=255, required=False)
    unit_type = forms.ChoiceField(
        label=_("Loại đơn vị mới"), choices=[("", "---------"), *UnitType.choices], required=False
    )
    code = forms.CharField(label=_("Mã đơn vị mới"), max_length=40, required=False)
    parent = UnitChoiceField(label=_("Trực thuộc"), queryset=Unit.objects.none(), required=False)

    def __init__(self, *args, user, required=True, allow_new=True, parent_optional=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.required, self.parent_optional = required, parent_optional
        for name in ("unit", "parent"):
            self.fields[name].queryset = open_units(user)
            use_autocomplete(self.fields[name], "unit", MANAGE)
        if not allow_new:
            for name in ("name", "unit_type", "code", "parent"):
                del self.fields[name]
            self.fields["unit"].label = _("Đơn vị nhận các mô hình (không bắt buộc)")
        elif parent_optional:
            self.fields["parent"].help_text = _("Để trống: trực thuộc đơn vị cấp trên của đơn vị cũ.")

    def is_empty(self):
        data = getattr(self, "cleaned_data", {})
        return not data.get("unit") and not (data.get("name") or "").strip()

    def clean_code(self):
        code = self.cleaned_data["code"].strip()
        if code and Unit.objects.filter(code=code).exists():
            raise ValidationError(_("Mã “%(code)s” đã được dùng cho đơn vị khác."), params={"code": code})
        return code

    def clean(self):
        cleaned = super().clean()
        unit, name = cleaned.get("unit"), (cleaned.get("name") or "").strip()
        cleaned["name"] = name
        if unit and name:
            raise ValidationError(_("Chọn đơn vị đang hoạt động hoặc ghi đơn vị mới, không chọn cả hai."))
        if not unit and not name and self.required and "unit" not in self.errors:
            raise ValidationError(_("Chọn đơn vị kế thừa, hoặc ghi tên đơn vị mới."))
        if name:
            if not cleaned.get("unit_type"):
                self.add_error("unit_type", _("Chọn loại của đơn vị mới."))
            if not cleaned.get("parent") and not self.parent_optional and "parent" not in self.errors:
                self.add_error("parent", _("Chọn đơn vị cấp trên của đơn vị mới."))
        return cleaned

    def target(self, ref, default_parent=None):
        """Return the step's target ({"unit": id} or {"new": ref}) and the new unit's spec (or None)."""
        data = self.cleaned_data
        if data.get("unit"):
            return {"unit": data["unit"].pk}, None
        parent = data.get("parent") or default_parent
        spec = {
            "name": data["name"],
            "unit_type": data["unit_type"],
            "code": data.get("code", ""),
            "parent": {"unit": parent.pk} if parent else {},
        }
        return {"new": ref}, spec


class StepForms:
    """The forms of one step: its old units, then its successor (or the parts of a split)."""

    def __init__(self, kind, user, data=None, initial_olds=None):
        self.kind = kind
        initial = {}
        if initial_olds:
            initial["olds"] = initial_olds if kind == ChangeKind.MERGE else initial_olds[0]
        self.olds = OldUnitsForm(data, kind=kind, user=user, initial=initial)
        if kind == ChangeKind.SPLIT:
            self.parts = [
                SuccessorForm(data, user=user, prefix=f"phan-{index + 1}", required=index < 2)
                for index in range(PARTS)
            ]
        else:
            self.parts = [
                SuccessorForm(
                    data,
                    user=user,
                    prefix="ke-thua",
                    required=kind != ChangeKind.DISSOLVE,
                    allow_new=kind != ChangeKind.DISSOLVE,
                    parent_optional=kind == ChangeKind.RENAME,
                )
            ]
        self.errors = []

    def is_valid(self):
        valid = all([self.olds.is_valid(), *(form.is_valid() for form in self.parts)])
        if not valid:
            return False
        olds = set(self.olds.units())
        chosen = [form.cleaned_data["unit"] for form in self.parts if form.cleaned_data.get("unit")]
        if olds & set(chosen):
            self.errors.append(_("Đơn vị kế thừa không thể là một trong các đơn vị cũ."))
        if len(chosen) != len(set(chosen)):
            self.errors.append(_("Mỗi phần phải là một đơn vị khác nhau."))
        if self.kind != ChangeKind.MERGE and len(olds) > 1:
            self.errors.append(_("Chỉ hợp nhất mới gộp nhiều đơn vị cũ."))
        return not self.errors

    def step(self):
        """Return the step and its new units, as ``registry.drafts`` takes them."""
        olds = self.olds.units()
        default_parent = None
        if self.kind == ChangeKind.RENAME:
            default_parent = Unit.objects.get_parent(olds[0]) if olds[0].depth > 1 else None
        targets, new_units = [], {}
        for index, form in enumerate(self.parts):
            if form.is_empty():
                continue
            target, spec = form.target(f"p{index}", default_parent)
            targets.append(target)
            if spec is not None:
                new_units[target["new"]] = spec
        return {"kind": self.kind, "olds": [unit.pk for unit in olds], "targets": targets}, new_units


class AssignForm(forms.Form):
    """For a split: which part carries each open model of the old unit.

    It carries the draft's version (``services.version_of``): a draft changed by another
    administrator since the page was opened is not overwritten. After such a refusal
    (``conflict``) each row also says the part stored now, where it differs.
    """

    version = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, rows, names, reorganisation, conflict=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"].initial = services.version_of(reorganisation)
        self.names, self.conflict = names, conflict
        choices = [(index, name) for index, name in enumerate(names)]
        self.rows = []
        for row in rows:
            initiative = row["initiative"]
            name = f"mo-hinh-{initiative.pk}"
            self.fields[name] = forms.TypedChoiceField(
                label=initiative.name, choices=choices, coerce=int, initial=row["part"]
            )
            self.rows.append({**row, "field": name, "suggested_name": names[row["suggested"]]})

    def bound_rows(self):
        rows = []
        for row in self.rows:
            bound = self[row["field"]]
            differs = self.conflict and str(bound.value()) != str(row["part"])
            stored = self.names[row["part"]] if differs else ""
            rows.append({**row, "bound": bound, "stored_name": stored})
        return rows

    @property
    def version_sent(self):
        return self.data.get("version") if self.is_bound else None

    def parts(self):
        return {row["initiative"].pk: self.cleaned_data[row["field"]] for row in self.rows}
