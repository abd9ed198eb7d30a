"""The scoping sweep: every URL pattern of the site, as every role, read and written.

The patterns come from the URL resolver (``get_resolver()``), the site's own and the admin's,
so a new page is swept as soon as it has a URL. Its path parameters get the ids of real objects
of one small world, built once for the module: branch A (whose staff are the roles swept),
branch B beside it, and a unit C closed by a merger into A. For each pattern and each role the
sweep reads the page (GET) and writes to it (POST, with the data of the page's own form when it
shows one), once with objects the role may see and once with objects it may not. It fails on

- any server error (500);
- inline code or style in a page (the Content-Security-Policy would refuse it);
- a leak: a page, form or export of an object the role may not see that does not answer
  403, 404 (400, 405) or a redirect to a login page; or any page, list or export shown to a
  role that contains the name of a record outside its scope.

A parameter the sweep cannot fill fails the sweep: name its objects in ``PARAMETERS``.
"""

import datetime
import html
import io
import re
import zipfile
from urllib.parse import urljoin, urlsplit

import pytest
from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.contrib.contenttypes.views import shortcut
from django.core.files.base import ContentFile
from django.db import transaction
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.resolvers import RegexPattern
from django.views.generic import RedirectView
from lxml import html as lxml_html

from intake.models import BulkJob, ImportBatch
from registry import drafts, groups, proposals
from registry.choices import DecisionKind, Level, Role, UnitType
from registry.models import (
    Attachment,
    Campaign,
    Decision,
    Initiative,
    Membership,
    Proposal,
    Registration,
    Reorganisation,
    SavedFilter,
    Unit,
    UnitGroup,
)
from reports.models import SavedTable, Workbook

from .conftest import Tree
from .factories import (
    CampaignFactory,
    DecisionFactory,
    InitiativeFactory,
    MembershipFactory,
    UserFactory,
    make_unit,
    reorganise,
)

pytestmark = pytest.mark.django_db

ROLES = ["superuser", "admin", "editor", "viewer", "closed", "anonymous"]
BRANCH_A = {"superuser", "admin", "editor", "viewer"}
DENIED = {400, 403, 404, 405}
LOGIN_PATHS = ("/tai-khoan/dang-nhap/", "/quan-tri/login/")
# django-simple-history's admin history list: the policy refuses it, which only leaves a border.
ALLOWED_INLINE = {' style="border-top: 0"'}
# The admin answers an object it does not show (absent, or outside the scope) with its index.
ADMIN_INDEX = "/quan-tri/"
PROJECT_APPS = {"registry", "reports", "intake"}
# What the Content-Security-Policy refuses: inline code (a script without src, not data, or an
# event handler attribute) and inline style.
INLINE = re.compile(
    r"<script(?![^>]*\b(?:src=|type=\"application/json\"))[^>]*>|<style\b|\sstyle=\"[^\"]*\"|\son[a-z]+=\"",
    re.I,
)


