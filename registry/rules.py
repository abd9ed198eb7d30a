"""The registry's domain rules, each answered once, the same for forms, import, services and generators.

What a registration year, a date, a registration and a decision must satisfy, which status a
registration takes by default, whether a unit is open on a day or during a year, and which unit
carries a closed one on. The services apply them on every write (forms and admin show their
refusals), the import to every row; the generators' data is audited against them in the tests.

Each check is a small function that raises ``ValidationError`` keyed by the field it is about,
with a Vietnamese message that says what to change: a form shows it on that field, the import
at the row and the column of that field. The checks run no query of their own (only following a
unit's successor reads it, when not loaded yet): the caller passes what they need (whether the
initiative was registered the year before, the registrations a decision covers), so that the
import can answer them for 20.000 rows from a few queries.
"""

import datetime
import unicodedata

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import formats
from .choices import Kind, RegistrationStatus

# The years a model can be registered for; the database's check constraint says the same.
FIRST_YEAR = 2000
LAST_YEAR = 2100
YEAR_RANGE_MESSAGE = format_lazy(
    gettext_lazy("Năm đăng ký phải từ {first} đến {last}."), first=FIRST_YEAR, last=LAST_YEAR
)

# The dates any date field accepts. Registrations start in 2000, and a model may have started a
# few years before its first registration; a unit open since earlier leaves "from" empty. The
# upper bound leaves room for what is planned (a unit's announced closing, a model's start), and
# catches the typed years that are not years (0024, 2204, 9999).
FIRST_DAY = datetime.date(1990, 1, 1)
YEARS_AHEAD = 5
# A registration or a decision dated tomorrow (a document drafted the day before) is common;
# a later one is a typo.
DAYS_AHEAD = 1
# A model is registered during its year, or already in the last quarter of the year before,
# when the year-end review plans the next year.
WINDOW_OPENS = (10, 1)

# The largest results a registration can report. A commune's model reaches thousands of people
# and mobilises millions of đồng; a province-wide one, a few million people. A figure beyond
# these is a typo (an extra digit, a phone number pasted in the wrong column).
RESULT_LIMITS = {
    "people_reached": 10_000_000,
    "money_mobilised": 1_000_000_000_000,  # 1.000 tỷ đồng
    "workdays": 10_000_000,
}
# The longest free text a form accepts in a field without its own length (situation, content...):
# some pages of a registration form, not a pasted document.
LONG_TEXT_MAX_LENGTH = 10_000

PERSON_REQUIRED_MESSAGE = gettext_lazy("Mô hình cá nhân phải ghi họ và tên người thực hiện.")

# How the messages name the date fields.
DATE_LABELS = {
    "registered_on": gettext_lazy("Ngày đăng ký"),
    "evaluated_on": gettext_lazy("Ngày đánh giá"),
    "start_date": gettext_lazy("Ngày bắt đầu thực hiện"),
    "signed_on": gettext_lazy("Ngày ký"),
    "valid_from": gettext_lazy("Ngày bắt đầu hoạt động"),
    "valid_to": gettext_lazy("Ngày kết thúc hoạt động"),
    "launched_on": gettext_lazy("Ngày phát động"),
    "registration_deadline": gettext_lazy("Hạn đăng ký"),
    "evaluation_deadline": gettext_lazy("Hạn đánh giá"),
}


def _refuse(field, message, code, **params):
    raise ValidationError({field: ValidationError(message, code=code, params=params)})


def _day(value):
    return formats.day(value)


def _collect(*checks):
    """Run each check; raise one ``ValidationError`` holding the errors of all that failed."""
    errors = {}
    for check in checks:
        try:
            check()
        except ValidationError as error:
            errors = error.update_error_dict(errors)
    if errors:
        raise ValidationError(errors)


def today():
    return timezone.localdate()


# Years and dates --------------------------------------------------------------------------


def check_year(year, *, field="year"):
    """Refuse a registration year outside FIRST_YEAR … LAST_YEAR."""
    if not FIRST_YEAR <= year <= LAST_YEAR:
        _refuse(
            field,
            _("Năm %(year)s không hợp lệ: năm đăng ký phải từ %(first)s đến %(last)s."),
            "year_range",
            year=year,
            first=FIRST_YEAR,
            last=LAST_YEAR,
        )


def last_day(on=None):
    """Return the last date any date field accepts: 31/12 of the year YEARS_AHEAD from now."""
    return datetime.date((on or today()).year + YEARS_AHEAD, 12, 31)


