"""Campaigns (đợt thi đua): launched by a unit over its subtree, read by the units below it."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.utils.translation import gettext as _
from django.views import generic
from django_filters.views import FilterView

from registry import services
from registry.filters import CampaignFilterSet
from registry.formats import inner
from registry.forms import add_errors
from registry.forms.campaigns import CampaignForm
from registry.models import Campaign, Unit
from registry.querysets import CHANGE
from registry.scope import scope_of

from .mixins import CanChangeMixin, CreateOnceMixin, EditConflictMixin, ScopedMixin, UserFormKwargsMixin


class CampaignListView(ScopedMixin, FilterView):
    model = Campaign
    filterset_class = CampaignFilterSet
    template_name = "registry/campaign_list.html"
    paginate_by = 50

    def get_queryset(self):
        return super().get_queryset().select_related("unit").order_by("-year", "unit__path", "-pk")


class CampaignCreateView(UserFormKwargsMixin, CreateOnceMixin, generic.CreateView):
    model = Campaign
    form_class = CampaignForm

    def form_valid(self, form):
        try:
            self.object = services.campaign_create(
                user=self.request.user, campaign=form.instance, token=form.token
            )
        except ValidationError as error:
            add_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Đã phát động “%(title)s”.") % {"title": inner(self.object.title)})
        return HttpResponseRedirect(self.object.get_absolute_url())


class CampaignDetailView(ScopedMixin, CanChangeMixin, generic.DetailView):
    """A campaign, and which of the user's own units it asks to register."""

    model = Campaign

    def get_queryset(self):
        return super().get_queryset().select_related("unit", "created_by")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        campaign = self.object
        below = Unit.objects.filter(path__startswith=campaign.unit.path, depth__gt=campaign.unit.depth)
        below = below.filter(path__in=[unit.path for unit in scope_of(self.request.user).top_units()])
        context["asked_units"] = [unit for unit in below if campaign.asks(unit)]
        context["criteria"] = list(campaign.criteria.all())
        context["criteria_points"] = sum(criterion.points for criterion in context["criteria"])
        return context


class CampaignUpdateView(ScopedMixin, UserFormKwargsMixin, EditConflictMixin, generic.UpdateView):
    model = Campaign
    form_class = CampaignForm
    action = CHANGE

    def save(self, form):
        return services.campaign_update(user=self.request.user, campaign=form.instance, version=form.version)


class CampaignDocumentView(ScopedMixin, generic.DetailView):
    """Serve the campaign's plan only to users who may read the campaign."""

    model = Campaign

    def get(self, request, *args, **kwargs):
        campaign = self.get_object()
        if not campaign.document:
            raise Http404
        return FileResponse(campaign.document.open("rb"), as_attachment=False)
