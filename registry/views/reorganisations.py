"""The reorganisation pages: the plans an administrator may see, a plan's preview, the wizard that
drafts a plan step by step, and the confirmations that apply or undo it in the task worker.

Only superusers and unit administrators reach them (403 for the others). A plan is visible when
it names a unit of the user's MANAGE scope (else 404), and may be changed, applied or undone only
when every unit it names is in that scope; ``registry.drafts`` checks that again at each write.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import generic
from django_htmx.http import HttpResponseClientRefresh

from registry import drafts, reorganisations, services, tasks
from registry.choices import ChangeKind, ReorganisationJob, ReorganisationStatus
from registry.formats import inner
from registry.forms.reorganisations import (
    KIND_HELP,
    AssignForm,
    KindForm,
    PlanForm,
    StepForms,
    open_units,
)
from registry.models import Reorganisation
from registry.querysets import MANAGE
from registry.scope import scope_of
from worker import languages

from .mixins import ScopedMixin


def form_token(request):
    """The token a form page sent back, when it is one of ours."""
    return drafts.valid_token(request.POST.get("token"))


class AdministratorMixin:
    """Superusers and unit administrators only; every other user gets 403."""

    def dispatch(self, request, *args, **kwargs):
        self.require_administrator(request)
        return super().dispatch(request, *args, **kwargs)

    @staticmethod
    def require_administrator(request):
        if scope_of(request.user).paths(MANAGE) == []:
            raise PermissionDenied


class PlanMixin(AdministratorMixin, ScopedMixin, generic.detail.SingleObjectMixin):
    """The plan of the URL, among those that name a unit of the user's scope (others: 404)."""

    model = Reorganisation
    action = MANAGE

    def out_of_scope(self):
        return reorganisations.scope_errors(self.object.plan or {}, self.request.user)


class DraftMixin(PlanMixin):
    """A page that changes a draft: refused, back to the plan, unless the draft is idle and in scope."""

    def dispatch(self, request, *args, **kwargs):
        self.require_administrator(request)
        self.object = self.get_object()
        reason = self.not_editable()
        if reason:
            messages.error(request, reason)
            return HttpResponseRedirect(self.object.get_absolute_url())
        return super().dispatch(request, *args, **kwargs)

    def not_editable(self):
        if self.object.status != ReorganisationStatus.DRAFT:
            return _("Kế hoạch đã thực hiện hoặc đã hoàn tác: không sửa được nữa.")
        if self.object.job:
            return _("Kế hoạch đang được xử lý, hãy chờ xong.")
        errors = self.out_of_scope()
        if errors:
            return " ".join([_("Bạn không sửa được kế hoạch này:"), *errors])
        return None

    def refused(self, error):
        for message in error.messages:
            messages.error(self.request, message)
        return HttpResponseRedirect(self.object.get_absolute_url())


class ReorganisationListView(AdministratorMixin, ScopedMixin, generic.ListView):
    model = Reorganisation
    action = MANAGE
    paginate_by = 50

    def get_queryset(self):
        return super().get_queryset().select_related("created_by", "applied_by")


class ReorganisationDetailView(PlanMixin, generic.DetailView):
    """The plan as a preview: its steps, what closes and opens, where models and users go."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        plan = self.object
        out_of_scope = self.out_of_scope()
        is_draft = plan.status == ReorganisationStatus.DRAFT
        problems = reorganisations.check(plan) if is_draft else []
        blockers = reorganisations.undo_blockers(plan) if plan.status == ReorganisationStatus.APPLIED else []
        context.update(
            preview=reorganisations.preview(plan),
            problems=problems,
            out_of_scope=out_of_scope,
            may_edit=is_draft and not plan.job and not out_of_scope,
            may_apply=is_draft and not plan.job and not out_of_scope and not problems,
            blockers=blockers,
            may_undo=plan.status == ReorganisationStatus.APPLIED
            and not plan.job
            and not out_of_scope
            and not blockers,
            kind_form=KindForm(),
            models_hidden=0,
        )
        shown = context["preview"]
        context["models_hidden"] = shown.models_count - len(shown.models)
        return context


class ReorganisationProgressView(PlanMixin, generic.DetailView):
    """The progress of a job, polled every second; when it ends the plan's page reloads itself."""

    template_name = "registry/_reorganisation_progress.html"

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        if not self.object.job and request.htmx:
            return HttpResponseClientRefresh()
        return self.render_to_response(self.get_context_data(object=self.object))


