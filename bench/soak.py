"""Soak test: two application servers behind a load balancer, one task worker, a database restart.

    .venv/bin/python bench/soak.py [--duration 120] [--threads 2] [--keep]

It starts everything it needs on loopback and removes it afterwards:

- a throwaway PostgreSQL server (``initdb`` in a temporary directory, on a free port; as root
  through ``runuser -u postgres``), migrated, with the demo data (``manage.py load_demo``);
- the cache: Redis if one answers on 127.0.0.1:6379 (under a key prefix of its own), else the
  database cache;
- TWO gunicorn servers and one task worker (``manage.py db_worker``), sharing the database, the
  cache and the file storage (one MEDIA_ROOT), with DEBUG off as in production;
- haproxy in front of the servers (Debian: ``apt-get install -y haproxy``), round robin.

Then, for ``--duration`` seconds, each demo user (``quantri``, ``bientap``, ``yenbai``,
``thainguyen``; one login each) drives ``--threads`` threads through the load balancer: reads
(dashboard, report, list, a model's page), and, for those who may, creating and editing models
and registrations; now and then an import uploaded and checked on one server and confirmed on
the other, and a workbook asked for on one server and downloaded from the other. PostgreSQL is
restarted halfway (``pg_ctl restart -m fast``).

Afterwards it checks: every write that got a success answer is in the database (an edit: its
value, or a later one whose answer was lost), the counts kept ready equal a recount
(``manage.py tally_check``), no task is left running or queued, and how soon errors stopped
after the restart. It prints the figures and exits with 1 if a check failed.
"""

import argparse
import contextlib
import html.parser
import http.client
import io
import json
import os
import random
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
PYTHON = str(BASE_DIR / ".venv" / "bin" / "python")
GUNICORN = str(BASE_DIR / ".venv" / "bin" / "gunicorn")
PASSWORD = "danvan2026"
EDITORS = ["quantri", "bientap", "yenbai"]
VIEWERS = ["thainguyen"]
UPLOAD = ("", "/nhap-excel/")
PROGRESS = 'id="tien-do"'  # the progress bar of a running import
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SHEET_NAME = "Danh sách mô hình"
IMPORT_HEADERS = [
    "Mã đơn vị",
    "Đơn vị",
    "Tên mô hình",
    "Loại",
    "Họ và tên cá nhân",
    "Lĩnh vực",
    "Năm",
    "Ngày đăng ký",
]

SETTINGS = """\
from danvan.settings import *  # noqa: F403

CACHES = {cache}
"""


def log(message):
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def redis_answers(port=6379):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


# The throwaway PostgreSQL server -------------------------------------------------------------


