"""Load the demo data set: the situations of the five press reports in ``/work/shared/seeds``.

The figures the reports quote come out exactly (``demo/tests/test_demo.py`` checks them):

1. Thành ủy Bắc Kạn, 2023: 278 models of 35/40 subordinate units, 116 maintained and 162 new;
   191 in 2022 (87 fewer).
2. Huyện ủy Bạch Thông, 2019: 356 models (163 collective, 193 individual) of 24/44 units; one
   recognition decision covers 41 of them (28 collective, 13 individual; by field 25/7/8/1).
3. Đảng ủy Khối cơ quan và doanh nghiệp tỉnh Yên Bái, 2023: 133 models, 2 at bloc level and
   122 models plus 9 exemplars at grassroots level.
4. Tỉnh ủy Thái Nguyên (before the reform), registered 01/01–30/06/2024: 1.759 models,
   1.468 collective and 291 individual.
5. Đảng ủy phường Phan Đình Phùng (Thái Nguyên), 2023: 20 maintained models, by field 6/6/5/3.

Every unit of the four old provinces closes on 30/06/2025; the new Thái Nguyên and Lào Cai
start on 01/07/2025 as their successors, with a few communes that register in 2025 and 2026.
The command is one file on purpose: the tables below are only read here.
"""

import dataclasses
import datetime
import random
import time
from collections import defaultdict

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from registry.choices import (
    DecisionKind,
    Evaluation,
    Grade,
    Kind,
    Level,
    RegistrationStatus,
    Role,
    StandardField,
    UnitType,
)
from registry.models import (
    AwardForm,
    Decision,
    Field,
    Initiative,
    Membership,
    Registration,
    Unit,
    initiative_search_text,
)
from reports.tally import tally_rebuild

SEED = 2026
PASSWORD = "danvan2026"
ROOT_CODE = "TW"
CURRENT_YEAR = 2026  # registrations of this year are not evaluated yet
REFORM_END = datetime.date(2025, 6, 30)
REFORM_START = datetime.date(2025, 7, 1)

# Fields, as seeded by migration 0002.
ECONOMY = "Kinh tế"
CULTURE = "Văn hóa - xã hội"
DEFENCE = "Quốc phòng - an ninh"
POLITICS = "Xây dựng hệ thống chính trị"
RURAL = "Phát triển kinh tế, xây dựng nông thôn mới"
COUNTRYSIDE = "Xây dựng nông thôn mới"
POVERTY = "Giảm nghèo, an sinh xã hội"
URBAN = "Xây dựng đô thị văn minh"
ENVIRONMENT = "Bảo vệ môi trường"
ORDER = "An ninh trật tự"
ADMIN_REFORM = "Cải cách hành chính, xây dựng cơ quan, công sở"
FRONT = "Xây dựng tổ chức Mặt trận, đoàn thể vững mạnh"
PARTY = "Xây dựng Đảng, chính quyền trong sạch, vững mạnh"

# What a model does, by field: its name reads "Mô hình “Dân vận khéo” trong <phrase>".
PHRASES = {
    ECONOMY: [
        "vận động hội viên phát triển kinh tế hộ gia đình",
        "phát triển sản phẩm OCOP gắn với tiêu thụ nông sản cho người dân",
        "vận động nhân dân liên kết sản xuất, thành lập tổ hợp tác",
        "hỗ trợ hộ kinh doanh chuyển đổi số, thanh toán không dùng tiền mặt",
        "vận động tiểu thương thực hiện văn minh thương mại",
        "phát triển vùng chè an toàn theo tiêu chuẩn VietGAP",
        "vận động nhân dân trồng rừng gỗ lớn",
        "hỗ trợ thanh niên khởi nghiệp",
    ],
    RURAL: [
        "vận động nhân dân hiến đất làm đường giao thông nông thôn",
        "vận động nhân dân chuyển đổi cơ cấu cây trồng, vật nuôi",
        "phát triển cây hồng không hạt gắn với du lịch cộng đồng",
        "vận động nhân dân trồng cam, quýt theo hướng hữu cơ",
        "chăn nuôi lợn đen bản địa theo chuỗi giá trị",
        "vận động nhân dân xây dựng khu dân cư nông thôn mới kiểu mẫu",
        "vận động nhân dân đóng góp ngày công làm kênh mương nội đồng",
        "phát triển nghề làm miến dong truyền thống",
    ],
    COUNTRYSIDE: [
        "vận động nhân dân xây dựng vườn mẫu, khu dân cư kiểu mẫu",
        "vận động nhân dân làm đường bê tông liên xóm",
        "vận động nhân dân thắp sáng đường quê",
        "xây dựng xóm sáng - xanh - sạch - đẹp",
        "vận động nhân dân cải tạo vườn tạp",
    ],
    CULTURE: [
        "giữ gìn bản sắc văn hóa dân tộc Tày, Nùng qua câu lạc bộ hát then, đàn tính",
        "vận động nhân dân thực hiện nếp sống văn minh trong việc cưới, việc tang",
        "xây dựng gia đình văn hóa, khu dân cư văn hóa",
        "vận động học sinh đến trường, chống bỏ học giữa chừng",
        "duy trì câu lạc bộ dưỡng sinh, thể dục thể thao cho người cao tuổi",
        "vận động nhân dân tham gia bảo hiểm y tế, bảo hiểm xã hội tự nguyện",
        "xây dựng tủ sách cộng đồng, khuyến học, khuyến tài",
    ],
    POVERTY: [
        "giúp đỡ hộ nghèo, hộ cận nghèo vươn lên thoát nghèo",
        "vận động xây dựng nhà Đại đoàn kết cho hộ khó khăn về nhà ở",
        "nuôi heo đất tiết kiệm giúp hội viên khó khăn",
        "nhận đỡ đầu trẻ em mồ côi, có hoàn cảnh đặc biệt khó khăn",
        "trao sinh kế cho hộ nghèo",
        "vận động ủng hộ Quỹ Vì người nghèo",
    ],
    URBAN: [
        "xây dựng tuyến phố văn minh, sáng - xanh - sạch - đẹp",
        "vận động nhân dân không lấn chiếm vỉa hè, lòng đường",
        "phân loại rác thải sinh hoạt tại nguồn ở tổ dân phố",
        "trồng hoa, cây xanh tạo cảnh quan khu dân cư",
        "vận động nhân dân chỉnh trang nhà cửa, làm hàng rào xanh",
    ],
    ENVIRONMENT: [
        "thu gom rác thải nhựa, đổi rác lấy quà",
        "vận động nhân dân xử lý chất thải chăn nuôi bằng đệm lót sinh học",
        "bảo vệ nguồn nước sinh hoạt đầu nguồn",
        "nói không với túi ni lông trong cơ quan, trường học",
        "trồng cây xanh, bảo vệ rừng đầu nguồn",
    ],
    DEFENCE: [
        "xây dựng khu dân cư an toàn về an ninh trật tự",
        "vận động nhân dân giao nộp vũ khí, vật liệu nổ",
        "xây dựng thế trận quốc phòng toàn dân gắn với thế trận an ninh nhân dân",
        "vận động thanh niên tham gia nghĩa vụ quân sự",
        "phòng, chống tội phạm ma túy trên địa bàn",
    ],
    ORDER: [
        "lắp đặt camera an ninh ở tổ dân phố",
        "xây dựng tổ liên gia tự quản về an ninh trật tự",
        "vận động nhân dân phòng, chống lừa đảo qua mạng",
        "xây dựng khu dân cư không có tội phạm, tệ nạn xã hội",
        "hòa giải ở cơ sở, giảm khiếu kiện đông người",
        "phòng cháy, chữa cháy ở khu dân cư",
    ],
    POLITICS: [
        "đối thoại trực tiếp giữa người đứng đầu cấp ủy với nhân dân",
        "nâng cao chất lượng sinh hoạt chi bộ",
        "phát triển đảng viên trong thanh niên",
        "thực hiện quy chế dân chủ ở cơ sở",
        "phát huy vai trò giám sát của Mặt trận và nhân dân",
    ],
    ADMIN_REFORM: [
        "cải cách hành chính, nâng cao chất lượng phục vụ người dân tại bộ phận một cửa",
        "hướng dẫn người dân nộp hồ sơ trực tuyến",
        "thực hiện “Ba không” trong tiếp công dân: không hách dịch, không phiền hà, không trễ hẹn",
        "xây dựng cơ quan, công sở văn minh, hiện đại",
        "ứng dụng chuyển đổi số trong giải quyết thủ tục hành chính",
        "nâng cao thái độ phục vụ người bệnh",
        "trả kết quả thủ tục hành chính tại nhà cho người cao tuổi",
    ],
    FRONT: [
        "nâng cao chất lượng sinh hoạt chi hội, thu hút đoàn viên, hội viên",
        "phát triển hội viên trong đồng bào dân tộc thiểu số",
        "xây dựng chi hội phụ nữ “5 không, 3 sạch”",
        "tổ chức thanh niên tình nguyện giúp dân ngày thứ bảy",
        "củng cố tổ chức Hội Nông dân vững mạnh",
        "xây dựng Ban Công tác Mặt trận ở khu dân cư hoạt động hiệu quả",
    ],
    PARTY: [
        "vận động cán bộ, nhân dân góp ý xây dựng Đảng, chính quyền",
        "phát huy vai trò nêu gương của đảng viên, nói đi đôi với làm",
        "phân công đảng viên phụ trách hộ gia đình",
        "tiếp nhận, giải quyết kịp thời ý kiến, kiến nghị của nhân dân",
        "học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh",
    ],
}

