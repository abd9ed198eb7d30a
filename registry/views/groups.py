"""Groups of units that compete together (cụm thi đua, khối thi đua): list, form, page, removal.

A group is shown to whoever may read every one of its members (``UnitGroup.objects.visible_to``);
it is created, changed and removed by the administrators of its owner unit.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import generic

from registry import groups, history
from registry.forms import add_errors
from registry.forms.groups import UnitGroupForm
from registry.models import UnitGroup
from registry.querysets import MANAGE
from registry.scope import scope_of

from .mixins import CreateOnceMixin, EditConflictMixin, UserFormKwargsMixin


class VisibleGroupMixin:
    model = UnitGroup

    def get_queryset(self):
        return UnitGroup.objects.visible_to(self.request.user).select_related("owner")


class ManageableGroupMixin:
    """A group changed or removed by its owner's administrators only: another's answers 404."""

    model = UnitGroup

    def get_queryset(self):
        return UnitGroup.objects.manageable_by(self.request.user).select_related("owner")


def may_manage_groups(user):
    return scope_of(user).paths(MANAGE) != []


class UnitGroupListView(VisibleGroupMixin, generic.ListView):
    """The groups whose members the user may all read, with their kind, owner, years and size."""

    template_name = "registry/unitgroup_list.html"
    context_object_name = "groups"
    paginate_by = 100

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .annotate(member_count=Count("members"))
            .order_by("owner__path", "name", "pk")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["may_create"] = may_manage_groups(user)
        context["manageable"] = set(
            UnitGroup.objects.manageable_by(user)
            .filter(pk__in=[group.pk for group in context["groups"]])
            .values_list("pk", flat=True)
        )
        return context


class UnitGroupDetailView(VisibleGroupMixin, generic.DetailView):
    """A group: its members (closed ones said so) and its history."""

    template_name = "registry/unitgroup_detail.html"
    context_object_name = "group"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        group, user = self.object, self.request.user
        members = list(group.members.order_by("path"))
        context.update(
            members=members,
            closed_members=[unit for unit in members if unit.valid_to is not None],
            can_manage=UnitGroup.objects.manageable_by(user).filter(pk=group.pk).exists(),
            entries=history.object_history(group, user),
            report_url=reverse("reports:group_report", args=[group.pk]),
        )
        return context


class UnitGroupCreateView(UserFormKwargsMixin, CreateOnceMixin, generic.CreateView):
    model = UnitGroup
    form_class = UnitGroupForm
    template_name = "registry/unitgroup_form.html"

    def get(self, request, *args, **kwargs):
        if not may_manage_groups(request.user):
            messages.error(request, _("Chỉ quản trị viên của đơn vị mới lập được cụm, khối thi đua."))
            return HttpResponseRedirect(reverse("registry:group_list"))
        return super().get(request, *args, **kwargs)

    def get_initial(self):
        """Start from the user's own administered unit, an open one first."""
        units = list(scope_of(self.request.user).top_units(MANAGE).order_by("depth", "path")[:20])
        owner = next((unit for unit in units if unit.valid_to is None), units[0] if units else None)
        return {"owner": owner, "first_year": timezone.localdate().year}

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            self.object = groups.group_create(
                user=self.request.user, group=form.instance, members=data["members"], token=form.token
            )
        except ValidationError as error:
            add_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Đã lập “%(name)s”.") % {"name": self.object.name})
        return HttpResponseRedirect(self.object.get_absolute_url())


class UnitGroupUpdateView(ManageableGroupMixin, UserFormKwargsMixin, EditConflictMixin, generic.UpdateView):
    form_class = UnitGroupForm
    template_name = "registry/unitgroup_form.html"

    def save(self, form):
        return groups.group_update(
            user=self.request.user,
            group=form.instance,
            members=form.cleaned_data["members"],
            version=form.version,
        )

    def get_success_url(self):
        return self.object.get_absolute_url()


class UnitGroupDeleteView(ManageableGroupMixin, generic.DetailView):
    """Confirm, then remove the group for good (its history keeps what it was)."""

    template_name = "registry/unitgroup_confirm_delete.html"
    context_object_name = "group"

    def post(self, request, *args, **kwargs):
        group = self.get_object()
        name = group.name
        try:
            groups.group_delete(user=request.user, group=group)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return HttpResponseRedirect(group.get_absolute_url())
        messages.success(request, _("Đã xóa “%(name)s”.") % {"name": name})
        return HttpResponseRedirect(reverse("registry:group_list"))
