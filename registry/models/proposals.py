"""Proposals (đề nghị): a unit proposes registrations to a unit above it for recognition or commendation.

The receiving unit accepts or refuses each row with a reason, then issues one decision from the
proposal (``registry.proposals``). A registration is in at most one standing proposal of a kind:
a refused row frees it to be proposed again.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .. import querysets, rules
from ..choices import DecisionKind, Level, ProposalOutcome, ProposalStatus
from . import AwardForm, Decision, Registration, Unit, form_token_field, token_constraint


class Proposal(models.Model):
    """A unit's proposal (tờ trình đề nghị) to a unit above it: recognise, or commend, these models."""

    year = models.PositiveSmallIntegerField(_("năm"), validators=[rules.YearValidator()])
    kind = models.CharField(_("đề nghị"), max_length=20, choices=DecisionKind.choices)
    level = models.CharField(_("cấp đề nghị"), max_length=20, choices=Level.choices)
    award_form = models.ForeignKey(
        AwardForm,
        verbose_name=_("hình thức khen thưởng đề nghị"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="proposals",
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("đơn vị đề nghị"), on_delete=models.PROTECT, related_name="proposals"
    )
    receiving_unit = models.ForeignKey(
        Unit,
        verbose_name=_("đơn vị nhận đề nghị"),
        on_delete=models.PROTECT,
        related_name="received_proposals",
    )
    reference = models.CharField(
        _("số, ký hiệu tờ trình"), max_length=60, blank=True, help_text=_("Ví dụ: 25-TTr/ĐU.")
    )
    proposed_on = models.DateField(_("ngày đề nghị"), validators=[rules.DateRangeValidator("proposed_on")])
    note = models.TextField(_("ghi chú"), blank=True)
    status = models.CharField(
        _("trạng thái"),
        max_length=20,
        choices=ProposalStatus.choices,
        default=ProposalStatus.DRAFT,
        editable=False,
    )
    decision = models.ForeignKey(
        Decision,
        verbose_name=_("quyết định"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="proposals",
        editable=False,
    )
    sent_at = models.DateTimeField(_("thời điểm gửi"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("ngày tạo"), auto_now_add=True)
    updated_at = models.DateTimeField(_("ngày cập nhật"), auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    form_token = form_token_field()

    history = HistoricalRecords()
    objects = querysets.ProposalQuerySet.as_manager()

    class Meta:
        verbose_name = _("đề nghị")
        verbose_name_plural = _("đề nghị")
        ordering = ["-year", "-proposed_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind=DecisionKind.COMMENDATION, award_form__isnull=False)
                | Q(kind=DecisionKind.RECOGNITION, award_form__isnull=True),
                name="proposal_award_form_for_commendation",
                violation_error_message=_(
                    "Đề nghị khen thưởng phải ghi hình thức khen thưởng; đề nghị công nhận thì không."
                ),
            ),
            token_constraint("proposal_form_token_once"),
        ]

    def __str__(self):
        what = self.get_kind_display().lower()
        if self.reference:
            return _("Đề nghị %(what)s %(reference)s") % {"what": what, "reference": self.reference}
        return _("Đề nghị %(what)s của %(unit)s") % {"what": what, "unit": self.unit.name}

    def get_absolute_url(self):
        return reverse("registry:proposal_detail", args=[self.pk])


class ProposalItem(models.Model):
    """One registration proposed, and what the receiving unit decided about it."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="items")
    registration = models.ForeignKey(
        Registration, verbose_name=_("mô hình"), on_delete=models.PROTECT, related_name="proposal_items"
    )
    # The proposal's kind, copied so that the database keeps a registration in one standing
    # proposal of each kind.
    kind = models.CharField(max_length=20, choices=DecisionKind.choices, editable=False)
    outcome = models.CharField(
        _("kết quả xét"), max_length=20, choices=ProposalOutcome.choices, default=ProposalOutcome.PENDING
    )
    reason = models.TextField(_("lý do"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(_("thời điểm xét"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("mô hình được đề nghị")
        verbose_name_plural = _("mô hình được đề nghị")
        constraints = [
            models.UniqueConstraint(
                fields=["registration", "kind"],
                condition=~Q(outcome=ProposalOutcome.REFUSED),
                name="proposal_item_once_per_kind",
                violation_error_message=_("Mô hình này đã có trong một đề nghị cùng loại."),
            ),
        ]

    def __str__(self):
        return f"{self.proposal_id}: {self.registration_id}"
