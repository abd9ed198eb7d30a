"""The unit tree, unit pages, and the administrators' unit and user management."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.views import generic

from registry import services
from registry.choices import ReorganisationStatus
from registry.formats import inner
from registry.forms import UnitForm, add_errors
from registry.forms.units import MembershipForm, UnitCreateForm
from registry.models import Lineage, Membership, Reorganisation, Unit
from registry.querysets import MANAGE
from registry.scope import scope_of
from registry.text import fold
from reports import selectors
from reports.views import list_url

from .mixins import CanChangeMixin, CreateOnceMixin, EditConflictMixin, ScopedMixin, UserFormKwargsMixin


def scope_roots(user):
    """Return the top units of the user's scope, their own first, then the units they carry on."""
    from registry.querysets import scope_paths

    paths = scope_paths(user)
    if paths is None:
        return Unit.objects.get_root_nodes()
    own = set(scope_paths(user, own=True))
    return sorted(Unit.objects.filter(path__in=paths), key=lambda unit: (unit.path not in own, unit.path))


class UnitListView(generic.TemplateView):
    """The tree from the user's top units, expanded level by level; or a search by name."""

    template_name = "registry/unit_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.request.GET.get("q", "").strip()
        context["q"] = query
        user = self.request.user
        context["may_manage_units"] = user.is_superuser or scope_of(user).paths(MANAGE) != []
        if query:
            context["matches"] = list(
                Unit.objects.restrict(self.request.user).filter(search_name__contains=fold(query))[:100]
            )
        else:
            roots = list(scope_roots(self.request.user))
            context["roots"] = [(root, list(Unit.objects.get_children(root))) for root in roots]
        return context


class UnitChildrenView(ScopedMixin, generic.DetailView):
    """The children of a unit, as a fragment for the tree (htmx)."""

    model = Unit
    template_name = "registry/_unit_children.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(children=list(Unit.objects.get_children(self.object)), **kwargs)


class UnitDetailView(ScopedMixin, CanChangeMixin, generic.DetailView):
    model = Unit

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        unit, user = self.object, self.request.user
        context["ancestors"] = Unit.objects.get_ancestors(unit).restrict(user)
        context["children"] = Unit.objects.get_children(unit)
        # The report figures (no drafts), as reported, each year linked to exactly its rows.
        context["per_year"] = [
            {**row, "url": list_url({"unit": unit.pk, **row["period"].list_params()})}
            for row in selectors.yearly_totals(user, unit)
        ]
        context.update(self.lineage(unit, user))
        context["can_manage"] = Unit.objects.restrict(user, MANAGE).filter(pk=unit.pk).exists()
        if context["can_manage"]:
            context["memberships"] = unit.memberships.select_related("user").order_by("user__username")
        return context

    @staticmethod
    def lineage(unit, user):
        """The applied lineage rows into and out of the unit, and which of their units the user sees."""
        rows = Lineage.objects.filter(reorganisation__status=ReorganisationStatus.APPLIED).select_related(
            "predecessor", "successor", "reorganisation"
        )
        before = list(rows.filter(successor=unit).order_by("-effective_on", "predecessor__name"))
        after = list(rows.filter(predecessor=unit).order_by("-effective_on", "-is_main", "successor__name"))
        ids = {row.predecessor_id for row in before} | {row.successor_id for row in after if row.successor_id}
        plans = {row.reorganisation_id for row in before + after}
        return {
            "lineage_before": before,
            "lineage_after": after,
            "visible_units": set(Unit.objects.restrict(user).filter(pk__in=ids).values_list("pk", flat=True)),
            "visible_plans": set(
                Reorganisation.objects.restrict(user, MANAGE)
                .filter(pk__in=plans)
                .values_list("pk", flat=True)
            ),
        }


class UnitCreateView(UserFormKwargsMixin, CreateOnceMixin, generic.CreateView):
    model = Unit
    form_class = UnitCreateForm

    def dispatch(self, request, *args, **kwargs):
        # A superuser may start the tree itself, on a database without a unit yet.
        if not request.user.is_superuser and not Unit.objects.restrict(request.user, MANAGE).exists():
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        return {"parent": self.request.GET.get("parent")}

    def form_valid(self, form):
        try:
            self.object = services.unit_create(
                user=self.request.user,
                parent=form.cleaned_data["parent"],
                unit=form.instance,
                token=form.token,
            )
        except ValidationError as error:
            add_errors(form, error)
            return self.form_invalid(form)
        except PermissionDenied as error:
            form.add_error("parent", str(error))
            return self.form_invalid(form)
        messages.success(self.request, _("Đã thêm đơn vị “%(name)s”.") % {"name": inner(self.object.name)})
        return HttpResponseRedirect(self.object.get_absolute_url())


class UnitUpdateView(ScopedMixin, UserFormKwargsMixin, EditConflictMixin, generic.UpdateView):
    model = Unit
    form_class = UnitForm
    action = MANAGE

    def save(self, form):
        return services.unit_update(user=self.request.user, unit=form.instance, version=form.version)


class MembershipCreateView(generic.FormView):
    """Give a user a role in a unit the administrator manages."""

    form_class = MembershipForm
    template_name = "registry/membership_form.html"

    def dispatch(self, request, *args, **kwargs):
        self.unit = get_object_or_404(Unit.objects.restrict(request.user, MANAGE), pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(unit=self.unit, **kwargs)

    def form_valid(self, form):
        try:
            membership = services.membership_grant(
                user=self.request.user, unit=self.unit, **form.cleaned_data
            )
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for field, errors in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Đã phân quyền: %(m)s.") % {"m": membership})
        return HttpResponseRedirect(self.unit.get_absolute_url())


class MembershipDeleteView(ScopedMixin, generic.DeleteView):
    model = Membership
    action = MANAGE
    template_name = "registry/confirm_delete.html"

    def get_success_url(self):
        messages.success(self.request, _("Đã thu hồi quyền."))
        return self.object.unit.get_absolute_url()