def _routes(resolver=None, prefix="", namespace=""):
    """Yield (name, pattern text, pattern, callback) for every URL pattern, nested ones included."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _routes(entry, prefix + _text(entry), inner)
        elif isinstance(entry, URLPattern):
            text = prefix + _text(entry)
            name = f"{namespace}{entry.name}" if entry.name else f"{namespace}<{text.replace(chr(0), '')}>"
            yield name, text, entry


def _text(entry):
    """The pattern as text, regular expressions marked so that they can be filled in."""
    text = str(entry.pattern)
    return f"\x00{text}\x00" if isinstance(entry.pattern, RegexPattern) else text


ROUTES = sorted({name: (text, entry) for name, text, entry in _routes()}.items())


# Objects for the parameters the view's model does not name: a model (the world's object of it),
# a value, or a function of (world, objects) where ``objects`` maps a model to the object used.
PARAMETERS = {
    "registry:history": {"model": "mo-hinh", "pk": Initiative},
    "registry:history_revert": {
        "model": "mo-hinh",
        "pk": Initiative,
        # The initiative's latest change (its creation if it has none: the page then answers 404).
        "history_id": lambda world, objects: objects[Initiative].history.order_by("-history_id").first().pk,
        "field": "name",
    },
    "registry:suggest": {"kind": "unit"},
    "registry:registration_export": {"format": "csv"},
    "registry:membership_create": {"pk": Unit},
    "registry:decision_registrations": {"pk": Decision},
    "intake:bulk_decision": {"pk": Decision},
    "registry:proposal_decision": {"pk": Proposal},
    "registry:registration_create": {"initiative_pk": Initiative},
    "registry:attachment_create": {"initiative_pk": Initiative},
    "registry:campaign_board": {"pk": Campaign},
    "registry:campaign_remind": {"pk": Campaign},
    "reports:workbook_detail": {"pk": Workbook},
    "reports:workbook_download": {"pk": Workbook},
    "reports:savedtable_update": {"pk": SavedTable},
    "reports:savedtable_delete": {"pk": SavedTable},
    "reports:decision_docx": {"pk": Decision},
    "reports:group_report": {"pk": UnitGroup},
    "reports:group_xlsx": {"pk": UnitGroup},
    "reports:decision_certificates": {"pk": Decision},
    "password_reset_confirm": {"uidb64": "MQ", "token": "dat-lai"},
    "admin:app_list": {"app_label": "registry"},
    "admin:view_on_site": {
        "content_type_id": lambda world, objects: ContentType.objects.get_for_model(Initiative).pk,
        "object_id": Initiative,
    },
}
NUMBER = {"number": 1}  # the step of a reorganisation plan


class World:
    """Branch A (four roles), branch B beside it, a commune C of A closed by a merger; objects of each."""

    def __init__(self, media_root):
        tree = self.tree = Tree()
        self.unit_c = make_unit("Đảng ủy xã Quân Bình", tree.a, UnitType.COMMUNE, code="BT-QB")
        self.users = {
            "superuser": UserFactory(username="sweep_super", is_superuser=True, is_staff=True),
            "admin": UserFactory(username="sweep_admin", is_staff=True),
            "editor": tree.editor_a,
            "viewer": tree.viewer_a,
            "closed": UserFactory(username="sweep_closed"),
        }
        # The administrator of A is staff too, with every registry permission: the admin scopes them.
        self.users["admin"].user_permissions.set(
            Permission.objects.filter(content_type__app_label="registry")
        )
        MembershipFactory(user=self.users["admin"], unit=tree.a, role=Role.ADMIN)
        reorganise([self.unit_c], into=tree.commune)
        # Given after the merger (which carries the staff of C to the commune): left on C.
        MembershipFactory(user=self.users["closed"], unit=self.unit_c, role=Role.VIEWER)

        # A model of A copying one of B; a decision from above covering both branches.
        self.copy_a = InitiativeFactory(
            name="Nhân rộng tổ tự quản ở Nà Phải", unit=tree.cell, replicates=tree.initiative_b, year=2024
        )
        DecisionFactory(
            issuing_unit=tree.province,
            number="900",
            symbol="QĐ/TU",
            signed_on=datetime.date(2024, 1, 10),
            registrations=[tree.registration_a, tree.registration_b],
        )
        with override_settings(MEDIA_ROOT=str(media_root)):
            attachments = {
                branch: Attachment.objects.create(
                    initiative=initiative,
                    kind="document",
                    title="Biên bản",
                    file=ContentFile(b"%PDF-1.4\n", name="bien-ban.pdf"),
                )
                for branch, initiative in (("a", tree.initiative_a), ("b", tree.initiative_b))
            }
        superuser = self.users["superuser"]
        plans = {
            branch: drafts.draft_create(
                user=superuser,
                title=f"Sáp nhập {branch}",
                effective_on=datetime.date(2026, 7, 1),
                plan={"steps": [{"kind": "merge", "olds": [old.pk], "targets": [{"unit": into.pk}]}]},
            )
            for branch, old, into in (
                ("a", make_unit("Chi bộ thôn Khuổi Chủ", tree.commune), tree.commune),
                ("b", make_unit("Chi bộ tổ 5", tree.b), tree.b),
            )
        }
        owner_b = tree.editor_b
        batches = {
            who: ImportBatch.objects.create(user=user, file_name="mau.xlsx", file_size=1, content=b"x")
            for who, user in (("editor", tree.editor_a), ("b", owner_b))
        }
        bulk_jobs = {
            who: BulkJob.objects.create(user=user, action="evaluate", parameters={"evaluation": "effective"})
            for who, user in (("editor", tree.editor_a), ("b", owner_b))
        }
        saved_filters = {
            who: SavedFilter.objects.create(user=user, name="Năm 2023", query="year=2023", unit=unit)
            for who, user, unit in (("editor", tree.editor_a, tree.a), ("b", owner_b, tree.b))
        }
        workbooks = {
            who: Workbook.objects.create(user=user, unit=unit, params={"year": 2023}, title="Báo cáo")
            for who, user, unit in (("editor", tree.editor_a, tree.a), ("b", owner_b, tree.b))
        }
        saved_tables = {
            who: SavedTable.objects.create(
                created_by=user, unit=unit, name="Bảng theo loại", params={"rows": "kind"}, shared=True
            )
            for who, user, unit in (("editor", tree.editor_a, tree.a), ("b", owner_b, tree.b))
        }
        group = Group.objects.create(name="Cán bộ")
        campaigns = {
            branch: CampaignFactory(unit=unit, title=f"Thi đua Dân vận khéo năm 2026 {name}")
            for branch, unit, name in (("a", tree.a, "Bạch Thông"), ("b", tree.b, "Tổ 5 Thành phố"))
        }

        # A cluster of A's communes, the merged one among them; a bloc of B's cells.
        unit_groups = {
            branch: groups.group_create(
                user=superuser,
                group=UnitGroup(name=name, kind=kind, owner=owner, first_year=2024),
                members=members,
            )
            for branch, name, kind, owner, members in (
                ("a", "Cụm thi đua Bạch Thông", "cluster", tree.a, [tree.commune, self.unit_c]),
                (
                    "b",
                    "Khối thi đua Thành phố",
                    "bloc",
                    tree.b,
                    [make_unit("Chi bộ tổ 7", tree.b), make_unit("Chi bộ tổ 8", tree.b)],
                ),
            )
        }

        # A's proposal sent to the province; B's still a draft.
        proposed = {}
        for branch, unit, registration in (
            ("a", tree.a, tree.registration_a),
            ("b", tree.b, tree.registration_b),
        ):
            heading = Proposal(
                year=2023,
                kind=DecisionKind.RECOGNITION,
                level=Level.PROVINCE,
                unit=unit,
                receiving_unit=tree.province,
                proposed_on=datetime.date(2023, 12, 1),
            )
            proposed[branch] = proposals.proposal_create(
                user=None, proposal=heading, registrations=[registration]
            )
        proposals.proposal_send(user=None, proposal=proposed["a"])

        # Each object with the roles that may see it: the sweep takes a visible one for the first
        # request and an invisible one for the second.
        self.objects = {
            Unit: [(tree.commune, BRANCH_A), (self.unit_c, BRANCH_A | {"closed"}), (tree.b, {"superuser"})],
            Initiative: [(self.copy_a, BRANCH_A), (tree.initiative_b, {"superuser"})],
            Registration: [(tree.registration_a, BRANCH_A), (tree.registration_b, {"superuser"})],
            Decision: [(tree.decision_a, BRANCH_A), (tree.decision_b, {"superuser"})],
            Attachment: [(attachments["a"], BRANCH_A), (attachments["b"], {"superuser"})],
            Membership: [
                (Membership.objects.get(user=tree.viewer_a), BRANCH_A),
                (Membership.objects.get(user=owner_b), {"superuser"}),
            ],
            Reorganisation: [(plans["a"], BRANCH_A - {"editor", "viewer"}), (plans["b"], {"superuser"})],
            ImportBatch: [(batches["editor"], {"editor"}), (batches["b"], set())],
            BulkJob: [(bulk_jobs["editor"], {"editor"}), (bulk_jobs["b"], set())],
            # Renamed and deleted by their owner only, shared or not.
            SavedFilter: [(saved_filters["editor"], {"editor"}), (saved_filters["b"], set())],
            Workbook: [(workbooks["editor"], {"editor"}), (workbooks["b"], set())],
            # Renamed and deleted by their author only, shared or not.
            SavedTable: [(saved_tables["editor"], {"editor"}), (saved_tables["b"], set())],
            Group: [(group, {"superuser"})],
            # The staff of C read A's campaign: it is launched above their unit.
            Campaign: [(campaigns["a"], BRANCH_A | {"closed"}), (campaigns["b"], {"superuser"})],
            Proposal: [(proposed["a"], BRANCH_A), (proposed["b"], {"superuser"})],
            # Seen by whoever reads every member: not by C's staff, who read only one of them.
            UnitGroup: [(unit_groups["a"], BRANCH_A), (unit_groups["b"], {"superuser"})],
        }
        for user in self.users.values():
            self.objects.setdefault(type(user), []).append((user, {"superuser"}))

        # Names no role outside the branch may ever read, in a page, a list or an export.
        names_a = [tree.initiative_a.name, self.copy_a.name]
        names_b = [
            tree.b.name,
            tree.initiative_b.name,
            tree.initiative_b.person_name,
            "Chi bộ tổ 5",
            campaigns["b"].title,
            unit_groups["b"].name,
        ]
        self.forbidden = {
            "superuser": [],
            "admin": names_b,
            "editor": names_b,
            "viewer": names_b,
            "closed": names_a + names_b,
            "anonymous": names_a + names_b,
        }
        self.clients, self.sessions = {}, {}
        for role in ROLES:
            client = Client(raise_request_exception=False)
            if role != "anonymous":
                client.force_login(self.users[role])
                self.sessions[role] = client.cookies[settings.SESSION_COOKIE_NAME].value
            self.clients[role] = client

    def client(self, role):
        """The role's client, logged in again with its session (a test may have logged it out)."""
        client = self.clients[role]
        if role in self.sessions:
            client.cookies[settings.SESSION_COOKIE_NAME] = self.sessions[role]
        return client

    def pick(self, model, role, visible):
        """The world's object of ``model`` that ``role`` may (or may not) see; None when it has none."""
        candidates = self.objects.get(model)
        if candidates is None:
            found = model._default_manager.order_by("pk").first()
            return (found, True) if found is not None else (None, True)
        for obj, audience in candidates:
            if (role in audience) == visible:
                return obj, role in audience
        obj, audience = candidates[0]
        return obj, role in audience


