"""Scoring against a campaign's criteria: the criteria and marks, and one registration's points."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.utils.translation import gettext as _
from django.views import generic

from registry import scoring, services
from registry.forms import add_errors
from registry.forms.scoring import CriterionFormSet, MarksForm, ScoreForm
from registry.models import Campaign, Registration
from registry.querysets import CHANGE

from .mixins import ScopedMixin


class CampaignCriteriaView(ScopedMixin, generic.DetailView):
    """The criteria of a campaign's scoring and its marks, edited on one page by the launching unit."""

    model = Campaign
    action = CHANGE
    template_name = "registry/campaign_criteria.html"

    def get_queryset(self):
        return super().get_queryset().select_related("unit")

    def initial_rows(self):
        criteria = self.object.criteria.all()
        return [{"pk": c.pk, "name": c.name, "points": c.points, "order": c.order} for c in criteria]

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        marks = MarksForm(instance=self.object)
        rows = CriterionFormSet(initial=self.initial_rows(), prefix="tieu-chi")
        return self.render_to_response(self.get_context_data(marks=marks, rows=rows))

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        marks = MarksForm(request.POST, instance=self.object)
        rows = CriterionFormSet(request.POST, initial=self.initial_rows(), prefix="tieu-chi")
        if not (marks.is_valid() and rows.is_valid()):
            return self.render_to_response(self.get_context_data(marks=marks, rows=rows), status=400)
        entered = [row.cleaned_data for row in rows.forms if row.has_changed() or row.cleaned_data.get("pk")]
        try:
            scoring.criteria_save(
                user=request.user, campaign=marks.instance, rows=entered, version=marks.version
            )
        except services.EditConflict as conflict:
            messages.error(request, conflict.messages[0])
            return HttpResponseRedirect(request.path)
        except PermissionDenied:
            raise
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                add_errors(marks, error)
                problems = []
            else:
                problems = error.messages
            context = self.get_context_data(marks=marks, rows=rows, problems=problems)
            return self.render_to_response(context, status=400)
        messages.success(request, _("Đã lưu tiêu chí chấm điểm."))
        return HttpResponseRedirect(self.object.get_absolute_url())


class RegistrationScoreView(ScopedMixin, generic.DetailView):
    """One registration's points on its campaign's criteria, the total and what it suggests."""

    model = Registration
    action = CHANGE
    template_name = "registry/registration_score.html"

    def get_queryset(self):
        return super().get_queryset().alive().select_related("initiative", "unit", "campaign", "reviewer")

    def form(self, data=None):
        registration = self.object
        criteria = list(registration.campaign.criteria.all()) if registration.campaign_id else []
        scores = {score.criterion_id: score.points for score in registration.scores.all()}
        form = ScoreForm(data, criteria=criteria, scores=scores)
        form.fields["version"].initial = scoring.scores_version(registration)
        return form

    def get_context_data(self, **kwargs):
        registration = self.object
        context = super().get_context_data(**kwargs)
        context["refusal"] = None
        try:
            scoring.check_scorable(self.request.user, registration)
        except (ValidationError, PermissionDenied) as error:
            context["refusal"] = error.messages[0] if isinstance(error, ValidationError) else str(error)
        if registration.campaign_id and registration.scores.exists():
            context["suggestion"] = scoring.suggest(registration.campaign, scoring.total_of(registration))
        return context

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        return self.render_to_response(self.get_context_data(form=self.form()))

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        form = self.form(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400)
        try:
            suggestion = scoring.scores_save(
                user=request.user,
                registration=self.object,
                points=form.points(),
                version=form.cleaned_data["version"] or None,
                apply=form.cleaned_data["apply"],
            )
        except PermissionDenied as error:
            messages.error(request, str(error))
            return HttpResponseRedirect(request.path)
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                add_errors(form, error)
            else:
                for message in error.messages:
                    messages.error(request, message)
            return self.render_to_response(self.get_context_data(form=form), status=400)
        said = _("Đã lưu điểm: %(total)s/%(most)s điểm.") % {
            "total": scoring.points_text(suggestion.total),
            "most": suggestion.most,
        }
        if form.cleaned_data["apply"]:
            said += " " + _("Đã áp dụng kết quả gợi ý.")
        messages.success(request, said)
        url = self.object.initiative.get_absolute_url() + f"#nam-{self.object.year}"
        return HttpResponseRedirect(url)
