"""Pages of the intake: the Excel template, upload and preview, a reorganisation plan from a
spreadsheet, year rollover, bulk actions."""

import secrets
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse, HttpResponseRedirect
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.views import generic
from django_htmx.http import HttpResponseClientRefresh

from registry import drafts
from registry import services as registry_services
from registry.filters import RegistrationFilterSet
from registry.models import Decision, Registration
from registry.querysets import CHANGE, VIEW
from registry.reorganisations import PlanError
from registry.views.reorganisations import AdministratorMixin
from worker import languages

from . import jobs, reorganisation, services, tasks, unitimport
from .forms import BulkForm, ReorganisationUploadForm, RolloverConfirmForm, RolloverForm, UploadForm
from .models import BatchStatus, BulkJob, ImportBatch, ImportKind, JobStatus, RowAction
from .template import build_template

ROWS_PER_PAGE = 100
PREVIEW_LIMIT = 200
MAX_LINKED = 200


class ChangerRequiredMixin:
    """The pages that write (upload, template, confirm, rollover, bulk changes) are for users who
    may change some unit: a viewer gets 403, and is not shown their entry points."""

    def dispatch(self, request, *args, **kwargs):
        if not services.may_import(request.user):
            raise PermissionDenied(_("Bạn chỉ có quyền xem: trang này dành cho người được cập nhật dữ liệu."))
        return super().dispatch(request, *args, **kwargs)


class BatchMixin:
    """Imports are the uploader's own: another user's, or an expired one, answers 404."""

    model = ImportBatch

    def get_queryset(self):
        return ImportBatch.objects.restrict(self.request.user).defer("content")


class UploadView(ChangerRequiredMixin, generic.FormView):
    """Download the template, upload a filled file; list the user's pending imports."""

    template_name = "intake/upload.html"
    form_class = UploadForm

    kind = ImportKind.INITIATIVES

    def get_context_data(self, **kwargs):
        batches = ImportBatch.objects.restrict(self.request.user).filter(kind=self.kind).defer("content")
        return super().get_context_data(
            batches=batches[:10], may_import_units=unitimport.may_import_units(self.request.user), **kwargs
        )

    def form_valid(self, form):
        try:
            batch = services.import_create(
                user=self.request.user,
                name=form.cleaned_data["file"].name,
                content=form.content,
                kind=self.kind,
            )
        except ValidationError as error:
            form.add_error("file", error)
            return self.form_invalid(form)
        languages.enqueue(tasks.check_import, batch.pk)
        return HttpResponseRedirect(batch.get_absolute_url())


class UnitImportMixin:
    """The unit sheet is for unit administrators and superusers: anyone else gets 403."""

    def dispatch(self, request, *args, **kwargs):
        if not unitimport.may_import_units(request.user):
            raise PermissionDenied(_("Chỉ quản trị đơn vị được nhập danh sách đơn vị."))
        return super().dispatch(request, *args, **kwargs)


class UnitUploadView(UnitImportMixin, UploadView):
    """Download the unit template, upload a filled one; list the user's pending unit sheets."""

    template_name = "intake/unit_upload.html"
    kind = ImportKind.UNITS


