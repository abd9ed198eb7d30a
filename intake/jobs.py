"""Bulk actions on every row matching the model list's filter, however many.

An action (evaluate, a review step, add to or remove from a decision) is confirmed on a
preview of its count, then recorded as a ``BulkJob`` holding the rows it works on. Up to
``inline_rows()`` rows it runs in the request; past that it runs as a task, with a progress
page. Either way it runs the same ``job_run``: a chunk of ``chunk_rows()`` rows per
transaction, each inside ``tally.tracking``, moving the job's ``done`` on in the same commit.
So a job stopped half-way says what it did, and run again goes on from the next chunk.

What would refuse the whole action (a review step that one row does not allow, a decision
signed before a registration) is checked on every row before the first write, and then
nothing is changed. Rows that an evaluation may not touch (drafts and returned registrations
of a campaign, rows locked by a reviewer above the user) are skipped and counted.
"""

import datetime
import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext_lazy

from registry import review, rules, tally
from registry import services as registry_services
from registry.choices import Evaluation, ReviewAction
from registry.chunks import batched
from registry.models import Decision, Field, Initiative, Registration
from registry.querysets import CHANGE

from . import bulkwrite
from .models import BulkJob, JobStatus

logger = logging.getLogger(__name__)

EVALUATE = "evaluate"
SUBMIT = ReviewAction.SUBMIT.value
ACCEPT = ReviewAction.ACCEPT.value
RETURN = ReviewAction.RETURN.value
DECISION_ADD = "decision_add"
DECISION_REMOVE = "decision_remove"
EDIT = "edit"
REVIEW_ACTIONS = (SUBMIT, ACCEPT, RETURN)
ACTIONS = (EVALUATE, *REVIEW_ACTIONS, DECISION_ADD, DECISION_REMOVE, EDIT)


def inline_rows() -> int:
    """Return how many rows an action works in the request; more run as a task (``BULK_INLINE_ROWS``)."""
    return getattr(settings, "BULK_INLINE_ROWS", 2000)


def chunk_rows() -> int:
    """Return how many rows one transaction of a bulk action writes (``BULK_CHUNK_ROWS``)."""
    return getattr(settings, "BULK_CHUNK_ROWS", 2000)


# Evaluation ----------------------------------------------------------------------------------


def registrations_evaluate(
    *, user, registrations, evaluation: str, evaluated_on: datetime.date | None = None, note: str = ""
) -> dict:
    """Evaluate ``registrations`` (a queryset or ids): effective or not, on a date, with a note.

    Only the alive rows ``user`` may change are written, and of those not the drafts and
    returned registrations of a campaign (evaluated once submitted, ``review.OPEN_STATES``)
    nor the rows locked for the user by a reviewer above (``review.is_locked_for``): these are
    skipped and counted. One UPDATE per chunk and one history row per registration written.
    Returns {"changed": n, "open": n, "locked": n}.
    """
    if evaluation not in (Evaluation.EFFECTIVE, Evaluation.NOT_EFFECTIVE):
        raise ValidationError({"evaluation": _("Hãy chọn kết quả đánh giá: hiệu quả hoặc chưa hiệu quả.")})
    evaluated_on = evaluated_on or timezone.localdate()
    rules.DateRangeValidator("evaluated_on")(evaluated_on)
    pks = sorted(
        registrations.values_list("pk", flat=True)
        if hasattr(registrations, "values_list")
        else set(registrations)
    )
    outcome = {"changed": 0, "open": 0, "locked": 0}
    with transaction.atomic():
        for part in batched(pks, chunk_rows()):
            for key, value in _evaluate_chunk(user, part, evaluation, evaluated_on, note.strip()).items():
                outcome[key] += value
    return outcome


def _evaluate_chunk(user, pks, evaluation, evaluated_on, note):
    registry_services.lock_rows(Registration, pks)
    rows = list(
        Registration.objects.restrict(user, CHANGE)
        .alive()
        .filter(pk__in=pks)
        .select_related("reviewer")
        .only("pk", "unit_id", "year", "campaign_id", "review_state", "reviewer__path", "evaluation")
    )
    open_rows = {r.pk for r in rows if r.campaign_id and r.review_state in review.OPEN_STATES}
    locked = {r.pk for r in rows if r.pk not in open_rows and review.is_locked_for(user, r)}
    target = [r for r in rows if r.pk not in open_rows and r.pk not in locked]
    if target:
        now = timezone.now()
        ids = [r.pk for r in target]
        with tally.tracking({(r.unit_id, r.year) for r in target}):
            Registration.objects.filter(pk__in=ids).update(
                evaluation=evaluation, evaluated_on=evaluated_on, evaluation_note=note, updated_at=now
            )
        bulkwrite.copy_history(Registration, ids, history_type="~", user=user, date=now)
    return {"changed": len(target), "open": len(open_rows), "locked": len(locked)}


