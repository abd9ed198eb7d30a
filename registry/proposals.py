"""Proposals (đề nghị): a unit proposes registrations to a unit above it, which decides them.

The proposing unit prepares a draft (its rows: registrations of its subtree and of the
proposal's year, past the draft of their review), then sends it. The receiving unit accepts or
refuses each row, a refusal with its reason, and issues the decision from the proposal in one
step (``decision_from_proposal``): number, symbol, date and signer; the kind, the level and the
award form come from the proposal, the rows from its accepted (and not yet decided) rows.

A registration counts as "proposed for recognition" (or commendation) from the moment a
proposal holding it is sent: ``Registration.proposed_for_recognition`` and
``proposed_for_commendation`` are kept here, inside ``tally.tracking``, as the counts kept ready
hold them. A refused row frees the registration to be proposed again.

Every refusal is a ``ValidationError`` in Vietnamese, and nothing is changed.
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from . import rules, services, tally
from .choices import DecisionKind, ProposalOutcome, ProposalStatus, ReviewState
from .models import Decision, Proposal, ProposalItem, Registration
from .querysets import CHANGE
from .review import acts_for
from .scope import scope_of

# The states whose rows count as proposed.
PROPOSED_STATES = (ProposalStatus.SENT, ProposalStatus.DECIDED)
COLUMN = {
    DecisionKind.RECOGNITION: "proposed_for_recognition",
    DecisionKind.COMMENDATION: "proposed_for_commendation",
}
SHOWN = 5  # refusals listed in one message


def refresh(pks):
    """Recompute the proposed columns of the registrations ``pks`` from the proposals. Two UPDATEs."""
    rows = Registration.objects.filter(pk__in=list(pks))
    for kind, column in COLUMN.items():
        standing = ProposalItem.objects.filter(
            registration=OuterRef("pk"), kind=kind, proposal__status__in=PROPOSED_STATES
        )
        rows.update(**{column: Exists(standing)})


def _listed(refusals):
    shown = refusals[:SHOWN]
    if len(refusals) > SHOWN:
        shown.append(_("… và %(count)s mô hình khác.") % {"count": len(refusals) - SHOWN})
    return shown


def _check_proposing(user, proposal):
    """Refuse a user who may not change the proposing unit's records."""
    if user is not None and not scope_of(user).covers(proposal.unit, CHANGE):
        raise PermissionDenied(
            _("Bạn không có quyền lập, sửa đề nghị của “%(unit)s”.") % {"unit": proposal.unit}
        )


def _check_receiving(user, proposal):
    """Refuse a user who does not act for the receiving unit (a member of it, with a role that changes)."""
    if user is not None and not acts_for(user, proposal.receiving_unit):
        raise PermissionDenied(
            _("Chỉ cán bộ của %(unit)s (đơn vị nhận đề nghị) được xét và ra quyết định.")
            % {"unit": proposal.receiving_unit.name}
        )


def _check_status(proposal, *states):
    if proposal.status not in states:
        raise ValidationError(
            _("Đề nghị đang ở trạng thái “%(state)s”: không thực hiện được thao tác này.")
            % {"state": proposal.get_status_display()},
            code="status",
        )


def proposal_validate(*, proposal: Proposal) -> None:
    """Raise ``ValidationError``, keyed by field, when ``proposal`` breaks a rule.

    The receiving unit is a unit above the proposing one, open on the proposal's date; the date
    is not in the future; a commendation names the award form asked for, a recognition none.
    """
    errors = {}
    unit = proposal.unit if proposal.unit_id else None
    receiving = proposal.receiving_unit if proposal.receiving_unit_id else None
    above = (
        unit is None
        or receiving is None
        or (unit.path.startswith(receiving.path) and len(unit.path) > len(receiving.path))
    )
    if not above:
        errors["receiving_unit"] = _(
            "“%(receiving)s” không phải cấp trên của “%(unit)s”: chỉ đề nghị được lên một đơn vị "
            "cấp trên của đơn vị đề nghị."
        ) % {"receiving": receiving.name, "unit": unit.name}
    checks = []
    if proposal.proposed_on is not None:
        checks.append(lambda: rules.check_not_future(proposal.proposed_on, field="proposed_on"))
        if receiving is not None and "receiving_unit" not in errors:
            day = proposal.proposed_on
            checks.append(lambda: rules.check_unit_open(receiving, day, field="receiving_unit"))
    try:
        rules._collect(*checks)
    except ValidationError as error:
        errors = error.update_error_dict(errors)
    if proposal.kind == DecisionKind.COMMENDATION and not proposal.award_form_id:
        errors["award_form"] = _("Đề nghị khen thưởng phải ghi hình thức khen thưởng đề nghị.")
    if proposal.kind == DecisionKind.RECOGNITION:
        proposal.award_form = None
    if errors:
        raise ValidationError(errors)