@pytest.fixture(scope="module")
def media_root(tmp_path_factory):
    return tmp_path_factory.mktemp("media")


@pytest.fixture(autouse=True)
def _files_and_tasks_for_tests(settings, media_root):
    # Replaces the root conftest's fixture of this name: the world's files live as long as it does.
    settings.MEDIA_ROOT = str(media_root)
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, media_root):
    """Build the world once for the module, in a transaction rolled back at its end.

    Each test runs inside it, in its own savepoint (pytest-django's), so that one test's writes
    never reach the next.
    """
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield World(media_root)
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def _model_of(entry):
    callback = entry.callback
    model_admin = getattr(callback, "model_admin", None) or getattr(
        getattr(callback, "__wrapped__", None), "__self__", None
    )
    if model_admin is not None and hasattr(model_admin, "model"):
        return model_admin.model
    return getattr(getattr(callback, "view_class", None), "model", None)


def _parameters(text):
    """The parameters of a pattern, in order: (name or position, converter or None)."""
    found = []
    for part in re.split(r"\x00", text)[1::2]:
        compiled = re.compile(part)
        names = {index: name for name, index in compiled.groupindex.items()}
        found += [(names.get(index, index - 1), None) for index in range(1, compiled.groups + 1)]
    found += [(name, converter) for converter, name in re.findall(r"<(?:(\w+):)?(\w+)>", _plain(text))]
    return found


