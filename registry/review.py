"""The review of a campaign's registrations: submitted by the lower units, accepted or returned above.

A registration that a campaign asks for (``campaign_for``) starts as a draft of its unit. The
unit submits it; it then waits at the first reviewing unit of its chain (``chain``): the units
above it of the campaign's reviewing types, then the launching unit, which reviews last. A
reviewing unit accepts it (it goes on to the next unit of the chain, or is accepted at the
last) or returns it with a reason to the registering unit, which corrects and submits again.
The last reviewer may reopen an accepted registration, which returns it.

A unit acts through the users who are its members with a role that changes (``acting_units``):
each level sees and decides only what waits at it. A submitted or accepted registration is
locked for the units below its reviewer (``check_editable``); the reviewer and the units above
may still correct it.

Every step is written as a ``ReviewStep`` (who, when, at which unit, why) and changes the
counts by state kept ready for the reports, in the same transaction. A wrong step (accepting
a draft, acting for a unit the user is not a member of, returning without a reason) is refused
with a ``ValidationError`` in Vietnamese, and nothing is changed.
"""

from collections import defaultdict

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from . import formats, tally
from .choices import ReviewAction, ReviewState
from .models import Campaign, Registration, ReviewStep, Unit
from .querysets import CHANGE, own_unit_paths
from .scope import scope_of

# The states the registering unit may still change, and those locked for it.
OPEN_STATES = (ReviewState.DRAFT, ReviewState.RETURNED)
LOCKED_STATES = (ReviewState.SUBMITTED, ReviewState.ACCEPTED)
# Rows changed by one statement in a bulk step.
CHUNK = 2000


def campaign_for(unit, year):
    """Return the campaign of ``year`` that asks for ``unit``'s registrations, the nearest above it; or None.

    A campaign asks for them when it asks ``unit`` or a unit above it to register (a commune
    asked registers its cells' models too). Two queries, one when no campaign is above.
    """
    if unit is None or year is None:
        return None
    prefixes = [unit.path[:end] for end in range(Unit.steplen, len(unit.path), Unit.steplen)]
    campaigns = list(Campaign.objects.filter(year=year, unit__path__in=prefixes).select_related("unit"))
    if not campaigns:
        return None
    above = list(Unit.objects.filter(path__in=prefixes).only("path", "unit_type"))
    for campaign in sorted(campaigns, key=lambda c: (-c.unit.depth, c.pk)):
        if any(campaign.asks(candidate) for candidate in [unit, *above]):
            return campaign
    return None


def chain(campaign, unit):
    """Return the units that review ``unit``'s registrations for ``campaign``, lowest first.

    The units above ``unit`` and below the launching unit whose type the campaign names, open
    today, then the launching unit. One query.
    """
    top = campaign.unit
    reviewers = []
    if campaign.review_unit_types:
        prefixes = [
            unit.path[:end] for end in range(len(top.path) + Unit.steplen, len(unit.path), Unit.steplen)
        ]
        reviewers = list(
            Unit.objects.filter(
                path__in=prefixes, unit_type__in=campaign.review_unit_types, valid_to__isnull=True
            ).order_by("-depth")
        )
    return [*reviewers, top]


def acting_units(user):
    """Return the paths of the units ``user`` acts for in a review (None: a superuser, every unit).

    Every unit of the user's own memberships that may change, a unit inside another one too:
    an administrator of a province who is also an editor of a district acts for both.
    """
    return own_unit_paths(user, CHANGE)


def acts_for(user, unit):
    paths = acting_units(user)
    return paths is None or unit.path in paths


def waiting_at(user, queryset=None):
    """The registrations that wait for a decision of one of the units ``user`` acts for."""
    queryset = Registration.objects.alive() if queryset is None else queryset
    queryset = queryset.filter(review_state=ReviewState.SUBMITTED)
    paths = acting_units(user)
    if paths is None:
        return queryset
    return queryset.filter(reviewer__path__in=paths)


