"""The leaders' dashboard, the report tables and the Excel download.

The views only read the picker and arrange what ``reports.selectors`` returns into plain dicts
and lists with their links; every number comes from the selectors and templates never compute.
A root the user may not see (``RootNotFound``) answers 404.
"""

from urllib.parse import quote_plus, urlencode

from django.http import FileResponse, Http404, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views import generic

from registry.choices import Grade, Kind, Level, RegistrationStatus
from registry.measures import MEASURE_PARAMS
from registry.text import fold

from . import cache, quoted, selectors, services, tables
from .forms import ReportFilterForm
from .models import Workbook, WorkbookStatus
from .periods import CURRENT, REPORTED, PeriodKind, Structure


def list_url(params):
    """Return the registration list's URL showing exactly the registrations behind a count."""
    return reverse("registry:registration_list") + "?" + urlencode(params)


def series_rows(series):
    """Return a chart's series as table rows, for the chart's text alternative."""
    return [
        {"label": label, "value": value, "url": url}
        for label, value, url in zip(series["labels"], series["values"], series["urls"], strict=True)
    ]


class ReportMixin:
    """Read the picker; the root comes from the user's scope (404 outside it)."""

    def setup_report(self):
        user = self.request.user
        self.form = ReportFilterForm(self.request.GET)
        try:
            self.root = selectors.report_root(user, self.form.unit_id)
        except selectors.RootNotFound as error:
            raise Http404(str(error)) from error
        self.period = selectors.report_period(user, self.root, self.form)

    def get(self, request, *args, **kwargs):
        self.setup_report()
        return super().get(request, *args, **kwargs)

    def page_url(self, unit_pk, url_name=None, period=None):
        """Return this page (or ``url_name``) for another root, keeping the period.

        The same URL as ``reverse(...) + "?" + urlencode({"unit": unit_pk, **period})``, from
        parts encoded once per page: the picker and the charts link to every unit below.
        """
        parts = self.__dict__.setdefault("_page_parts", {})
        key = (url_name, period)
        if key not in parts:
            params = urlencode((period or self.period).form_params())
            parts[key] = (reverse(url_name or self.url_name) + "?unit=", f"&{params}" if params else "")
        prefix, suffix = parts[key]
        return f"{prefix}{quote_plus(str(unit_pk))}{suffix}"

    def structure_context(self):
        """Say which structure the figures are counted in, and link to the others.

        A closed root is read as it was, or in the structure of a day it was open on.
        """
        period = self.period
        closed = self.root.valid_to is not None
        if period.on is not None:
            others = [] if closed else [CURRENT]
            others.append(REPORTED)
        elif closed:
            others = []
        else:
            others = [REPORTED if period.current else CURRENT]
        return {
            "structure": period.structure_label,
            "structure_current": period.current,
            "structure_on": period.on,
            "structure_note": getattr(self.form, "structure_note", ""),
            "structure_on_errors": self.form.errors.get("structure_on", []),
            "other_structures": [
                {
                    "label": Structure(other).label,
                    "url": self.page_url(self.root.pk, period=period.in_structure(other)),
                }
                for other in others
            ],
            "root_closed": self.root.valid_to,
            "root_successors": list(
                self.root.successions.filter(reorganisation__status="applied")
                .exclude(successor=None)
                .values_list("successor__name", flat=True)
            )
            if closed
            else [],
        }

    def count_url(self, unit_pk, key, value, period=None, **extra):
        """Return the drill-down link of a count, or None for a zero or a root's own row.

        The same URL as ``list_url({"unit": ..., **period, **measure, **extra})``, built from
        parts encoded once per page: a report has a thousand links.
        """
        if not value or unit_pk is None:
            return None
        cache = self.__dict__.setdefault("_url_parts", {})
        base = cache.get((unit_pk, period))
        if base is None:
            params = {"unit": unit_pk, **(period or self.period).list_params()}
            base = cache[(unit_pk, period)] = reverse("registry:registration_list") + "?" + urlencode(params)
        measure = cache.get(key)
        if measure is None:
            measure = cache[key] = urlencode(MEASURE_PARAMS[key])
        url = f"{base}&{measure}" if measure else base
        if not extra:
            return url
        key = tuple(extra.items())
        added = cache.get(key)
        if added is None:
            added = cache[key] = urlencode(extra)
        return f"{url}&{added}"

    def cell_link(self, counts, key, unit_pk, period=None, **extra):
        """Return a table cell: a count and the link to the registrations behind it."""
        value = counts[key]
        return {"value": value, "url": self.count_url(unit_pk, key, value, period, **extra)}

    def picker_context(self, children):
        picker = selectors.picker_units(self.request.user, self.root)
        return {
            "form": self.form,
            "root": self.root,
            "period": self.period,
            "previous_period": self.period.previous(),
            "period_kinds": PeriodKind,
            "ancestors": [{**unit, "url": self.page_url(unit["pk"])} for unit in picker["ancestors"]],
            "own_units": [
                {**unit, "url": self.page_url(unit["pk"])}
                for unit in picker["own"]
                if unit["pk"] != self.root.pk
            ],
            "children": [
                {
                    "name": row["unit"]["name"],
                    "url": self.page_url(row["unit"]["pk"]),
                    "closed": row["unit"]["valid_to"],
                }
                for row in children
                if not row["unit"]["is_root"]
            ],
            "dashboard_url": self.page_url(self.root.pk, "reports:dashboard"),
            "report_url": self.page_url(self.root.pk, "reports:report"),
            "export_url": self.page_url(self.root.pk, "reports:export_xlsx"),
            "builder_url": self.page_url(self.root.pk, "reports:builder"),
            "list_url": list_url({"unit": self.root.pk, **self.period.list_params()}),
            "structure_day_params": [("unit", self.root.pk)]
            + [
                (name, value)
                for name, value in self.period.form_params().items()
                if name not in ("structure", "structure_on")
            ],
            **self.structure_context(),
        }

    def review_states(self, summary):
        """The counts by review state, each linked to its rows, and the drafts (counted or not)."""
        current = summary["current"]
        states = [
            {"label": label, "value": current[key], "url": self.count_url(self.root.pk, key, current[key])}
            for key, label in (
                ("review_submitted", _("đã gửi, chờ xét")),
                ("review_accepted", _("đã tiếp nhận")),
                ("review_returned", _("trả lại để bổ sung")),
            )
        ]
        drafts = selectors.draft_count(self.request.user, self.root, self.period)
        params = {"unit": self.root.pk, **self.period.with_drafts().list_params(), "review_state": "draft"}
        return {
            "states": states,
            "drafts": drafts,
            "drafts_url": list_url(params) if drafts else None,
            "drafts_counted": self.period.drafts,
            "toggle_url": self.page_url(self.root.pk, period=self.period.with_drafts(not self.period.drafts)),
        }

    def quoted_sections(self, summary, fields):
        """The figures reports quote beside the tables (``reports.quoted``), each linked to its rows.

        The dashboard and the report page show the same sections, from the same function.
        """
        user, root, period = self.request.user, self.root, self.period
        found = quoted.sections(summary, selectors.awards(user, root, period), selectors.fields_apart(fields))
        base = {"unit": root.pk, **period.list_params()}

        def line(item):
            url = list_url({**base, **item.params}) if item.params is not None and item.value else None
            return {
                "label": item.label,
                "value": item.value,
                "text": item.text,
                "url": url,
                "parts": [line(part) for part in item.parts],
            }

        return [
            {"key": section.key, "title": section.title, "lines": [line(item) for item in section.lines]}
            for section in found
        ]

    def level_grade_rows(self, summary):
        """Return the table by registration level × grade, for the levels that have registrations."""
        current, by_level_grade = summary["current"], summary["by_level_grade"]
        return [
            {
                "label": level.label,
                "cells": [
                    self.cell_link(by_level_grade, f"level_{level.value}_grade_{grade.value}", self.root.pk)
                    for grade in Grade
                ]
                + [self.cell_link(current, f"level_{level.value}", self.root.pk)],
            }
            for level in Level
            if current[f"level_{level.value}"]
        ]

    def table_rows(self, table, groups):
        """Give each row of the unit table its cells with their drill-down links.

        In today's structure a row that holds former units' figures links to them unfolded.
        """
        columns = tables.columns_of(groups)
        children = [row["unit"] for row in table["rows"] if not row["unit"]["is_root"]]
        # Unfolded in today's structure only: the former units of a past day's are not kept.
        today = self.period.current and self.period.on is None
        unfolding = selectors.branches_with_formers(self.root, children) if today else set()
        rows = []
        for row in table["rows"]:
            unit = row["unit"]
            # The root's own registrations have no list filter of their own ("unit" takes
            # the whole subtree), so their counts are shown without a link.
            pk = None if unit["is_root"] else unit["pk"]
            rows.append(
                {
                    "unit": unit,
                    "url": None if unit["is_root"] else self.page_url(unit["pk"]),
                    "former_url": self.formers_url(unit["pk"], own=unit["is_root"])
                    if unit.get("path") in unfolding or (unit["is_root"] and today)
                    else None,
                    "cells": [self.cell(row, column, pk) for column in columns],
                }
            )
            rows[-1]["cells_html"] = tables.cells_html(rows[-1]["cells"])
        total = {"cells": [self.cell(table["total"], column, self.root.pk) for column in columns]}
        total["cells_html"] = tables.cells_html(total["cells"])
        return rows, total

    def formers_url(self, unit_pk, own=False):
        params = {"unit": unit_pk, "parent": self.root.pk, **self.period.form_params()}
        if own:  # the root's own row: what the root itself carries, not its subtree
            params["own"] = 1
        return reverse("reports:report_formers") + "?" + urlencode(params)

    def cell(self, figures, column, unit_pk, **extra):
        value = tables.value_of(figures, column.key)
        if column.key == tables.CHANGE:
            return {"value": value, "signed": True, "html": tables.number_cell(value, signed=True)}
        url = self.count_url(unit_pk, column.key, value, **extra)
        return {"value": value, "url": url, "html": tables.number_cell(value, url)}

    def field_rows(self, fields, groups):
        columns = tables.columns_of(groups)
        rows = []
        for standard in fields["standards"]:
            rows.append(
                {
                    "name": standard["name"],
                    "standard": True,
                    "cells": [
                        self.field_cell(standard["counts"], c, {"standard_field": standard["key"]})
                        for c in columns
                    ],
                }
            )
            for field in standard["fields"]:
                rows.append(
                    {
                        "name": field["name"],
                        "standard": False,
                        "cells": [
                            self.field_cell(field["counts"], c, {"field": field["pk"]}) for c in columns
                        ],
                    }
                )
        total = {"cells": [self.field_cell(fields["total"], c, {}) for c in columns]}
        for row in [*rows, total]:
            row["cells_html"] = tables.cells_html(row["cells"])
        return rows, total

    def field_cell(self, counts, column, extra):
        value = counts[column.key]
        url = self.count_url(self.root.pk, column.key, value, **extra)
        return {"value": value, "url": url, "html": tables.number_cell(value, url)}