# Edit: level, grade, field -----------------------------------------------------------------


def registrations_edit(*, user, registrations, level: str = "", grade: str = "", field_id=None) -> dict:
    """Set the level of ``registrations`` (a queryset or ids), the grade and field of their initiatives.

    Only the alive rows ``user`` may change are written, and not those locked for the user by a
    reviewer above (``review.is_locked_for``): nor the initiative of a row when any of its years
    is locked, as its grade and field count in every year (``review.check_editable``). These are
    skipped and counted. An initiative set in an earlier chunk is not written again. One UPDATE
    per table and chunk, one history row per record written, inside ``tally.tracking``.
    Returns {"changed": n, "locked": n}.
    """
    if not (level or grade or field_id):
        raise ValidationError(_("Hãy chọn cấp đăng ký, xếp loại hoặc lĩnh vực mới."))
    if field_id and not Field.objects.active().filter(pk=field_id).exists():
        raise ValidationError({"field": _("Lĩnh vực đã chọn không còn dùng.")})
    pks = sorted(
        registrations.values_list("pk", flat=True)
        if hasattr(registrations, "values_list")
        else set(registrations)
    )
    outcome = {"changed": 0, "locked": 0}
    with transaction.atomic():
        for part in batched(pks, chunk_rows()):
            for key, value in _edit_chunk(user, part, level, grade, field_id).items():
                outcome[key] += value
    return outcome


def _edit_chunk(user, pks, level, grade, field_id):
    rows = Registration.objects.restrict(user, CHANGE).alive().filter(pk__in=pks)
    initiative_ids = set(rows.values_list("initiative_id", flat=True)) if (grade or field_id) else set()
    # The initiatives first, then their registrations: the order of the other writers.
    registry_services.lock_rows(Initiative, initiative_ids)
    registry_services.lock_rows(Registration, pks)
    rows = list(
        rows.select_related("reviewer").only(
            "pk", "unit_id", "year", "initiative_id", "review_state", "reviewer__path", "level"
        )
    )
    locked = {r.pk for r in rows if review.is_locked_for(user, r)}
    target = [r for r in rows if r.pk not in locked]
    values = {key: value for key, value in (("grade", grade), ("field_id", field_id)) if value}
    initiatives = []
    if values and target:
        held = (
            Registration.objects.alive()
            .filter(initiative_id__in={r.initiative_id for r in target}, reviewer__isnull=False)
            .filter(review_state__in=review.LOCKED_STATES)
            .select_related("reviewer")
            .only("pk", "initiative_id", "review_state", "reviewer__path")
        )
        frozen = {r.initiative_id for r in held if review.is_locked_for(user, r)}
        locked |= {r.pk for r in target if r.initiative_id in frozen}
        target = [r for r in target if r.initiative_id not in frozen]
        differs = Q()
        for key, value in values.items():
            differs |= ~Q(**{key: value})
        initiatives = list(
            Initiative.objects.restrict(user, CHANGE)
            .alive()
            .filter(pk__in={r.initiative_id for r in target})
            .filter(differs)
            .values_list("pk", flat=True)
        )
    relevelled = [r.pk for r in target if level and r.level != level]
    if relevelled or initiatives:
        now = timezone.now()
        pairs = {(r.unit_id, r.year) for r in target}
        with tally.tracking(
            pairs, stored=lambda: tally.pairs_of(Registration.objects.filter(initiative_id__in=initiatives))
        ):
            if relevelled:
                Registration.objects.filter(pk__in=relevelled).update(level=level, updated_at=now)
            if initiatives:
                Initiative.objects.filter(pk__in=initiatives).update(**values, updated_at=now)
        bulkwrite.copy_history(Registration, relevelled, history_type="~", user=user, date=now)
        bulkwrite.copy_history(Initiative, initiatives, history_type="~", user=user, date=now)
    return {"changed": len(target), "locked": len(locked)}


# Jobs ----------------------------------------------------------------------------------------


