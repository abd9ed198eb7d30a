"""A decision in the trash leaves its number, symbol and date free to be entered again.

The finding: a deleted decision still blocked its reference (the unique constraint counted
deleted rows), so the corrected decision could not be entered.
"""

import pytest
from django.urls import reverse

from registry import services
from registry.models import Decision
from registry.tests.factories import DecisionFactory

pytestmark = pytest.mark.django_db


def same_reference(decision, **extra):
    return {
        "kind": "recognition",
        "number": decision.number,
        "symbol": decision.symbol,
        "signed_on": decision.signed_on.isoformat(),
        "issuing_unit": decision.issuing_unit_id,
        "issuer_name": "Ban Thường vụ Huyện ủy",
        "level": "district",
        "title": "Nhập lại sau khi xóa",
        **extra,
    }


def test_a_deleted_decisions_reference_can_be_entered_again_on_the_form(tree, client_for):
    old = tree.decision_a
    services.soft_delete(user=None, obj=old)
    response = client_for(tree.editor_a).post(reverse("registry:decision_create"), same_reference(old))
    assert response.status_code == 302, response.context["form"].errors
    assert Decision.objects.filter(number=old.number, symbol=old.symbol, is_deleted=False).count() == 1


def test_a_live_decisions_reference_is_still_refused(tree, client_for):
    response = client_for(tree.editor_a).post(
        reverse("registry:decision_create"), same_reference(tree.decision_a)
    )
    assert "Đã có quyết định cùng số" in str(response.context["form"].errors)


def test_restoring_a_decision_whose_reference_was_taken_meanwhile_is_refused_with_a_message(tree, client_for):
    old = tree.decision_a
    services.soft_delete(user=None, obj=old)
    DecisionFactory(
        issuing_unit=old.issuing_unit, number=old.number, symbol=old.symbol, signed_on=old.signed_on
    )
    client = client_for(tree.editor_a)
    response = client.post(reverse("registry:decision_restore", args=[old.pk]), follow=True)
    assert response.status_code == 200
    assert "Đã có quyết định cùng số" in response.content.decode()
    old.refresh_from_db()
    assert old.is_deleted