# The mix of fields each place registers in (relative weights).
BAC_KAN_CITY_FIELDS = {
    URBAN: 4, ECONOMY: 3, ADMIN_REFORM: 3, ENVIRONMENT: 2, ORDER: 2, CULTURE: 2, POVERTY: 2, PARTY: 1,
}  # fmt: skip
BACH_THONG_FIELDS = {RURAL: 5, ADMIN_REFORM: 4, FRONT: 2, POVERTY: 2, PARTY: 1, CULTURE: 1, DEFENCE: 1}
YEN_BAI_BLOC_FIELDS = {ADMIN_REFORM: 5, POVERTY: 3, ECONOMY: 2, PARTY: 2, CULTURE: 1, ENVIRONMENT: 1}
THAI_NGUYEN_FIELDS = {
    ECONOMY: 3, COUNTRYSIDE: 3, CULTURE: 2, POVERTY: 2, ORDER: 2, POLITICS: 2, ADMIN_REFORM: 2,
    URBAN: 1, ENVIRONMENT: 1, DEFENCE: 1, FRONT: 1,
}  # fmt: skip
OTHER_FIELDS = {RURAL: 3, ECONOMY: 2, CULTURE: 2, POVERTY: 2, ADMIN_REFORM: 2, ORDER: 1, POLITICS: 1}

# Report 2: the 41 models recognised in Bạch Thông, as (field, collective, individual).
# The first row must start with a collective one: the road of thôn Nà Phải is taken from it.
BACH_THONG_RECOGNISED = [(RURAL, 17, 8), (ADMIN_REFORM, 5, 2), (FRONT, 5, 3), (PARTY, 1, 0)]
# Report 5: the ward's 20 models by field.
WARD_FIELDS = {ECONOMY: 6, CULTURE: 6, ORDER: 5, POLITICS: 3}

SURNAMES = [
    "Hoàng", "Nông", "Triệu", "Lường", "Ma", "Hà", "Lý", "Đàm", "Lục", "Bế",
    "Nguyễn", "Trần", "Lê", "Phạm", "Đặng", "Dương", "Lâm", "Vi", "Đinh", "Mạc",
]  # fmt: skip
MEN = (
    ["Văn", "Đức", "Minh", "Xuân", "Quang"],
    ["Thắng", "Hùng", "Dũng", "Tuấn", "Sơn", "Cường", "Phúc", "Toàn", "Quân", "Hải", "Long", "Khánh"],
)
WOMEN = (
    ["Thị", "Thu", "Thanh", "Hồng", "Ngọc"],
    ["Hoa", "Lan", "Hương", "Mai", "Hạnh", "Thủy", "Nga", "Liên", "Yến", "Dịu", "Huyền", "Nhung"],
)
# Positions of a person, by words in the name of the unit that registers the model.
POSITIONS = [
    (("Trường",), ["Hiệu trưởng", "Phó Hiệu trưởng", "Giáo viên", "Tổng phụ trách Đội"]),
    (("Y tế", "Bệnh viện", "Khoa "), ["Bác sĩ", "Điều dưỡng trưởng", "Hộ sinh", "Dược sĩ"]),
    (("Công an",), ["Cảnh sát khu vực", "Phó Trưởng Công an", "Cán bộ Công an"]),
    (("Quân sự",), ["Chỉ huy trưởng Ban Chỉ huy quân sự", "Trợ lý dân vận", "Sĩ quan"]),
    (
        ("Đảng ủy xã", "Đảng ủy phường", "Đảng ủy thị trấn", "Chi bộ thôn", "Chi bộ Tổ", "Chi bộ Tiểu khu"),
        [
            "Bí thư chi bộ", "Trưởng thôn", "Tổ trưởng tổ dân phố", "Chi hội trưởng Chi hội Phụ nữ",
            "Chi hội trưởng Chi hội Nông dân", "Chủ tịch Ủy ban MTTQ", "Bí thư Đoàn Thanh niên",
            "Người có uy tín", "Chủ nhiệm Hợp tác xã", "Công an viên",
        ],
    ),
]  # fmt: skip
OFFICE_POSITIONS = ["Chuyên viên", "Trưởng phòng", "Phó Trưởng phòng", "Kế toán", "Phó Giám đốc", "Văn thư"]