def is_locked_for(user, registration):
    """Whether ``registration`` is locked for ``user``: submitted or accepted above the user's units."""
    if registration.review_state not in LOCKED_STATES or registration.reviewer_id is None:
        return False
    return not scope_of(user).covers(registration.reviewer, CHANGE)


def check_editable(user, registrations):
    """Refuse (``ValidationError``) when one of ``registrations`` (a queryset) is locked for ``user``.

    Only those a reviewer holds can be locked: they alone are read, with what the message names.
    """
    held = registrations.filter(review_state__in=LOCKED_STATES, reviewer__isnull=False, is_deleted=False)
    for registration in held.select_related("initiative", "reviewer"):
        if is_locked_for(user, registration):
            raise ValidationError(locked_message(registration), code="locked")


def locked_message(registration):
    return _(
        "Đăng ký năm %(year)s của mô hình “%(name)s” %(state)s tại %(reviewer)s nên đơn vị "
        "không sửa được nữa. Hãy đề nghị cấp xét duyệt trả lại hoặc mở lại để sửa."
    ) % {
        "year": registration.year,
        "name": formats.inner(registration.initiative.name),
        "state": registration.get_review_state_display().lower(),
        "reviewer": registration.reviewer.name,
    }


def check_evaluation(registration, stored_evaluation):
    """Refuse an evaluation set on a draft or a returned registration of a campaign."""
    if (
        registration.campaign_id
        and registration.review_state in OPEN_STATES
        and registration.evaluation != stored_evaluation
    ):
        raise ValidationError(
            {
                "evaluation": _(
                    "Mô hình đang ở trạng thái “%(state)s”: chỉ đánh giá được sau khi đơn vị gửi lên."
                )
                % {"state": registration.get_review_state_display()}
            },
            code="not_submitted",
        )


def initial_state(registration):
    """Set the campaign and the review state a new registration starts in (not saved).

    A draft of its unit when a campaign asks for it; accepted (nobody reviews it) otherwise.
    """
    campaign = campaign_for(registration.unit, registration.year)
    registration.campaign = campaign
    registration.reviewer = None
    registration.review_state = ReviewState.DRAFT if campaign else ReviewState.ACCEPTED


# ---------------------------------------------------------------------------------------------
# The steps


ACTION_FROM = {
    ReviewAction.SUBMIT: OPEN_STATES,
    ReviewAction.WITHDRAW: (ReviewState.SUBMITTED,),
    ReviewAction.ACCEPT: (ReviewState.SUBMITTED,),
    ReviewAction.RETURN: (ReviewState.SUBMITTED,),
    ReviewAction.REOPEN: (ReviewState.ACCEPTED,),
}
NEEDS_REASON = (ReviewAction.RETURN, ReviewAction.REOPEN)


def _refusal(action, registration):
    """Say why ``action`` cannot be taken on ``registration`` in its state, or None when it can."""
    if registration.campaign_id is None:
        return _("Mô hình “%(name)s” (năm %(year)s) không thuộc đợt thi đua nào nên không cần xét duyệt.") % {
            "name": formats.inner(registration.initiative.name),
            "year": registration.year,
        }
    if registration.review_state in ACTION_FROM[action]:
        return None
    messages = {
        ReviewAction.SUBMIT: _("Chỉ gửi được đăng ký đang là dự thảo hoặc đã bị trả lại"),
        ReviewAction.WITHDRAW: _("Chỉ rút về được đăng ký đã gửi và chưa được xét"),
        ReviewAction.ACCEPT: _("Chỉ tiếp nhận được đăng ký đã gửi lên"),
        ReviewAction.RETURN: _("Chỉ trả lại được đăng ký đã gửi lên"),
        ReviewAction.REOPEN: _("Chỉ mở lại được đăng ký đã được tiếp nhận"),
    }
    return _("%(rule)s; mô hình “%(name)s” (năm %(year)s) đang ở trạng thái “%(state)s”.") % {
        "rule": messages[action],
        "name": formats.inner(registration.initiative.name),
        "year": registration.year,
        "state": registration.get_review_state_display(),
    }


