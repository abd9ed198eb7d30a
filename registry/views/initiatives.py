"""Initiatives (mô hình), their yearly registrations and attachments."""

import heapq

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views import generic
from django_filters.views import FilterView

from registry import exports, lists, review, rules, scoring, services
from registry.choices import Evaluation, Grade, Level
from registry.filters import RegistrationFilterSet
from registry.formats import inner
from registry.forms import AttachmentForm, InitiativeCreateForm, InitiativeForm, RegistrationForm, add_errors
from registry.models import Attachment, Decision, Field, Initiative, Registration, ReviewStep, SavedFilter
from registry.querysets import CHANGE, VIEW
from registry.scope import scope_of
from registry.text import fold, widen_search

from ..listcount import DEFAULT_ORDER, list_count
from .mixins import (
    CanChangeMixin,
    CreateOnceMixin,
    EditConflictMixin,
    RestoreMixin,
    ScopedMixin,
    SoftDeleteMixin,
    UserFormKwargsMixin,
)

# What a row of the model list shows besides the registration.
LIST_JOINS = ("initiative__field", "unit")
# The page sizes a reader may choose, and the columns whose header sorts the list (the sorts
# of the filter's ``o``; only the year walks an index, the others sort the matching rows).
PAGE_SIZES = (25, 50, 100)
SORTABLE = ("year", "name", "unit")


class CountedPaginator(Paginator):
    """A paginator given its count, so that it does not count the rows itself."""

    def __init__(self, object_list, per_page, *, count, rows, keys=None, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.known_count = count
        self.rows = rows  # the rows to read a page's ids from, with their joins and no filter
        self.keys = keys  # every row's (year, id) in no order, when already read

    @cached_property
    def count(self):
        return self.known_count

    def page(self, number):
        """Find the page's ids on the registrations alone, then read those rows with their joins.

        A deep page skips its offset along an index instead of joining every skipped row.
        """
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        if self.keys is not None:
            # Newest first (by year, then id): on the first pages, only the rows down to the page
            # are ordered.
            if top * 4 < len(self.keys):
                newest = heapq.nlargest(top, self.keys)
            else:
                newest = sorted(self.keys, reverse=True)
            ids = [pk for _year, pk in newest[bottom:top]]
        else:
            ids = list(self.object_list.values_list("pk", flat=True)[bottom:top])
        # The ids passed the filters and the scope: the search is not run a second time.
        found = {row.pk: row for row in self.rows.filter(pk__in=ids)}
        return self._get_page([found[pk] for pk in ids if pk in found], number, self)


class RegistrationRowsMixin(ScopedMixin):
    """The rows of the model list: the user's scope, the list's FilterSet, newest first."""

    model = Registration
    filterset_class = RegistrationFilterSet

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related(*LIST_JOINS)
            # Newest first, along the (year, id) index: no sort of the whole list.
            .order_by(*DEFAULT_ORDER)
        )


class RegistrationExportView(RegistrationRowsMixin, FilterView):
    """Download the rows the list shows for the same query string (same FilterSet, same order), all pages.

    The file holds every column of the spreadsheet format (``exports.COLUMNS``), whichever
    columns the screen shows, so that it can be uploaded again.
    """

    formats = {"xlsx": exports.xlsx_response, "csv": exports.csv_response}

    def get(self, request, *args, **kwargs):
        export = self.formats.get(kwargs["format"])
        if export is None:
            raise Http404
        # The same steps as FilterView.get, without the page: an invalid filter exports nothing.
        filterset = self.get_filterset(self.get_filterset_class())
        valid = not filterset.is_bound or filterset.is_valid() or not self.get_strict()
        queryset = filterset.qs if valid else filterset.queryset.none()
        filename = f"danh-sach-mo-hinh-{timezone.localdate():%Y%m%d}"
        return export(queryset, filename)


