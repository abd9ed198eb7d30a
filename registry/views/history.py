"""The history of one record, and the change log across records for administrators."""

import tempfile

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View, generic

from registry import celltext, changelog, formats, history, reverts, review, services
from registry.forms.changelog import ChangeLogFilterForm
from registry.models import Initiative, Registration

from .reorganisations import AdministratorMixin


class HistoryView(generic.TemplateView):
    """Who changed what and when, for one object the user may see (deleted ones too).

    A record entered in bulk (the demo, an import of old data) may have no history row yet: the
    page says so. A change of a link (a unit, the registrations a decision covers) names the
    linked records the user may see and only counts the others. A model's page also lists the
    review steps of its registrations (submitted, accepted, returned) among its changes.
    """

    template_name = "registry/history.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        model = history.HISTORY_MODELS.get(kwargs["model"])
        if model is None:
            raise Http404
        obj = get_object_or_404(model.objects.restrict(self.request.user), pk=kwargs["pk"])
        entries = history.object_history(obj, self.request.user)
        offer_reverts(self.request.user, obj, entries, kwargs["model"])
        if isinstance(obj, Initiative):
            # Its registrations' review steps read among its changes (a state change is done to them).
            entries = history.with_review_steps(entries, obj, self.request.user)
        context.update(
            object=obj,
            entries=entries,
            model_name=model._meta.verbose_name,
            review_steps=review.steps_of(obj) if isinstance(obj, Registration) else [],
        )
        return context


def offer_reverts(user, obj, entries, slug):
    """Set the "Khôi phục giá trị này" link of each change ``user`` may put back. Two queries at most.

    Offered to those who may edit ``obj`` (alive, not locked by a review above them), for the
    revertible fields a change set, when the value before that change is not the value now.
    """
    model = type(obj)
    if model not in reverts.UPDATE or getattr(obj, "is_deleted", False):
        return
    if not reverts.editable(user, model).filter(pk=obj.pk).exists():
        return
    if isinstance(obj, Registration) and review.is_locked_for(user, obj):
        return
    for entry in entries:
        if entry.action not in (history.CHANGED, history.REVERTED):
            continue
        for change in entry.changes:
            if not reverts.may_revert(model, change.name):
                continue
            f = model._meta.get_field(change.name)
            if getattr(obj, f.attname) != change.old_value:
                change.revert_url = reverse(
                    "registry:history_revert", args=[slug, obj.pk, entry.record.history_id, change.name]
                )


class HistoryRevertView(generic.TemplateView):
    """Confirm, then put one field of a record back to its value before a change of its history.

    Only a record the user may edit, a change of that record's history, and a field that can be
    reverted: anything else answers 404. The write goes through the record's update service.
    """

    template_name = "registry/history_revert.html"

    def dispatch(self, request, *args, **kwargs):
        model = history.HISTORY_MODELS.get(kwargs["model"])
        if model not in reverts.UPDATE:
            raise Http404
        self.object = get_object_or_404(reverts.editable(request.user, model), pk=kwargs["pk"])
        try:
            self.field, self.old, self.record = reverts.find_change(
                self.object, kwargs["history_id"], kwargs["field"]
            )
        except reverts.NotRevertible:
            raise Http404 from None
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        obj, f = self.object, self.field
        names = history.LinkedNames(self.request.user, [(f, self.old), (f, getattr(obj, f.attname))])
        context.update(
            object=obj,
            model_name=obj._meta.verbose_name,
            field_label=f.verbose_name,
            old=names.display(f, self.old),
            current=names.display(f, getattr(obj, f.attname)),
            unchanged=getattr(obj, f.attname) == self.old,
            change_at=self.record.history_date,
            change_by=history.user_label(self.record.history_user),
            version=services.version_of(obj),
            history_url=reverse("registry:history", args=[self.kwargs["model"], obj.pk]),
        )
        return context

    def post(self, request, *args, **kwargs):
        try:
            reverts.history_revert(
                user=request.user,
                obj=self.object,
                history_id=self.record.history_id,
                field=self.field.name,
                version=request.POST.get("version", ""),
            )
        except services.EditConflict:
            messages.error(
                request,
                _(
                    "%(what)s đã được sửa sau khi bạn mở trang này, nên chưa khôi phục gì: hãy xem lại "
                    "giá trị hiện nay bên dưới rồi xác nhận lại."
                )
                % {"what": capfirst(self.object._meta.verbose_name)},
            )
            return self.render_after_refusal()
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
            return self.render_after_refusal()
        messages.success(
            request,
            _("Đã khôi phục “%(field)s” về giá trị trước lần sửa lúc %(moment)s.")
            % {"field": self.field.verbose_name, "moment": formats.moment(self.record.history_date)},
        )
        return HttpResponseRedirect(reverse("registry:history", args=[kwargs["model"], self.object.pk]))

    def render_after_refusal(self):
        self.object = type(self.object)._base_manager.get(pk=self.object.pk)
        return self.render_to_response(self.get_context_data(**self.kwargs))


