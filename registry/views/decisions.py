"""Recognition and commendation decisions, and the registrations they cover."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Exists, OuterRef, Q
from django.http import FileResponse, Http404, HttpResponseRedirect, QueryDict
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import generic
from django_filters.views import FilterView

from registry import services
from registry.filters import DecisionFilterSet, RegistrationFilterSet
from registry.forms import DecisionForm, add_errors
from registry.models import Decision, Registration
from registry.querysets import CHANGE, path_q
from registry.scope import scope_of

from .mixins import (
    CanChangeMixin,
    CreateOnceMixin,
    EditConflictMixin,
    RestoreMixin,
    ScopedMixin,
    SoftDeleteMixin,
    UserFormKwargsMixin,
)


class DecisionListView(ScopedMixin, FilterView):
    model = Decision
    filterset_class = DecisionFilterSet
    template_name = "registry/decision_list.html"
    paginate_by = 50

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("issuing_unit", "award_form")
            .annotate(covered=Count("registrations", distinct=True, filter=self.covered_in_scope()))
            .order_by("-signed_on", "-pk")
        )

    def covered_in_scope(self):
        """The covered registrations to count: alive, inside the user's scope (as the detail shows)."""
        alive = Q(registrations__is_deleted=False, registrations__initiative_deleted=False)
        return alive & path_q("registrations__unit__path", scope_of(self.request.user).paths())


class DecisionCreateView(UserFormKwargsMixin, CreateOnceMixin, generic.CreateView):
    """Record a decision; ``?registration=<pk>`` (repeatable) preselects what it covers."""

    model = Decision
    form_class = DecisionForm

    def get_preselected(self):
        pks = _ids(self.request.GET.getlist("registration") + self.request.POST.getlist("registration"))
        return list(Registration.objects.restrict(self.request.user).alive().filter(pk__in=pks))

    def get_initial(self):
        initial = super().get_initial()
        kind = self.request.GET.get("kind")
        if kind:
            initial["kind"] = kind
        return initial

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "registrations": self.preselected}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            preselected=self.preselected, from_list=self.from_list_count(), **kwargs
        )

    def list_query(self):
        """The model list's filter (``?loc=<its query string>``) whose rows the decision will cover."""
        return self.request.GET.get("loc", "")[:4000]

    def from_list_count(self):
        if not self.list_query():
            return None
        base = Registration.objects.restrict(self.request.user).alive()
        filterset = RegistrationFilterSet(QueryDict(self.list_query()), queryset=base, request=self.request)
        return filterset.qs.count() if filterset.is_valid() else None

    def dispatch(self, request, *args, **kwargs):
        self.preselected = self.get_preselected()
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        try:
            self.object = services.decision_create(
                user=self.request.user,
                decision=form.instance,
                registrations=self.preselected,
                token=form.token,
            )
        except ValidationError as error:
            add_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Đã ghi quyết định %(ref)s.") % {"ref": self.object.reference})
        return HttpResponseRedirect(self.created_url(self.object))

    def created_url(self, obj):
        """The decision's page, or the choice of the models it covers while it covers none."""
        if obj.registrations.exists():
            return obj.get_absolute_url()
        query = self.list_query()
        return obj.get_absolute_url() + "mo-hinh/" + (f"?{query}" if query else "")


class DecisionDetailView(ScopedMixin, CanChangeMixin, generic.DetailView):
    model = Decision

    def get_queryset(self):
        return super().get_queryset().select_related("issuing_unit", "award_form")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # Only the covered registrations inside the user's scope are shown.
        context["covered"] = (
            Registration.objects.restrict(self.request.user)
            .alive()
            .filter(decisions=self.object)
            .select_related("initiative__field", "unit")
            .order_by("unit__path", "initiative__name")
        )
        return context


class DecisionUpdateView(ScopedMixin, UserFormKwargsMixin, EditConflictMixin, generic.UpdateView):
    model = Decision
    form_class = DecisionForm
    action = CHANGE

    def save(self, form):
        return services.decision_update(user=self.request.user, decision=form.instance, version=form.version)


class DecisionDeleteView(ScopedMixin, SoftDeleteMixin, generic.DetailView):
    model = Decision
    action = CHANGE
    restore_url_name = "registry:decision_restore"

    def get_success_url(self):
        return reverse("registry:decision_list")


class DecisionRestoreView(RestoreMixin, ScopedMixin, generic.DetailView):
    model = Decision
    action = CHANGE


class DecisionDocumentView(ScopedMixin, generic.DetailView):
    """Serve the scanned document only to users who may see the decision."""

    model = Decision

    def get(self, request, *args, **kwargs):
        decision = self.get_object()
        if not decision.document:
            raise Http404
        return FileResponse(decision.document.open("rb"), as_attachment=False)


class DecisionRegistrationsView(FilterView):
    """Choose the registrations a decision covers, from the filtered model list."""

    model = Registration
    filterset_class = RegistrationFilterSet
    template_name = "registry/decision_registrations.html"
    paginate_by = 100

    def dispatch(self, request, *args, **kwargs):
        self.decision = get_object_or_404(
            Decision.objects.restrict(request.user, CHANGE).alive(), pk=kwargs["pk"]
        )
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        return (
            Registration.objects.restrict(self.request.user)
            .alive()
            .select_related("initiative__field", "unit")
            .annotate(
                in_decision=Exists(
                    Decision.registrations.through.objects.filter(
                        decision=self.decision, registration=OuterRef("pk")
                    )
                )
            )
            .order_by("-year", "unit__path", "initiative__name", "pk")
        )

    def get_filterset_kwargs(self, filterset_class):
        kwargs = super().get_filterset_kwargs(filterset_class)
        if not kwargs["data"]:
            kwargs["data"] = QueryDict(f"year={self.decision.signed_on.year}")
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(decision=self.decision, **kwargs)
        query = self.request.GET.copy()
        query.pop("page", None)
        context["query_string"] = query.urlencode()
        context["covered_count"] = self.decision.registrations.filter(is_deleted=False).count()
        # "All rows matching this filter": the filter travels to the bulk action, not the rows.
        context["filter_query"] = context["filter"].data.urlencode()
        if context["filter"].is_valid():
            matching = context["filter"].qs
            context["addable_count"] = matching.filter(in_decision=False).count()
            context["removable_count"] = matching.filter(in_decision=True).count()
        return context

    def post(self, request, *args, **kwargs):
        chosen = Registration.objects.restrict(request.user).alive()
        add = chosen.filter(pk__in=_ids(request.POST.getlist("add")))
        remove = chosen.filter(pk__in=_ids(request.POST.getlist("remove")))
        try:
            services.decision_set_registrations(
                user=request.user, decision=self.decision, add=add, remove=remove
            )
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
            return HttpResponseRedirect(request.get_full_path())
        messages.success(
            request,
            _("Đã thêm %(added)s, bỏ %(removed)s mô hình khỏi quyết định.")
            % {"added": len(add), "removed": len(remove)},
        )
        return HttpResponseRedirect(request.get_full_path())


def _ids(values):
    """Return the ids among ``values`` (typed in an address): whole numbers that a key can hold."""
    return [int(value) for value in values if value.isdecimal() and 0 < int(value) < 2**63]