def _check_rows(proposal, registrations):
    """Refuse the registrations that may not be proposed in ``proposal`` (listing the first ones)."""
    refusals = []
    taken = set(
        ProposalItem.objects.filter(registration__in=[r.pk for r in registrations], kind=proposal.kind)
        .exclude(outcome=ProposalOutcome.REFUSED)
        .exclude(proposal_id=proposal.pk)
        .values_list("registration_id", flat=True)
    )
    for registration in registrations:
        name = {"name": registration.initiative.name, "year": registration.year}
        if registration.is_deleted or registration.initiative_deleted:
            refusals.append(_("Mô hình “%(name)s” (năm %(year)s) đã bị xóa.") % name)
        elif not registration.unit.path.startswith(proposal.unit.path):
            refusals.append(
                _("Mô hình “%(name)s” (năm %(year)s) không thuộc %(unit)s nên không đề nghị được.")
                % {**name, "unit": proposal.unit.name}
            )
        elif registration.year != proposal.year:
            refusals.append(
                _("Mô hình “%(name)s” đăng ký năm %(year)s, không phải năm của đề nghị (%(proposal_year)s).")
                % {**name, "proposal_year": proposal.year}
            )
        elif registration.review_state == ReviewState.DRAFT:
            refusals.append(
                _("Mô hình “%(name)s” (năm %(year)s) còn là dự thảo: hãy gửi đăng ký lên trước khi đề nghị.")
                % name
            )
        elif registration.pk in taken:
            refusals.append(
                _("Mô hình “%(name)s” (năm %(year)s) đã có trong một đề nghị %(kind)s khác.")
                % {**name, "kind": proposal.get_kind_display().lower()}
            )
    if refusals:
        raise ValidationError(_listed(refusals), code="rows")


def _rows(registrations):
    """Read ``registrations`` (a queryset, instances or ids) with what the checks need, locked."""
    if hasattr(registrations, "values_list"):
        pks = list(registrations.values_list("pk", flat=True))
    else:
        pks = [getattr(registration, "pk", registration) for registration in registrations]
    services.lock_rows(Registration, pks)
    return list(
        Registration.objects.filter(pk__in=pks)
        .select_related("initiative", "unit")
        .order_by("unit__path", "pk")
    )


@transaction.atomic
def proposal_create(*, user, proposal: Proposal, registrations=(), token: str = "") -> Proposal:
    """Prepare a draft proposal with its rows; a form sent twice prepares it once (``token``)."""
    _check_proposing(user, proposal)
    proposal_validate(proposal=proposal)
    rows = _rows(registrations)
    if not rows:
        raise ValidationError(_("Chưa chọn mô hình nào để đề nghị."), code="empty")
    _check_rows(proposal, rows)
    proposal.created_by = user
    proposal.status = ProposalStatus.DRAFT

    def create():
        services._save(proposal, user=user)
        _add(user, proposal, rows)
        return proposal

    return services._created_once(proposal, token, create)


BATCH = 2000  # rows a statement writes, for a proposal of tens of thousands of rows


def _add(user, proposal, rows):
    """Insert the rows and their history rows, a few statements for any number of rows."""
    items = [
        ProposalItem(proposal=proposal, registration=registration, kind=proposal.kind)
        for registration in rows
    ]
    try:
        with transaction.atomic():
            ProposalItem.objects.bulk_create(items, batch_size=BATCH)
            ProposalItem.history.bulk_history_create(items, default_user=user, batch_size=BATCH)
    except IntegrityError:
        # Another proposal took one of the rows meanwhile (the rows are locked, so rarely).
        raise ValidationError(_("Mô hình này đã có trong một đề nghị cùng loại."), code="taken") from None


@transaction.atomic
def proposal_update(*, user, proposal: Proposal, version: str | None = None) -> Proposal:
    """Save a draft proposal's edited heading (reference, date, note, receiving unit, award form)."""
    services.lock_rows(Proposal, [proposal.pk])
    services.check_version(proposal, version)
    stored = Proposal.objects.get(pk=proposal.pk)
    _check_status(stored, ProposalStatus.DRAFT)
    _check_proposing(user, stored)
    _check_proposing(user, proposal)
    proposal_validate(proposal=proposal)
    if (proposal.kind, proposal.year, proposal.unit_id) != (stored.kind, stored.year, stored.unit_id):
        raise ValidationError(_("Loại, năm và đơn vị đề nghị không đổi được; hãy lập đề nghị khác."))
    return services._save(proposal, user=user)