def _plain(text):
    return re.sub(r"\x00.*?\x00", "", text)


def _fill(text, values):
    """The path of a pattern with ``values`` (by parameter name or position) put in."""

    def route(match):
        return str(values[match.group(2)])

    def regex(match):
        pattern, out, position, i = match.group(1).removeprefix("^").removesuffix("$"), [], 0, 0
        while i < len(pattern):
            char = pattern[i]
            if char == "\\":
                out.append(pattern[i + 1])
                i += 2
            elif char == "(":
                name = re.match(r"\(\?P<(\w+)>", pattern[i:])
                depth, j = 1, i + 1
                while depth:
                    depth += {"(": 1, ")": -1}.get(pattern[j], 0)
                    j += 2 if pattern[j] == "\\" else 1
                out.append(str(values[name.group(1) if name else position]))
                position, i = position + 1, j
            else:
                out.append(char)
                i += 1
        return "".join(out)

    return "/" + re.sub(r"<(?:(\w+):)?(\w+)>", route, re.sub(r"\x00(.*?)\x00", regex, text))


def _values(world, name, text, entry, role, visible):
    """Fill the parameters of the pattern with objects ``role`` may (not) see; tell if it may see all."""
    wanted = {**NUMBER, **PARAMETERS.get(name, {})}
    model = _model_of(entry)
    values, objects, sees_all = {}, {}, True
    for parameter, _converter in _parameters(text):
        spec = wanted.get(parameter)
        if name.endswith("_simple_history") and isinstance(parameter, int):
            spec = model if parameter == 0 else "history"
        if spec is None and (parameter in ("pk", "object_id", "id", "url") or isinstance(parameter, int)):
            spec = model if parameter != "url" else "khong-co-trang-nay/"
        if spec is None:
            pytest.fail(f"The sweep has no value for <{parameter}> of {name}: name one in PARAMETERS.")
        if isinstance(spec, type):
            obj, seen = world.pick(spec, role, visible)
            if obj is None and spec._meta.app_label in PROJECT_APPS:
                pytest.fail(f"The world has no {spec.__name__} for <{parameter}> of {name}: add one.")
            if obj is None:  # a library's log (django-axes) with no row yet: an id that is not there
                values[parameter] = 0
                continue
            objects[spec] = obj
            values[parameter], sees_all = obj.pk, sees_all and seen
        elif spec == "history":
            values[parameter] = None
        elif callable(spec):
            values[parameter] = spec(world, objects)
        else:
            values[parameter] = spec
    for parameter, value in values.items():
        if value is None:  # the history record of the object named before it (0: it has none)
            record = next(iter(objects.values())).history.order_by("pk").first()
            values[parameter] = record.pk if record else 0
    return values, sees_all