def job_create(
    *, user, action: str, parameters: dict, query: str, pks, token: str = ""
) -> tuple[BulkJob, bool]:
    """Record a confirmed bulk action on ``pks``; return (job, created).

    Give ``pks`` ordered by registering unit and year (``ordered_pks``): each chunk then
    touches few (unit, year) pairs, which the counts kept ready recount before and after it.

    ``token``, the confirmation form's, makes the same confirmation sent twice one job: the
    second gets the first one's job and ``created`` False.
    """
    token = registry_services.valid_token(token)
    if token and (existing := BulkJob.objects.filter(user=user, form_token=token).first()):
        return existing, False
    pks = list(dict.fromkeys(pks))  # in the order given, once each
    job = BulkJob(
        user=user,
        action=action,
        parameters=parameters,
        query=query,
        pks=pks,
        total=len(pks),
        form_token=token,
    )
    try:
        with transaction.atomic():
            job.save()
    except IntegrityError:
        return BulkJob.objects.get(user=user, form_token=token), False
    return job, True


def ordered_pks(registrations):
    """The keys of ``registrations`` in the order a job works them: by unit, year, key."""
    return list(registrations.order_by("unit_id", "year", "pk").values_list("pk", flat=True))


def job_run(*, job: BulkJob) -> BulkJob:
    """Run ``job`` from its first chunk not done to the end; record the outcome on it."""
    claimed = BulkJob.objects.filter(pk=job.pk, status__in=[JobStatus.QUEUED, JobStatus.RUNNING]).update(
        status=JobStatus.RUNNING
    )
    job.refresh_from_db()
    if not claimed:
        return job
    runner = RUNNERS[job.action]
    try:
        if not job.done:
            runner.check(job)
        size = runner.chunk()
        for start in range(job.done, job.total, size):
            part = job.pks[start : start + size]
            with transaction.atomic():
                changed, skipped = runner.write(job, part)
                BulkJob.objects.filter(pk=job.pk).update(
                    done=start + len(part), changed=job.changed + changed, skipped=job.skipped + skipped
                )
            job.done, job.changed, job.skipped = (
                start + len(part),
                job.changed + changed,
                job.skipped + skipped,
            )
    except ValidationError as error:
        return _finish(job, JobStatus.FAILED, errors=error.messages)
    except Exception:
        logger.exception("Bulk job %s failed", job.pk)
        _finish(job, JobStatus.FAILED, errors=[_("Lỗi không lường trước; đã báo quản trị hệ thống.")])
        raise
    return _finish(job, JobStatus.DONE)


def _finish(job, status, errors=()):
    job.status = status
    job.errors = list(errors)
    job.finished_at = timezone.now()
    job.message = outcome_message(job)
    BulkJob.objects.filter(pk=job.pk).update(
        status=job.status, errors=job.errors, finished_at=job.finished_at, message=job.message
    )
    return job


def outcome_message(job) -> str:
    """Say in a sentence what ``job`` did (and, when it stopped, what it left undone)."""
    done = RUNNERS[job.action].done_message % {"count": job.changed}
    parts = [done]
    if job.skipped:
        parts.append(RUNNERS[job.action].skipped_message % {"count": job.skipped})
    if job.status == JobStatus.FAILED:
        if job.changed or job.done:
            parts.append(
                _("Dừng lại sau %(done)s/%(total)s mô hình; các mô hình còn lại chưa được thay đổi.")
                % {"done": job.done, "total": job.total}
            )
        else:
            parts = [_("Không mô hình nào được thay đổi.")]
    return " ".join(parts)


def job_lost(job_id: int) -> None:
    """Mark a job whose run could not finish as failed, saying how far it went."""
    job = BulkJob.objects.filter(pk=job_id, status__in=[JobStatus.QUEUED, JobStatus.RUNNING]).first()
    if job is not None:
        _finish(
            job,
            JobStatus.FAILED,
            errors=[
                _(
                    "Việc xử lý bị gián đoạn (mất kết nối tới cơ sở dữ liệu hoặc tiến trình xử lý nền dừng). "
                    "Hãy lọc lại danh sách và thực hiện tiếp cho các mô hình còn lại."
                )
            ],
        )


# What each action checks before the first write, and writes per chunk ---------------------


class _Evaluate:
    chunk = staticmethod(chunk_rows)
    done_message = gettext_lazy("Đã ghi đánh giá cho %(count)s mô hình.")
    skipped_message = gettext_lazy(
        "Bỏ qua %(count)s mô hình đang là dự thảo, bị trả lại (chỉ đánh giá được sau khi đơn vị gửi lên) "
        "hoặc đã gửi lên cấp trên của bạn (bị khóa)."
    )

    def check(self, job):
        pass

    def write(self, job, pks):
        params = job.parameters
        outcome = registrations_evaluate(
            user=job.user,
            registrations=pks,
            evaluation=params["evaluation"],
            evaluated_on=datetime.date.fromisoformat(params["evaluated_on"])
            if params.get("evaluated_on")
            else None,
            note=params.get("note", ""),
        )
        return outcome["changed"], outcome["open"] + outcome["locked"]


