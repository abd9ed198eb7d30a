"""Tables read by ``demo.country``: the 63 provinces before 1/7/2025 and what they became.

The 34 provinces and 3.321 communes after the reform come from the ``vietnam-provinces``
package; this module adds what the package does not hold: the old provinces with the new
province each merged into (Resolution 202/2025/QH15), the units beside the communes, and the
weights that make the generated figures look like the press reports'.
"""

import datetime

from registry.choices import Level, UnitType

ROOT_CODE = "VN"
ROOT_NAME = "Ban Dân vận Trung ương"
REFORM_END = datetime.date(2025, 6, 30)
REFORM_START = datetime.date(2025, 7, 1)

# (old GSO code, name, centrally-run city, code of the new province it belongs to after 1/7/2025).
# Eleven provinces kept their territory (Hà Nội, Huế, Lai Châu, Điện Biên, Sơn La, Lạng Sơn,
# Quảng Ninh, Thanh Hóa, Nghệ An, Hà Tĩnh, Cao Bằng); the other 52 merged into 23. A new
# province keeps the code of the old province where its seat is (Lào Cai has Yên Bái's 15).
OLD_PROVINCES = [
    (1, "Hà Nội", True, 1),
    (2, "Hà Giang", False, 8),
    (4, "Cao Bằng", False, 4),
    (6, "Bắc Kạn", False, 19),
    (8, "Tuyên Quang", False, 8),
    (10, "Lào Cai", False, 15),
    (11, "Điện Biên", False, 11),
    (12, "Lai Châu", False, 12),
    (14, "Sơn La", False, 14),
    (15, "Yên Bái", False, 15),
    (17, "Hòa Bình", False, 25),
    (19, "Thái Nguyên", False, 19),
    (20, "Lạng Sơn", False, 20),
    (22, "Quảng Ninh", False, 22),
    (24, "Bắc Giang", False, 24),
    (25, "Phú Thọ", False, 25),
    (26, "Vĩnh Phúc", False, 25),
    (27, "Bắc Ninh", False, 24),
    (30, "Hải Dương", False, 31),
    (31, "Hải Phòng", True, 31),
    (33, "Hưng Yên", False, 33),
    (34, "Thái Bình", False, 33),
    (35, "Hà Nam", False, 37),
    (36, "Nam Định", False, 37),
    (37, "Ninh Bình", False, 37),
    (38, "Thanh Hóa", False, 38),
    (40, "Nghệ An", False, 40),
    (42, "Hà Tĩnh", False, 42),
    (44, "Quảng Bình", False, 44),
    (45, "Quảng Trị", False, 44),
    (46, "Thừa Thiên Huế", False, 46),
    (48, "Đà Nẵng", True, 48),
    (49, "Quảng Nam", False, 48),
    (51, "Quảng Ngãi", False, 51),
    (52, "Bình Định", False, 52),
    (54, "Phú Yên", False, 66),
    (56, "Khánh Hòa", False, 56),
    (58, "Ninh Thuận", False, 56),
    (60, "Bình Thuận", False, 68),
    (62, "Kon Tum", False, 51),
    (64, "Gia Lai", False, 52),
    (66, "Đắk Lắk", False, 66),
    (67, "Đắk Nông", False, 68),
    (68, "Lâm Đồng", False, 68),
    (70, "Bình Phước", False, 75),
    (72, "Tây Ninh", False, 80),
    (74, "Bình Dương", False, 79),
    (75, "Đồng Nai", False, 75),
    (77, "Bà Rịa - Vũng Tàu", False, 79),
    (79, "Hồ Chí Minh", True, 79),
    (80, "Long An", False, 80),
    (82, "Tiền Giang", False, 82),
    (83, "Bến Tre", False, 86),
    (84, "Trà Vinh", False, 86),
    (86, "Vĩnh Long", False, 86),
    (87, "Đồng Tháp", False, 82),
    (89, "An Giang", False, 91),
    (91, "Kiên Giang", False, 91),
    (92, "Cần Thơ", True, 92),
    (93, "Hậu Giang", False, 92),
    (94, "Sóc Trăng", False, 92),
    (95, "Bạc Liêu", False, 96),
    (96, "Cà Mau", False, 96),
]

