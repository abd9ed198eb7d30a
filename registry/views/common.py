"""The home page and the deleted items."""

from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone
from django.views import generic

from registry import reminders, review
from registry.choices import Evaluation, ReviewState
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
            drafts=Count("pk", filter=Q(review_state=ReviewState.DRAFT)),
            returned=Count("pk", filter=Q(review_state=ReviewState.RETURNED)),
        )
        figures["waiting"] = review.waiting_at(user, registrations).count()
        figures["not_renewed"] = registrations.filter(year=year - 1).exclude(Exists(renewed)).count()
        notifications, unread_count = reminders.unread(user)
        context.update(
            notifications=notifications,
            unread_count=unread_count,
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
