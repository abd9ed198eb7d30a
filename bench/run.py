"""Measure the application at national scale, on PostgreSQL, and write the figures down.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/danvan_bench .venv/bin/python bench/run.py

Options: ``--generate`` (re)generates the country first (``generate_country --reset``; without
it the country is generated only when the database has no unit), ``--small`` uses the small
preset, ``--repeat N`` requests each page N times (fewer when a page is slow: each measure
stops after ``--budget`` seconds), ``--no-concurrency`` skips the gunicorn + wrk run,
``--no-write`` leaves docs/performance.md alone.

Server time is measured in this process with Django's test client (no network), the query
count with ``CaptureQueriesContext`` in a separate request, so that counting does not slow
the timed ones. Workbooks run in a child process, whose peak memory (ru_maxrss) is read.
Numbers are printed, never asserted: the tests guard the query counts.
"""

import argparse
import datetime
import json
import os
import platform
import re
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
DOC = BASE_DIR / "docs" / "performance.md"
START, END = "<!-- bench:start -->", "<!-- bench:end -->"
PORT = 8099
USERNAME = "bench"

SETTINGS = '''\
"""Settings of the benchmark: the production settings, with static URLs that need no manifest."""
from danvan.settings import *  # noqa: F403

# The pages' HTML is measured, not the static files: a plain storage spares collectstatic.
PLAIN = "django.contrib.staticfiles.storage.StaticFilesStorage"
STORAGES = {{**STORAGES, "staticfiles": {{"BACKEND": PLAIN}}}}  # noqa: F405
STATIC_ROOT = {static_root!r}
'''


def prepare_environment(workdir):
    """Run with DEBUG off, as in production, from a settings module written into ``workdir``."""
    settings_file = Path(workdir) / "bench_settings.py"
    static_root = Path(workdir) / "static"
    static_root.mkdir(exist_ok=True)
    settings_file.write_text(SETTINGS.format(static_root=str(static_root)))
    env = {
        "DJANGO_SETTINGS_MODULE": "bench_settings",
        "DEBUG": "0",
        "SECRET_KEY": os.environ.get("SECRET_KEY", "bench-only-secret-key-" + "x" * 40),
        "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "SECURE_SSL_REDIRECT": "0",  # loopback, no TLS in front
        "PYTHONPATH": os.pathsep.join([str(workdir), str(BASE_DIR), os.environ.get("PYTHONPATH", "")]),
        "LOG_LEVEL": "ERROR",
    }
    os.environ.update(env)
    sys.path[:0] = [str(workdir), str(BASE_DIR)]


def setup_django():
    """Set Django up as the server process does: through danvan.wsgi (its garbage-collector set-up too)."""
    import danvan.wsgi  # noqa: F401


# Statistics -------------------------------------------------------------------------------------


def percentile(values, share):
    """Return the nearest-rank percentile of ``values``."""
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, round(share * len(ordered) + 0.5) - 1))
    return ordered[index]


def ms(seconds):
    return (
        f"{seconds * 1000:,.0f}".replace(",", ".")
        if seconds >= 0.01
        else f"{seconds * 1000:.1f}".replace(".", ",")
    )


def vn(value, decimals=0):
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "X").replace(".", ",").replace("X", ".")


def timed(function, repeat, budget):
    """Call ``function`` ``repeat`` times (at least three, fewer if over ``budget`` s); return the times."""
    times = []
    started = time.perf_counter()
    for _i in range(repeat):
        t0 = time.perf_counter()
        function()
        times.append(time.perf_counter() - t0)
        if len(times) >= 3 and time.perf_counter() - started > budget:
            break
    return times


# The data -------------------------------------------------------------------------------------------


def ensure_data(args):
    from django.core.management import call_command

    from registry.models import Unit

    call_command("migrate", verbosity=0)
    if args.generate or not Unit.objects.exists():
        options = ["--reset", "--allow-production"]
        if args.small:
            options.append("--small")
        started = time.perf_counter()
        call_command("generate_country", *options)
        return time.perf_counter() - started
    return None


