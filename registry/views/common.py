"""The home page, object histories and the deleted items."""

from itertools import pairwise

from django.db import models
from django.db.models import Count, Exists, OuterRef, Q
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import generic

from registry.choices import Evaluation
from registry.models import Campaign, Decision, Initiative, Registration, Unit
from registry.querysets import CHANGE, ancestor_paths
from registry.scope import scope_of


class HomeView(generic.TemplateView):
    """The user's units, this year's figures in scope, and what to do next."""

    template_name = "registry/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        year = timezone.localdate().year
        registrations = Registration.objects.restrict(user).alive()
        renewed = Registration.objects.filter(
            initiative=OuterRef("initiative"), year=OuterRef("year") + 1, is_deleted=False
        )
        figures = registrations.aggregate(
            this_year=Count("pk", filter=Q(year=year)),
            pending=Count("pk", filter=Q(year=year, evaluation=Evaluation.PENDING)),
            last_year=Count("pk", filter=Q(year=year - 1)),
        )
        figures["not_renewed"] = registrations.filter(year=year - 1).exclude(Exists(renewed)).count()
        context.update(
            campaigns=asked_of(user),
            year=year,
            figures=figures,
            memberships=user.memberships.select_related("unit").order_by("unit__path"),
            recent=registrations.select_related("initiative", "unit").order_by("-created_at", "-pk")[:10],
            can_change=Unit.objects.restrict(user, CHANGE).exists(),
        )
        return context


def asked_of(user, limit=10):
    """Return the current campaigns launched above the user's own units, soonest deadline first.

    Each with ``registration_days`` and ``evaluation_days``: the days left until its deadlines
    (negative once passed).
    """
    today = timezone.localdate()
    top = [unit.path for unit in scope_of(user).top_units()]
    campaigns = (
        Campaign.objects.filter(unit__path__in=ancestor_paths(top))
        .filter(Q(year__gte=today.year) | Q(evaluation_deadline__gte=today))
        .select_related("unit")
        .order_by("registration_deadline", "pk")[:limit]
    )
    campaigns = list(campaigns)
    for campaign in campaigns:
        campaign.registration_days = (campaign.registration_deadline - today).days
        campaign.evaluation_days = (campaign.evaluation_deadline - today).days
    return campaigns


HISTORY_MODELS = {
    "don-vi": Unit,
    "mo-hinh": Initiative,
    "dang-ky": Registration,
    "quyet-dinh": Decision,
    "dot-thi-dua": Campaign,
}


class HistoryView(generic.TemplateView):
    """Who changed what and when, for one object the user may see (deleted ones too).

    A record entered in bulk (the demo, an import of old data) may have no history row yet: the
    page says so. A change of a link (a unit, the registrations a decision covers) names the
    linked records the user may see and only counts the others.
    """

    template_name = "registry/history.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        model = HISTORY_MODELS.get(kwargs["model"])
        if model is None:
            raise Http404
        obj = get_object_or_404(model.objects.restrict(self.request.user), pk=kwargs["pk"])
        records = list(
            obj.history.select_related("history_user").order_by("-history_date", "-history_id")[:100]
        )
        deltas = [(newer, newer.diff_against(older)) for newer, older in pairwise(records)]
        names = LinkedNames(model, self.request.user, [delta for _newer, delta in deltas])
        entries = []
        for newer, delta in deltas:
            changes = []
            for change in delta.changes:
                field = model._meta.get_field(change.field)
                if not field.editable:
                    continue  # kept by the software (search keys, last change): not what a user changed
                changes.append(
                    {
                        "label": getattr(field, "verbose_name", change.field),
                        "old": names.display(field, change.old),
                        "new": names.display(field, change.new),
                    }
                )
            entries.append({"record": newer, "changes": changes})
        if records:
            entries.append({"record": records[-1], "changes": []})  # the oldest: nothing before it
        context.update(object=obj, entries=entries, model_name=model._meta.verbose_name)
        return context


class LinkedNames:
    """The names of the records that the changes of a history link to, read in one query per model.

    Only the records in the user's scope are named; the others are counted.
    """

    def __init__(self, model, user, deltas):
        wanted = {}
        for delta in deltas:
            for change in delta.changes:
                field = model._meta.get_field(change.field)
                if field.is_relation:
                    wanted.setdefault(field, set()).update(self.linked_ids(field, change.old))
                    wanted[field].update(self.linked_ids(field, change.new))
        self.names = {}
        for field, ids in wanted.items():
            related = field.related_model
            queryset = related._default_manager.all()
            if hasattr(queryset, "restrict"):
                queryset = queryset.restrict(user)
            if related is Registration:
                queryset = queryset.select_related("initiative")
            self.names[field] = {item.pk: str(item) for item in queryset.filter(pk__in=ids)}

    @staticmethod
    def linked_ids(field, value):
        if value in (None, ""):
            return []
        if isinstance(field, models.ManyToManyField):
            # simple_history gives the rows of the link table: {"decision": 1, "registration": 7}.
            target = field.m2m_reverse_field_name()
            return [row[target] for row in value or []]
        return [value]

    def display(self, field, value):
        if not field.is_relation:
            return _display(field, value)
        ids = self.linked_ids(field, value)
        if not ids:
            return "—"
        known = self.names.get(field, {})
        shown = [known[pk] for pk in ids if pk in known]
        hidden = len(ids) - len(shown)
        if hidden:
            shown.append(
                ngettext("%(count)s mục ngoài phạm vi của bạn", "%(count)s mục ngoài phạm vi của bạn", hidden)
                % {"count": hidden}
            )
        return "; ".join(shown)


def _display(field, value):
    if value in (None, ""):
        return "—"
    if isinstance(value, bool):
        return _("Có") if value else _("Không")
    choices = dict(getattr(field, "flatchoices", None) or [])
    return choices.get(value, value)


class TrashView(generic.TemplateView):
    """Deleted initiatives, registrations and decisions the user may restore."""

    template_name = "registry/trash.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context.update(
            initiatives=Initiative.objects.restrict(user, CHANGE)
            .deleted()
            .select_related("unit", "deleted_by")
            .order_by("-deleted_at")[:200],
            registrations=Registration.objects.restrict(user, CHANGE)
            .deleted()
            .filter(initiative__is_deleted=False)
            .select_related("initiative", "unit", "deleted_by")
            .order_by("-deleted_at")[:200],
            decisions=Decision.objects.restrict(user, CHANGE)
            .deleted()
            .select_related("issuing_unit", "deleted_by")
            .order_by("-deleted_at")[:200],
        )
        return context
