"""Numbers, dates and sentences the way Vietnamese reports write them.

"1.759 mô hình", "ngày 16 tháng 4 năm 2024".
"""

from django.utils.translation import gettext as _

from registry.choices import Grade, Kind, Level, RegistrationStatus, UnitType

from ..quoted import lower_first


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


def _by_kind(counts, prefix=""):
    """ "A tập thể, B cá nhân" from ``counts`` (``prefix_collective``, ``prefix_individual``)."""
    return _("%(collective)s tập thể, %(individual)s cá nhân") % {
        "collective": number(counts[f"{prefix}{Kind.COLLECTIVE.value}"]),
        "individual": number(counts[f"{prefix}{Kind.INDIVIDUAL.value}"]),
    }


def _kinds_given(counts):
    """ "A tập thể, B cá nhân" leaving out a kind at zero ("1 tập thể"): said of what was given."""
    parts = [
        _("%(n)s %(kind)s") % {"n": number(counts[kind.value]), "kind": str(kind.label).lower()}
        for kind in Kind
        if counts[kind.value]
    ]
    return ", ".join(parts)


def report_sentences(root, period, summary, fields, awards=(), fields_apart=()):
    """Return the report's paragraphs quoting the figures of ``summary`` and ``fields`` (the selectors').

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
        % {"n": number(current[f"level_{level.value}"]), "level": lower_first(level.label)}
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
    apart = [
        _("lĩnh vực %(field)s có %(n)s mô hình (%(kinds)s)")
        % {
            "field": lower_first(item["name"]),
            "n": number(item["counts"]["total"]),
            "kinds": _by_kind(item["counts"]),
        }
        for item in fields_apart
    ]
    if apart:
        sentences.append(_("Riêng %(fields)s.") % {"fields": "; ".join(apart)})
    sentences.append(
        _(
            "Có %(exemplar)s điển hình (%(exemplar_kinds)s) và %(outstanding)s mô hình, điển hình tiêu biểu "
            "(%(outstanding_kinds)s)."
        )
        % {
            "exemplar": number(current[f"grade_{Grade.EXEMPLAR.value}"]),
            "exemplar_kinds": _by_kind(current, f"grade_{Grade.EXEMPLAR.value}_"),
            "outstanding": number(current[f"grade_{Grade.OUTSTANDING.value}"]),
            "outstanding_kinds": _by_kind(current, f"grade_{Grade.OUTSTANDING.value}_"),
        }
    )
    effective = _("Qua đánh giá, %(effective)s/%(total)s mô hình đạt hiệu quả (%(kinds)s)") % {
        "effective": number(current["effective"]),
        "total": number(current["total"]),
        "kinds": _by_kind(current, "effective_"),
    }
    by_level = [
        _("%(n)s mô hình đăng ký %(level)s, trong đó %(effective)s mô hình hiệu quả")
        % {
            "n": number(current[f"level_{level.value}"]),
            "level": lower_first(level.label),
            "effective": number(current[f"effective_level_{level.value}"]),
        }
        for level in reversed(Level)
        if current[f"level_{level.value}"]
    ]
    if by_level:
        effective += "; " + "; ".join(by_level)
    sentences.append(effective + ".")
    recognised = _("Được công nhận %(n)s mô hình (%(collective)s tập thể, %(individual)s cá nhân)") % {
        "n": number(current["recognised"]),
        "collective": number(current[f"recognised_{Kind.COLLECTIVE.value}"]),
        "individual": number(current[f"recognised_{Kind.INDIVIDUAL.value}"]),
    }
    recognised_levels = [
        _("%(level)s %(n)s")
        % {"level": lower_first(level.label), "n": number(current[f"recognised_{level.value}"])}
        for level in reversed(Level)
        if current[f"recognised_{level.value}"]
    ]
    if recognised_levels:
        recognised += _(", cao nhất: %(levels)s") % {"levels": ", ".join(recognised_levels)}
    commended = _("được khen thưởng %(n)s mô hình (%(kinds)s)") % {
        "n": number(current["commended"]),
        "kinds": _by_kind(current, "commended_"),
    }
    given = [
        _("%(form)s cho %(kinds)s") % {"form": award["name"], "kinds": _kinds_given(award["kinds"])}
        for award in awards
        if award["total"]
    ]
    if given:
        commended += _(", gồm: %(forms)s") % {"forms": "; ".join(given)}
    sentences.append(recognised + "; " + commended + ".")
    if current["proposed_recognition"] or current["proposed_commendation"]:
        sentences.append(
            _(
                "Đề nghị cấp trên công nhận %(recognition)s mô hình (%(recognition_kinds)s), "
                "khen thưởng %(commendation)s mô hình (%(commendation_kinds)s)."
            )
            % {
                "recognition": number(current["proposed_recognition"]),
                "recognition_kinds": _by_kind(current, "proposed_recognition_"),
                "commendation": number(current["proposed_commendation"]),
                "commendation_kinds": _by_kind(current, "proposed_commendation_"),
            }
        )
    if current["results_people"] or current["results_money"] or current["results_workdays"]:
        sentences.append(
            _(
                "Các mô hình đã thu hút %(people)s lượt người tham gia, hưởng lợi, huy động %(money)s đồng "
                "và %(workdays)s ngày công."
            )
            % {
                "people": number(current["results_people"]),
                "money": number(current["results_money"]),
                "workdays": number(current["results_workdays"]),
            }
        )
    return [_capitalise(sentence) for sentence in sentences]
