"""The catalogue of fields (lĩnh vực), kept by administrators."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views import generic

from registry.models import Field, Unit
from registry.querysets import MANAGE


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
    fields = ["name", "standard", "order", "is_active"]
    success_url = reverse_lazy("registry:field_list")

    def dispatch(self, request, *args, **kwargs):
        if not Unit.objects.restrict(request.user, MANAGE).exists():
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        messages.success(self.request, _("Đã lưu lĩnh vực “%(name)s”.") % {"name": form.instance.name})
        return super().form_valid(form)


class FieldCreateView(FieldManageMixin, generic.CreateView):
    pass


class FieldUpdateView(FieldManageMixin, generic.UpdateView):
    pass
