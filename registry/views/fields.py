"""The catalogue of fields (lĩnh vực), kept by administrators."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import HttpResponseRedirect
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views import generic

from registry import services
from registry.forms import FieldForm
from registry.models import Field, Unit
from registry.querysets import MANAGE

from .mixins import EditConflictMixin


class FieldListView(generic.ListView):
    model = Field

    def get_queryset(self):
        return Field.objects.annotate(used=Count("initiatives", filter=Q(initiatives__is_deleted=False)))

    def get_context_data(self, **kwargs):
        can_manage = Unit.objects.restrict(self.request.user, MANAGE).exists()
        return super().get_context_data(can_manage=can_manage, **kwargs)


class FieldManageMixin:
    """Fields are shared by every unit: only administrators change the catalogue."""

    model = Field
    form_class = FieldForm
    success_url = reverse_lazy("registry:field_list")

    def dispatch(self, request, *args, **kwargs):
        if not Unit.objects.restrict(request.user, MANAGE).exists():
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
        messages.success(self.request, _("Đã lưu lĩnh vực “%(name)s”.") % {"name": form.instance.name})
        return HttpResponseRedirect(self.get_success_url())


class FieldCreateView(FieldManageMixin, generic.CreateView):
    pass


class FieldUpdateView(FieldManageMixin, EditConflictMixin, generic.UpdateView):
    pass
