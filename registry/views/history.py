"""The history of one record, and the change log across records for administrators."""

import tempfile

from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View, generic

from registry import celltext, changelog, formats, history, review
from registry.forms.changelog import ChangeLogFilterForm
from registry.models import Registration

from .reorganisations import AdministratorMixin


class HistoryView(generic.TemplateView):
    """Who changed what and when, for one object the user may see (deleted ones too).

    A record entered in bulk (the demo, an import of old data) may have no history row yet: the
    page says so. A change of a link (a unit, the registrations a decision covers) names the
    linked records the user may see and only counts the others.
    """

    template_name = "registry/history.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        model = history.HISTORY_MODELS.get(kwargs["model"])
        if model is None:
            raise Http404
        obj = get_object_or_404(model.objects.restrict(self.request.user), pk=kwargs["pk"])
        context.update(
            object=obj,
            entries=history.object_history(obj, self.request.user),
            model_name=model._meta.verbose_name,
            review_steps=review.steps_of(obj) if isinstance(obj, Registration) else [],
        )
        return context


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
