"""The administration site: registrations and decisions are checked and saved by the services."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from simple_history.admin import SimpleHistoryAdmin
from treebeard.admin import TreeAdmin
from treebeard.forms import movenodeform_factory

from . import services
from .forms import add_errors, check_registration
from .models import Attachment, AwardForm, Decision, Field, Initiative, Membership, Registration, Unit


@admin.register(Unit)
class UnitAdmin(TreeAdmin, SimpleHistoryAdmin):
    form = movenodeform_factory(Unit, exclude=["search_name"])
    list_display = ["name", "unit_type", "code", "valid_from", "valid_to"]
    list_filter = ["unit_type"]
    search_fields = ["name", "code", "search_name"]


@admin.register(Field)
class FieldAdmin(SimpleHistoryAdmin):
    list_display = ["name", "standard", "order", "is_active"]
    list_filter = ["standard", "is_active"]


@admin.register(AwardForm)
class AwardFormAdmin(admin.ModelAdmin):
    list_display = ["name", "order", "is_active"]


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
    model = Registration
    form = RegistrationAdminForm
    extra = 0
    fields = ["year", "unit", "registered_on", "status", "entered_late", "level", "evaluation", "is_deleted"]
    raw_id_fields = ["unit"]


@admin.register(Initiative)
class InitiativeAdmin(SimpleHistoryAdmin):
    list_display = ["name", "unit", "kind", "field", "grade", "is_deleted"]
    list_filter = ["kind", "grade", "field", "is_deleted"]
    search_fields = ["name", "search_text"]
    raw_id_fields = ["unit", "replicates"]
    inlines = [RegistrationInline]

    def save_formset(self, request, form, formset, change):
        if formset.model is not Registration:
            return super().save_formset(request, form, formset, change)
        for registration in formset.save(commit=False):
            registration_save(request.user, registration)
        for registration in formset.deleted_objects:
            registration.delete()
        return None


@admin.register(Registration)
class RegistrationAdmin(SimpleHistoryAdmin):
    form = RegistrationAdminForm
    list_display = ["initiative", "year", "unit", "status", "level", "evaluation", "is_deleted"]
    list_filter = ["year", "status", "level", "evaluation", "is_deleted"]
    raw_id_fields = ["initiative", "unit"]

    def save_model(self, request, obj, form, change):
        registration_save(request.user, obj)


class DecisionAdminForm(forms.ModelForm):
    """A decision in the admin: the rules checked against the registrations chosen on the form."""

    def _post_clean(self):
        super()._post_clean()
        if self.errors:
            return
        try:
            chosen = self.cleaned_data["registrations"]
            services.decision_validate(decision=self.instance, registrations=chosen)
        except ValidationError as error:
            add_errors(self, error)


@admin.register(Decision)
class DecisionAdmin(SimpleHistoryAdmin):
    form = DecisionAdminForm
    list_display = ["reference", "signed_on", "kind", "level", "issuer_name", "is_deleted"]
    list_filter = ["kind", "level", "is_deleted"]
    raw_id_fields = ["issuing_unit", "registrations"]
    search_fields = ["number", "symbol", "title"]

    def save_model(self, request, obj, form, change):
        chosen = set(form.cleaned_data["registrations"])
        if not change:
            services.decision_create(user=request.user, decision=obj, registrations=chosen)
            return
        covered = set(Decision.objects.get(pk=obj.pk).registrations.all())
        # Those it no longer covers go first: the new date is checked against what it will cover.
        if covered - chosen:
            services.decision_set_registrations(user=request.user, decision=obj, remove=covered - chosen)
        services.decision_update(user=request.user, decision=obj)
        if chosen - covered:
            services.decision_set_registrations(user=request.user, decision=obj, add=chosen - covered)

    def save_related(self, request, form, formsets, change):
        pass  # the covered registrations were saved by save_model, through the services


@admin.register(Membership)
class MembershipAdmin(SimpleHistoryAdmin):
    list_display = ["user", "unit", "role"]
    list_filter = ["role"]
    raw_id_fields = ["unit"]


@admin.register(Attachment)
class AttachmentAdmin(admin.ModelAdmin):
    list_display = ["title", "initiative", "kind", "size", "uploaded_at"]
    raw_id_fields = ["initiative"]
