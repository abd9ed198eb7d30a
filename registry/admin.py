"""The Django admin, for the staff who look after the data: every write goes through the services.

The services keep what every write must keep up to date (the counts kept ready for the reports,
the columns registrations keep from their decisions and initiatives, the history's user): the
admin only calls them. Where a service cannot express an edit of the admin, the admin does not
offer it (the registrations shown inside an initiative are read-only, a unit never moves).
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import ForeignKeyRawIdWidget
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from . import rules, services
from .choices import Level, RegistrationStatus
from .forms import DateInput, add_errors, check_registration
from .models import Attachment, AwardForm, Decision, Field, Initiative, Membership, Registration, Unit
from .querysets import CHANGE, MANAGE, VIEW
from .text import fold

SOFT_DELETE_FIELDS = ["is_deleted", "deleted_at", "deleted_by"]


class ScopedRawIdWidget(ForeignKeyRawIdWidget):
    """A raw-id box that names the row it holds only when the user may see it (else the id alone).

    A model may copy one of another branch (``replicates``): its page must not name that model.
    """

    def __init__(self, rel, admin_site, queryset, **kwargs):
        super().__init__(rel, admin_site, **kwargs)
        self.queryset = queryset

    def label_and_url_for_value(self, value):
        key = self.rel.get_related_field().name
        try:
            visible = self.queryset.filter(**{key: value}).exists()
        except (ValueError, ValidationError):
            visible = False
        return super().label_and_url_for_value(value) if visible else ("", "")


class AdminVersionForm(forms.ModelForm):
    """An admin change form that carries the version of the record it showed.

    Sent back after someone else saved the record, it is refused with the same message as
    the site's edit pages, and carries the new version: saving again applies the values shown.
    The service checks the version once more under the row's lock (``services.check_version``).
    """

    version = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["version"].initial = services.version_of(self.instance)

    def clean(self):
        cleaned = super().clean()
        try:
            services.check_version(self.instance, self.data.get(self.add_prefix("version")) or None)
        except services.EditConflict as conflict:
            self.data = self.data.copy()
            self.data[self.add_prefix("version")] = conflict.version
            raise ValidationError(conflict.messages) from None
        return cleaned


class VersionedAdminMixin:
    """Change forms with a version (``AdminVersionForm``); a conflict found by the service at
    the last moment, after the form was checked, sends the user back to the change page."""

    form = AdminVersionForm

    def get_fields(self, request, obj=None):
        fields = list(super().get_fields(request, obj))
        if obj is not None and "version" not in fields:
            fields.append("version")
        return fields

    def version(self, form):
        """The version the form was opened at; None for a form sent without one."""
        return form.cleaned_data.get("version") or None if "version" in form.fields else None

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except services.EditConflict as conflict:
            self.message_user(request, " ".join(conflict.messages), messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())


class ScopedAdmin(VersionedAdminMixin, SimpleHistoryAdmin):
    """Show staff the rows of their scope only, and offer only the choices they may make.

    Row visibility is the models' ``restrict(user, action)``, as everywhere else: the list, the
    change form, the history and every choice list (raw-id lookups included) start from it.
    A superuser's scope is everything.
    """

    view_action = VIEW
    change_action = CHANGE
    # The action a user needs on a related row to pick it, by field name; ``change_action``
    # when not named.
    choice_actions = {}

    def get_queryset(self, request):
        return super().get_queryset(request).restrict(request.user, self.view_action)

    def in_scope(self, request, obj, action):
        """Whether ``obj`` lies in the part of the tree where the user may perform ``action``."""
        if request.user.is_superuser:
            return True
        return self.model._default_manager.restrict(request.user, action).filter(pk=obj.pk).exists()

    def has_view_permission(self, request, obj=None):
        # The history pages find an object past get_queryset(): they ask here.
        allowed = super().has_view_permission(request, obj)
        return allowed and (obj is None or self.in_scope(request, obj, self.view_action))

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or self.in_scope(request, obj, self.change_action))

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or self.in_scope(request, obj, self.change_action))

    def choices(self, db_field, request):
        """Return the rows the user may pick for ``db_field``, or None when the model has no scope."""
        manager = db_field.related_model._default_manager
        if not hasattr(manager, "restrict"):
            return None
        return manager.restrict(request.user, self.choice_actions.get(db_field.name, self.change_action))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "queryset" not in kwargs and (queryset := self.choices(db_field, request)) is not None:
            kwargs["queryset"] = queryset
            if db_field.name in self.raw_id_fields and "widget" not in kwargs:
                kwargs["widget"] = ScopedRawIdWidget(
                    db_field.remote_field, self.admin_site, queryset, using=kwargs.get("using")
                )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if "queryset" not in kwargs and (queryset := self.choices(db_field, request)) is not None:
            kwargs["queryset"] = queryset
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # An old version may be read, never saved back: reverting would write past the services
        # (and SIMPLE_HISTORY_REVERT_DISABLED only hides the button).
        if request.method == "POST":
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)


class SoftDeleteAdmin(ScopedAdmin):
    """Deleting hides the row through ``services.soft_delete``; an action brings it back.

    Django's "delete selected" action is kept, with its confirmation page, because deleting
    means hiding everywhere in the application ("Đã xóa" can be undone): it ends in
    ``delete_queryset``, which hides each row through the service. Nothing is ever removed
    from the database here, so nothing else is deleted and nothing protects the rows.
    """

    actions = ["restore_selected"]

    def get_readonly_fields(self, request, obj=None):
        # Hiding and restoring go through the services, which also update what depends on it.
        return [*super().get_readonly_fields(request, obj), *SOFT_DELETE_FIELDS, "created_by"]

    def get_deleted_objects(self, objs, request):
        objs = list(objs)
        allowed = all(self.has_delete_permission(request, obj) for obj in objs)
        perms_needed = set() if allowed else {self.opts.verbose_name}
        return [str(obj) for obj in objs], {self.opts.verbose_name_plural: len(objs)}, perms_needed, []

    def delete_model(self, request, obj):
        if not obj.is_deleted:
            services.soft_delete(user=request.user, obj=obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset.restrict(request.user, self.change_action).filter(is_deleted=False):
            services.soft_delete(user=request.user, obj=obj)

    @admin.action(description=_("Khôi phục các mục đã chọn"), permissions=["change"])
    def restore_selected(self, request, queryset):
        restored = 0
        for obj in queryset.restrict(request.user, self.change_action).filter(is_deleted=True):
            services.restore(user=request.user, obj=obj)
            restored += 1
        self.message_user(
            request,
            gettext("Đã khôi phục %(count)s mục.") % {"count": restored},
            messages.SUCCESS,
        )


class UnitAddForm(forms.ModelForm):
    """A new unit with the unit it belongs to, chosen once: a unit never moves afterwards."""

    parent = forms.ModelChoiceField(
        queryset=Unit.objects.none(),
        label=_("Trực thuộc đơn vị"),
        widget=ForeignKeyRawIdWidget(Unit._meta.get_field("successor").remote_field, admin.site),
    )
    user = None  # set on the form class by UnitAdmin.get_form, for the parent's choices

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = Unit.objects.restrict(self.user, MANAGE)

    def clean(self):
        # The place rules, as the service applies them, shown on the form rather than failing the save.
        cleaned = super().clean()
        parent, name = cleaned.get("parent"), cleaned.get("name")
        if parent is not None and name:
            siblings = Unit.objects.get_children(parent).filter(search_name=fold(name))
            try:
                rules.check_unit_place(
                    parent=parent,
                    name=name,
                    valid_from=cleaned.get("valid_from"),
                    valid_to=cleaned.get("valid_to"),
                    siblings=siblings,
                )
            except ValidationError as error:
                add_errors(self, error)
        return cleaned


@admin.register(Unit)
class UnitAdmin(ScopedAdmin):
    """Units are added under a parent and edited, never moved nor deleted.

    Moving a unit would rewrite history: its registrations would count in other units' past
    years, and the counts kept ready would no longer add up (a unit that changes place is
    closed with a successor instead). Deleting is never possible: initiatives, registrations,
    decisions and memberships point at units with ``on_delete=PROTECT``, because they are
    official records; a unit that ends gets ``valid_to`` and a successor.
    """

    # The end and the successors change only through a reorganisation (see UnitForm).
    fields = ["name", "short_name", "unit_type", "code", "valid_from"]
    list_display = ["indented_name", "unit_type", "code", "valid_from", "valid_to"]
    list_filter = ["unit_type"]
    search_fields = ["name", "code", "search_name"]
    ordering = ["path"]
    change_action = MANAGE

    @admin.display(description=_("tên đơn vị"), ordering="path")
    def indented_name(self, unit):
        return "\u2003" * (unit.depth - 1) + unit.name

    def get_fields(self, request, obj=None):
        return ["parent", *self.fields, "valid_to"] if obj is None else [*self.fields, "version"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = UnitAddForm
        form = super().get_form(request, obj, change, **kwargs)
        form.user = request.user  # the class is made for this request by modelform_factory
        return form

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        if change:
            services.unit_update(user=request.user, unit=obj, version=self.version(form))
        else:
            services.unit_create(user=request.user, parent=form.cleaned_data["parent"], unit=obj)


class NationalListAdmin:
    """A list shared by the whole country: staff read it, superusers add and change it, nobody
    deletes from it (records name its entries; one no longer used is retired with ``is_active``)."""

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Field)
class FieldAdmin(NationalListAdmin, VersionedAdminMixin, SimpleHistoryAdmin):
    """The national list of fields: staff may read it, only superusers change it (never delete:
    a field no longer used is retired with ``is_active``, the models filed under it keep it)."""

    list_display = ["name", "standard", "order", "is_active", "reported_apart"]
    list_filter = ["standard", "is_active", "reported_apart"]

    def save_model(self, request, obj, form, change):
        services.field_save(user=request.user, field=obj, version=self.version(form))


@admin.register(AwardForm)
class AwardFormAdmin(NationalListAdmin, admin.ModelAdmin):
    """The national list of award forms: staff read it, superusers change it, nobody deletes
    it (decisions name their award form; one no longer given is retired with ``is_active``)."""

    list_display = ["name", "order", "is_active"]

    def save_model(self, request, obj, form, change):
        services.award_form_save(user=request.user, award_form=obj)


class RegistrationAdminForm(forms.ModelForm):
    """A registration in the admin: the rules' errors shown on their fields."""

    def _post_clean(self):
        super()._post_clean()
        check_registration(self, self.instance)