def _locked(proposal):
    services.lock_rows(Proposal, [proposal.pk])
    proposal.refresh_from_db()
    return proposal


@transaction.atomic
def proposal_add_rows(*, user, proposal: Proposal, registrations) -> int:
    """Add registrations to a draft proposal (those already in it are left). Returns how many were added."""
    proposal = _locked(proposal)
    _check_status(proposal, ProposalStatus.DRAFT)
    _check_proposing(user, proposal)
    present = set(proposal.items.values_list("registration_id", flat=True))
    rows = [row for row in _rows(registrations) if row.pk not in present]
    _check_rows(proposal, rows)
    _add(user, proposal, rows)
    _touch(user, proposal)
    return len(rows)


@transaction.atomic
def proposal_remove_rows(*, user, proposal: Proposal, items) -> int:
    """Remove rows (``ProposalItem`` ids) from a draft proposal. Returns how many were removed."""
    proposal = _locked(proposal)
    _check_status(proposal, ProposalStatus.DRAFT)
    _check_proposing(user, proposal)
    removed = 0
    for item in proposal.items.filter(pk__in=list(items)):
        item._history_user = user
        item.delete()
        removed += 1
    _touch(user, proposal)
    return removed


def _touch(user, proposal):
    proposal._history_user = user
    proposal.save(update_fields=["updated_at", "status", "decision", "sent_at"])


def _pairs(proposal):
    return tally.pairs_of(Registration.objects.filter(proposal_items__proposal=proposal))


@transaction.atomic
def proposal_send(*, user, proposal: Proposal) -> Proposal:
    """Send a draft proposal to its receiving unit: its rows count as proposed from now on."""
    proposal = _locked(proposal)
    _check_status(proposal, ProposalStatus.DRAFT)
    _check_proposing(user, proposal)
    proposal_validate(proposal=proposal)
    pks = list(proposal.items.values_list("registration_id", flat=True))
    if not pks:
        raise ValidationError(_("Đề nghị chưa có mô hình nào: hãy thêm mô hình trước khi gửi."), code="empty")
    _check_rows(proposal, _rows(pks))
    return _set_status(user, proposal, ProposalStatus.SENT, sent_at=timezone.now())


def _set_status(user, proposal, status, *, sent_at):
    """Send a proposal or take it back: its rows count as proposed, or no longer, in the same write."""
    pks = list(proposal.items.values_list("registration_id", flat=True))
    with tally.tracking((), stored=lambda: _pairs(proposal)):
        proposal.status = status
        proposal.sent_at = sent_at
        _touch(user, proposal)
        refresh(pks)
    return proposal


@transaction.atomic
def proposal_withdraw(*, user, proposal: Proposal) -> Proposal:
    """Take a sent proposal back to a draft (undo ``proposal_send``), while no row is decided."""
    proposal = _locked(proposal)
    _check_status(proposal, ProposalStatus.SENT)
    _check_proposing(user, proposal)
    if proposal.items.exclude(outcome=ProposalOutcome.PENDING).exists():
        raise ValidationError(
            _("Cấp trên đã xét một số mô hình của đề nghị này nên không rút về được."), code="decided"
        )
    return _set_status(user, proposal, ProposalStatus.DRAFT, sent_at=None)


@transaction.atomic
def proposal_delete(*, user, proposal: Proposal) -> None:
    """Delete a draft proposal and its rows (the history keeps them)."""
    proposal = _locked(proposal)
    _check_status(proposal, ProposalStatus.DRAFT)
    _check_proposing(user, proposal)
    for item in proposal.items.all():
        item._history_user = user
        item.delete()
    proposal._history_user = user
    proposal.delete()


@transaction.atomic
def proposal_decide(*, user, proposal: Proposal, items, outcome: str, reason: str = "") -> int:
    """Accept or refuse rows (``ProposalItem`` ids) of a sent proposal; a refusal needs its reason.

    ``outcome`` pending undoes an earlier accept or refusal. Only the receiving unit's staff
    decide (``review.acts_for``). Returns how many rows changed.
    """
    proposal = _locked(proposal)
    _check_status(proposal, ProposalStatus.SENT)
    _check_receiving(user, proposal)
    reason = (reason or "").strip()
    if outcome not in ProposalOutcome.values:
        raise ValidationError(_("Kết quả xét không hợp lệ."), code="outcome")
    if outcome == ProposalOutcome.REFUSED and not reason:
        raise ValidationError(
            {"reason": _("Hãy ghi lý do không chấp nhận để đơn vị đề nghị biết.")}, code="reason"
        )
    rows = list(proposal.items.filter(pk__in=list(items)).select_related("registration__initiative"))
    if outcome != ProposalOutcome.REFUSED:
        # A refused row freed its registration: another proposal of the kind may hold it now.
        freed = [row.registration for row in rows if row.outcome == ProposalOutcome.REFUSED]
        if freed:
            _check_rows(proposal, freed)
    now = timezone.now()
    _decided(
        user,
        [row.pk for row in rows],
        outcome=outcome,
        reason=reason if outcome == ProposalOutcome.REFUSED else "",
        decided_by=None if outcome == ProposalOutcome.PENDING else user,
        decided_at=None if outcome == ProposalOutcome.PENDING else now,
    )
    _touch(user, proposal)
    return len(rows)


