"""Scoring a campaign's registrations against its criteria (chấm điểm theo tiêu chí).

A campaign may list criteria, each with the most points it gives (``Criterion``), and marks:
from which total a registration is suggested effective (hiệu quả), an exemplar (điển hình),
outstanding (tiêu biểu). A reviewer scores a registration once its unit has sent it up, as for
an evaluation (``registry.review``): never a draft or a returned one, never by a unit the
registration is locked for. The total suggests the evaluation and the grade; the reviewer
may apply the suggestion in the same step, through the same services as the forms. Every
criterion and every score keeps its history.
"""

import hashlib
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max, OuterRef, Subquery, Sum
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from . import review, services
from .choices import Evaluation, Grade, ReviewState
from .models import Campaign, Criterion, Registration, Score
from .querysets import CHANGE
from .scope import scope_of

MAX_CRITERIA = 30


@dataclass(frozen=True)
class Suggestion:
    """What a total suggests: an evaluation and a grade (None: the campaign has no such mark)."""

    total: Decimal
    most: int
    evaluation: str | None
    grade: str | None


def suggest(campaign, total) -> Suggestion:
    """Return what ``total`` points suggest under ``campaign``'s marks."""
    most = sum(criterion.points for criterion in campaign.criteria.all())
    evaluation = None
    if campaign.effective_mark is not None:
        evaluation = Evaluation.EFFECTIVE if total >= campaign.effective_mark else Evaluation.NOT_EFFECTIVE
    grade = None
    if campaign.outstanding_mark is not None and total >= campaign.outstanding_mark:
        grade = Grade.OUTSTANDING
    elif campaign.exemplar_mark is not None and total >= campaign.exemplar_mark:
        grade = Grade.EXEMPLAR
    elif campaign.exemplar_mark is not None or campaign.outstanding_mark is not None:
        grade = Grade.MODEL
    return Suggestion(Decimal(total), most, evaluation, grade)


def points_text(value) -> str:
    """Write points as people do: 85, 7,5 (the language's decimal mark)."""
    value = Decimal(value)
    if value == value.to_integral_value():
        return number_format(int(value), use_l10n=True, force_grouping=True)
    return number_format(value, decimal_pos=1, use_l10n=True)


def total_of(registration) -> Decimal:
    """Return the sum of a registration's points. One query."""
    return registration.scores.aggregate(total=Sum("points"))["total"] or Decimal(0)


def score_columns():
    """Annotations of registrations: ``score_total`` (their points) and ``criteria_points`` (the
    most their campaign's criteria give; None without criteria). Two subqueries, no extra query."""
    total = (
        Score.objects.filter(registration=OuterRef("pk"))
        .values("registration")
        .annotate(total=Sum("points"))
        .values("total")
    )
    most = (
        Criterion.objects.filter(campaign=OuterRef("campaign"))
        .values("campaign")
        .annotate(most=Sum("points"))
        .values("most")
    )
    return {"score_total": Subquery(total), "criteria_points": Subquery(most)}


def scores_version(registration) -> str:
    """Return a token of the registration's scores as stored: it changes with every score."""
    rows = registration.scores.order_by("criterion_id").values_list("criterion_id", "points", "scored_at")
    text = ";".join(f"{criterion}:{points}:{at.isoformat()}" for criterion, points, at in rows)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


# ---------------------------------------------------------------------------------------------
# The criteria of a campaign


def may_change_criteria(user, campaign) -> bool:
    return scope_of(user).covers(campaign.unit, CHANGE)


