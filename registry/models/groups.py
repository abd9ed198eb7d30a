"""Groups of units that compete together (cụm thi đua, khối thi đua), from anywhere in a subtree.

An administrator of a unit (the owner) picks member units inside the owner's subtree, such as
seven party committees directly under a province; the reports count a group like a unit, the
sum of its members' subtrees (``reports.groups``). The rules live in ``registry.groups``.
"""

from django.conf import settings
from django.db import models
from django.db.models import Exists, F, OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .. import querysets, rules
from ..choices import GroupKind
from . import Unit, form_token_field, token_constraint


class UnitGroupQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Keep the groups whose every member lies in the user's scope (any role).

        A group shows figures of its members' subtrees: who may not read one of them does not see it.
        """
        paths = querysets.scope_paths(user)
        if paths is None:
            return self
        if not paths:
            return self.none()
        through = self.model.members.through.objects.filter(unitgroup=OuterRef("pk"))
        outside = through.exclude(querysets.path_q("unit__path", paths))
        return self.filter(Exists(through)).exclude(Exists(outside))

    def restrict(self, user, action=querysets.VIEW):
        """Keep the groups ``user`` may read (``visible_to``) or, for any other action, manage."""
        return self.visible_to(user) if action == querysets.VIEW else self.manageable_by(user)

    def manageable_by(self, user):
        """Keep the groups ``user`` may change: those owned by a unit the user administers."""
        return self.filter(querysets.path_q("owner__path", querysets.scope_paths(user, querysets.MANAGE)))


# Kept at hand: the services write one history row per save, the members included
# (``registry.groups``), instead of one for the fields and one per change of the members.
GROUP_HISTORY = HistoricalRecords(m2m_fields=["members"])


class UnitGroup(models.Model):
    """A cluster or bloc of units that compete together (cụm thi đua, khối thi đua).

    The owner is the administering unit whose subtree holds the members. A member that closes
    stays a member with its figures as reported; the units carrying it on are not added.
    """

    name = models.CharField(_("tên cụm, khối"), max_length=200)
    kind = models.CharField(_("loại"), max_length=20, choices=GroupKind.choices, default=GroupKind.CLUSTER)
    owner = models.ForeignKey(
        Unit,
        verbose_name=_("đơn vị quản lý"),
        on_delete=models.PROTECT,
        related_name="owned_groups",
        help_text=_("Đơn vị tổ chức cụm, khối; các đơn vị thành viên phải thuộc đơn vị này."),
    )
    first_year = models.PositiveSmallIntegerField(_("từ năm"), validators=[rules.YearValidator()])
    last_year = models.PositiveSmallIntegerField(
        _("đến năm"),
        null=True,
        blank=True,
        validators=[rules.YearValidator()],
        help_text=_("Để trống nếu cụm, khối vẫn đang hoạt động."),
    )
    members = models.ManyToManyField(Unit, verbose_name=_("đơn vị thành viên"), related_name="unit_groups")
    note = models.TextField(_("ghi chú"), blank=True)
    created_at = models.DateTimeField(_("ngày tạo"), auto_now_add=True)
    updated_at = models.DateTimeField(_("ngày cập nhật"), auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    form_token = form_token_field()

    history = GROUP_HISTORY
    objects = UnitGroupQuerySet.as_manager()

    class Meta:
        verbose_name = _("cụm, khối thi đua")
        verbose_name_plural = _("cụm, khối thi đua")
        ordering = ["owner__path", "name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "name"],
                name="unitgroup_name_unique_per_owner",
                violation_error_message=_("Đơn vị này đã có một cụm, khối mang tên này: hãy đặt tên khác."),
            ),
            models.CheckConstraint(
                condition=Q(last_year__isnull=True) | Q(last_year__gte=F("first_year")),
                name="unitgroup_years_in_order",
                violation_error_message=_("Năm kết thúc phải từ năm bắt đầu trở đi."),
            ),
            token_constraint("unitgroup_form_token_once"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("registry:group_detail", args=[self.pk])

    @property
    def years_label(self):
        """Say the years the group runs: "2024–2026", "từ 2025"."""
        if self.last_year is None:
            return _("từ %(year)s") % {"year": self.first_year}
        if self.last_year == self.first_year:
            return str(self.first_year)
        return f"{self.first_year}–{self.last_year}"
