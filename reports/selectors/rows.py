"""The lists of the workbook, streamed: the registrations of a report and the decisions covering them."""

from django.utils.translation import gettext as _

from registry import formats
from registry.choices import (
    LEVEL_RANK,
    DecisionKind,
    Evaluation,
    Grade,
    Kind,
    Level,
    RegistrationStatus,
    ReviewState,
    StandardField,
)
from registry.chunks import batched
from registry.models import Decision, decision_reference

from .roots import registrations

ROW_FIELDS = (
    "pk",
    "unit__name",
    "initiative__name",
    "initiative__kind",
    "initiative__person_name",
    "initiative__person_position",
    "initiative__field__name",
    "initiative__field__standard",
    "initiative__grade",
    "status",
    "level",
    "registered_on",
    "evaluation",
    "recognition_rank",
    "is_commended",
    "review_state",
)


def registration_rows(user, root, period, chunk_size=2000):
    """Yield the registrations of the report, one dict each, in tree order.

    Read as plain values in chunks of ``chunk_size``; the decisions are fetched per chunk, for
    the registrations that have one (a recognition or a commendation, kept on the row), so a
    national list keeps memory bounded and the number of queries grows by two per chunk only.
    """
    qs = (
        registrations(user, root, period)
        .order_by("unit__path", "initiative__name", "pk")
        .values_list(*ROW_FIELDS)
    )
    labels = _labels()
    through = Decision.registrations.through
    for chunk in batched(qs.iterator(chunk_size=chunk_size), chunk_size):
        decided = [row[0] for row in chunk if row[13] is not None or row[14]]
        decisions = {}
        if decided:
            links = (
                through.objects.filter(registration_id__in=decided, decision__is_deleted=False)
                .select_related("decision__award_form")
                .order_by("decision__signed_on", "decision__pk")
            )
            for link in links:
                decisions.setdefault(link.registration_id, []).append(link.decision)
        for (
            pk, unit, name, kind, person_name, person_position, field, standard, grade,
            status, level, registered_on, evaluation, _rank, _commended, review_state,
        ) in chunk:  # fmt: skip
            covering = decisions.get(pk, ())
            recognitions = [d for d in covering if d.kind == DecisionKind.RECOGNITION]
            commendations = [d for d in covering if d.kind == DecisionKind.COMMENDATION]
            top = max(recognitions, key=lambda d: LEVEL_RANK[d.level], default=None)
            yield {
                "pk": pk,
                "unit": unit,
                "initiative": name,
                "kind": labels["kind"][kind],
                "person_name": person_name,
                "person_position": person_position,
                "field": field,
                "standard_field": labels["standard"][standard],
                "grade": labels["grade"][grade],
                "status": labels["status"][status],
                "level": labels["level"][level],
                "registered_on": registered_on,
                "evaluation": labels["evaluation"][evaluation],
                "review_state": labels["review_state"][review_state],
                "recognitions": [_decision_text(d, labels) for d in recognitions],
                "top_recognition": labels["level"][top.level] if top else "",
                "commendations": [_decision_text(d, labels) for d in commendations],
            }


def _labels():
    """Return the choices' labels as plain strings, translated once for a whole list."""
    choices = {
        "kind": Kind,
        "standard": StandardField,
        "grade": Grade,
        "status": RegistrationStatus,
        "level": Level,
        "evaluation": Evaluation,
        "decision_kind": DecisionKind,
        "review_state": ReviewState,
    }
    return {name: {value: str(label) for value, label in enum.choices} for name, enum in choices.items()}


def _decision_text(decision, labels):
    dated = _("%(reference)s ngày %(day)s") % {
        "reference": decision.reference,
        "day": formats.day(decision.signed_on),
    }
    text = f"{dated} ({labels['level'][decision.level]})"
    if decision.award_form_id:
        text = f"{decision.award_form.name}: {text}"
    return text


def decision_rows(user, root, period, chunk_size=2000):
    """Yield the decisions covering the report's registrations, one dict per covered registration.

    Only the covered registrations the user may see are listed. One query, read in chunks.
    """
    through = Decision.registrations.through
    qs = through.objects.filter(
        registration__in=registrations(user, root, period).values("pk"),
        decision__is_deleted=False,
    ).order_by("decision__kind", "decision__signed_on", "decision__pk", "registration__unit__path", "pk")
    labels = _labels()
    values = qs.values_list(
        "decision_id",
        "decision__kind",
        "decision__number",
        "decision__symbol",
        "decision__signed_on",
        "decision__issuer_name",
        "decision__level",
        "decision__award_form__name",
        "decision__title",
        "registration__unit__name",
        "registration__initiative__name",
        "registration__initiative__kind",
    )
    for (
        decision_pk, kind, number, symbol, signed_on, issuer, level, award_form, title,
        unit, initiative, initiative_kind,
    ) in values.iterator(chunk_size=chunk_size):  # fmt: skip
        yield {
            "decision_pk": decision_pk,
            "kind": labels["decision_kind"][kind],
            "reference": decision_reference(number, symbol),
            "signed_on": signed_on,
            "issuer": issuer,
            "level": labels["level"][level],
            "award_form": award_form or "",
            "title": title,
            "unit": unit,
            "initiative": initiative,
            "initiative_kind": labels["kind"][initiative_kind],
        }
