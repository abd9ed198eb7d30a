"""FilterSets, reused by the list pages, the reports' drill-downs and the exports."""

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from . import lineage, rules
from .choices import (
    LEVEL_RANK,
    DecisionKind,
    Evaluation,
    Grade,
    Kind,
    Level,
    ProposalStatus,
    RegistrationStatus,
    ReviewState,
    StandardField,
    UnitType,
)
from .forms import DateInput, unit_label, use_autocomplete
from .models import AwardForm, Campaign, Decision, Field, Initiative, Proposal, Registration, Unit, UnitGroup
from .querysets import CHANGE, own_q, path_q, scope_paths
from .widgets import Autocomplete, QuickSelect


def scoped_units(request):
    if request is None:
        return Unit.objects.none()
    return Unit.objects.restrict(request.user)


BOOLEAN_CHOICES = [("true", _("Có")), ("false", _("Không"))]


class YearFilter(django_filters.NumberFilter):
    """A year typed in a list's filter: a whole number within the rules' years, else the form says so.

    "0", "-1", "2147483648" or "1e10" would otherwise reach the database (or a date of year 0).
    """

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", rules.FIRST_YEAR)
        kwargs.setdefault("max_value", rules.LAST_YEAR)
        super().__init__(*args, **kwargs)


class DateRangeFilter(django_filters.DateFilter):
    """A date typed in a list's filter, within the dates the rules accept."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", DateInput())
        super().__init__(*args, **kwargs)
        self.extra.setdefault("validators", [rules.DateRangeValidator(kwargs.get("field_name", ""))])


def visible_groups(request):
    if request is None:
        return UnitGroup.objects.none()
    return UnitGroup.objects.visible_to(request.user)


class GroupFilter(django_filters.ModelChoiceFilter):
    """The registrations made in the subtree of any member of a group (cụm, khối thi đua).

    Set by the group report's links, never chosen in the form; as reported, whatever the
    structure: a group counts each registration under the unit that registered it.
    """

    hidden = True

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("queryset", visible_groups)
        kwargs.setdefault("widget", forms.HiddenInput)
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if not value:
            return qs
        paths = list(value.members.values_list("path", flat=True))
        return qs.filter(path_q("unit__path", paths))


class HiddenChoiceFilter(django_filters.ChoiceFilter):
    """A choice set by a link (the page names it), never chosen in the form."""

    hidden = True

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", forms.HiddenInput)
        super().__init__(*args, **kwargs)


class UnitFilter(django_filters.ModelChoiceFilter):
    """A unit and its whole subtree."""

    def __init__(self, *args, path_lookup, follows_structure=True, hidden=False, **kwargs):
        self.path_lookup = path_lookup
        self.follows_structure = follows_structure
        self.hidden = hidden  # set by a link (the page names it), never chosen in the form
        kwargs.setdefault("queryset", scoped_units)
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if not value:
            return qs
        lookup = self.path_lookup
        if self.follows_structure and self.parent is not None and lookup == "unit__path":
            placement = getattr(self.parent, "placement", lambda: None)()
            if placement is not None:  # the structure of a past day: the units that carried them then
                return qs.filter(placement.q([value.path], path_q))
            if self.parent.data.get("structure") == "current":
                # In today's structure a unit's rows are those it carries on (its predecessors').
                lookup = "carrier__path"
        return qs.filter(path_q(lookup, [value.path]))

    @property
    def field(self):
        field = super().field
        if self.hidden:
            field.widget = forms.HiddenInput()
        elif not isinstance(field.widget, Autocomplete):
            field.label_from_instance = unit_label
            use_autocomplete(field, "unit")
        return field


class OrderingFilter(django_filters.OrderingFilter):
    """Sort choices whose "descending" labels follow the reader's language.

    django-filter formats them once, in the language active when the module is imported.
    """

    def build_choices(self, fields, labels):
        ascending = [(param, labels.get(field, param)) for field, param in fields.items()]
        descending = [
            (f"-{param}", format_lazy("{} ({})", label, _("giảm dần"))) for param, label in ascending
        ]
        return [choice for pair in zip(ascending, descending, strict=True) for choice in pair]


class StyledFilterSet(django_filters.FilterSet):
    """Give the filter widgets Bootstrap's small form classes; name the filters always shown."""

    primary_filters = ()

    @property
    def has_more_filters(self):
        return any(name not in self.primary_filters for name in self.filters)

    @property
    def more_filters_used(self):
        return any(
            self.data.get(name)
            for name, each in self.filters.items()
            if name not in self.primary_filters and not getattr(each, "hidden", False)
        )

    @property
    def form(self):
        form = super().form
        for field in form.fields.values():
            widget = field.widget
            is_select = getattr(widget, "input_type", None) == "select" or widget.__class__.__name__.endswith(
                "Select"
            )
            widget.attrs.setdefault(
                "class", "form-select form-select-sm" if is_select else "form-control form-control-sm"
            )
            if type(widget) is forms.Select:
                widget.__class__ = QuickSelect  # the same list, written without a template per option
        return form


