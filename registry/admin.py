from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin
from treebeard.admin import TreeAdmin
from treebeard.forms import movenodeform_factory

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


class RegistrationInline(admin.TabularInline):
    model = Registration
    extra = 0
    fields = ["year", "unit", "registered_on", "status", "level", "evaluation", "is_deleted"]
    raw_id_fields = ["unit"]


@admin.register(Initiative)
class InitiativeAdmin(SimpleHistoryAdmin):
    list_display = ["name", "unit", "kind", "field", "grade", "is_deleted"]
    list_filter = ["kind", "grade", "field", "is_deleted"]
    search_fields = ["name", "search_text"]
    raw_id_fields = ["unit", "replicates"]
    inlines = [RegistrationInline]


@admin.register(Registration)
class RegistrationAdmin(SimpleHistoryAdmin):
    list_display = ["initiative", "year", "unit", "status", "level", "evaluation", "is_deleted"]
    list_filter = ["year", "status", "level", "evaluation", "is_deleted"]
    raw_id_fields = ["initiative", "unit"]


@admin.register(Decision)
class DecisionAdmin(SimpleHistoryAdmin):
    list_display = ["reference", "signed_on", "kind", "level", "issuer_name", "is_deleted"]
    list_filter = ["kind", "level", "is_deleted"]
    raw_id_fields = ["issuing_unit", "registrations"]
    search_fields = ["number", "symbol", "title"]


@admin.register(Membership)
class MembershipAdmin(SimpleHistoryAdmin):
    list_display = ["user", "unit", "role"]
    list_filter = ["role"]
    raw_id_fields = ["unit"]


@admin.register(Attachment)
class AttachmentAdmin(admin.ModelAdmin):
    list_display = ["title", "initiative", "kind", "size", "uploaded_at"]
    raw_id_fields = ["initiative"]