# Old provinces whose capital city was not named after the province: their first district is
# the city's party committee ("Thành ủy Buôn Ma Thuột"); elsewhere "Thành ủy <province>".
CAPITALS = {
    "Thừa Thiên Huế": "Huế", "Bà Rịa - Vũng Tàu": "Vũng Tàu", "Đắk Lắk": "Buôn Ma Thuột",
    "Nghệ An": "Vinh", "Quảng Ninh": "Hạ Long", "Quảng Bình": "Đồng Hới", "Quảng Trị": "Đông Hà",
    "Quảng Nam": "Tam Kỳ", "Bình Định": "Quy Nhơn", "Phú Yên": "Tuy Hòa", "Khánh Hòa": "Nha Trang",
    "Ninh Thuận": "Phan Rang - Tháp Chàm", "Bình Thuận": "Phan Thiết", "Gia Lai": "Pleiku",
    "Đắk Nông": "Gia Nghĩa", "Lâm Đồng": "Đà Lạt", "Bình Phước": "Đồng Xoài", "Bình Dương": "Thủ Dầu Một",
    "Đồng Nai": "Biên Hòa", "Long An": "Tân An", "Tiền Giang": "Mỹ Tho", "Đồng Tháp": "Cao Lãnh",
    "An Giang": "Long Xuyên", "Kiên Giang": "Rạch Giá", "Hậu Giang": "Vị Thanh", "Vĩnh Phúc": "Vĩnh Yên",
    "Phú Thọ": "Việt Trì", "Hà Nam": "Phủ Lý", "Điện Biên": "Điện Biên Phủ",
}  # fmt: skip

# Provinces of the small preset: two mergers of the demo's press reports (Bắc Kạn into Thái
# Nguyên, Yên Bái and Lào Cai into Lào Cai).
SMALL_PROVINCES = (19, 15)
# The small preset (``generate_country --small``), for the tests: about 2.000 registrations.
SMALL = {"province_codes": SMALL_PROVINCES, "communes": 6, "cells": 4, "registrations": 2_000}

# Relative weights of the fields (migration 0002's names): the four standard fields more
# often than the local variants, and the four standard fields unevenly in total.
FIELD_WEIGHTS = {
    "Kinh tế": 14,
    "Văn hóa - xã hội": 12,
    "Quốc phòng - an ninh": 7,
    "Xây dựng hệ thống chính trị": 9,
    "Phát triển kinh tế, xây dựng nông thôn mới": 9,
    "Xây dựng nông thôn mới": 6,
    "Giảm nghèo, an sinh xã hội": 8,
    "Xây dựng đô thị văn minh": 4,
    "Bảo vệ môi trường": 5,
    "An ninh trật tự": 8,
    "Cải cách hành chính, xây dựng cơ quan, công sở": 7,
    "Xây dựng tổ chức Mặt trận, đoàn thể vững mạnh": 5,
    "Xây dựng Đảng, chính quyền trong sạch, vững mạnh": 6,
}
OTHER_FIELD_WEIGHT = 3


# Registrations per year, relative: the movement grows a little every year.
def year_weight(year):
    return 0.82 + 0.04 * (year - 2016)


# Share of the reform year's registrations made before 1/7/2025 by the old structure.
FIRST_HALF_SHARE = 0.4
MAINTAINED_SHARE = 0.45
COLLECTIVE_SHARE = 0.8
RECOGNISED_SHARE = 0.15
GRADES = (("model", 85), ("exemplar", 12), ("outstanding", 3))
# Evaluation of past years: effective, not effective, not evaluated.
EVALUATIONS = (("effective", 86), ("not_effective", 9), ("pending", 5))