# The tree. A row is a unit, or (unit, [its cells]). "xã ...", "phường ..." and "thị trấn ..."
# are their party committees ("Đảng ủy xã ..."); a bare cell name gets "Chi bộ " in front.
BAC_KAN_CITY_COMMUNES = [
    ("phường Đức Xuân", ["Tổ 1A", "Tổ 2", "Tổ 7", "Tổ 10"]),
    ("phường Nguyễn Thị Minh Khai", ["Tổ 3", "Tổ 8", "Tổ 11A"]),
    ("phường Sông Cầu", ["Tổ 4", "Tổ 9"]),
    ("phường Phùng Chí Kiên", ["Tổ 1", "Tổ 5", "Tổ 6"]),
    ("phường Huyền Tụng", ["Tổ Nà Pài", "Tổ Khuổi Mật", "Tổ Bản Áng"]),
    ("phường Xuất Hóa", ["Tổ Nà Cưởm", "Tổ Bản Vẳng"]),
    ("xã Dương Quang", ["thôn Nà Dấu", "thôn Phặc Tràng"]),
    ("xã Nông Thượng", ["thôn Thanh Mai", "thôn Nà Rào"]),
]
BAC_KAN_CITY_OFFICES = [
    (
        "Đảng bộ Cơ quan Chính quyền thành phố",
        [
            "Phòng Tài chính - Kế hoạch", "Phòng Tài nguyên và Môi trường", "Phòng Quản lý đô thị",
            "Phòng Giáo dục và Đào tạo", "Phòng Văn hóa và Thông tin",
            "Phòng Lao động - Thương binh và Xã hội", "Phòng Nội vụ", "Phòng Tư pháp",
        ],
    ),
    "Chi bộ Cơ quan Thành ủy",
    "Chi bộ Cơ quan Ủy ban MTTQ và các đoàn thể thành phố",
    "Đảng bộ Quân sự thành phố",
    "Đảng bộ Công an thành phố",
    "Chi bộ Trung tâm Y tế thành phố",
    "Chi bộ Trung tâm Văn hóa, Thể thao và Truyền thông thành phố",
    "Chi bộ Ban Quản lý dự án đầu tư xây dựng thành phố",
    "Chi bộ Chi cục Thuế thành phố",
    "Chi bộ Kho bạc Nhà nước thành phố",
    "Chi bộ Phòng giao dịch Ngân hàng Chính sách xã hội thành phố",
    "Chi bộ Bảo hiểm xã hội thành phố",
    "Chi bộ Điện lực thành phố Bắc Kạn",
    "Chi bộ Trung tâm Dịch vụ nông nghiệp thành phố",
    "Chi bộ Trường THCS Xuất Hóa",
    "Chi bộ Trường THCS Huyền Tụng",
    "Chi bộ Trường THCS Đức Xuân",
    "Chi bộ Trường THCS Nguyễn Thị Minh Khai",
    "Chi bộ Trường THCS Bắc Kạn",
    "Chi bộ Trường THCS Dương Quang",
    "Chi bộ Trường Tiểu học Sông Cầu",
    "Chi bộ Trường Tiểu học Đức Xuân",
    "Chi bộ Trường Tiểu học Phùng Chí Kiên",
    "Chi bộ Trường Tiểu học Nông Thượng",
    "Chi bộ Trường Mầm non Hoa Sen",
    "Chi bộ Trường Mầm non Sao Mai",
    "Chi bộ Trường Mầm non Đức Xuân",
]  # fmt: skip
# Report 1: these five registered no model in 2023 (35 of 40 did).
BAC_KAN_CITY_IDLE = [
    "Chi bộ Viện Kiểm sát nhân dân thành phố",
    "Chi bộ Tòa án nhân dân thành phố",
    "Chi bộ Chi cục Thi hành án dân sự thành phố",
    "Chi bộ Hạt Kiểm lâm thành phố",
    "Chi bộ Đội Quản lý thị trường số 1",
]
# Bạch Thông as in 2019, before xã Phương Linh merged into thị trấn Phủ Thông (01/02/2020).
BACH_THONG_COMMUNES = [
    ("thị trấn Phủ Thông", ["Tiểu khu 1", "Tiểu khu 2"]),
    ("xã Phương Linh", ["thôn Nà Phải", "thôn Khuổi Chang"]),
    ("xã Vi Hương", ["thôn Nà Lẹng"]),
    "xã Sĩ Bình",
    "xã Vũ Muộn",
    ("xã Đôn Phong", ["thôn Khuổi Khí"]),
    "xã Tú Trĩ",
    ("xã Lục Bình", ["thôn Nà Hin"]),
    "xã Tân Tiến",
    "xã Quân Bình",
    ("xã Nguyên Phúc", ["thôn Nà Pẻn"]),
    "xã Cao Sơn",
    ("xã Hà Vị", ["thôn Nà Cà"]),
    ("xã Cẩm Giàng", ["thôn Nà Pán", "thôn Cốc Thử"]),
    "xã Mỹ Thanh",
    ("xã Dương Phong", ["thôn Nà Dán"]),
    ("xã Quang Thuận", ["thôn Khuổi Thuổm"]),
]
BACH_THONG_OFFICES = [
    (
        "Đảng bộ Cơ quan Chính quyền huyện",
        ["Phòng Nông nghiệp và Phát triển nông thôn", "Phòng Tài chính - Kế hoạch", "Phòng Nội vụ"],
    ),
    "Chi bộ Cơ quan Huyện ủy",
    "Chi bộ Khối MTTQ và các đoàn thể huyện",
    "Đảng bộ Quân sự huyện",
    "Đảng bộ Công an huyện",
    "Chi bộ Trung tâm Y tế huyện",
    "Chi bộ Trường THPT Phủ Thông",
]
# Report 2: these twenty registered no model in 2019 (24 of 44 did).
BACH_THONG_IDLE = [
    "Chi bộ Trường Phổ thông Dân tộc nội trú huyện",
    "Chi bộ Trường THCS Phủ Thông",
    "Chi bộ Trường Tiểu học Phủ Thông",
    "Chi bộ Trường Mầm non Phủ Thông",
    "Chi bộ Trường THCS Cẩm Giàng",
    "Chi bộ Trường THCS Hà Vị",
    "Chi bộ Trường Tiểu học Quân Bình",
    "Chi bộ Viện Kiểm sát nhân dân huyện",
    "Chi bộ Tòa án nhân dân huyện",
    "Chi bộ Chi cục Thi hành án dân sự huyện",
    "Chi bộ Chi cục Thuế huyện",
    "Chi bộ Kho bạc Nhà nước huyện",
    "Chi bộ Phòng giao dịch Ngân hàng Chính sách xã hội huyện",
    "Chi bộ Ngân hàng Nông nghiệp và Phát triển nông thôn huyện",
    "Chi bộ Bảo hiểm xã hội huyện",
    "Chi bộ Điện lực Bạch Thông",
    "Chi bộ Hạt Kiểm lâm huyện",
    "Chi bộ Trung tâm Văn hóa - Thể thao và Truyền thông huyện",
    "Chi bộ Ban Quản lý dự án đầu tư xây dựng huyện",
    "Chi bộ Trạm Khuyến nông huyện",
]
# Other districts: (name, code, rows). They register a few models so that a province is not
# only its famous district.
BAC_KAN_DISTRICTS = [
    ("Huyện ủy Chợ Mới", "BK-CM", ["thị trấn Đồng Tâm", "xã Yên Đĩnh", "xã Thanh Thịnh", "xã Như Cố"]),
    ("Huyện ủy Ba Bể", "BK-BB", ["thị trấn Chợ Rã", "xã Nam Mẫu", "xã Khang Ninh", "xã Thượng Giáo"]),
    ("Huyện ủy Na Rì", "BK-NR", ["thị trấn Yến Lạc", "xã Kim Lư", "xã Côn Minh", "xã Lương Thượng"]),
    ("Huyện ủy Ngân Sơn", "BK-NS", ["thị trấn Vân Tùng", "xã Bằng Vân", "xã Thượng Quan", "xã Cốc Đán"]),
    ("Huyện ủy Pác Nặm", "BK-PN", ["xã Bộc Bố", "xã Nghiên Loan", "xã Cao Tân", "xã An Thắng"]),
    ("Huyện ủy Chợ Đồn", "BK-CD", ["thị trấn Bằng Lũng", "xã Ngọc Phái", "xã Bằng Lãng", "xã Nam Cường"]),
]
WARD = "phường Phan Đình Phùng"
THAI_NGUYEN_DISTRICTS = [
    (
        "Thành ủy Thái Nguyên",
        "TN-TP",
        [
            (WARD, ["Tổ 1", "Tổ 2", "Tổ 5", "Tổ 9", "Tổ 14"]),
            "phường Hoàng Văn Thụ", "phường Trưng Vương", "phường Quang Trung", "phường Túc Duyên",
            "phường Gia Sàng", "phường Đồng Quang", "phường Tân Thịnh", "phường Thịnh Đán",
            "phường Tân Lập", "phường Quan Triều", "phường Cam Giá", "phường Phú Xá",
            "phường Hương Sơn", "phường Tích Lương", "xã Phúc Trìu", "xã Quyết Thắng", "xã Thịnh Đức",
            "Đảng bộ Cơ quan Chính quyền thành phố", "Đảng bộ Công an thành phố", "Đảng bộ Quân sự thành phố",
        ],
    ),
    (
        "Thành ủy Sông Công",
        "TN-SC",
        [
            "phường Thắng Lợi", "phường Phố Cò", "phường Cải Đan", "phường Mỏ Chè", "phường Lương Sơn",
            "phường Bách Quang", "phường Châu Sơn", "xã Tân Quang", "xã Bình Sơn", "xã Vinh Sơn",
        ],
    ),
    (
        "Thành ủy Phổ Yên",
        "TN-PY",
        [
            "phường Ba Hàng", "phường Bãi Bông", "phường Bắc Sơn", "phường Đồng Tiến", "phường Hồng Tiến",
            "phường Đắc Sơn", "phường Tân Hương", "phường Tiên Phong", "xã Minh Đức", "xã Phúc Thuận",
            "xã Thành Công", "xã Vạn Phái",
        ],
    ),
    (
        "Huyện ủy Đại Từ",
        "TN-DT",
        [
            "thị trấn Hùng Sơn", "thị trấn Quân Chu", "xã An Khánh", "xã Bản Ngoại", "xã Cù Vân",
            "xã Hà Thượng", "xã Hoàng Nông", "xã Khôi Kỳ", "xã La Bằng", "xã Mỹ Yên", "xã Phú Thịnh",
            "xã Tân Linh", "xã Văn Yên", "xã Yên Lãng",
        ],
    ),
    (
        "Huyện ủy Phú Lương",
        "TN-PL",
        [
            "thị trấn Đu", "thị trấn Giang Tiên", "xã Yên Ninh", "xã Yên Trạch", "xã Ôn Lương",
            "xã Động Đạt", "xã Phủ Lý", "xã Hợp Thành", "xã Phấn Mễ", "xã Vô Tranh",
        ],
    ),
    (
        "Huyện ủy Đồng Hỷ",
        "TN-DHY",
        [
            "thị trấn Trại Cau", "thị trấn Sông Cầu", "thị trấn Hóa Thượng", "xã Hóa Trung", "xã Khe Mo",
            "xã Minh Lập", "xã Nam Hòa", "xã Quang Sơn", "xã Văn Hán", "xã Văn Lăng",
        ],
    ),
    (
        "Huyện ủy Võ Nhai",
        "TN-VN",
        [
            "thị trấn Đình Cả", "xã La Hiên", "xã Lâu Thượng", "xã Phú Thượng", "xã Tràng Xá",
            "xã Dân Tiến", "xã Bình Long", "xã Thần Sa", "xã Sảng Mộc",
        ],
    ),
    (
        "Huyện ủy Định Hóa",
        "TN-DHO",
        [
            "thị trấn Chợ Chu", "xã Bảo Cường", "xã Bảo Linh", "xã Bình Yên", "xã Điềm Mặc",
            "xã Định Biên", "xã Kim Phượng", "xã Phú Đình", "xã Phượng Tiến", "xã Tân Dương", "xã Trung Hội",
        ],
    ),
    (
        "Huyện ủy Phú Bình",
        "TN-PB",
        [
            "thị trấn Hương Sơn", "xã Bảo Lý", "xã Điềm Thụy", "xã Dương Thành", "xã Hà Châu",
            "xã Kha Sơn", "xã Nhã Lộng", "xã Tân Đức", "xã Thượng Đình", "xã Úc Kỳ", "xã Xuân Phương",
        ],
    ),
    (
        "Đảng ủy Khối các cơ quan tỉnh Thái Nguyên",
        "TN-DUK",
        [
            "Đảng bộ Văn phòng UBND tỉnh", "Đảng bộ Sở Tài chính", "Đảng bộ Sở Giáo dục và Đào tạo",
            "Chi bộ Sở Tư pháp", "Đảng bộ Sở Nông nghiệp và Phát triển nông thôn", "Chi bộ Sở Nội vụ",
            "Đảng bộ Sở Y tế", "Chi bộ Sở Công Thương", "Chi bộ Sở Lao động - Thương binh và Xã hội",
        ],
    ),
]  # fmt: skip
YEN_BAI_BLOC = [
    ("Đảng bộ Văn phòng UBND tỉnh", ["Phòng Tổng hợp", "Trung tâm Phục vụ hành chính công tỉnh"]),
    "Đảng bộ Sở Tài chính",
    ("Đảng bộ Sở Y tế", ["Văn phòng Sở Y tế", "Trung tâm Kiểm soát bệnh tật tỉnh"]),
    "Đảng bộ Sở Giáo dục và Đào tạo",
    ("Đảng bộ Sở Nông nghiệp và Phát triển nông thôn", ["Chi cục Kiểm lâm", "Trung tâm Khuyến nông"]),
    ("Đảng bộ Sở Lao động - Thương binh và Xã hội", ["Trung tâm Bảo trợ xã hội tỉnh", "Văn phòng Sở"]),
    "Chi bộ Sở Tư pháp",
    "Chi bộ Sở Công Thương",
    "Chi bộ Sở Kế hoạch và Đầu tư",
    "Chi bộ Sở Nội vụ",
    "Chi bộ Sở Xây dựng",
    "Chi bộ Sở Tài nguyên và Môi trường",
    "Chi bộ Sở Văn hóa, Thể thao và Du lịch",
    "Chi bộ Sở Thông tin và Truyền thông",
    "Chi bộ Sở Giao thông vận tải",
    "Chi bộ Sở Khoa học và Công nghệ",
    "Chi bộ Thanh tra tỉnh",
    "Chi bộ Ban Dân tộc tỉnh",
    ("Đảng bộ Bệnh viện Đa khoa tỉnh", ["Khoa Khám bệnh", "Khoa Nội", "Phòng Điều dưỡng"]),
    "Đảng bộ Bệnh viện Sản - Nhi tỉnh",
    "Chi bộ Đài Phát thanh và Truyền hình tỉnh",
    "Chi bộ Báo Yên Bái",
    "Đảng bộ Trường Cao đẳng Yên Bái",
    "Đảng bộ Công ty Điện lực Yên Bái",
    "Đảng bộ Cục Thuế tỉnh",
    "Chi bộ Kho bạc Nhà nước tỉnh",
    "Đảng bộ Ngân hàng Nông nghiệp và Phát triển nông thôn chi nhánh Yên Bái",
    "Chi bộ Ngân hàng Chính sách xã hội tỉnh",
    "Chi bộ Bảo hiểm xã hội tỉnh",
    "Chi bộ Công ty cổ phần Môi trường và Dịch vụ đô thị Yên Bái",
    "Chi bộ Công ty TNHH MTV Lâm nghiệp Văn Chấn",
]
YEN_BAI_DISTRICTS = [
    (
        "Thành ủy Yên Bái",
        "YB-TP",
        ["phường Hồng Hà", "phường Nguyễn Thái Học", "phường Yên Ninh", "phường Minh Tân"],
    ),
    (
        "Huyện ủy Văn Chấn",
        "YB-VC",
        ["thị trấn Nông trường Liên Sơn", "xã Suối Bu", "xã Sơn Thịnh", "xã Cát Thịnh"],
    ),
]
LAO_CAI_DISTRICTS = [
    (
        "Thành ủy Lào Cai",
        "LC-TP",
        ["phường Cốc Lếu", "phường Kim Tân", "phường Duyên Hải", "phường Bắc Cường"],
    ),
    ("Thị ủy Sa Pa", "LC-SP", ["phường Sa Pa", "xã Tả Van", "xã Bản Hồ", "xã Tả Phìn"]),
]
# After 01/07/2025: (new commune, code of the old district, the old communes it replaces).
NEW_THAI_NGUYEN = [
    (
        "phường Đức Xuân",
        "BK-TP",
        ["phường Đức Xuân", "phường Nguyễn Thị Minh Khai", "phường Sông Cầu", "xã Nông Thượng"],
    ),
    (
        "phường Bắc Kạn",
        "BK-TP",
        ["phường Phùng Chí Kiên", "phường Huyền Tụng", "phường Xuất Hóa", "xã Dương Quang"],
    ),
    ("xã Phủ Thông", "BK-BT", ["thị trấn Phủ Thông", "xã Vi Hương", "xã Tân Tiến", "xã Lục Bình"]),
    (
        "phường Phan Đình Phùng",
        "TN-TP",
        [WARD, "phường Trưng Vương", "phường Túc Duyên", "phường Hoàng Văn Thụ"],
    ),
    ("xã Đại Từ", "TN-DT", ["thị trấn Hùng Sơn", "xã Tân Linh", "xã Khôi Kỳ", "xã Mỹ Yên"]),
]
NEW_LAO_CAI = [
    (
        "phường Yên Bái",
        "YB-TP",
        ["phường Hồng Hà", "phường Nguyễn Thái Học", "phường Yên Ninh", "phường Minh Tân"],
    ),
    ("phường Lào Cai", "LC-TP", ["phường Cốc Lếu", "phường Kim Tân", "phường Duyên Hải"]),
    ("phường Sa Pa", "LC-SP", ["phường Sa Pa", "xã Tả Phìn"]),
]

