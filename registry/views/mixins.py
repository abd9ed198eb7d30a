"""View mixins: the one place where views apply row visibility."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.middleware.csrf import get_token
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _

from registry import services
from registry.formats import inner
from registry.forms import add_errors
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
        try:
            services.soft_delete(user=request.user, obj=self.object)
        except ValidationError as error:  # locked by its review
            for message in error.messages:
                messages.error(request, message)
            return HttpResponseRedirect(self.object.get_absolute_url())
        undo_url = reverse(self.restore_url_name, args=[self.object.pk])
        messages.success(
            request,
            format_html(
                '{} <form method="post" action="{}" class="d-inline">'
                '<input type="hidden" name="csrfmiddlewaretoken" value="{}">'
                '<button type="submit" class="btn btn-sm btn-outline-dark ms-2">{}</button></form>',
                _("Đã xóa “%(name)s”.") % {"name": inner(self.object)},
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
        messages.success(request, _("Đã khôi phục “%(name)s”.") % {"name": inner(self.object)})
        return HttpResponseRedirect(self.object.get_absolute_url())


def shown_value(field, value):
    """Return how a form field's value reads to the user: a unit's name, a choice's label, a date."""
    try:
        value = field.to_python(value)
    except ValidationError:
        return str(value)
    if value in (None, "", [], ()):
        return "—"
    if isinstance(field, forms.ModelMultipleChoiceField):  # the members of a group
        return "; ".join(sorted(field.label_from_instance(item).strip() for item in value))
    if isinstance(field, forms.ModelChoiceField):
        return field.label_from_instance(value)
    if isinstance(field, forms.BooleanField):
        return _("Có") if value else _("Không")
    if isinstance(field, forms.ChoiceField):
        return str(dict(field.choices).get(value, value))
    if isinstance(field, forms.DateField):
        return f"{value.day:02d}/{value.month:02d}/{value.year:04d}"
    return str(value)


def differences(stored_form, typed_form):
    """Return the fields whose stored value differs from the one typed: label, stored, typed."""
    rows = []
    for name, field in typed_form.fields.items():
        if field.widget.is_hidden or isinstance(field, forms.FileField):
            continue
        stored = shown_value(field, stored_form[name].value())
        typed = shown_value(field, typed_form[name].value())
        if stored != typed:
            rows.append({"label": field.label, "stored": stored, "typed": typed})
    return rows


class EditConflictMixin:
    """An edit page whose save the service refuses when the record changed since it was opened.

    The page comes back with what the user typed, the record as stored now beside it, and the
    stored version in the form: saving again applies the user's values over the other change.
    """

    def save(self, form):
        """Save the form's record through its service, with the version the form carries."""
        raise NotImplementedError

    def form_valid(self, form):
        try:
            self.object = self.save(form)
        except services.EditConflict as conflict:
            return self.conflict(form, conflict)
        except ValidationError as error:
            add_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Đã lưu thay đổi."))
        return HttpResponseRedirect(self.get_success_url())

    def conflict(self, form, conflict):
        kwargs = {**self.get_form_kwargs(), "instance": conflict.stored}
        data = form.data.copy()
        data["version"] = conflict.version
        form_class = self.get_form_class()
        # The stored record as a form would show it, read before the typed form changes it.
        stored_form = form_class(**{**kwargs, "data": None, "files": None})
        typed_form = form_class(**{**kwargs, "data": data})
        typed_form.is_valid()
        typed_form.add_error(None, conflict)
        return self.render_to_response(
            self.get_context_data(form=typed_form, conflict={"rows": differences(stored_form, typed_form)})
        )


class CreateOnceMixin:
    """A create page whose form carries a one-time token (``forms.OnceMixin``).

    The same form sent again once its record exists (a double click, a page sent twice) leads
    to that record, instead of being refused as a duplicate; the service makes the same answer
    when both arrive at once (``services._created_once``).
    """

    def existing(self):
        token = services.valid_token(self.request.POST.get("token"))
        return self.model._base_manager.filter(form_token=token).first() if token else None

    def created_url(self, obj):
        """Where a form sent again leads: the page of the record the first sending created."""
        return obj.get_absolute_url()

    def post(self, request, *args, **kwargs):
        existing = self.existing()
        if existing is not None:
            return HttpResponseRedirect(self.created_url(existing))
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form):
        # Sent twice at once: the other request may have created the record while this one was
        # checking its form, which then finds the record it is about to create.
        existing = self.existing()
        if existing is not None:
            return HttpResponseRedirect(self.created_url(existing))
        return super().form_invalid(form)
