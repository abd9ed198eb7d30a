"""The figures page and the workbook of a group of units (cụm thi đua, khối thi đua).

As the report pages do, the views only read the picker and give each count of
``reports.groups`` its drill-down link: a member's counts lead to the registrations of its
subtree (``unit``), the group's to those of all its members (``group``).
"""

from urllib.parse import urlencode

from django.http import FileResponse
from django.urls import reverse
from django.utils.text import slugify
from django.views import generic

from registry.measures import MEASURE_PARAMS
from registry.text import fold

from . import groupexports, groups, tables
from .forms import ReportFilterForm
from .views import list_url


class GroupReportMixin:
    """Read the group (404 unless the user sees every member) and the period from the picker."""

    def setup_group(self, pk):
        user = self.request.user
        self.group = groups.group_of(user, pk)
        self.form = ReportFilterForm(self.request.GET)
        self.period = groups.group_period(user, self.group, self.form)

    def page_params(self):
        params = self.period.form_params()
        params.pop("structure", None)  # a group is always counted as reported
        return params


class GroupReportView(GroupReportMixin, generic.TemplateView):
    """The group's summary figures, its table by member with participation, and the links to its rows."""

    template_name = "reports/group_report.html"

    def get(self, request, *args, **kwargs):
        self.setup_group(kwargs["pk"])
        return super().get(request, *args, **kwargs)

    def count_url(self, filters, key, value, period=None):
        """Return the registration list showing exactly the rows of a count, or None for a zero."""
        if not value:
            return None
        params = {**filters, **(period or self.period).list_params(), **MEASURE_PARAMS[key]}
        return list_url(params)

    def cell(self, figures, column, filters):
        value = tables.value_of(figures, column.key)
        if column.key == tables.CHANGE:
            return {"value": value, "html": tables.number_cell(value, signed=True)}
        url = self.count_url(filters, column.key, value)
        return {"value": value, "url": url, "html": tables.number_cell(value, url)}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, group, period = self.request.user, self.group, self.period
        table = groups.group_unit_table(user, group, period)
        summary = groups.group_summary(user, group, period)
        whole = {"group": group.pk}
        unit_groups = tables.unit_groups(tables.levels_present(table["total"]["current"]))
        columns = tables.columns_of(unit_groups)
        # A member's own report, as reported too: its row here equals its total there.
        report = reverse("reports:report")
        rows = [
            {
                "unit": row["unit"],
                "url": f"{report}?{urlencode({'unit': row['unit']['pk'], **period.form_params()})}",
                "cells": [self.cell(row, column, {"unit": row["unit"]["pk"]}) for column in columns],
            }
            for row in table["rows"]
        ]
        lines = groups.summary_lines(summary)
        for line in lines:
            if line["is_sum"]:  # the results summed have no rows of their own
                line["url"] = line["previous_url"] = None
                continue
            line["url"] = self.count_url(whole, line["key"], line["current"])
            line["previous_url"] = self.count_url(whole, line["key"], line["previous"], period.previous())
        query = urlencode(self.page_params())
        context.update(
            group=group,
            form=self.form,
            period=period,
            previous_period=period.previous(),
            summary=summary,
            summary_lines=lines,
            unit_groups=unit_groups,
            unit_column_count=2 + len(columns),
            unit_rows=rows,
            unit_total={"cells": [self.cell(table["total"], column, whole) for column in columns]},
            participation=table["participation"],
            participation_line=groups.participation_text(table, period),
            closed_members=[row["unit"] for row in table["rows"] if row["unit"]["valid_to"]],
            list_url=list_url({**whole, **period.list_params()}),
            export_url=reverse("reports:group_xlsx", args=[group.pk]) + f"?{query}",
        )
        return context


class GroupWorkbookView(GroupReportMixin, generic.View):
    """The group's workbook: the summary and the table by member, as the page shows them.

    A few rows whatever the group's size: made in the request, not by the worker.
    """

    def get(self, request, pk):
        self.setup_group(pk)
        output = groupexports.group_workbook(request.user, self.group, self.period)
        name = slugify(fold(f"{self.group.name} {self.period.label}")) or "cum-khoi"
        return FileResponse(
            output,
            as_attachment=True,
            filename=f"{name}.xlsx",
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