class _Review:
    skipped_message = ""
    chunk = staticmethod(chunk_rows)

    def __init__(self, action, done_message):
        self.action = action
        self.done_message = done_message

    def check(self, job):
        """Plan the step for every row (reading only): one refused row refuses the whole job."""
        review.check(
            user=job.user,
            action=self.action,
            registrations=job.pks,
            comment=job.parameters.get("comment", ""),
        )

    def write(self, job, pks):
        done = review.act(
            user=job.user,
            action=self.action,
            registrations=Registration.objects.filter(pk__in=pks),
            comment=job.parameters.get("comment", ""),
        )
        return done, 0


class _Decision:
    skipped_message = gettext_lazy("Bỏ qua %(count)s mô hình đã có (hoặc không có) trong quyết định.")

    def __init__(self, add):
        self.add = add
        # Each chunk's save copies every covered row into the decision's history: few, large chunks.
        self.chunk = lambda: 5 * chunk_rows()
        self.done_message = (
            gettext_lazy("Đã thêm %(count)s mô hình vào quyết định.")
            if add
            else gettext_lazy("Đã bỏ %(count)s mô hình khỏi quyết định.")
        )

    def decision(self, job):
        decision = (
            Decision.objects.restrict(job.user, CHANGE)
            .alive()
            .filter(pk=job.parameters.get("decision"))
            .first()
        )
        if decision is None:
            raise ValidationError(_("Quyết định không còn, hoặc bạn không có quyền sửa quyết định này."))
        return decision

    def check(self, job):
        decision = self.decision(job)
        if self.add:
            for part in batched(job.pks, chunk_rows()):
                early = Registration.objects.filter(pk__in=part, registered_on__gt=decision.signed_on)
                rules.check_decided_after(decision.signed_on, list(early.select_related("initiative")))

    def write(self, job, pks):
        decision = self.decision(job)
        # The rows already covered, from the through table (an anti-join to it plans badly).
        inside = set(
            Decision.registrations.through.objects.filter(
                decision=decision, registration_id__in=pks
            ).values_list("registration_id", flat=True)
        )
        wanted = [pk for pk in pks if (pk not in inside) == self.add]
        chosen = Registration.objects.restrict(job.user).alive().filter(pk__in=wanted)
        rows = list(chosen.select_related("initiative"))
        if rows:
            if self.add:
                registry_services.decision_set_registrations(user=job.user, decision=decision, add=rows)
            else:
                registry_services.decision_set_registrations(user=job.user, decision=decision, remove=rows)
        return len(rows), len(pks) - len(rows)


class _Edit:
    chunk = staticmethod(chunk_rows)
    done_message = gettext_lazy("Đã sửa %(count)s mô hình.")
    skipped_message = gettext_lazy(
        "Bỏ qua %(count)s mô hình đã gửi lên cấp trên của bạn (bị khóa): hãy đề nghị cấp xét duyệt "
        "trả lại hoặc mở lại để sửa."
    )

    def check(self, job):
        field_id = job.parameters.get("field")
        if field_id and not Field.objects.active().filter(pk=field_id).exists():
            raise ValidationError(_("Lĩnh vực đã chọn không còn dùng."))

    def write(self, job, pks):
        params = job.parameters
        outcome = registrations_edit(
            user=job.user,
            registrations=pks,
            level=params.get("level", ""),
            grade=params.get("grade", ""),
            field_id=params.get("field"),
        )
        return outcome["changed"], outcome["locked"]


RUNNERS = {
    EVALUATE: _Evaluate(),
    SUBMIT: _Review(
        SUBMIT,
        ngettext_lazy("Đã gửi xét duyệt %(count)s mô hình.", "Đã gửi xét duyệt %(count)s mô hình.", "count"),
    ),
    ACCEPT: _Review(
        ACCEPT, ngettext_lazy("Đã tiếp nhận %(count)s mô hình.", "Đã tiếp nhận %(count)s mô hình.", "count")
    ),
    RETURN: _Review(
        RETURN,
        ngettext_lazy(
            "Đã trả lại %(count)s mô hình để bổ sung.", "Đã trả lại %(count)s mô hình để bổ sung.", "count"
        ),
    ),
    DECISION_ADD: _Decision(add=True),
    DECISION_REMOVE: _Decision(add=False),
    EDIT: _Edit(),
}
