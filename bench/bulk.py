"""Time the bulk actions of the model list on many rows: evaluate, submit and accept, a decision.

``bench/run.py`` calls ``bulk_actions`` on the national data; the tests call it on a small
database. Everything runs in one transaction rolled back at the end (each chunk's transaction
becomes a savepoint in it), so the data set is left as it was. The rows are made drafts of a
campaign launched by ``unit`` before the review is timed, by an UPDATE around the services:
the counts kept ready are off inside the transaction, which is rolled back.
"""

import datetime
import time

from django.db import transaction
from django.utils import timezone


def bulk_actions(user, unit, year, size=20_000, decision_size=10_000):
    """Time evaluating, submitting and accepting ``size`` registrations of ``unit``'s subtree in
    ``year``, and a decision covering ``decision_size`` of them; return the seconds of each."""
    from intake import jobs
    from registry import services
    from registry.choices import DecisionKind, Level, ReviewState
    from registry.models import Campaign, Decision, Registration

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
    with transaction.atomic():
        rows = Registration.objects.alive().filter(unit__path__startswith=unit.path, year=year)
        pks = jobs.ordered_pks(rows)[:size]
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
        transaction.set_rollback(True)
    return result
