"""Closed lists of the registry: what a unit is, how a model is classed, who may do what."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class UnitType(models.TextChoices):
    """Kinds of unit, before and after the reform of 1/7/2025."""

    CENTRAL = "central", _("Trung ương")
    PROVINCE = "province", _("Tỉnh ủy, Thành ủy trực thuộc Trung ương")
    DISTRICT = "district", _("Huyện ủy, Thị ủy, Thành ủy trực thuộc tỉnh")
    BLOC = "bloc", _("Đảng ủy Khối, đảng ủy trực thuộc tỉnh")
    COMMUNE = "commune", _("Đảng ủy xã, phường, thị trấn")
    GRASSROOTS = "grassroots", _("Đảng bộ cơ sở")
    CELL = "cell", _("Chi bộ")
    AGENCY = "agency", _("Cơ quan chính quyền")
    FRONT = "front", _("Mặt trận Tổ quốc")
    MASS_ORG = "mass_org", _("Tổ chức chính trị - xã hội, hội quần chúng")
    ARMED = "armed", _("Lực lượng vũ trang")
    SCHOOL = "school", _("Trường học, bệnh viện, đơn vị sự nghiệp")
    ENTERPRISE = "enterprise", _("Doanh nghiệp")
    COMMISSION = "commission", _("Ban Dân vận, Ban Chỉ đạo")
    RESIDENTIAL = "residential", _("Thôn, tổ dân phố, khu dân cư")


# The party committees among the unit types: participation says "chi, đảng bộ" only of these.
PARTY_UNIT_TYPES = {
    UnitType.PROVINCE,
    UnitType.DISTRICT,
    UnitType.BLOC,
    UnitType.COMMUNE,
    UnitType.GRASSROOTS,
    UnitType.CELL,
    UnitType.ARMED,  # the party committees of the military and the police
}


class StandardField(models.TextChoices):
    """The four standard fields every local field rolls up into."""

    ECONOMY = "economy", _("Kinh tế")
    CULTURE_SOCIETY = "culture_society", _("Văn hóa - xã hội")
    DEFENCE_SECURITY = "defence_security", _("Quốc phòng - an ninh")
    POLITICAL_SYSTEM = "political_system", _("Xây dựng hệ thống chính trị")


class Kind(models.TextChoices):
    COLLECTIVE = "collective", _("Tập thể")
    INDIVIDUAL = "individual", _("Cá nhân")


class Grade(models.TextChoices):
    MODEL = "model", _("Mô hình")
    EXEMPLAR = "exemplar", _("Điển hình")
    OUTSTANDING = "outstanding", _("Tiêu biểu")


class RegistrationStatus(models.TextChoices):
    NEW = "new", _("Đăng ký mới")
    MAINTAINED = "maintained", _("Duy trì")


class Level(models.TextChoices):
    """Level at which a model is registered, recognised or commended.

    Ordered from the lowest to the highest: reports use this order to find the highest
    recognition of a registration.
    """

    GRASSROOTS = "grassroots", _("Cấp cơ sở")
    COMMUNE = "commune", _("Cấp xã")
    DISTRICT = "district", _("Cấp huyện")
    BLOC = "bloc", _("Cấp Đảng ủy Khối")
    PROVINCE = "province", _("Cấp tỉnh")
    CENTRAL = "central", _("Cấp Trung ương")


LEVEL_RANK = {value: rank for rank, value in enumerate(Level.values, start=1)}


class Evaluation(models.TextChoices):
    PENDING = "pending", _("Chưa đánh giá")
    EFFECTIVE = "effective", _("Hiệu quả")
    NOT_EFFECTIVE = "not_effective", _("Chưa hiệu quả")


class ReviewState(models.TextChoices):
    """Where a yearly registration stands in its campaign's review (``registry.review``).

    A registration no campaign asks for is recorded as accepted: nobody reviews it.
    """

    DRAFT = "draft", _("Dự thảo")
    SUBMITTED = "submitted", _("Đã gửi")
    ACCEPTED = "accepted", _("Đã tiếp nhận")
    RETURNED = "returned", _("Trả lại để bổ sung")


class ReviewAction(models.TextChoices):
    """A step of the review, written to the registration's review record."""

    SUBMIT = "submit", _("Gửi xét duyệt")
    FORWARD = "forward", _("Tiếp nhận, chuyển cấp trên")
    ACCEPT = "accept", _("Tiếp nhận")
    RETURN = "return", _("Trả lại để bổ sung")
    REOPEN = "reopen", _("Mở lại để sửa")
    WITHDRAW = "withdraw", _("Rút về dự thảo")


class DecisionKind(models.TextChoices):
    RECOGNITION = "recognition", _("Công nhận")
    COMMENDATION = "commendation", _("Khen thưởng")


class ProposalStatus(models.TextChoices):
    """Where a proposal stands: prepared by the proposing unit, sent up, decided above."""

    DRAFT = "draft", _("Đang soạn")
    SENT = "sent", _("Đã gửi")
    DECIDED = "decided", _("Đã ra quyết định")


class ProposalOutcome(models.TextChoices):
    PENDING = "pending", _("Chưa xét")
    ACCEPTED = "accepted", _("Chấp nhận")
    REFUSED = "refused", _("Không chấp nhận")


class Role(models.TextChoices):
    VIEWER = "viewer", _("Xem, báo cáo")
    EDITOR = "editor", _("Cập nhật")
    ADMIN = "admin", _("Quản trị")


class AttachmentKind(models.TextChoices):
    PHOTO = "photo", _("Hình ảnh")
    DOCUMENT = "document", _("Văn bản")


class ChangeKind(models.TextChoices):
    """What happened to a unit in a reorganisation (each closes the old unit on the day before)."""

    MERGE = "merge", _("Hợp nhất, sáp nhập")
    SPLIT = "split", _("Chia tách")
    DISSOLVE = "dissolve", _("Giải thể")
    RENAME = "rename", _("Đổi tên, đổi loại hình")
    MOVE = "move", _("Chuyển trực thuộc")


class ReorganisationStatus(models.TextChoices):
    DRAFT = "draft", _("Đang chuẩn bị")
    APPLIED = "applied", _("Đã thực hiện")
    UNDONE = "undone", _("Đã hoàn tác")


class ReorganisationJob(models.TextChoices):
    """The work under way on a plan, in the task worker (nothing when idle)."""

    APPLYING = "applying", _("Đang thực hiện")
    UNDOING = "undoing", _("Đang hoàn tác")


class GroupKind(models.TextChoices):
    """What a group of units that compete together is called."""

    CLUSTER = "cluster", _("Cụm thi đua")
    BLOC = "bloc", _("Khối thi đua")