def _plan(user, action, registrations):
    """Return, for each registration, (new state, new reviewer, acting unit); refuse any wrong one.

    Reads every registration's chain once per (campaign, unit). Raises ``ValidationError``
    listing the first refusals.
    """
    chains = {}
    plans = {}
    refusals = []
    scope = scope_of(user)
    for registration in registrations:
        refusal = _refusal(action, registration)
        if refusal is None:
            key = (registration.campaign_id, registration.unit_id)
            if key not in chains:
                chains[key] = chain(registration.campaign, registration.unit)
            units = chains[key]
            refusal, plan = _step(user, scope, action, registration, units)
            if plan is not None:
                plans[registration.pk] = plan
        if refusal:
            refusals.append(refusal)
    if refusals:
        shown = refusals[:5]
        if len(refusals) > len(shown):
            shown.append(_("… và %(count)s mô hình khác.") % {"count": len(refusals) - len(shown)})
        raise ValidationError(shown, code="review")
    return plans


def _step(user, scope, action, registration, units):
    """Return (refusal, plan) for one registration whose state allows ``action``."""
    name = {"name": formats.inner(registration.initiative.name), "year": registration.year}
    if action == ReviewAction.SUBMIT:
        if not scope.covers(registration.unit, CHANGE):
            return _("Bạn không có quyền gửi mô hình “%(name)s” (năm %(year)s).") % name, None
        return None, (ReviewState.SUBMITTED, units[0], registration.unit)
    if action == ReviewAction.WITHDRAW:
        if not scope.covers(registration.unit, CHANGE):
            return _("Bạn không có quyền rút mô hình “%(name)s” (năm %(year)s).") % name, None
        if registration.reviewer_id != units[0].pk:
            return _(
                "Mô hình “%(name)s” (năm %(year)s) đã được cấp trên xét, không rút về được."
            ) % name, None
        return None, (ReviewState.DRAFT, None, registration.unit)
    reviewer = registration.reviewer
    if reviewer is None or not acts_for(user, reviewer):
        where = reviewer.name if reviewer else "—"
        return (
            _("Mô hình “%(name)s” (năm %(year)s) đang chờ %(reviewer)s xét; bạn không thuộc cấp đó.")
            % {**name, "reviewer": where},
            None,
        )
    if action == ReviewAction.ACCEPT:
        later = [unit for index, unit in enumerate(units) if index > _position(units, reviewer)]
        if later:
            return None, (ReviewState.SUBMITTED, later[0], reviewer)
        return None, (ReviewState.ACCEPTED, reviewer, reviewer)
    # RETURN, REOPEN: back to the registering unit.
    return None, (ReviewState.RETURNED, None, reviewer)


def _position(units, reviewer):
    for index, unit in enumerate(units):
        if unit.pk == reviewer.pk:
            return index
    return len(units)  # a reviewer no longer in the chain (its type dropped): the last


@transaction.atomic
def act(*, user, action, registrations, comment=""):
    """Take ``action`` on ``registrations`` (a queryset or instances) for ``user``. Returns the count.

    All or nothing: one refused registration refuses the whole step. ``comment`` is required
    to return or reopen (the reason the registering unit reads).
    """
    comment = (comment or "").strip()
    if action in NEEDS_REASON and not comment:
        raise ValidationError(
            {"comment": _("Hãy ghi lý do trả lại để đơn vị biết cần bổ sung gì.")}, code="reason"
        )
    pks = sorted(
        registrations.values_list("pk", flat=True)
        if hasattr(registrations, "values_list")
        else {registration.pk for registration in registrations}
    )
    if not pks:
        return 0
    done = 0
    for start in range(0, len(pks), CHUNK):
        done += _act_on(user, action, pks[start : start + CHUNK], comment)
    return done


# What a step reads of each registration: 20.000 rows load fast when the units and campaigns,
# shared by many rows, are read once each and not one instance per row.
ROW_FIELDS = (
    "initiative_id",
    "unit_id",
    "year",
    "campaign_id",
    "review_state",
    "reviewer_id",
    "initiative__name",
)


