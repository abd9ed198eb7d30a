"""Finding the unit a spreadsheet row names, the way people write unit names."""

import datetime
import difflib
import functools
import re
import unicodedata

from django.utils.translation import gettext as _

from registry import rules
from registry.formats import day
from registry.models import Unit
from registry.querysets import CHANGE, MANAGE
from registry.text import fold

# Abbreviations written in front of names. A single letter needs its dot (“P. Đức Xuân”); the
# capitalised short forms are recognised without one (“ĐU”, “CB”), never a lower-case word,
# so that “du lịch” stays “du lịch”.
ABBREVIATIONS = [
    (re.compile(r"(?<!\w)[Pp]\.\s*"), "Phường "),
    (re.compile(r"(?<!\w)[Xx]\.\s*"), "Xã "),
    (re.compile(r"(?<!\w)[Hh]\.\s*"), "Huyện "),
    (re.compile(r"(?<!\w)[Qq]\.\s*"), "Quận "),
    (re.compile(r"(?<!\w)(?:TT|Tt|tt)\.\s*|(?<!\w)TT(?!\w)\s*"), "Thị trấn "),
    (re.compile(r"(?<!\w)(?:TP|Tp|tp)\.\s*|(?<!\w)TP(?!\w)\s*"), "Thành phố "),
    (re.compile(r"(?<!\w)(?:ĐU|DU|Đu)\.?(?!\w)"), "Đảng ủy"),
    (re.compile(r"(?<!\w)(?:ĐB|Đb)\.?(?!\w)"), "Đảng bộ"),
    (re.compile(r"(?<!\w)(?:CB|Cb)\.?(?!\w)"), "Chi bộ"),
    (re.compile(r"(?<!\w)(?:ĐBCS|DBCS)(?!\w)"), "Đảng bộ cơ sở"),
    (re.compile(r"(?<!\w)(?:CBCS)(?!\w)"), "Chi bộ cơ sở"),
    (re.compile(r"(?<!\w)MTTQ(?!\w)"), "Mặt trận Tổ quốc"),
]
# The organisational word in front of a place name, which people often leave out:
# “Phường Đức Xuân” means “Đảng ủy phường Đức Xuân”.
ORGAN_PREFIXES = ("dang uy ", "dang bo co so ", "dang bo ", "chi bo co so ", "chi bo ", "ban dan van ")


def _expanded(name):
    name = str(name or "")
    for pattern, replacement in ABBREVIATIONS:
        name = pattern.sub(replacement, name)
    return name


@functools.lru_cache(maxsize=100_000)
def name_key(name):
    """Return the comparison key of a unit name: abbreviations expanded, then folded.

    Remembered: a national scope has 60.000 unit names, many of them alike (Chi bộ thôn 1).
    """
    return fold(_expanded(name))


_NOT_WORD = re.compile(r"[\W_]+")


@functools.lru_cache(maxsize=100_000)
def exact_key(name):
    """Return the key of a unit name as written: abbreviations expanded, case and spacing ignored,
    diacritics kept, so that “Đông Thạnh” and “Đông Thành” stay two names."""
    text = unicodedata.normalize("NFC", _expanded(name)).lower()
    return _NOT_WORD.sub(" ", text).strip()


def core_key(key):
    """Return ``key`` without a leading organisational word (đảng ủy, chi bộ, ...)."""
    for prefix in ORGAN_PREFIXES:
        if key.startswith(prefix):
            return key[len(prefix) :]
    return key


def exact_core_key(name):
    """Return ``exact_key(name)`` without its leading organisational word (as ``core_key`` finds it)."""
    exact, folded = exact_key(name), name_key(name)
    core = core_key(folded)
    if core == folded:
        return exact
    words = len(folded.split()) - len(core.split())
    return " ".join(exact.split()[words:])