# Models told in full, as the registration form asks; "results" goes to the last registration.
SHOWCASES = {
    "xuat-hoa": {
        "name": "Mô hình “Dân vận khéo” trong trồng hoa tạo cảnh quan trường học",
        "situation": "Khuôn viên trường còn nhiều khoảng đất trống, thiếu cây xanh, bóng mát.",
        "objectives": "Mỗi lớp chăm sóc một bồn hoa; 100% học sinh tham gia; khuôn viên xanh - sạch - đẹp.",
        "content": "Chi bộ giao Chi đoàn giáo viên và Liên đội phát động; vận động cha mẹ học sinh ủng hộ "
        "cây giống, đất, phân bón; chấm điểm các bồn hoa hằng tháng.",
        "scope": "Trường THCS Xuất Hóa; giáo viên, học sinh và cha mẹ học sinh.",
        "forces": "Chủ trì: Chi bộ nhà trường. Phối hợp: Công đoàn, Chi đoàn, Liên đội, "
        "Ban đại diện cha mẹ học sinh.",
        "resources": "Xã hội hóa từ cha mẹ học sinh; thực hiện trong cả năm học.",
        "outputs": "Các bồn hoa theo lớp; sổ chấm điểm; ảnh khuôn viên trước và sau.",
        "sustainability": "Mỗi khóa học sinh mới nhận lại bồn hoa của lớp trước.",
        "results": "Trồng mới 12 bồn hoa và 40 cây bóng mát; cha mẹ học sinh ủng hộ 450 cây giống.",
    },
    "na-phai": {
        "name": "Mô hình “Dân vận khéo” trong vận động nhân dân hiến đất làm đường giao thông nông thôn "
        "thôn Nà Phải",
        "situation": "Đường vào thôn là đường đất, mùa mưa lầy lội; 64 hộ dân đi lại, chở nông sản khó khăn.",
        "objectives": "Bê tông hóa 1,8 km đường trục thôn rộng 3 m; 100% hộ dân đồng thuận.",
        "content": "Chi bộ họp bàn, giao mỗi đảng viên phụ trách một nhóm hộ; họp thôn công khai phương án; "
        "đảng viên, người có uy tín hiến đất trước; vận động các hộ hiến đất, tháo dỡ tường rào, "
        "góp ngày công.",
        "scope": "Thôn Nà Phải, xã Phương Linh; 64 hộ, chủ yếu đồng bào Tày.",
        "forces": "Chủ trì: Chi bộ thôn. Phối hợp: Ban Công tác Mặt trận, Chi hội Phụ nữ, Chi hội Nông dân, "
        "Chi đoàn. Tham gia: toàn thể hộ dân trong thôn.",
        "resources": "Nhà nước hỗ trợ xi măng; nhân dân hiến đất, góp cát, sỏi và ngày công; "
        "tháng 3–10/2019.",
        "outputs": "Biên bản hiến đất; biên bản nghiệm thu tuyến đường; ảnh trước và sau.",
        "sustainability": "Thôn lập tổ tự quản bảo dưỡng đường; cách làm được nhân rộng ra các thôn khác.",
        "results": "Nhân dân hiến 3.200 m² đất, góp 1.150 ngày công; hoàn thành 1,8 km đường bê tông.",
    },
    "suoi-bu": {
        "name": "Mô hình “Dân vận khéo” trong giúp đỡ hộ nghèo xã Suối Bu, huyện Văn Chấn phát triển kinh tế",
        "situation": "Suối Bu là xã đặc biệt khó khăn của huyện Văn Chấn, tỷ lệ hộ nghèo còn cao.",
        "content": "Các chi, đảng bộ cơ sở trong Khối nhận giúp đỡ hộ nghèo; trao cây giống, con giống; "
        "cán bộ kỹ thuật hướng dẫn cách trồng, chăm sóc.",
        "scope": "Xã Suối Bu, huyện Văn Chấn; 40 hộ nghèo.",
        "results": "Trao 5.000 cây quế giống và 20 con bò giống cho 40 hộ nghèo.",
    },
    "chuyen-doi-so": {
        "name": "Mô hình “Dân vận khéo” trong cải cách hành chính, chuyển đổi số ở các cơ quan, "
        "doanh nghiệp của Khối",
        "content": "Mỗi cơ quan đăng ký ít nhất một thủ tục giải quyết hoàn toàn trực tuyến; đoàn viên thanh "
        "niên hướng dẫn người dân tại bộ phận một cửa.",
        "results": "92% hồ sơ của các cơ quan trong Khối được tiếp nhận trực tuyến.",
    },
}