def check_date(day, *, field):
    """Refuse a date outside FIRST_DAY … ``last_day()``: no 01/01/0001, no 31/12/9999."""
    last = last_day()
    if not FIRST_DAY <= day <= last:
        _refuse(
            field,
            _(
                "%(label)s %(date)s không hợp lệ: phần mềm nhận ngày từ %(first)s đến %(last)s. "
                "Hãy kiểm tra năm."
            ),
            "date_range",
            label=DATE_LABELS.get(field, _("Ngày")),
            date=_day(day),
            first=_day(FIRST_DAY),
            last=_day(last),
        )


def _unkeyed(check, field, value, **kwargs):
    """Run ``check`` as a model field's validator: the field places the error itself."""
    try:
        check(value, field=field, **kwargs)
    except ValidationError as error:
        raise ValidationError(error.error_dict[field]) from None


@deconstructible
class YearValidator:
    """``check_year`` on the model's year field."""

    def __call__(self, year):
        _unkeyed(check_year, "year", year)

    def __eq__(self, other):
        return isinstance(other, YearValidator)


@deconstructible
class DateRangeValidator:
    """``check_date`` on a model's date field."""

    def __init__(self, field):
        self.field = field

    def __call__(self, day):
        _unkeyed(check_date, self.field, day)

    def __eq__(self, other):
        return isinstance(other, DateRangeValidator) and other.field == self.field


def check_not_future(day, *, field, on=None):
    """Refuse a date later than tomorrow (DAYS_AHEAD): what is registered or signed has happened."""
    now = on or today()
    if day > now + datetime.timedelta(days=DAYS_AHEAD):
        _refuse(
            field,
            _("%(label)s %(date)s ở tương lai (hôm nay là %(today)s). Hãy kiểm tra ngày, tháng, năm."),
            "future",
            label=DATE_LABELS.get(field, _("Ngày")),
            date=_day(day),
            today=_day(now),
        )


def _number(value):
    return formats.grouped(value)


RESULT_LABELS = {
    "people_reached": gettext_lazy("Số người tham gia, hưởng lợi"),
    "money_mobilised": gettext_lazy("Kinh phí huy động"),
    "workdays": gettext_lazy("Số ngày công"),
}


def check_result(value, *, field):
    """Refuse a registration's result (people, money, workdays) below 0 or above ``RESULT_LIMITS``."""
    limit = RESULT_LIMITS[field]
    if not 0 <= value <= limit:
        _refuse(
            field,
            _("%(label)s %(value)s không hợp lệ: phần mềm nhận từ 0 đến %(limit)s. Hãy kiểm tra số."),
            "result_range",
            label=RESULT_LABELS[field],
            value=_number(value),
            limit=_number(limit),
        )


@deconstructible
class ResultRangeValidator:
    """``check_result`` on a registration's result field."""

    def __init__(self, field):
        self.field = field

    def __call__(self, value):
        _unkeyed(check_result, self.field, value)

    def __eq__(self, other):
        return isinstance(other, ResultRangeValidator) and other.field == self.field


# Registrations ----------------------------------------------------------------------------


def registration_window(year):
    """Return (first, last): the days a registration for ``year`` may be dated."""
    month, day = WINDOW_OPENS
    return datetime.date(year - 1, month, day), datetime.date(year, 12, 31)


def check_registered_on(registered_on, year, *, on=None):
    """Refuse a registration date outside its year's window, or in the future."""
    first, last = registration_window(year)
    if not first <= registered_on <= last:
        _refuse(
            "registered_on",
            _(
                "Ngày đăng ký %(date)s không thuộc năm %(year)s: ngày đăng ký phải trong năm %(year)s "
                "hoặc từ %(first)s (quý IV năm trước). Hãy sửa ngày hoặc năm."
            ),
            "registration_window",
            date=_day(registered_on),
            year=year,
            first=_day(first),
        )
    check_not_future(registered_on, field="registered_on", on=on)


def registration_day(year, on=None):
    """Return the date a new registration for ``year`` is given when none is typed.

    Today when today is in the year's window, else 1 January of the year (a past year entered late).
    """
    now = on or today()
    first, last = registration_window(year)
    return now if first <= now <= last else datetime.date(year, 1, 1)


def default_status(*, registered_last_year):
    """Return "maintained" when the initiative was registered the year before, else "new".

    A model that skipped a year starts again as new: "maintained" means carried on from last year.
    """
    return RegistrationStatus.MAINTAINED if registered_last_year else RegistrationStatus.NEW


