"""What the home page tells each user: the figures of the year the dashboard opens on, and
what to do next, read from the state of the user's rows.

A fixed number of queries whatever the data: one aggregate of the registrations (by carrying
unit), one for the rows waiting at the user's units, the campaigns asked of them, the
default year.
"""

from dataclasses import dataclass

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from . import formats, review
from .choices import Evaluation, ReviewState
from .defaults import DefaultYear, default_root, default_year_of
from .models import Registration
from .querysets import CHANGE, MANAGE, own_unit_ids
from .scope import scope_of

# A campaign's deadline is "near" this many days ahead: the home page names it among the steps.
NEAR_DAYS = 14


@dataclass(frozen=True)
class Step:
    """One thing to do next: what, where, and whether it is urgent."""

    text: str
    url: str
    urgent: bool = False


def _list_url(**params):
    return reverse("registry:registration_list") + "?" + urlencode(params)


def home_year(user, today=None):
    """Return the DefaultYear the dashboard opens on for ``user`` (at their own unit)."""
    today = today or timezone.localdate()
    root = default_root(user)
    if root is None:
        return DefaultYear(year=today.year, today=today.year, latest=None)
    return default_year_of(user, root, today)


def home_figures(user, year, today=None):
    """Return the counts the home page shows and its steps read. Two queries.

    Over the rows ``user`` may see, the figures of the page: ``year``'s rows sent up and not
    evaluated, the year before's not carried into ``year``. Over the rows the user's own units
    act on (``own_q``: not those of the units below them), the steps: the drafts and returned
    rows, the rows of last year (today's) not carried over into this one, ``year``'s rows sent
    up and not evaluated; and the rows waiting at the user's units. Each step's link lists
    exactly its rows (``step_params``). The year's figures themselves are the report's
    (``reports.selectors``), read by the view.
    """
    today = today or timezone.localdate()
    registrations = Registration.objects.restrict(user).alive()

    def carried_into(later):
        # The models registered in ``later``: one hashed list, where a lookup per row of a
        # national year (hundreds of thousands) took seconds.
        return Registration.objects.filter(year=later, is_deleted=False).values("initiative_id")

    pending = Q(year=year, evaluation=Evaluation.PENDING) & ~Q(review_state=ReviewState.DRAFT)
    # Only the rows some count can keep are read: the years counted, and the drafts and
    # returned rows of any year (a national scope holds millions of others).
    counted = Q(year__in={year, year - 1, today.year - 1}) | Q(
        review_state__in=[ReviewState.DRAFT, ReviewState.RETURNED]
    )
    counts = {
        "pending": Count("pk", filter=pending),
        "not_renewed": Count("pk", filter=Q(year=year - 1) & ~Q(initiative_id__in=carried_into(year))),
        "to_carry": Count(
            "pk", filter=Q(year=today.year - 1) & ~Q(initiative_id__in=carried_into(today.year))
        ),
        "drafts": Count("pk", filter=Q(review_state=ReviewState.DRAFT)),
        "returned": Count("pk", filter=Q(review_state=ReviewState.RETURNED)),
    }
    # Counted by the unit that carries each row, then summed here: the user's own rows are
    # those of the carriers in ``own`` (``own_q``; None: every row, a superuser's). Testing
    # every row against the ids of the units a central-level user acts for (60.000) tripled
    # the time.
    own = own_unit_ids(user, CHANGE)
    figures = dict.fromkeys([*counts, "to_evaluate"], 0)
    by_carrier = registrations.filter(counted).values("carrier_id").annotate(**counts).order_by()
    for carrier, *values in by_carrier.values_list("carrier_id", *counts):
        row = dict(zip(counts, values, strict=True))
        figures["pending"] += row["pending"]
        figures["not_renewed"] += row["not_renewed"]
        if own is None or carrier in own:
            for key in ("to_carry", "drafts", "returned"):
                figures[key] += row[key]
            figures["to_evaluate"] += row["pending"]
    figures["waiting"] = review.waiting_at(user, registrations).count()
    return figures


def step_params(step, *, year=None):
    """Return the model list's filters that list exactly the rows ``home_figures`` counts for ``step``.

    ``own_units``: the rows of the user's own units, as ``own_q`` keeps them; "counted": sent
    up, not a draft.
    """
    params = {
        "drafts": {"review_state": ReviewState.DRAFT},
        "returned": {"review_state": ReviewState.RETURNED},
        "to_carry": {"year": year, "renewed": "false"},
        "to_evaluate": {"year": year, "evaluation": Evaluation.PENDING, "review_state": "counted"},
    }[step]
    return {**params, "own_units": "true"}


