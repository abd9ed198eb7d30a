"""Proposals (đề nghị) to the level above: their rules, the decision issued from one, counts, pages."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from registry import proposals, services
from registry.choices import DecisionKind, Level, ProposalOutcome, ProposalStatus, ReviewState, Role
from registry.measures import MEASURE_PARAMS
from registry.models import AwardForm, Decision, Proposal, Registration
from reports import selectors
from reports.periods import Period

from .factories import CampaignFactory, InitiativeFactory, MembershipFactory, RegistrationFactory, UserFactory

pytestmark = pytest.mark.django_db


def heading(tree, **changes):
    """A recognition proposal of Huyện ủy Bạch Thông (A) to the province, for 2023."""
    fields = {
        "year": 2023,
        "kind": DecisionKind.RECOGNITION,
        "level": Level.PROVINCE,
        "unit": tree.a,
        "receiving_unit": tree.province,
        "reference": "25-TTr/HU",
        "proposed_on": datetime.date(2023, 12, 1),
        **changes,
    }
    return Proposal(**fields)


@pytest.fixture
def second(tree):
    """A second 2023 registration of A's subtree: an individual of the commune."""
    initiative = InitiativeFactory(
        name="Mô hình “Dân vận khéo” của bà Lý Thị Mai",
        unit=tree.commune,
        kind="individual",
        person_name="Lý Thị Mai",
    )
    return RegistrationFactory(initiative=initiative, year=2023)


@pytest.fixture
def sent(tree, second):
    """A's recognition proposal of its two 2023 registrations, sent to the province."""
    proposal = proposals.proposal_create(
        user=tree.editor_a, proposal=heading(tree), registrations=[tree.registration_a, second]
    )
    return proposals.proposal_send(user=tree.editor_a, proposal=proposal)


def item_of(proposal, registration):
    return proposal.items.get(registration=registration)


# Rules and refusals -------------------------------------------------------------------------


@pytest.mark.parametrize("receiving", ["b", "a", "commune"])
def test_a_proposal_to_a_unit_that_is_not_above_is_refused_and_nothing_is_saved(tree, receiving):
    with pytest.raises(ValidationError) as refused:
        proposals.proposal_create(
            user=tree.editor_a,
            proposal=heading(tree, receiving_unit=getattr(tree, receiving)),
            registrations=[tree.registration_a],
        )
    assert "không phải cấp trên" in str(refused.value.message_dict["receiving_unit"])
    assert not Proposal.objects.exists()


def test_draft_rows_rows_of_another_branch_and_another_year_are_refused(tree):
    CampaignFactory(unit=tree.province)
    draft = RegistrationFactory(initiative=InitiativeFactory(unit=tree.cell), year=2026)
    assert draft.review_state == ReviewState.DRAFT
    cases = [
        (heading(tree, year=2026, proposed_on=datetime.date(2026, 4, 1)), draft, "còn là dự thảo"),
        (heading(tree), tree.registration_b, "không thuộc Huyện ủy Bạch Thông"),
        (
            heading(tree, year=2024, proposed_on=datetime.date(2024, 4, 1)),
            tree.registration_a,
            "không phải năm",
        ),
    ]
    for proposal, registration, message in cases:
        with pytest.raises(ValidationError) as refused:
            proposals.proposal_create(user=tree.editor_a, proposal=proposal, registrations=[registration])
        assert message in " ".join(refused.value.messages)
    assert not Proposal.objects.exists()


def test_a_registration_is_proposed_once_per_kind_until_it_is_refused(tree, sent, second):
    with pytest.raises(ValidationError) as refused:
        proposals.proposal_create(user=tree.editor_a, proposal=heading(tree), registrations=[second])
    assert "đã có trong một đề nghị công nhận khác" in " ".join(refused.value.messages)
    commendation = heading(
        tree, kind=DecisionKind.COMMENDATION, award_form=AwardForm.objects.get(name="Giấy khen")
    )
    assert proposals.proposal_create(user=tree.editor_a, proposal=commendation, registrations=[second]).pk

    proposals.proposal_decide(
        user=tree.admin_province,
        proposal=sent,
        items=[item_of(sent, second).pk],
        outcome="refused",
        reason="Chưa đủ tiêu chí",
    )
    again = proposals.proposal_create(user=tree.editor_a, proposal=heading(tree), registrations=[second])
    assert again.items.count() == 1
    with pytest.raises(ValidationError):  # taking back the refusal would hold it twice
        proposals.proposal_decide(
            user=tree.admin_province, proposal=sent, items=[item_of(sent, second).pk], outcome="accepted"
        )


