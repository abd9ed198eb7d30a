"""The table builder's pages: the table with its drill-down links, its download, its saved tables.

Every number comes from ``builder.build``; the view only turns each cell's list parameters into
a link. The saved tables are written through ``services``.
"""

from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views import generic

from registry import services as registry_services
from registry.models import Unit
from registry.querysets import CHANGE
from registry.scope import scope_of
from registry.text import fold
from registry.views.mixins import EditConflictMixin, UserFormKwargsMixin

from . import builder, exports, services
from .forms import LayoutForm, SavedTableForm
from .models import SavedTable
from .periods import CURRENT, REPORTED
from .views import ReportMixin, list_url


def builder_url(params, unit_pk=None):
    query = {**({"unit": unit_pk} if unit_pk else {}), **params}
    return reverse("reports:builder") + "?" + urlencode(query)


class BuilderMixin(ReportMixin):
    """Read the picker and the layout; count the table (or say why not)."""

    url_name = "reports:builder"

    def setup_report(self):
        super().setup_report()
        if self.period.on is not None:
            # The builder groups by the units' paths: it counts in today's structure or as reported.
            self.form.structure_note = _(
                "Bảng tùy chọn tính theo tổ chức hiện nay hoặc như đã báo cáo, "
                "không theo tổ chức tại một ngày."
            )
            # A unit closed today carries nothing on: it is read as it was.
            self.period = self.period.in_structure(REPORTED if self.root.valid_to else CURRENT)
        self.layout_form = LayoutForm(self.request.GET)
        self.table, self.error = None, None
        try:
            self.table = builder.build(self.request.user, self.root, self.period, self.layout_form.layout())
        except builder.BuilderError as error:
            self.error = str(error)

    def page_url(self, unit_pk, url_name=None, period=None):
        """This page for another root or period keeps the layout; the other pages do not need it."""
        url = super().page_url(unit_pk, url_name, period)
        if url_name in (None, self.url_name):
            url += "&" + urlencode(self.layout_form.params())
        return url

    def query_params(self):
        """The builder's parameters of the table shown: the period's and the layout's."""
        return {**self.period.form_params(), **self.layout_form.params()}


class BuilderView(BuilderMixin, generic.TemplateView):
    """Build a table of counts or sums by the dimensions chosen, with totals and drill-down links."""

    template_name = "reports/builder.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, root = self.request.user, self.root
        children = [
            {"unit": {"name": unit["name"], "pk": unit["pk"], "valid_to": unit["valid_to"], "is_root": False}}
            for unit in Unit.objects.restrict(user)
            .filter(path__startswith=root.path, depth=root.depth + 1)
            .values("pk", "name", "valid_to")
            .order_by("path")
        ]
        context.update(self.picker_context(children))
        may_share = scope_of(user).covers(root, CHANGE)
        query = urlencode(self.query_params())
        saved = list(SavedTable.objects.visible_to(user).filter(unit=root).select_related("created_by"))
        opened = self.request.GET.get("bang", "")
        context.update(
            layout_form=self.layout_form,
            table=self.linked(self.table) if self.table else None,
            description=builder.describe(self.table) if self.table else "",
            error=self.error,
            xlsx_url=reverse("reports:builder_xlsx")
            + "?"
            + urlencode({"unit": root.pk, **self.query_params()}),
            saved_tables=[
                {
                    "table": table,
                    "url": table.get_absolute_url(),
                    "mine": table.created_by_id == user.pk,
                    "opened": str(table.pk) == opened,
                    "edit_url": reverse("reports:savedtable_update", args=[table.pk])
                    + "?"
                    + urlencode({"loc": query}),
                }
                for table in saved
            ],
            save_form=SavedTableForm(user=user, may_share=may_share, initial={"name": ""}),
            save_query=query,
        )
        return context

    def linked(self, table):
        """Give every cell with registrations behind it the link to the list that shows them."""
        for row in table["rows"]:
            for cell in [*row["cells"], *([row["total"]] if row["total"] else [])]:
                cell["url"] = list_url(cell["params"]) if cell["params"] else None
        for column in table["columns"]:
            column["total"]["url"] = (
                list_url(column["total"]["params"]) if column["total"]["params"] else None
            )
        total = table["total"]
        total["url"] = list_url(total["params"]) if total["params"] else None
        return table


