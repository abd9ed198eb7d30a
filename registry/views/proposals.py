"""Proposals (đề nghị): made by a unit from a filtered model list, decided by the unit above."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import HttpResponseRedirect, QueryDict
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import generic
from django.views.generic.detail import SingleObjectMixin
from django_filters.views import FilterView

from registry import proposals
from registry.choices import ProposalOutcome, ProposalStatus
from registry.filters import ProposalFilterSet, RegistrationFilterSet
from registry.forms import add_errors
from registry.forms.proposals import DecisionFromProposalForm, ProposalForm
from registry.models import Decision, Proposal, Registration
from registry.querysets import CHANGE
from registry.scope import scope_of

from .decisions import _ids
from .mixins import CreateOnceMixin, EditConflictMixin, ScopedMixin, UserFormKwargsMixin

SHOWN_ROWS = 50


class ProposalListView(ScopedMixin, FilterView):
    """The proposals the user's units made and those sent to them."""

    model = Proposal
    filterset_class = ProposalFilterSet
    template_name = "registry/proposal_list.html"
    paginate_by = 50

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("unit", "receiving_unit", "award_form", "decision")
            .annotate(rows=Count("items"))
            .order_by("-year", "-proposed_on", "-pk")
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            may_change=scope_of(self.request.user).may_change_anything(), **kwargs
        )


def chosen_registrations(request, query):
    """Return the filterset of the model list's ``query`` (a query string) and every row it selects.

    All the rows matching, not one page; only those the user sees, past the draft of their review.
    """
    data = QueryDict(query or "", mutable=True)
    for name in ("page", "o", "page_size"):
        data.pop(name, None)
    queryset = Registration.objects.restrict(request.user).counted().select_related("initiative", "unit")
    filterset = RegistrationFilterSet(data, queryset=queryset.order_by("unit__path", "pk"), request=request)
    if not data or not filterset.is_valid():
        return filterset, Registration.objects.none()
    return filterset, filterset.qs


class ProposalCreateView(UserFormKwargsMixin, CreateOnceMixin, generic.CreateView):
    """Propose the registrations a model list's filters select (``?year=2026&unit=…``)."""

    model = Proposal
    form_class = ProposalForm

    def query(self):
        if self.request.method == "POST":
            return self.request.POST.get("query", "")
        return self.request.GET.urlencode()

    def dispatch(self, request, *args, **kwargs):
        self.filterset, self.chosen = chosen_registrations(request, self.query())
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        initial = {**super().get_initial(), "query": self.query()}
        if self.filterset.is_bound and self.filterset.is_valid():
            data = self.filterset.form.cleaned_data
            if data.get("year"):
                initial["year"] = data["year"]
            unit = data.get("unit")
            if unit is not None and scope_of(self.request.user).covers(unit, CHANGE):
                initial["unit"] = unit
        return initial

    def get_context_data(self, **kwargs):
        rows = self.chosen
        drafts = (
            Proposal.objects.restrict(self.request.user, CHANGE)
            .filter(status=ProposalStatus.DRAFT)
            .select_related("unit", "receiving_unit")
            .order_by("-year", "-pk")[:20]
        )
        return super().get_context_data(
            chosen_count=rows.count(),
            chosen_rows=rows[:SHOWN_ROWS],
            shown_rows=SHOWN_ROWS,
            drafts=[draft for draft in drafts if proposals.may_propose(self.request.user, draft)],
            query=self.query(),
            **kwargs,
        )

    def form_valid(self, form):
        try:
            self.object = proposals.proposal_create(
                user=self.request.user, proposal=form.instance, registrations=self.chosen, token=form.token
            )
        except (ValidationError, PermissionDenied) as error:
            add_errors(form, error if isinstance(error, ValidationError) else ValidationError(str(error)))
            return self.form_invalid(form)
        messages.success(self.request, _("Đã lập đề nghị; hãy xem lại rồi bấm “Gửi đề nghị”."))
        return HttpResponseRedirect(self.object.get_absolute_url())


class ProposalDetailView(ScopedMixin, generic.DetailView):
    """A proposal and its rows; the actions the user may take on it."""

    model = Proposal

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("unit", "receiving_unit", "award_form", "decision", "created_by")
        )

    def get_context_data(self, **kwargs):
        user, proposal = self.request.user, self.object
        items = proposal.items.select_related(
            "registration__initiative__field", "registration__unit", "decided_by"
        ).order_by("registration__unit__path", "registration__initiative__name", "pk")
        counts = dict(proposal.items.values_list("outcome").annotate(count=Count("pk")).order_by())
        decided_again = (
            proposal.status == ProposalStatus.DECIDED and proposal.decision and proposal.decision.is_deleted
        )
        return super().get_context_data(
            items=items,
            counts={outcome: counts.get(outcome, 0) for outcome in ProposalOutcome.values},
            may_propose=proposals.may_propose(user, proposal),
            may_decide=proposals.may_decide(user, proposal)
            and (proposal.status == ProposalStatus.SENT or decided_again),
            decided_again=decided_again,
            statuses=ProposalStatus,
            outcomes=ProposalOutcome,
            **kwargs,
        )