def test_only_the_receiving_units_staff_decide_and_a_refusal_needs_its_reason(tree, sent, second):
    item = item_of(sent, second).pk
    for user in (tree.editor_a, tree.viewer_a, tree.editor_b):
        with pytest.raises(PermissionDenied):
            proposals.proposal_decide(user=user, proposal=sent, items=[item], outcome="accepted")
        with pytest.raises(PermissionDenied):
            proposals.decision_from_proposal(
                user=user, proposal=sent, number="1", symbol="QĐ/TU", signed_on=datetime.date(2024, 1, 5)
            )
    with pytest.raises(ValidationError) as refused:
        proposals.proposal_decide(user=tree.admin_province, proposal=sent, items=[item], outcome="refused")
    assert "lý do" in " ".join(refused.value.messages)
    assert not Decision.objects.filter(issuing_unit=tree.province).exists()
    assert sent.items.filter(outcome=ProposalOutcome.PENDING).count() == 2


def test_a_viewer_cannot_propose(tree):
    with pytest.raises(PermissionDenied):
        proposals.proposal_create(
            user=tree.viewer_a, proposal=heading(tree), registrations=[tree.registration_a]
        )


# The decision issued from a proposal --------------------------------------------------------


def test_a_decision_from_a_proposal_covers_its_accepted_rows_with_the_number_date_and_signer(
    tree, sent, second
):
    proposals.proposal_decide(
        user=tree.admin_province,
        proposal=sent,
        items=[item_of(sent, second).pk],
        outcome="refused",
        reason="Chưa đủ tiêu chí",
    )
    decision = proposals.decision_from_proposal(
        user=tree.admin_province,
        proposal=sent,
        number="12",
        symbol="QĐ/TU",
        signed_on=datetime.date(2024, 1, 10),
        signer_name="Nguyễn Văn An",
    )
    assert (decision.reference, decision.signed_on, decision.signer_name) == (
        "12-QĐ/TU",
        datetime.date(2024, 1, 10),
        "Nguyễn Văn An",
    )
    assert (decision.kind, decision.level, decision.issuing_unit) == (
        DecisionKind.RECOGNITION,
        Level.PROVINCE,
        tree.province,
    )
    assert decision.issuer_name == tree.province.name
    assert list(decision.registrations.all()) == [tree.registration_a]
    sent.refresh_from_db()
    assert (sent.status, sent.decision) == (ProposalStatus.DECIDED, decision)
    registration_a, refused = (
        Registration.objects.get(pk=tree.registration_a.pk),
        Registration.objects.get(pk=second.pk),
    )
    assert registration_a.recognition_rank is not None and refused.recognition_rank is None
    assert (
        registration_a.proposed_for_recognition and refused.proposed_for_recognition
    )  # proposed, whatever the answer

    # Undone: its decision deleted, the proposal can be decided again.
    services.soft_delete(user=tree.admin_province, obj=decision)
    again = proposals.decision_from_proposal(
        user=tree.admin_province,
        proposal=sent,
        number="13",
        symbol="QĐ/TU",
        signed_on=datetime.date(2024, 1, 11),
    )
    assert list(again.registrations.all()) == [tree.registration_a]


def test_a_commendation_decision_takes_the_award_form_and_accepts_the_rows_still_pending(tree, second):
    award = AwardForm.objects.get(name="Giấy khen")
    proposal = proposals.proposal_create(
        user=tree.editor_a,
        proposal=heading(
            tree,
            kind=DecisionKind.COMMENDATION,
            award_form=award,
            level=Level.DISTRICT,
            unit=tree.commune,
            receiving_unit=tree.a,
        ),
        registrations=[second],
    )
    proposals.proposal_send(user=tree.editor_a, proposal=proposal)
    decision = proposals.decision_from_proposal(
        user=tree.editor_a,
        proposal=proposal,
        number="40",
        symbol="QĐ-UBND",
        signed_on=datetime.date(2024, 1, 5),
    )
    assert (decision.kind, decision.award_form) == (DecisionKind.COMMENDATION, award)
    assert Registration.objects.get(pk=second.pk).is_commended
    assert item_of(proposal, second).outcome == ProposalOutcome.ACCEPTED


def test_a_decision_refused_by_its_rules_leaves_the_proposal_as_it_was(tree, sent):
    with pytest.raises(ValidationError):  # signed before the models registered
        proposals.decision_from_proposal(
            user=tree.admin_province,
            proposal=sent,
            number="5",
            symbol="QĐ/TU",
            signed_on=datetime.date(2023, 1, 2),
        )
    sent.refresh_from_db()
    assert sent.status == ProposalStatus.SENT
    assert not sent.items.exclude(outcome=ProposalOutcome.PENDING).exists()