def registration_save(user, registration):
    """Save a registration of the admin through the services."""
    if registration.pk:
        return services.registration_update(user=user, registration=registration)
    initiative = registration.initiative
    return services.registration_create(user=user, initiative=initiative, registration=registration)


class RegistrationInline(admin.TabularInline):
    """The initiative's registrations, to read: each is changed on its own page, through the services."""

    model = Registration
    form = RegistrationAdminForm
    extra = 0
    fields = ["year", "unit", "registered_on", "status", "entered_late", "level", "evaluation", "is_deleted"]
    readonly_fields = fields
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).restrict(request.user).select_related("unit")


class InitiativeAddForm(forms.ModelForm):
    """A new initiative together with its first registration, as ``services.initiative_create`` makes it."""

    year = forms.IntegerField(label=_("Năm đăng ký"), min_value=2000, max_value=2100)
    registered_on = forms.DateField(label=_("Ngày đăng ký"), widget=DateInput())
    level = forms.ChoiceField(label=_("Cấp đăng ký"), choices=Level.choices, initial=Level.GRASSROOTS)
    status = forms.ChoiceField(
        label=_("Hình thức đăng ký"), choices=RegistrationStatus.choices, initial=RegistrationStatus.NEW
    )


@admin.register(Initiative)
class InitiativeAdmin(SoftDeleteAdmin):
    list_display = ["name", "unit", "kind", "field", "grade", "is_deleted"]
    list_filter = ["kind", "grade", "field", "is_deleted"]
    search_fields = ["name", "search_text"]
    raw_id_fields = ["unit", "replicates"]
    inlines = [RegistrationInline]
    choice_actions = {"replicates": VIEW}

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = InitiativeAddForm
        return super().get_form(request, obj, change, **kwargs)

    def save_model(self, request, obj, form, change):
        if change:
            services.initiative_update(user=request.user, initiative=obj, version=self.version(form))
        else:
            first = form.cleaned_data
            services.initiative_create(
                user=request.user,
                initiative=obj,
                year=first["year"],
                registered_on=first["registered_on"],
                level=first["level"],
                status=first["status"],
            )

    def save_formset(self, request, form, formset, change):
        if formset.model is not Registration:
            return super().save_formset(request, form, formset, change)
        for registration in formset.save(commit=False):
            registration_save(request.user, registration)
        for registration in formset.deleted_objects:
            registration.delete()
        return None