# Decisions: "tag" names the registrations they cover; "covers" takes a sample of that many.
DECISIONS = [
    {
        "tag": "bt-2019",
        "kind": DecisionKind.RECOGNITION,
        "number": "245",
        "symbol": "QĐ/HU",
        "signed_on": datetime.date(2019, 12, 20),
        "issuing_unit": "BK-BT",
        "issuer_name": "Ban Thường vụ Huyện ủy Bạch Thông",
        "level": Level.DISTRICT,
        "title": "Về việc công nhận mô hình “Dân vận khéo” năm 2019",
    },
    {
        "tag": "bt-2019",
        "covers": 5,
        "kind": DecisionKind.COMMENDATION,
        "award_form": "Giấy khen",
        "number": "3152",
        "symbol": "QĐ-UBND",
        "signed_on": datetime.date(2019, 12, 30),
        "issuing_unit": "BK-BT",
        "issuer_name": "Ủy ban nhân dân huyện Bạch Thông",
        "level": Level.DISTRICT,
        "title": "Về việc tặng Giấy khen cho tập thể, cá nhân có mô hình “Dân vận khéo” tiêu biểu năm 2019",
    },
    {
        "tag": "bk-2022",
        "kind": DecisionKind.RECOGNITION,
        "number": "412",
        "symbol": "QĐ/TU",
        "signed_on": datetime.date(2022, 12, 16),
        "issuing_unit": "BK-TP",
        "issuer_name": "Ban Thường vụ Thành ủy Bắc Kạn",
        "level": Level.DISTRICT,
        "title": "Về việc công nhận mô hình “Dân vận khéo” năm 2022",
    },
    {
        "tag": "yb-2023",
        "kind": DecisionKind.RECOGNITION,
        "number": "318",
        "symbol": "QĐ/ĐUK",
        "signed_on": datetime.date(2023, 12, 14),
        "issuing_unit": "YB-DUK",
        "issuer_name": "Ban Thường vụ Đảng ủy Khối cơ quan và doanh nghiệp tỉnh Yên Bái",
        "level": Level.BLOC,
        "title": "Về việc công nhận mô hình, điển hình “Dân vận khéo” năm 2023",
    },
    {
        "tag": "tn-2024",
        "kind": DecisionKind.RECOGNITION,
        "number": "1095",
        "symbol": "QĐ/TU",
        "signed_on": datetime.date(2024, 12, 20),
        "issuing_unit": "TN",
        "issuer_name": "Ban Thường vụ Tỉnh ủy Thái Nguyên",
        "level": Level.PROVINCE,
        "title": "Về việc công nhận mô hình “Dân vận khéo” cấp tỉnh năm 2024",
    },
    {
        "tag": "tn-2024",
        "covers": 12,
        "kind": DecisionKind.COMMENDATION,
        "award_form": "Bằng khen",
        "number": "3970",
        "symbol": "QĐ-UBND",
        "signed_on": datetime.date(2024, 12, 27),
        "issuing_unit": "TN-UBND",
        "issuer_name": "Ủy ban nhân dân tỉnh Thái Nguyên",
        "level": Level.PROVINCE,
        "title": "Về việc tặng Bằng khen cho tập thể, cá nhân có thành tích xuất sắc trong phong trào "
        "thi đua “Dân vận khéo” năm 2024",
    },
]

# (username, role or None for the Django superuser, unit code)
DEMO_USERS = [
    ("admin", None, None),
    ("quantri", Role.ADMIN, "BK"),
    ("bientap", Role.EDITOR, "BK-BT"),
    ("xem", Role.VIEWER, "BK-TP"),
    ("thainguyen", Role.VIEWER, "TN"),
    ("yenbai", Role.EDITOR, "YB-DUK"),
]

# When in the year a model is registered: (first day, last day) as (month, day).
EARLY, FIRST_HALF, SECOND_HALF = "early", "first_half", "second_half"
WINDOWS = {EARLY: ((1, 5), (4, 20)), FIRST_HALF: ((1, 1), (6, 30)), SECOND_HALF: ((7, 1), (11, 30))}
# How likely a unit is to register a model, by its type (others: 1).
WEIGHT = {UnitType.COMMUNE: 4, UnitType.GRASSROOTS: 2, UnitType.DISTRICT: 2, UnitType.BLOC: 2}
LEVEL_OF_TYPE = {
    UnitType.COMMUNE: Level.COMMUNE,
    UnitType.DISTRICT: Level.DISTRICT,
    UnitType.BLOC: Level.BLOC,
    UnitType.PROVINCE: Level.PROVINCE,
}
TYPE_OF_PREFIX = [
    ("Tỉnh ủy", UnitType.PROVINCE),
    ("Đảng ủy Khối", UnitType.BLOC),
    (("Huyện ủy", "Thành ủy", "Thị ủy"), UnitType.DISTRICT),
    (("Đảng ủy xã", "Đảng ủy phường", "Đảng ủy thị trấn"), UnitType.COMMUNE),
    (("Đảng bộ Quân sự", "Đảng bộ Công an"), UnitType.ARMED),
    ("Đảng bộ", UnitType.GRASSROOTS),
    ("Ủy ban nhân dân", UnitType.AGENCY),
]
# How a unit's name turns into a place: "Huyện ủy Bạch Thông" → "huyện Bạch Thông".
PLACE_OF_PREFIX = [
    ("Tỉnh ủy ", "tỉnh "),
    ("Thành ủy ", "thành phố "),
    ("Huyện ủy ", "huyện "),
    ("Thị ủy ", "thị xã "),
    ("Đảng ủy ", ""),
    ("Đảng bộ ", ""),
    ("Chi bộ ", ""),
]


def party_name(row):
    """Return the unit name of a table row: "xã Cẩm Giàng" → "Đảng ủy xã Cẩm Giàng"."""
    if row.startswith(("xã ", "phường ", "thị trấn ")):
        return f"Đảng ủy {row}"
    if row.startswith(
        ("Chi bộ", "Đảng bộ", "Đảng ủy", "Ủy ban", "Tỉnh ủy", "Thành ủy", "Huyện ủy", "Thị ủy")
    ):
        return row
    return f"Chi bộ {row}"


def unit_type_of(name):
    """Return the unit type a name implies; plain cells by default."""
    for prefix, unit_type in TYPE_OF_PREFIX:
        if name.startswith(prefix):
            return unit_type
    return UnitType.CELL