class DashboardView(ReportMixin, generic.TemplateView):
    """Figures, charts and links for a leader's part of the tree."""

    template_name = "reports/dashboard.html"
    url_name = "reports:dashboard"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, root, period = self.request.user, self.root, self.period
        # Everything but the picker and the drafts depends only on the figures, the root and the
        # period: built once with its thousand links and cached with the figures, under the same
        # revision token. Building it took a national dashboard half its time.
        built = cache.cached(user, root, period, "dashboard_view", self.figures_context)
        context.update(self.picker_context(built.pop("unit_rows")))
        context.update(review_states=self.review_states(built["summary"]), **built)
        return context

    def figures_context(self):
        """Return the dashboard's figures, tables and charts, with their links."""
        user, root, period = self.request.user, self.root, self.period
        summary = selectors.summary(user, root, period)
        units = selectors.unit_table(user, root, period)
        fields = selectors.field_table(user, root, period)
        trend = selectors.trend(user, root, period)
        field_groups = tables.field_groups()
        field_rows, field_total = self.field_rows(fields, field_groups)
        return {
            "unit_rows": [{"unit": row["unit"]} for row in units["rows"]],
            "summary": summary,
            "participation_line": tables.participation_text(units, period),
            "cards": self.cards(summary),
            "breakdowns": self.breakdowns(summary["current"]),
            "grades": [grade.label for grade in Grade],
            "level_grade_rows": self.level_grade_rows(summary),
            "quoted_sections": self.quoted_sections(summary, fields),
            "field_groups": field_groups,
            "field_rows": field_rows,
            "field_total": field_total,
            **self.charts(summary["current"], units, fields, trend),
        }

    def cards(self, summary):
        keys = [
            ("total", _("Tổng số mô hình")),
            (Kind.COLLECTIVE.value, _("Tập thể")),
            (Kind.INDIVIDUAL.value, _("Cá nhân")),
            (RegistrationStatus.NEW.value, _("Đăng ký mới")),
            (RegistrationStatus.MAINTAINED.value, _("Duy trì")),
            ("effective", _("Đánh giá hiệu quả")),
            ("recognised", _("Được công nhận")),
            ("commended", _("Được khen thưởng")),
        ]
        return [
            {
                "key": key,
                "label": label,
                "value": summary["current"][key],
                "previous": summary["previous"][key],
                "change": summary["change"][key],
                "decrease": -summary["change"][key],
                "percent": summary["percent"][key],
                "percent_text": tables.percent_text(summary["percent"][key]),
                "url": self.count_url(self.root.pk, key, summary["current"][key]),
            }
            for key, label in keys
        ]

    def breakdowns(self, current):
        def rows(items):
            return [
                {
                    "label": label,
                    "value": current[key],
                    "url": self.count_url(self.root.pk, key, current[key]),
                }
                for key, label in items
            ]

        return [
            {"title": _("Theo xếp loại"), "rows": rows((f"grade_{g.value}", g.label) for g in Grade)},
            {
                "title": _("Công nhận, theo cấp cao nhất"),
                "rows": rows((f"recognised_{lv.value}", lv.label) for lv in Level),
            },
        ]

    def charts(self, current, units, fields, trend):
        """Return the charts' data: labels, values and the URL each bar leads to."""

        def series(items):
            items = list(items)
            return {
                "labels": [str(label) for label, _value, _url in items],
                "values": [value for _label, value, _url in items],
                "urls": [url for _label, _value, url in items],
            }

        root_pk = self.root.pk
        by_field = series(
            (
                s["name"],
                s["counts"]["total"],
                self.count_url(root_pk, f"field_{s['key']}", s["counts"]["total"]),
            )
            for s in fields["standards"]
        )
        status = series(
            (s.label, current[s.value], self.count_url(root_pk, s.value, current[s.value]))
            for s in (RegistrationStatus.NEW, RegistrationStatus.MAINTAINED)
        )
        kind = series(
            (k.label, current[k.value], self.count_url(root_pk, k.value, current[k.value])) for k in Kind
        )
        ranked = sorted(
            (row for row in units["rows"] if not row["unit"]["is_root"]),
            key=lambda row: (-row["current"]["total"], fold(row["unit"]["name"])),
        )
        by_unit = series(
            (row["unit"]["name"], row["current"]["total"], self.page_url(row["unit"]["pk"])) for row in ranked
        )
        trend_measures = [
            (RegistrationStatus.NEW.value, RegistrationStatus.NEW.label),
            (RegistrationStatus.MAINTAINED.value, RegistrationStatus.MAINTAINED.label),
            ("recognised", _("Được công nhận")),
        ]
        trend_points = [
            {
                "label": point["period"].short_label,
                "period": point["period"].label,
                "cells": [
                    self.cell_link(point["counts"], key, root_pk, period=point["period"])
                    for key in ["total"] + [key for key, _label in trend_measures]
                ],
            }
            for point in trend
        ]
        trend_data = {
            "labels": [point["label"] for point in trend_points],
            "datasets": [
                {
                    "key": key,
                    "label": str(label),
                    "values": [point["cells"][index]["value"] for point in trend_points],
                    "urls": [point["cells"][index]["url"] for point in trend_points],
                }
                for index, (key, label) in enumerate(trend_measures, start=1)
            ],
        }
        return {
            "chart_data": {
                "by_field": by_field,
                "status": status,
                "kind": kind,
                "by_unit": by_unit,
                "trend": trend_data,
            },
            "trend_points": trend_points,
            "ranked_units": series_rows(by_unit),
            "status_rows": series_rows(status),
            "kind_rows": series_rows(kind),
        }