def check_status(status, *, year, registered_last_year, entered_late):
    """Refuse "maintained" after a year without registration, unless it is old history entered late."""
    if status == RegistrationStatus.MAINTAINED and not registered_last_year and not entered_late:
        _refuse(
            "status",
            _(
                "Mô hình chưa có đăng ký năm %(previous)s nên năm %(year)s không ghi được “Duy trì”. "
                "Hãy chọn “Đăng ký mới”; nếu năm %(previous)s có đăng ký nhưng hồ sơ chưa được nhập, "
                "hãy đánh dấu “Nhập bổ sung hồ sơ cũ”."
            ),
            "maintained_after_gap",
            previous=year - 1,
            year=year,
        )


def check_registration(
    *, year, registered_on, unit, status, entered_late, registered_last_year, decisions=(), on=None
):
    """Apply every rule of one registration; raise their errors together.

    ``decisions`` are those that cover the registration already (``check_registered_before``).

    A rule whose input is missing or already wrong (no date, a year out of range) is skipped,
    so that each field shows its own first problem.
    """
    checks = []
    if year is not None:
        checks.append(lambda: check_year(year))
    year_ok = year is not None and FIRST_YEAR <= year <= LAST_YEAR
    if year_ok and registered_on is not None:
        checks.append(lambda: check_registered_on(registered_on, year, on=on))
        checks.append(lambda: check_registered_before(registered_on, decisions))
        if unit is not None:
            checks.append(lambda: check_unit_open(unit, registered_on, year=year))
    if year_ok and status:
        checks.append(
            lambda: check_status(
                status, year=year, registered_last_year=registered_last_year, entered_late=entered_late
            )
        )
    _collect(*checks)


# Initiatives ------------------------------------------------------------------------------


def check_person(kind, person_name):
    """Refuse an individual model without its person's name, and a collective one with a name."""
    if kind == Kind.INDIVIDUAL and not person_name:
        _refuse("person_name", PERSON_REQUIRED_MESSAGE, "person_required")
    if kind == Kind.COLLECTIVE and person_name:
        _refuse(
            "person_name",
            _(
                "Mô hình tập thể không ghi họ tên cá nhân. "
                "Nếu là mô hình cá nhân, hãy chọn Loại là “Cá nhân”."
            ),
            "person_for_collective",
        )


# Units ------------------------------------------------------------------------------------


def is_open_during(unit, start, end):
    """Tell whether ``unit`` was open on at least one day from ``start`` to ``end``."""
    return (unit.valid_from is None or unit.valid_from <= end) and (
        unit.valid_to is None or unit.valid_to >= start
    )


def is_open_on(unit, day):
    """Tell whether ``unit`` was open on ``day`` (both bounds count)."""
    return is_open_during(unit, day, day)


def is_open_in(unit, year):
    """Tell whether ``unit`` was open on at least one day of ``year``."""
    return is_open_during(unit, datetime.date(year, 1, 1), datetime.date(year, 12, 31))


def open_during_q(start, end, prefix=""):
    """Return the filter form of ``is_open_during`` (``prefix`` leads to the unit, e.g. "unit__")."""
    return (Q(**{f"{prefix}valid_from__isnull": True}) | Q(**{f"{prefix}valid_from__lte": end})) & (
        Q(**{f"{prefix}valid_to__isnull": True}) | Q(**{f"{prefix}valid_to__gte": start})
    )


def unit_carrying_on(unit, day, initiative_id=None):
    """Return the unit that carries on ``unit``'s work on ``day``: itself while open, else its successor.

    Follows the lineage the reorganisations recorded (``registry.lineage``) while the unit had
    already closed on ``day``; for a split, the part that carries ``initiative_id`` (else the
    main one). A unit closed with no successor named (dissolved) is its own answer: there is
    no unit to offer instead. Every question "which unit carries this one on" goes through here.
    """
    from .lineage import successor_on

    seen = set()
    while unit.valid_to is not None and unit.valid_to < day and unit.pk not in seen:
        seen.add(unit.pk)
        successor = successor_on(unit, day, initiative_id)
        if successor is None:
            break
        unit = successor
    return unit


def units_carried_on(unit, day):
    """Return the former units, open on ``day``, whose work ``unit`` (opened later) carries on."""
    from .lineage import predecessors
    from .models import Unit

    formers = predecessors([unit.pk])[unit.pk]
    return list(Unit.objects.filter(pk__in=formers).filter(open_during_q(day, day)).order_by("path"))


