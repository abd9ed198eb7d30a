"""The yearly cycle: a campaign (đợt thi đua) launched by a unit over the units below it."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .. import querysets, rules
from ..choices import ReviewAction, ReviewState, UnitType
from . import Unit, form_token_field, token_constraint


def campaign_upload_to(instance, filename):
    return f"dot-thi-dua/{instance.year}/{filename}"


class Campaign(models.Model):
    """A year's campaign (đợt thi đua, kế hoạch phát động) launched by a unit over its subtree.

    It says by when the units below must register their models and have them evaluated, and
    which of them are asked: every unit below the launching one, or those of the chosen types.
    """

    year = models.PositiveSmallIntegerField(_("năm"), validators=[rules.YearValidator()])
    unit = models.ForeignKey(
        Unit, verbose_name=_("đơn vị phát động"), on_delete=models.PROTECT, related_name="campaigns"
    )
    title = models.CharField(_("tên đợt thi đua"), max_length=300)
    reference = models.CharField(
        _("số, ký hiệu kế hoạch"),
        max_length=60,
        blank=True,
        help_text=_("Ví dụ: 12-KH/TU (kế hoạch phát động của Tỉnh ủy)."),
    )
    launched_on = models.DateField(_("ngày phát động"), validators=[rules.DateRangeValidator("launched_on")])
    registration_deadline = models.DateField(
        _("hạn đăng ký"), validators=[rules.DateRangeValidator("registration_deadline")]
    )
    evaluation_deadline = models.DateField(
        _("hạn đánh giá"), validators=[rules.DateRangeValidator("evaluation_deadline")]
    )
    # The unit types asked to register; empty: every unit below the launching one.
    unit_types = models.JSONField(_("loại đơn vị phải đăng ký"), default=list, blank=True)
    # The unit types that review on the way up, below the launching unit, which reviews last:
    # empty, the launching unit alone receives and accepts (``registry.review``).
    review_unit_types = models.JSONField(
        _("các cấp xét duyệt trung gian"),
        default=list,
        blank=True,
        help_text=_(
            "Để trống: đơn vị phát động trực tiếp tiếp nhận. Chọn loại đơn vị (ví dụ Đảng ủy xã) để "
            "cấp đó xét duyệt trước rồi chuyển lên."
        ),
    )
    note = models.TextField(_("nội dung, yêu cầu"), blank=True)
    document = models.FileField(_("văn bản kế hoạch"), upload_to=campaign_upload_to, blank=True)
    # The marks of the scoring against the campaign's criteria (``registry.scoring``): from
    # which total a registration is suggested effective, an exemplar, outstanding. Empty: no
    # suggestion of that kind.
    effective_mark = models.PositiveSmallIntegerField(
        _("điểm đạt hiệu quả (từ)"), null=True, blank=True, validators=[MaxValueValidator(10_000)]
    )
    exemplar_mark = models.PositiveSmallIntegerField(
        _("điểm xếp loại điển hình (từ)"), null=True, blank=True, validators=[MaxValueValidator(10_000)]
    )
    outstanding_mark = models.PositiveSmallIntegerField(
        _("điểm xếp loại tiêu biểu (từ)"), null=True, blank=True, validators=[MaxValueValidator(10_000)]
    )
    created_at = models.DateTimeField(_("ngày tạo"), auto_now_add=True)
    updated_at = models.DateTimeField(_("ngày cập nhật"), auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    form_token = form_token_field()

    history = HistoricalRecords()
    objects = querysets.CampaignQuerySet.as_manager()

    class Meta:
        verbose_name = _("đợt thi đua")
        verbose_name_plural = _("đợt thi đua")
        ordering = ["-year", "unit__path", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "year", "title"],
                name="campaign_once_per_unit_year_title",
                violation_error_message=_("Đơn vị này đã phát động đợt thi đua cùng tên trong năm này."),
            ),
            models.CheckConstraint(
                condition=Q(registration_deadline__gte=F("launched_on"))
                & Q(evaluation_deadline__gte=F("registration_deadline")),
                name="campaign_dates_in_order",
                violation_error_message=_(
                    "Hạn đăng ký phải từ ngày phát động trở đi, hạn đánh giá từ hạn đăng ký trở đi."
                ),
            ),
            token_constraint("campaign_form_token_once"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("registry:campaign_detail", args=[self.pk])

    def unit_type_labels(self):
        """The names of the unit types asked to register, in the list's order; [] for every unit."""
        labels = dict(UnitType.choices)
        return [labels[value] for value in UnitType.values if value in self.unit_types]

    def asks(self, unit):
        """Whether ``unit`` (below the launching unit) is asked to register."""
        below = unit.path.startswith(self.unit.path) and unit.path != self.unit.path
        return below and (not self.unit_types or unit.unit_type in self.unit_types)


