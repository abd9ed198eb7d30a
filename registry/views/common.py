"""The home page and the deleted items."""

from django.db.models import Q
from django.utils import timezone
from django.views import generic

from registry import home, reminders
from registry.defaults import default_root
from registry.models import Campaign, Decision, Initiative, Registration
from registry.querysets import CHANGE, ancestor_paths
from registry.scope import scope_of
from reports import selectors
from reports.forms import ReportFilterForm
from reports.views import list_url


class HomeView(generic.TemplateView):
    """The user's units, this year's figures in scope, and what to do next."""

    template_name = "registry/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        chosen = home.home_year(user)
        figures = home.home_figures(user, chosen.year)
        figures.update(self.year_figures(user, chosen.year))
        campaigns = asked_of(user)
        may_change = scope_of(user).may_change_anything()
        notifications, unread_count = reminders.unread(user)
        context.update(
            notifications=notifications,
            unread_count=unread_count,
            campaigns=campaigns,
            year=chosen.year,
            year_reason=chosen.reason,
            figures=figures,
            steps=home.next_steps(
                user, figures=figures, campaigns=campaigns, chosen=chosen, may_change=may_change
            ),
            memberships=user.memberships.select_related("unit").order_by("unit__path"),
            recent=Registration.objects.restrict(user)
            .alive()
            .select_related("initiative", "unit")
            .order_by("-created_at", "-pk")[:10],
            can_change=may_change,
        )
        return context

    @staticmethod
    def year_figures(user, year):
        """The year's and the year before's totals at the user's own unit: the dashboard's figures,
        from the same selectors, each linked to exactly its rows."""
        root = default_root(user)
        if root is None:
            return {"this_year": 0, "last_year": 0, "this_year_url": None, "last_year_url": None}
        period = selectors.report_period(user, root, ReportFilterForm({"year": year}))
        summary = selectors.summary(user, root, period)
        return {
            "this_year": summary["current"]["total"],
            "last_year": summary["previous"]["total"],
            "this_year_url": list_url({"unit": root.pk, **period.list_params()}),
            "last_year_url": list_url({"unit": root.pk, **period.previous().list_params()}),
        }


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