class ReportView(ReportMixin, generic.TemplateView):
    """The tables a review conference uses, printable on A4 landscape."""

    template_name = "reports/report.html"
    url_name = "reports:report"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, root, period = self.request.user, self.root, self.period
        units = selectors.unit_table(user, root, period)
        fields = selectors.field_table(user, root, period)
        unit_groups = tables.unit_groups(tables.levels_present(units["total"]["current"]))
        field_groups = tables.field_groups()
        # The rows with their links and cells depend only on the figures, the root and the
        # period: cached with the figures, under the same revision token.
        unit_rows, unit_total = cache.cached(
            user, root, period, "report_unit_rows", lambda: self.table_rows(units, unit_groups)
        )
        field_rows, field_total = cache.cached(
            user, root, period, "report_field_rows", lambda: self.field_rows(fields, field_groups)
        )
        summary = selectors.summary(user, root, period)
        context.update(self.picker_context(units["rows"]))
        context.update(
            grades=[grade.label for grade in Grade],
            level_grade_rows=self.level_grade_rows(summary),
            review_states=self.review_states(summary),
            quoted_sections=cache.cached(
                user, root, period, "report_quoted", lambda: self.quoted_sections(summary, fields)
            ),
            header=selectors.issuing_header(root),
            today=timezone.localdate(),
            report_docx_url=self.page_url(root.pk, "reports:report_docx"),
            participation_line=tables.participation_text(units, period),
            unit_groups=unit_groups,
            unit_column_count=2 + len(tables.columns_of(unit_groups)),
            unit_rows=unit_rows,
            unit_total=unit_total,
            field_groups=field_groups,
            field_rows=field_rows,
            field_total=field_total,
            participation=units["participation"],
        )
        return context