class Postgres:
    """A private PostgreSQL server in a temporary directory (refuses to run as root: runuser)."""

    def __init__(self, root: Path):
        bins = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: int(p.parent.name))
        if not bins:
            sys.exit("PostgreSQL's binaries are missing: apt-get install postgresql")
        self.bin = bins[-1]
        self.dir = root / "pg"
        self.dir.mkdir()
        self.port = free_port()
        self.as_postgres = []
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres", "postgres")
            self.as_postgres = ["runuser", "-u", "postgres", "--"]

    def run(self, *args):
        subprocess.run([*self.as_postgres, *args], check=True, stdout=subprocess.DEVNULL)

    def pg_ctl(self, *args):
        self.run(
            str(self.bin / "pg_ctl"), "-D", str(self.dir / "data"), "-l", str(self.dir / "log"), "-w", *args
        )

    def start(self):
        self.run(
            str(self.bin / "initdb"), "-D", str(self.dir / "data"), "-U", "postgres", "-A", "trust",
            "-E", "UTF8", "--locale=C.UTF-8",
        )  # fmt: skip
        options = (
            f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.dir} -c fsync=off -c max_connections=100"
        )
        self.pg_ctl("-o", options, "start")
        self.run(
            str(self.bin / "createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "danvan"
        )

    def restart(self):
        self.pg_ctl("-m", "fast", "restart")

    def stop(self):
        with contextlib.suppress(subprocess.CalledProcessError):
            self.pg_ctl("-m", "fast", "stop")

    @property
    def url(self):
        return f"postgres://postgres@127.0.0.1:{self.port}/danvan"


# HTTP: a small client with its own cookies (the session cookie is Secure; we are on loopback)


class FormParser(html.parser.HTMLParser):
    """Collect the forms of a page: action, method, and every field's current value."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms, self.form, self.select, self.textarea, self.option = [], None, None, None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.form = {
                "action": attrs.get("action") or "",
                "method": (attrs.get("method") or "get").lower(),
            }
            self.form["fields"], self.form["options"] = {}, {}
            self.forms.append(self.form)
        elif self.form is None or "name" not in attrs and tag in ("input", "select", "textarea"):
            return
        elif tag == "input":
            kind = (attrs.get("type") or "text").lower()
            if kind in ("checkbox", "radio"):
                if "checked" in attrs:
                    self.form["fields"][attrs["name"]] = attrs.get("value", "on")
            elif kind not in ("submit", "button", "file", "reset"):
                self.form["fields"][attrs["name"]] = attrs.get("value", "")
        elif tag == "select":
            self.select = attrs["name"]
            self.form["options"][self.select] = []
        elif tag == "option" and self.select:
            value = attrs.get("value", "")
            self.form["options"][self.select].append(value)
            if "selected" in attrs or self.select not in self.form["fields"]:
                self.form["fields"][self.select] = value
        elif tag == "textarea":
            self.textarea = attrs["name"]
            self.form["fields"][self.textarea] = ""

    def handle_endtag(self, tag):
        if tag == "form":
            self.form = None
        elif tag == "select":
            self.select = None
        elif tag == "textarea":
            self.textarea = None

    def handle_data(self, data):
        if self.textarea and self.form is not None:
            self.form["fields"][self.textarea] += data


def forms_of(body):
    parser = FormParser()
    parser.feed(body)
    return parser.forms


class Failed(Exception):
    """A request that failed: no answer, or a server error."""


class Stopped(Exception):
    """The load is over: a flow in the middle of waiting gives up."""


class Client:
    """One user's browser: its cookies, shared by every server (sessions live in the database)."""

    def __init__(self, record, port):
        self.cookies = {}
        self.record = record
        self.port = port  # the load balancer, unless a request names a server

    def request(self, method, path, *, data=None, files=None, port=None, label=None):
        port = port or self.port
        headers = {"Host": "127.0.0.1", "User-Agent": "danvan-soak"}
        body = None
        if files:
            boundary = secrets.token_hex(16)
            parts = []
            for name, value in (data or {}).items():
                disposition = f'Content-Disposition: form-data; name="{name}"'
                parts.append(f"--{boundary}\r\n{disposition}\r\n\r\n{value}\r\n".encode())
            for name, (filename, content, kind) in files.items():
                disposition = f'Content-Disposition: form-data; name="{name}"; filename="{filename}"'
                parts.append(
                    f"--{boundary}\r\n{disposition}\r\nContent-Type: {kind}\r\n\r\n".encode()
                    + content
                    + b"\r\n"
                )
            body = b"".join(parts) + f"--{boundary}--\r\n".encode()
            headers["Content-Type"] = f"multipart/form-data; boundary={boundary}"
        elif data is not None:
            body = urllib.parse.urlencode(data, doseq=True).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        started = time.monotonic()
        status, error = None, None
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            content = response.read()
            status = response.status
            for header, value in response.getheaders():
                if header.lower() == "set-cookie":
                    name, _, rest = value.partition("=")
                    self.cookies[name.strip()] = rest.split(";", 1)[0]
            location = response.getheader("Location", "")
            connection.close()
        except (OSError, http.client.HTTPException) as exc:
            error = f"{type(exc).__name__}: {exc}"
        self.record(started, time.monotonic(), method, label or path, port, status, error)
        if error or status >= 500:
            raise Failed(error or f"{status} on {method} {path}")
        return status, content, location

    def get(self, path, **kwargs):
        status, content, location = self.request("GET", path, **kwargs)
        return status, content.decode("utf-8", "replace"), location

    def form(self, path, pick, *, port=None, label=None):
        """GET ``path`` and return (its form for which ``pick(form)`` holds, the page)."""
        status, page, _location = self.get(path, port=port, label=label)
        for form in forms_of(page):
            if pick(form):
                return form, page
        raise LookupError(f"no such form on {path} ({status})")

    def login(self, username):
        form, _page = self.form("/tai-khoan/dang-nhap/", lambda f: "username" in f["fields"])
        fields = {**form["fields"], "username": username, "password": PASSWORD}
        status, _content, location = self.request("POST", "/tai-khoan/dang-nhap/", data=fields)
        if status != 302:
            raise RuntimeError(f"{username} could not log in ({status})")


# The processes --------------------------------------------------------------------------------

HAPROXY = """\
global
    maxconn 512
defaults
    mode http
    timeout connect 2s
    timeout client 90s
    timeout server 90s
    retries 2
    option redispatch
frontend web
    bind 127.0.0.1:{lb}
    default_backend apps
backend apps
    balance roundrobin
    option httpchk
    http-check send meth GET uri /tai-khoan/dang-nhap/ ver HTTP/1.1 hdr Host 127.0.0.1
    http-check expect status 200
    server a 127.0.0.1:{a} check inter 1s fall 2 rise 1
    server b 127.0.0.1:{b} check inter 1s fall 2 rise 1
"""


class Site:
    """Everything the soak runs, started in order and stopped in reverse."""

    def __init__(self, root: Path, args):
        self.root = root
        self.args = args
        self.postgres = Postgres(root)
        self.processes = []
        self.ports = {"a": free_port(), "b": free_port(), "lb": free_port()}
        self.env = {}

    def manage(self, *args, check=True, capture=False):
        result = subprocess.run(
            [PYTHON, "manage.py", *args],
            cwd=BASE_DIR,
            env=self.env,
            check=False,
            capture_output=True,
            text=True,
        )
        if check and result.returncode:
            sys.exit(f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
        return result if capture else result.returncode

    def spawn(self, name, command):
        output = open(self.root / f"{name}.log", "w")  # noqa: SIM115 - closed with the process
        process = subprocess.Popen(
            command,
            cwd=BASE_DIR,
            env=self.env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.processes.append((name, process, output))
        return process

    def start(self):
        started = time.monotonic()
        self.postgres.start()
        log(f"PostgreSQL on port {self.postgres.port} ({time.monotonic() - started:.1f} s)")
        if redis_answers():
            cache = {
                "default": {
                    "BACKEND": "django.core.cache.backends.redis.RedisCache",
                    "LOCATION": "redis://127.0.0.1:6379/0",
                    "KEY_PREFIX": f"soak-{secrets.token_hex(4)}",
                }
            }
            self.cache = "Redis (127.0.0.1:6379)"
        else:
            cache = {
                "default": {
                    "BACKEND": "django.core.cache.backends.db.DatabaseCache",
                    "LOCATION": "soak_cache",
                }
            }
            self.cache = "the database cache"
        (self.root / "soak_settings.py").write_text(SETTINGS.format(cache=repr(cache)))
        self.env = {
            **os.environ,
            "PYTHONPATH": f"{self.root}{os.pathsep}{BASE_DIR}",
            "DJANGO_SETTINGS_MODULE": "soak_settings",
            "DATABASE_URL": self.postgres.url,
            "DEBUG": "0",
            "SECRET_KEY": secrets.token_urlsafe(40),
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SECURE_SSL_REDIRECT": "0",
            "SECURE_HSTS_SECONDS": "0",
            "DEMO_DATA_ALLOWED": "1",
            "MEDIA_ROOT": str(self.root / "media"),
            "STATIC_ROOT": str(self.root / "static"),
            "CONN_MAX_AGE": "60",
            "LOG_LEVEL": "WARNING",
        }
        self.env.pop("REDIS_URL", None)
        self.env.pop("TASKS_IMMEDIATE", None)
        for step in (["migrate", "--no-input"], ["collectstatic", "--no-input"], ["load_demo"]):
            begun = time.monotonic()
            self.manage(*step)
            log(f"manage.py {step[0]} ({time.monotonic() - begun:.1f} s)")
        if "database" in self.cache:
            self.manage("createcachetable")
        self.spawn(
            "worker", [PYTHON, "-u", "manage.py", "db_worker", "--no-startup-delay", "--no-reload", "-v", "1"]
        )
        for name in ("a", "b"):
            self.spawn(
                f"server-{name}",
                [GUNICORN, "danvan.wsgi", "-w", str(self.args.workers), "-b", f"127.0.0.1:{self.ports[name]}",
                 "--timeout", "90", "--graceful-timeout", "5"],
            )  # fmt: skip
        haproxy = shutil.which("haproxy") or "/usr/sbin/haproxy"
        if not Path(haproxy).exists():
            sys.exit("haproxy is missing: apt-get install -y haproxy")
        config = self.root / "haproxy.cfg"
        config.write_text(HAPROXY.format(**self.ports))
        self.spawn("haproxy", [haproxy, "-f", str(config), "-db"])
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if all(self.answers(port) for port in self.ports.values()):
                log(
                    f"Servers on {self.ports['a']} and {self.ports['b']}, load balancer on {self.ports['lb']}"
                )
                return
            time.sleep(0.5)
        sys.exit(f"The servers did not start: see the logs in {self.root}")

    @staticmethod
    def answers(port):
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/tai-khoan/dang-nhap/", headers={"Host": "127.0.0.1"})
            return connection.getresponse().status == 200
        except (OSError, http.client.HTTPException):
            return False

    def stop(self):
        for _name, process, output in reversed(self.processes):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
            output.close()
        self.postgres.stop()

    def query(self, code):
        """Run ``code`` in ``manage.py shell``; it prints one JSON value, which is returned."""
        result = self.manage("shell", "-c", code, capture=True)
        return json.loads(result.stdout.strip().splitlines()[-1])


SETUP = """
import json
from django.contrib.auth import get_user_model
from registry.models import Field, Unit
from registry.querysets import CHANGE
out = {}
for user in get_user_model().objects.filter(username__in=%r):
    units = Unit.objects.restrict(user, CHANGE).filter(valid_to=None).exclude(code="")
    unit = units.order_by("-depth", "pk").first()
    out[user.username] = unit and {"pk": unit.pk, "code": unit.code, "name": unit.name}
field = Field.objects.active().order_by("order", "pk").first()
out["field"] = {"pk": field.pk, "name": field.name}
print(json.dumps(out))
"""

CHECK = """
import json
from django.db.models import Q
from django_tasks_db.models import DBTaskResult
from intake.models import BatchStatus, ImportBatch
from registry.models import Initiative, Registration
from reports.models import Workbook, WorkbookStatus
written = json.loads(open(%r).read())
names = set(Initiative.objects.filter(name__in=written["names"]).values_list("name", flat=True))
addresses = Initiative.objects.filter(pk__in=[int(pk) for pk in written["addresses"]])
addresses = dict(addresses.values_list("pk", "address"))
people = Registration.objects.filter(pk__in=[int(pk) for pk in written["people"]])
people = dict(people.values_list("pk", "people_reached"))
results = DBTaskResult.objects.all()
print(json.dumps({
    "names": sorted(names),
    "addresses": {str(k): v for k, v in addresses.items()},
    "people": {str(k): v for k, v in people.items()},
    "tasks": {
        "total": results.count(),
        "running": results.filter(status="RUNNING").count(),
        "ready": results.filter(status="READY").count(),
        "failed": results.filter(status="FAILED").count(),
        "lost_failed": results.filter(exception_class_path="worker.recovery.TaskLost").count(),
        "resumed": sum(1 for ids in results.values_list("worker_ids", flat=True) if len(ids) > 1),
    },
    "batches_running": ImportBatch.objects.filter(
        status__in=[BatchStatus.QUEUED, BatchStatus.CHECKING, BatchStatus.IMPORTING]).count(),
    "workbooks_running": Workbook.objects.filter(
        status__in=[WorkbookStatus.QUEUED, WorkbookStatus.RUNNING]).count(),
}))
"""


# The load ------------------------------------------------------------------------------------


class Ledger:
    """Every request, and every write with the answer it got."""

    def __init__(self):
        self.lock = threading.Lock()
        self.requests = []  # (start, end, method, label, port, status, error)
        self.names = set()  # models created with a success answer
        self.edits = {"addresses": {}, "people": {}}  # pk -> [(value, acknowledged)]
        self.flows = {"imports": 0, "imports_failed": 0, "workbooks": 0, "workbooks_failed": 0}
        self.refused = []

    def record(self, *row):
        with self.lock:
            self.requests.append(row)

    def edit(self, kind, pk, value, acknowledged):
        with self.lock:
            self.edits[kind].setdefault(str(pk), []).append((value, acknowledged))

    def count(self, key):
        with self.lock:
            self.flows[key] += 1


class User(threading.Thread):
    """One thread of one demo user, doing a mix of reads and writes until told to stop."""

    def __init__(self, username, number, site, setup, ledger, stop):
        super().__init__(name=f"{username}-{number}", daemon=True)
        self.username, self.site, self.setup, self.ledger, self.stop = username, site, setup, ledger, stop
        self.client = None
        self.random = random.Random(f"{username}-{number}")
        self.mine = []  # (initiative pk, registration pk) created by this thread
        self.editor = username in EDITORS and setup.get(username)
        self.tag = f"{username}-{number}"
        self.serial = 0

    def next_name(self):
        self.serial += 1
        return f"Mô hình kiểm thử tải {self.tag}-{self.serial}-{secrets.token_hex(3)}"

    def run(self):
        ports = self.site.ports
        actions = [(self.read, 60), (self.workbook, 2)]
        if self.editor:
            actions += [
                (self.create, 12),
                (self.edit_initiative, 10),
                (self.edit_registration, 8),
                (self.imports, 2),
            ]
        choices, weights = zip(*actions, strict=True)
        while not self.stop.is_set():
            action = self.random.choices(choices, weights)[0]
            try:
                action(ports)
            except Stopped:
                return
            except Failed:
                time.sleep(0.2)  # a server error or no answer: counted; go on, as a user would
            except (LookupError, ValueError, KeyError) as error:
                self.ledger.refused.append(f"{self.username} {action.__name__}: {error}")
                time.sleep(0.2)

    def read(self, ports):
        pages = ["/", "/bao-cao/", "/bao-cao/bieu-tong-hop/", "/mo-hinh/", "/mo-hinh/?q=mo+hinh", "/don-vi/"]
        if self.mine:
            pages.append(f"/mo-hinh/{self.random.choice(self.mine)[0]}/")
        self.client.get(self.random.choice(pages))

    def create(self, ports):
        form, _page = self.client.form("/mo-hinh/them/", lambda f: "name" in f["fields"], label="GET create")
        name = self.next_name()
        unit = self.setup[self.username]
        fields = {**form["fields"], "name": name, "unit": unit["pk"], "field": self.setup["field"]["pk"]}
        fields.update(kind="collective", status="new", person_name="", person_position="")
        status, content, location = self.client.request(
            "POST", "/mo-hinh/them/", data=fields, label="POST create"
        )
        found = re.search(r"/mo-hinh/(\d+)/$", location or "")
        if status != 302 or not found:
            raise ValueError(f"create refused ({status}): {self.errors(content)}")
        with self.ledger.lock:
            self.ledger.names.add(name)
        _status, page, _ = self.client.get(location, label="GET detail")
        registration = re.search(r"/dang-ky/(\d+)/sua/", page)
        self.mine.append((int(found.group(1)), int(registration.group(1)) if registration else None))

    @staticmethod
    def errors(content):
        text = content.decode("utf-8", "replace")
        found = re.findall(r'class="[^"]*invalid-feedback[^"]*"[^>]*>\s*(?:<strong>)?([^<]+)', text)
        return "; ".join(item.strip() for item in found[:3]) or text[:200]

    def edit_initiative(self, ports):
        if not self.mine:
            return self.create(ports)
        pk = self.random.choice(self.mine)[0]
        path = f"/mo-hinh/{pk}/sua/"
        form, _page = self.client.form(path, lambda f: "name" in f["fields"], label="GET edit")
        value = f"Địa chỉ {secrets.token_hex(4)}"
        try:
            status, content, _location = self.client.request(
                "POST", path, data={**form["fields"], "address": value}, label="POST edit"
            )
        except Failed:
            self.ledger.edit("addresses", pk, value, False)
            raise
        self.ledger.edit("addresses", pk, value, status == 302)
        if status != 302:
            raise ValueError(f"edit refused ({status}): {self.errors(content)}")

    def edit_registration(self, ports):
        registrations = [registration for _initiative, registration in self.mine if registration]
        if not registrations:
            return self.create(ports)
        pk = self.random.choice(registrations)
        path = f"/dang-ky/{pk}/sua/"
        form, _page = self.client.form(
            path, lambda f: "people_reached" in f["fields"], label="GET registration"
        )
        value = self.random.randint(1, 10_000)
        try:
            status, content, _location = self.client.request(
                "POST", path, data={**form["fields"], "people_reached": value}, label="POST registration"
            )
        except Failed:
            self.ledger.edit("people", pk, value, False)
            raise
        self.ledger.edit("people", pk, value, status == 302)
        if status != 302:
            raise ValueError(f"registration refused ({status}): {self.errors(content)}")

    def wait_for(self, path, port, done, timeout=90):
        """Poll ``path`` on ``port`` until ``done(page)``; return the page."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.stop.is_set():
                raise Stopped
            try:
                _status, page, _location = self.client.get(
                    path, port=port, label=f"poll {path.split('/')[1]}"
                )
                if done(page):
                    return page
            except Failed:
                pass
            time.sleep(0.5)
        raise ValueError(f"{path} did not finish in {timeout} s")

    def imports(self, ports):
        """Upload and check on server A, confirm on server B, see it done on A."""
        from openpyxl import Workbook

        unit = self.setup[self.username]
        today = time.localtime()
        names = [self.next_name() for _ in range(5)]
        book = Workbook()
        sheet = book.active
        sheet.title = SHEET_NAME
        sheet.append(IMPORT_HEADERS)
        for name in names:
            sheet.append([unit["code"], unit["name"], name, "Tập thể", "", self.setup["field"]["name"],
                          today.tm_year, time.strftime("%d/%m/%Y", today)])  # fmt: skip
        output = io.BytesIO()
        book.save(output)

        def upload_form(form):
            return form["method"] == "post" and urllib.parse.urlparse(form["action"]).path in UPLOAD

        form, _page = self.client.form("/nhap-excel/", upload_form, port=ports["a"], label="GET upload")
        files = {"file": ("soak.xlsx", output.getvalue(), XLSX)}
        status, _content, location = self.client.request(
            "POST", "/nhap-excel/", data=form["fields"], files=files, port=ports["a"], label="POST upload"
        )
        batch = urllib.parse.urlparse(location).path
        if status != 302 or not re.fullmatch(r"/nhap-excel/\d+/", batch):
            raise ValueError(f"upload refused ({status})")
        page = self.wait_for(batch, ports["b"], lambda page: PROGRESS not in page)
        confirm = next((f for f in forms_of(page) if f["action"].endswith("/xac-nhan/")), None)
        if confirm is None:
            self.ledger.count("imports_failed")
            raise ValueError(f"import not confirmable: {batch}: {self.errors(page.encode())}")
        self.client.request(
            "POST", confirm["action"], data=confirm["fields"], port=ports["b"], label="POST confirm"
        )
        page = self.wait_for(batch, ports["a"], lambda page: PROGRESS not in page)
        if "alert-success" in page:
            with self.ledger.lock:
                self.ledger.names.update(names)
            self.ledger.count("imports")
        else:
            self.ledger.count("imports_failed")

    def workbook(self, ports):
        """Ask for a workbook on server A, download it from server B."""
        form, _page = self.client.form(
            "/bao-cao/bieu-tong-hop/",
            lambda f: "tai-xuong.xlsx" in f["action"],
            port=ports["a"],
            label="GET report",
        )
        status, _content, location = self.client.request(
            "POST", form["action"], data=form["fields"], port=ports["a"], label="POST workbook"
        )
        page_path = urllib.parse.urlparse(location).path
        if status != 302:
            raise ValueError(f"workbook refused ({status})")
        page = self.wait_for(page_path, ports["b"], lambda page: "/tai-ve/" in page or "alert-danger" in page)
        download = re.search(r'href="(/bao-cao/tep/\d+/tai-ve/)"', page)
        if not download:
            self.ledger.count("workbooks_failed")
            return
        status, content, _location = self.client.request(
            "GET", download.group(1), port=ports["b"], label="download"
        )
        self.ledger.count("workbooks" if status == 200 and content[:2] == b"PK" else "workbooks_failed")


# The run -------------------------------------------------------------------------------------


def summarise(ledger, restart, written, found, tally_ok, tasks, site, args):
    began, ended = restart
    rows = ledger.requests
    failed = [row for row in rows if row[6] or (row[5] or 0) >= 500]
    before = [row for row in failed if row[1] < began]
    during = [row for row in failed if began <= row[1] <= ended]
    after = [row for row in failed if row[1] > ended]
    last = max((row[1] for row in failed if row[1] >= began), default=None)
    stopped = f"{last - ended:+.1f} s" if last is not None else "no error"
    acknowledged = written["acknowledged"]
    lines = [
        f"Soak: {args.duration} s, {len(EDITORS) + len(VIEWERS)} users × {args.threads} threads, "
        f"2 gunicorn servers × {args.workers} workers behind haproxy, 1 task worker, cache: {site.cache}",
        f"requests: {len(rows)} ({len(rows) / args.duration:.1f}/s); errors: {len(failed)} "
        f"(before the restart {len(before)}, during it {len(during)}, after it {len(after)})",
        f"PostgreSQL restart: {ended - began:.1f} s; errors stopped {stopped} after the restart ended",
        f"writes committed (success answers): {acknowledged}, found in the database: {found}",
        f"imports checked on one server and confirmed on the other: {ledger.flows['imports']} done, "
        f"{ledger.flows['imports_failed']} failed; workbooks asked on one, downloaded from the other: "
        f"{ledger.flows['workbooks']} done, {ledger.flows['workbooks_failed']} failed",
        f"counts equal (tally_check): {'yes' if tally_ok else 'NO'}",
        f"tasks: {tasks['tasks']['total']} run, {tasks['tasks']['resumed']} resumed after a loss, "
        f"{tasks['tasks']['lost_failed']} failed as lost, {tasks['tasks']['running']} running and "
        f"{tasks['tasks']['ready']} queued at the end; imports still running {tasks['batches_running']}, "
        f"workbooks still running {tasks['workbooks_running']}",
        f"refused by the forms (not errors): {len(ledger.refused)}",
    ]
    return lines, failed


def writes_found(ledger, result):
    """Count the acknowledged writes and those the database holds."""
    acknowledged = len(ledger.names)
    found = len(set(result["names"]) & ledger.names)
    missing = sorted(ledger.names - set(result["names"]))[:5]
    for kind in ("addresses", "people"):
        for pk, attempts in ledger.edits[kind].items():
            acked = [index for index, (_value, ok) in enumerate(attempts) if ok]
            if not acked:
                continue
            acknowledged += 1
            # The last acknowledged value, or a later one whose answer was lost on the way back.
            allowed = {str(value) for value, _ok in attempts[acked[-1] :]}
            if str(result[kind].get(pk)) in allowed:
                found += 1
            else:
                missing.append(f"{kind} {pk}: {result[kind].get(pk)!r} not in {sorted(allowed)}")
    return {"acknowledged": acknowledged}, found, missing


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=120, help="seconds of load (default 120)")
    parser.add_argument("--threads", type=int, default=2, help="threads per demo user (default 2)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers per server (default 2)")
    parser.add_argument("--restart-at", type=float, default=0.5, help="when to restart PostgreSQL (0–1)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory (logs)")
    args = parser.parse_args()

    root = Path(tempfile.mkdtemp(prefix="danvan-soak-"))
    os.chmod(root, 0o755)
    site = Site(root, args)
    ok = False
    try:
        site.start()
        setup = site.query(SETUP % (EDITORS + VIEWERS,))
        ledger = Ledger()
        stop = threading.Event()
        threads = []
        for username in EDITORS + VIEWERS:
            client = Client(ledger.record, site.ports["lb"])
            client.login(username)  # one login per user: login throttling counts attempts
            for number in range(args.threads):
                thread = User(username, number, site, setup, ledger, stop)
                thread.client = Client(ledger.record, site.ports["lb"])
                thread.client.cookies = dict(client.cookies)  # the same session, cookies of its own
                threads.append(thread)
        log(f"{len(threads)} threads for {args.duration} s")
        for thread in threads:
            thread.start()
        time.sleep(args.duration * args.restart_at)
        # Give the worker work to be cut off: a few workbooks asked just before the restart.
        burst = threads[0].client
        for _ in range(4):
            with contextlib.suppress(Failed, LookupError):
                form, _page = burst.form("/bao-cao/bieu-tong-hop/", lambda f: "tai-xuong.xlsx" in f["action"])
                burst.request("POST", form["action"], data=form["fields"], label="POST workbook")
        log("Restarting PostgreSQL")
        began = time.monotonic()
        site.postgres.restart()
        ended = time.monotonic()
        log(f"PostgreSQL restarted in {ended - began:.1f} s")
        time.sleep(max(0, args.duration * (1 - args.restart_at)))
        stop.set()
        for thread in threads:
            thread.join(120)
        log("Load stopped; waiting for the worker to finish its tasks")
        written = root / "written.json"
        written.write_text(json.dumps({"names": sorted(ledger.names), **ledger.edits}))
        deadline = time.monotonic() + 120
        while True:
            result = site.query(CHECK % str(written))
            idle = not (result["tasks"]["running"] or result["tasks"]["ready"] or result["batches_running"])
            if (idle and not result["workbooks_running"]) or time.monotonic() > deadline:
                break
            time.sleep(2)
        tally = site.manage("tally_check", check=False, capture=True)
        counts, found, missing = writes_found(ledger, result)
        worker_log = (root / "worker.log").read_text()
        worker = {
            "alive": site.processes[0][1].poll() is None,
            "waited": worker_log.count("Lost the database while waiting"),
            "cut": worker_log.count("its outcome could not be written"),
        }
        lines, failed = summarise(
            ledger, (began, ended), counts, found, tally.returncode == 0, result, site, args
        )
        lines.insert(
            -1,
            f"task worker: alive at the end: {'yes' if worker['alive'] else 'NO'}; lost the database while "
            f"waiting {worker['waited']} time(s), under a running task {worker['cut']} time(s)",
        )
        print()
        for line in lines:
            print(line)
        for row in failed[:10]:
            print(f"  error at {row[1] - began:+.1f} s: {row[2]} {row[3]} on {row[4]}: {row[6] or row[5]}")
        for line in missing[:10]:
            print(f"  MISSING {line}")
        for line in ledger.refused[:5]:
            print(f"  refused: {line}")
        last = max((row[1] for row in failed if row[1] >= began), default=ended)
        ok = (
            found == counts["acknowledged"]
            and tally.returncode == 0
            and not (result["tasks"]["running"] or result["tasks"]["ready"])
            and not result["batches_running"]
            and not result["workbooks_running"]
            and last - ended <= 10
            and worker["alive"]
        )
        print(f"\nsoak {'passed' if ok else 'FAILED'}")
    finally:
        site.stop()
        if args.keep or not ok:
            print(f"logs kept in {root}")
        else:
            shutil.rmtree(root, ignore_errors=True)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