def _decided(user, pks, **values):
    """Set the same outcome on the rows ``pks`` in one UPDATE, and write their history rows."""
    if not pks:
        return
    ProposalItem.objects.filter(pk__in=pks).update(**values)
    items = list(ProposalItem.objects.filter(pk__in=pks))
    ProposalItem.history.bulk_history_create(items, update=True, default_user=user, batch_size=BATCH)


def default_title(proposal):
    if proposal.kind == DecisionKind.COMMENDATION:
        return _("Về việc khen thưởng mô hình, điển hình “Dân vận khéo” năm %(year)s") % {
            "year": proposal.year
        }
    return _("Về việc công nhận mô hình, điển hình “Dân vận khéo” năm %(year)s") % {"year": proposal.year}


@transaction.atomic
def decision_from_proposal(
    *,
    user,
    proposal: Proposal,
    number: str,
    symbol: str,
    signed_on: datetime.date,
    signer_name: str = "",
    issuer_name: str = "",
    title: str = "",
    token: str = "",
) -> Decision:
    """Issue the decision of a sent proposal: the receiving unit's, covering its accepted rows.

    The rows still pending are accepted with it. The kind, level and award form are the
    proposal's; the issuer defaults to the receiving unit's name. The proposal is then decided.
    A proposal whose decision was deleted (in the trash) may be decided again. All or nothing;
    ``token``, the form's, issues one decision when the form is sent twice.
    """
    if token and (existing := Decision._base_manager.filter(form_token=token).first()):
        return existing
    proposal = _locked(proposal)
    if not (proposal.status == ProposalStatus.DECIDED and proposal.decision and proposal.decision.is_deleted):
        _check_status(proposal, ProposalStatus.SENT)
    _check_receiving(user, proposal)
    pending = proposal.items.filter(outcome=ProposalOutcome.PENDING)
    pending_rows = list(pending.select_related("registration__initiative", "registration__unit"))
    if pending_rows:
        _check_rows(proposal, [row.registration for row in pending_rows])
    accepted = Registration.objects.filter(
        proposal_items__proposal=proposal,
        proposal_items__outcome__in=[ProposalOutcome.ACCEPTED, ProposalOutcome.PENDING],
    ).select_related("initiative")
    registrations = list(accepted.alive())
    if not registrations:
        raise ValidationError(
            _("Đề nghị không còn mô hình nào được chấp nhận: không có gì để ra quyết định."), code="empty"
        )
    decision = Decision(
        kind=proposal.kind,
        number=(number or "").strip(),
        symbol=(symbol or "").strip().replace(" ", ""),
        signed_on=signed_on,
        issuing_unit=proposal.receiving_unit,
        issuer_name=(issuer_name or "").strip() or proposal.receiving_unit.name,
        signer_name=(signer_name or "").strip(),
        level=proposal.level,
        award_form=proposal.award_form if proposal.kind == DecisionKind.COMMENDATION else None,
        title=(title or "").strip() or default_title(proposal),
    )
    now = timezone.now()
    with tally.tracking((), stored=lambda: tally.pairs_of(registrations)):
        decision = services.decision_create(
            user=user, decision=decision, registrations=registrations, token=token
        )
        _decided(
            user,
            [row.pk for row in pending_rows],
            outcome=ProposalOutcome.ACCEPTED,
            decided_by=user,
            decided_at=now,
        )
        proposal.status = ProposalStatus.DECIDED
        proposal.decision = decision
        _touch(user, proposal)
    return decision


def may_propose(user, proposal):
    """Whether ``user`` may change ``proposal`` as its proposing unit."""
    return scope_of(user).covers(proposal.unit, CHANGE)


def may_decide(user, proposal):
    """Whether ``user`` decides ``proposal`` for its receiving unit."""
    return acts_for(user, proposal.receiving_unit)
