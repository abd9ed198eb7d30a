"""The model list's own settings, kept per user: the columns it shows and the saved filters."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import generic

from registry import lists
from registry.forms import add_errors
from registry.forms.lists import ListColumnsForm, SavedFilterForm
from registry.models import SavedFilter

from .mixins import CreateOnceMixin, EditConflictMixin, UserFormKwargsMixin


def list_url(query=""):
    return reverse("registry:registration_list") + (f"?{query}" if query else "")


class ListColumnsView(generic.FormView):
    """Choose the list's columns and their order, or go back to the default ones."""

    template_name = "registry/list_columns.html"
    form_class = ListColumnsForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "chosen": lists.columns_of(self.request.user)}

    def post(self, request, *args, **kwargs):
        if "reset" in request.POST:
            lists.list_columns_reset(user=request.user)
            messages.success(request, _("Danh sách mô hình đã trở lại các cột mặc định."))
            return HttpResponseRedirect(self.get_success_url())
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        try:
            lists.list_columns_set(user=self.request.user, columns=form.chosen_keys())
        except ValidationError as error:
            form.add_error(None, error.messages[0])
            return self.form_invalid(form)
        messages.success(self.request, _("Đã lưu các cột của danh sách mô hình."))
        return HttpResponseRedirect(self.get_success_url())

    def get_success_url(self):
        return list_url(lists.clean_query(self.request.GET.get("loc", "")))


class SavedFilterListView(generic.ListView):
    """The user's saved filters, and those shared with a unit inside the user's scope."""

    template_name = "registry/savedfilter_list.html"
    context_object_name = "saved_filters"

    def get_queryset(self):
        return SavedFilter.objects.visible_to(self.request.user).select_related("unit", "user")


class SavedFilterCreateView(UserFormKwargsMixin, CreateOnceMixin, generic.CreateView):
    """Save the list's current filter (``?loc=``, the list's query string) under a name."""

    model = SavedFilter
    form_class = SavedFilterForm
    template_name = "registry/savedfilter_form.html"

    def get_initial(self):
        return {"query": lists.clean_query(self.request.GET.get("loc", ""))[: lists.QUERY_MAX]}

    def created_url(self, obj):
        return list_url(obj.query)

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            self.object = lists.saved_filter_create(
                user=self.request.user,
                name=data["name"],
                query=data["query"],
                unit=data["unit"],
                token=form.token,
            )
        except ValidationError as error:
            add_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Đã lưu bộ lọc “%(name)s”.") % {"name": self.object.name})
        return HttpResponseRedirect(list_url(self.object.query))


class OwnFilterMixin:
    """A saved filter is renamed or deleted by its owner only: another's answers 404."""

    model = SavedFilter

    def get_queryset(self):
        return SavedFilter.objects.filter(user=self.request.user)

    def get_success_url(self):
        return reverse("registry:savedfilter_list")


class SavedFilterUpdateView(OwnFilterMixin, UserFormKwargsMixin, EditConflictMixin, generic.UpdateView):
    form_class = SavedFilterForm
    template_name = "registry/savedfilter_form.html"

    def save(self, form):
        return lists.saved_filter_update(user=self.request.user, saved=form.instance, version=form.version)


class SavedFilterDeleteView(OwnFilterMixin, generic.View):
    http_method_names = ["post"]

    def post(self, request, pk):
        saved = get_object_or_404(self.get_queryset(), pk=pk)
        lists.saved_filter_delete(user=request.user, saved=saved)
        messages.success(request, _("Đã xóa bộ lọc “%(name)s”.") % {"name": saved.name})
        return HttpResponseRedirect(self.get_success_url())