class ChangeLogMixin(AdministratorMixin):
    """The filter form, read from the query string, over the administrator's scope."""

    def get_form(self):
        return ChangeLogFilterForm(self.request.GET or None, user=self.request.user)


class ChangeLogView(ChangeLogMixin, generic.TemplateView):
    """Every change to units, models, registrations and decisions under the units one administers."""

    template_name = "registry/changelog.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = self.get_form()
        after = changelog.Cursor.parse(self.request.GET.get("sau"))
        entries, following = changelog.page(user=self.request.user, after=after, **form.filters())
        query = self.request.GET.copy()
        query.pop("sau", None)
        context.update(
            form=form,
            entries=entries,
            next_query=_with(query, "sau", following) if following else "",
            first_query=query.urlencode() if after else "",
            export_query=query.urlencode(),
        )
        return context


def _with(query, key, value):
    query = query.copy()
    query[key] = str(value)
    return query.urlencode()


class ChangeLogExportView(ChangeLogMixin, View):
    """The change log's rows under the same filters as a workbook, one line per changed field."""

    HEADERS = [
        (gettext_lazy("Thời điểm"), 17),
        (gettext_lazy("Người thực hiện"), 24),
        (gettext_lazy("Loại bản ghi"), 16),
        (gettext_lazy("Bản ghi"), 40),
        (gettext_lazy("Thao tác"), 22),
        (gettext_lazy("Nội dung"), 28),
        (gettext_lazy("Giá trị cũ"), 32),
        (gettext_lazy("Giá trị mới"), 32),
    ]

    def get(self, request, *args, **kwargs):
        import xlsxwriter

        form = self.get_form()
        entries, truncated = changelog.all_rows(user=request.user, **form.filters())
        output = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it
        workbook = xlsxwriter.Workbook(output, {"constant_memory": True, **celltext.WORKBOOK_OPTIONS})
        styles = celltext.Formats(workbook, {"header": {"bold": True, "bg_color": "#E7E6E6", "border": 1}})
        sheet = workbook.add_worksheet(_("Nhật ký thay đổi")[:31])
        for index, (header, width) in enumerate(self.HEADERS):
            sheet.set_column(index, index, width)
            styles.write_text(sheet, 0, index, str(header), "header")
        sheet.freeze_panes(1, 0)
        row = 0
        for entry in entries:
            lines = [(c.label, c.old, c.new) for c in entry.changes] or [("", "", "")]
            for label, old, new in lines:
                row += 1
                values = [
                    formats.moment(entry.record.history_date),
                    entry.user_label,
                    str(entry.kind_label),
                    entry.label,
                    str(entry.action_label),
                    label,
                    old,
                    new,
                ]
                for index, value in enumerate(values):
                    styles.write_text(sheet, row, index, value)
        if truncated:
            styles.write_text(
                sheet,
                row + 2,
                0,
                _("Chỉ ghi %(limit)s thay đổi mới nhất: hãy lọc theo ngày hoặc đơn vị để tải phần còn lại.")
                % {"limit": formats.grouped(changelog.EXPORT_LIMIT)},
            )
        if row:
            sheet.autofilter(0, 0, row, len(self.HEADERS) - 1)
        workbook.close()
        output.seek(0)
        return FileResponse(
            output,
            as_attachment=True,
            filename=f"nhat-ky-thay-doi-{timezone.localdate():%Y%m%d}.xlsx",
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