class UnitMatcher:
    """Resolve the unit of a row from its code or name, for the row's year.

    The rule for reorganised units (a unit with ``valid_to`` and a ``successor``):

    1. The code, else the name, gives the candidate units. Names are compared without case,
       punctuation or extra spaces, with the usual abbreviations expanded (P., X., TT., ĐU,
       CB...): first as written, with their diacritics, then, only when no unit has that name,
       without diacritics, so that “Đông Thạnh” and “Đông Thành” (both real) are told apart
       when written exactly and a name typed without accents is still found; a match without
       diacritics that fits several units says so. A whole name wins over a name whose
       organisational word (Đảng ủy, Chi bộ...) was left out. Former units count: a unit
       closed by the reform is still found under its old name.
    2. Among the candidates, the units that existed during the row's year are kept. A row for
       a year when the old unit still existed (even for part of the year) goes to the old unit,
       as it was registered then; history is never rewritten.
    3. When no candidate existed that year because it had already closed, its successor is
       taken (following the chain: a unit merged twice leads to the latest one open that year;
       ``rules.unit_carrying_on``).
    4. If several candidates remain, the registration date decides (the unit open on that day).
       A unit that opened after the registration date (the reform's new communes, from
       01/07/2025) gives way to the former unit it carries on that was open that day; when
       several were, the row must name which one registered the model.
    5. The unit found must lie in the user's CHANGE scope (MANAGE with ``action``, for a
       reorganisation plan). An unknown or ambiguous name is an error that lists the closest
       units of the user's scope.
    """

    def __init__(self, user, action=CHANGE):
        self.user = user
        # For a reorganisation plan the units are those the user administers (MANAGE).
        self.managing = action == MANAGE
        scope = list(Unit.objects.restrict(user, action).order_by("path"))
        self.scope_ids = {unit.pk for unit in scope}
        units = {unit.pk: unit for unit in scope}
        # Former units whose successor chain leads into the scope: their old names still count.
        frontier = set(self.scope_ids)
        while frontier:
            older = [unit for unit in Unit.objects.filter(successor_id__in=frontier) if unit.pk not in units]
            units.update((unit.pk, unit) for unit in older)
            frontier = {unit.pk for unit in older}
        # Successors from the units read, so that following them costs no query.
        for unit in units.values():
            if unit.successor_id in units:
                unit.successor = units[unit.successor_id]
        self.units = units
        self.by_code, self.by_name, self.by_core = {}, {}, {}
        self.by_exact, self.by_exact_core = {}, {}
        for unit in units.values():
            if unit.code:
                self.by_code.setdefault(unit.code.strip().upper(), []).append(unit)
            for name in filter(None, {unit.name, unit.short_name}):
                key = name_key(name)
                self.by_name.setdefault(key, []).append(unit)
                self.by_core.setdefault(core_key(key), []).append(unit)
                self.by_exact.setdefault(exact_key(name), []).append(unit)
                self.by_exact_core.setdefault(exact_core_key(name), []).append(unit)
        self.scope_keys = {}
        for unit in scope:
            key = name_key(unit.name)
            self.scope_keys.setdefault(key, unit)
            self.scope_keys.setdefault(core_key(key), unit)
        self._cache = {}

    def resolve(self, *, code="", name="", year=None, on=None):
        """Return (unit, None) or (None, a Vietnamese message saying how to fix the cell)."""
        cache_key = (code, name, year, on)
        if cache_key not in self._cache:
            self._cache[cache_key] = self._resolve(code.strip(), name.strip(), year, on)
        return self._cache[cache_key]

    def _resolve(self, code, name, year, on):
        if code:
            candidates = self.by_code.get(code.upper())
            if not candidates:
                if self.managing:
                    return None, _(
                        "Mã đơn vị “%(code)s” không có trong các đơn vị bạn quản trị. "
                        "Xem mã ở trang “Đơn vị” của tệp mẫu."
                    ) % {"code": code}
                return None, _(
                    "Mã đơn vị “%(code)s” không có trong các đơn vị bạn được cập nhật. "
                    "Xem mã ở trang “Đơn vị” của tệp mẫu, hoặc để trống mã và ghi tên đơn vị."
                ) % {"code": code}
            label = code
            folded = False
        elif name:
            key = name_key(name)
            candidates, folded = self.by_code.get(name.upper()), False
            lookups = [  # (index, key, whether it leaves the diacritics out), in order of preference
                (self.by_exact, exact_key(name), False),
                (self.by_name, key, True),
                (self.by_exact_core, exact_core_key(name), False),
                (self.by_core, core_key(key), True),
            ]
            for index, lookup, without_diacritics in lookups:
                if candidates:
                    break
                candidates, folded = index.get(lookup), without_diacritics
            if not candidates:
                return None, self._unknown(name, key)
            label = name
        else:
            return None, _("Chưa ghi đơn vị. Hãy ghi mã hoặc tên đơn vị (xem trang “Đơn vị” của tệp mẫu).")
        candidates = list({unit.pk: unit for unit in candidates}.values())
        if year:
            candidates = self._for_year(candidates, year)
        if len(candidates) > 1 and on:
            open_then = [unit for unit in candidates if rules.is_open_on(unit, on)]
            candidates = open_then or candidates
        if on and candidates and not any(rules.is_open_on(unit, on) for unit in candidates):
            # Opened later in the year (the reform's new units, from 01/07/2025): a row dated
            # before goes to the unit it carries on that existed that day, as it was registered.
            earlier = self._open_before(candidates, on)
            if len(earlier) > 1:
                return None, _(
                    "Đơn vị “%(name)s” hoạt động từ ngày %(start)s; ngày %(day)s, phần việc của đơn vị "
                    "này do các đơn vị cũ đảm nhận: %(units)s. Hãy ghi đơn vị cũ đã đăng ký mô hình."
                ) % {
                    "name": label,
                    "start": f"{candidates[0].valid_from:%d/%m/%Y}",
                    "day": f"{on:%d/%m/%Y}",
                    "units": "; ".join(self._describe(unit) for unit in earlier[:5]),
                }
            candidates = earlier or candidates
        if len(candidates) > 1 and folded:
            return None, _(
                "Tên đơn vị “%(name)s” không khớp đúng (cả dấu) với đơn vị nào; bỏ qua dấu thì khớp với "
                "nhiều đơn vị: %(units)s. Hãy ghi tên đúng dấu như trang “Đơn vị” của tệp mẫu, "
                "hoặc ghi mã đơn vị ở cột “Mã đơn vị”."
            ) % {"name": label, "units": "; ".join(self._describe(unit) for unit in candidates[:5])}
        if len(candidates) > 1:
            return None, _(
                "Tên đơn vị “%(name)s” khớp với nhiều đơn vị: %(units)s. Hãy ghi mã đơn vị ở cột “Mã đơn vị”."
            ) % {"name": label, "units": "; ".join(self._describe(unit) for unit in candidates[:5])}
        if not candidates:
            return None, _(
                "Đơn vị “%(name)s” không còn hoạt động trong năm %(year)s và không có đơn vị kế thừa. "
                "Hãy ghi đơn vị đang hoạt động năm đó."
            ) % {"name": label, "year": year}
        unit = candidates[0]
        if unit.pk not in self.scope_ids and self.managing:
            return None, _("Đơn vị “%(unit)s” không thuộc phạm vi bạn quản trị.") % {"unit": unit.name}
        if unit.pk not in self.scope_ids:
            return None, _(
                "Đơn vị “%(unit)s” (năm %(year)s) không thuộc phạm vi bạn được cập nhật. "
                "Hãy bỏ dòng này hoặc nhờ đơn vị đó tự nhập."
            ) % {"unit": unit.name, "year": year}
        return unit, None

    @functools.cached_property
    def formers(self):
        """{unit id: the units read that name it as their successor}, built once."""
        formers = {}
        for unit in self.units.values():
            if unit.successor_id:
                formers.setdefault(unit.successor_id, []).append(unit)
        return formers

    def former_ids(self, unit_id):
        """Return the unit and every unit it carries on, through any number of successors."""
        found, frontier = {unit_id}, [unit_id]
        while frontier:
            for former in self.formers.get(frontier.pop(), ()):
                if former.pk not in found:
                    found.add(former.pk)
                    frontier.append(former.pk)
        return found

    def _open_before(self, candidates, day):
        """Return the former units, open on ``day``, of the candidates that opened after it."""
        found, frontier, seen = {}, [u for u in candidates if u.valid_from and u.valid_from > day], set()
        while frontier:
            unit = frontier.pop()
            for former in self.formers.get(unit.pk, ()):
                if former.pk in seen:
                    continue
                seen.add(former.pk)
                if rules.is_open_on(former, day):
                    found[former.pk] = former
                else:
                    frontier.append(former)
        return sorted(found.values(), key=lambda unit: unit.path)

    def _for_year(self, candidates, year):
        existed = [unit for unit in candidates if rules.is_open_in(unit, year)]
        if existed:
            return existed
        found = {}
        for unit in candidates:
            unit = rules.unit_carrying_on(unit, datetime.date(year, 1, 1))
            if rules.is_open_in(unit, year):
                found[unit.pk] = unit
        return list(found.values())

    def _describe(self, unit):
        text = unit.name
        if unit.code:
            text += _(" (mã %(code)s)") % {"code": unit.code}
        if unit.valid_to:
            text += _(" – đến %(day)s") % {"day": day(unit.valid_to)}
        return text

    def _unknown(self, name, key):
        close = difflib.get_close_matches(key, list(self.scope_keys), n=6, cutoff=0.6)
        if not close:
            close = difflib.get_close_matches(core_key(key), list(self.scope_keys), n=6, cutoff=0.5)
        units = list({self.scope_keys[key].pk: self.scope_keys[key] for key in close}.values())[:3]
        if self.managing:
            message = _("Không tìm thấy đơn vị “%(name)s” trong các đơn vị bạn quản trị.") % {"name": name}
        else:
            message = _("Không tìm thấy đơn vị “%(name)s” trong các đơn vị bạn được cập nhật.") % {
                "name": name
            }
        if units:
            message += " " + _("Có phải là: %(units)s?") % {
                "units": "; ".join(self._describe(unit) for unit in units)
            }
        else:
            message += " " + _("Xem danh sách ở trang “Đơn vị” của tệp mẫu.")
        return message