class RegistrationAdminForm(AdminVersionForm):
    """A registration in the admin: the rules' errors shown on their fields."""

    def _post_clean(self):
        super()._post_clean()
        check_registration(self, self.instance)


class DecisionAdminForm(AdminVersionForm):
    """A decision in the admin: the rules checked against the registrations chosen on the form."""

    def _post_clean(self):
        super()._post_clean()
        if self.errors:
            return
        try:
            chosen = self.cleaned_data.get("registrations")
            services.decision_validate(decision=self.instance, registrations=chosen)
        except ValidationError as error:
            add_errors(self, error)


@admin.register(Registration)
class RegistrationAdmin(SoftDeleteAdmin):
    form = RegistrationAdminForm
    list_display = ["initiative", "year", "unit", "status", "level", "evaluation", "is_deleted"]
    list_filter = ["year", "status", "level", "evaluation", "is_deleted"]
    raw_id_fields = ["initiative", "unit"]

    def get_readonly_fields(self, request, obj=None):
        # A registration belongs to its initiative for good (the services follow the initiative's
        # deletion through it).
        readonly = super().get_readonly_fields(request, obj)
        return readonly if obj is None else ["initiative", *readonly]

    def save_model(self, request, obj, form, change):
        if change:
            services.registration_update(user=request.user, registration=obj, version=self.version(form))
        else:
            services.registration_create(user=request.user, initiative=obj.initiative, registration=obj)