# How many registrations a unit makes, relative to a commune, and at which level, by kind of unit.
REGISTRATION_WEIGHT = {
    "old_province": 1.0,
    "old_province_unit": 4.0,
    "district": 1.5,
    "old_commune": 1.0,
    "province": 1.0,
    "province_unit": 3.0,
    "province_cell": 1.0,
    "commune": 1.2,
    "cell": 0.5,
    "front": 0.6,
    "mass_org": 0.4,
}
LEVELS = {
    "old_province": ((Level.PROVINCE, 1),),
    "old_province_unit": ((Level.BLOC, 3), (Level.GRASSROOTS, 6), (Level.PROVINCE, 1)),
    "district": ((Level.DISTRICT, 8), (Level.PROVINCE, 1)),
    "old_commune": ((Level.COMMUNE, 55), (Level.GRASSROOTS, 30), (Level.DISTRICT, 12), (Level.PROVINCE, 3)),
    "province": ((Level.PROVINCE, 1),),
    "province_unit": ((Level.GRASSROOTS, 5), (Level.PROVINCE, 2)),
    "province_cell": ((Level.GRASSROOTS, 1),),
    "commune": ((Level.COMMUNE, 70), (Level.GRASSROOTS, 25), (Level.PROVINCE, 5)),
    "cell": ((Level.GRASSROOTS, 9), (Level.COMMUNE, 1)),
    "front": ((Level.GRASSROOTS, 6), (Level.COMMUNE, 4)),
    "mass_org": ((Level.GRASSROOTS, 8), (Level.COMMUNE, 2)),
}

MASS_ORGANISATIONS = [
    ("Hội Liên hiệp Phụ nữ", "PN"),
    ("Hội Nông dân", "ND"),
    ("Hội Cựu chiến binh", "CCB"),
    ("Đoàn Thanh niên Cộng sản Hồ Chí Minh", "DTN"),
]

# Units directly under a new province: (name before the place, unit type, code suffix, cells below).
NEW_PROVINCE_UNITS = [
    (
        "Đảng ủy các cơ quan Đảng",
        UnitType.BLOC,
        "DUCQD",
        [
            ("Chi bộ Văn phòng {committee}", UnitType.CELL),
            ("Chi bộ Ban Tổ chức {committee}", UnitType.CELL),
            ("Chi bộ Ban Tuyên giáo và Dân vận {committee}", UnitType.CELL),
            ("Chi bộ Ủy ban Kiểm tra {committee}", UnitType.CELL),
            ("Chi bộ Báo và Phát thanh, Truyền hình {name}", UnitType.CELL),
            ("Chi bộ Trường Chính trị {place}", UnitType.CELL),
        ],
    ),
    (
        "Đảng ủy Ủy ban nhân dân",
        UnitType.BLOC,
        "DUUB",
        [
            ("Đảng bộ Sở Nội vụ {place}", UnitType.AGENCY),
            ("Đảng bộ Sở Tài chính {place}", UnitType.AGENCY),
            ("Đảng bộ Sở Y tế {place}", UnitType.AGENCY),
            ("Đảng bộ Sở Giáo dục và Đào tạo {place}", UnitType.AGENCY),
            ("Đảng bộ Sở Nông nghiệp và Môi trường {place}", UnitType.AGENCY),
            ("Đảng bộ Sở Xây dựng {place}", UnitType.AGENCY),
            ("Đảng bộ Sở Công Thương {place}", UnitType.AGENCY),
            ("Đảng bộ Sở Văn hóa, Thể thao và Du lịch {place}", UnitType.AGENCY),
            ("Đảng bộ Sở Khoa học và Công nghệ {place}", UnitType.AGENCY),
            ("Đảng bộ Sở Tư pháp {place}", UnitType.AGENCY),
        ],
    ),
    ("Đảng ủy Quân sự", UnitType.ARMED, "QS", []),
    ("Đảng ủy Công an", UnitType.ARMED, "CA", []),
    ("Ủy ban Mặt trận Tổ quốc Việt Nam", UnitType.FRONT, "MT", []),
]
# Units directly under an old province, with the code suffix of the new province's unit that
# succeeds them (the blocs were dissolved into the two new blocs in 2025).
OLD_PROVINCE_UNITS = [
    ("Đảng ủy Khối các cơ quan", UnitType.BLOC, "DUKCQ", "DUUB"),
    ("Đảng ủy Khối Doanh nghiệp", UnitType.BLOC, "DUKDN", "DUUB"),
    ("Đảng ủy Quân sự", UnitType.ARMED, "QS", "QS"),
    ("Đảng ủy Công an", UnitType.ARMED, "CA", "CA"),
    ("Ủy ban Mặt trận Tổ quốc Việt Nam", UnitType.FRONT, "MT", "MT"),
]

