"""View mixins: the one place where views apply row visibility."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.middleware.csrf import get_token
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _

from registry import services
from registry.models import SoftDeletable
from registry.querysets import VIEW


class ScopedMixin:
    """Start every queryset from ``restrict(user, action)``; soft-deleted rows stay hidden.

    An object outside the user's scope is simply not in the queryset, so it answers 404.
    """

    action = VIEW
    show_deleted = False

    def get_queryset(self):
        queryset = self.model.objects.restrict(self.request.user, self.action)
        if issubclass(self.model, SoftDeletable):
            queryset = queryset.deleted() if self.show_deleted else queryset.alive()
        return queryset


class UserFormKwargsMixin:
    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}


class CanChangeMixin:
    """Tell the template whether the user may change the object shown."""

    def get_context_data(self, **kwargs):
        from registry.querysets import CHANGE

        context = super().get_context_data(**kwargs)
        context["can_change"] = (
            self.model.objects.restrict(self.request.user, CHANGE).filter(pk=self.object.pk).exists()
        )
        return context


class SoftDeleteMixin:
    """Confirm, then hide the object, with an undo button in the message."""

    restore_url_name = None
    template_name = "registry/confirm_delete.html"

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        services.soft_delete(user=request.user, obj=self.object)
        undo_url = reverse(self.restore_url_name, args=[self.object.pk])
        messages.success(
            request,
            format_html(
                '{} <form method="post" action="{}" class="d-inline">'
                '<input type="hidden" name="csrfmiddlewaretoken" value="{}">'
                '<button type="submit" class="btn btn-sm btn-outline-dark ms-2">{}</button></form>',
                _("Đã xóa “%(name)s”.") % {"name": self.object},
                undo_url,
                get_token(request),
                _("Hoàn tác"),
            ),
        )
        return HttpResponseRedirect(self.get_success_url())


class RestoreMixin:
    """Bring back a soft-deleted object (POST only)."""

    show_deleted = True
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        try:
            services.restore(user=request.user, obj=self.object)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return HttpResponseRedirect(reverse("registry:trash"))
        messages.success(request, _("Đã khôi phục “%(name)s”.") % {"name": self.object})
        return HttpResponseRedirect(self.object.get_absolute_url())
