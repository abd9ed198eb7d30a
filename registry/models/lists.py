"""What a user keeps of the model list: the columns chosen, and filters saved under a name."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .. import querysets
from . import Unit, form_token_field, token_constraint


class SavedFilterQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Keep the user's own filters and those shared with a unit inside the user's scope."""
        shared = Q(unit__isnull=False) & querysets.path_q("unit__path", querysets.scope_paths(user))
        return self.filter(Q(user=user) | shared)

    def restrict(self, user, action=querysets.VIEW):
        """Keep the filters whose history ``user`` may read: ``owned_or_shared_q``."""
        return self.filter(owned_or_shared_q(user, action))


def owned_or_shared_q(user, action=querysets.VIEW):
    """Return a Q keeping ``user``'s saved filters (or their history rows) and those shared in their scope.

    A filter kept for its owner alone is no unit's: only its owner, and a superuser, has it.
    """
    paths = querysets.scope_paths(user, action)
    if paths is None:
        return Q()
    shared = Q(unit__isnull=False) & querysets.path_q("unit__path", paths)
    return Q(user=user) | shared if user is not None and user.pk else shared


class ListColumnsQuerySet(models.QuerySet):
    def restrict(self, user, action=querysets.VIEW):
        """Keep the columns whose history ``user`` may read: ``own_only_q``."""
        return self.filter(own_only_q(user, action))


def own_only_q(user, action=querysets.VIEW):
    """Return a Q keeping ``user``'s own column choices (or their history rows); a superuser's, all."""
    if querysets.scope_paths(user, action) is None:
        return Q()
    return Q(user=user) if user is not None and user.pk else Q(pk__in=[])


class SavedFilter(models.Model):
    """A query string of the model list saved under a name; shared with a unit, or the user's own."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người lưu"),
        on_delete=models.CASCADE,
        related_name="saved_filters",
    )
    name = models.CharField(_("tên bộ lọc"), max_length=100)
    query = models.CharField(_("bộ lọc"), max_length=2000, blank=True)
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("chia sẻ với đơn vị"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    created_at = models.DateTimeField(_("ngày tạo"), auto_now_add=True)
    updated_at = models.DateTimeField(_("ngày cập nhật"), auto_now=True)
    form_token = form_token_field()

    history = HistoricalRecords(excluded_fields=["form_token"])
    objects = SavedFilterQuerySet.as_manager()

    class Meta:
        verbose_name = _("bộ lọc đã lưu")
        verbose_name_plural = _("bộ lọc đã lưu")
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "name"],
                name="savedfilter_name_unique",
                violation_error_message=_("Bạn đã có một bộ lọc mang tên này: hãy đặt tên khác."),
            ),
            token_constraint("savedfilter_token_unique"),
        ]

    def __str__(self):
        return self.name


class ListColumns(models.Model):
    """The columns of the model list a user chose to see, in their order."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người dùng"),
        on_delete=models.CASCADE,
        related_name="list_columns",
    )
    columns = models.JSONField(_("các cột"), default=list)
    updated_at = models.DateTimeField(_("ngày cập nhật"), auto_now=True)

    history = HistoricalRecords()
    objects = ListColumnsQuerySet.as_manager()

    class Meta:
        verbose_name = _("cột của danh sách mô hình")
        verbose_name_plural = _("cột của danh sách mô hình")

    def __str__(self):
        return ", ".join(self.columns)