class RegistrationListView(RegistrationRowsMixin, FilterView):
    """The model list: one row per initiative and year, filtered, sorted, paginated.

    The columns are those the user chose (``registry.lists``). The download is
    ``registry:registration_export``, with the same query string; an old ``?export=`` link
    leads there. The bulk actions post to ``intake:bulk`` with the same filter in the query
    string.
    """

    template_name = "registry/registration_list.html"
    paginate_by = 50
    list_size = None  # the number of rows, once counted

    def get(self, request, *args, **kwargs):
        export = request.GET.get("export", "")
        if export in RegistrationExportView.formats:
            query = request.GET.copy()
            query.pop("export")
            url = reverse("registry:registration_export", args=[export])
            return HttpResponseRedirect(url + (f"?{query.urlencode()}" if query else ""))
        response = super().get(request, *args, **kwargs)
        return self.widened(request) or response

    def widened(self, request):
        """Redirect a search that found nothing to the same search with its last word as a prefix.

        Whole words keep a search precise ("hoa" does not find every "hoạt động"), but a last
        word typed in part ("nguy" for "Nguyễn") would find nothing: it is widened, said so,
        and the address shows the ``*`` the reader can type themselves.
        """
        query = request.GET.get("q", "")
        wider = widen_search(query)
        if (
            self.list_size != 0
            or wider is None
            or not self.filterset.is_valid()  # nothing listed for another reason: the form says it
            or not Initiative.objects.matches_whole_words()
        ):
            return None
        last_word = [word for word in query.split() if fold(word)][-1]
        messages.info(
            request,
            _(
                "Không có mô hình nào chứa đủ các từ “%(query)s”: dưới đây là các mô hình "
                "có từ bắt đầu bằng “%(word)s”."
            )
            % {"query": query.strip(), "word": last_word},
        )
        params = request.GET.copy()
        params["q"] = wider
        params.pop("page", None)
        return HttpResponseRedirect(f"{request.path}?{params.urlencode()}")

    def get_paginate_by(self, queryset):
        """The page size the reader chose (``?per_page=``) among ``PAGE_SIZES``, else the default."""
        chosen = self.request.GET.get("per_page", "")
        return int(chosen) if chosen in {str(size) for size in PAGE_SIZES} else self.paginate_by

    def sort_headers(self):
        """For each sortable column, the link that sorts by it and its state (``aria-sort``).

        The sorts are those of the filter's ``o`` (year, name, unit); without one the list is
        newest first, that is by year descending.
        """
        current = self.request.GET.get("o", "") or "-year"
        headers = {}
        for key in SORTABLE:
            state = {key: "ascending", f"-{key}": "descending"}.get(current)
            query = self.request.GET.copy()
            query.pop("page", None)
            query.pop("export", None)
            query["o"] = f"-{key}" if state == "ascending" else key
            headers[key] = {"url": f"?{query.urlencode()}", "state": state}
        return headers

    def get_paginator(self, queryset, per_page, **kwargs):
        filterset = self.filterset
        if not filterset.is_bound:
            cleaned = {}
        else:
            cleaned = filterset.form.cleaned_data if filterset.is_valid() else None
        count, self.count_capped, keys = list_count(self.request.user, cleaned, queryset)
        self.list_size = count
        rows = Registration.objects.select_related(*LIST_JOINS)
        return CountedPaginator(queryset, per_page, count=count, rows=rows, keys=keys, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.request.GET.copy()
        query.pop("page", None)
        query.pop("export", None)
        context["query_string"] = query.urlencode()
        # A drill-down from a former unit's row: say so, and how to widen it again.
        registered_in = (
            self.filterset.form.cleaned_data.get("registered_in") if self.filterset.is_bound else None
        )
        if registered_in:
            query.pop("registered_in", None)
            context["registered_in"] = {"unit": registered_in, "without": query.urlencode()}
        group = self.filterset.form.cleaned_data.get("group") if self.filterset.is_bound else None
        if group:
            without = self.request.GET.copy()
            for name in ("page", "export", "group"):
                without.pop(name, None)
            context["in_group"] = {"group": group, "without": without.urlencode()}
        if self.filterset.is_bound and self.filterset.form.cleaned_data.get("own_units"):
            without = self.request.GET.copy()
            for name in ("page", "export", "own_units"):
                without.pop(name, None)
            context["own_units"] = {"without": without.urlencode()}
        context["count_capped"] = self.count_capped
        context["saved_filters"] = list(
            SavedFilter.objects.visible_to(self.request.user).only("pk", "name", "query", "user_id")
        )
        headers = self.sort_headers()
        context["sort_headers"] = headers
        chosen = lists.columns_of(self.request.user)
        context["columns"] = [{"column": column, "header": headers.get(column.sort)} for column in chosen]
        size_query = self.request.GET.copy()
        size_query.pop("page", None)
        size_query.pop("per_page", None)
        size_query.pop("export", None)
        context["page_sizes"] = {
            "sizes": PAGE_SIZES,
            "hidden": list(size_query.lists()),
            "current": self.get_paginate_by(None),
        }
        # Whether to offer the bulk actions; the actions themselves restrict to CHANGE again.
        context["can_change"] = scope_of(self.request.user).may_change_anything()
        # The rows of this page the user may change (their units are joined: no query): a
        # checkbox and an edit button on those only.
        scope = scope_of(self.request.user)
        context["changeable"] = {
            row.pk
            for row in context["object_list"]
            if context["can_change"] and scope.covers(row.unit, CHANGE)
        }
        context["rows_html"] = [
            lists.row_html(
                registration, chosen, can_change=context["can_change"], changeable=context["changeable"]
            )
            for registration in context["object_list"]
        ]
        context["bulk_fields"] = Field.objects.active()
        context["bulk_grades"] = Grade.choices
        context["bulk_levels"] = Level.choices
        context["bulk_evaluations"] = [
            (e.value, e.label) for e in (Evaluation.EFFECTIVE, Evaluation.NOT_EFFECTIVE)
        ]
        return context


class InitiativeCreateView(UserFormKwargsMixin, CreateOnceMixin, generic.CreateView):
    model = Initiative
    form_class = InitiativeCreateForm
    template_name = "registry/initiative_form.html"

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            self.object = services.initiative_create(
                user=self.request.user,
                initiative=form.instance,
                year=data["year"],
                registered_on=data["registered_on"],
                level=data["level"],
                status=data["status"],
                entered_late=data["entered_late"],
                token=form.token,
            )
        except ValidationError as error:  # a rule the form could not see yet (a concurrent change)
            add_errors(form, error)
            return self.form_invalid(form)
        name = inner(self.object.name)
        messages.success(self.request, _("Đã đăng ký mô hình “%(name)s”.") % {"name": name})
        return HttpResponseRedirect(self.object.get_absolute_url())


RESULT_FIELDS = ("people_reached", "money_mobilised", "workdays")


def results_total(registrations):
    """Sum each result over the years that report it; None when no year does (nothing to show)."""
    totals = {}
    for name in RESULT_FIELDS:
        values = [getattr(r, name) for r in registrations if getattr(r, name) is not None]
        totals[name] = sum(values) if values else None
    return totals if any(value is not None for value in totals.values()) else None


class InitiativeDetailView(ScopedMixin, CanChangeMixin, generic.DetailView):
    model = Initiative

    def get_queryset(self):
        user = self.request.user
        registrations = (
            Registration.objects.restrict(user)
            .filter(is_deleted=False)
            .select_related("unit", "reviewer", "campaign__unit")
            .annotate(**scoring.score_columns())
            .prefetch_related(
                Prefetch(
                    "review_steps",
                    queryset=ReviewStep.objects.select_related("unit", "user").order_by("at", "pk"),
                ),
                Prefetch(
                    "decisions",
                    queryset=Decision.objects.restrict(user)
                    .alive()
                    .select_related("award_form", "issuing_unit"),
                ),
            )
            .order_by("-year")
        )
        return (
            super()
            .get_queryset()
            .select_related("unit", "field")
            .prefetch_related(
                Prefetch("registrations", queryset=registrations),
                Prefetch("attachments", queryset=Attachment.objects.order_by("-uploaded_at")),
            )
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        registrations = self.object.registrations.all()
        years = [r.year for r in registrations]
        context["results_total"] = results_total(registrations)
        for registration in registrations:
            if registration.campaign_id:  # the review of a campaign's registration
                registration.review_history = list(registration.review_steps.all())
                registration.review_actions = review.next_actions(self.request.user, registration)
        context["next_year"] = max([*years, timezone.localdate().year - 1]) + 1
        context["replications"] = (
            self.object.replications.restrict(self.request.user).alive().select_related("unit")
        )
        # The model this one copies, only if the user may see it: else the page says only that it
        # is a model of another unit, without its name.
        context["replicated_from"] = (
            Initiative.objects.restrict(self.request.user)
            .alive()
            .select_related("unit")
            .filter(pk=self.object.replicates_id)
            .first()
            if self.object.replicates_id
            else None
        )
        return context


class InitiativeUpdateView(ScopedMixin, UserFormKwargsMixin, EditConflictMixin, generic.UpdateView):
    model = Initiative
    form_class = InitiativeForm
    action = CHANGE

    def save(self, form):
        return services.initiative_update(
            user=self.request.user, initiative=form.instance, version=form.version
        )


class InitiativeDeleteView(ScopedMixin, SoftDeleteMixin, generic.DetailView):
    model = Initiative
    action = CHANGE
    restore_url_name = "registry:initiative_restore"

    def get_success_url(self):
        return reverse("registry:registration_list")


class InitiativeRestoreView(RestoreMixin, ScopedMixin, generic.DetailView):
    model = Initiative
    action = CHANGE


class InitiativeChildMixin:
    """Views on something that belongs to an initiative the user may change."""

    def dispatch(self, request, *args, **kwargs):
        self.initiative = get_object_or_404(
            Initiative.objects.restrict(request.user, CHANGE).alive(), pk=kwargs["initiative_pk"]
        )
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(initiative=self.initiative, **kwargs)

    def get_success_url(self):
        return self.initiative.get_absolute_url()


class RegistrationCreateView(InitiativeChildMixin, UserFormKwargsMixin, CreateOnceMixin, generic.CreateView):
    """Register an initiative for another year (maintain it, or enter a past year late)."""

    model = Registration
    form_class = RegistrationForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "initiative": self.initiative}

    def get_initial(self):
        latest = self.initiative.registrations.filter(is_deleted=False).order_by("-year").first()
        year = self.request.GET.get("year")
        year = (
            int(year)
            if year and year.isdecimal()
            else (latest.year + 1 if latest else timezone.localdate().year)
        )
        return {
            "year": year,
            "unit": latest.unit_id if latest else self.initiative.unit_id,
            "level": latest.level if latest else None,
            "registered_on": (
                rules.registration_day(year)
                if rules.FIRST_YEAR <= year <= rules.LAST_YEAR
                else timezone.localdate()
            ),
        }

    def form_valid(self, form):
        try:
            self.object = services.registration_create(
                user=self.request.user,
                initiative=self.initiative,
                registration=form.instance,
                token=form.token,
            )
        except ValidationError as error:
            add_errors(form, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("Đã đăng ký mô hình cho năm %(year)s (%(status)s).")
            % {"year": self.object.year, "status": self.object.get_status_display().lower()},
        )
        return HttpResponseRedirect(self.get_success_url())


class RegistrationUpdateView(ScopedMixin, UserFormKwargsMixin, EditConflictMixin, generic.UpdateView):
    model = Registration
    form_class = RegistrationForm
    action = CHANGE

    def get_queryset(self):
        return super().get_queryset().select_related("initiative")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "initiative": self.object.initiative}

    def get_context_data(self, **kwargs):
        return super().get_context_data(initiative=self.object.initiative, **kwargs)

    def save(self, form):
        return services.registration_update(
            user=self.request.user, registration=form.instance, version=form.version
        )