def _check_marks(campaign, most):
    errors = {}
    marks = [
        ("effective_mark", campaign.effective_mark),
        ("exemplar_mark", campaign.exemplar_mark),
        ("outstanding_mark", campaign.outstanding_mark),
    ]
    for name, mark in marks:
        if mark is not None and mark > most:
            errors[name] = _("Điểm này lớn hơn tổng điểm tối đa của các tiêu chí (%(most)s).") % {
                "most": most
            }
    if (
        "outstanding_mark" not in errors
        and campaign.exemplar_mark is not None
        and campaign.outstanding_mark is not None
        and campaign.outstanding_mark < campaign.exemplar_mark
    ):
        errors["outstanding_mark"] = _("Điểm xếp loại tiêu biểu phải từ điểm xếp loại điển hình trở lên.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def criteria_save(*, user, campaign: Campaign, rows: list, version: str | None = None) -> Campaign:
    """Save a campaign's criteria and marks in one step.

    ``campaign`` carries the edited marks; ``rows`` are dicts ``{"pk", "name", "points",
    "order", "delete"}`` (``pk`` None for a new criterion). A criterion already scored cannot be
    deleted, nor have its most points lowered under a score given. All or nothing;
    ``version``, the form's, refuses the save over a later change of the campaign.
    """
    services.lock_rows(Campaign, [campaign.pk])
    services.check_version(campaign, version)
    if not may_change_criteria(user, campaign):
        raise PermissionDenied(_("Chỉ cán bộ của đơn vị phát động mới sửa được tiêu chí chấm điểm."))
    stored = {criterion.pk: criterion for criterion in campaign.criteria.all()}
    original = {pk: criterion.name for pk, criterion in stored.items()}
    kept, deleted, errors = [], [], []
    names = set()
    for index, row in enumerate(rows, start=1):
        criterion = stored.get(row.get("pk")) if row.get("pk") else Criterion(campaign=campaign)
        if row.get("pk") and criterion is None:
            errors.append(_("Dòng %(row)s: tiêu chí không còn trong đợt thi đua.") % {"row": index})
            continue
        if row.get("delete"):
            if criterion.pk:
                deleted.append((index, criterion))
            continue
        name = (row.get("name") or "").strip()
        if not name:
            errors.append(_("Dòng %(row)s: hãy ghi tên tiêu chí.") % {"row": index})
            continue
        if name.casefold() in names:
            errors.append(
                _("Dòng %(row)s: tiêu chí “%(name)s” đã có ở dòng trên.") % {"row": index, "name": name}
            )
            continue
        names.add(name.casefold())
        points = row.get("points")
        if points is None or not 1 <= points <= 1000:
            errors.append(_("Dòng %(row)s: điểm tối đa từ 1 đến 1.000.") % {"row": index})
            continue
        criterion.name, criterion.points, criterion.order = name, points, row.get("order") or index
        kept.append((index, criterion))
    scored = {criterion for criterion in stored.values() if criterion.pk}
    highest = {
        row["criterion"]: row["points"]
        for row in Score.objects.filter(criterion__in=scored)
        .values("criterion")
        .annotate(points=Max("points"))
    }
    for index, criterion in deleted:
        if criterion.pk in highest:
            errors.append(
                _("Dòng %(row)s: tiêu chí “%(name)s” đã được chấm điểm nên không xóa được.")
                % {"row": index, "name": criterion.name}
            )
    for index, criterion in kept:
        if criterion.pk in highest and criterion.points < highest[criterion.pk]:
            errors.append(
                _(
                    "Dòng %(row)s: đã có mô hình được %(points)s điểm ở tiêu chí này; "
                    "điểm tối đa không nhỏ hơn."
                )
                % {"row": index, "points": points_text(highest[criterion.pk])}
            )
    if len(kept) > MAX_CRITERIA:
        errors.append(_("Một đợt thi đua có tối đa %(count)s tiêu chí.") % {"count": MAX_CRITERIA})
    if errors:
        raise ValidationError(errors)
    _check_marks(campaign, sum(criterion.points for _index, criterion in kept))
    services.campaign_validate(campaign=campaign)
    for _index, criterion in deleted:
        criterion._history_user = user
        criterion.delete()
    # Free the names first: a criterion may take the name another one gives up in this step.
    for _index, criterion in kept:
        if criterion.pk and criterion.name != original[criterion.pk]:
            Criterion.objects.filter(pk=criterion.pk).update(name=f"#{criterion.pk}#")
    for _index, criterion in kept:
        criterion._history_user = user
        criterion.save()
    return services._save(campaign, user=user)


# ---------------------------------------------------------------------------------------------
# The scores of a registration


def check_scorable(user, registration):
    """Refuse a scoring the user may not make: outside the scope, locked, or not sent up yet."""
    if not scope_of(user).covers(registration.unit, CHANGE):
        raise PermissionDenied(_("Bạn không có quyền chấm điểm mô hình này."))
    if registration.campaign_id is None or not registration.campaign.criteria.exists():
        raise ValidationError(
            _("Đợt thi đua của mô hình này chưa có tiêu chí chấm điểm."), code="no_criteria"
        )
    if registration.review_state in (ReviewState.DRAFT, ReviewState.RETURNED):
        raise ValidationError(
            _("Mô hình đang ở trạng thái “%(state)s”: chỉ chấm điểm được sau khi đơn vị gửi lên.")
            % {"state": registration.get_review_state_display()},
            code="not_submitted",
        )
    review.check_editable(user, Registration.objects.filter(pk=registration.pk))


@transaction.atomic
def scores_save(*, user, registration: Registration, points: dict, version: str | None = None, apply=False):
    """Save a registration's points: {criterion id: Decimal, or None to clear}. Returns the suggestion.

    Each value lies between 0 and its criterion's most points, in steps of 0,5. With ``apply``,
    the suggested evaluation (dated today unless already dated) and grade are written too,
    through the registration's and the model's own services. ``version`` (``scores_version``)
    refuses the save when somebody scored the registration since the form was opened.
    """
    services.lock_rows(Registration, [registration.pk])
    registration = Registration.objects.select_related("campaign", "unit", "initiative").get(
        pk=registration.pk
    )
    check_scorable(user, registration)
    if version is not None and version != scores_version(registration):
        raise ValidationError(
            _("Người khác vừa chấm điểm mô hình này. Hãy xem điểm mới rồi chấm lại."), code="conflict"
        )
    criteria = {criterion.pk: criterion for criterion in registration.campaign.criteria.all()}
    errors = {}
    for pk, value in points.items():
        criterion = criteria.get(pk)
        if criterion is None:
            raise ValidationError(_("Tiêu chí không thuộc đợt thi đua của mô hình này."), code="criterion")
        if value is None:
            continue
        if value < 0 or value > criterion.points or (value * 2) % 1:
            errors[f"criterion_{pk}"] = _("Điểm từ 0 đến %(most)s, lẻ đến 0,5.") % {"most": criterion.points}
    if errors:
        raise ValidationError(errors)
    stored = {score.criterion_id: score for score in registration.scores.all()}
    for pk, value in points.items():
        score = stored.get(pk)
        if value is None:
            if score is not None:
                score._history_user = user
                score.delete()
            continue
        if score is not None and score.points == value:
            continue
        score = score or Score(registration=registration, criterion=criteria[pk])
        score.points, score.scored_by = value, user
        score._history_user = user
        score.save()
    suggestion = suggest(registration.campaign, total_of(registration))
    if apply:
        _apply(user, registration, suggestion)
    return suggestion


def _apply(user, registration, suggestion):
    if suggestion.evaluation and registration.evaluation != suggestion.evaluation:
        registration.evaluation = suggestion.evaluation
        registration.evaluated_on = registration.evaluated_on or timezone.localdate()
        services.registration_update(user=user, registration=registration)
    initiative = registration.initiative
    if suggestion.grade and initiative.grade != suggestion.grade:
        initiative.grade = suggestion.grade
        services.initiative_update(user=user, initiative=initiative)