class FormerUnitsView(ReportMixin, generic.TemplateView):
    """Today's unit unfolded to the former units whose figures it holds, in today's structure.

    Asked by a row of the report's table (htmx: the rows go under it, in the table's columns,
    those of ``parent``) or opened as a page of its own.
    """

    template_name = "reports/former_units.html"
    url_name = "reports:report_formers"

    def setup_report(self):
        super().setup_report()
        if self.root.valid_to is not None:
            raise Http404(_("Đơn vị đã thôi hoạt động không còn giữ số liệu của đơn vị nào."))
        self.period = self.period.in_structure(CURRENT)
        self.parent = None
        parent = self.request.GET.get("parent", "")
        if parent.isdecimal() and int(parent) != self.root.pk:
            try:
                self.parent = selectors.report_root(self.request.user, int(parent))
            except selectors.RootNotFound:
                self.parent = None

    def get_template_names(self):
        return ["reports/_former_rows.html"] if self.request.htmx else [self.template_name]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, unit, period = self.request.user, self.root, self.period
        # The columns of the table the rows go into: the levels present in its total.
        table_root = self.parent or unit
        totals = selectors.unit_table(user, table_root, period)["total"]["current"]
        groups = tables.unit_groups(tables.levels_present(totals))
        columns = tables.columns_of(groups)
        own = self.request.GET.get("own") == "1"
        rows = []
        for row in selectors.former_table(user, unit, period, own=own):
            former = row["unit"]
            as_it_was = period.in_structure(REPORTED)
            # The rows of a root's own row have no list filter of their own: no links.
            rows.append(
                {
                    "unit": former,
                    "url": self.page_url(former["pk"], "reports:report", as_it_was)
                    if former["former"]
                    else None,
                    "cells": [
                        self.cell(row, column, None if own else unit.pk, registered_in=former["pk"])
                        for column in columns
                    ],
                }
            )
        context.update(
            root=unit,
            period=period,
            rows=rows,
            unit_groups=groups,
            unit_column_count=2 + len(columns),
            total=None
            if own
            else {"cells": [self.cell(selectors.summary(user, unit, period), c, unit.pk) for c in columns]},
            report_url=self.page_url(table_root.pk, "reports:report"),
            table_root=table_root,
            **self.structure_context(),
        )
        return context