def _rows(pks):
    """The alive registrations of ``pks`` with what planning a step reads, in key order. Three queries."""
    rows = list(
        Registration.objects.filter(pk__in=pks, is_deleted=False)
        .select_related("initiative")
        .only(*ROW_FIELDS)
        .order_by("pk")
    )
    units = Unit.objects.in_bulk({r.unit_id for r in rows} | {r.reviewer_id for r in rows if r.reviewer_id})
    campaigns = Campaign.objects.select_related("unit").in_bulk(
        {r.campaign_id for r in rows if r.campaign_id}
    )
    fields = [Registration._meta.get_field(name) for name in ("unit", "reviewer", "campaign")]
    for row in rows:
        for field, value in zip(
            fields,
            (units[row.unit_id], units.get(row.reviewer_id), campaigns.get(row.campaign_id)),
            strict=True,
        ):
            field.set_cached_value(row, value)
    return rows


def check(*, user, action, registrations, comment=""):
    """Refuse (``ValidationError``) what ``act`` would refuse, reading only: nothing is written.

    ``registrations``: a queryset, instances or keys.
    For a step taken a chunk per transaction, checked on every row before the first chunk.
    """
    if action in NEEDS_REASON and not (comment or "").strip():
        raise ValidationError(
            {"comment": _("Hãy ghi lý do trả lại để đơn vị biết cần bổ sung gì.")}, code="reason"
        )
    if hasattr(registrations, "values_list"):
        registrations = registrations.values_list("pk", flat=True)
    pks = sorted({getattr(item, "pk", item) for item in registrations})
    refusals = []
    for start in range(0, len(pks), CHUNK):
        try:
            _plan(user, action, _rows(pks[start : start + CHUNK]))
        except ValidationError as error:
            refusals.extend(error.messages)
    if refusals:
        raise ValidationError(refusals[:6], code="review")


def _act_on(user, action, pks, comment):
    from .services import lock_rows  # noqa: PLC0415 - services import this module

    lock_rows(Registration, pks)
    rows = _rows(pks)
    plans = _plan(user, action, rows)
    if not plans:
        return 0
    now = timezone.now()  # a changed state is a new version: an edit form opened before is stale
    by_target = defaultdict(list)
    steps = []
    for registration in rows:
        state, reviewer, unit = plans[registration.pk]
        by_target[(state, reviewer.pk if reviewer else None)].append(registration.pk)
        recorded = action
        if action == ReviewAction.ACCEPT and state == ReviewState.SUBMITTED:
            recorded = ReviewAction.FORWARD  # accepted at this level, sent on to the next
        steps.append(
            ReviewStep(
                registration_id=registration.pk,
                action=recorded,
                state=state,
                unit=unit,
                reviewer=reviewer,
                comment=comment,
                user=user,
            )
        )
    with tally.tracking({(registration.unit_id, registration.year) for registration in rows}):
        for (state, reviewer_id), target in by_target.items():
            Registration.objects.filter(pk__in=target).update(
                review_state=state, reviewer_id=reviewer_id, updated_at=now
            )
    ReviewStep.objects.bulk_create(steps, batch_size=CHUNK)
    return len(rows)


def steps_of(registration):
    """The review steps of ``registration``, oldest first, with their units and users. One query."""
    return list(registration.review_steps.select_related("unit", "reviewer", "user").order_by("at", "pk"))


def next_actions(user, registration):
    """The steps ``user`` may take on ``registration`` now, as ReviewAction values (none: [])."""
    if registration.campaign_id is None or registration.is_deleted:
        return []
    actions = []
    units = None
    for action in (ReviewAction.SUBMIT, ReviewAction.WITHDRAW, ReviewAction.ACCEPT, ReviewAction.RETURN,
                   ReviewAction.REOPEN):  # fmt: skip
        if _refusal(action, registration) is not None:
            continue
        units = units or chain(registration.campaign, registration.unit)
        refusal, _plan_ = _step(user, scope_of(user), action, registration, units)
        if refusal is None:
            actions.append(action)
    return actions