class RegistrationFilterSet(StyledFilterSet):
    """Filters of the model list: one row per initiative and year."""

    primary_filters = ("q", "unit", "year", "field", "kind", "status")

    q = django_filters.CharFilter(
        label=_("Tìm kiếm"),
        method="filter_q",
        # Under the field, not as its placeholder: a phone's field cut the hint off.
        help_text=_("Không cần dấu; “nguy*”: các từ bắt đầu bằng nguy"),
    )
    unit = UnitFilter(label=_("Đơn vị (cả các đơn vị trực thuộc)"), path_lookup="unit__path")
    # The registering unit whatever the structure: a row of today's unit unfolded to the former
    # units whose figures it holds links to "carried by it, registered in that former unit".
    registered_in = UnitFilter(
        label=_("Đăng ký tại đơn vị (cả trực thuộc)"),
        path_lookup="unit__path",
        follows_structure=False,
        hidden=True,
    )
    # The unit's own registrations, without its subordinate units' (a table's "trực tiếp" row).
    unit_own = django_filters.ModelChoiceFilter(
        queryset=scoped_units, method="filter_unit_own", widget=forms.HiddenInput, label=_("Của riêng đơn vị")
    )
    # The rows the user's own units act on, not their subordinate units' (the home page's steps).
    own_units = HiddenChoiceFilter(
        choices=[("true", _("Có"))],
        method="filter_own_units",
        label=_("Của chính các đơn vị của bạn"),
    )
    unit_type = django_filters.ChoiceFilter(
        field_name="unit__unit_type", choices=UnitType.choices, label=_("Loại đơn vị đăng ký")
    )
    group = GroupFilter(label=_("Cụm, khối thi đua"))
    structure = django_filters.ChoiceFilter(
        label=_("Đơn vị tính theo"),
        choices=[("reported", _("Đơn vị đăng ký (như đã báo cáo)")), ("current", _("Tổ chức hiện nay"))],
        method="filter_structure",
    )
    structure_on = DateRangeFilter(
        label=_("Tổ chức tại ngày (tính theo tổ chức)"), method="filter_structure", field_name="structure_on"
    )
    year = YearFilter(label=_("Năm"))
    year_from = YearFilter(field_name="year", lookup_expr="gte", label=_("Từ năm"))
    year_to = YearFilter(field_name="year", lookup_expr="lte", label=_("Đến năm"))
    date_from = DateRangeFilter(field_name="registered_on", lookup_expr="gte", label=_("Đăng ký từ ngày"))
    date_to = DateRangeFilter(field_name="registered_on", lookup_expr="lte", label=_("Đăng ký đến ngày"))
    quarter = django_filters.ChoiceFilter(
        field_name="registered_on",
        lookup_expr="quarter",
        choices=[("1", _("Quý I")), ("2", _("Quý II")), ("3", _("Quý III")), ("4", _("Quý IV"))],
        label=_("Quý (theo ngày đăng ký)"),
    )
    standard_field = django_filters.ChoiceFilter(
        choices=StandardField.choices, method="filter_standard_field", label=_("Lĩnh vực chuẩn")
    )
    field = django_filters.ModelChoiceFilter(
        field_name="initiative__field", queryset=Field.objects.all(), label=_("Lĩnh vực")
    )
    kind = django_filters.ChoiceFilter(field_name="initiative__kind", choices=Kind.choices, label=_("Loại"))
    grade = django_filters.ChoiceFilter(
        field_name="initiative__grade", choices=Grade.choices, label=_("Xếp loại")
    )
    status = django_filters.ChoiceFilter(choices=RegistrationStatus.choices, label=_("Hình thức đăng ký"))
    level = django_filters.ChoiceFilter(choices=Level.choices, label=_("Cấp đăng ký"))
    evaluation = django_filters.ChoiceFilter(choices=Evaluation.choices, label=_("Đánh giá"))
    review_state = django_filters.ChoiceFilter(
        choices=[("counted", _("Đã gửi trở đi (không tính dự thảo)")), *ReviewState.choices],
        method="filter_review_state",
        label=_("Trạng thái xét duyệt"),
    )
    recognised = django_filters.ChoiceFilter(
        choices=BOOLEAN_CHOICES, method="filter_recognised", label=_("Đã được công nhận")
    )
    recognition_level = django_filters.ChoiceFilter(
        choices=Level.choices, method="filter_recognition_level", label=_("Công nhận cao nhất ở cấp")
    )
    commended = django_filters.ChoiceFilter(
        choices=BOOLEAN_CHOICES, method="filter_commended", label=_("Đã được khen thưởng")
    )
    award_form = django_filters.ModelChoiceFilter(
        queryset=AwardForm.objects.all(),
        method="filter_award_form",
        null_label=_("Chưa được khen thưởng"),
        label=_("Hình thức khen thưởng"),
    )
    proposed_recognition = django_filters.ChoiceFilter(
        choices=BOOLEAN_CHOICES, method="filter_proposed", label=_("Đã được đề nghị công nhận")
    )
    proposed_commendation = django_filters.ChoiceFilter(
        choices=BOOLEAN_CHOICES, method="filter_proposed", label=_("Đã được đề nghị khen thưởng")
    )
    renewed = django_filters.ChoiceFilter(
        choices=BOOLEAN_CHOICES, method="filter_renewed", label=_("Đã đăng ký duy trì năm sau")
    )
    o = OrderingFilter(
        fields=[
            ("year", "year"),
            ("initiative__name", "name"),
            ("unit__path", "unit"),
            ("registered_on", "registered_on"),
        ],
        field_labels={
            "year": _("Năm"),
            "initiative__name": _("Tên mô hình"),
            "unit__path": _("Đơn vị"),
            "registered_on": _("Ngày đăng ký"),
        },
        label=_("Sắp xếp"),
    )

    class Meta:
        model = Registration
        fields = []

    def filter_q(self, qs, name, value):
        # Every word must appear in the initiative's search key (name, person, address, unit).
        ids = Initiative.objects.matching_ids(value)
        return qs if ids is None else qs.filter(initiative_id__in=ids)

    def filter_standard_field(self, qs, name, value):
        # The field ids first (see AnyOf): a join on the field table misleads the planner.
        fields = Field.objects.filter(standard=value).order_by().values("pk")
        return qs.filter(initiative__field__any_of=fields)

    def filter_structure(self, qs, name, value):
        return qs  # read by the unit filter, which places the registrations in the tree

    def filter_review_state(self, qs, name, value):
        if value == "counted":
            return qs.exclude(review_state=ReviewState.DRAFT)
        return qs.filter(review_state=value)

    def filter_recognised(self, qs, name, value):
        return qs.filter(recognition_rank__isnull=value != "true")

    def filter_recognition_level(self, qs, name, value):
        return qs.filter(recognition_rank=LEVEL_RANK[value])

    def filter_renewed(self, qs, name, value):
        next_year = Exists(
            Registration.objects.filter(
                initiative=OuterRef("initiative"), year=OuterRef("year") + 1, is_deleted=False
            )
        )
        return qs.filter(next_year) if value == "true" else qs.filter(~next_year)

    def placement(self):
        """Return where registrations stand in the structure of the day asked for, or None for
        today's structure or as reported (``registry.lineage.Placement``)."""
        if self.data.get("structure") != "current":
            return None
        day = getattr(self.form, "cleaned_data", {}).get("structure_on")
        if day is None:
            return None
        return lineage.placement_on(day, self.request.user if self.request else None)

    def filter_unit_own(self, qs, name, value):
        placement = self.placement()
        if placement is not None:
            return qs.filter(placement.own_q(value.pk))
        column = "carrier" if self.data.get("structure") == "current" else "unit"
        return qs.filter(**{column: value})

    def filter_own_units(self, qs, name, value):
        return qs.filter(own_q(self.request.user if self.request else None, CHANGE))

    def filter_commended(self, qs, name, value):
        return qs.filter(is_commended=value == "true")

    def filter_award_form(self, qs, name, value):
        # Commended with this form by a decision still in force (the report's count by award form);
        # "null" (the builder's "Chưa được khen thưởng"): commended with no form at all.
        covered = Decision.registrations.through.objects.filter(
            decision__kind=DecisionKind.COMMENDATION, decision__is_deleted=False
        )
        if value == "null":
            return qs.exclude(
                pk__in=covered.filter(decision__award_form__isnull=False).values("registration_id")
            )
        return qs.filter(pk__in=covered.filter(decision__award_form=value).values("registration_id"))

    def filter_proposed(self, qs, name, value):
        column = {"proposed_recognition": "proposed_for_recognition"}.get(name, "proposed_for_commendation")
        return qs.filter(**{column: value == "true"})


