"""Load the demo data set: the situations of the five press reports in ``/work/shared/seeds``.

The figures the reports quote come out exactly (``demo/tests/test_loader.py`` checks them):

1. Thành ủy Bắc Kạn, 2023: 278 models of 35/40 subordinate units, 116 maintained and 162 new;
   191 in 2022 (87 fewer).
2. Huyện ủy Bạch Thông, 2019: 356 models (163 collective, 193 individual) of 24/44 units; one
   recognition decision covers 41 of them (28 collective, 13 individual; by field 25/7/8/1).
3. Đảng ủy Khối cơ quan và doanh nghiệp tỉnh Yên Bái, 2023: 133 models, 2 at bloc level and
   122 models plus 9 exemplars at grassroots level.
4. Tỉnh ủy Thái Nguyên (before the reform), registered 01/01–30/06/2024: 1.759 models,
   1.468 collective and 291 individual.
5. Đảng ủy phường Phan Đình Phùng (Thái Nguyên), 2023: 20 maintained models, by field 6/6/5/3.

The tree, with the reform of 01/07/2025, is built by ``demo.tree``; the new communes register
a few models in 2025 and 2026. Everything is drawn from one seed, in a fixed order: the same
code gives the same rows.
"""

import datetime
import random

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction

from registry import groups, proposals, review, services
from registry.choices import DecisionKind, Grade, Kind, Level, ReviewAction, ReviewState, Role, UnitType
from registry.models import (
    AwardForm,
    Campaign,
    Decision,
    Field,
    Membership,
    Proposal,
    Registration,
    Unit,
    UnitGroup,
)

from . import data
from .generator import Generator, Spec
from .reset import delete_demo, tally_rebuild


