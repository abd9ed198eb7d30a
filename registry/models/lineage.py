"""The history of the unit tree: reorganisations, the lineage they record, the models they carry.

Units are never renamed or moved in place: a reorganisation closes units on the day before its
effective date and names, for each, the units that carry it on (``Lineage``). Registrations and
decisions keep the unit as it was; reports count them "as reported" under that unit, or "in
today's structure" under the unit that carries it on now (``Registration.carrier``). The rules
and the computations live in ``registry.lineage``.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .. import querysets
from ..choices import ChangeKind, ReorganisationJob, ReorganisationStatus


class Reorganisation(models.Model):
    """A reorganisation plan: changes to units that all take effect on one date."""

    title = models.CharField(_("tên đợt sắp xếp"), max_length=300)
    effective_on = models.DateField(
        _("ngày có hiệu lực"),
        help_text=_("Ngày đầu tiên của tổ chức mới; đơn vị cũ hoạt động đến ngày hôm trước."),
    )
    status = models.CharField(
        _("trạng thái"),
        max_length=20,
        choices=ReorganisationStatus.choices,
        default=ReorganisationStatus.DRAFT,
    )
    note = models.TextField(_("ghi chú"), blank=True)
    # The plan as prepared (steps, new units, model assignments), kept to show and to undo.
    plan = models.JSONField(default=dict, blank=True, editable=False)
    created_at = models.DateTimeField(_("ngày tạo"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The last change of the draft, and by whom: a page opened before it is refused its save.
    updated_at = models.DateTimeField(_("ngày cập nhật"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    applied_at = models.DateTimeField(_("thời điểm thực hiện"), null=True, blank=True)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    undone_at = models.DateTimeField(_("thời điểm hoàn tác"), null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The existing units the plan names (old units, successors, parents of new units), kept with
    # the plan by the services: who may see a plan is decided from them, in one query.
    units = models.ManyToManyField(
        "registry.Unit", verbose_name=_("đơn vị liên quan"), blank=True, related_name="reorganisations"
    )
    # The token of the form that made the draft: the same form submitted twice makes one draft.
    token = models.CharField(max_length=64, blank=True, default="", editable=False)
    # Applying or undoing runs in the task worker; the page follows it from these two columns.
    job = models.CharField(
        _("đang xử lý"), max_length=20, blank=True, default="", choices=ReorganisationJob.choices
    )
    job_errors = models.JSONField(default=list, blank=True, editable=False)

    objects = querysets.ReorganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("đợt sắp xếp tổ chức")
        verbose_name_plural = _("đợt sắp xếp tổ chức")
        ordering = ["-effective_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["token"], condition=~Q(token=""), name="reorganisation_token_once"
            ),
        ]

    def __str__(self):
        return f"{self.title} ({self.effective_on:%d/%m/%Y})"

    def get_absolute_url(self):
        return reverse("registry:reorganisation_detail", args=[self.pk])


class Lineage(models.Model):
    """One unit closed by a reorganisation, and one unit that carries it on (none when dissolved).

    A merge gives each old unit one row to the same successor; a split gives the old unit one
    row per part, one of them ``is_main`` (it carries the models no one assigned elsewhere).
    """

    reorganisation = models.ForeignKey(
        Reorganisation, verbose_name=_("đợt sắp xếp"), on_delete=models.PROTECT, related_name="lineage"
    )
    kind = models.CharField(_("hình thức"), max_length=20, choices=ChangeKind.choices)
    predecessor = models.ForeignKey(
        "registry.Unit", verbose_name=_("đơn vị cũ"), on_delete=models.PROTECT, related_name="successions"
    )
    successor = models.ForeignKey(
        "registry.Unit",
        verbose_name=_("đơn vị kế thừa"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="inheritances",
    )
    effective_on = models.DateField(_("ngày có hiệu lực"))
    is_main = models.BooleanField(_("kế thừa chính"), default=True)

    class Meta:
        verbose_name = _("kế thừa đơn vị")
        verbose_name_plural = _("kế thừa đơn vị")
        constraints = [
            models.UniqueConstraint(
                fields=["predecessor", "successor"],
                name="lineage_once",
                violation_error_message=_("Đơn vị này đã được ghi là kế thừa đơn vị kia."),
            ),
            models.CheckConstraint(
                condition=~Q(predecessor=F("successor")),
                name="lineage_not_itself",
                violation_error_message=_("Một đơn vị không thể kế thừa chính nó."),
            ),
        ]
        indexes = [models.Index(fields=["successor"], name="lineage_successor")]

    def __str__(self):
        return f"{self.predecessor_id} → {self.successor_id} ({self.effective_on:%d/%m/%Y})"


class Transfer(models.Model):
    """An open model carried on by another unit after a reorganisation (the unit it went to)."""

    reorganisation = models.ForeignKey(Reorganisation, on_delete=models.CASCADE, related_name="transfers")
    initiative = models.ForeignKey("registry.Initiative", on_delete=models.CASCADE, related_name="transfers")
    from_unit = models.ForeignKey("registry.Unit", on_delete=models.PROTECT, related_name="+")
    to_unit = models.ForeignKey("registry.Unit", on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["reorganisation", "initiative"], name="transfer_once"),
        ]

    def __str__(self):
        return f"{self.initiative_id}: {self.from_unit_id} → {self.to_unit_id}"