class DecisionFilterSet(StyledFilterSet):
    primary_filters = ("q", "kind", "level", "year", "issuing_unit")

    q = django_filters.CharFilter(label=_("Số, ký hiệu, trích yếu"), method="filter_q")
    kind = django_filters.ChoiceFilter(choices=DecisionKind.choices, label=_("Loại quyết định"))
    level = django_filters.ChoiceFilter(choices=Level.choices, label=_("Cấp"))
    year = YearFilter(field_name="signed_on", lookup_expr="year", label=_("Năm ký"))
    issuing_unit = UnitFilter(label=_("Đơn vị ban hành (cả trực thuộc)"), path_lookup="issuing_unit__path")

    class Meta:
        model = Decision
        fields = []

    def filter_q(self, qs, name, value):
        value = value.strip()
        return qs.filter(Q(number__icontains=value) | Q(symbol__icontains=value) | Q(title__icontains=value))


class CampaignFilterSet(StyledFilterSet):
    primary_filters = ("q", "year")

    q = django_filters.CharFilter(label=_("Tên, số kế hoạch"), method="filter_q")
    year = YearFilter(label=_("Năm"))

    class Meta:
        model = Campaign
        fields = []

    def filter_q(self, qs, name, value):
        value = value.strip()
        return qs.filter(Q(title__icontains=value) | Q(reference__icontains=value))


class ProposalFilterSet(StyledFilterSet):
    primary_filters = ("direction", "year", "kind", "status")

    direction = django_filters.ChoiceFilter(
        choices=[("out", _("Đơn vị tôi gửi đi")), ("in", _("Gửi đến đơn vị tôi"))],
        method="filter_direction",
        label=_("Chiều"),
    )
    year = YearFilter(label=_("Năm"))
    kind = django_filters.ChoiceFilter(choices=DecisionKind.choices, label=_("Đề nghị"))
    status = django_filters.ChoiceFilter(choices=ProposalStatus.choices, label=_("Trạng thái"))

    class Meta:
        model = Proposal
        fields = []

    def filter_direction(self, qs, name, value):
        # Sent to a unit of the user's scope, or made by one.
        paths = scope_paths(self.request.user if self.request else None)
        lookup = "receiving_unit__path" if value == "in" else "unit__path"
        return qs.filter(path_q(lookup, paths))