class DemoLoader(Generator):
    """Load the five press reports' situations, and a few models elsewhere, with the decisions and logins."""

    def load_bac_kan_city(self):
        """Report 1: 278 models of 35/40 units in 2023, 116 maintained from the 191 of 2022."""
        city = self.tree.by_code["BK-TP"]
        children = self.tree.children[city.pk]
        active = children[: -len(data.BAC_KAN_CITY_IDLE)]
        maintained = self.batch(115, data.BAC_KAN_CITY_FIELDS, (2022, 2023))  # the school's flowers make 116
        self.extend(maintained, 25, (2021, 2022, 2023))
        self.tag(maintained, 30, 2022, "bk-2022")
        new = self.batch(162, data.BAC_KAN_CITY_FIELDS, (2023,))
        self.create_all(self.assign(maintained + new, active))
        school = self.tree.find(city, "Chi bộ Trường THCS Xuất Hóa")
        spec = Spec(data.ENVIRONMENT, years=(2022, 2023), tags={2022: "bk-2022"})
        self.create(school, spec, **data.SHOWCASES["xuat-hoa"])
        dropped = self.batch(75, data.BAC_KAN_CITY_FIELDS, (2022,))  # not registered again in 2023
        self.extend(dropped, 15, (2021, 2022))
        self.create_all(self.assign(dropped, children, every=False))

    def load_bach_thong(self):
        """Report 2: 356 models (163 collective, 193 individual) of 24/44 units in 2019, 41 recognised."""
        district = self.tree.by_code["BK-BT"]
        active = self.tree.children[district.pk][: -len(data.BACH_THONG_IDLE)]
        recognised = []
        for field_name, collective, individual in data.BACH_THONG_RECOGNISED:
            recognised += self.batch(collective, {field_name: 1}, (2019,), kind=Kind.COLLECTIVE)
            recognised += self.batch(individual, {field_name: 1}, (2019,), kind=Kind.INDIVIDUAL)
        for spec in recognised:
            spec.tags[2019] = "bt-2019"
        road = recognised.pop(0)
        others = self.batch(135, data.BACH_THONG_FIELDS, (2019,), kind=Kind.COLLECTIVE)
        others += self.batch(180, data.BACH_THONG_FIELDS, (2019,), kind=Kind.INDIVIDUAL)
        self.create_all(self.assign(recognised + others, active))
        self.create(self.tree.find(district, "thôn Nà Phải"), road, **data.SHOWCASES["na-phai"])

    def load_yen_bai_bloc(self):
        """Report 3: 133 models in 2023: 2 at bloc level, 122 models and 9 exemplars at grassroots level."""
        bloc = self.tree.by_code["YB-DUK"]
        suoi_bu = Spec(data.POVERTY, years=(2022, 2023), grade=Grade.MODEL, tags={2023: "yb-2023"})
        self.create(bloc, suoi_bu, **data.SHOWCASES["suoi-bu"])
        digital = Spec(data.ADMIN_REFORM, grade=Grade.MODEL, tags={2023: "yb-2023"})
        self.create(bloc, digital, **data.SHOWCASES["chuyen-doi-so"])
        grassroots = {"level": Level.GRASSROOTS, "individual_share": 0.2}
        models = self.batch(122, data.YEN_BAI_BLOC_FIELDS, (2023,), grade=Grade.MODEL, **grassroots)
        exemplars = self.batch(9, data.YEN_BAI_BLOC_FIELDS, (2022, 2023), grade=Grade.EXEMPLAR, **grassroots)
        self.tag(exemplars, 9, 2023, "yb-2023")
        self.extend(models, 45, (2022, 2023))
        self.create_all(self.assign(models + exemplars, self.tree.children[bloc.pk]))

    def load_thai_nguyen(self):
        """Report 4: 1.759 models (1.468 collective, 291 individual) registered in the first half of 2024."""
        province = self.tree.by_code["TN"]
        districts = [u for u in self.tree.children[province.pk] if u.unit_type != UnitType.AGENCY]
        ward = self.tree.find(self.tree.by_code["TN-TP"], data.WARD)
        skip = {unit.pk for unit in self.tree.below[ward.pk]}  # the ward of report 5 has its own figures
        first_half = self.batch(
            1468, data.THAI_NGUYEN_FIELDS, (2024,), kind=Kind.COLLECTIVE, window=data.FIRST_HALF
        )
        first_half += self.batch(
            291, data.THAI_NGUYEN_FIELDS, (2024,), kind=Kind.INDIVIDUAL, window=data.FIRST_HALF
        )
        second_half = self.batch(
            140, data.THAI_NGUYEN_FIELDS, (2024,), window=data.SECOND_HALF, individual_share=0.2
        )
        self.extend(first_half + second_half, 1150, (2023, 2024))
        self.tag(first_half, 60, 2024, "tn-2024")
        # Most go on in the first half of 2025, before the reform hands them to the new communes
        # (the window moves to 2025; their 2024 registration stays early in the year).
        for spec in self.rng.sample(first_half, 1200):
            spec.years = (*spec.years, 2025)
        dropped = self.batch(240, data.THAI_NGUYEN_FIELDS, (2023,))  # not registered again in 2024
        self.create_all(self.assign(first_half + second_half + dropped, districts, skip=skip))

    def load_ward(self):
        """Report 5: a ward's 20 models, all maintained in 2023, by field 6/6/5/3."""
        ward = self.tree.find(self.tree.by_code["TN-TP"], data.WARD)
        specs = []
        for field_name, count in data.WARD_FIELDS.items():
            specs += self.batch(count, {field_name: 1}, (2022, 2023), individual_share=0.15)
        self.extend(specs, 6, (2021, 2022, 2023))
        self.create_all(self.assign(specs, [ward]))

    def load_others(self):
        """Register a few models in the other districts, so that each province has some."""
        for code, year, count in [
            *((code, 2023, 18) for _, code, _ in data.BAC_KAN_DISTRICTS),
            *((code, 2023, 24) for _, code, _ in data.YEN_BAI_DISTRICTS),
            *((code, 2024, 24) for _, code, _ in data.LAO_CAI_DISTRICTS),
            ("BK-BT", 2023, 40),
        ]:
            district = self.tree.by_code[code]
            january = datetime.date(year, 1, 1)
            closed = {u.pk for u in self.tree.below[district.pk] if not u.is_open_on(january)}
            specs = self.batch(count, data.OTHER_FIELDS, (year,))
            self.extend(specs, count * 2 // 5, (year - 1, year))
            self.create_all(self.assign(specs, [district], skip=closed))

    def load_after_reform(self):
        """Register models in the new communes in 2025 (from July) and 2026, so today is not empty."""
        for code in ("TN25", "LC25"):
            for commune in self.tree.children[self.tree.by_code[code].pk]:
                specs = self.batch(2, data.OTHER_FIELDS, (2025, 2026))
                specs += self.batch(1, data.OTHER_FIELDS, (2025,))
                specs += self.batch(2, data.OTHER_FIELDS, (2026,))
                self.create_all(self.assign(specs, [commune], every=False))

    def add_decisions(self):
        """Create the decisions of ``data.DECISIONS`` with the registrations they cover."""
        award_forms = {form.name: form for form in AwardForm.objects.all()}
        for values in data.DECISIONS:
            values = dict(values)
            covered = self.tagged[values.pop("tag")]
            count = values.pop("covers", None)
            if count is not None:
                covered = self.rng.sample(covered, count)
            values["issuing_unit"] = self.tree.by_code[values["issuing_unit"]]
            if "award_form" in values:
                values["award_form"] = award_forms[values["award_form"]]
            decision = Decision.objects.create(**values)
            decision.registrations.add(*covered)

    def add_campaigns(self, user):
        """Launch the campaigns of ``data.CAMPAIGNS`` through the service, as ``user`` would."""
        for values in data.CAMPAIGNS:
            values = {**values, "unit": self.tree.by_code[values["unit"]]}
            services.campaign_create(user=user, campaign=Campaign(**values))

    def add_groups(self, user):
        """Define the emulation clusters of ``data.GROUPS`` through the service, as ``user`` would."""
        user = get_user_model().objects.get(pk=user.pk)  # its scope as the reform left it
        for values in data.GROUPS:
            values = dict(values)
            members = [self.tree.by_code[code] for code in values.pop("members")]
            values["owner"] = self.tree.by_code[values["owner"]]
            groups.group_create(user=user, group=UnitGroup(**values), members=members)

    def add_review(self, users):
        """Put the 2026 campaign half-way: its models start as drafts of their units; then, commune
        by commune in turn, none submitted (overdue), all submitted and waiting, all accepted, or
        some accepted, one returned with a reason and one still a draft (bientap's commune).
        Through the review's service, as the communes and the province would.
        """
        campaign = Campaign.objects.get(unit=self.tree.by_code["TN25"], year=2026)
        root = campaign.unit
        Registration.objects.filter(year=2026, unit__path__startswith=root.path).exclude(unit=root).update(
            campaign=campaign, review_state=ReviewState.DRAFT
        )
        province = users["quantri"]
        communes = sorted(self.tree.children[root.pk], key=lambda unit: unit.path)
        for index, commune in enumerate(communes):
            drafts = list(
                Registration.objects.filter(campaign=campaign, unit__path__startswith=commune.path).order_by(
                    "pk"
                )
            )
            turn = 3 if commune.code == data.DEMO_REVIEW_COMMUNE else index % 4
            if not drafts or turn == 0:
                continue
            editor = users["bientap"] if commune.code == data.DEMO_REVIEW_COMMUNE else users["admin"]
            sent = drafts[:-1] if turn == 3 and len(drafts) > 2 else drafts
            review.act(user=editor, action=ReviewAction.SUBMIT, registrations=sent)
            if turn == 2:
                review.act(user=province, action=ReviewAction.ACCEPT, registrations=sent)
            elif turn == 3:
                review.act(
                    user=province,
                    action=ReviewAction.RETURN,
                    registrations=sent[:1],
                    comment=data.DEMO_RETURN_REASON,
                )
                review.act(user=province, action=ReviewAction.ACCEPT, registrations=sent[1:])

    def add_proposal(self, users):
        """bientap's commune proposes its accepted models of 2026 to the province for a Giấy khen:
        sent, waiting for the province to decide.
        """
        commune = self.tree.by_code[data.DEMO_REVIEW_COMMUNE]
        accepted = Registration.objects.filter(
            year=2026, unit__path__startswith=commune.path, review_state=ReviewState.ACCEPTED
        )
        if not accepted.exists():
            return
        proposal = proposals.proposal_create(
            user=users["bientap"],
            proposal=Proposal(
                year=2026,
                kind=DecisionKind.COMMENDATION,
                level=Level.PROVINCE,
                award_form=AwardForm.objects.get(name="Giấy khen"),
                unit=commune,
                receiving_unit=self.tree.by_code["TN25"],
                reference=data.DEMO_PROPOSAL_REFERENCE,
                proposed_on=datetime.date(2026, 11, 20),
            ),
            registrations=accepted,
        )
        proposals.proposal_send(user=users["bientap"], proposal=proposal)

    def users_by_name(self, usernames):
        return {user.username: user for user in get_user_model().objects.filter(username__in=usernames)}

    def add_users(self, users):
        """Create demo logins, with their memberships, all with the password ``data.PASSWORD``."""
        # Hash once, as set_password() would: a hash costs a second or two, and one salt shared
        # by demo logins whose password is printed anyway protects nothing less.
        password = make_password(data.PASSWORD)
        created = {}
        for username, role, code in users:
            user, _ = get_user_model().objects.get_or_create(username=username)
            user.password = password
            user.is_superuser = user.is_staff = role is None
            user.save()
            if role:
                Membership.objects.get_or_create(
                    user=user, unit=self.tree.by_code[code], defaults={"role": role}
                )
            created[username] = user
        return created

    def load(self):
        """Load everything; return what was created, for the summary.

        The models of the old units come first; then the reorganisations hand the open ones and
        the staff of the old units to the new units, as they would on a real site; then the
        new units register theirs. One viewer is given a unit closed by the reform afterwards,
        to show what such a user sees.
        """
        self.tree.build_tree()
        # The province reports its new-countryside models apart, beside the four standard fields.
        Field.objects.filter(name=data.COUNTRYSIDE).update(reported_apart=True)
        self.load_bac_kan_city()
        self.load_bach_thong()
        self.load_yen_bai_bloc()
        self.load_thai_nguyen()
        self.load_ward()
        self.load_others()
        self.save()
        users = self.add_users(data.DEMO_USERS)
        self.tree.reorganise(users["admin"], self.rng)
        self.load_after_reform()
        self.save()
        self.add_decisions()
        self.add_users(data.DEMO_USERS_AFTER_REFORM)
        self.add_campaigns(users["quantri"])
        self.add_groups(users["quantri"])
        tally_rebuild()  # the review's steps keep the counts from here on
        self.add_review({**users, **self.users_by_name(["bientap"])})
        self.add_proposal(self.users_by_name(["bientap"]))
        return {
            "đơn vị": len(self.tree.by_code),
            "mô hình": len(self.initiatives),
            "lượt đăng ký": len(self.registrations),
            "quyết định": len(data.DECISIONS),
        }


def demo_loaded():
    """Return whether the demo tree is in the registry."""
    return Unit.objects.filter(code=data.ROOT_CODE).exists()


@transaction.atomic
def load_demo(*, reset=False, log=print):
    """Load the demo data set, after deleting the old one with ``reset``; return what was created."""
    if reset:
        delete_demo()
        log("Đã xóa dữ liệu cũ.")
    counts = DemoLoader(random.Random(data.SEED)).load()
    # The demo is bulk-inserted, past the services that keep the report counts ready.
    tally_rebuild()
    return counts


def logins_table():
    """Return the demo logins, with their units as they are now, as lines of a plain-text table."""
    usernames = [username for username, _, _ in data.DEMO_USERS + data.DEMO_USERS_AFTER_REFORM]
    memberships = {
        membership.user.username: membership
        for membership in Membership.objects.filter(user__username__in=usernames).select_related(
            "user", "unit"
        )
    }
    rows = [("Tên đăng nhập", "Vai trò", "Đơn vị", "Mật khẩu")]
    for username in usernames:
        membership = memberships.get(username)
        if membership is None:
            rows.append((username, "Quản trị hệ thống", "Toàn bộ; quản trị Django /quan-tri/", data.PASSWORD))
            continue
        unit = membership.unit
        label = f"{unit.name} [{unit.code}]"
        if unit.valid_to:
            label += f" (đến {unit.valid_to:%d/%m/%Y})"
        rows.append((username, Role(membership.role).label, label, data.PASSWORD))
    widths = [max(len(str(row[i])) for row in rows) for i in range(4)]
    lines = [
        "  ".join(str(cell).ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        for row in rows
    ]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return lines