def place(unit):
    """Return where a unit is, as an address reads it."""
    for prefix, replacement in PLACE_OF_PREFIX:
        if unit.name.startswith(prefix):
            return replacement + unit.name[len(prefix) :]
    return unit.name


def positions_for(unit):
    """Return the positions a person registering through ``unit`` may hold."""
    for words, positions in POSITIONS:
        if any(word in unit.name for word in words):
            return positions
    return OFFICE_POSITIONS


def vn_number(value):
    """Format an integer the Vietnamese way: 1.759."""
    return f"{value:,}".replace(",", ".")


@dataclasses.dataclass
class Spec:
    """One model to generate, before it gets its unit: what it is and the years it is registered.

    The years follow each other; the first registration is "new", the later ones "maintained".
    ``window`` says when in its last year it is registered; ``tags`` names, per year, the
    decision that will cover the registration (and makes it evaluated "effective").
    """

    field: str
    kind: str = Kind.COLLECTIVE
    years: tuple = (2023,)
    grade: str = ""
    level: str = ""
    window: str = EARLY
    tags: dict = dataclasses.field(default_factory=dict)


class DemoLoader:
    """Build the demo tree, keep the generated rows in memory and write them in bulk."""

    def __init__(self, rng):
        self.rng = rng
        self.fields = {f.name: f for f in Field.objects.all()}
        missing = set(PHRASES) - set(self.fields)
        if missing:
            raise CommandError(f"Thiếu lĩnh vực {', '.join(sorted(missing))}: hãy chạy “manage.py migrate”.")
        self.by_code = {}
        self.parent = {}
        self.children = defaultdict(list)  # pk → direct children, in order
        self.below = defaultdict(list)  # pk → the unit and all its descendants
        self.used_phrases = defaultdict(set)
        self.initiatives = []
        self.registrations = []
        self.tagged = defaultdict(list)

    # The tree -----------------------------------------------------------------------------

    def unit(self, parent, row, code, **dates):
        """Create a unit under ``parent``; it lives no longer than its parent unless told."""
        name = party_name(row)
        values = {"name": name, "unit_type": unit_type_of(name), "code": code}
        values["valid_from"] = dates.get("valid_from", parent.valid_from)
        values["valid_to"] = dates.get("valid_to", parent.valid_to)
        unit = Unit.objects.add_child(parent, values)
        self.remember(unit, parent)
        return unit

    def remember(self, unit, parent):
        """Keep ``unit`` in the in-memory maps of the tree."""
        self.by_code[unit.code] = unit
        self.parent[unit.pk] = parent
        if parent is not None:
            self.children[parent.pk].append(unit)
        ancestor = unit
        while ancestor is not None:
            self.below[ancestor.pk].append(unit)
            ancestor = self.parent[ancestor.pk]

    def add_rows(self, parent, rows):
        """Create the units of a table under ``parent``, numbering their codes after its code."""
        for number, row in enumerate(rows, start=1):
            name, cells = row if isinstance(row, tuple) else (row, [])
            unit = self.unit(parent, name, f"{parent.code}-{number:02d}")
            for cell_number, cell in enumerate(cells, start=1):
                self.unit(unit, cell, f"{unit.code}-{cell_number:02d}")

    def add_districts(self, province, table):
        """Create the districts of a table, each with its rows."""
        for name, code, rows in table:
            self.add_rows(self.unit(province, name, code), rows)

    def find(self, parent, row):
        """Return the unit of a table row inside ``parent``'s subtree."""
        name = party_name(row)
        return next(unit for unit in self.below[parent.pk] if unit.name == name)

    def merge(self, olds, *, into, on):
        """Close ``olds`` and their subtrees on ``on``, with ``into`` as the successor."""
        for old in olds:
            for unit in self.below[old.pk]:
                if unit.valid_to is None or unit.valid_to > on:
                    unit.valid_to = on
                    unit.save(update_fields=["valid_to"])
            old.successor = into
            old.save(update_fields=["successor"])

    def build_tree(self):
        """Create the units before and after the reform of 01/07/2025."""
        root = Unit.objects.add_root(
            {"name": "Ban Dân vận Trung ương", "unit_type": UnitType.CENTRAL, "code": ROOT_CODE}
        )
        self.remember(root, None)
        bac_kan = self.unit(root, "Tỉnh ủy Bắc Kạn", "BK", valid_to=REFORM_END)
        city = self.unit(bac_kan, "Thành ủy Bắc Kạn", "BK-TP")
        self.add_rows(city, BAC_KAN_CITY_COMMUNES + BAC_KAN_CITY_OFFICES + BAC_KAN_CITY_IDLE)
        bach_thong = self.unit(bac_kan, "Huyện ủy Bạch Thông", "BK-BT")
        self.add_rows(bach_thong, BACH_THONG_COMMUNES + BACH_THONG_OFFICES + BACH_THONG_IDLE)
        self.merge(
            [self.find(bach_thong, "xã Phương Linh")],
            into=self.find(bach_thong, "thị trấn Phủ Thông"),
            on=datetime.date(2020, 1, 31),
        )
        self.add_districts(bac_kan, BAC_KAN_DISTRICTS)
        thai_nguyen = self.unit(root, "Tỉnh ủy Thái Nguyên", "TN", valid_to=REFORM_END)
        self.add_districts(thai_nguyen, THAI_NGUYEN_DISTRICTS)
        self.unit(thai_nguyen, "Ủy ban nhân dân tỉnh Thái Nguyên", "TN-UBND")
        yen_bai = self.unit(root, "Tỉnh ủy Yên Bái", "YB", valid_to=REFORM_END)
        bloc = self.unit(yen_bai, "Đảng ủy Khối cơ quan và doanh nghiệp tỉnh Yên Bái", "YB-DUK")
        self.add_rows(bloc, YEN_BAI_BLOC)
        self.add_districts(yen_bai, YEN_BAI_DISTRICTS)
        lao_cai = self.unit(root, "Tỉnh ủy Lào Cai", "LC", valid_to=REFORM_END)
        self.add_districts(lao_cai, LAO_CAI_DISTRICTS)

        for name, code, olds, table in [
            ("Tỉnh ủy Thái Nguyên", "TN25", [bac_kan, thai_nguyen], NEW_THAI_NGUYEN),
            ("Tỉnh ủy Lào Cai", "LC25", [yen_bai, lao_cai], NEW_LAO_CAI),
        ]:
            province = self.unit(root, name, code, valid_from=REFORM_START, valid_to=None)
            self.merge(olds, into=province, on=REFORM_END)
            self.add_rows(province, [row for row, _, _ in table])
            for (_, district_code, old_rows), commune in zip(table, self.children[province.pk], strict=True):
                district = self.by_code[district_code]
                self.merge([self.find(district, old) for old in old_rows], into=commune, on=REFORM_END)

    # Generated rows -----------------------------------------------------------------------

    def batch(self, count, fields, years, *, kind=None, individual_share=0.25, **fixed):
        """Return ``count`` specs, fields drawn from the ``fields`` weights, kinds at random unless given."""
        names, weights = zip(*fields.items(), strict=True)
        return [
            Spec(
                field=self.rng.choices(names, weights)[0],
                kind=kind or (Kind.INDIVIDUAL if self.rng.random() < individual_share else Kind.COLLECTIVE),
                years=years,
                **fixed,
            )
            for _ in range(count)
        ]

    def extend(self, specs, count, years):
        """Register ``count`` of ``specs``, at random, in ``years`` instead."""
        for spec in self.rng.sample(specs, count):
            spec.years = years

    def tag(self, specs, count, year, tag):
        """Have ``count`` of ``specs``, at random, covered in ``year`` by the decisions tagged ``tag``."""
        for spec in self.rng.sample(specs, count):
            spec.tags[year] = tag

    def weight(self, unit):
        return WEIGHT.get(unit.unit_type, 1)

    def assign(self, specs, parents, *, every=True, skip=frozenset()):
        """Pair each spec with a registering unit inside one of ``parents``' subtrees.

        With ``every``, each parent's subtree gets one spec at least (the "24/44" of a report);
        the rest go by the units' weights. Units in ``skip`` (primary keys) never register.
        """
        pools = [[u for u in self.below[p.pk] if u.pk not in skip] for p in parents]
        indexes = list(range(len(parents))) if every else []
        weights = [sum(map(self.weight, pool)) for pool in pools]
        indexes += self.rng.choices(range(len(parents)), weights, k=len(specs) - len(indexes))
        self.rng.shuffle(indexes)
        return [
            (self.rng.choices(pools[i], [self.weight(u) for u in pools[i]])[0], spec)
            for i, spec in zip(indexes, specs, strict=True)
        ]

    def create_all(self, pairs):
        """Create a model for each (unit, spec) pair."""
        for unit, spec in pairs:
            self.create(unit, spec)

    def create(self, unit, spec, *, name="", results="", **texts):
        """Add a model of ``unit`` and its registrations, one for each year of ``spec``."""
        field_obj = self.fields[spec.field]
        person_name = person_position = ""
        if spec.kind == Kind.INDIVIDUAL:
            person_name, person_position = self.person(), self.rng.choice(positions_for(unit))
        name = name or self.model_name(unit, spec)
        address = self.address(unit)
        last = spec.years[-1]
        dates = [
            self.registration_date(year, spec.window if year == last else EARLY, unit) for year in spec.years
        ]
        initiative = Initiative(
            name=name,
            unit=unit,
            kind=spec.kind,
            person_name=person_name,
            person_position=person_position,
            field=field_obj,
            grade=spec.grade or self.rng.choices(Grade.values, [85, 12, 3])[0],
            start_date=dates[0],
            address=address,
            # save() is skipped by bulk_create: derive the search key as Initiative.save() does.
            search_text=initiative_search_text(name, person_name, address, unit.search_name),
            **texts,
        )
        self.initiatives.append(initiative)
        for year, registered_on in zip(spec.years, dates, strict=True):
            tag = spec.tags.get(year, "")
            evaluation, evaluated_on = self.evaluate(year, recognised=bool(tag))
            registration = Registration(
                initiative=initiative,
                year=year,
                unit=unit,
                registered_on=registered_on,
                status=RegistrationStatus.NEW if year == spec.years[0] else RegistrationStatus.MAINTAINED,
                level=spec.level or LEVEL_OF_TYPE.get(unit.unit_type, Level.GRASSROOTS),
                evaluation=evaluation,
                evaluated_on=evaluated_on,
                results=results if year == last else "",
                **self.figures(field_obj, evaluation),
            )
            self.registrations.append(registration)
            if tag:
                self.tagged[tag].append(registration)
        return initiative

    def model_name(self, unit, spec):
        """Name a model after what it does, avoiding names the unit already has."""
        phrases = PHRASES[spec.field]
        used = self.used_phrases[unit.pk]
        phrase = self.rng.choice([p for p in phrases if p not in used] or phrases)
        used.add(phrase)
        prefix = "Mô hình" if spec.kind == Kind.COLLECTIVE else "Mô hình cá nhân"
        return f"{prefix} “Dân vận khéo” trong {phrase}"

    def person(self):
        middles, givens = self.rng.choice([MEN, WOMEN])
        return f"{self.rng.choice(SURNAMES)} {self.rng.choice(middles)} {self.rng.choice(givens)}"

    def address(self, unit):
        """Return "thôn Nà Phải, xã Phương Linh, huyện Bạch Thông, tỉnh Bắc Kạn" for a cell."""
        parts = [place(unit)]
        ancestor = self.parent[unit.pk]
        while ancestor is not None:
            if ancestor.unit_type in (UnitType.COMMUNE, UnitType.DISTRICT, UnitType.PROVINCE):
                parts.append(place(ancestor))
            ancestor = self.parent[ancestor.pk]
        return ", ".join(parts)

    def registration_date(self, year, window, unit):
        """Return a day of ``year`` within ``window`` on which ``unit`` existed."""
        (first_month, first_day), (last_month, last_day) = WINDOWS[window]
        first = datetime.date(year, first_month, first_day)
        last = datetime.date(year, last_month, last_day)
        if unit.valid_from and unit.valid_from > first:
            # A unit founded during the year registers after its first day.
            first, last = unit.valid_from, datetime.date(year, 11, 30)
        return first + datetime.timedelta(days=self.rng.randint(0, (last - first).days))

    def evaluate(self, year, *, recognised):
        """Return (evaluation, date): at the end of the year, before its recognition decisions."""
        if year >= CURRENT_YEAR:
            return Evaluation.PENDING, None
        if recognised:
            return Evaluation.EFFECTIVE, datetime.date(year, 12, self.rng.randint(1, 10))
        outcome = self.rng.choices([Evaluation.EFFECTIVE, Evaluation.NOT_EFFECTIVE], [87, 13])[0]
        return outcome, datetime.date(year, 12, self.rng.randint(1, 25))

    def figures(self, field_obj, evaluation):
        """Return the results an evaluated registration reports: people, workdays, money for the economy."""
        if evaluation == Evaluation.PENDING:
            return {}
        figures = {
            "people_reached": self.rng.randrange(30, 1500, 10),
            "workdays": self.rng.randrange(20, 900, 10),
        }
        if field_obj.standard == StandardField.ECONOMY:
            figures["money_mobilised"] = self.rng.randrange(5, 400) * 1_000_000
        return figures

    # The five reports and the rest --------------------------------------------------------

    def load_bac_kan_city(self):
        """Report 1: 278 models of 35/40 units in 2023, 116 maintained from the 191 of 2022."""
        city = self.by_code["BK-TP"]
        children = self.children[city.pk]
        active = children[: -len(BAC_KAN_CITY_IDLE)]
        maintained = self.batch(115, BAC_KAN_CITY_FIELDS, (2022, 2023))  # the school's flowers make 116
        self.extend(maintained, 25, (2021, 2022, 2023))
        self.tag(maintained, 30, 2022, "bk-2022")
        new = self.batch(162, BAC_KAN_CITY_FIELDS, (2023,))
        self.create_all(self.assign(maintained + new, active))
        school = self.find(city, "Chi bộ Trường THCS Xuất Hóa")
        spec = Spec(ENVIRONMENT, years=(2022, 2023), tags={2022: "bk-2022"})
        self.create(school, spec, **SHOWCASES["xuat-hoa"])
        dropped = self.batch(75, BAC_KAN_CITY_FIELDS, (2022,))  # not registered again in 2023
        self.extend(dropped, 15, (2021, 2022))
        self.create_all(self.assign(dropped, children, every=False))

    def load_bach_thong(self):
        """Report 2: 356 models (163 collective, 193 individual) of 24/44 units in 2019, 41 recognised."""
        district = self.by_code["BK-BT"]
        active = self.children[district.pk][: -len(BACH_THONG_IDLE)]
        recognised = []
        for field_name, collective, individual in BACH_THONG_RECOGNISED:
            recognised += self.batch(collective, {field_name: 1}, (2019,), kind=Kind.COLLECTIVE)
            recognised += self.batch(individual, {field_name: 1}, (2019,), kind=Kind.INDIVIDUAL)
        for spec in recognised:
            spec.tags[2019] = "bt-2019"
        road = recognised.pop(0)
        others = self.batch(135, BACH_THONG_FIELDS, (2019,), kind=Kind.COLLECTIVE)
        others += self.batch(180, BACH_THONG_FIELDS, (2019,), kind=Kind.INDIVIDUAL)
        self.create_all(self.assign(recognised + others, active))
        self.create(self.find(district, "thôn Nà Phải"), road, **SHOWCASES["na-phai"])

    def load_yen_bai_bloc(self):
        """Report 3: 133 models in 2023: 2 at bloc level, 122 models and 9 exemplars at grassroots level."""
        bloc = self.by_code["YB-DUK"]
        suoi_bu = Spec(POVERTY, years=(2022, 2023), grade=Grade.MODEL, tags={2023: "yb-2023"})
        self.create(bloc, suoi_bu, **SHOWCASES["suoi-bu"])
        digital = Spec(ADMIN_REFORM, grade=Grade.MODEL, tags={2023: "yb-2023"})
        self.create(bloc, digital, **SHOWCASES["chuyen-doi-so"])
        grassroots = {"level": Level.GRASSROOTS, "individual_share": 0.2}
        models = self.batch(122, YEN_BAI_BLOC_FIELDS, (2023,), grade=Grade.MODEL, **grassroots)
        exemplars = self.batch(9, YEN_BAI_BLOC_FIELDS, (2022, 2023), grade=Grade.EXEMPLAR, **grassroots)
        self.tag(exemplars, 9, 2023, "yb-2023")
        self.extend(models, 45, (2022, 2023))
        self.create_all(self.assign(models + exemplars, self.children[bloc.pk]))

    def load_thai_nguyen(self):
        """Report 4: 1.759 models (1.468 collective, 291 individual) registered in the first half of 2024."""
        province = self.by_code["TN"]
        districts = [u for u in self.children[province.pk] if u.unit_type != UnitType.AGENCY]
        ward = self.find(self.by_code["TN-TP"], WARD)
        skip = {unit.pk for unit in self.below[ward.pk]}  # the ward of report 5 has its own figures
        first_half = self.batch(1468, THAI_NGUYEN_FIELDS, (2024,), kind=Kind.COLLECTIVE, window=FIRST_HALF)
        first_half += self.batch(291, THAI_NGUYEN_FIELDS, (2024,), kind=Kind.INDIVIDUAL, window=FIRST_HALF)
        second_half = self.batch(140, THAI_NGUYEN_FIELDS, (2024,), window=SECOND_HALF, individual_share=0.2)
        self.extend(first_half + second_half, 1150, (2023, 2024))
        self.tag(first_half, 60, 2024, "tn-2024")
        dropped = self.batch(240, THAI_NGUYEN_FIELDS, (2023,))  # not registered again in 2024
        self.create_all(self.assign(first_half + second_half + dropped, districts, skip=skip))

    def load_ward(self):
        """Report 5: a ward's 20 models, all maintained in 2023, by field 6/6/5/3."""
        ward = self.find(self.by_code["TN-TP"], WARD)
        specs = []
        for field_name, count in WARD_FIELDS.items():
            specs += self.batch(count, {field_name: 1}, (2022, 2023), individual_share=0.15)
        self.extend(specs, 6, (2021, 2022, 2023))
        self.create_all(self.assign(specs, [ward]))

    def load_others(self):
        """Register a few models in the other districts, so that each province has some."""
        for code, year, count in [
            *((code, 2023, 18) for _, code, _ in BAC_KAN_DISTRICTS),
            *((code, 2023, 24) for _, code, _ in YEN_BAI_DISTRICTS),
            *((code, 2024, 24) for _, code, _ in LAO_CAI_DISTRICTS),
            ("BK-BT", 2023, 40),
        ]:
            district = self.by_code[code]
            january = datetime.date(year, 1, 1)
            closed = {u.pk for u in self.below[district.pk] if not u.is_open_on(january)}
            specs = self.batch(count, OTHER_FIELDS, (year,))
            self.extend(specs, count * 2 // 5, (year - 1, year))
            self.create_all(self.assign(specs, [district], skip=closed))

    def load_after_reform(self):
        """Register models in the new communes in 2025 (from July) and 2026, so today is not empty."""
        for code in ("TN25", "LC25"):
            for commune in self.children[self.by_code[code].pk]:
                specs = self.batch(2, OTHER_FIELDS, (2025, 2026)) + self.batch(1, OTHER_FIELDS, (2025,))
                specs += self.batch(2, OTHER_FIELDS, (2026,))
                self.create_all(self.assign(specs, [commune], every=False))

    def save(self):
        """Write the generated models and registrations, a few hundred rows per query."""
        # Without history rows: writing them would double the load time, and a model's history
        # starts with its first real change.
        Initiative.objects.bulk_create(self.initiatives, batch_size=500)
        Registration.objects.bulk_create(self.registrations, batch_size=500)

    def add_decisions(self):
        """Create the decisions of ``DECISIONS`` with the registrations they cover."""
        award_forms = {form.name: form for form in AwardForm.objects.all()}
        for values in DECISIONS:
            values = dict(values)
            covered = self.tagged[values.pop("tag")]
            count = values.pop("covers", None)
            if count is not None:
                covered = self.rng.sample(covered, count)
            values["issuing_unit"] = self.by_code[values["issuing_unit"]]
            if "award_form" in values:
                values["award_form"] = award_forms[values["award_form"]]
            decision = Decision.objects.create(**values)
            decision.registrations.add(*covered)

    def add_users(self):
        """Create the demo logins, with their memberships, all with the password ``PASSWORD``."""
        # Hash once, as set_password() would: a hash costs a second or two, and one salt shared
        # by demo logins whose password is printed anyway protects nothing less.
        password = make_password(PASSWORD)
        for username, role, code in DEMO_USERS:
            user, _ = get_user_model().objects.get_or_create(username=username)
            user.password = password
            user.is_superuser = user.is_staff = role is None
            user.save()
            if role:
                Membership.objects.get_or_create(user=user, unit=self.by_code[code], defaults={"role": role})

    def load(self):
        """Load everything; return what was created, for the summary."""
        self.build_tree()
        self.load_bac_kan_city()
        self.load_bach_thong()
        self.load_yen_bai_bloc()
        self.load_thai_nguyen()
        self.load_ward()
        self.load_others()
        self.load_after_reform()
        self.save()
        self.add_decisions()
        self.add_users()
        return {
            "đơn vị": len(self.by_code),
            "mô hình": len(self.initiatives),
            "lượt đăng ký": len(self.registrations),
            "quyết định": len(DECISIONS),
        }


@transaction.atomic
def delete_demo():
    """Delete every registry row but the catalogues (fields, award forms), and the demo users.

    One DELETE per table, history tables included: the ORM's delete() would send a signal and
    write a history row for each of the thousands of deleted rows. The foreign keys are checked
    at commit (Django declares them deferred), when every table concerned is empty.
    """
    keep = {Field, Field.history.model, AwardForm}
    tables = [
        model._meta.db_table
        for label in ("reports", "registry")  # the report counts first: they point at units
        for model in apps.get_app_config(label).get_models(include_auto_created=True)
        if model not in keep
    ]
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"DELETE FROM {connection.ops.quote_name(table)}")
    get_user_model().objects.filter(username__in=[username for username, _, _ in DEMO_USERS]).delete()