def targets():
    """Pick the units and years to measure: the root, a new province, its busiest commune, an old province."""
    from django.db.models import Count, Max
    from django.db.models.functions import Substr

    from registry.choices import UnitType
    from registry.models import Initiative, Registration, Unit

    root = Unit.objects.filter(depth=1).order_by("path").first()
    provinces = Unit.objects.filter(depth=2, path__startswith=root.path, unit_type=UnitType.PROVINCE)
    new_province = provinces.filter(code="P19").first() or provinces.filter(valid_to__isnull=True).first()
    last_year = Registration.objects.aggregate(year=Max("year"))["year"]
    old_year = last_year - 1 if last_year >= 2025 else last_year
    # The old province with the most registrations in that year: the heaviest one's workbook.
    busiest = (
        Registration.objects.filter(year=old_year, unit__path__startswith=root.path)
        .annotate(branch=Substr("unit__path", 1, len(root.path) + Unit.steplen))
        .values("branch")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .first()
    )
    old_province = (
        provinces.filter(valid_to__isnull=False, path=busiest["branch"]).first()
        or provinces.filter(valid_to__isnull=False).first()
    )
    commune = (
        Unit.objects.filter(path__startswith=new_province.path, unit_type=UnitType.COMMUNE)
        .annotate(n=Count("registrations"))
        .order_by("-n")
        .first()
    )
    busy = (
        Registration.objects.filter(unit__path__startswith=old_province.path)
        .values("initiative")
        .annotate(n=Count("pk"))
        .order_by("-n", "initiative")
        .first()
    )
    initiative = Initiative.objects.get(pk=busy["initiative"])
    pages = Registration.objects.count() // 50
    return {
        "deep_page": max(1, min(2000, pages * 9 // 10)),
        "root": root,
        "new_province": new_province,
        "old_province": old_province,
        "commune": commune,
        "last_year": last_year,
        "old_year": old_year,
        "initiative": initiative,
    }


def bench_user():
    from django.contrib.auth import get_user_model

    user, created = get_user_model().objects.get_or_create(
        username=USERNAME, defaults={"is_superuser": True, "is_staff": True}
    )
    if created:
        user.set_unusable_password()
        user.save()
    return user


def member_user(username, unit):
    """A user who is no superuser: an administrator of ``unit``, whose pages go through the scope."""
    from django.contrib.auth import get_user_model

    from registry.choices import Role
    from registry.models import Membership

    user, created = get_user_model().objects.get_or_create(username=username)
    if created:
        user.set_unusable_password()
        user.save()
    Membership.objects.get_or_create(user=user, unit=unit, defaults={"role": Role.ADMIN})
    return user


def member_rows(repeat, budget, t):
    """Time the everyday pages as administrators of the national root and of the new province."""
    from django.urls import reverse

    dashboard, report = reverse("reports:dashboard"), reverse("reports:report")
    listing, home = reverse("registry:registration_list"), reverse("registry:home")
    last, today = t["last_year"], "&structure=current"
    results = []
    figures = f"năm {last}, tổ chức hiện nay"
    for who, unit in [("trung ương", t["root"]), (t["new_province"].name, t["new_province"])]:
        pages = Pages(member_user(f"{USERNAME}-{unit.pk}", unit), repeat, budget)
        prefix = f"Quản trị viên {who} (không phải superuser): "
        for label, url in [
            ("trang chủ", home),
            (f"bảng điều khiển {figures}", f"{dashboard}?unit={unit.pk}&year={last}{today}"),
            (f"biểu tổng hợp {figures}", f"{report}?unit={unit.pk}&year={last}{today}"),
            ("danh sách mô hình, trang đầu", listing),
        ]:
            try:
                result = pages.measure(prefix + label, url)
            except Exception as error:  # a page that fails is reported, not fatal
                result = {"label": prefix + label, "url": url, "error": str(error)[:200]}
            print_row(result)
            results.append(result)
    return results


def counts():
    from registry.models import Decision, Initiative, Registration, Unit

    return {
        "units": Unit.objects.count(),
        "initiatives": Initiative.objects.count(),
        "registrations": Registration.objects.count(),
        "decisions": Decision.objects.count(),
    }


# Pages ------------------------------------------------------------------------------------------------


class Pages:
    """Time pages with the test client, logged in as the benchmark's superuser."""

    def __init__(self, user, repeat, budget):
        from django.test import Client

        self.client = Client()
        self.client.force_login(user)
        self.repeat = repeat
        self.budget = budget

    def measure(self, label, url):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = self.client.get(url)
            first = time.perf_counter() - started
        queries = len(captured)  # now: the next request clears the connection's query log
        if response.status_code != 200:
            raise RuntimeError(f"{url} answered {response.status_code}")
        if hasattr(response, "streaming_content") or hasattr(response, "file_to_stream"):
            response.close()

        def get():
            answer = self.client.get(url)
            if hasattr(answer, "file_to_stream"):
                answer.close()

        # A page slower than the whole budget is timed once (the counted request, slightly slower).
        times = [first] if first > self.budget else timed(get, self.repeat, self.budget)
        return {
            "label": label,
            "url": url,
            "first": first,
            "median": statistics.median(times),
            "p95": percentile(times, 0.95),
            "queries": queries,
            "n": len(times),
        }


def page_rows(pages, t):
    from django.urls import reverse

    dashboard, report = reverse("reports:dashboard"), reverse("reports:report")
    listing = reverse("registry:registration_list")
    root, province, commune, old = t["root"], t["new_province"], t["commune"], t["old_province"]
    year, last = t["old_year"], t["last_year"]
    deep = t["deep_page"]
    admin_deep = (deep * 50 + 99) // 100  # the same rows: the admin shows 100 a page
    as_it_was, today = "&structure=reported", "&structure=current"
    on_day = "&structure=current&structure_on=30/06/2025"
    phase = f"period=phase&year_from={last - 4}&year_to={last}"
    formers = reverse("reports:report_formers")
    rows = [
        (f"Bảng điều khiển, toàn quốc, năm {year}", f"{dashboard}?unit={root.pk}&year={year}{as_it_was}"),
        (f"Biểu tổng hợp, toàn quốc, năm {year}", f"{report}?unit={root.pk}&year={year}{as_it_was}"),
        (
            f"Bảng điều khiển, toàn quốc, năm {last}, tổ chức hiện nay",
            f"{dashboard}?unit={root.pk}&year={last}{today}",
        ),
        (
            f"Biểu tổng hợp, toàn quốc, năm {last}, tổ chức hiện nay",
            f"{report}?unit={root.pk}&year={last}{today}",
        ),
        (
            f"Bảng điều khiển, toàn quốc, giai đoạn {last - 4}–{last}",
            f"{dashboard}?unit={root.pk}&{phase}{as_it_was}",
        ),
        (
            f"Bảng điều khiển, toàn quốc, giai đoạn {last - 4}–{last}, tổ chức hiện nay",
            f"{dashboard}?unit={root.pk}&{phase}{today}",
        ),
        (
            f"Bảng điều khiển, {province.name} (mới), năm {last}, tổ chức hiện nay",
            f"{dashboard}?unit={province.pk}&year={last}{today}",
        ),
        (
            f"Biểu tổng hợp, {province.name} (mới), năm {last}, tổ chức hiện nay",
            f"{report}?unit={province.pk}&year={last}{today}",
        ),
        (
            f"Biểu tổng hợp, {province.name} (mới), năm {last}, như đã báo cáo",
            f"{report}?unit={province.pk}&year={last}{as_it_was}",
        ),
        (
            f"Bảng điều khiển, {province.name} (mới), giai đoạn {last - 4}–{last}, tổ chức hiện nay",
            f"{dashboard}?unit={province.pk}&{phase}{today}",
        ),
        (
            f"Biểu tổng hợp, {province.name} (mới), giai đoạn {last - 4}–{last}, tổ chức hiện nay",
            f"{report}?unit={province.pk}&{phase}{today}",
        ),
        (
            f"Biểu tổng hợp, toàn quốc, năm {last}: {province.name} mở ra các đơn vị cũ",
            f"{formers}?unit={province.pk}&parent={root.pk}&year={last}{today}",
        ),
        (
            f"Bảng điều khiển, {old.name} (cũ), 6 tháng đầu {year}",
            f"{dashboard}?unit={old.pk}&period=half&year={year}&half=1",
        ),
        (f"Biểu tổng hợp, {old.name} (cũ), năm {year}", f"{report}?unit={old.pk}&year={year}"),
        # The structure of a chosen day, counted live from the registrations: the day before the
        # reform, when the old province was open.
        (
            f"Bảng điều khiển, {old.name} (cũ), năm {year}, tổ chức tại ngày 30/06/2025",
            f"{dashboard}?unit={old.pk}&year={year}{on_day}",
        ),
        (
            f"Biểu tổng hợp, {old.name} (cũ), năm {year}, tổ chức tại ngày 30/06/2025",
            f"{report}?unit={old.pk}&year={year}{on_day}",
        ),
        (
            f"Biểu tổng hợp, toàn quốc, năm {year}, tổ chức tại ngày 30/06/2025",
            f"{report}?unit={root.pk}&year={year}{on_day}",
        ),
        (
            f"Bảng điều khiển, {commune.name}, năm {last}, tổ chức hiện nay",
            f"{dashboard}?unit={commune.pk}&year={last}{today}",
        ),
        (
            f"Biểu tổng hợp, {commune.name}, năm {last}, tổ chức hiện nay",
            f"{report}?unit={commune.pk}&year={last}{today}",
        ),
        ("Danh sách mô hình, trang đầu", listing),
        (
            "Danh sách mô hình, lọc (tỉnh cũ, năm, cá nhân, kinh tế)",
            f"{listing}?unit={old.pk}&year={year}&kind=individual&standard_field=economy",
        ),
        (f"Danh sách mô hình, trang {vn(deep)}", f"{listing}?page={deep}"),
        ("Danh sách mô hình, tìm “bach thong” (không dấu)", f"{listing}?q=bach+thong"),
        ("Danh sách mô hình, tìm “hien dat lam duong”", f"{listing}?q=hien+dat+lam+duong"),
        (
            "Danh sách mô hình, tìm “hien dat lam duong”, trang 200",
            f"{listing}?q=hien+dat+lam+duong&page=200",
        ),
        (
            f"Danh sách mô hình, tìm “hien dat lam duong”, {province.name}, năm {last}",
            f"{listing}?q=hien+dat+lam+duong&unit={province.pk}&year={last}",
        ),
        ("Danh sách mô hình, tìm “nguyen van” (hơn 30.000 dòng)", f"{listing}?q=nguyen+van"),
        (
            f"Danh sách mô hình, {province.name}, năm {last}, tổ chức hiện nay",
            f"{listing}?unit={province.pk}&year={last}{today}",
        ),
        (
            f"Danh sách mô hình, {old.name} (cũ), năm {year}, tổ chức tại ngày 30/06/2025",
            f"{listing}?unit={old.pk}&year={year}&structure=current&structure_on=2025-06-30",
        ),
        ("Chi tiết mô hình", reverse("registry:initiative_detail", args=[t["initiative"].pk])),
        ("Django admin: danh sách đăng ký, trang đầu", "/quan-tri/registry/registration/"),
        (f"Django admin: lọc năm {year}", f"/quan-tri/registry/registration/?year={year}"),
        (
            f"Django admin: trang {vn(admin_deep)} (cùng dòng)",
            f"/quan-tri/registry/registration/?p={admin_deep}",
        ),
    ]
    for campaign in bench_campaigns(t):
        rows.append(
            (
                f"Bảng tiến độ đợt thi đua năm {campaign.year}, {campaign.unit.name}",
                reverse("registry:campaign_board", args=[campaign.pk]),
            )
        )
    results = []
    for label, url in rows:
        try:
            result = pages.measure(label, url)
        except Exception as error:  # a page that fails is reported, not fatal
            result = {"label": label, "url": url, "error": str(error)[:200]}
        print_row(result)
        results.append(result)
    return results


def bench_campaigns(t):
    """The campaigns whose completeness boards are measured: the national root's and the new
    province's, of the last year, asking every unit below; launched once, kept for later runs.
    """
    from registry import services
    from registry.models import Campaign

    year = t["last_year"]
    campaigns = []
    for unit in (t["root"], t["new_province"]):
        campaign = Campaign.objects.filter(unit=unit, year=year, title=BENCH_CAMPAIGN).first()
        if campaign is None:
            # Launched once the unit is open (a new province: from 1/7/2025).
            start = max(datetime.date(year, 1, 15), unit.valid_from or datetime.date(year, 1, 15))
            campaign = services.campaign_create(
                user=None,
                campaign=Campaign(
                    unit=unit,
                    year=year,
                    title=BENCH_CAMPAIGN,
                    launched_on=start,
                    registration_deadline=start + datetime.timedelta(days=75),
                    evaluation_deadline=datetime.date(year, 12, 15),
                ),
            )
        campaigns.append(campaign)
    return campaigns


BENCH_CAMPAIGN = "Đợt thi đua đo hiệu năng"


def print_row(result):
    if "error" in result:
        print(f"  {result['label']}: LỖI {result['error']}", flush=True)
    else:
        print(
            f"  {result['label']}: trung vị {ms(result['median'])} ms, p95 {ms(result['p95'])} ms, "
            f"{result['queries']} truy vấn (n={result['n']})",
            flush=True,
        )


# The naive peers -----------------------------------------------------------------------------------------


NAIVE_GROUP_BY = """
SELECT substr(u.path, 1, 8) AS province,
       count(*) AS total,
       count(*) FILTER (WHERE i.kind = 'collective') AS collective,
       count(*) FILTER (WHERE i.kind = 'individual') AS individual,
       count(*) FILTER (WHERE r.status = 'new') AS new,
       count(*) FILTER (WHERE r.status = 'maintained') AS maintained,
       count(*) FILTER (WHERE f.standard = 'economy') AS economy,
       count(*) FILTER (WHERE f.standard = 'culture_society') AS culture_society,
       count(*) FILTER (WHERE f.standard = 'defence_security') AS defence_security,
       count(*) FILTER (WHERE f.standard = 'political_system') AS political_system
FROM registry_registration r
JOIN registry_unit u ON u.id = r.unit_id
JOIN registry_initiative i ON i.id = r.initiative_id
JOIN registry_field f ON f.id = i.field_id
WHERE r.year = %s AND NOT r.is_deleted AND NOT i.is_deleted
GROUP BY 1
ORDER BY 1
"""


def naive_group_by(year, repeat, budget):
    from django.db import connection

    def run():
        with connection.cursor() as cursor:
            cursor.execute(NAIVE_GROUP_BY, [year])
            cursor.fetchall()

    times = timed(run, repeat, budget)
    return {"median": statistics.median(times), "p95": percentile(times, 0.95), "n": len(times)}


NAIVE_LIST = """
SELECT u.name, i.name, i.kind, i.person_name, i.person_position, f.name, f.standard, i.grade,
       r.status, r.level, r.registered_on, r.evaluation,
       (SELECT max(d.level) FROM registry_decision_registrations dr
          JOIN registry_decision d ON d.id = dr.decision_id
         WHERE dr.registration_id = r.id AND d.kind = 'recognition' AND NOT d.is_deleted),
       (SELECT string_agg(d.number || '-' || d.symbol || ' ngày ' || to_char(d.signed_on, 'DD/MM/YYYY'), '; ')
          FROM registry_decision_registrations dr JOIN registry_decision d ON d.id = dr.decision_id
         WHERE dr.registration_id = r.id AND d.kind = 'recognition' AND NOT d.is_deleted),
       (SELECT string_agg(d.number || '/' || d.symbol || ' ngày ' || to_char(d.signed_on, 'DD/MM/YYYY'), '; ')
          FROM registry_decision_registrations dr JOIN registry_decision d ON d.id = dr.decision_id
         WHERE dr.registration_id = r.id AND d.kind = 'commendation' AND NOT d.is_deleted)
FROM registry_registration r
JOIN registry_unit u ON u.id = r.unit_id
JOIN registry_initiative i ON i.id = r.initiative_id
JOIN registry_field f ON f.id = i.field_id
WHERE r.year = %s AND u.path LIKE %s AND NOT r.is_deleted AND NOT i.is_deleted
ORDER BY u.path, i.name, r.id
"""


NAIVE_DECISIONS = """
SELECT d.kind, d.number || '/' || d.symbol, d.signed_on, d.issuer_name, d.level, a.name, d.title,
       u.name, i.name, i.kind
FROM registry_decision_registrations dr
JOIN registry_decision d ON d.id = dr.decision_id
LEFT JOIN registry_awardform a ON a.id = d.award_form_id
JOIN registry_registration r ON r.id = dr.registration_id
JOIN registry_unit u ON u.id = r.unit_id
JOIN registry_initiative i ON i.id = r.initiative_id
WHERE r.year = %s AND u.path LIKE %s AND NOT r.is_deleted AND NOT i.is_deleted AND NOT d.is_deleted
ORDER BY d.kind, d.signed_on, d.id, u.path, dr.id
"""


def child_workbook(kind, unit_pk, year):
    """In a child process: write one workbook, print its time, rows and peak memory as JSON."""
    setup_django()
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction

    from registry.models import Unit
    from reports import exports, selectors
    from reports.periods import Period

    unit = Unit.objects.get(pk=unit_pk)
    user = get_user_model().objects.get(username=USERNAME)
    rows = selectors.registrations(user, unit, Period.year(year)).count()
    baseline = peak_memory_mb()
    started = time.perf_counter()
    if kind == "ours":
        output = exports.summary_workbook(user, unit, Period.year(year))
        size = output.seek(0, 2)
        output.close()
    else:
        import xlsxwriter

        handle = tempfile.TemporaryFile()  # noqa: SIM115 - closed below, after its size is read
        options = {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}
        workbook = xlsxwriter.Workbook(handle, {"constant_memory": True, **options})
        framed = {"border": 1, "font_name": "Times New Roman", "font_size": 10, "valign": "top"}
        text = workbook.add_format({**framed, "text_wrap": True})
        date = workbook.add_format({**framed, "num_format": "dd/mm/yyyy"})
        # The same two long sheets as ours, every cell framed as ours (the short sheets are left out).
        for title, columns, query in [
            ("Danh sách", exports.LIST_COLUMNS, NAIVE_LIST),
            ("Công nhận, khen thưởng", exports.DECISION_COLUMNS, NAIVE_DECISIONS),
        ]:
            sheet = workbook.add_worksheet(title)
            sheet.write_row(0, 0, [str(label) for label, _width in columns])
            with transaction.atomic(), connection.connection.cursor(name="naive_list") as cursor:
                cursor.itersize = 5000
                cursor.execute(query, [year, unit.path + "%"])
                for number, record in enumerate(cursor, start=1):
                    sheet.write_number(number, 0, number, text)
                    for col, value in enumerate(record, start=1):
                        if value is None:
                            sheet.write_blank(number, col, None, text)
                        elif isinstance(value, datetime.date):
                            sheet.write_datetime(number, col, value, date)
                        else:
                            sheet.write_string(number, col, str(value), text)
        workbook.close()
        size = handle.seek(0, 2)
        handle.close()
    seconds = time.perf_counter() - started
    peak = peak_memory_mb()
    print(
        json.dumps(
            {
                "seconds": seconds,
                "rows": rows,
                "peak_mb": peak,
                "base_mb": baseline,
                "bytes": size,
            }
        )
    )


def peak_memory_mb():
    """Return this process's peak resident memory in MB.

    VmHWM, not ru_maxrss: a child started by ``subprocess`` inherits the parent's ru_maxrss.
    """
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def workbook(kind, unit, year):
    result = subprocess.run(
        [sys.executable, __file__, "--child-workbook", kind, str(unit.pk), str(year)],
        capture_output=True,
        text=True,
        env=os.environ,
        check=False,
    )
    if result.returncode != 0:
        return {"error": result.stderr.strip().splitlines()[-1] if result.stderr.strip() else "?"}
    return json.loads(result.stdout.strip().splitlines()[-1])


# The import check ------------------------------------------------------------------------------------------


def import_child(unit, year, timeout, step="check"):
    """Run the import check (``step`` "check") or check and confirm ("confirm") in a child process.

    Stopped after ``timeout`` seconds.
    """
    try:
        result = subprocess.run(
            [
                sys.executable,
                __file__,
                f"--child-{'import' if step == 'check' else 'confirm'}",
                str(unit.pk),
                str(year),
            ],
            capture_output=True,
            text=True,
            env=os.environ,
            check=False,
            timeout=timeout,
        )
    except subprocess.TimeoutExpired:
        cancel_orphans()
        from intake.models import ImportBatch

        ImportBatch.objects.filter(user__username=USERNAME).delete()  # the stopped check's rows
        return {"error": f"dừng sau {vn(timeout)} giây"}
    if result.returncode != 0:
        return {"error": result.stderr.strip().splitlines()[-1] if result.stderr.strip() else "?"}
    return json.loads(result.stdout.strip().splitlines()[-1])


def import_file(old_province, year, size=20_000, skip=()):
    """Return (the bytes, the row count) of a file of the province's registrations of ``year``.

    A third unchanged, a third for the next year, a third of new models (renamed). ``skip``:
    the numbers of the rows to leave out (as the check numbers them), the rest where they were.
    """
    import xlsxwriter

    from registry import exports
    from registry.models import Registration

    queryset = (
        Registration.objects.filter(year=year, unit__path__startswith=old_province.path[:4])
        .select_related("initiative__field", "unit")
        .order_by("unit__path", "pk")[:size]
    )
    # Named by code: a new unit may bear its predecessor's name.
    carriers = {
        code: (carrier_code, carrier_name)
        for code, carrier_code, carrier_name in queryset.values_list(
            "unit__code", "carrier__code", "carrier__name"
        )
        if carrier_code
    }
    columns = exports.COLUMNS
    keys = [column.key for column in columns]
    handle = tempfile.TemporaryFile()  # noqa: SIM115 - read back below
    book = xlsxwriter.Workbook(handle, {"strings_to_formulas": False, "strings_to_numbers": False})
    sheet = book.add_worksheet(exports.SHEET_NAME)
    date = book.add_format({"num_format": "dd/mm/yyyy"})
    sheet.write_row(0, 0, [column.header for column in columns])
    count = written = 0
    for count, values in enumerate(exports.rows(queryset, columns), start=1):
        if count + 1 in skip:
            continue
        written += 1
        values = dict(zip(keys, values, strict=True))
        if count % 3 == 1 and values["unit_code"] in carriers:
            values["year"] = year + 1
            # Next year by the unit that carries the model on today (the old one may have closed).
            values["registered_on"] = datetime.date(year + 1, 9, 15)
            values["unit_code"], values["unit"] = carriers[values["unit_code"]]
            values["status"] = "Duy trì"
            values["evaluation"], values["evaluated_on"] = "", None
        elif count % 3 == 2:
            values["name"] = f"{values['name']} (nhân rộng {count})"
            values["status"] = "Đăng ký mới"  # a new model (a maintained one needs last year's)
        for col, key in enumerate(keys):
            value = values[key]
            if value is None or value == "":
                continue
            if isinstance(value, datetime.date):
                sheet.write_datetime(written, col, value, date)
            elif isinstance(value, int):
                sheet.write_number(written, col, value)
            else:
                sheet.write_string(written, col, str(value))
    book.close()
    handle.seek(0)
    return handle.read(), written


def import_check(user, old_province, year, size=20_000):
    """Check a 20.000-row file: a third unchanged, a third for the next year, a third of new models."""
    try:
        from intake.services import import_check as check
        from intake.services import import_create
    except ImportError:
        return {"skipped": "không có ứng dụng intake"}
    content, count = import_file(old_province, year, size)
    batch = import_create(user=user, name="bench.xlsx", content=content)
    started = time.perf_counter()
    batch = check(batch=batch)
    seconds = time.perf_counter() - started
    result = {
        "seconds": seconds,
        "rows": count,
        "status": batch.status,
        "counts": batch.summary.get("counts", {}),
    }
    batch.delete()
    return result


def import_confirm(user, old_province, year, size=20_000):
    """Check, then confirm, the file of ``import_check``; time the confirmation (the write).

    Everything runs in one transaction rolled back at the end (the import's own transactions,
    a chunk of rows each, become savepoints in it), so that the data set is left as it was.
    """
    from django.db import transaction

    from intake import services
    from intake.models import RowAction

    content, count = import_file(old_province, year, size)
    with transaction.atomic():
        batch = services.import_create(user=user, name="bench.xlsx", content=content)
        started = time.perf_counter()
        batch = services.import_check(batch=batch)
        checked = time.perf_counter() - started
        refused = set(batch.rows.filter(action=RowAction.ERROR).values_list("number", flat=True))
        if refused:  # a data set whose rules refuse some rows (the small one): leave them out
            content, count = import_file(old_province, year, size, skip=refused)
            batch = services.import_check(
                batch=services.import_create(user=user, name="bench.xlsx", content=content)
            )
        if not services.import_start(batch=batch):
            transaction.set_rollback(True)
            return {"error": f"không xác nhận được: {batch.summary.get('counts')}"}
        batch.refresh_from_db()
        started = time.perf_counter()
        batch = services.import_run(batch=batch)
        seconds = time.perf_counter() - started
        written = batch.rows.filter(done=True)
        result = {
            "seconds": seconds,
            "check_seconds": checked,
            "rows": count,
            "left_out": len(refused),
            "status": batch.status,
            "message": batch.message,
            "created": written.filter(action=RowAction.CREATE).count(),
            "new_models": written.filter(action=RowAction.CREATE, initiative_id_checked=None).count(),
            "updated": written.filter(action=RowAction.UPDATE).count(),
        }
        transaction.set_rollback(True)
    return result


# Concurrency -------------------------------------------------------------------------------


WRK_SCRIPT = """
wrk.headers["Cookie"] = "{cookie}"
"""


def session_cookie(user):
    """Create a login session in the database (as the login form would) and return its cookie."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


def wait_for_port(port, timeout=60):
    deadline = time.time() + timeout
    while time.time() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return True
        time.sleep(0.3)
    return False


def concurrency(user, paths, workdir, duration=15):
    """Serve with gunicorn (4 workers) on loopback and load each path with wrk, 32 connections."""
    from django.db import connections

    if not shutil.which("wrk"):
        return [{"skipped": "wrk chưa được cài (apt-get install wrk)"}]
    cookie = session_cookie(user)
    connections.close_all()
    gunicorn = str(Path(sys.executable).with_name("gunicorn"))
    log = open(Path(workdir) / "gunicorn.log", "w")  # noqa: SIM115
    server = subprocess.Popen(
        [
            gunicorn,
            "danvan.wsgi",
            "-w",
            "4",
            "-b",
            f"127.0.0.1:{PORT}",
            "--timeout",
            "120",
            "--graceful-timeout",
            "5",
        ],
        cwd=BASE_DIR,
        env=os.environ,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    results = []
    try:
        if not wait_for_port(PORT):
            return [{"skipped": "gunicorn không khởi động được"}]
        script = Path(workdir) / "cookie.lua"
        script.write_text(WRK_SCRIPT.format(cookie=cookie))
        for label, path in paths:
            url = f"http://127.0.0.1:{PORT}{path}"
            request = urllib.request.Request(url, headers={"Cookie": cookie})
            try:  # one request first: it must be a 200, not a redirect to the login page
                with urllib.request.urlopen(request, timeout=150) as answer:
                    status = answer.status
            except OSError as error:
                status = str(error)[:80]
            output = subprocess.run(
                [
                    "wrk",
                    "-t2",
                    "-c32",
                    f"-d{duration}s",
                    "--timeout",
                    "30s",
                    "--latency",
                    "-s",
                    str(script),
                    url,
                ],
                capture_output=True,
                text=True,
                check=False,
            ).stdout
            results.append({"label": label, "first_status": status, **parse_wrk(output)})
            print(f"  wrk {label}: {results[-1]}", flush=True)
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()
        cancel_orphans()
    return results


def cancel_orphans():
    """Cancel the queries that killed workers left running, so the next measure starts quiet."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_cancel_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid() AND state = 'active'"
        )


def parse_wrk(output):
    def number(pattern, default=0.0):
        match = re.search(pattern, output)
        return float(match.group(1)) if match else default

    def latency(label):
        match = re.search(rf"^\s*{label}\s+([\d.]+)(us|ms|s)\s*$", output, re.MULTILINE)
        if not match:
            return None
        value, unit = float(match.group(1)), match.group(2)
        return value * {"us": 0.001, "ms": 1, "s": 1000}[unit]

    errors = sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", output))
    return {
        "requests": int(number(r"(\d+) requests in")),
        "rps": number(r"Requests/sec:\s+([\d.]+)"),
        "p50": latency("50%"),
        "p90": latency("90%"),
        "p99": latency("99%"),
        "non_2xx": int(number(r"Non-2xx or 3xx responses: (\d+)")),
        "socket_errors": errors,
    }


# The report --------------------------------------------------------------------------------


def markdown(context):
    """Return the results as the markdown written between the markers of docs/performance.md."""
    lines = []
    add = lines.append
    c = context["counts"]
    add(
        f"Đo ngày {context['date']} trên {context['machine']}, PostgreSQL {context['postgres']}, "
        f"Django test client (thời gian máy chủ, không tính mạng), DEBUG tắt. Tải trung bình của máy "
        f"(1 phút / 5 phút): lúc bắt đầu {context['load_start']}, lúc kết thúc {context['load_end']}; "
        f"trên 2 nhân, tải trên 1 là có việc khác chạy cùng."
    )
    add("")
    add(
        f"Dữ liệu: {vn(c['units'])} đơn vị, {vn(c['initiatives'])} mô hình, {vn(c['registrations'])} lượt "
        f"đăng ký, {vn(c['decisions'])} quyết định."
    )
    if context.get("generated"):
        add(f"Sinh dữ liệu (`generate_country`): {vn(context['generated'], 0)} giây.")
    add("")
    add(f"Lệnh: `{context['command']}`")
    add("")
    naive = context["naive"]
    add(
        "Lần đầu: yêu cầu đầu tiên của mỗi trang, cũng là lần đếm truy vấn (bộ nhớ đệm số liệu còn trống); "
        "trung vị và p95: các yêu cầu sau."
    )
    add("")
    add("| Phép đo | Lần đầu (ms) | Trung vị (ms) | p95 (ms) | Số truy vấn | So sánh |")
    add("|---|---:|---:|---:|---:|---|")
    add(
        f"| GROUP BY thuần SQL: một năm theo tỉnh (đối chứng) | | {ms(naive['median'])} | "
        f"{ms(naive['p95'])} | 1 | |"
    )
    admin = {
        r["label"]: r for r in context["pages"] if r["label"].startswith("Django admin") and "error" not in r
    }
    admin_first = admin.get("Django admin: danh sách đăng ký, trang đầu")
    for row in context["pages"]:
        if "error" in row:
            add(f"| {row['label']} | lỗi | | | | {row['error'][:80]} |")
            continue
        compare = ""
        if row["label"].startswith(("Bảng điều khiển, toàn quốc, năm", "Biểu tổng hợp, toàn quốc, năm")):
            compare = f"{vn(row['p95'] / naive['p95'], 2)} × GROUP BY thuần"
        elif row["label"].startswith("Danh sách mô hình") and admin_first:
            compare = f"{vn(row['p95'] / admin_first['p95'], 2)} × admin trang đầu"
        add(
            f"| {row['label']} | {ms(row['first'])} | {ms(row['median'])} | {ms(row['p95'])} | "
            f"{row['queries']} | {compare} |"
        )
    add("")
    reform = context.get("reform")
    if reform:
        seconds = (
            f"{vn(reform['seconds'], 1)} giây" if reform["seconds"] is not None else "thời gian không ghi lại"
        )
        add(
            f"Sắp xếp “{reform['title']}” ngày {reform['day']} (qua dịch vụ sắp xếp, khi sinh dữ liệu): "
            f"{vn(reform['steps'])} bước ({vn(reform['splits'])} chia tách), {vn(reform['closed'])} đơn vị "
            f"đóng lại, {vn(reform['links'])} dòng kế thừa, {vn(reform['transfers'])} mô hình chuyển sang "
            f"đơn vị kế thừa: {seconds}."
        )
        add("")
    check = context.get("check")
    if check:
        add(
            f"Kiểm tra số liệu giữ sẵn với đếm lại (`tally_check`, cả hai cách tính, "
            f"{vn(check['rows'])} dòng): {vn(check['seconds'], 1)} giây, {vn(check['differ'])} dòng lệch."
        )
        add("")
    add("| Tệp Excel năm | Giây | Số dòng | Dòng/giây | Bộ nhớ đỉnh (MB) | So với xlsxwriter thuần |")
    add("|---|---:|---:|---:|---:|---|")
    for label, ours, peer in context["workbooks"]:
        if "error" in ours:
            add(f"| {label} | lỗi | | | | {ours['error'][:80]} |")
            continue
        ratio = peer.get("error", "")
        if "seconds" in peer:
            ratio = f"{vn(ours['seconds'] / peer['seconds'], 2)} × ({vn(peer['seconds'], 1)} giây, "
            ratio += f"{vn(peer['peak_mb'])} MB)"
        speed = vn(ours["rows"] / ours["seconds"])
        peak = f"{vn(ours['peak_mb'])} (lúc đầu {vn(ours['base_mb'])})"
        add(f"| {label} | {vn(ours['seconds'], 1)} | {vn(ours['rows'])} | {speed} | {peak} | {ratio} |")
    add("")
    imp = context["import"]
    confirmed = context.get("import_confirm") or {}
    if "skipped" in imp:
        add(f"Kiểm tra tệp nhập: bỏ qua ({imp['skipped']}).")
    elif "error" in imp:
        add(f"Kiểm tra tệp nhập: lỗi ({imp['error']}).")
    else:
        summary = ", ".join(f"{key} {vn(value)}" for key, value in imp["counts"].items())
        speed = vn(imp["rows"] / imp["seconds"])
        add(
            f"Kiểm tra tệp nhập {vn(imp['rows'])} dòng: {vn(imp['seconds'], 1)} giây ({speed} dòng/giây; "
            f"kết quả: {imp['status']}, {summary})."
        )
    if "error" in confirmed:
        add("")
        add(f"Xác nhận nhập tệp: lỗi ({confirmed['error']}).")
    elif confirmed:
        add("")
        add(
            f"Xác nhận nhập tệp đó (ghi vào cơ sở dữ liệu, rồi hoàn tác): {vn(confirmed['seconds'], 1)} giây "
            f"cho {vn(confirmed['created'])} dòng thêm mới (trong đó {vn(confirmed['new_models'])} mô hình "
            f"mới) và {vn(confirmed['updated'])} dòng cập nhật; kết quả: {confirmed['status']}."
        )
    add("")
    bulk = context.get("bulk") or {}
    if "error" in bulk:
        add(f"Thao tác hàng loạt: lỗi ({bulk['error']}).")
        add("")
    elif bulk:
        steps = [
            ("evaluate", "đánh giá"),
            ("submit", "gửi xét duyệt"),
            ("accept", "tiếp nhận"),
            ("decision", "đưa vào một quyết định"),
            ("propose", "đề nghị cấp trên khen thưởng (lập và gửi)"),
            ("proposal_accept", "cấp trên chấp nhận mọi dòng của đề nghị"),
            ("proposal_decision", "ra quyết định từ đề nghị"),
        ]
        parts = []
        for key, label in steps:
            if key in bulk:
                step = bulk[key]
                seconds = vn(step["seconds"], 1)
                status = f" ({step['status']})" if "status" in step else ""
                parts.append(f"{label} {vn(step['changed'])} dòng: {seconds} giây{status}")
        rows = vn(bulk["rows"])
        said = "; ".join(parts)
        add(
            f"Thao tác hàng loạt trên {rows} đăng ký (một tỉnh cũ, một năm, thêm các dòng năm trước "
            f"chuyển sang năm đó cho đủ 20.000; rồi hoàn tác): {said}."
        )
        add("")
    if context["concurrency"]:
        add(
            "| Tải đồng thời (gunicorn 4 worker, wrk 2 luồng, 32 kết nối, 15 s) | Yêu cầu/giây | "
            "p50 (ms) | p90 (ms) | p99 (ms) | Lỗi |"
        )
        add("|---|---:|---:|---:|---:|---:|")
        for row in context["concurrency"]:
            if "skipped" in row:
                add(f"| bỏ qua: {row['skipped']} | | | | | |")
                continue
            errors = str(row["non_2xx"] + row["socket_errors"])
            if row["first_status"] != 200:
                errors += f" (first request: {row['first_status']})"
            add(
                f"| {row['label']} | {vn(row['rps'], 1)} | {fmt(row['p50'])} | {fmt(row['p90'])} | "
                f"{fmt(row['p99'])} | {errors} |"
            )
    return "\n".join(lines)


def fmt(value):
    return "–" if value is None else vn(value, 0)


def write_doc(text):
    DOC.parent.mkdir(exist_ok=True)
    current = DOC.read_text() if DOC.exists() else f"# Hiệu năng\n\n{START}\n{END}\n"
    if START not in current:
        current += f"\n{START}\n{END}\n"
    before, rest = current.split(START, 1)
    _old, after = rest.split(END, 1)
    DOC.write_text(f"{before}{START}\n{text}\n{END}{after}")


def reform_figures():
    """Return what the largest applied reorganisation did and how long it took (stored when applied)."""
    from django.db.models import Count

    from registry.models import Reorganisation

    plan = (
        Reorganisation.objects.filter(status="applied")
        .annotate(links=Count("lineage", distinct=True))
        .order_by("-links")
        .first()
    )
    if plan is None:
        return None
    steps = plan.plan.get("steps", [])
    applied = plan.plan.get("applied", {})
    return {
        "title": plan.title,
        "day": plan.effective_on.strftime("%d/%m/%Y"),
        "steps": len(steps),
        "splits": sum(1 for step in steps if step.get("kind") == "split"),
        "links": plan.links,
        "transfers": plan.transfers.count(),
        "closed": len(applied.get("closed_before", {})),
        "seconds": applied.get("seconds"),
    }


def count_check():
    """Time ``tally_check`` (the recount of both kept tables, without repair) over the whole data."""
    from registry.tally import tally_check

    started = time.perf_counter()
    report = tally_check()
    return {
        "seconds": time.perf_counter() - started,
        "rows": sum(held for held, _expected, _differ in report.values()),
        "differ": sum(differ for _held, _expected, differ in report.values()),
    }


def load_average():
    one, five, _fifteen = os.getloadavg()
    return f"{vn(one, 2)} / {vn(five, 2)}"


def postgres_version():
    """Return the server's version and the settings the figures depend on most."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()[0].split()[0]
        settings = []
        for name in ("shared_buffers", "effective_cache_size", "work_mem"):
            cursor.execute(f"SHOW {name}")
            settings.append(f"{name} = {cursor.fetchone()[0]}")
    return f"{version} ({', '.join(settings)})"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--generate", action="store_true")
    parser.add_argument("--small", action="store_true")
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--budget", type=float, default=20.0, help="giây tối đa cho mỗi phép đo trang")
    parser.add_argument("--no-concurrency", action="store_true")
    parser.add_argument("--no-write", action="store_true")
    parser.add_argument(
        "--import-timeout", type=float, default=900.0, help="giây tối đa cho kiểm tra tệp nhập"
    )
    parser.add_argument("--child-workbook", nargs=3, help=argparse.SUPPRESS)
    parser.add_argument("--child-import", nargs=2, help=argparse.SUPPRESS)
    parser.add_argument("--child-confirm", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    workdir = Path(tempfile.gettempdir()) / "danvan-bench"
    workdir.mkdir(exist_ok=True)
    prepare_environment(workdir)
    if args.child_workbook:
        kind, unit_pk, year = args.child_workbook
        child_workbook(kind, int(unit_pk), int(year))
        return
    if args.child_import or args.child_confirm:
        setup_django()
        from registry.models import Unit

        unit_pk, year = args.child_import or args.child_confirm
        measure = import_check if args.child_import else import_confirm
        print(json.dumps(measure(bench_user(), Unit.objects.get(pk=int(unit_pk)), int(year)), default=str))
        return
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        print(
            "Cảnh báo: DATABASE_URL không phải PostgreSQL; số đo không có ý nghĩa so sánh.", file=sys.stderr
        )
    setup_django()
    generated = ensure_data(args)
    from registry.tally import renew_all

    renew_all()  # no figure cached by an earlier run: the first requests are really the first
    t = targets()
    user = bench_user()
    context = {
        "date": datetime.date.today().strftime("%d/%m/%Y"),
        "machine": f"{os.cpu_count()} nhân CPU, {platform.system()} {platform.release()}",
        "postgres": postgres_version(),
        "counts": counts(),
        "generated": generated,
        "load_start": load_average(),
        "command": " ".join(
            f"{name}={os.environ[name]}" for name in ("DATABASE_URL", "REDIS_URL") if os.environ.get(name)
        )
        + " .venv/bin/python bench/run.py"
        + (" --small" if args.small else "")
        + (f" --repeat {args.repeat}" if args.repeat != 20 else ""),
    }
    print(f"Dữ liệu: {context['counts']}", flush=True)
    context["reform"] = reform_figures()
    print(f"Sắp xếp: {context['reform']}", flush=True)
    context["check"] = count_check()
    print(f"Kiểm tra số liệu: {context['check']}", flush=True)
    year = t["old_year"]
    print(f"GROUP BY thuần SQL, năm {year}:", flush=True)
    context["naive"] = naive_group_by(year, args.repeat, args.budget)
    print(f"  trung vị {ms(context['naive']['median'])} ms, p95 {ms(context['naive']['p95'])} ms", flush=True)
    print("Các trang:", flush=True)
    context["pages"] = page_rows(Pages(user, args.repeat, args.budget), t)
    context["pages"] += member_rows(args.repeat, args.budget, t)
    print("Tệp Excel:", flush=True)
    context["workbooks"] = []
    for label, unit in [
        (f"{t['old_province'].name} (cũ), năm {year}", t["old_province"]),
        (f"Toàn quốc, năm {year}", t["root"]),
    ]:
        ours, peer = workbook("ours", unit, year), workbook("xlsxwriter", unit, year)
        print(f"  {label}: {ours} / xlsxwriter {peer}", flush=True)
        context["workbooks"].append((label, ours, peer))
    print("Kiểm tra tệp nhập:", flush=True)
    try:
        context["import"] = import_child(t["old_province"], year, args.import_timeout)
    except Exception as error:
        context["import"] = {"error": str(error)[:200]}
    print(f"  {context['import']}", flush=True)
    print("Xác nhận nhập tệp:", flush=True)
    try:
        context["import_confirm"] = import_child(t["old_province"], year, args.import_timeout, "confirm")
    except Exception as error:
        context["import_confirm"] = {"error": str(error)[:200]}
    print(f"  {context['import_confirm']}", flush=True)
    print("Thao tác hàng loạt (đánh giá, gửi, tiếp nhận 20.000 mô hình; quyết định 10.000):", flush=True)
    try:
        from bench.bulk import bulk_actions

        context["bulk"] = bulk_actions(user, t["old_province"], year)
    except Exception as error:
        context["bulk"] = {"error": str(error)[:200]}
    print(f"  {context['bulk']}", flush=True)
    context["concurrency"] = []
    if not args.no_concurrency:
        from django.urls import reverse

        print("Tải đồng thời:", flush=True)
        dashboard = reverse("reports:dashboard")
        context["concurrency"] = concurrency(
            user,
            [
                (
                    f"Bảng điều khiển {t['commune'].name}, năm {t['last_year']}",
                    f"{dashboard}?unit={t['commune'].pk}&year={t['last_year']}",
                ),
                (f"Bảng điều khiển toàn quốc, năm {year}", f"{dashboard}?unit={t['root'].pk}&year={year}"),
            ],
            workdir,
        )
    context["load_end"] = load_average()
    text = markdown(context)
    print()
    print(text)
    if not args.no_write:
        write_doc(text)
        print(f"\nĐã ghi vào {DOC.relative_to(BASE_DIR)}.")


if __name__ == "__main__":
    main()
