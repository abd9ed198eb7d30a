"""The language slips: a name in quotes keeps one pair of double quotes, and the level help."""

import pytest
from django.urls import reverse
from django.utils import translation

from registry import review
from registry.choices import ReviewAction, Role
from registry.forms import LEVEL_HELP, DecisionForm, InitiativeCreateForm, RegistrationForm
from registry.forms.proposals import ProposalForm
from registry.tests.factories import CampaignFactory, InitiativeFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

QUOTED = "Mô hình “Dân vận khéo” hiến đất"


def test_the_delete_confirmation_quotes_a_quoted_name_once(tree, client_for):
    initiative = InitiativeFactory(unit=tree.commune, name=QUOTED)
    page = client_for(tree.editor_a).get(reverse("registry:initiative_delete", args=[initiative.pk]))
    text = page.content.decode()
    assert "“Mô hình ‘Dân vận khéo’ hiến đất”" in text
    assert "“Dân vận khéo” hiến đất”" not in text


def test_the_campaign_form_and_message_quote_a_quoted_title_once(tree, client_for):
    campaign = CampaignFactory(unit=tree.a, title="Thi đua “Dân vận khéo” 2026")
    page = client_for(tree.editor_a).get(reverse("registry:campaign_update", args=[campaign.pk]))
    assert "“Thi đua ‘Dân vận khéo’ 2026”" in page.content.decode()


def test_the_review_refusals_quote_a_quoted_name_once(tree):
    from registry.tests.factories import RegistrationFactory

    registration = RegistrationFactory(initiative=InitiativeFactory(unit=tree.cell, name=QUOTED), year=2023)
    outsider = UserFactory()
    MembershipFactory(user=outsider, unit=tree.b, role=Role.EDITOR)
    with pytest.raises(Exception) as refused:
        review.act(user=tree.editor_a, action=ReviewAction.SUBMIT, registrations=[registration], comment="")
    message = " ".join(getattr(refused.value, "messages", [str(refused.value)]))
    assert "‘Dân vận khéo’" in message and "“Dân vận khéo” hiến đất”" not in message


@pytest.mark.parametrize(
    "field",
    [
        InitiativeCreateForm.base_fields["level"],
        RegistrationForm.base_fields["level"],
        DecisionForm.base_fields["level"],
        ProposalForm.base_fields["level"],
    ],
)
def test_every_level_choice_says_which_level_a_commune_uses(field):
    assert field.help_text == LEVEL_HELP
    with translation.override("vi"):
        assert "Cấp xã: mô hình do đảng ủy xã" in str(field.help_text)
    with translation.override("en"):
        assert "Commune level" in str(field.help_text)


def test_the_model_page_names_a_standard_field_once_and_a_local_one_with_its_standard(tree, client_for):
    from registry.models import Field

    standard = Field.objects.get(name="Kinh tế")  # seeded: named as its standard field is
    local = Field.objects.create(name="Chợ văn minh, an toàn", standard=standard.standard)
    client = client_for(tree.editor_a)
    for field, shown in ((standard, "<dd>Kinh tế</dd>"), (local, "<dd>Chợ văn minh, an toàn <span")):
        initiative = InitiativeFactory(unit=tree.commune, field=field)
        url = reverse("registry:initiative_detail", args=[initiative.pk])
        text = client.get(url, HTTP_ACCEPT_LANGUAGE="vi").content.decode()
        assert shown in text
    assert "(Kinh tế)</span>" in text