def check_unit_open(unit, day, *, field="unit", year=None):
    """Refuse a unit not open on ``day`` (or, with ``year``, closed before that year); name its successor."""
    if is_open_on(unit, day) and (year is None or is_open_in(unit, year)):
        return
    params = {"unit": unit.name, "day": _day(day), "year": year}
    if unit.valid_from is not None and unit.valid_from > day:
        message = _("Đơn vị “%(unit)s” hoạt động từ ngày %(start)s, chưa hoạt động ngày %(day)s.")
        formers = units_carried_on(unit, day)
        if formers:
            message += " " + _(
                "Ngày đó, phần việc của đơn vị này do %(formers)s đảm nhận: hãy chọn đơn vị đó."
            )
            params["formers"] = "; ".join(f"“{former.name}”" for former in formers)
        _refuse(field, message, "unit_not_open_yet", start=_day(unit.valid_from), **params)
    # Closed before ``day``, or (a registration dated the year before) before its year began.
    on = day if unit.valid_to < day else datetime.date(year, 1, 1)
    params["end"] = _day(unit.valid_to)
    carrier = unit_carrying_on(unit, on)
    if on == day:
        message = _("Đơn vị “%(unit)s” hoạt động đến ngày %(end)s, không còn hoạt động ngày %(day)s.")
    else:
        message = _("Đơn vị “%(unit)s” hoạt động đến ngày %(end)s, không còn hoạt động trong năm %(year)s.")
    if carrier != unit and is_open_on(carrier, on):
        message += " " + _("Đơn vị kế thừa là “%(successor)s”: hãy chọn đơn vị này.")
        params["successor"] = carrier.name
    else:
        message += " " + _("Đơn vị không có đơn vị kế thừa đang hoạt động: hãy chọn đơn vị đang hoạt động.")
    _refuse(field, message, "unit_closed", **params)


def check_unit_dates(*, valid_to, successor):
    """Refuse a successor for a unit that has not closed."""
    if successor is not None and valid_to is None:
        _refuse("valid_to", _("Đơn vị có đơn vị kế thừa phải có ngày kết thúc hoạt động."), "successor_open")


def unit_name_key(name):
    """Return how two unit names are told apart: case and spacing ignored, diacritics kept."""
    return " ".join(unicodedata.normalize("NFC", str(name or "")).casefold().split())


def check_unit_place(*, parent, name, valid_from, valid_to, siblings=()):
    """Refuse a new unit placed outside its parent's time, or named as a sibling of the same time.

    ``parent`` is None for a top-level unit; ``siblings`` are the units already under the same
    parent (stored ones and, for an import, those of the sheet's earlier rows). A unit without
    an opening day is taken to have opened with its parent. Two siblings may share a name only
    when their times do not meet (a new commune taking the name of the one it replaces).
    """
    start, end = valid_from or datetime.date.min, valid_to or datetime.date.max
    if parent is not None:
        params = {"parent": parent.name}
        if valid_from and parent.valid_from and valid_from < parent.valid_from:
            _refuse(
                "valid_from",
                _(
                    "Đơn vị cấp trên “%(parent)s” hoạt động từ ngày %(start)s: đơn vị trực thuộc không "
                    "hoạt động trước ngày đó được."
                ),
                "before_parent",
                start=_day(parent.valid_from),
                **params,
            )
        if parent.valid_to is not None:
            params["end"] = _day(parent.valid_to)
            if valid_to is None:
                _refuse(
                    "parent",
                    _(
                        "Đơn vị cấp trên “%(parent)s” đã thôi hoạt động ngày %(end)s: không thêm đơn vị "
                        "đang hoạt động vào đó được. Hãy chọn đơn vị tiếp nối nó."
                    ),
                    "parent_closed",
                    **params,
                )
            if start > parent.valid_to or end > parent.valid_to:
                _refuse(
                    "valid_to",
                    _(
                        "Đơn vị cấp trên “%(parent)s” thôi hoạt động ngày %(end)s: đơn vị trực thuộc phải "
                        "thôi hoạt động từ ngày đó trở về trước."
                    ),
                    "after_parent",
                    **params,
                )
    key = unit_name_key(name)
    for sibling in siblings:
        if unit_name_key(sibling.name) == key and is_open_during(sibling, start, end):
            if parent is None:
                message = _("Đã có đơn vị cấp cao nhất “%(name)s”. Hãy đặt tên khác hoặc dùng đơn vị đã có.")
            else:
                message = _(
                    "Đã có đơn vị “%(name)s” trực thuộc “%(parent)s”. Hãy đặt tên khác (ví dụ thêm địa "
                    "danh) hoặc dùng đơn vị đã có."
                )
            _refuse("name", message, "same_name", name=sibling.name, parent=getattr(parent, "name", ""))


# Decisions --------------------------------------------------------------------------------