# Counts -------------------------------------------------------------------------------------


def test_proposed_counts_equal_their_lists_and_follow_send_and_withdraw(tree, sent, client):
    period = Period.year(2023)
    superuser = UserFactory(username="sieu", is_superuser=True)
    current = selectors.summary(superuser, tree.province, period)["current"]
    assert (
        current["proposed_recognition"],
        current["proposed_recognition_collective"],
        current["proposed_recognition_individual"],
    ) == (2, 1, 1)
    assert current["proposed_commendation"] == 0
    client.force_login(superuser)
    for key in ("proposed_recognition", "proposed_recognition_individual"):
        params = {"unit": tree.province.pk, **period.list_params(), **MEASURE_PARAMS[key]}
        listed = client.get(reverse("registry:registration_list"), params)
        assert listed.context["paginator"].count == current[key], key
    report = client.get(reverse("reports:report"), {"unit": tree.province.pk, **period.form_params()})
    assert "Đề nghị công nhận: <a" in report.content.decode()

    proposals.proposal_withdraw(user=tree.editor_a, proposal=sent)
    province = type(tree.province).objects.get(pk=tree.province.pk)  # a new request's, with its revision
    assert selectors.summary(superuser, province, period)["current"]["proposed_recognition"] == 0


# Pages --------------------------------------------------------------------------------------


def form_post(tree, **changes):
    return {
        "year": "2023",
        "kind": DecisionKind.RECOGNITION,
        "level": Level.PROVINCE,
        "unit": tree.a.pk,
        "receiving_unit": tree.province.pk,
        "reference": "25-TTr/HU",
        "proposed_on": "01/12/2023",
        "query": f"year=2023&unit={tree.a.pk}",
        "token": services.new_token(),
        **changes,
    }


def test_a_proposal_made_from_the_filtered_list_holds_every_row_and_is_made_once_when_sent_twice(
    tree, second, client
):
    client.force_login(tree.editor_a)
    page = client.get(reverse("registry:proposal_create") + f"?year=2023&unit={tree.a.pk}&page=2")
    assert page.status_code == 200 and page.context["chosen_count"] == 2
    data = form_post(tree)
    first = client.post(reverse("registry:proposal_create"), data)
    again = client.post(reverse("registry:proposal_create"), data)
    proposal = Proposal.objects.get()
    assert first["Location"] == again["Location"] == proposal.get_absolute_url()
    assert proposal.items.count() == 2 and proposal.created_by == tree.editor_a
    assert proposal.history.first().history_user == tree.editor_a


def test_the_pages_let_the_receiving_unit_decide_and_issue_the_decision_once(tree, sent, second, client):
    client.force_login(tree.admin_province)
    action = reverse("registry:proposal_action", args=[sent.pk])
    response = client.post(action, {"step": "refused", "item": [item_of(sent, second).pk], "reason": ""})
    assert response.status_code == 302 and item_of(sent, second).outcome == ProposalOutcome.PENDING
    client.post(action, {"step": "accept_all"})
    assert not sent.items.exclude(outcome=ProposalOutcome.ACCEPTED).exists()
    url = reverse("registry:proposal_decision", args=[sent.pk])
    data = {
        "number": "12",
        "symbol": "QĐ/TU",
        "signed_on": "10/01/2024",
        "signer_name": "Nguyễn Văn An",
        "token": services.new_token(),
    }
    first, second_post = client.post(url, data), client.post(url, data)
    decision = Decision.objects.get(issuing_unit=tree.province)
    assert first["Location"] == second_post["Location"] == decision.get_absolute_url()
    assert decision.registrations.count() == 2


def page_urls(proposal):
    return {
        "detail": reverse("registry:proposal_detail", args=[proposal.pk]),
        "update": reverse("registry:proposal_update", args=[proposal.pk]),
        "decision": reverse("registry:proposal_decision", args=[proposal.pk]),
    }