class UnitTemplateView(UnitImportMixin, generic.View):
    def get(self, request):
        response = HttpResponse(
            unitimport.build_template(request.user),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = 'attachment; filename="mau-nhap-don-vi.xlsx"'
        return response


class TemplateDownloadView(ChangerRequiredMixin, generic.View):
    def get(self, request):
        response = HttpResponse(
            build_template(request.user),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = 'attachment; filename="mau-nhap-mo-hinh-dan-van-kheo.xlsx"'
        return response


class BatchDetailView(BatchMixin, generic.DetailView):
    """The preview: counts, problems of the file, and the rows of one kind, page by page."""

    template_name = "intake/batch_detail.html"
    context_object_name = "batch"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        batch = self.object
        counts = batch.counts
        units = batch.kind == ImportKind.UNITS
        show = self.request.GET.get("show")
        if show not in RowAction.values:
            show = RowAction.ERROR if counts.get(RowAction.ERROR) else RowAction.CREATE
        rows = batch.rows.filter(action=show).order_by("number")
        page = Paginator(rows, ROWS_PER_PAGE).get_page(self.request.GET.get("page"))
        context.update(
            show=show,
            page_obj=page,
            tabs=[
                (action, label, counts.get(action, 0))
                for action, label in RowAction.choices
                if not units or action in (RowAction.CREATE, RowAction.ERROR)
            ],
            units=units,
        )
        return context


class BatchProgressView(BatchMixin, generic.DetailView):
    """The progress bar, polled every second; when the work ends the page reloads itself."""

    template_name = "intake/_progress.html"
    context_object_name = "batch"

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        if not self.object.is_running and request.htmx:
            return HttpResponseClientRefresh()
        return self.render_to_response(self.get_context_data(object=self.object))


class BatchConfirmView(ChangerRequiredMixin, BatchMixin, generic.DetailView):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        batch = self.get_object()
        if batch.kind == ImportKind.UNITS and not unitimport.may_import_units(request.user):
            raise PermissionDenied
        if services.import_start(batch=batch):
            languages.enqueue(tasks.run_import, batch.pk)
        else:
            messages.error(
                request, _("Tệp này chưa thể nhập: còn lỗi, không có gì để nhập, hoặc đã nhập rồi.")
            )
        return HttpResponseRedirect(batch.get_absolute_url())


class BatchDeleteView(BatchMixin, generic.DetailView):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        batch = self.get_object()
        if batch.status == BatchStatus.IMPORTING:
            messages.error(request, _("Đang nhập, không hủy được."))
            return HttpResponseRedirect(batch.get_absolute_url())
        batch.delete()
        messages.success(request, _("Đã hủy lần nhập tệp “%(name)s”.") % {"name": batch.file_name})
        return HttpResponseRedirect(batch.upload_url)


# A reorganisation plan from a spreadsheet -----------------------------------------------------


class ReorganisationUploadView(AdministratorMixin, generic.FormView):
    """Upload a filled plan template: every bad cell is listed and nothing saved, else a draft."""

    template_name = "intake/reorganisation_upload.html"
    form_class = ReorganisationUploadForm

    def get_initial(self):
        return {"token": drafts.new_token()}

    def form_valid(self, form):
        data = form.cleaned_data
        plan, problems = reorganisation.read_plan(
            form.content, user=self.request.user, effective_on=data["effective_on"]
        )
        if not problems:
            try:
                draft = drafts.draft_create(
                    user=self.request.user,
                    title=data["title"],
                    effective_on=data["effective_on"],
                    plan=plan,
                    token=data["token"],
                )
            except PlanError as error:
                problems = [{"row": None, "column": "", "cell": "", "message": m} for m in error.messages]
        if problems:
            shown = problems[: reorganisation.MAX_LISTED]
            hidden = len(problems) - len(shown)
            return self.render_to_response(self.get_context_data(form=form, problems=shown, hidden=hidden))
        messages.success(
            self.request,
            _("Đã lập bản nháp “%(title)s” từ tệp “%(name)s”: %(steps)s bước.")
            % {"title": draft.title, "name": data["file"].name, "steps": len(draft.plan["steps"])},
        )
        return HttpResponseRedirect(draft.get_absolute_url())


class ReorganisationTemplateView(AdministratorMixin, generic.View):
    def get(self, request):
        response = HttpResponse(
            reorganisation.build_template(request.user),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = 'attachment; filename="mau-ke-hoach-sap-xep-don-vi.xlsx"'
        return response


# Year rollover ----------------------------------------------------------------------------


class RolloverView(ChangerRequiredMixin, generic.TemplateView):
    """Maintain registrations of year Y in Y + 1, after a preview.

    The registrations come from the list (``?registration=<pk>`` repeated, or the list's filter
    with ``from_list=1``) or from the form on this page (a unit and its subtree, a year).
    """

    template_name = "intake/rollover.html"

    def selection(self):
        """The registrations chosen, less those the reader left out (``leave_out``, ticked in the preview)."""
        chosen = self.chosen()
        if chosen is None:
            return None
        params = self.request.GET if self.request.method == "GET" else self.request.POST
        return chosen.exclude(pk__in=[int(pk) for pk in params.getlist("leave_out") if pk.isdigit()])

    def chosen(self):
        params = self.request.GET if self.request.method == "GET" else self.request.POST
        base = Registration.objects.restrict(self.request.user, CHANGE).alive()
        self.form = RolloverForm(params if "unit" in params else None, user=self.request.user)
        if "registration" in params:
            pks = [int(pk) for pk in params.getlist("registration") if pk.isdigit()]
            return base.filter(pk__in=pks)
        if params.get("from_list"):
            filterset = RegistrationFilterSet(params, queryset=base, request=self.request)
            return filterset.qs if filterset.is_valid() else None
        if self.form.is_bound and self.form.is_valid():
            unit, year = self.form.cleaned_data["unit"], self.form.cleaned_data["year"]
            return base.filter(unit__path__startswith=unit.path, year=year)
        return None

    def hidden_params(self):
        params = self.request.GET if self.request.method == "GET" else self.request.POST
        return [
            (key, value) for key in params for value in params.getlist(key) if key != "csrfmiddlewaretoken"
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        selection = self.selection()
        context.update(form=self.form, confirm_form=kwargs.get("confirm_form") or RolloverConfirmForm())
        if selection is not None:
            create, exist = services.rollover_plan(selection)
            context.update(
                planned=True,
                create=create[:PREVIEW_LIMIT],
                create_count=len(create),
                exist=exist[:PREVIEW_LIMIT],
                exist_count=len(exist),
                hidden=[(k, v) for k, v in self.hidden_params() if k != "registered_on"],
            )
        return context

    def post(self, request, *args, **kwargs):
        selection = self.selection()
        confirm = RolloverConfirmForm(request.POST)
        if selection is None or not confirm.is_valid():
            return self.render_to_response(self.get_context_data(confirm_form=confirm))
        try:
            made = services.rollover(
                user=request.user,
                registrations=selection,
                registered_on=confirm.cleaned_data["registered_on"],
            )
        except ValidationError as error:
            confirm.add_error(None, error)
            return self.render_to_response(self.get_context_data(confirm_form=confirm))
        years = sorted({registration.year for registration in made})
        messages.success(
            request,
            _("Đã đăng ký duy trì %(count)s mô hình cho năm %(years)s.")
            % {"count": len(made), "years": ", ".join(str(year) for year in years) or "—"},
        )
        query = f"?year={years[0]}" if len(years) == 1 else ""
        return HttpResponseRedirect(reverse("registry:registration_list") + query)


# Bulk actions of the model list ----------------------------------------------------------


class BulkActionView(ChangerRequiredMixin, generic.View):
    """Apply an action to the ticked rows of the list, or to all rows matching its filter.

    The filter travels in the query string, exactly as the list received it, so "all rows"
    means the rows the list shows. Changes apply only to rows the user may change.
    """

    http_method_names = ["post"]

    def back(self):
        query = self.request.GET.urlencode()
        return HttpResponseRedirect(reverse("registry:registration_list") + (f"?{query}" if query else ""))

    def post(self, request):
        form = BulkForm(request.POST)
        if not form.is_valid():
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, error)
            return self.back()
        data = form.cleaned_data
        action = data["action"]
        if action == "restore":
            return self.restore(data["undo"])
        base = Registration.objects.restrict(request.user, VIEW).alive()
        if data["scope"] == "all":
            filterset = RegistrationFilterSet(request.GET, queryset=base, request=request)
            if not filterset.is_valid():
                messages.error(request, _("Bộ lọc không hợp lệ."))
                return self.back()
            registrations = filterset.qs
        else:
            registrations = base.filter(pk__in=form.selected)
        count = registrations.count()
        if not count:
            messages.warning(request, _("Không có mô hình nào để thực hiện."))
            return self.back()
        return self.handlers[action](self, registrations, data, count)

    def too_many(self, count):
        messages.error(
            self.request,
            _(
                "Đã đánh dấu %(count)s mô hình; hãy đánh dấu tối đa %(max)s dòng, hoặc chọn “tất cả các "
                "dòng khớp bộ lọc”."
            )
            % {"count": count, "max": MAX_LINKED},
        )
        return self.back()

    def decision(self, registrations, data, count):
        if data["scope"] == "all":
            # The filter travels, not the rows: the decision's page adds all the rows it matches.
            return HttpResponseRedirect(
                reverse("registry:decision_create") + "?" + urlencode({"loc": self.list_query()})
            )
        if count > MAX_LINKED:
            return self.too_many(count)
        pks = registrations.order_by("pk").values_list("pk", flat=True)
        return HttpResponseRedirect(
            reverse("registry:decision_create") + "?" + urlencode([("registration", pk) for pk in pks])
        )

    def rollover(self, registrations, data, count):
        url = reverse("intake:rollover")
        if data["scope"] == "all":
            params = [(k, v) for k in self.request.GET for v in self.request.GET.getlist(k) if k != "page"]
            return HttpResponseRedirect(url + "?" + urlencode([*params, ("from_list", "1")]))
        pks = registrations.values_list("pk", flat=True)
        return HttpResponseRedirect(url + "?" + urlencode([("registration", pk) for pk in pks]))

    def delete(self, registrations, data, count):
        pks = services.registrations_delete(user=self.request.user, registrations=registrations)
        if not pks:
            messages.error(self.request, _("Bạn không có quyền xóa các mô hình đã chọn."))
            return self.back()
        token = secrets.token_urlsafe(8)
        undo = self.request.session.get("intake_undo", {})
        undo = dict(list(undo.items())[-4:])  # keep the last few undos only
        undo[token] = pks
        self.request.session["intake_undo"] = undo
        hidden = format_html_join(
            "",
            '<input type="hidden" name="{}" value="{}">',
            [("csrfmiddlewaretoken", get_token(self.request)), ("action", "restore"), ("undo", token)],
        )
        messages.success(
            self.request,
            format_html(
                '{} <form method="post" action="{}" class="d-inline">{}'
                '<button type="submit" class="btn btn-sm btn-outline-dark ms-2">{}</button></form>',
                _("Đã xóa %(count)s đăng ký mô hình.") % {"count": len(pks)},
                reverse("intake:bulk") + (f"?{self.request.GET.urlencode()}" if self.request.GET else ""),
                hidden,
                _("Hoàn tác"),
            ),
        )
        return self.back()

    def restore(self, token):
        pks = self.request.session.get("intake_undo", {}).pop(token, None)
        self.request.session.modified = True
        if not pks:
            messages.error(self.request, _("Không còn gì để hoàn tác."))
            return self.back()
        restored = services.registrations_restore(user=self.request.user, pks=pks)
        messages.success(self.request, _("Đã khôi phục %(count)s đăng ký mô hình.") % {"count": restored})
        return self.back()

    def list_query(self):
        """The list's filter as it came, less the page number."""
        query = self.request.GET.copy()
        query.pop("page", None)
        return query.urlencode()

    def job(self, registrations, data, count):
        """Preview the count of an action on the rows the user may change; once confirmed, run it."""
        action = data["action"]
        changeable = registrations.restrict(self.request.user, CHANGE)
        total = changeable.count()
        if not total:
            messages.error(self.request, _("Không có mô hình nào bạn được thay đổi trong các dòng đã chọn."))
            return self.back()
        # Confirmed only with the preview's token, so that a confirmation sent twice runs once.
        if not (data["confirm"] and registry_services.valid_token(data["token"])):
            return confirm_page(
                self.request,
                title=dict(BulkForm.ACTIONS)[action],
                details=self.details(data),
                total=total,
                matched=count,
                scope_all=data["scope"] == "all",
                action_url=self.request.get_full_path(),
                back_url=self.back().url,
            )
        parameters = {
            "evaluate": lambda: {
                "evaluation": data["evaluation"],
                "evaluated_on": data["evaluated_on"].isoformat() if data["evaluated_on"] else "",
                "note": data["note"],
            },
            "return": lambda: {"comment": data["comment"]},
            "edit": lambda: {
                "level": data["level"],
                "grade": data["grade"],
                "field": data["field"].pk if data["field"] else None,
            },
        }.get(action, dict)()
        job, created = jobs.job_create(
            user=self.request.user,
            action=action,
            parameters=parameters,
            query=self.list_query(),
            pks=jobs.ordered_pks(changeable),
            token=data["token"],
        )
        return start_job(self.request, job, created, self.back().url)

    def details(self, data):
        """What the action writes, in words, for the confirmation."""
        if data["action"] == "evaluate":
            label = dict(BulkForm.base_fields["evaluation"].choices)[data["evaluation"]]
            day = data["evaluated_on"] or timezone.localdate()
            lines = [
                _("Kết quả: %(label)s, ngày đánh giá %(day)s.") % {"label": label, "day": f"{day:%d/%m/%Y}"}
            ]
            if data["note"]:
                lines.append(_("Nhận xét: %(note)s") % {"note": data["note"]})
            return lines
        if data["action"] == "return":
            return [_("Lý do trả lại: %(comment)s") % {"comment": data["comment"]}]
        if data["action"] == "edit":
            lines = []
            if data["level"]:
                label = dict(BulkForm.base_fields["level"].choices)[data["level"]]
                lines.append(_("Cấp đăng ký mới: %(label)s.") % {"label": label})
            if data["grade"]:
                label = dict(BulkForm.base_fields["grade"].choices)[data["grade"]]
                lines.append(_("Xếp loại mới: %(label)s (cho mọi năm của mô hình).") % {"label": label})
            if data["field"]:
                lines.append(
                    _("Lĩnh vực mới: %(label)s (cho mọi năm của mô hình).") % {"label": data["field"].name}
                )
            lines.append(_("Các dòng đã gửi lên cấp trên của bạn (bị khóa) được bỏ qua."))
            return lines
        return []

    # What each action of the form does to the rows (restore, which needs no rows, aside): an
    # action the form accepts but this table lacks fails its test, not a request.
    handlers = {
        "edit": job,
        "evaluate": job,
        "submit": job,
        "accept": job,
        "return": job,
        "decision": decision,
        "rollover": rollover,
        "delete": delete,
    }


class BulkDecisionView(ChangerRequiredMixin, generic.View):
    """Add to a decision, or remove from it, every row matching the filter of its "Chọn mô hình" page.

    The filter comes in the query string; the count is previewed, then confirmed.
    """

    http_method_names = ["post"]

    def post(self, request, pk):
        decision = get_object_or_404(Decision.objects.restrict(request.user, CHANGE).alive(), pk=pk)
        query = request.GET.urlencode()
        back = reverse("registry:decision_registrations", args=[decision.pk]) + (f"?{query}" if query else "")
        mode = request.POST.get("mode")
        if mode not in ("add", "remove"):
            messages.error(request, _("Thao tác không hợp lệ."))
            return HttpResponseRedirect(back)
        base = Registration.objects.restrict(request.user).alive()
        filterset = RegistrationFilterSet(request.GET, queryset=base, request=request)
        if not filterset.is_valid():
            messages.error(request, _("Bộ lọc không hợp lệ."))
            return HttpResponseRedirect(back)
        matching = filterset.qs
        inside = Decision.registrations.through.objects.filter(decision=decision).values("registration_id")
        rows = matching.exclude(pk__in=inside) if mode == "add" else matching.filter(pk__in=inside)
        total = rows.count()
        if not total:
            messages.warning(request, _("Không có mô hình nào để thực hiện."))
            return HttpResponseRedirect(back)
        if not (request.POST.get("confirm") and registry_services.valid_token(request.POST.get("token"))):
            title = (
                _("Thêm vào quyết định %(ref)s") if mode == "add" else _("Bỏ khỏi quyết định %(ref)s")
            ) % {"ref": decision.reference}
            return confirm_page(
                request,
                title=title,
                details=[],
                total=total,
                matched=total,
                scope_all=True,
                action_url=request.get_full_path(),
                back_url=back,
            )
        job, created = jobs.job_create(
            user=request.user,
            action=jobs.DECISION_ADD if mode == "add" else jobs.DECISION_REMOVE,
            parameters={"decision": decision.pk},
            query=query,
            pks=jobs.ordered_pks(rows),
            token=request.POST.get("token", ""),
        )
        return start_job(request, job, created, back)


def confirm_page(request, *, title, details, total, matched, scope_all, action_url, back_url):
    """The preview of a bulk action: how many rows it will change; the same form sent on confirms."""
    hidden = [
        (key, value)
        for key in request.POST
        for value in request.POST.getlist(key)
        if key not in ("csrfmiddlewaretoken", "confirm", "token")
    ]
    return TemplateResponse(
        request,
        "intake/bulk_confirm.html",
        {
            "title": title,
            "details": details,
            "total": total,
            "outside": max(0, matched - total),
            "scope_all": scope_all,
            "background": total > jobs.inline_rows(),
            "hidden": hidden,
            "token": registry_services.new_token(),
            "action_url": action_url,
            "back_url": back_url,
        },
    )


def start_job(request, job, created, back_url):
    """Run a confirmed job in the request when small, else as a task with a progress page."""
    if not created:
        messages.info(request, _("Thao tác này đã được xác nhận rồi; không thực hiện lần nữa."))
        return HttpResponseRedirect(job.get_absolute_url())
    if job.total > jobs.inline_rows():
        languages.enqueue(tasks.run_bulk_job, job.pk)
        return HttpResponseRedirect(job.get_absolute_url())
    jobs.job_run(job=job)
    say_outcome(request, job)
    return HttpResponseRedirect(back_url)


def say_outcome(request, job):
    if job.status == JobStatus.DONE:
        messages.success(request, job.message)
        return
    for error in job.errors:
        messages.error(request, error)
    messages.warning(request, job.message)


class BulkJobMixin:
    """A bulk job is its user's own: another user's answers 404."""

    model = BulkJob
    context_object_name = "job"

    def get_queryset(self):
        return BulkJob.objects.filter(user=self.request.user).defer("pks")


class BulkJobDetailView(BulkJobMixin, generic.DetailView):
    """The progress of a bulk action run as a task, then its outcome."""

    template_name = "intake/bulkjob_detail.html"

    def get_context_data(self, **kwargs):
        query = self.object.query
        return super().get_context_data(
            list_url=reverse("registry:registration_list") + (f"?{query}" if query else ""), **kwargs
        )


class BulkJobProgressView(BulkJobMixin, generic.DetailView):
    """The progress bar, polled every second; when the job ends the page reloads itself."""

    template_name = "intake/_bulkjob_progress.html"

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        if not self.object.is_running and request.htmx:
            return HttpResponseClientRefresh()
        return self.render_to_response(self.get_context_data(object=self.object))