class ProposalUpdateView(ScopedMixin, UserFormKwargsMixin, EditConflictMixin, generic.UpdateView):
    """Edit a draft proposal's heading."""

    model = Proposal
    form_class = ProposalForm
    action = CHANGE

    def save(self, form):
        try:
            return proposals.proposal_update(
                user=self.request.user, proposal=form.instance, version=form.version
            )
        except PermissionDenied as error:
            raise ValidationError(str(error)) from error


class ProposalActionView(ScopedMixin, SingleObjectMixin, generic.View):
    """One step on a proposal (POST): send, withdraw, delete, remove rows, decide rows."""

    model = Proposal
    action = CHANGE
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        proposal = self.get_object()
        step = request.POST.get("step", "")
        items = _ids(request.POST.getlist("item"))
        user = request.user
        steps = {
            "send": lambda: proposals.proposal_send(user=user, proposal=proposal),
            "withdraw": lambda: proposals.proposal_withdraw(user=user, proposal=proposal),
            "delete": lambda: proposals.proposal_delete(user=user, proposal=proposal),
            "remove": lambda: proposals.proposal_remove_rows(user=user, proposal=proposal, items=items),
            "add": lambda: proposals.proposal_add_rows(
                user=user,
                proposal=proposal,
                registrations=chosen_registrations(request, request.POST.get("query"))[1],
            ),
            "accept_all": lambda: proposals.proposal_decide(
                user=user,
                proposal=proposal,
                items=proposal.items.filter(outcome=ProposalOutcome.PENDING).values_list("pk", flat=True),
                outcome=ProposalOutcome.ACCEPTED,
            ),
        }
        for outcome in ProposalOutcome.values:
            steps[outcome] = lambda outcome=outcome: proposals.proposal_decide(
                user=user,
                proposal=proposal,
                items=items,
                outcome=outcome,
                reason=request.POST.get("reason", ""),
            )
        if step not in steps:
            messages.error(request, _("Thao tác không hợp lệ."))
            return HttpResponseRedirect(proposal.get_absolute_url())
        if step in {"remove", *ProposalOutcome.values} and not items:
            messages.error(request, _("Hãy chọn ít nhất một mô hình."))
            return HttpResponseRedirect(proposal.get_absolute_url())
        try:
            steps[step]()
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
            return HttpResponseRedirect(proposal.get_absolute_url())
        except PermissionDenied as error:
            raise PermissionDenied(str(error)) from error
        if step == "delete":
            messages.success(request, _("Đã xóa đề nghị."))
            return HttpResponseRedirect(reverse("registry:proposal_list"))
        messages.success(request, _("Đã lưu."))
        return HttpResponseRedirect(proposal.get_absolute_url())


class DecisionFromProposalView(generic.FormView):
    """Issue the decision of a proposal: number, symbol, date and signer; the rest is the proposal's."""

    form_class = DecisionFromProposalForm
    template_name = "registry/proposal_decision_form.html"

    def dispatch(self, request, *args, **kwargs):
        self.proposal = get_object_or_404(
            Proposal.objects.restrict(request.user, CHANGE).select_related("receiving_unit", "award_form"),
            pk=kwargs["pk"],
        )
        if request.method == "POST":
            token = request.POST.get("token", "")
            existing = Decision._base_manager.filter(form_token=token).first() if token else None
            if existing is not None:
                return HttpResponseRedirect(existing.get_absolute_url())
        if not proposals.may_decide(request.user, self.proposal):
            raise PermissionDenied(_("Chỉ cán bộ của đơn vị nhận đề nghị được ra quyết định."))
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        accepted = self.proposal.items.exclude(outcome=ProposalOutcome.REFUSED).count()
        return super().get_context_data(proposal=self.proposal, accepted_count=accepted, **kwargs)

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            decision = proposals.decision_from_proposal(
                user=self.request.user,
                proposal=self.proposal,
                number=data["number"],
                symbol=data["symbol"],
                signed_on=data["signed_on"],
                signer_name=data["signer_name"],
                issuer_name=data["issuer_name"],
                title=data["title"],
                token=form.token,
            )
        except ValidationError as error:
            add_errors(form, error)
            return self.form_invalid(form)
        messages.success(
            self.request, _("Đã ra quyết định %(ref)s từ đề nghị.") % {"ref": decision.reference}
        )
        return HttpResponseRedirect(decision.get_absolute_url())