class ExportView(ReportMixin, generic.View):
    """Ask for the yearly summary workbook of the root unit and period, as the report page shows it.

    The worker makes it (a national list takes minutes); the page it leads to shows the progress
    and then the download link.
    """

    def get(self, request, *args, **kwargs):
        """The address opened directly (a bookmark, a copied link): the report page it was asked from."""
        query = request.GET.urlencode()
        return HttpResponseRedirect(reverse("reports:report") + (f"?{query}" if query else ""))

    def post(self, request, *args, **kwargs):
        self.setup_report()
        workbook = services.workbook_request(user=request.user, root=self.root, period=self.period)
        return HttpResponseRedirect(workbook.get_absolute_url())


class WorkbookDetailView(generic.DetailView):
    """A workbook being made, with its progress (polled by htmx), then its download link."""

    template_name = "reports/workbook_detail.html"
    context_object_name = "workbook"

    def get_queryset(self):
        return Workbook.objects.restrict(self.request.user)

    def get_template_names(self):
        if self.request.htmx:
            return ["reports/_workbook_progress.html"]
        return [self.template_name]


class WorkbookDownloadView(generic.DetailView):
    def get_queryset(self):
        return Workbook.objects.restrict(self.request.user).filter(status=WorkbookStatus.DONE)

    def get(self, request, *args, **kwargs):
        workbook = self.get_object()
        return FileResponse(
            workbook.file.open("rb"),
            as_attachment=True,
            filename=slugify(fold(f"bao cao dan van kheo {workbook.title}")) + ".xlsx",
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
