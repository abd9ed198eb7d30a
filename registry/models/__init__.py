"""The registry: units, fields, initiatives (mô hình), yearly registrations and decisions."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords
from treebeard.mp_tree import MP_Node

from .. import formats, querysets, rules
from ..choices import (
    AttachmentKind,
    DecisionKind,
    Evaluation,
    Grade,
    Kind,
    Level,
    RegistrationStatus,
    ReviewState,
    Role,
    StandardField,
    UnitType,
)
from ..text import fold


def decision_reference(number, symbol):
    """Return a document reference: 123-QĐ/HU for party symbols, 3970/QĐ-UBND for state ones."""
    separator = "-" if "/" in symbol else "/"
    return f"{number}{separator}{symbol}"


def initiative_search_text(name, person_name, address, unit_search_name):
    """Return an initiative's search key: its texts and its unit's name, folded."""
    return " ".join(
        filter(None, [fold(" ".join(filter(None, [name, person_name, address]))), unit_search_name])
    )


def form_token_field():
    """The token of the form that created a record: the same form submitted twice creates it once.

    Unique when set (each model's ``token_constraint``); "" for what no form created.
    """
    return models.CharField(max_length=64, blank=True, default="", editable=False)


def token_constraint(name):
    return models.UniqueConstraint(
        fields=["form_token"],
        condition=~Q(form_token=""),
        name=name,
        violation_error_message=_("Biểu mẫu này đã được gửi: bản ghi đã được tạo."),
    )


class SoftDeletable(models.Model):
    """A record that is hidden instead of deleted, so that an editor can undo."""

    is_deleted = models.BooleanField(_("đã xóa"), default=False, db_index=True)
    deleted_at = models.DateTimeField(_("thời điểm xóa"), null=True, blank=True)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người xóa"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        abstract = True


class Unit(MP_Node):
    """A party committee, cell, government body or mass organisation, placed in the tree.

    A unit is never renamed or moved in a way that rewrites history: when units merge or
    are dissolved, the old unit gets ``valid_to`` and a ``successor``, and a new unit starts.
    """

    name = models.CharField(_("tên đơn vị"), max_length=255)
    short_name = models.CharField(_("tên viết tắt"), max_length=100, blank=True)
    unit_type = models.CharField(_("loại đơn vị"), max_length=20, choices=UnitType.choices)
    code = models.CharField(_("mã đơn vị"), max_length=40, blank=True)
    valid_from = models.DateField(
        _("hoạt động từ ngày"), null=True, blank=True, validators=[rules.DateRangeValidator("valid_from")]
    )
    valid_to = models.DateField(
        _("hoạt động đến ngày"), null=True, blank=True, validators=[rules.DateRangeValidator("valid_to")]
    )
    successor = models.ForeignKey(
        "self",
        verbose_name=_("đơn vị kế thừa"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="predecessors",
    )
    search_name = models.CharField(max_length=255, editable=False, db_index=True, default="")
    updated_at = models.DateTimeField(_("ngày cập nhật"), auto_now=True)
    form_token = form_token_field()

    history = HistoricalRecords()
    objects = querysets.UnitManager()

    class Meta:
        verbose_name = _("đơn vị")
        verbose_name_plural = _("đơn vị")
        constraints = [
            models.UniqueConstraint(
                fields=["code"],
                condition=~Q(code=""),
                name="unit_code_unique",
                violation_error_message=_("Mã đơn vị này đã được dùng cho đơn vị khác."),
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True)
                | Q(valid_from__isnull=True)
                | Q(valid_to__gte=models.F("valid_from")),
                name="unit_valid_range",
                violation_error_message=_("Ngày kết thúc hoạt động phải sau ngày bắt đầu."),
            ),
            token_constraint("unit_form_token_once"),
        ]
        # The children of a unit (depth + 1, path prefix) without reading the whole tree. The
        # pattern operator class lets PostgreSQL answer a LIKE 'prefix%' from the index.
        indexes = [
            models.Index(
                fields=["depth", "path"],
                name="unit_depth_path",
                opclasses=["int4_ops", "varchar_pattern_ops"],
            )
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        # A derived search key, kept here because every write path (forms, imports, the
        # tree library's own inserts) goes through save().
        self.search_name = fold(self.name)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("registry:unit_detail", args=[self.pk])

    def is_open_on(self, day):
        return rules.is_open_on(self, day)

    @property
    def is_closed(self):
        return self.valid_to is not None


class Field(models.Model):
    """A field of activity (lĩnh vực), local or standard, mapped to one standard field."""

    name = models.CharField(_("tên lĩnh vực"), max_length=200, unique=True)
    standard = models.CharField(_("lĩnh vực chuẩn"), max_length=20, choices=StandardField.choices)
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    is_active = models.BooleanField(_("đang dùng"), default=True)
    reported_apart = models.BooleanField(
        _("báo cáo riêng"),
        default=False,
        help_text=_(
            "Số mô hình của lĩnh vực này được nêu riêng bên cạnh bốn lĩnh vực chuẩn trong báo cáo "
            "(ví dụ: xây dựng nông thôn mới)."
        ),
    )
    updated_at = models.DateTimeField(_("ngày cập nhật"), auto_now=True)

    history = HistoricalRecords()
    objects = querysets.FieldQuerySet.as_manager()

    class Meta:
        verbose_name = _("lĩnh vực")
        verbose_name_plural = _("lĩnh vực")
        ordering = ["order", "name"]

    def __str__(self):
        return self.name


class Initiative(SoftDeletable):
    """A "Dân vận khéo" model: it persists across years and is registered each year."""

    name = models.CharField(_("tên mô hình"), max_length=500)
    unit = models.ForeignKey(
        Unit, verbose_name=_("đơn vị thực hiện"), on_delete=models.PROTECT, related_name="initiatives"
    )
    kind = models.CharField(_("loại"), max_length=20, choices=Kind.choices, default=Kind.COLLECTIVE)
    person_name = models.CharField(_("họ và tên cá nhân"), max_length=200, blank=True)
    person_position = models.CharField(_("chức vụ"), max_length=200, blank=True)
    field = models.ForeignKey(
        Field, verbose_name=_("lĩnh vực"), on_delete=models.PROTECT, related_name="initiatives"
    )
    grade = models.CharField(_("xếp loại"), max_length=20, choices=Grade.choices, default=Grade.MODEL)
    start_date = models.DateField(
        _("ngày bắt đầu thực hiện"),
        null=True,
        blank=True,
        validators=[rules.DateRangeValidator("start_date")],
    )
    address = models.CharField(_("địa chỉ thực hiện"), max_length=300, blank=True)
    situation = models.TextField(_("sự cần thiết, lý do xây dựng"), blank=True)
    objectives = models.TextField(_("mục tiêu, tiêu chí"), blank=True)
    content = models.TextField(_("nội dung, cách làm"), blank=True)
    scope = models.TextField(_("địa bàn, đối tượng"), blank=True)
    forces = models.TextField(_("lực lượng thực hiện"), blank=True)
    resources = models.TextField(_("nguồn lực, thời gian thực hiện"), blank=True)
    outputs = models.TextField(_("sản phẩm, kết quả kiểm chứng"), blank=True)
    sustainability = models.TextField(_("khả năng duy trì, nhân rộng"), blank=True)
    replicates = models.ForeignKey(
        "self",
        verbose_name=_("nhân rộng từ mô hình"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="replications",
    )
    search_text = models.TextField(editable=False, default="")
    created_at = models.DateTimeField(_("ngày tạo"), auto_now_add=True)
    updated_at = models.DateTimeField(_("ngày cập nhật"), auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    form_token = form_token_field()

    history = HistoricalRecords()
    objects = querysets.InitiativeQuerySet.as_manager()

    class Meta:
        verbose_name = _("mô hình")
        verbose_name_plural = _("mô hình")
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind=Kind.INDIVIDUAL) | ~Q(person_name=""),
                name="initiative_individual_has_person",
                violation_error_message=rules.PERSON_REQUIRED_MESSAGE,
            ),
            token_constraint("initiative_form_token_once"),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        # Derived search key; see Unit.save(). The unit's name is in it, so that "hien dat bach
        # thong" finds the models of Bạch Thông about donating land, in one indexed search.
        self.search_text = initiative_search_text(
            self.name, self.person_name, self.address, self.unit.search_name
        )
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("registry:initiative_detail", args=[self.pk])


class Registration(SoftDeletable):
    """One initiative's registration for one year, with its evaluation and results."""

    initiative = models.ForeignKey(
        Initiative, verbose_name=_("mô hình"), on_delete=models.PROTECT, related_name="registrations"
    )
    year = models.PositiveSmallIntegerField(_("năm"), validators=[rules.YearValidator()])
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("đơn vị đăng ký"),
        on_delete=models.PROTECT,
        related_name="registrations",
        help_text=_("Đơn vị đăng ký như tại thời điểm đăng ký."),
    )
    # The unit that carries the registration on in today's structure: the registering unit
    # while it is open, else its successor through every reorganisation since (see
    # ``registry.lineage``). Kept by the services; reports "in today's structure" count by it.
    carrier = models.ForeignKey(
        Unit,
        verbose_name=_("đơn vị kế thừa hiện nay"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="carried_registrations",
        editable=False,
    )
    registered_on = models.DateField(
        _("ngày đăng ký"), validators=[rules.DateRangeValidator("registered_on")]
    )
    status = models.CharField(_("hình thức đăng ký"), max_length=20, choices=RegistrationStatus.choices)
    # "Maintained" follows a registration of the year before (``rules.check_status``), unless the
    # registration is old history entered late, whose year before was never entered.
    entered_late = models.BooleanField(
        _("nhập bổ sung hồ sơ cũ"),
        default=False,
        help_text=_(
            "Đánh dấu khi nhập hồ sơ của một năm đã qua mà năm liền trước chưa được nhập: "
            "cho phép ghi “Duy trì” dù năm trước chưa có đăng ký trên phần mềm."
        ),
    )
    level = models.CharField(_("cấp đăng ký"), max_length=20, choices=Level.choices)
    evaluation = models.CharField(
        _("kết quả đánh giá"), max_length=20, choices=Evaluation.choices, default=Evaluation.PENDING
    )
    evaluated_on = models.DateField(
        _("ngày đánh giá"), null=True, blank=True, validators=[rules.DateRangeValidator("evaluated_on")]
    )
    evaluation_note = models.TextField(_("nhận xét đánh giá"), blank=True)
    results = models.TextField(_("kết quả thực hiện"), blank=True)
    people_reached = models.PositiveIntegerField(_("số người tham gia, hưởng lợi"), null=True, blank=True)
    money_mobilised = models.PositiveBigIntegerField(_("kinh phí huy động (đồng)"), null=True, blank=True)
    workdays = models.PositiveIntegerField(_("ngày công"), null=True, blank=True)
    created_at = models.DateTimeField(_("ngày tạo"), auto_now_add=True)
    updated_at = models.DateTimeField(_("ngày cập nhật"), auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Kept by ``registry.recognition.refresh`` whenever a decision covering the registration
    # changes, so that lists and counts filter on a column instead of a subquery per row.
    recognition_rank = models.PositiveSmallIntegerField(
        _("cấp công nhận cao nhất"), null=True, blank=True, editable=False
    )
    is_commended = models.BooleanField(_("đã được khen thưởng"), default=False, editable=False)
    # Kept by ``registry.proposals``: the registration is in a proposal sent up (or decided)
    # for recognition, for commendation; the reports count "proposed" from these.
    proposed_for_recognition = models.BooleanField(
        _("đã được đề nghị công nhận"), default=False, editable=False
    )
    proposed_for_commendation = models.BooleanField(
        _("đã được đề nghị khen thưởng"), default=False, editable=False
    )
    # A copy of the initiative's ``is_deleted``, kept by ``services.soft_delete``/``restore``,
    # so that the live registrations are found without joining the initiatives.
    initiative_deleted = models.BooleanField(default=False, editable=False)
    # The review of the campaign that asked for the registration (``registry.review``): its
    # state, the campaign, and the unit it waits at (submitted) or was accepted by. Kept by the
    # review's services; the reports count from "submitted" on, drafts on request.
    review_state = models.CharField(
        _("trạng thái xét duyệt"),
        max_length=20,
        choices=ReviewState.choices,
        default=ReviewState.ACCEPTED,
        editable=False,
    )
    campaign = models.ForeignKey(
        "registry.Campaign",
        verbose_name=_("đợt thi đua"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="registrations",
        editable=False,
    )
    reviewer = models.ForeignKey(
        Unit,
        verbose_name=_("cấp xét duyệt"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reviewed_registrations",
        editable=False,
    )
    form_token = form_token_field()

    # The kept columns follow the decisions and the initiative, whose own history records the change.
    history = HistoricalRecords(
        excluded_fields=[
            "recognition_rank",
            "is_commended",
            "proposed_for_recognition",
            "proposed_for_commendation",
            "initiative_deleted",
            "carrier",
        ]
    )
    objects = querysets.RegistrationQuerySet.as_manager()

    class Meta:
        verbose_name = _("đăng ký mô hình")
        verbose_name_plural = _("đăng ký mô hình")
        constraints = [
            models.UniqueConstraint(
                fields=["initiative", "year"],
                name="registration_once_a_year",
                violation_error_message=_("Mô hình này đã được đăng ký trong năm này."),
            ),
            models.CheckConstraint(
                condition=Q(year__gte=rules.FIRST_YEAR) & Q(year__lte=rules.LAST_YEAR),
                name="registration_year_range",
                violation_error_message=rules.YEAR_RANGE_MESSAGE,
            ),
            models.CheckConstraint(
                condition=~Q(evaluation=Evaluation.PENDING) | Q(evaluated_on__isnull=True),
                name="registration_pending_has_no_date",
                violation_error_message=_("Mô hình chưa đánh giá thì không có ngày đánh giá."),
            ),
            token_constraint("registration_form_token_once"),
        ]
        indexes = [
            models.Index(fields=["year", "unit"], name="registration_year_unit"),
            models.Index(fields=["year", "carrier"], name="registration_year_carrier"),
            # The model list's default order (newest year, then newest row) walks this index.
            models.Index(
                fields=["year", "id"],
                name="registration_alive_year_id",
                condition=Q(is_deleted=False, initiative_deleted=False),
            ),
            # A search finds initiatives, then their live registrations from this index alone.
            models.Index(
                fields=["initiative"],
                include=["year", "id"],
                name="registration_alive_initiative",
                condition=Q(is_deleted=False, initiative_deleted=False),
            ),
            # What waits at a reviewing unit, and the few drafts, without reading the rest.
            models.Index(
                fields=["reviewer", "year"],
                name="registration_waiting",
                condition=Q(review_state=ReviewState.SUBMITTED),
            ),
            # The few commended rows of a year, counted by award form (reports.selectors.awards).
            models.Index(fields=["year"], name="registration_commended_year", condition=Q(is_commended=True)),
            models.Index(
                fields=["year", "unit"],
                name="registration_draft",
                condition=Q(review_state__in=[ReviewState.DRAFT, ReviewState.RETURNED]),
            ),
            # The newest rows (the home page, a campaign's board), walked back from this index:
            # sorting a national scope's rows by creation took two seconds.
            models.Index(
                fields=["created_at", "id"],
                name="registration_alive_created",
                condition=Q(is_deleted=False, initiative_deleted=False),
            ),
        ]

    def __str__(self):
        return f"{self.initiative.name} ({self.year})"

    def get_absolute_url(self):
        return reverse("registry:initiative_detail", args=[self.initiative_id]) + f"#nam-{self.year}"


class AwardForm(models.Model):
    """A form of commendation (Bằng khen, Giấy khen, ...), a configurable catalogue."""

    name = models.CharField(_("hình thức khen thưởng"), max_length=200, unique=True)
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    is_active = models.BooleanField(_("đang dùng"), default=True)

    class Meta:
        verbose_name = _("hình thức khen thưởng")
        verbose_name_plural = _("hình thức khen thưởng")
        ordering = ["order", "name"]

    def __str__(self):
        return self.name


def decision_upload_to(instance, filename):
    return f"quyet-dinh/{instance.signed_on:%Y}/{filename}"


class Decision(SoftDeletable):
    """A decision that recognises (công nhận) or commends (khen thưởng) registrations.

    A number is unique only together with its symbol, issuer and date: party numbering
    restarts per document type and per committee term.
    """

    kind = models.CharField(_("loại quyết định"), max_length=20, choices=DecisionKind.choices)
    number = models.CharField(_("số"), max_length=20)
    symbol = models.CharField(
        _("ký hiệu"), max_length=60, help_text=_("Ví dụ: QĐ/HU (văn bản Đảng), QĐ-UBND (văn bản nhà nước).")
    )
    signed_on = models.DateField(_("ngày ký"), validators=[rules.DateRangeValidator("signed_on")])
    issuing_unit = models.ForeignKey(
        Unit, verbose_name=_("đơn vị ban hành"), on_delete=models.PROTECT, related_name="decisions"
    )
    issuer_name = models.CharField(
        _("cơ quan ban hành (như ghi trên văn bản)"),
        max_length=255,
        help_text=_("Ví dụ: Ban Thường vụ Huyện ủy Bạch Thông."),
    )
    signer_name = models.CharField(_("người ký"), max_length=200, blank=True)
    level = models.CharField(_("cấp"), max_length=20, choices=Level.choices)
    award_form = models.ForeignKey(
        AwardForm,
        verbose_name=_("hình thức khen thưởng"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="decisions",
    )
    title = models.CharField(_("trích yếu"), max_length=500)
    document = models.FileField(_("bản scan văn bản"), upload_to=decision_upload_to, blank=True)
    registrations = models.ManyToManyField(
        Registration,
        verbose_name=_("mô hình được công nhận, khen thưởng"),
        related_name="decisions",
        blank=True,
    )
    created_at = models.DateTimeField(_("ngày tạo"), auto_now_add=True)
    updated_at = models.DateTimeField(_("ngày cập nhật"), auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    form_token = form_token_field()

    history = HistoricalRecords(m2m_fields=[registrations])
    objects = querysets.DecisionQuerySet.as_manager()

    class Meta:
        verbose_name = _("quyết định")
        verbose_name_plural = _("quyết định")
        ordering = ["-signed_on", "-pk"]
        constraints = [
            # A deleted decision (in the trash) leaves its reference free to be entered again;
            # restoring it while another decision holds the reference is refused (services.restore).
            models.UniqueConstraint(
                fields=["issuing_unit", "number", "symbol", "signed_on"],
                condition=Q(is_deleted=False),
                name="decision_reference_unique",
                violation_error_message=_("Đã có quyết định cùng số, ký hiệu, ngày ký của đơn vị này."),
            ),
            models.CheckConstraint(
                condition=Q(kind=DecisionKind.COMMENDATION, award_form__isnull=False)
                | Q(kind=DecisionKind.RECOGNITION, award_form__isnull=True),
                name="decision_award_form_for_commendation",
                violation_error_message=_(
                    "Quyết định khen thưởng phải có hình thức khen thưởng; quyết định công nhận thì không."
                ),
            ),
            token_constraint("decision_form_token_once"),
        ]

    def __str__(self):
        day = formats.day(self.signed_on)
        return _("%(reference)s ngày %(day)s") % {"reference": self.reference, "day": day}

    def get_absolute_url(self):
        return reverse("registry:decision_detail", args=[self.pk])

    @property
    def reference(self):
        return decision_reference(self.number, self.symbol)


def attachment_upload_to(instance, filename):
    return f"mo-hinh/{instance.initiative_id}/{filename}"


class Attachment(models.Model):
    """A photo or document attached to an initiative."""

    initiative = models.ForeignKey(
        Initiative, verbose_name=_("mô hình"), on_delete=models.CASCADE, related_name="attachments"
    )
    kind = models.CharField(_("loại tệp"), max_length=20, choices=AttachmentKind.choices)
    title = models.CharField(_("tiêu đề"), max_length=255)
    file = models.FileField(_("tệp"), upload_to=attachment_upload_to)
    size = models.PositiveBigIntegerField(_("dung lượng (byte)"), default=0)
    uploaded_at = models.DateTimeField(_("ngày tải lên"), auto_now_add=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    form_token = form_token_field()

    history = HistoricalRecords()
    objects = querysets.AttachmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("tệp đính kèm")
        verbose_name_plural = _("tệp đính kèm")
        ordering = ["-uploaded_at"]
        constraints = [token_constraint("attachment_form_token_once")]

    def __str__(self):
        return self.title


class Membership(models.Model):
    """A user's role in a unit; the role covers the unit's whole subtree."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người dùng"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("đơn vị"), on_delete=models.PROTECT, related_name="memberships"
    )
    role = models.CharField(_("vai trò"), max_length=20, choices=Role.choices)

    history = HistoricalRecords()
    objects = querysets.MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("phân quyền")
        verbose_name_plural = _("phân quyền")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "unit"],
                name="membership_once_per_unit",
                violation_error_message=_("Người dùng này đã có vai trò tại đơn vị này."),
            ),
        ]

    def __str__(self):
        return f"{self.user} – {self.unit} ({self.get_role_display()})"


from .campaigns import Campaign, Criterion, ReviewStep, Score  # noqa: E402  (they point at the models above)
from .counts import CurrentTally, OwnTally, Revision, Tally  # noqa: E402
from .groups import UnitGroup  # noqa: E402
from .lineage import Lineage, Reorganisation, Transfer  # noqa: E402
from .lists import ListColumns, SavedFilter  # noqa: E402
from .notifications import Notification, NotificationKind  # noqa: E402
from .proposals import Proposal, ProposalItem  # noqa: E402

__all__ = [
    "Attachment",
    "AwardForm",
    "Campaign",
    "Criterion",
    "Score",
    "CurrentTally",
    "OwnTally",
    "Decision",
    "Field",
    "Initiative",
    "Lineage",
    "ListColumns",
    "Membership",
    "Notification",
    "NotificationKind",
    "Proposal",
    "ProposalItem",
    "Registration",
    "Reorganisation",
    "ReviewStep",
    "SavedFilter",
    "Revision",
    "SoftDeletable",
    "Tally",
    "Transfer",
    "Unit",
    "UnitGroup",
    "decision_reference",
    "initiative_search_text",
]