@pytest.mark.parametrize(
    ("who", "detail", "decision", "action"),
    [
        ("viewer_a", 200, 404, 404),  # reads its unit's proposal, changes nothing
        ("editor_a", 200, 403, 302),  # proposes, never decides
        ("editor_b", 404, 404, 404),  # another branch sees nothing
        ("admin_b", 404, 404, 404),
        ("admin_province", 200, 200, 302),
    ],
)
def test_each_role_reaches_only_what_it_may(tree, sent, client, who, detail, decision, action):
    if who == "admin_b":
        user = UserFactory(username="quantri_b")
        MembershipFactory(user=user, unit=tree.b, role=Role.ADMIN)
    else:
        user = getattr(tree, who)
    client.force_login(user)
    urls = page_urls(sent)
    assert client.get(urls["detail"]).status_code == detail
    assert client.get(urls["decision"]).status_code == decision
    listed = client.get(reverse("registry:proposal_list")).context["object_list"]
    assert (sent in listed) is (detail == 200)
    step = "accept_all" if who == "admin_province" else "withdraw"
    assert (
        client.post(reverse("registry:proposal_action", args=[sent.pk]), {"step": step}).status_code == action
    )


def test_a_draft_is_read_by_its_unit_only_not_yet_by_the_unit_above(tree, second, client):
    proposal = proposals.proposal_create(user=tree.editor_a, proposal=heading(tree), registrations=[second])
    client.force_login(tree.admin_province)
    # The province administrator covers A's subtree: it reads A's draft as A's own record.
    assert client.get(page_urls(proposal)["detail"]).status_code == 200
    client.force_login(tree.editor_b)
    assert client.get(page_urls(proposal)["detail"]).status_code == 404


@pytest.mark.parametrize(
    ("method", "name", "data"),
    [
        ("get", "list", {"year": "abc", "kind": "zz", "status": "%00", "direction": "x", "page": "999"}),
        ("get", "create", {"year": "99999999999", "unit": "abc", "recognised": "maybe", "page": "zz"}),
        (
            "post",
            "create",
            {
                "year": "x",
                "kind": "x",
                "unit": "-1",
                "receiving_unit": "abc",
                "proposed_on": "32/13/2023",
                "query": "year=%ff&unit=0",
            },
        ),
        ("post", "action", {"step": "zz", "item": ["abc", "-1", "99999999999999999999"]}),
        ("post", "action", {"step": "accepted", "item": "abc"}),
        ("post", "decision", {"number": "", "symbol": "x" * 100, "signed_on": "31/02/2024", "token": "%%"}),
        ("post", "decision", {"number": "1", "symbol": "QĐ/TU", "signed_on": "01/01/1900"}),
        ("post", "update", {"year": "2023", "unit": "abc", "receiving_unit": "-5", "version": "garbage"}),
    ],
)
def test_odd_input_never_answers_a_server_error(tree, sent, client, method, name, data):
    client.force_login(tree.admin_province)
    urls = {
        "list": reverse("registry:proposal_list"),
        "create": reverse("registry:proposal_create"),
        "action": reverse("registry:proposal_action", args=[sent.pk]),
        "decision": reverse("registry:proposal_decision", args=[sent.pk]),
        "update": reverse("registry:proposal_update", args=[sent.pk]),
    }
    response = getattr(client, method)(urls[name], data)
    assert response.status_code in {200, 302, 404}
    assert client.get(reverse("registry:proposal_detail", args=[999999])).status_code == 404


def test_the_history_of_a_proposal_is_read_in_its_scope_and_in_the_change_log(tree, sent, client):
    url = reverse("registry:history", args=["de-nghi", sent.pk])
    client.force_login(tree.editor_b)
    assert client.get(url).status_code == 404
    client.force_login(tree.admin_province)
    assert client.get(url).status_code == 200
    log = client.get(reverse("registry:changelog"), {"kind": "de-nghi"}).content.decode()
    assert "Đề nghị công nhận 25-TTr/HU" in log


def test_rows_are_added_to_a_draft_from_the_filtered_list_and_removed_while_it_is_a_draft(
    tree, second, client
):
    proposal = proposals.proposal_create(user=tree.editor_a, proposal=heading(tree), registrations=[second])
    client.force_login(tree.editor_a)
    page = client.get(reverse("registry:proposal_create") + f"?year=2023&unit={tree.cell.pk}")
    assert proposal in page.context["drafts"]
    action = reverse("registry:proposal_action", args=[proposal.pk])
    client.post(action, {"step": "add", "query": f"year=2023&unit={tree.cell.pk}"})
    assert set(proposal.items.values_list("registration", flat=True)) == {second.pk, tree.registration_a.pk}
    client.post(action, {"step": "remove", "item": [item_of(proposal, second).pk]})
    assert list(proposal.items.values_list("registration", flat=True)) == [tree.registration_a.pk]
    proposals.proposal_send(user=tree.editor_a, proposal=proposal)
    response = client.post(action, {"step": "add", "query": f"year=2023&unit={tree.commune.pk}"}, follow=True)
    assert "Đã gửi" in response.content.decode()  # refused: the proposal is no longer a draft
    assert proposal.items.count() == 1
