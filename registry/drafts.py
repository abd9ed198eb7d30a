"""Draft reorganisation plans, prepared step by step by the pages, and the runs that apply or undo them.

Every function takes the acting user: each unit a plan names must lie in the user's MANAGE
scope, checked again at every write and before the plan is applied. A form's token makes a
submission count once (a double click makes one draft, adds a step once).
"""

import copy
import datetime
import logging

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from . import reorganisations
from .choices import ChangeKind, ReorganisationJob, ReorganisationStatus
from .models import Reorganisation
from .reorganisations import PlanError, plan_unit_ids, scope_errors
from .services import check_version, lock_rows, new_token, valid_token

logger = logging.getLogger(__name__)

__all__ = ["new_token", "valid_token"]  # the form tokens, for the pages that make or change drafts


def _refuse_out_of_scope(plan, user):
    errors = scope_errors(plan, user)
    if errors:
        raise PlanError(errors)


def _refuse_unless_editable(reorganisation):
    if reorganisation.status != ReorganisationStatus.DRAFT or reorganisation.job:
        raise PlanError([_("Chỉ sửa được kế hoạch đang chuẩn bị.")])


def _save_plan(reorganisation, plan, user):
    reorganisation.plan = plan
    reorganisation.updated_by = user
    reorganisation.save(update_fields=["plan", "updated_at", "updated_by"])
    reorganisation.units.set(plan_unit_ids(plan))


def draft_create(
    *, user, title: str, effective_on: datetime.date, plan: dict, note="", token=""
) -> Reorganisation:
    """Save a new draft plan of ``user``; the same form token a second time returns the first draft.

    Every unit the plan names must be in the user's MANAGE scope. A split without ``assign``
    gets the suggested parts of its models (``suggest_part``).
    """
    if token and (existing := Reorganisation.objects.filter(token=token).first()):
        return existing
    plan = {"steps": [], "new_units": {}, **copy.deepcopy(plan)}
    _refuse_out_of_scope(plan, user)
    plan["steps"] = [reorganisations.with_suggestions(step, plan, effective_on) for step in plan["steps"]]
    reorganisation = Reorganisation(
        title=title.strip(),
        effective_on=effective_on,
        note=note,
        plan=plan,
        token=token,
        created_by=user,
        updated_by=user,
    )
    reorganisation.full_clean(exclude=["token"])
    try:
        with transaction.atomic():
            reorganisation.save()
            reorganisation.units.set(plan_unit_ids(plan))
    except IntegrityError:
        # Submitted twice at the same moment: the other request made the draft.
        existing = Reorganisation.objects.filter(token=token).first() if token else None
        if existing is None:
            raise
        return existing
    return reorganisation


@transaction.atomic
def draft_add_step(
    *, user, reorganisation: Reorganisation, step: dict, new_units=None, token=""
) -> Reorganisation:
    """Add a step, and the new units it names, to a draft; the same form token adds it only once.

    The refs of ``new_units`` are the step's own: they are renamed where the plan already uses them.
    """
    lock_rows(Reorganisation, [reorganisation.pk])
    reorganisation.refresh_from_db()
    _refuse_unless_editable(reorganisation)
    _refuse_out_of_scope(reorganisation.plan or {}, user)
    plan = {"steps": [], "new_units": {}, **copy.deepcopy(reorganisation.plan or {})}
    if token and token in plan.get("tokens", []):
        return reorganisation
    step, new_units = _renamed(step, new_units or {}, plan["new_units"])
    plan["new_units"].update(new_units)
    plan["steps"].append(reorganisations.with_suggestions(step, plan, reorganisation.effective_on))
    _refuse_out_of_scope(plan, user)
    if token:
        plan["tokens"] = [*plan.get("tokens", []), token][-20:]
    _save_plan(reorganisation, plan, user)
    return reorganisation


def _renamed(step, new_units, taken):
    """Give the step's new units refs that the plan does not use yet."""
    mapping, number = {}, len(taken)
    for ref in new_units:
        number += 1
        while f"n{number}" in taken:
            number += 1
        mapping[ref] = f"n{number}"

    def rename(ref):
        return {"new": mapping[ref["new"]]} if ref.get("new") in mapping else ref

    step = {**step, "targets": [rename(ref) for ref in step.get("targets", [])]}
    units = {
        mapping[ref]: {**spec, "parent": rename(spec.get("parent") or {})} for ref, spec in new_units.items()
    }
    return step, units


