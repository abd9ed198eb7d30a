"""Optimistic concurrency: a save from a form opened before another user's change is refused.

The refusal names who changed the record and when, shows the stored version beside what the
user typed, and keeps the typed values in the form with the new version, so that saving again
applies them over the other change.
"""

import datetime
import re

import pytest
from django import forms
from django.urls import reverse

from registry import services
from registry.choices import Role
from registry.forms import DecisionForm, FieldForm, InitiativeForm, RegistrationForm, UnitForm
from registry.models import Decision, Field, Initiative, Registration, Unit

from .factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def form_data(form):
    """Return the POST data that submits ``form`` (unbound) unchanged, as a browser would."""
    data = {}
    for name, field in form.fields.items():
        if isinstance(field, forms.FileField):
            continue
        value = form[name].value()
        if isinstance(value, datetime.date):
            value = f"{value:%d/%m/%Y}"
        if value is True:
            value = "on"
        if value in (None, False):
            continue
        data[name] = value
    return data


def opened(form_class, obj, user, **kwargs):
    """Return the data of ``obj``'s edit form as ``user`` opens it now."""
    return form_data(form_class(instance=obj, user=user, **kwargs))


def test_a_second_edit_of_an_initiative_is_refused_showing_both_versions_and_then_applies(tree, client):
    tree.editor_a.first_name = "Hoa"
    tree.editor_a.save()
    other = UserFactory(username="bientap_a2", first_name="Lan")
    MembershipFactory(user=other, unit=tree.a, role=Role.EDITOR)
    initiative = tree.initiative_a
    first = opened(InitiativeForm, initiative, tree.editor_a)
    second = opened(InitiativeForm, initiative, other)

    client.force_login(tree.editor_a)
    response = client.post(
        reverse("registry:initiative_update", args=[initiative.pk]), {**first, "name": "Tên mới của Hoa"}
    )
    assert response.status_code == 302

    client.force_login(other)
    url = reverse("registry:initiative_update", args=[initiative.pk])
    response = client.post(url, {**second, "address": "Thôn Nà Phải"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "đã được Hoa sửa lúc" in page
    assert "Tên mới của Hoa" in page  # the stored version, shown beside what was typed
    assert "Thôn Nà Phải" in page  # what the user typed stays in the form
    initiative.refresh_from_db()
    assert (initiative.name, initiative.address) == ("Tên mới của Hoa", "")

    # The page carries the new version: saving again applies the user's form over the change.
    version = re.search(r'name="version" value="([^"]+)"', page).group(1)
    assert version == services.version_of(initiative)
    response = client.post(url, {**second, "address": "Thôn Nà Phải", "version": version})
    assert response.status_code == 302
    initiative.refresh_from_db()
    assert initiative.address == "Thôn Nà Phải"


@pytest.mark.parametrize("kind", ["registration", "decision", "unit", "field"])
def test_every_edit_form_refuses_a_save_over_a_change_made_since_it_was_opened(tree, client, kind):
    editor = tree.admin_province
    if kind == "registration":
        obj = tree.registration_a
        form = RegistrationForm(instance=obj, user=editor, initiative=obj.initiative)
        url = reverse("registry:registration_update", args=[obj.pk])
        change = {"results": "Làm được 2 km đường"}
    elif kind == "decision":
        obj = tree.decision_a
        form = DecisionForm(instance=obj, user=editor)
        url = reverse("registry:decision_update", args=[obj.pk])
        change = {"title": "Công nhận mô hình năm 2023"}
    elif kind == "unit":
        obj = tree.commune
        form = UnitForm(instance=obj, user=editor)
        url = reverse("registry:unit_update", args=[obj.pk])
        change = {"short_name": "CG"}
    else:
        editor = UserFactory(is_superuser=True, is_staff=True)
        obj = Field.objects.first()
        form = FieldForm(instance=obj)
        url = reverse("registry:field_update", args=[obj.pk])
        change = {"order": 42}
    data = form_data(form)
    client.force_login(editor)
    assert client.post(url, data).status_code == 302  # the first save, from a form opened before
    stored = type(obj).objects.get(pk=obj.pk)
    response = client.post(url, {**data, **change})
    assert response.status_code == 200
    assert "sau khi bạn mở trang" in response.content.decode()
    assert services.version_of(type(obj).objects.get(pk=obj.pk)) == services.version_of(stored)


def test_the_check_holds_in_the_service_for_a_record_changed_by_another_writer(tree):
    initiative = Initiative.objects.get(pk=tree.initiative_a.pk)
    version = services.version_of(initiative)
    other = Initiative.objects.get(pk=initiative.pk)
    other.address = "Bản khác"
    services.initiative_update(user=tree.editor_b, initiative=other)
    initiative.name = "Tên cũ đè lên"
    with pytest.raises(services.EditConflict) as refused:
        services.initiative_update(user=tree.editor_a, initiative=initiative, version=version)
    assert refused.value.stored.address == "Bản khác"
    assert "bientap_b" in refused.value.messages[0]
    assert Initiative.objects.get(pk=initiative.pk).name == tree.initiative_a.name
    for model in (Registration, Decision, Unit):
        assert hasattr(model, "updated_at")