class RegistrationDeleteView(ScopedMixin, SoftDeleteMixin, generic.DetailView):
    model = Registration
    action = CHANGE
    restore_url_name = "registry:registration_restore"

    def get_success_url(self):
        return self.object.initiative.get_absolute_url()


class RegistrationRestoreView(RestoreMixin, ScopedMixin, generic.DetailView):
    model = Registration
    action = CHANGE

    def get_queryset(self):
        return super().get_queryset().filter(initiative__is_deleted=False)


class AttachmentCreateView(InitiativeChildMixin, CreateOnceMixin, generic.CreateView):
    model = Attachment
    form_class = AttachmentForm

    def created_url(self, obj):
        return self.initiative.get_absolute_url()

    def form_valid(self, form):
        self.object = services.attachment_create(
            user=self.request.user, initiative=self.initiative, attachment=form.instance, token=form.token
        )
        messages.success(self.request, _("Đã tải lên tệp đính kèm."))
        return HttpResponseRedirect(self.get_success_url())


class AttachmentDownloadView(ScopedMixin, generic.DetailView):
    """Serve an attachment only to users who may see its initiative (media is never public)."""

    model = Attachment
    action = VIEW

    def get_queryset(self):
        return super().get_queryset().filter(initiative__is_deleted=False)

    def get(self, request, *args, **kwargs):
        attachment = self.get_object()
        return FileResponse(attachment.file.open("rb"), as_attachment=attachment.kind != "photo")


class AttachmentDeleteView(ScopedMixin, generic.DeleteView):
    model = Attachment
    action = CHANGE
    template_name = "registry/confirm_delete.html"

    def get_success_url(self):
        messages.success(self.request, _("Đã xóa tệp đính kèm."))
        return self.object.initiative.get_absolute_url()