def _body_text(response):
    """The readable text of a response: HTML, JSON, CSV, or the cells of a workbook."""
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if content.startswith(b"PK"):
        try:
            with zipfile.ZipFile(io.BytesIO(content)) as archive:
                parts = [archive.read(n).decode() for n in archive.namelist() if n.endswith(".xml")]
        except zipfile.BadZipFile:
            return ""
        return html.unescape(" ".join(parts))
    return html.unescape(content.decode("utf-8-sig", errors="replace"))


def _form_data(response, path):
    """The data of the page's own POST form (the one that posts back to ``path``), or {}."""
    if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
        return {}
    document = lxml_html.fromstring(response.content)
    for form in document.forms:
        if (form.method or "get").lower() != "post" or urlsplit(
            urljoin(path, form.action or "")
        ).path != path:
            continue
        data = {}
        for key, value in form.form_values():
            data.setdefault(key, []).append(value)
        button = form.xpath(
            ".//button[@name][not(@type) or @type='submit'] | .//input[@type='submit'][@name]"
        )
        if button:
            data.setdefault(button[0].get("name"), [button[0].get("value", "")])
        return data
    return {}


def _export_links(response, path):
    """The page's own downloads (same page, ``export`` in the query): they are lists too."""
    if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
        return []
    document = lxml_html.fromstring(response.content)
    links = {urljoin(path, href) for href in document.xpath("//a/@href") if href.startswith("?")}
    return sorted(link for link in links if "export" in link)


