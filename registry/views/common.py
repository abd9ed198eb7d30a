"""The home page, object histories and the deleted items."""

from django.db.models import Count, Exists, OuterRef, Q
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.views import generic

from registry.choices import Evaluation
from registry.models import Decision, Initiative, Registration, Unit
from registry.querysets import CHANGE


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
            year=year,
            figures=figures,
            memberships=user.memberships.select_related("unit").order_by("unit__path"),
            recent=registrations.select_related("initiative", "unit").order_by("-created_at", "-pk")[:10],
            can_change=Unit.objects.restrict(user, CHANGE).exists(),
        )
        return context


HISTORY_MODELS = {
    "don-vi": Unit,
    "mo-hinh": Initiative,
    "dang-ky": Registration,
    "quyet-dinh": Decision,
}


class HistoryView(generic.TemplateView):
    """Who changed what and when, for one object the user may see (deleted ones too)."""

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
        entries = []
        for newer, older in zip(records, [*records[1:], None], strict=True):
            changes = []
            if older is not None:
                delta = newer.diff_against(older)
                for change in delta.changes:
                    field = model._meta.get_field(change.field)
                    changes.append(
                        {
                            "label": getattr(field, "verbose_name", change.field),
                            "old": _display(field, change.old),
                            "new": _display(field, change.new),
                        }
                    )
            entries.append({"record": newer, "changes": changes})
        context.update(object=obj, entries=entries, model_name=model._meta.verbose_name)
        return context


def _display(field, value):
    if value in (None, ""):
        return "—"
    if isinstance(value, list):
        return ", ".join(str(item) for item in value) or "—"
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