class BuilderExportView(BuilderMixin, generic.View):
    """The same table as an Excel workbook."""

    def get(self, request, *args, **kwargs):
        self.setup_report()
        if self.table is None:
            messages.error(request, self.error)
            return HttpResponseRedirect(self.page_url(self.root.pk))
        output = exports.builder_workbook(self.table, self.root, self.period)
        name = slugify(fold(f"bang tuy chon {self.root.name} {self.period.label}")) + ".xlsx"
        return FileResponse(
            output,
            as_attachment=True,
            filename=name,
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )


class SavedTableCreateView(generic.View):
    """Save the table shown under a name, for the unit shown (the same form sent twice: one table)."""

    http_method_names = ["post"]

    def post(self, request):
        token = registry_services.valid_token(request.POST.get("token"))
        existing = SavedTable.objects.filter(form_token=token).first() if token else None
        if existing is not None:
            return HttpResponseRedirect(existing.get_absolute_url())
        unit_id = request.POST.get("unit", "")
        unit = get_object_or_404(
            Unit.objects.restrict(request.user), pk=unit_id if unit_id.isdecimal() else 0
        )
        params = QueryDict(request.POST.get("query", "")[:2000])
        may_share = scope_of(request.user).covers(unit, CHANGE)
        form = SavedTableForm(request.POST, user=request.user, may_share=may_share)
        back = builder_url(services.table_params(params), unit.pk)
        if not form.is_valid():
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, error)
            return HttpResponseRedirect(back)
        try:
            table = services.saved_table_create(
                user=request.user,
                unit=unit,
                name=form.cleaned_data["name"],
                params=params,
                shared=form.cleaned_data.get("shared", False),
                token=form.token,
            )
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
            return HttpResponseRedirect(back)
        messages.success(request, _("Đã lưu bảng “%(name)s”.") % {"name": table.name})
        return HttpResponseRedirect(table.get_absolute_url())


class OwnTableMixin:
    """A saved table is renamed or deleted by its author only: another's answers 404."""

    model = SavedTable

    def get_queryset(self):
        return SavedTable.objects.filter(created_by=self.request.user).select_related("unit")


class SavedTableUpdateView(OwnTableMixin, UserFormKwargsMixin, EditConflictMixin, generic.UpdateView):
    """Rename a saved table, share it or not, and replace it with the table being viewed if asked."""

    form_class = SavedTableForm
    template_name = "reports/savedtable_form.html"

    def get_form_kwargs(self):
        may_share = scope_of(self.request.user).covers(self.object.unit, CHANGE)
        return {**super().get_form_kwargs(), "may_share": may_share}

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        if self.replacement():
            form.fields["replace"] = forms.BooleanField(label=_("Thay bằng bảng đang xem"), required=False)
            form.fields["replace"].widget.attrs["class"] = "form-check-input"
        return form

    def replacement(self):
        """The builder's parameters of the table viewed when the page was opened (``?loc=``), if any."""
        params = services.table_params(QueryDict(self.request.GET.get("loc", "")[:2000]))
        return params if params.get("rows") else None

    def save(self, form):
        replace = form.cleaned_data.get("replace")
        return services.saved_table_update(
            user=self.request.user,
            table=form.instance,
            version=form.version,
            params=self.replacement() if replace else None,
        )

    def get_success_url(self):
        return self.object.get_absolute_url()

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "back_url": self.object.get_absolute_url()}


class SavedTableDeleteView(OwnTableMixin, generic.View):
    http_method_names = ["post"]

    def post(self, request, pk):
        table = get_object_or_404(self.get_queryset(), pk=pk)
        back = builder_url(table.params, table.unit_id)
        try:
            services.saved_table_delete(user=request.user, table=table)
        except ValidationError as error:
            add_errors_to_messages(request, error)
            return HttpResponseRedirect(back)
        messages.success(request, _("Đã xóa bảng “%(name)s”.") % {"name": table.name})
        return HttpResponseRedirect(back)


def add_errors_to_messages(request, error):
    for message in error.messages:
        messages.error(request, message)
