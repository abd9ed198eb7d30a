"""Notifications read in the application: a reminder of a campaign's deadline, for one user."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _


class NotificationKind(models.TextChoices):
    """Why a notification was sent: the deadline the unit passed."""

    REGISTRATION = "registration", _("Quá hạn đăng ký")
    EVALUATION = "evaluation", _("Quá hạn đánh giá")


class Notification(models.Model):
    """A message for one user, listed on the home page until read (``read_at``).

    A reminder names the campaign and the overdue unit it is about, so that the same reminder
    sent again soon after finds it and is not repeated (``registry.reminders``).
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người nhận"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    title = models.CharField(_("tiêu đề"), max_length=300)
    body = models.TextField(_("nội dung"), blank=True)
    link = models.CharField(_("đường dẫn"), max_length=500, blank=True)
    campaign = models.ForeignKey(
        "registry.Campaign",
        verbose_name=_("đợt thi đua"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    unit = models.ForeignKey(
        "registry.Unit",
        verbose_name=_("đơn vị được nhắc"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    kind = models.CharField(_("loại"), max_length=20, choices=NotificationKind.choices, blank=True)
    # The token of the reminder form that sent it: the same form sent twice sends once.
    form_token = models.CharField(max_length=64, blank=True, default="", editable=False, db_index=True)
    created_at = models.DateTimeField(_("thời điểm gửi"), auto_now_add=True)
    read_at = models.DateTimeField(_("thời điểm đọc"), null=True, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người gửi"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("thông báo")
        verbose_name_plural = _("thông báo")
        ordering = ["-created_at", "-pk"]
        indexes = [
            # The home page's newest unread notifications of a user, from the index alone.
            models.Index(
                fields=["user", "-created_at"],
                name="notification_unread",
                condition=Q(read_at__isnull=True),
            ),
            models.Index(fields=["user", "-created_at"], name="notification_user"),
            # Was this unit reminded of this campaign lately?
            models.Index(fields=["campaign", "unit", "kind", "created_at"], name="notification_reminded"),
        ]

    def __str__(self):
        return self.title

    @cached_property
    def words(self):
        """The title and the body in the reader's language (the active one).

        A reminder is written again from what it is about (its campaign, unit and deadline), so
        that each reader reads it in the language of their own page, whoever sent it; any other
        notification, or a reminder whose campaign or unit is gone, reads as it was stored.
        """
        if self.kind and self.campaign_id and self.unit_id:
            from ..reminders import reminder_words

            return reminder_words(self.campaign, self.unit, self.kind)
        return self.title, self.body

    @property
    def shown_title(self):
        return self.words[0]

    @property
    def shown_body(self):
        return self.words[1]