@admin.register(Decision)
class DecisionAdmin(SoftDeleteAdmin):
    form = DecisionAdminForm
    list_display = ["reference", "signed_on", "kind", "level", "issuer_name", "is_deleted"]
    list_filter = ["kind", "level", "is_deleted"]
    raw_id_fields = ["issuing_unit", "registrations"]
    search_fields = ["number", "symbol", "title"]
    # A decision covers registrations the user can see, as on the site's page for choosing them.
    choice_actions = {"registrations": VIEW}

    def save_model(self, request, obj, form, change):
        if change:
            services.decision_update(user=request.user, decision=obj, version=self.version(form))
        else:
            services.decision_create(
                user=request.user, decision=obj, registrations=form.cleaned_data["registrations"]
            )

    def save_related(self, request, form, formsets, change):
        # The covered registrations are the only many-to-many: a new decision got them from
        # decision_create, a changed one gets the difference through decision_set_registrations.
        if not change:
            return
        chosen = set(form.cleaned_data["registrations"])
        # Only what the user can see is theirs to take off, as on the site.
        covered = set(form.instance.registrations.all() & form.fields["registrations"].queryset)
        add, remove = chosen - covered, covered - chosen
        if add or remove:
            services.decision_set_registrations(
                user=request.user, decision=form.instance, add=add, remove=remove
            )


@admin.register(Membership)
class MembershipAdmin(ScopedAdmin):
    list_display = ["user", "unit", "role"]
    list_filter = ["role"]
    raw_id_fields = ["unit"]
    # Roles are given by the unit's administrators, as on the site.
    view_action = MANAGE
    change_action = MANAGE


@admin.register(Attachment)
class AttachmentAdmin(ScopedAdmin):
    list_display = ["title", "initiative", "kind", "size", "uploaded_at"]
    raw_id_fields = ["initiative"]