# Villages and residential groups: "Chi bộ thôn Đồng Tâm", "Chi bộ tổ dân phố số 3".
VILLAGES = [
    "Đông", "Tây", "Nam", "Bắc", "Thượng", "Hạ", "Trung", "Tân Lập", "Tân Tiến", "Hòa Bình",
    "Quyết Tiến", "Đoàn Kết", "Thống Nhất", "Chiến Thắng", "Độc Lập", "Phú Thịnh", "Đồng Tâm",
    "An Lạc", "Bình Minh", "Làng Mới", "Hưng Long", "Phúc Lợi", "Tiền Phong", "Yên Thịnh",
    "Nà Phải", "Bản Chang", "Khuổi Khiếu", "Nà Cà", "Pác Làng", "Cốc Phường", "Đồng Chùa",
    "Tân Hòa", "Xuân Mai", "Hợp Thành", "Minh Khai", "Trung Tâm", "Đồng Xuân", "Cầu Đá",
    "Vĩnh An", "Hòa Lạc", "Phú Mỹ", "An Thạnh", "Long Hưng", "Mỹ Phước", "Bình Thạnh",
]  # fmt: skip
# Who a model is for, to tell apart two models of one unit doing the same kind of thing.
TARGETS = [
    "cho hội viên phụ nữ", "cho hội viên nông dân", "trong đoàn viên thanh niên", "cho người cao tuổi",
    "trong đồng bào dân tộc thiểu số", "ở khu dân cư", "trong cán bộ, công chức", "cho hộ nghèo, cận nghèo",
    "trong học sinh, sinh viên", "trong cựu chiến binh", "ở vùng đồng bào có đạo", "cho người lao động",
]  # fmt: skip
INSTITUTION_CELLS = [
    "Trường Mầm non",
    "Trường Tiểu học",
    "Trường Trung học cơ sở",
    "Trạm Y tế",
    "Công an",
    "Quân sự",
]

POSITIONS = {
    "cell": [
        "Bí thư chi bộ", "Trưởng thôn", "Tổ trưởng tổ dân phố", "Người có uy tín",
        "Chi hội trưởng Chi hội Phụ nữ", "Chi hội trưởng Chi hội Nông dân", "Công an viên",
    ],
    "commune": [
        "Bí thư Đảng ủy", "Phó Bí thư Đảng ủy", "Chủ tịch Ủy ban nhân dân", "Công chức Văn phòng",
        "Trưởng Công an", "Chỉ huy trưởng Ban Chỉ huy quân sự", "Chủ nhiệm Hợp tác xã",
    ],
    "organisation": [
        "Chủ tịch Hội", "Phó Chủ tịch Hội", "Bí thư Đoàn", "Chi hội trưởng", "Ủy viên Ban Thường vụ",
    ],
    "armed": ["Cảnh sát khu vực", "Phó Trưởng Công an", "Sĩ quan", "Trợ lý dân vận", "Chính trị viên"],
    "office": ["Chuyên viên", "Trưởng phòng", "Phó Trưởng phòng", "Kế toán", "Phó Giám đốc", "Văn thư"],
}  # fmt: skip