class StepFormsMixin:
    """Render and save the forms of one step (old units, successor or parts)."""

    template_name = "registry/reorganisation_form.html"

    def render_step(self, step_forms, **context):
        token = form_token(self.request) or drafts.new_token()
        return self.render_to_response(
            self.get_context_data(
                step_forms=step_forms,
                kind=step_forms.kind,
                kind_label=ChangeKind(step_forms.kind).label,
                kind_help=KIND_HELP[step_forms.kind],
                token=token,
                **context,
            )
        )

    def after_save(self, reorganisation, step_forms):
        if step_forms.kind == ChangeKind.SPLIT:
            number = len(reorganisation.plan["steps"])
            return HttpResponseRedirect(
                reverse("registry:reorganisation_assign", args=[reorganisation.pk, number])
            )
        return HttpResponseRedirect(reorganisation.get_absolute_url())


class ReorganisationCreateView(AdministratorMixin, StepFormsMixin, generic.TemplateView):
    """The wizard: first the plan (title, date, kind), then its first step; saved as a draft.

    The first page's values travel as hidden fields of the second; the draft is made only when
    the second is valid, once per form token.
    """

    def get(self, request, *args, **kwargs):
        unit = request.GET.get("unit", "")
        form = PlanForm(initial={"unit": unit} if unit.isdecimal() else {})
        return self.render_to_response(self.get_context_data(plan_form=form))

    def post(self, request, *args, **kwargs):
        plan_form = PlanForm(request.POST)
        stage = request.POST.get("buoc")
        if not plan_form.is_valid() or stage not in ("2", "luu"):
            return self.render_to_response(self.get_context_data(plan_form=plan_form))
        data = plan_form.cleaned_data
        if stage == "2":
            olds = list(open_units(request.user).filter(pk=data["unit"])) if data["unit"] else []
            return self.render_step(
                StepForms(data["kind"], request.user, initial_olds=olds), plan_form=plan_form
            )
        step_forms = StepForms(data["kind"], request.user, data=request.POST)
        if not step_forms.is_valid():
            return self.render_step(step_forms, plan_form=plan_form)
        step, new_units = step_forms.step()
        try:
            reorganisation = drafts.draft_create(
                user=request.user,
                title=data["title"],
                effective_on=data["effective_on"],
                plan={"steps": [step], "new_units": new_units},
                token=form_token(request),
            )
        except reorganisations.PlanError as error:
            step_forms.errors += error.messages
            return self.render_step(step_forms, plan_form=plan_form)
        messages.success(request, _("Đã lưu bản nháp “%(title)s”.") % {"title": inner(reorganisation.title)})
        return self.after_save(reorganisation, step_forms)


class StepAddView(DraftMixin, StepFormsMixin, generic.TemplateView):
    """Add a step to a draft ("Thêm bước"): ``?kind=`` chooses its kind."""

    def kind(self):
        kind = (self.request.POST if self.request.method == "POST" else self.request.GET).get("kind")
        if kind not in ChangeKind.values:
            raise Http404
        return kind

    def get(self, request, *args, **kwargs):
        return self.render_step(StepForms(self.kind(), request.user), reorganisation=self.object)

    def post(self, request, *args, **kwargs):
        step_forms = StepForms(self.kind(), request.user, data=request.POST)
        if not step_forms.is_valid():
            return self.render_step(step_forms, reorganisation=self.object)
        step, new_units = step_forms.step()
        try:
            reorganisation = drafts.draft_add_step(
                user=request.user,
                reorganisation=self.object,
                step=step,
                new_units=new_units,
                token=form_token(request),
            )
        except reorganisations.PlanError as error:
            step_forms.errors += error.messages
            return self.render_step(step_forms, reorganisation=self.object)
        messages.success(request, _("Đã thêm bước vào kế hoạch."))
        return self.after_save(reorganisation, step_forms)


class StepMixin(DraftMixin):
    """A step of the draft, by its number in the URL (from 1); another number answers 404."""

    def step(self):
        steps = (self.object.plan or {}).get("steps") or []
        number = self.kwargs["number"]
        if not 1 <= number <= len(steps):
            raise Http404
        return number, steps[number - 1]