def next_steps(user, *, figures, campaigns, chosen, may_change):
    """Return the Steps for ``user``, the most pressing first, read from ``figures`` and ``campaigns``.

    An editor: rows returned to fix, drafts to submit, campaign deadlines within ``NEAR_DAYS``,
    last year's models to carry over, the year's rows to evaluate; a reviewer: the rows waiting;
    an administrator: the change log; everyone: the dashboard of the year. No query of its own
    except the scope, read once a request.
    """
    steps = []
    year = chosen.year
    if figures["waiting"]:
        steps.append(
            Step(
                ngettext(
                    "Xét %(n)s mô hình cấp dưới gửi lên, chờ đơn vị bạn xét",
                    "Xét %(n)s mô hình cấp dưới gửi lên, chờ đơn vị bạn xét",
                    figures["waiting"],
                )
                % {"n": formats.grouped(figures["waiting"])},
                reverse("registry:review_queue"),
                urgent=True,
            )
        )
    if may_change:
        if figures["returned"]:
            steps.append(
                Step(
                    ngettext(
                        "Sửa %(n)s mô hình bị trả lại, cần bổ sung rồi gửi lại",
                        "Sửa %(n)s mô hình bị trả lại, cần bổ sung rồi gửi lại",
                        figures["returned"],
                    )
                    % {"n": formats.grouped(figures["returned"])},
                    _list_url(**step_params("returned")),
                    urgent=True,
                )
            )
        if figures["drafts"]:
            steps.append(
                Step(
                    ngettext(
                        "Gửi lên %(n)s mô hình còn là dự thảo",
                        "Gửi lên %(n)s mô hình còn là dự thảo",
                        figures["drafts"],
                    )
                    % {"n": formats.grouped(figures["drafts"])},
                    _list_url(**step_params("drafts")),
                )
            )
        for campaign in campaigns:
            for days, deadline, text in (
                (
                    campaign.registration_days,
                    campaign.registration_deadline,
                    _("Đăng ký mô hình cho “%(title)s”: hạn %(date)s, còn %(days)s ngày"),
                ),
                (
                    campaign.evaluation_days,
                    campaign.evaluation_deadline,
                    _("Đánh giá mô hình cho “%(title)s”: hạn %(date)s, còn %(days)s ngày"),
                ),
            ):
                if 0 <= days <= NEAR_DAYS:
                    values = {"title": formats.inner(campaign.title), "date": formats.day(deadline)}
                    steps.append(
                        Step(text % {**values, "days": days}, campaign.get_absolute_url(), urgent=days <= 3)
                    )
        if figures["to_carry"]:
            steps.append(
                Step(
                    ngettext(
                        "Đăng ký duy trì %(n)s mô hình năm %(last)s chưa đăng ký năm %(this)s",
                        "Đăng ký duy trì %(n)s mô hình năm %(last)s chưa đăng ký năm %(this)s",
                        figures["to_carry"],
                    )
                    % {
                        "n": formats.grouped(figures["to_carry"]),
                        "last": chosen.today - 1,
                        "this": chosen.today,
                    },
                    # The rollover page previews exactly these rows, from the list's filters.
                    reverse("intake:rollover")
                    + "?"
                    + urlencode({"from_list": 1, **step_params("to_carry", year=chosen.today - 1)}),
                )
            )
        if figures["to_evaluate"]:
            steps.append(
                Step(
                    ngettext(
                        "Đánh giá %(n)s mô hình năm %(year)s chưa đánh giá",
                        "Đánh giá %(n)s mô hình năm %(year)s chưa đánh giá",
                        figures["to_evaluate"],
                    )
                    % {"n": formats.grouped(figures["to_evaluate"]), "year": year},
                    _list_url(**step_params("to_evaluate", year=year)),
                )
            )
        if not steps:
            steps.append(Step(_("Đăng ký mô hình mới"), reverse("registry:initiative_create")))
    if scope_of(user).paths(MANAGE) != []:
        changelog = _("Xem nhật ký thay đổi của các đơn vị bạn quản trị")
        steps.append(Step(changelog, reverse("registry:changelog")))
    steps.append(
        Step(
            _("Xem bảng tổng hợp năm %(year)s") % {"year": year},
            reverse("reports:dashboard") + "?" + urlencode({"year": year}),
        )
    )
    return steps