def check_decided_after(signed_on, registrations):
    """Refuse a decision signed before the registration date of a registration it covers.

    ``registrations`` are the covered registrations, with their initiatives.
    """
    early = sorted((r for r in registrations if r.registered_on > signed_on), key=lambda r: r.registered_on)
    if not early:
        return
    names = "; ".join(f"“{formats.inner(r.initiative.name)}” ({_day(r.registered_on)})" for r in early[-3:])
    _refuse(
        "signed_on",
        _(
            "Ngày ký %(date)s trước ngày đăng ký của %(count)s mô hình được quyết định này công nhận, "
            "khen thưởng, muộn nhất: %(names)s. Quyết định phải ký từ ngày mô hình đăng ký trở đi."
        ),
        "decided_before_registration",
        date=_day(signed_on),
        count=len(early),
        names=names,
    )


def check_registered_before(registered_on, decisions):
    """Refuse a registration dated after a decision that covers it (``check_decided_after``, reversed).

    ``decisions`` have a ``signed_on`` and a ``reference``.
    """
    early = sorted((d for d in decisions if d.signed_on < registered_on), key=lambda d: d.signed_on)
    if early:
        _refuse(
            "registered_on",
            _(
                "Ngày đăng ký %(date)s sau ngày ký %(signed)s của quyết định %(reference)s công nhận, "
                "khen thưởng mô hình năm này. Quyết định phải ký từ ngày mô hình đăng ký trở đi."
            ),
            "registered_after_decision",
            date=_day(registered_on),
            signed=_day(early[0].signed_on),
            reference=early[0].reference,
        )


def check_decision(*, signed_on, issuing_unit, registrations=(), on=None):
    """Apply every rule of a decision: not in the future, issued by an open unit, after what it covers."""
    if signed_on is None:
        return
    checks = [lambda: check_not_future(signed_on, field="signed_on", on=on)]
    if issuing_unit is not None:
        checks.append(lambda: check_unit_open(issuing_unit, signed_on, field="issuing_unit"))
    checks.append(lambda: check_decided_after(signed_on, registrations))
    _collect(*checks)


# Campaigns --------------------------------------------------------------------------------


def check_campaign(*, year, unit, launched_on, registration_deadline, evaluation_deadline, unit_types=()):
    """Apply every rule of a campaign of ``year``.

    Launched within the year's registration window (from the last quarter of the year before),
    by a unit open on that day; registration due from the launch to the end of the year,
    evaluation from the registration deadline to the end of the year after (the year-end
    review often meets in January); the unit types asked among the known ones.
    """
    from .choices import UnitType  # noqa: PLC0415 - kept beside the one check that needs it

    if year is None:
        return
    checks = [lambda: check_year(year)]
    first, last = registration_window(min(max(year, FIRST_YEAR), LAST_YEAR))
    if launched_on is not None:
        if not first <= launched_on <= last:
            checks.append(
                lambda: _refuse(
                    "launched_on",
                    _("Ngày phát động %(date)s không thuộc năm %(year)s: phải từ %(first)s đến %(last)s."),
                    "campaign_launch_window",
                    date=_day(launched_on),
                    year=year,
                    first=_day(first),
                    last=_day(last),
                )
            )
        if unit is not None:
            checks.append(lambda: check_unit_open(unit, launched_on))
    if registration_deadline is not None:
        opens = launched_on or first
        if not opens <= registration_deadline <= last:
            checks.append(
                lambda: _refuse(
                    "registration_deadline",
                    _("Hạn đăng ký %(date)s phải từ ngày phát động %(start)s đến %(last)s."),
                    "campaign_registration_deadline",
                    date=_day(registration_deadline),
                    start=_day(opens),
                    last=_day(last),
                )
            )
    if evaluation_deadline is not None:
        due = registration_deadline or first
        end = datetime.date(year + 1, 12, 31)
        if not due <= evaluation_deadline <= end:
            checks.append(
                lambda: _refuse(
                    "evaluation_deadline",
                    _("Hạn đánh giá %(date)s phải từ hạn đăng ký %(start)s đến %(end)s."),
                    "campaign_evaluation_deadline",
                    date=_day(evaluation_deadline),
                    start=_day(due),
                    end=_day(end),
                )
            )
    unknown = sorted(set(unit_types) - set(UnitType.values))
    if unknown:
        checks.append(
            lambda: _refuse(
                "unit_types",
                _("Loại đơn vị không có trong danh mục: %(types)s."),
                "campaign_unit_types",
                types=", ".join(map(str, unknown)),
            )
        )
    _collect(*checks)
