"""Tables of the demo data set: its units, what its models do, its decisions and its logins.

``demo.loader`` reads them; the counts in them are those of the press reports it reproduces.
A data module, longer than the 400 lines a module of code keeps to: it holds no logic.
"""

import datetime

from registry.choices import DecisionKind, Level, Role, UnitType

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
    ("xã Quân Chu", "TN-DT", []),
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
# The reform, province by province: (new name, new code, old provinces, new communes (name,
# old district, old communes), units moved under the new province (old code, new name, code)).
NEW_PROVINCES = [
    (
        "Tỉnh ủy Thái Nguyên",
        "TN25",
        ["BK", "TN"],
        NEW_THAI_NGUYEN,
        [("TN-UBND", "Ủy ban nhân dân tỉnh Thái Nguyên", "TN25-UBND")],
    ),
    (
        "Tỉnh ủy Lào Cai",
        "LC25",
        ["YB", "LC"],
        NEW_LAO_CAI,
        [("YB-DUK", "Đảng bộ các cơ quan Đảng tỉnh Lào Cai", "LC25-DCQ")],
    ),
]
# A commune split between two new ones (old district, commune, the new ones, the main first).
SPLITS = [("TN-DT", "xã Khôi Kỳ", ["xã Đại Từ", "xã Quân Chu"])]
# Abolished districts whose own models and staff go to one new commune (the others' go to the province).
DISSOLVED_WITH_SUCCESSOR = {"BK-BT": "xã Phủ Thông"}

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
# The logins, on the units they had before the reform: the reform carries them to the units of
# today (quantri → the new Tỉnh ủy Thái Nguyên, bientap → xã Phủ Thông, thainguyen → the new
# Tỉnh ủy Thái Nguyên, yenbai → Đảng bộ các cơ quan Đảng tỉnh Lào Cai).
DEMO_USERS = [
    ("admin", None, None),
    ("quantri", Role.ADMIN, "BK"),
    ("bientap", Role.EDITOR, "BK-BT"),
    ("thainguyen", Role.VIEWER, "TN"),
    ("yenbai", Role.EDITOR, "YB-DUK"),
]
# Given after the reform a unit it closed, to show what such a user sees.
DEMO_USERS_AFTER_REFORM = [("xem", Role.VIEWER, "BK-TP")]

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


# The commune whose review the demo shows in full (bientap's), and the province's reason to return.
DEMO_REVIEW_COMMUNE = "TN25-03"
DEMO_PROPOSAL_REFERENCE = "12-TTr/ĐU"
DEMO_RETURN_REASON = "Bổ sung kết quả thực hiện và số người hưởng lợi; ghi rõ địa chỉ thực hiện."

# The campaigns of the yearly cycle: the new Tỉnh ủy Thái Nguyên launched 2026's in January;
# its registration deadline has passed, its evaluation is due in December.
CAMPAIGNS = [
    {
        "unit": "TN25",
        "year": 2026,
        "title": "Phát động phong trào thi đua “Dân vận khéo” năm 2026",
        "reference": "05-KH/TU",
        "launched_on": datetime.date(2026, 1, 20),
        "registration_deadline": datetime.date(2026, 3, 31),
        "evaluation_deadline": datetime.date(2026, 12, 15),
        "unit_types": [UnitType.COMMUNE, UnitType.BLOC],
        "note": (
            "Mỗi đảng bộ xã, phường và đảng bộ trực thuộc Tỉnh ủy đăng ký ít nhất một mô hình tập thể "
            "và một mô hình cá nhân; gửi bản đăng ký về Ban Tuyên giáo và Dân vận Tỉnh ủy."
        ),
    },
]

# The emulation clusters (cụm thi đua): three wards directly under the new Tỉnh ủy Thái Nguyên,
# which register models since the reform, compete together from 2025.
GROUPS = [
    {
        "name": "Cụm thi đua số 1",
        "kind": "cluster",
        "owner": "TN25",
        "first_year": 2025,
        "members": ["TN25-01", "TN25-02", "TN25-04"],
        "note": "Các đảng bộ phường Đức Xuân, Bắc Kạn và Phan Đình Phùng thi đua cùng nhau.",
    },
]
