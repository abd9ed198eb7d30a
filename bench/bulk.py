"""Time the bulk actions of the model list on many rows: evaluate, submit and accept, a decision,
and the proposal path (propose and send, accept every row, the decision from the proposal).

``bench/run.py`` calls ``bulk_actions`` on the national data; the tests call it on a small
database. Everything runs in one transaction rolled back at the end (each chunk's transaction
becomes a savepoint in it), so the data set is left as it was. No province of the data set
registers 20.000 models in one year, so the rows of earlier years whose models are not
registered in the year are moved into it first; and the rows are made drafts of a campaign
launched by ``unit`` before the review is timed. Both are UPDATEs around the services, kept
in the counts by ``registry.tally.tracking`` like any write, and undone with the rest.
"""

import datetime
import time

from django.db import transaction
from django.utils import timezone


def bulk_actions(user, unit, year, size=20_000, decision_size=10_000):
    """Time evaluating, submitting and accepting ``size`` registrations of ``unit``'s subtree in
    ``year``, and a decision covering ``decision_size`` of them; return the seconds of each."""
    from intake import jobs
    from registry import proposals, services, tally
    from registry.choices import DecisionKind, Level, ProposalOutcome, ReviewState
    from registry.models import AwardForm, Campaign, Decision, Proposal, Registration

    def run(action, pks, **parameters):
        started = time.perf_counter()
        job, _created = jobs.job_create(user=user, action=action, parameters=parameters, query="", pks=pks)
        job = jobs.job_run(job=job)
        return {
            "seconds": round(time.perf_counter() - started, 2),
            "status": job.status,
            "changed": job.changed,
            "skipped": job.skipped,
            "errors": job.errors[:2],
        }

    today = timezone.localdate()
    result = {}

    def timed(function, **kwargs):
        started = time.perf_counter()
        value = function(**kwargs)
        return value, round(time.perf_counter() - started, 2)

    with transaction.atomic():
        pks = _rows(unit, year, size)
        result["rows"] = len(pks)
        day = min(datetime.date(year, 12, 1), today)
        result["evaluate"] = run(jobs.EVALUATE, pks, evaluation="effective", evaluated_on=day.isoformat())

        campaign = Campaign.objects.create(
            year=year,
            unit=unit,
            title="Bench",
            launched_on=datetime.date(year, 1, 15),
            registration_deadline=datetime.date(year, 3, 31),
            evaluation_deadline=datetime.date(year, 11, 30),
        )
        with tally.tracking(tally.pairs_of(Registration.objects.filter(pk__in=pks))):
            Registration.objects.filter(pk__in=pks).update(
                campaign=campaign, review_state=ReviewState.DRAFT, reviewer=None
            )
        result["submit"] = run(jobs.SUBMIT, pks)
        result["accept"] = run(jobs.ACCEPT, pks)

        decision = services.decision_create(
            user=user,
            decision=Decision(
                kind=DecisionKind.RECOGNITION,
                number="9999",
                symbol="QĐ/BENCH",
                # Signed while the unit was open (an old province closed on 30/6/2025) and after
                # every registration of the year.
                signed_on=min(datetime.date(year, 12, 31), today),
                issuing_unit=unit,
                issuer_name="Bench",
                level=Level.PROVINCE,
                title="Bench",
            ),
        )
        result["decision"] = run(jobs.DECISION_ADD, pks[:decision_size], decision=decision.pk)

        # The proposal path: the unit proposes every row to the unit above for commendation.
        day = min(datetime.date(year, 12, 1), today)
        proposal = Proposal(
            year=year,
            kind=DecisionKind.COMMENDATION,
            unit=unit,
            receiving_unit=unit.get_parent(),
            level=Level.PROVINCE,
            award_form=AwardForm.objects.order_by("order").first(),
            reference="99-TTr/BENCH",
            proposed_on=day,
        )
        proposal, created = timed(
            proposals.proposal_create, user=user, proposal=proposal, registrations=pks, token=""
        )
        _sent, sent = timed(proposals.proposal_send, user=user, proposal=proposal)
        result["propose"] = {"seconds": round(created + sent, 2), "changed": proposal.items.count()}
        items = list(proposal.items.values_list("pk", flat=True))
        changed, seconds = timed(
            proposals.proposal_decide,
            user=user,
            proposal=proposal,
            items=items,
            outcome=ProposalOutcome.ACCEPTED,
        )
        result["proposal_accept"] = {"seconds": seconds, "changed": changed}
        decided, seconds = timed(
            proposals.decision_from_proposal,
            user=user,
            proposal=proposal,
            number="9998",
            symbol="QĐ/BENCH",
            signed_on=day,
        )
        result["proposal_decision"] = {"seconds": seconds, "changed": decided.registrations.count()}
        transaction.set_rollback(True)
    return result


def _rows(unit, year, size):
    """Return up to ``size`` ids of live registrations of ``unit``'s subtree in ``year``.

    The year's own first; then rows of earlier years whose model is not yet among them are
    moved into the year (an UPDATE, inside the caller's rolled-back transaction).
    """
    from intake import jobs
    from registry import tally
    from registry.models import Registration

    rows = Registration.objects.alive().filter(unit__path__startswith=unit.path)
    pks = jobs.ordered_pks(rows.filter(year=year))[:size]
    taken = set(Registration.objects.filter(pk__in=pks).values_list("initiative_id", flat=True))
    for earlier in range(year - 1, year - 6, -1):
        if len(pks) >= size:
            break
        moved = []
        for pk, initiative in rows.filter(year=earlier).order_by("pk").values_list("pk", "initiative_id"):
            if initiative not in taken and len(pks) + len(moved) < size:
                taken.add(initiative)
                moved.append(pk)
        before = tally.pairs_of(Registration.objects.filter(pk__in=moved))
        with tally.tracking(before | {(unit_id, year) for unit_id, _year in before}):
            Registration.objects.filter(pk__in=moved).update(
                year=year, registered_on=datetime.date(year, 2, 1)
            )
        pks += moved
    return pks
