"""The national list of fields (lĩnh vực), shared by every unit and kept by the superusers.

Every unit files its models under the same fields, and the reports of every level roll them up
to the same four standard fields: a field changed by one province would change every other
province's reports. So the list is national: only a superuser (the system administrators)
adds or changes a field, here, in the admin and in ``services.field_save``; everyone reads it.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import HttpResponseRedirect
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views import generic

from registry import services
from registry.formats import inner
from registry.forms import FieldForm
from registry.models import Field
from registry.querysets import path_q
from registry.scope import scope_of

from .mixins import EditConflictMixin


class FieldListView(generic.ListView):
    """The fields, each with the number of models filed under it inside the user's scope."""

    model = Field

    def get_queryset(self):
        in_scope = path_q("initiatives__unit__path", scope_of(self.request.user).paths())
        return Field.objects.annotate(
            used=Count("initiatives", filter=Q(initiatives__is_deleted=False) & in_scope)
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(can_manage=self.request.user.is_superuser, **kwargs)


class FieldManageMixin:
    """Only superusers change the national list (see the module's docstring)."""

    model = Field
    form_class = FieldForm
    success_url = reverse_lazy("registry:field_list")

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_superuser:
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        try:
            self.object = services.field_save(
                user=self.request.user, field=form.instance, version=form.version
            )
        except services.EditConflict as conflict:
            return self.conflict(form, conflict)
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Đã lưu lĩnh vực “%(name)s”.") % {"name": inner(form.instance.name)})
        return HttpResponseRedirect(self.get_success_url())


class FieldCreateView(FieldManageMixin, generic.CreateView):
    pass


class FieldUpdateView(FieldManageMixin, EditConflictMixin, generic.UpdateView):
    pass