@transaction.atomic
def draft_remove_step(*, user, reorganisation: Reorganisation, number: int, fingerprint="") -> Reorganisation:
    """Remove step ``number`` (counted from 1) of a draft, with the new units no other step names.

    With ``fingerprint``, only if the step is still the one the page showed: a second click on
    "Xóa bước 1" does not remove the step that became the first.
    """
    lock_rows(Reorganisation, [reorganisation.pk])
    reorganisation.refresh_from_db()
    _refuse_unless_editable(reorganisation)
    _refuse_out_of_scope(reorganisation.plan or {}, user)
    plan = {"steps": [], "new_units": {}, **copy.deepcopy(reorganisation.plan or {})}
    if not 1 <= number <= len(plan["steps"]) or (
        fingerprint and reorganisations.step_fingerprint(plan["steps"][number - 1]) != fingerprint
    ):
        raise PlanError([_("Kế hoạch không có bước %(step)s.") % {"step": number}])
    del plan["steps"][number - 1]
    used = {ref["new"] for step in plan["steps"] for ref in step.get("targets", []) if "new" in ref}
    frontier = set(used)
    while frontier:  # and the new units that are parents of those
        frontier = (
            {(plan["new_units"].get(ref, {}).get("parent") or {}).get("new") for ref in frontier}
            - used
            - {None}
        )
        used |= frontier
    plan["new_units"] = {ref: spec for ref, spec in plan["new_units"].items() if ref in used}
    _save_plan(reorganisation, plan, user)
    return reorganisation


@transaction.atomic
def draft_assign(
    *, user, reorganisation: Reorganisation, number: int, parts: dict, version: str | None = None
) -> Reorganisation:
    """Record which part of split step ``number`` carries each open model ({initiative id: part index}).

    ``version``, the draft's when the page was opened, refuses the save when another
    administrator changed the draft since (``services.EditConflict``).
    """
    lock_rows(Reorganisation, [reorganisation.pk])
    check_version(reorganisation, version)
    reorganisation.refresh_from_db()
    _refuse_unless_editable(reorganisation)
    _refuse_out_of_scope(reorganisation.plan or {}, user)
    plan = copy.deepcopy(reorganisation.plan)
    steps = plan.get("steps") or []
    if not 1 <= number <= len(steps) or steps[number - 1].get("kind") != ChangeKind.SPLIT:
        raise PlanError([_("Bước %(step)s không phải là chia tách.") % {"step": number}])
    step = steps[number - 1]
    count = len(step.get("targets") or [])
    open_ids = {
        initiative.pk for initiative in reorganisations.step_initiatives(step, reorganisation.effective_on)
    }
    step["assign"] = {
        str(pk): index for pk, index in sorted(parts.items()) if pk in open_ids and 0 < index < count
    }
    _save_plan(reorganisation, plan, user)
    return reorganisation


def draft_delete(*, user, reorganisation: Reorganisation) -> None:
    """Delete a draft that was never applied."""
    with transaction.atomic():
        lock_rows(Reorganisation, [reorganisation.pk])
        reorganisation.refresh_from_db()
        _refuse_unless_editable(reorganisation)
        _refuse_out_of_scope(reorganisation.plan or {}, user)
        reorganisation.delete()


# Running: applying and undoing in the task worker, followed by the plan's page


def job_start(*, reorganisation: Reorganisation, job: str) -> bool:
    """Mark the plan as being applied (or undone); False when it already is, or is not in the state for it."""
    status = ReorganisationStatus.DRAFT if job == ReorganisationJob.APPLYING else ReorganisationStatus.APPLIED
    started = Reorganisation.objects.filter(pk=reorganisation.pk, status=status, job="").update(
        job=job, job_errors=[]
    )
    return bool(started)


def job_run(*, reorganisation_id: int, user_id: int, job: str) -> str:
    """Apply or undo a started plan for the user who asked, scope checked again; record the outcome."""
    reorganisation = Reorganisation.objects.filter(pk=reorganisation_id).first()
    if reorganisation is None:
        return "gone"
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    try:
        errors = (
            scope_errors(reorganisation.plan or {}, user)
            if user
            else [_("Tài khoản đã yêu cầu không còn hoạt động.")]
        )
        if errors:
            raise PlanError(errors)
        if job == ReorganisationJob.APPLYING:
            reorganisations.apply(user=user, reorganisation=reorganisation)
        else:
            reorganisations.undo(user=user, reorganisation=reorganisation)
    except PlanError as error:
        errors = error.messages
    except Exception:
        logger.exception("Reorganisation %s: %s failed", reorganisation_id, job)
        errors = [_("Có lỗi khi xử lý: không có gì thay đổi. Hãy thử lại hoặc báo quản trị hệ thống.")]
    else:
        errors = []
    Reorganisation.objects.filter(pk=reorganisation_id).update(job="", job_errors=errors)
    return "failed" if errors else "done"