class AssignView(StepMixin, generic.TemplateView):
    """For a split: choose, model by model, the part that carries it (the suggestion preselected)."""

    template_name = "registry/reorganisation_assign.html"

    def get_form(self, data=None, conflict=False):
        number, step = self.step()
        if step.get("kind") != ChangeKind.SPLIT:
            raise Http404
        rows = reorganisations.split_models(self.object, number)
        names = reorganisations.target_names(step, self.object.plan)
        if data is None and self.request.method == "POST":
            data = self.request.POST
        return AssignForm(data, rows=rows, names=names, reorganisation=self.object, conflict=conflict)

    def get(self, request, *args, **kwargs):
        return self.render_to_response(
            self.get_context_data(form=self.get_form(), number=self.kwargs["number"])
        )

    def post(self, request, *args, **kwargs):
        form = self.get_form()
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form, number=self.kwargs["number"]))
        try:
            drafts.draft_assign(
                user=request.user,
                reorganisation=self.object,
                number=self.kwargs["number"],
                parts=form.parts(),
                version=form.version_sent,
            )
        except services.EditConflict as conflict:
            # The choices typed stay on the page, each beside the part stored now, and the
            # form carries the new version: saving again applies them over the other change.
            self.object = conflict.stored
            data = request.POST.copy()
            data["version"] = conflict.version
            form = self.get_form(data, conflict=True)
            form.is_valid()
            messages.error(request, conflict.messages[0])
            return self.render_to_response(self.get_context_data(form=form, number=self.kwargs["number"]))
        except reorganisations.PlanError as error:
            return self.refused(error)
        messages.success(request, _("Đã lưu đơn vị nhận từng mô hình."))
        return HttpResponseRedirect(self.object.get_absolute_url())


class StepDeleteView(StepMixin, generic.View):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        number, _step = self.step()
        try:
            drafts.draft_remove_step(
                user=request.user,
                reorganisation=self.object,
                number=number,
                fingerprint=request.POST.get("buoc", "")[:16],
            )
        except reorganisations.PlanError as error:
            return self.refused(error)
        messages.success(request, _("Đã xóa bước %(step)s.") % {"step": number})
        return HttpResponseRedirect(self.object.get_absolute_url())


class ReorganisationDeleteView(DraftMixin, generic.TemplateView):
    template_name = "registry/reorganisation_confirm.html"
    extra_context = {"action": "delete"}

    def get_context_data(self, **kwargs):
        return super().get_context_data(object=self.object, **kwargs)

    def post(self, request, *args, **kwargs):
        try:
            drafts.draft_delete(user=request.user, reorganisation=self.object)
        except reorganisations.PlanError as error:
            return self.refused(error)
        messages.success(request, _("Đã xóa bản nháp “%(title)s”.") % {"title": inner(self.object.title)})
        return HttpResponseRedirect(reverse("registry:reorganisation_list"))


class JobView(PlanMixin, generic.TemplateView):
    """Confirm, then apply (or undo) the plan in the task worker; its page follows the progress."""

    template_name = "registry/reorganisation_confirm.html"
    job = ReorganisationJob.APPLYING

    def dispatch(self, request, *args, **kwargs):
        self.require_administrator(request)
        self.object = self.get_object()
        return super().dispatch(request, *args, **kwargs)

    def problems(self):
        if self.object.job:
            return [_("Kế hoạch đang được xử lý, hãy chờ xong.")]
        if self.job == ReorganisationJob.APPLYING:
            errors = reorganisations.check(self.object)
        else:
            errors = reorganisations.undo_blockers(self.object)
        return self.out_of_scope() + errors

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            object=self.object,
            action="apply" if self.job == ReorganisationJob.APPLYING else "undo",
            problems=self.problems(),
            preview=reorganisations.preview(self.object),
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        problems = self.problems()
        if problems:
            for problem in problems:
                messages.error(request, problem)
        elif drafts.job_start(reorganisation=self.object, job=self.job):
            languages.enqueue(tasks.run_reorganisation, self.object.pk, request.user.pk, self.job)
        else:
            messages.warning(request, _("Kế hoạch đã được xử lý."))
        return HttpResponseRedirect(self.object.get_absolute_url())


class ApplyView(JobView):
    job = ReorganisationJob.APPLYING


class UndoView(JobView):
    job = ReorganisationJob.UNDOING