def logins_table():
    """Return the demo logins as lines of a plain-text table."""
    units = {unit.code: unit for unit in Unit.objects.filter(code__in=[code for _, _, code in DEMO_USERS])}
    rows = [("Tên đăng nhập", "Vai trò", "Đơn vị", "Mật khẩu")]
    for username, role, code in DEMO_USERS:
        if role is None:
            rows.append((username, "Quản trị hệ thống", "Toàn bộ; quản trị Django /quan-tri/", PASSWORD))
            continue
        unit = units.get(code)
        label = f"{unit.name} [{unit.code}]" if unit else code
        if unit and unit.valid_to:
            label += f" (đến {unit.valid_to:%d/%m/%Y})"
        rows.append((username, Role(role).label, label, PASSWORD))
    widths = [max(len(str(row[i])) for row in rows) for i in range(4)]
    lines = [
        "  ".join(str(cell).ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        for row in rows
    ]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return lines


class Command(BaseCommand):
    help = (
        "Nạp dữ liệu mẫu: cây đơn vị Bắc Kạn, Thái Nguyên, Yên Bái, Lào Cai trước và sau ngày 01/07/2025, "
        "các mô hình “Dân vận khéo” tái hiện số liệu của năm bài báo và các tài khoản dùng thử "
        f"(mật khẩu {PASSWORD}). Nếu dữ liệu mẫu đã có thì không làm gì."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Xóa mọi đơn vị, mô hình, đăng ký, quyết định, phân quyền và tài khoản mẫu, rồi nạp lại.",
        )
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="Cho phép chạy khi DEBUG tắt (máy chủ thật): tài khoản mẫu có mật khẩu công khai.",
        )

    def handle(self, *args, **options):
        if not settings.DEMO_DATA_ALLOWED and not options["allow_production"]:
            # Demo accounts have a published password and --reset empties the registry.
            raise CommandError(
                "DEBUG đang tắt (máy chủ thật): không nạp dữ liệu mẫu. "
                "Thêm --allow-production nếu thật sự muốn."
            )
        if not options["reset"] and Unit.objects.filter(code=ROOT_CODE).exists():
            self.stdout.write(
                self.style.WARNING(
                    f"Dữ liệu mẫu đã được nạp (đã có đơn vị mã {ROOT_CODE}): không thay đổi gì. "
                    "Dùng --reset để xóa và nạp lại."
                )
            )
            self.write_logins()
            return
        started = time.perf_counter()
        with transaction.atomic():
            if options["reset"]:
                delete_demo()
                self.stdout.write("Đã xóa dữ liệu cũ.")
            counts = DemoLoader(random.Random(SEED)).load()
            # The demo is bulk-inserted, past the services that keep the report counts ready.
            tally_rebuild()
        seconds = f"{time.perf_counter() - started:.1f}".replace(".", ",")
        summary = ", ".join(f"{vn_number(count)} {what}" for what, count in counts.items())
        self.stdout.write(self.style.SUCCESS(f"Đã nạp dữ liệu mẫu trong {seconds} giây: {summary}."))
        self.write_logins()

    def write_logins(self):
        self.stdout.write("\nTài khoản dùng thử:")
        for line in logins_table():
            self.stdout.write(line)