class ReviewStep(models.Model):
    """One step of a registration's review: who did what, when, at which unit, and why."""

    registration = models.ForeignKey(
        "registry.Registration", on_delete=models.CASCADE, related_name="review_steps"
    )
    action = models.CharField(_("thao tác"), max_length=20, choices=ReviewAction.choices)
    state = models.CharField(_("trạng thái sau"), max_length=20, choices=ReviewState.choices)
    # The unit that acted: the registering unit when it submits, the reviewing unit otherwise.
    unit = models.ForeignKey(Unit, verbose_name=_("đơn vị"), on_delete=models.PROTECT, related_name="+")
    # Where the registration waits afterwards (submitted, forwarded), or who accepted it.
    reviewer = models.ForeignKey(
        Unit,
        verbose_name=_("cấp xét duyệt"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    comment = models.TextField(_("ý kiến"), blank=True)
    at = models.DateTimeField(_("thời điểm"), auto_now_add=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("bước xét duyệt")
        verbose_name_plural = _("các bước xét duyệt")
        ordering = ["registration", "at", "pk"]
        indexes = [models.Index(fields=["registration", "at"], name="review_step_registration")]

    def __str__(self):
        return f"{self.registration_id}: {self.get_action_display()}"


class Criterion(models.Model):
    """A criterion a campaign scores its registrations on (tiêu chí chấm điểm), and its most points."""

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("đợt thi đua"), on_delete=models.CASCADE, related_name="criteria"
    )
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    name = models.CharField(_("tiêu chí"), max_length=300)
    points = models.PositiveSmallIntegerField(
        _("điểm tối đa"), validators=[MinValueValidator(1), MaxValueValidator(1000)]
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("tiêu chí chấm điểm")
        verbose_name_plural = _("tiêu chí chấm điểm")
        ordering = ["campaign", "order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "name"],
                name="criterion_once_per_campaign",
                violation_error_message=_("Đợt thi đua đã có tiêu chí cùng tên."),
            ),
            models.CheckConstraint(
                condition=Q(points__gte=1, points__lte=1000),
                name="criterion_points_in_range",
                violation_error_message=_("Điểm tối đa của một tiêu chí từ 1 đến 1.000."),
            ),
        ]

    def __str__(self):
        return self.name


class Score(models.Model):
    """The points a registration got on one criterion of its campaign (``registry.scoring``)."""

    registration = models.ForeignKey(
        "registry.Registration", verbose_name=_("đăng ký"), on_delete=models.CASCADE, related_name="scores"
    )
    criterion = models.ForeignKey(
        Criterion, verbose_name=_("tiêu chí"), on_delete=models.PROTECT, related_name="scores"
    )
    points = models.DecimalField(_("điểm"), max_digits=6, decimal_places=1)
    scored_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người chấm"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    scored_at = models.DateTimeField(_("thời điểm chấm"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("điểm chấm")
        verbose_name_plural = _("điểm chấm")
        ordering = ["registration", "criterion__order", "criterion__pk"]
        constraints = [
            models.UniqueConstraint(fields=["registration", "criterion"], name="score_once_per_criterion"),
            models.CheckConstraint(
                condition=Q(points__gte=0),
                name="score_not_negative",
                violation_error_message=_("Điểm không âm."),
            ),
        ]

    def __str__(self):
        return f"{self.registration_id}/{self.criterion_id}: {self.points}"
