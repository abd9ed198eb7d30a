"""Numbers, dates and sentences the way Vietnamese reports write them.

"1.759 mô hình", "ngày 16 tháng 4 năm 2024".
"""

from django.utils.translation import gettext as _

from registry.choices import Grade, Kind, Level, RegistrationStatus, UnitType


def number(value):
    """Write a count with a dot for thousands: 1.759."""
    return f"{value:,}".replace(",", ".")


def place_date(place, day=None, year=None):
    """Return the place-date line: "Thái Nguyên, ngày 16 tháng 4 năm 2024" (dotted when not signed yet)."""
    if day is None:
        return _("%(place)s, ngày ..... tháng ..... năm %(year)s") % {"place": place, "year": year}
    return _("%(place)s, ngày %(day)s tháng %(month)s năm %(year)s") % {
        "place": place,
        "day": f"{day.day:02d}",
        "month": day.month,
        "year": day.year,
    }


def _area(root):
    """Who the sentences speak of: "Toàn tỉnh" for a province, else the unit's name."""
    if root.unit_type == UnitType.PROVINCE:
        return _("toàn tỉnh")
    return root.name


def _change(change, previous_label):
    if change > 0:
        return _("tăng %(n)s mô hình so với cùng kỳ %(previous)s") % {
            "n": number(change),
            "previous": previous_label,
        }
    if change < 0:
        return _("giảm %(n)s mô hình so với cùng kỳ %(previous)s") % {
            "n": number(-change),
            "previous": previous_label,
        }
    return _("bằng cùng kỳ %(previous)s") % {"previous": previous_label}


def _capitalise(text):
    return text[:1].upper() + text[1:]


def report_sentences(root, period, summary, fields):
    """Return the report's paragraphs quoting the figures of ``summary`` and ``fields`` (``reports.selectors``).

    "Trong năm 2024, toàn tỉnh có 1.759 mô hình, điển hình “Dân vận khéo” được đăng ký, trong
    đó 1.468 mô hình tập thể, 291 mô hình cá nhân."
    """
    current, change = summary["current"], summary["change"]
    previous_label = period.previous().label
    sentences = [
        _(
            "Trong %(period)s, %(area)s có %(total)s mô hình, điển hình “Dân vận khéo” được đăng ký, "
            "trong đó %(collective)s mô hình tập thể, %(individual)s mô hình cá nhân."
        )
        % {
            "period": period.label,
            "area": _area(root),
            "total": number(current["total"]),
            "collective": number(current[Kind.COLLECTIVE.value]),
            "individual": number(current[Kind.INDIVIDUAL.value]),
        },
        _("Trong đó, duy trì %(maintained)s, đăng ký mới %(new)s; %(change)s.")
        % {
            "maintained": number(current[RegistrationStatus.MAINTAINED.value]),
            "new": number(current[RegistrationStatus.NEW.value]),
            "change": _change(change["total"], previous_label),
        },
    ]
    levels = [
        _("%(n)s mô hình %(level)s")
        % {"n": number(current[f"level_{level.value}"]), "level": level.label.lower()}
        for level in reversed(Level)
        if current[f"level_{level.value}"]
    ]
    if levels:
        sentences.append(_("Theo cấp đăng ký: %(levels)s.") % {"levels": "; ".join(levels)})
    by_field = [
        _("%(field)s %(n)s") % {"field": standard["name"].lower(), "n": number(standard["counts"]["total"])}
        for standard in fields["standards"]
    ]
    sentences.append(_("Theo lĩnh vực: %(fields)s mô hình.") % {"fields": ", ".join(by_field)})
    sentences.append(
        _("Có %(exemplar)s điển hình và %(outstanding)s mô hình, điển hình tiêu biểu.")
        % {
            "exemplar": number(current[f"grade_{Grade.EXEMPLAR.value}"]),
            "outstanding": number(current[f"grade_{Grade.OUTSTANDING.value}"]),
        }
    )
    sentences.append(
        _("Qua đánh giá, %(effective)s/%(total)s mô hình đạt hiệu quả.")
        % {"effective": number(current["effective"]), "total": number(current["total"])}
    )
    recognised = _("Được công nhận %(n)s mô hình (%(collective)s tập thể, %(individual)s cá nhân)") % {
        "n": number(current["recognised"]),
        "collective": number(current[f"recognised_{Kind.COLLECTIVE.value}"]),
        "individual": number(current[f"recognised_{Kind.INDIVIDUAL.value}"]),
    }
    by_level = [
        _("%(level)s %(n)s")
        % {"level": level.label.lower(), "n": number(current[f"recognised_{level.value}"])}
        for level in reversed(Level)
        if current[f"recognised_{level.value}"]
    ]
    if by_level:
        recognised += _(", cao nhất: %(levels)s") % {"levels": ", ".join(by_level)}
    sentences.append(
        recognised + _("; được khen thưởng %(n)s mô hình.") % {"n": number(current["commended"])}
    )
    return [_capitalise(sentence) for sentence in sentences]