def _redirects_only(entry):
    """Whether the view only sends the browser elsewhere, whatever the method (nothing to write)."""
    view = getattr(entry.callback, "__wrapped__", entry.callback)
    return view is shortcut or issubclass(getattr(view, "view_class", object), RedirectView)


def _denied(client, method, response, follow):
    """Whether ``response`` refuses the request; with ``follow``, a redirect is followed once."""
    if response.status_code in DENIED:
        return True
    if response.status_code in (301, 302):
        location = urlsplit(response["Location"]).path
        if location.startswith(LOGIN_PATHS) or location == ADMIN_INDEX:
            return True
        if follow:
            return _denied(client, "get", client.get(location), follow=False)
    return False


def _request(world, role, method, path, data, sees_all, problems, entry):
    client = world.clients[role]
    response = getattr(client, method)(path, data) if method == "post" else client.get(path)
    label = f"{role} {method.upper()} {path}"
    if response.status_code >= 500:
        cause = getattr(response, "exc_info", None)
        problems.append(f"{label}: {response.status_code} {cause[1]!r}" if cause else f"{label}: 500")
        return response
    # A GET redirect is followed, as a browser would; a POST redirect means the write was taken.
    follow = method == "get" or _redirects_only(entry)
    if not sees_all and not _denied(client, method, response, follow):
        problems.append(f"{label}: answered {response.status_code} for an object outside the role's scope")
    if response.status_code == 200:
        if "html" in response.get("Content-Type", "") and not response.streaming:
            inline = [
                found
                for found in INLINE.findall(response.content.decode(errors="replace"))
                if found not in ALLOWED_INLINE
            ]
            if inline:
                problems.append(f"{label}: inline code or style, refused by the policy: {inline[:3]}")
        text = _body_text(response)
        leaked = [name for name in world.forbidden[role] if name in text]
        if leaked:
            problems.append(f"{label}: shows {leaked}, outside the role's scope")
    return response


# Patterns known to fail, each with the reason; an entry that passes fails the sweep: remove it.
KNOWN: dict[str, str] = {}


@pytest.mark.parametrize(
    "name",
    [
        pytest.param(name, marks=pytest.mark.xfail(reason=KNOWN[name], strict=True))
        if name in KNOWN
        else name
        for name, _ in ROUTES
    ],
)
def test_sweep(world, name):
    text, entry = dict(ROUTES)[name]
    problems = []
    for role in ROLES:
        world.client(role)
        cases = []
        # Nothing is visible to an anonymous visitor: one set of objects is enough.
        for visible in (True, False) if role != "anonymous" else (False,):
            values, sees_all = _values(world, name, text, entry, role, visible)
            path = _fill(text, values)
            if path not in [case[0] for case in cases]:
                cases.append((path, sees_all))
        data = {}
        for path, sees_all in cases:
            assert resolve(path).func == entry.callback, f"{path} does not lead to {name}"
            response = _request(world, role, "get", path, {}, sees_all, problems, entry)
            data = _form_data(response, path) or data
            for link in _export_links(response, path):
                _request(world, role, "get", link, {}, sees_all, problems, entry)
            # The same form data at the object outside the scope: a write there must be refused too.
            _request(world, role, "post", path, data, sees_all, problems, entry)
    assert not problems, "\n".join(problems)
