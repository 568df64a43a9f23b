# ruff: noqa: E501  (one row per line reads better than the 100-column limit for data)
"""Demo data: the merged province of Lào Cai (Lào Cai + Yên Bái from 1 July 2025) and a second,
small province (Quảng Trị) so that demos and tests have a user outside.

Plain data, no Django: a loader turns these rows into models.

Provenance:
- Central documents (issuer "TW") are real. Symbol, signing date and title were checked against
  public sources; each row says where. Their `text` paraphrases the real subject; it is not the
  real wording.
- Commune and ward names are the real ones after the 2025 reorganization
  (Nghị quyết 1673/NQ-UBTVQH15); the cell names are plausible, not checked.
- Every provincial, district and commune document, every person and every date of an
  organizational change is invented for the demo. The change dates follow the real sequence:
  advisory bodies merged in early 2025, then district level abolished on 1 July 2025.

Symbols must be unique in this file because RELATIONS refer to documents by symbol alone. Real
numbering restarts each term, and restarted again when the merged province was set up on
1 July 2025 (see "03-KH/TU" next to "112-KH/TU" and "240-KH/TU").
"""

from __future__ import annotations

from datetime import date
from typing import NotRequired, TypedDict


class OrgRow(TypedDict):
    code: str
    name: str
    short_name: str
    abbreviation: str
    kind: str  # committee | advisory_body | government_body | mass_organization | grassroots | cell | other
    level: str  # central | province | district | commune | grassroots | cell
    parent: str | None
    valid_from: NotRequired[date]
    valid_to: NotRequired[date]
    successor: NotRequired[str]


class DocumentRow(TypedDict):
    symbol: str
    issuer: str
    owner: str
    signed_on: date
    type_name: str
    title: str
    fields: list[str]
    security_level: str  # normal | confidential | secret | top_secret
    text: str
    review_overrides: NotRequired[list[tuple[str, int, date]]]


class RelationRow(TypedDict):
    source: str
    kind: str  # implements | supersedes | guides | reviews
    target: str


class UserRow(TypedDict):
    username: str
    full_name: str
    organization: str
    role: str  # admin | office | reporter | viewer
    clearance: str  # normal | confidential | secret | top_secret


DEMO_PASSWORD = "demo12345"

FIELDS: list[tuple[str, str]] = [
    ("xay-dung-dang", "Xây dựng Đảng"),
    ("to-chuc-bo-may", "Tổ chức bộ máy"),
    ("kiem-tra-giam-sat", "Kiểm tra, giám sát"),
    ("tu-tuong-van-hoa", "Tư tưởng – văn hóa"),
    ("dan-van", "Dân vận"),
    ("mat-tran-doan-the", "Mặt trận – đoàn thể"),
    ("kinh-te", "Kinh tế"),
    ("van-hoa-xa-hoi", "Văn hóa – xã hội"),
    ("khoa-hoc-cong-nghe-chuyen-doi-so", "Khoa học công nghệ và chuyển đổi số"),
    ("quoc-phong-an-ninh", "Quốc phòng – an ninh"),
    ("noi-chinh", "Nội chính"),
    ("doi-ngoai", "Đối ngoại"),
]

# Dates of the 2025 changes below are demo dates: they follow the real order of events.
_MERGED_ADVISORY = date(2025, 3, 1)  # merged advisory bodies and new party committees start
_LAST_DAY_OLD_ADVISORY = date(2025, 2, 28)
_TWO_TIER = date(2025, 7, 1)  # two-tier local government, merged province
_LAST_DAY_BEFORE_TWO_TIER = date(2025, 6, 30)

# fmt: off
ORGANIZATIONS: list[OrgRow] = [
    # --- Centre ---
    {"code": "TW", "name": "Ban Chấp hành Trung ương Đảng", "short_name": "Trung ương", "abbreviation": "TW", "kind": "committee", "level": "central", "parent": None},
    {"code": "VPTW", "name": "Văn phòng Trung ương Đảng", "short_name": "Văn phòng Trung ương", "abbreviation": "VPTW", "kind": "advisory_body", "level": "central", "parent": "TW"},
    {"code": "BTCTW", "name": "Ban Tổ chức Trung ương", "short_name": "Ban Tổ chức Trung ương", "abbreviation": "BTCTW", "kind": "advisory_body", "level": "central", "parent": "TW"},
    {"code": "BTGDVTW", "name": "Ban Tuyên giáo và Dân vận Trung ương", "short_name": "Ban Tuyên giáo và Dân vận Trung ương", "abbreviation": "BTGDVTW", "kind": "advisory_body", "level": "central", "parent": "TW"},
    {"code": "UBKTTW", "name": "Ủy ban Kiểm tra Trung ương", "short_name": "Ủy ban Kiểm tra Trung ương", "abbreviation": "UBKTTW", "kind": "advisory_body", "level": "central", "parent": "TW"},
    # --- Lào Cai: the provincial committee carries on after absorbing Yên Bái on 1 July 2025 ---
    {"code": "LC-TU", "name": "Tỉnh ủy Lào Cai", "short_name": "Tỉnh ủy", "abbreviation": "TU", "kind": "committee", "level": "province", "parent": "TW"},
    {"code": "YB-TU", "name": "Tỉnh ủy Yên Bái", "short_name": "Tỉnh ủy", "abbreviation": "TU", "kind": "committee", "level": "province", "parent": "TW", "valid_to": _LAST_DAY_BEFORE_TWO_TIER, "successor": "LC-TU"},
    {"code": "LC-VPTU", "name": "Văn phòng Tỉnh ủy Lào Cai", "short_name": "Văn phòng Tỉnh ủy", "abbreviation": "VPTU", "kind": "advisory_body", "level": "province", "parent": "LC-TU"},
    {"code": "LC-BTCTU", "name": "Ban Tổ chức Tỉnh ủy Lào Cai", "short_name": "Ban Tổ chức Tỉnh ủy", "abbreviation": "BTCTU", "kind": "advisory_body", "level": "province", "parent": "LC-TU"},
    {"code": "LC-UBKTTU", "name": "Ủy ban Kiểm tra Tỉnh ủy Lào Cai", "short_name": "Ủy ban Kiểm tra Tỉnh ủy", "abbreviation": "UBKTTU", "kind": "advisory_body", "level": "province", "parent": "LC-TU"},
    {"code": "LC-BTGDVTU", "name": "Ban Tuyên giáo và Dân vận Tỉnh ủy Lào Cai", "short_name": "Ban Tuyên giáo và Dân vận Tỉnh ủy", "abbreviation": "BTGDVTU", "kind": "advisory_body", "level": "province", "parent": "LC-TU", "valid_from": _MERGED_ADVISORY},
    {"code": "LC-BTGTU", "name": "Ban Tuyên giáo Tỉnh ủy Lào Cai", "short_name": "Ban Tuyên giáo Tỉnh ủy", "abbreviation": "BTGTU", "kind": "advisory_body", "level": "province", "parent": "LC-TU", "valid_to": _LAST_DAY_OLD_ADVISORY, "successor": "LC-BTGDVTU"},
    {"code": "LC-BDVTU", "name": "Ban Dân vận Tỉnh ủy Lào Cai", "short_name": "Ban Dân vận Tỉnh ủy", "abbreviation": "BDVTU", "kind": "advisory_body", "level": "province", "parent": "LC-TU", "valid_to": _LAST_DAY_OLD_ADVISORY, "successor": "LC-BTGDVTU"},
    {"code": "LC-BNCTU", "name": "Ban Nội chính Tỉnh ủy Lào Cai", "short_name": "Ban Nội chính Tỉnh ủy", "abbreviation": "BNCTU", "kind": "advisory_body", "level": "province", "parent": "LC-TU"},
    {"code": "LC-DU-UBND", "name": "Đảng ủy Ủy ban nhân dân tỉnh Lào Cai", "short_name": "Đảng ủy UBND tỉnh", "abbreviation": "ĐU", "kind": "committee", "level": "province", "parent": "LC-TU", "valid_from": _MERGED_ADVISORY},
    {"code": "LC-DU-CQD", "name": "Đảng ủy các cơ quan Đảng tỉnh Lào Cai", "short_name": "Đảng ủy các cơ quan Đảng tỉnh", "abbreviation": "ĐU", "kind": "committee", "level": "province", "parent": "LC-TU", "valid_from": _MERGED_ADVISORY},
    # Texts before March 2025 assign tasks to the Ban cán sự đảng; its work passed to the Đảng ủy UBND tỉnh.
    {"code": "LC-BCSD-UBND", "name": "Ban cán sự đảng Ủy ban nhân dân tỉnh Lào Cai", "short_name": "Ban cán sự đảng UBND tỉnh", "abbreviation": "BCSĐ", "kind": "other", "level": "province", "parent": "LC-TU", "valid_to": _LAST_DAY_OLD_ADVISORY, "successor": "LC-DU-UBND"},
    {"code": "LC-UBND", "name": "Ủy ban nhân dân tỉnh Lào Cai", "short_name": "UBND tỉnh", "abbreviation": "UBND", "kind": "government_body", "level": "province", "parent": "LC-TU"},
    {"code": "LC-SKHCN", "name": "Sở Khoa học và Công nghệ tỉnh Lào Cai", "short_name": "Sở Khoa học và Công nghệ", "abbreviation": "SKHCN", "kind": "government_body", "level": "province", "parent": "LC-UBND"},
    {"code": "LC-MTTQ", "name": "Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh Lào Cai", "short_name": "Ủy ban MTTQ tỉnh", "abbreviation": "MTTQ", "kind": "mass_organization", "level": "province", "parent": "LC-TU"},
    # --- The former district committee of Bảo Yên, abolished with the district level ---
    {"code": "LC-H-BAOYEN", "name": "Huyện ủy Bảo Yên", "short_name": "Huyện ủy", "abbreviation": "HU", "kind": "committee", "level": "district", "parent": "LC-TU", "valid_to": _LAST_DAY_BEFORE_TWO_TIER, "successor": "LC-X-BAOYEN"},
    # --- New commune and ward committees (real names after 1 July 2025) ---
    {"code": "LC-P-YENBAI", "name": "Đảng ủy phường Yên Bái", "short_name": "Đảng ủy phường", "abbreviation": "ĐU", "kind": "committee", "level": "commune", "parent": "LC-TU", "valid_from": _TWO_TIER},
    {"code": "LC-P-VANPHU", "name": "Đảng ủy phường Văn Phú", "short_name": "Đảng ủy phường", "abbreviation": "ĐU", "kind": "committee", "level": "commune", "parent": "LC-TU", "valid_from": _TWO_TIER},
    {"code": "LC-P-NGHIALO", "name": "Đảng ủy phường Nghĩa Lộ", "short_name": "Đảng ủy phường", "abbreviation": "ĐU", "kind": "committee", "level": "commune", "parent": "LC-TU", "valid_from": _TWO_TIER},
    {"code": "LC-P-LAOCAI", "name": "Đảng ủy phường Lào Cai", "short_name": "Đảng ủy phường", "abbreviation": "ĐU", "kind": "committee", "level": "commune", "parent": "LC-TU", "valid_from": _TWO_TIER},
    {"code": "LC-P-CAMDUONG", "name": "Đảng ủy phường Cam Đường", "short_name": "Đảng ủy phường", "abbreviation": "ĐU", "kind": "committee", "level": "commune", "parent": "LC-TU", "valid_from": _TWO_TIER},
    {"code": "LC-P-SAPA", "name": "Đảng ủy phường Sa Pa", "short_name": "Đảng ủy phường", "abbreviation": "ĐU", "kind": "committee", "level": "commune", "parent": "LC-TU", "valid_from": _TWO_TIER},
    {"code": "LC-X-BAOYEN", "name": "Đảng ủy xã Bảo Yên", "short_name": "Đảng ủy xã", "abbreviation": "ĐU", "kind": "committee", "level": "commune", "parent": "LC-TU", "valid_from": _TWO_TIER},
    {"code": "LC-X-NGHIADO", "name": "Đảng ủy xã Nghĩa Đô", "short_name": "Đảng ủy xã", "abbreviation": "ĐU", "kind": "committee", "level": "commune", "parent": "LC-TU", "valid_from": _TWO_TIER},
    {"code": "LC-X-BAOHA", "name": "Đảng ủy xã Bảo Hà", "short_name": "Đảng ủy xã", "abbreviation": "ĐU", "kind": "committee", "level": "commune", "parent": "LC-TU", "valid_from": _TWO_TIER},
    {"code": "LC-X-BAOTHANG", "name": "Đảng ủy xã Bảo Thắng", "short_name": "Đảng ủy xã", "abbreviation": "ĐU", "kind": "committee", "level": "commune", "parent": "LC-TU", "valid_from": _TWO_TIER},
    # --- Party cells ---
    {"code": "LC-P-YENBAI-CB01", "name": "Chi bộ tổ dân phố số 3", "short_name": "Chi bộ", "abbreviation": "CB", "kind": "cell", "level": "cell", "parent": "LC-P-YENBAI"},
    {"code": "LC-P-YENBAI-CB02", "name": "Chi bộ tổ dân phố số 7", "short_name": "Chi bộ", "abbreviation": "CB", "kind": "cell", "level": "cell", "parent": "LC-P-YENBAI"},
    {"code": "LC-P-YENBAI-CB03", "name": "Chi bộ Cơ quan Đảng ủy phường Yên Bái", "short_name": "Chi bộ", "abbreviation": "CB", "kind": "cell", "level": "cell", "parent": "LC-P-YENBAI"},
    {"code": "LC-P-VANPHU-CB01", "name": "Chi bộ tổ dân phố số 9", "short_name": "Chi bộ", "abbreviation": "CB", "kind": "cell", "level": "cell", "parent": "LC-P-VANPHU"},
    {"code": "LC-P-VANPHU-CB02", "name": "Chi bộ Trường Tiểu học Văn Phú", "short_name": "Chi bộ", "abbreviation": "CB", "kind": "cell", "level": "cell", "parent": "LC-P-VANPHU"},
    {"code": "LC-P-NGHIALO-CB01", "name": "Chi bộ tổ dân phố số 1", "short_name": "Chi bộ", "abbreviation": "CB", "kind": "cell", "level": "cell", "parent": "LC-P-NGHIALO"},
    {"code": "LC-P-NGHIALO-CB02", "name": "Chi bộ tổ dân phố số 5", "short_name": "Chi bộ", "abbreviation": "CB", "kind": "cell", "level": "cell", "parent": "LC-P-NGHIALO"},
    {"code": "LC-P-LAOCAI-CB01", "name": "Chi bộ tổ dân phố số 12", "short_name": "Chi bộ", "abbreviation": "CB", "kind": "cell", "level": "cell", "parent": "LC-P-LAOCAI"},
    {"code": "LC-P-LAOCAI-CB02", "name": "Chi bộ Trung tâm Văn hóa, Thể thao và Truyền thông phường Lào Cai", "short_name": "Chi bộ", "abbreviation": "CB", "kind": "cell", "level": "cell", "parent": "LC-P-LAOCAI"},
    {"code": "LC-P-LAOCAI-CB03", "name": "Chi bộ tổ dân phố số 20", "short_name": "Chi bộ", "abbreviation": "CB", "kind": "cell", "level": "cell", "parent": "LC-P-LAOCAI"},
    {"code": "LC-P-CAMDUONG-CB01", "name": "Chi bộ tổ dân phố số 4", "short_name": "Chi bộ", "abbreviation": "CB", "kind": "cell", "level": "cell", "parent": "LC-P-CAMDUONG"},
    {"code": "LC-P-CAMDUONG-CB02", "name": "Chi bộ tổ dân phố số 15", "short_name": "Chi bộ", "abbreviation": "CB", "kind": "cell", "level": "cell", "parent": "LC-P-CAMDUONG"},
    {"code": "LC-P-SAPA-CB01", "name": "Chi bộ tổ dân phố số 2", "short_name": "Chi bộ", "abbreviation": "CB", "kind": "cell", "level": "cell", "parent": "LC-P-SAPA"},
    {"code": "LC-P-SAPA-CB02", "name": "Chi bộ Ban Quản lý Khu du lịch phường Sa Pa", "short_name": "Chi bộ", "abbreviation": "CB", "kind": "cell", "level": "cell", "parent": "LC-P-SAPA"},
    {"code": "LC-X-BAOYEN-CB01", "name": "Chi bộ thôn 9A", "short_name": "Chi bộ", "abbreviation": "CB", "kind": "cell", "level": "cell", "parent": "LC-X-BAOYEN"},
    {"code": "LC-X-BAOYEN-CB02", "name": "Chi bộ thôn 9B", "short_name": "Chi bộ", "abbreviation": "CB", "kind": "cell", "level": "cell", "parent": "LC-X-BAOYEN"},
    {"code": "LC-X-BAOYEN-CB03", "name": "Chi bộ Cơ quan Đảng ủy xã Bảo Yên", "short_name": "Chi bộ", "abbreviation": "CB", "kind": "cell", "level": "cell", "parent": "LC-X-BAOYEN", "valid_from": _TWO_TIER},
    {"code": "LC-X-NGHIADO-CB01", "name": "Chi bộ thôn Bản Hốc", "short_name": "Chi bộ", "abbreviation": "CB", "kind": "cell", "level": "cell", "parent": "LC-X-NGHIADO"},
    {"code": "LC-X-NGHIADO-CB02", "name": "Chi bộ thôn Nà Đình", "short_name": "Chi bộ", "abbreviation": "CB", "kind": "cell", "level": "cell", "parent": "LC-X-NGHIADO"},
    {"code": "LC-X-BAOHA-CB01", "name": "Chi bộ thôn Bảo Vinh", "short_name": "Chi bộ", "abbreviation": "CB", "kind": "cell", "level": "cell", "parent": "LC-X-BAOHA"},
    {"code": "LC-X-BAOHA-CB02", "name": "Chi bộ Trường Trung học cơ sở Bảo Hà", "short_name": "Chi bộ", "abbreviation": "CB", "kind": "cell", "level": "cell", "parent": "LC-X-BAOHA"},
    {"code": "LC-X-BAOTHANG-CB01", "name": "Chi bộ tổ dân phố số 6", "short_name": "Chi bộ", "abbreviation": "CB", "kind": "cell", "level": "cell", "parent": "LC-X-BAOTHANG"},
    {"code": "LC-X-BAOTHANG-CB02", "name": "Chi bộ thôn Cốc Sâm", "short_name": "Chi bộ", "abbreviation": "CB", "kind": "cell", "level": "cell", "parent": "LC-X-BAOTHANG"},
    # Cells of the former district: one moved into the new commune, one dissolved (members to the commune).
    {"code": "LC-H-BAOYEN-CB01", "name": "Chi bộ Văn phòng Huyện ủy Bảo Yên", "short_name": "Chi bộ", "abbreviation": "CB", "kind": "cell", "level": "cell", "parent": "LC-H-BAOYEN", "valid_to": _LAST_DAY_BEFORE_TWO_TIER, "successor": "LC-X-BAOYEN-CB03"},
    {"code": "LC-H-BAOYEN-CB02", "name": "Chi bộ Phòng Tài chính – Kế hoạch huyện Bảo Yên", "short_name": "Chi bộ", "abbreviation": "CB", "kind": "cell", "level": "cell", "parent": "LC-H-BAOYEN", "valid_to": _LAST_DAY_BEFORE_TWO_TIER, "successor": "LC-X-BAOYEN"},
    # --- Second province: the user outside ---
    {"code": "QT-TU", "name": "Tỉnh ủy Quảng Trị", "short_name": "Tỉnh ủy", "abbreviation": "TU", "kind": "committee", "level": "province", "parent": "TW"},
    {"code": "QT-P-DONGHA", "name": "Đảng ủy phường Đông Hà", "short_name": "Đảng ủy phường", "abbreviation": "ĐU", "kind": "committee", "level": "commune", "parent": "QT-TU", "valid_from": _TWO_TIER},
    {"code": "QT-P-NAMDONGHA", "name": "Đảng ủy phường Nam Đông Hà", "short_name": "Đảng ủy phường", "abbreviation": "ĐU", "kind": "committee", "level": "commune", "parent": "QT-TU", "valid_from": _TWO_TIER},
]

_CENTRAL_DOCUMENTS: list[DocumentRow] = [
    # Politburo. Verified: tuyenquang HĐND, tinhuyquangtri.vn, ict-binhphuoc (dates and title agree).
    {"symbol": "05-CT/TW", "issuer": "TW", "owner": "LC-TU", "signed_on": date(2016, 5, 15), "type_name": "Chỉ thị",
     "title": "về đẩy mạnh học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh",
     "fields": ["tu-tuong-van-hoa", "xay-dung-dang"], "security_level": "normal",
     "text": "Bộ Chính trị yêu cầu toàn Đảng, toàn dân, toàn quân đẩy mạnh học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh, tạo chuyển biến mạnh mẽ cả về nhận thức và hành động. So với các chỉ thị trước, nội dung mở rộng từ tấm gương đạo đức sang cả tư tưởng và phong cách của Người. Trọng tâm là trách nhiệm nêu gương của cán bộ, đảng viên, trước hết là người đứng đầu, gắn với thực hiện nghị quyết Trung ương về xây dựng, chỉnh đốn Đảng. Hằng năm, các cấp ủy xác định nội dung đột phá, đưa việc học tập và làm theo Bác vào sinh hoạt chi bộ định kỳ. Các tỉnh ủy, thành ủy, đảng ủy trực thuộc Trung ương xây dựng chương trình, kế hoạch thực hiện; Ban Tuyên giáo Trung ương chủ trì hướng dẫn, theo dõi, định kỳ sơ kết, tổng kết."},
    # Central Committee, 4th plenum of the 12th term. Verified: lib.hutech.edu.vn, blog quoting the signing (30/10/2016).
    {"symbol": "04-NQ/TW", "issuer": "TW", "owner": "LC-TU", "signed_on": date(2016, 10, 30), "type_name": "Nghị quyết",
     "title": "về tăng cường xây dựng, chỉnh đốn Đảng; ngăn chặn, đẩy lùi sự suy thoái về tư tưởng chính trị, đạo đức, lối sống, những biểu hiện “tự diễn biến”, “tự chuyển hóa” trong nội bộ",
     "fields": ["xay-dung-dang"], "security_level": "normal",
     "text": "Nghị quyết Hội nghị lần thứ tư Ban Chấp hành Trung ương khóa XII chỉ ra một cách có hệ thống các biểu hiện suy thoái về tư tưởng chính trị, đạo đức, lối sống và “tự diễn biến”, “tự chuyển hóa” trong nội bộ. Nghị quyết yêu cầu kiên quyết, kiên trì thực hiện Nghị quyết Trung ương 4 khóa XI, gắn với Chỉ thị số 05-CT/TW ngày 15/5/2016 của Bộ Chính trị. Các nhóm nhiệm vụ, giải pháp gồm công tác chính trị, tư tưởng, tự phê bình và phê bình; cơ chế, chính sách; kiểm tra, giám sát, kỷ luật đảng; phát huy vai trò của nhân dân và Mặt trận Tổ quốc. Mỗi tổ chức đảng, đảng viên tự soi, tự sửa, kiểm điểm theo các biểu hiện đã được chỉ ra."},
    # Central Committee, 6th plenum of the 12th term. Verified: Quyết định 949/QĐ-BTP quoting it, cafef.vn, tek4tv.
    {"symbol": "18-NQ/TW", "issuer": "TW", "owner": "LC-TU", "signed_on": date(2017, 10, 25), "type_name": "Nghị quyết",
     "title": "một số vấn đề về tiếp tục đổi mới, sắp xếp tổ chức bộ máy của hệ thống chính trị tinh gọn, hoạt động hiệu lực, hiệu quả",
     "fields": ["to-chuc-bo-may", "xay-dung-dang"], "security_level": "normal",
     "text": "Nghị quyết Hội nghị lần thứ sáu Ban Chấp hành Trung ương khóa XII yêu cầu tiếp tục đổi mới, sắp xếp tổ chức bộ máy của hệ thống chính trị theo hướng tinh gọn, giảm đầu mối, giảm cấp trung gian, gắn với tinh giản biên chế và cơ cấu lại đội ngũ cán bộ. Nghị quyết cho phép thí điểm hợp nhất một số cơ quan tham mưu, giúp việc của cấp ủy với cơ quan chuyên môn có chức năng, nhiệm vụ tương đồng và thí điểm bí thư cấp ủy đồng thời là chủ tịch ủy ban nhân dân ở cấp huyện, cấp xã. Các cấp ủy, tổ chức đảng xây dựng kế hoạch thực hiện với lộ trình cụ thể; Ban Tổ chức Trung ương chủ trì theo dõi, đôn đốc và tham mưu sơ kết, tổng kết."},
    # Politburo. Verified: hcma.vn, thads.moj.gov.vn (Hậu Giang), mekongasean.vn.
    {"symbol": "35-NQ/TW", "issuer": "TW", "owner": "LC-TU", "signed_on": date(2018, 10, 22), "type_name": "Nghị quyết",
     "title": "về tăng cường bảo vệ nền tảng tư tưởng của Đảng, đấu tranh phản bác các quan điểm sai trái, thù địch trong tình hình mới",
     "fields": ["tu-tuong-van-hoa"], "security_level": "normal",
     "text": "Bộ Chính trị xác định bảo vệ nền tảng tư tưởng của Đảng, đấu tranh phản bác các quan điểm sai trái, thù địch là nhiệm vụ quan trọng, thường xuyên, lâu dài của cả hệ thống chính trị. Nghị quyết yêu cầu chủ động phát hiện, đấu tranh với thông tin xấu độc, nhất là trên không gian mạng; phát huy vai trò của báo chí, đội ngũ báo cáo viên và lực lượng nòng cốt. Các cấp ủy kiện toàn ban chỉ đạo, xây dựng kế hoạch thực hiện và đưa nội dung bảo vệ nền tảng tư tưởng vào sinh hoạt chi bộ."},
    # Politburo. Verified: three public texts quoting "Kết luận số 01-KL/TW ngày 18/5/2021 của Bộ Chính trị về tiếp tục thực hiện Chỉ thị số 05-CT/TW".
    {"symbol": "01-KL/TW", "issuer": "TW", "owner": "LC-TU", "signed_on": date(2021, 5, 18), "type_name": "Kết luận",
     "title": "về tiếp tục thực hiện Chỉ thị số 05-CT/TW của Bộ Chính trị khóa XII về đẩy mạnh học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh",
     "fields": ["tu-tuong-van-hoa", "xay-dung-dang"], "security_level": "normal",
     "text": "Sau 5 năm thực hiện Chỉ thị số 05-CT/TW ngày 15/5/2016, Bộ Chính trị đánh giá việc học tập và làm theo Bác đã trở thành nội dung sinh hoạt thường xuyên của nhiều tổ chức đảng, song ở một số nơi còn hình thức. Kết luận yêu cầu tiếp tục thực hiện Chỉ thị gắn với Nghị quyết Trung ương 4 khóa XII, coi kết quả làm theo là một tiêu chí đánh giá, xếp loại tổ chức đảng và đảng viên hằng năm. Các cấp ủy rà soát, bổ sung chương trình, kế hoạch và định kỳ sơ kết việc thực hiện."},
    # Central Committee. Verified: antv.gov.vn, lsvn.vn, tuyengiaotiengiang (replaces 30-QĐ/TW of 26/7/2016; 7 chapters, 36 articles).
    {"symbol": "22-QĐ/TW", "issuer": "TW", "owner": "LC-TU", "signed_on": date(2021, 7, 28), "type_name": "Quy định",
     "title": "về công tác kiểm tra, giám sát và kỷ luật của Đảng",
     "fields": ["kiem-tra-giam-sat", "xay-dung-dang"], "security_level": "normal",
     "text": "Quy định thay thế Quy định số 30-QĐ/TW ngày 26/7/2016, gồm 7 chương, 36 điều, quy định toàn diện về kiểm tra, giám sát, thi hành kỷ luật, giải quyết tố cáo, khiếu nại kỷ luật và đình chỉ sinh hoạt đảng. Đối tượng áp dụng bao gồm cả tổ chức đảng đã hết nhiệm kỳ, đã giải thể hoặc thay đổi do chia tách, sáp nhập và đảng viên đã chuyển công tác, nghỉ hưu. Công tác kiểm tra, giám sát phải kịp thời phát hiện nhân tố mới, bảo vệ cán bộ dám nghĩ, dám làm, dám chịu trách nhiệm vì lợi ích chung. Ủy ban Kiểm tra Trung ương hướng dẫn thực hiện Quy định."},
    # Central Committee, 5th plenum of the 13th term. Number, plenum and title verified (baobinhthuan.com.vn,
    # quangninh.gov.vn); the day 16/6/2022 is that of its sibling resolutions of the same plenum (19-NQ/TW
    # ngày 16-6-2022, verified) and was not found verbatim for 21-NQ/TW itself.
    {"symbol": "21-NQ/TW", "issuer": "TW", "owner": "LC-TU", "signed_on": date(2022, 6, 16), "type_name": "Nghị quyết",
     "title": "về tăng cường củng cố, xây dựng tổ chức cơ sở đảng và nâng cao chất lượng đội ngũ đảng viên trong giai đoạn mới",
     "fields": ["xay-dung-dang"], "security_level": "normal",
     "text": "Nghị quyết Hội nghị lần thứ năm Ban Chấp hành Trung ương khóa XIII nhận định năng lực lãnh đạo, sức chiến đấu của không ít tổ chức cơ sở đảng còn hạn chế, chất lượng sinh hoạt chi bộ ở nhiều nơi chưa cao. Nghị quyết đề ra nhiệm vụ nâng cao chất lượng sinh hoạt chi bộ, củng cố tổ chức cơ sở đảng yếu kém, đổi mới công tác phát triển đảng viên, nhất là ở vùng sâu, vùng xa, vùng đồng bào dân tộc thiểu số. Các tỉnh ủy, thành ủy xây dựng chương trình, kế hoạch thực hiện; Ban Tổ chức Trung ương chủ trì hướng dẫn, theo dõi và định kỳ sơ kết."},
    # Central Committee, 8th plenum of the 13th term. Verified: kontum.gov.vn (provincial programme citing it), thuvienphapluat.vn, dbkcqdnbacninh.vn.
    {"symbol": "45-NQ/TW", "issuer": "TW", "owner": "LC-TU", "signed_on": date(2023, 11, 24), "type_name": "Nghị quyết",
     "title": "về tiếp tục xây dựng và phát huy vai trò của đội ngũ trí thức đáp ứng yêu cầu phát triển đất nước nhanh và bền vững trong giai đoạn mới",
     "fields": ["khoa-hoc-cong-nghe-chuyen-doi-so", "van-hoa-xa-hoi"], "security_level": "normal",
     "text": "Sau 15 năm thực hiện Nghị quyết số 27-NQ/TW khóa X về đội ngũ trí thức, Ban Chấp hành Trung ương đánh giá nhận thức về vai trò của trí thức ngày càng đầy đủ, song chính sách trọng dụng, đãi ngộ còn bất cập. Nghị quyết xác định tầm nhìn đến năm 2045 đội ngũ trí thức Việt Nam lớn mạnh, chất lượng cao, thuộc tốp đầu khu vực. Nhiệm vụ trọng tâm là hoàn thiện chính sách thu hút, trọng dụng, tôn vinh trí thức và bảo đảm tự do sáng tạo trong nghiên cứu khoa học. Các cấp ủy xây dựng chương trình hành động gắn với kế hoạch phát triển nguồn nhân lực của địa phương."},
    # Politburo. Verified: apag.edu.vn (metadata: số hiệu, ngày ban hành, trích yếu), vietbao, baohatinh.vn.
    {"symbol": "57-NQ/TW", "issuer": "TW", "owner": "LC-TU", "signed_on": date(2024, 12, 22), "type_name": "Nghị quyết",
     "title": "về đột phá phát triển khoa học, công nghệ, đổi mới sáng tạo và chuyển đổi số quốc gia",
     "fields": ["khoa-hoc-cong-nghe-chuyen-doi-so"], "security_level": "normal",
     "text": "Bộ Chính trị xác định phát triển khoa học, công nghệ, đổi mới sáng tạo và chuyển đổi số quốc gia là đột phá quan trọng hàng đầu, là động lực chính để phát triển nhanh lực lượng sản xuất hiện đại và đổi mới phương thức quản trị quốc gia. Nghị quyết yêu cầu hoàn thiện thể chế, đầu tư hạ tầng số, phát triển nhân lực chất lượng cao, bảo đảm an ninh, an toàn thông tin và dữ liệu. Người đứng đầu cấp ủy, chính quyền trực tiếp lãnh đạo, chỉ đạo; các cấp ủy kiện toàn ban chỉ đạo và ban hành chương trình hành động thực hiện Nghị quyết."},
    # Central Committee. Verified: quoted verbatim in Kết luận 127-KL/TW ("Kết luận số 121-KL/TW, ngày 24/01/2025 của
    # Ban Chấp hành Trung ương Đảng về tổng kết Nghị quyết số 18-NQ/TW"), laodong.vn on Kết luận 126-KL/TW.
    {"symbol": "121-KL/TW", "issuer": "TW", "owner": "LC-TU", "signed_on": date(2025, 1, 24), "type_name": "Kết luận",
     "title": "về tổng kết Nghị quyết số 18-NQ/TW của Ban Chấp hành Trung ương Đảng khóa XII",
     "fields": ["to-chuc-bo-may"], "security_level": "normal",
     "text": "Ban Chấp hành Trung ương thống nhất đánh giá kết quả 7 năm thực hiện Nghị quyết số 18-NQ/TW ngày 25/10/2017 và chủ trương tiếp tục sắp xếp tổ chức bộ máy của hệ thống chính trị. Một số cơ quan tham mưu, giúp việc của cấp ủy được hợp nhất, trong đó có ban tuyên giáo và ban dân vận; ban cán sự đảng, đảng đoàn kết thúc hoạt động, thay bằng các đảng bộ mới. Các cấp ủy, tổ chức đảng khẩn trương triển khai theo lộ trình, bảo đảm hoạt động thông suốt, không để gián đoạn công việc."},
    # Politburo. Verified: vtcnews.vn, vnanet.vn, plo.vn, thoibaotaichinhvietnam.vn (one site gives 22/12/2024: outvoted).
    {"symbol": "59-NQ/TW", "issuer": "TW", "owner": "LC-TU", "signed_on": date(2025, 1, 24), "type_name": "Nghị quyết",
     "title": "về hội nhập quốc tế trong tình hình mới",
     "fields": ["doi-ngoai", "kinh-te"], "security_level": "normal",
     "text": "Bộ Chính trị xác định hội nhập quốc tế là nhiệm vụ trọng yếu, thường xuyên, là động lực chiến lược để xây dựng và bảo vệ Tổ quốc trong kỷ nguyên mới. Nghị quyết yêu cầu chuyển từ tư duy tham gia, thích ứng sang chủ động đóng góp, tận dụng cơ hội hợp tác quốc tế gắn với nâng cao năng lực nội sinh. Các cấp ủy, tổ chức đảng xây dựng chương trình hành động và lồng ghép mục tiêu hội nhập vào kế hoạch phát triển kinh tế – xã hội."},
    # Politburo. Verified: phaply.net.vn, dhcsnd.edu.vn, baomoi (Bộ Tư pháp workshop).
    {"symbol": "66-NQ/TW", "issuer": "TW", "owner": "LC-TU", "signed_on": date(2025, 4, 30), "type_name": "Nghị quyết",
     "title": "về đổi mới công tác xây dựng và thi hành pháp luật đáp ứng yêu cầu phát triển đất nước trong kỷ nguyên mới",
     "fields": ["noi-chinh"], "security_level": "normal",
     "text": "Bộ Chính trị yêu cầu đổi mới tư duy xây dựng pháp luật theo hướng vừa bảo đảm quản lý nhà nước vừa kiến tạo phát triển, khơi thông nguồn lực. Nghị quyết chỉ rõ hạn chế như pháp luật còn chồng chéo, thủ tục hành chính rườm rà, cơ chế phản ứng chính sách chậm. Nhiệm vụ trọng tâm là gắn xây dựng với thi hành pháp luật, đẩy mạnh chuyển đổi số và xây dựng cơ sở dữ liệu pháp luật dùng chung. Các cấp ủy xây dựng kế hoạch thực hiện, lấy mức độ pháp luật đi vào đời sống làm thước đo."},
    # Politburo. Verified: full text on dientuungdung.vn (header "Số 68-NQ/TW ... ngày 04 tháng 5 năm 2025 ... NGHỊ QUYẾT
    # CỦA BỘ CHÍNH TRỊ về phát triển kinh tế tư nhân"), vawe.org.vn.
    {"symbol": "68-NQ/TW", "issuer": "TW", "owner": "LC-TU", "signed_on": date(2025, 5, 4), "type_name": "Nghị quyết",
     "title": "về phát triển kinh tế tư nhân",
     "fields": ["kinh-te"], "security_level": "normal",
     "text": "Bộ Chính trị xác định kinh tế tư nhân là một động lực quan trọng nhất của nền kinh tế quốc gia. Nghị quyết đặt mục tiêu đến năm 2030 có 2 triệu doanh nghiệp hoạt động, 20 doanh nghiệp trên một nghìn dân, khu vực tư nhân đóng góp khoảng 55–58% GDP. Nhiệm vụ trọng tâm là đổi mới tư duy, bảo vệ quyền sở hữu và quyền tự do kinh doanh, cải cách thủ tục hành chính, hỗ trợ doanh nghiệp tiếp cận đất đai, vốn và công nghệ. Các cấp ủy ban hành chương trình hành động, người đứng đầu chịu trách nhiệm về kết quả thực hiện."},
]

# Everything below is invented for the demo.
_PROVINCE_DOCUMENTS: list[DocumentRow] = [
    {"symbol": "20-CTr/TU", "issuer": "LC-TU", "owner": "LC-TU", "signed_on": date(2016, 7, 12), "type_name": "Chương trình",
     "title": "hành động thực hiện Chỉ thị số 05-CT/TW ngày 15/5/2016 của Bộ Chính trị về đẩy mạnh học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh",
     "fields": ["tu-tuong-van-hoa", "xay-dung-dang"], "security_level": "normal",
     "text": "Thực hiện Chỉ thị số 05-CT/TW ngày 15/5/2016 của Bộ Chính trị, Ban Thường vụ Tỉnh ủy ban hành Chương trình hành động nhằm đưa việc học tập và làm theo Bác thành nền nếp trong các cấp ủy, cơ quan, đơn vị. Hằng năm, mỗi cán bộ, đảng viên đăng ký nội dung làm theo gắn với nhiệm vụ được giao và được chi bộ đánh giá vào cuối năm. Giao Ban Tuyên giáo Tỉnh ủy chủ trì, phối hợp với Văn phòng Tỉnh ủy hướng dẫn các huyện ủy, thành ủy xây dựng kế hoạch thực hiện, hoàn thành trước ngày 30/8/2016. Các cấp ủy trực thuộc báo cáo kết quả định kỳ 6 tháng về Ban Thường vụ Tỉnh ủy (qua Ban Tuyên giáo Tỉnh ủy)."},
    {"symbol": "10-NQ/TU", "issuer": "LC-TU", "owner": "LC-TU", "signed_on": date(2017, 3, 15), "type_name": "Nghị quyết",
     "title": "về đẩy mạnh ứng dụng công nghệ thông tin, xây dựng chính quyền điện tử tỉnh Lào Cai giai đoạn 2017–2020",
     "fields": ["khoa-hoc-cong-nghe-chuyen-doi-so"], "security_level": "normal",
     "text": "Nghị quyết đặt mục tiêu đến năm 2020 các cơ quan Đảng, chính quyền cấp tỉnh, cấp huyện gửi, nhận văn bản điện tử và cung cấp dịch vụ công trực tuyến mức độ 3 đối với các thủ tục có nhu cầu lớn. Giao Ban cán sự đảng UBND tỉnh chỉ đạo xây dựng trung tâm tích hợp dữ liệu của tỉnh, hoàn thành trong năm 2018. Văn phòng Tỉnh ủy chủ trì triển khai hệ thống quản lý văn bản và điều hành trong các cơ quan Đảng, kết nối đến cấp huyện trước ngày 31/12/2017."},
    {"symbol": "112-KH/TU", "issuer": "LC-TU", "owner": "LC-TU", "signed_on": date(2018, 1, 15), "type_name": "Kế hoạch",
     "title": "thực hiện Nghị quyết số 18-NQ/TW ngày 25/10/2017 của Ban Chấp hành Trung ương Đảng khóa XII",
     "fields": ["to-chuc-bo-may"], "security_level": "normal",
     "text": "Kế hoạch xác định lộ trình sắp xếp, kiện toàn tổ chức bộ máy các cơ quan Đảng, Mặt trận Tổ quốc và các đoàn thể của tỉnh giai đoạn 2018–2021. Giao Ban Tổ chức Tỉnh ủy chủ trì, phối hợp với Ban cán sự đảng UBND tỉnh xây dựng đề án thí điểm hợp nhất văn phòng cấp ủy với văn phòng HĐND và UBND cấp huyện, trình Ban Thường vụ Tỉnh ủy trong quý III/2018. Các huyện ủy, thành ủy rà soát, sáp nhập thôn, tổ dân phố không đủ tiêu chuẩn, hoàn thành trước ngày 31/12/2019. Ban Tổ chức Tỉnh ủy theo dõi, đôn đốc, báo cáo Ban Thường vụ Tỉnh ủy hằng năm."},
    {"symbol": "12-HD/BTGTU", "issuer": "LC-BTGTU", "owner": "LC-TU", "signed_on": date(2019, 3, 20), "type_name": "Hướng dẫn",
     "title": "triển khai thực hiện Nghị quyết số 35-NQ/TW ngày 22/10/2018 của Bộ Chính trị trên địa bàn tỉnh",
     "fields": ["tu-tuong-van-hoa"], "security_level": "normal",
     "text": "Ban Tuyên giáo Tỉnh ủy hướng dẫn các cấp ủy kiện toàn ban chỉ đạo và lực lượng nòng cốt đấu tranh bảo vệ nền tảng tư tưởng của Đảng theo Nghị quyết số 35-NQ/TW. Các huyện ủy, thành ủy và đảng ủy trực thuộc Tỉnh ủy gửi danh sách lực lượng nòng cốt về Ban Tuyên giáo Tỉnh ủy trước ngày 30/4/2019. Định kỳ hằng quý, các ban chỉ đạo cấp huyện tổng hợp tình hình dư luận xã hội và kết quả đấu tranh trên không gian mạng, báo cáo chậm nhất ngày 20 của tháng cuối quý."},
    {"symbol": "05-NQ/TU", "issuer": "LC-TU", "owner": "LC-TU", "signed_on": date(2021, 8, 20), "type_name": "Nghị quyết",
     "title": "về chuyển đổi số tỉnh Lào Cai giai đoạn 2021–2025, định hướng đến năm 2030",
     "fields": ["khoa-hoc-cong-nghe-chuyen-doi-so"], "security_level": "normal",
     "text": "Nghị quyết này thay thế Nghị quyết số 10-NQ/TU ngày 15/3/2017 của Ban Chấp hành Đảng bộ tỉnh. Mục tiêu đến năm 2025, 100% văn bản không mật giữa các cơ quan Đảng, chính quyền được gửi, nhận trên môi trường mạng và 80% hồ sơ thủ tục hành chính được xử lý trực tuyến. Giao Ban cán sự đảng UBND tỉnh chỉ đạo xây dựng nền tảng tích hợp, chia sẻ dữ liệu của tỉnh trong năm 2022. Giao Văn phòng Tỉnh ủy chủ trì chuyển đổi số trong các cơ quan Đảng, hoàn thành số hóa hồ sơ lưu trữ giai đoạn 2016–2020 trước ngày 31/12/2023. Ban Tuyên giáo Tỉnh ủy chỉ đạo tuyên truyền thường xuyên về lợi ích của chuyển đổi số."},
    # A resolution valid ten years that fixes its own review dates (interim 1, interim 2, final).
    {"symbol": "09-NQ/TU", "issuer": "LC-TU", "owner": "LC-TU", "signed_on": date(2021, 12, 20), "type_name": "Nghị quyết",
     "title": "về phát triển hạ tầng giao thông, logistics gắn với kinh tế cửa khẩu giai đoạn 2021–2030, tầm nhìn đến năm 2045",
     "fields": ["kinh-te"], "security_level": "normal",
     "text": "Nghị quyết xác định phát triển hạ tầng giao thông kết nối cửa khẩu quốc tế và hình thành trung tâm logistics cấp vùng là khâu đột phá của tỉnh đến năm 2030. Giao Ban cán sự đảng UBND tỉnh chỉ đạo lập danh mục dự án ưu tiên, trình Ban Thường vụ Tỉnh ủy trong quý II/2022, và bố trí vốn đầu tư công hằng năm. Định kỳ sơ kết 3 năm vào tháng 12/2024, sơ kết 6 năm vào tháng 12/2027 và tổng kết 10 năm vào tháng 12/2030. Giao Văn phòng Tỉnh ủy chủ trì, phối hợp với Ban cán sự đảng UBND tỉnh tham mưu tổ chức sơ kết, tổng kết; báo cáo kết quả thực hiện trước ngày 15/11 hằng năm.",
     "review_overrides": [("interim", 1, date(2024, 12, 15)), ("interim", 2, date(2027, 12, 15)), ("final", 1, date(2030, 12, 15))]},
    {"symbol": "02-HD/UBKTTU", "issuer": "LC-UBKTTU", "owner": "LC-TU", "signed_on": date(2021, 11, 5), "type_name": "Hướng dẫn",
     "title": "thực hiện một số điều của Quy định số 22-QĐ/TW ngày 28/7/2021 của Ban Chấp hành Trung ương về công tác kiểm tra, giám sát và kỷ luật của Đảng",
     "fields": ["kiem-tra-giam-sat"], "security_level": "normal",
     "text": "Ủy ban Kiểm tra Tỉnh ủy hướng dẫn các cấp ủy, ủy ban kiểm tra trực thuộc thực hiện Quy định số 22-QĐ/TW, nhất là các nội dung mới về đối tượng áp dụng và thẩm quyền thi hành kỷ luật. Ủy ban kiểm tra các huyện ủy, thành ủy, thị ủy rà soát, sửa đổi quy chế làm việc và chương trình kiểm tra, giám sát, hoàn thành trước ngày 31/12/2021. Báo cáo công tác kiểm tra, giám sát định kỳ 6 tháng gửi trước ngày 15/6 và báo cáo năm gửi trước ngày 15/12."},
    {"symbol": "07-CT/TU", "issuer": "LC-TU", "owner": "LC-TU", "signed_on": date(2023, 4, 25), "type_name": "Chỉ thị",
     "title": "về tăng cường sự lãnh đạo của Đảng đối với công tác bảo đảm an ninh, trật tự khu vực biên giới và các cửa khẩu trên địa bàn tỉnh",
     "fields": ["quoc-phong-an-ninh", "noi-chinh"], "security_level": "confidential",
     "text": "Ban Thường vụ Tỉnh ủy yêu cầu các cấp ủy vùng biên giới tăng cường lãnh đạo công tác bảo đảm an ninh, trật tự, quản lý xuất nhập cảnh, phòng, chống buôn lậu và gian lận thương mại qua biên giới. Giao Đảng ủy Công an tỉnh và Đảng ủy Bộ đội Biên phòng tỉnh chủ trì, phối hợp với các huyện ủy biên giới xây dựng phương án bảo vệ địa bàn, hoàn thành trước ngày 30/6/2023. Giao Ban Nội chính Tỉnh ủy theo dõi, đôn đốc, tổng hợp báo cáo định kỳ hằng quý và tham mưu sơ kết trong quý II/2026."},
    # Title nearly repeats 21-NQ/TW and the text does not cite it: the duplication the seeds complain about.
    {"symbol": "08-CT/TU", "issuer": "LC-TU", "owner": "LC-TU", "signed_on": date(2023, 6, 12), "type_name": "Chỉ thị",
     "title": "về tăng cường củng cố, xây dựng tổ chức cơ sở đảng và nâng cao chất lượng đội ngũ đảng viên trong tình hình mới",
     "fields": ["xay-dung-dang"], "security_level": "normal",
     "text": "Ban Thường vụ Tỉnh ủy yêu cầu các cấp ủy tập trung nâng cao chất lượng sinh hoạt chi bộ, củng cố chi bộ thôn, bản yếu kém và phấn đấu không còn thôn, bản chưa có đảng viên trước năm 2025. Giao Ban Tổ chức Tỉnh ủy chủ trì, phối hợp với Ủy ban Kiểm tra Tỉnh ủy hướng dẫn đánh giá, xếp loại chất lượng tổ chức đảng, hoàn thành trước ngày 30/9/2023. Các huyện ủy, thành ủy, thị ủy và đảng ủy trực thuộc báo cáo kết quả thực hiện hằng năm trước ngày 15/12."},
    {"symbol": "24-NQ/TU", "issuer": "LC-TU", "owner": "LC-TU", "signed_on": date(2024, 2, 29), "type_name": "Nghị quyết",
     "title": "về phát triển nông nghiệp hàng hóa tập trung, nông nghiệp công nghệ cao gắn với chuỗi giá trị giai đoạn 2024–2030",
     "fields": ["kinh-te"], "security_level": "normal",
     "text": "Nghị quyết đặt mục tiêu đến năm 2030 hình thành các vùng sản xuất hàng hóa tập trung quế, chè, chuối, dược liệu gắn với liên kết tiêu thụ theo chuỗi giá trị. Giao Ban cán sự đảng UBND tỉnh chỉ đạo xây dựng đề án phát triển vùng nguyên liệu, trình trong quý III/2024, và rà soát cơ chế hỗ trợ doanh nghiệp đầu tư vào nông nghiệp trước ngày 31/12/2024. Giao Ban Dân vận Tỉnh ủy phối hợp với Ủy ban MTTQ tỉnh vận động nhân dân tham gia hợp tác xã, tổ hợp tác; thực hiện thường xuyên. Các huyện ủy, thành ủy, thị ủy xây dựng kế hoạch thực hiện trong tháng 4/2024."},
    {"symbol": "41-CTr/TU", "issuer": "LC-TU", "owner": "LC-TU", "signed_on": date(2024, 3, 18), "type_name": "Chương trình",
     "title": "hành động thực hiện Nghị quyết số 45-NQ/TW ngày 24/11/2023 của Ban Chấp hành Trung ương Đảng khóa XIII về tiếp tục xây dựng và phát huy vai trò của đội ngũ trí thức",
     "fields": ["khoa-hoc-cong-nghe-chuyen-doi-so", "van-hoa-xa-hoi"], "security_level": "normal",
     "text": "Chương trình cụ thể hóa Nghị quyết số 45-NQ/TW phù hợp với điều kiện một tỉnh miền núi, biên giới. Giao Ban Tuyên giáo Tỉnh ủy chủ trì, phối hợp với Liên hiệp các Hội Khoa học và Kỹ thuật tỉnh xây dựng cơ sở dữ liệu đội ngũ trí thức của tỉnh, hoàn thành trong năm 2025. Ban cán sự đảng UBND tỉnh chỉ đạo ban hành chính sách thu hút người có trình độ cao về công tác tại tỉnh trước ngày 31/12/2024. Các cấp ủy báo cáo kết quả hằng năm; Ban Tuyên giáo Tỉnh ủy tham mưu sơ kết 3 năm vào quý I/2027."},
    {"symbol": "1520-TB/TU", "issuer": "LC-TU", "owner": "LC-TU", "signed_on": date(2024, 10, 8), "type_name": "Thông báo",
     "title": "kết luận của Ban Thường vụ Tỉnh ủy về kết quả rà soát việc thực hiện các nghị quyết, chỉ thị, kết luận của Trung ương và của Tỉnh ủy",
     "fields": ["xay-dung-dang", "kiem-tra-giam-sat"], "security_level": "normal",
     "text": "Tại phiên họp ngày 04/10/2024, sau khi nghe Văn phòng Tỉnh ủy báo cáo kết quả rà soát việc thực hiện các nghị quyết, chỉ thị, kết luận, Ban Thường vụ Tỉnh ủy kết luận như sau. Một số nhiệm vụ giao từ năm 2016–2017 đến nay chưa hoàn thành nhưng không có đề nghị điều chỉnh tiến độ; báo cáo của một số đơn vị còn chung chung, chưa bám sát nhiệm vụ được giao. Yêu cầu các huyện ủy, thành ủy, thị ủy và đảng ủy trực thuộc rà soát nhiệm vụ tồn đọng, đề xuất gia hạn hoặc kết thúc trước ngày 31/12/2024. Giao Văn phòng Tỉnh ủy chủ trì, phối hợp với Ban Tổ chức Tỉnh ủy tham mưu quy chế theo dõi, đánh giá chất lượng thực hiện nhiệm vụ, trình Ban Thường vụ Tỉnh ủy trước ngày 30/11/2024. Giao Ủy ban Kiểm tra Tỉnh ủy đưa nội dung này vào chương trình giám sát năm 2025."},
    {"symbol": "512-BC/TU", "issuer": "LC-TU", "owner": "LC-TU", "signed_on": date(2024, 11, 28), "type_name": "Báo cáo",
     "title": "tổng kết 7 năm thực hiện Nghị quyết số 18-NQ/TW ngày 25/10/2017 của Ban Chấp hành Trung ương Đảng khóa XII",
     "fields": ["to-chuc-bo-may"], "security_level": "normal",
     "text": "Sau 7 năm thực hiện Nghị quyết số 18-NQ/TW và Kế hoạch số 112-KH/TU ngày 15/01/2018, tỉnh đã giảm 14 đầu mối cấp tỉnh, sáp nhập 312 thôn, tổ dân phố và thực hiện mô hình bí thư cấp ủy đồng thời là chủ tịch UBND ở 2 huyện. Hạn chế là việc sắp xếp ở một số nơi còn cơ học, chưa gắn với cơ cấu lại đội ngũ cán bộ. Ban Thường vụ Tỉnh ủy đề xuất tiếp tục hợp nhất Ban Tuyên giáo Tỉnh ủy với Ban Dân vận Tỉnh ủy và kết thúc hoạt động của Ban cán sự đảng UBND tỉnh theo chủ trương của Trung ương."},
    {"symbol": "240-KH/TU", "issuer": "LC-TU", "owner": "LC-TU", "signed_on": date(2025, 2, 5), "type_name": "Kế hoạch",
     "title": "thực hiện Kết luận số 121-KL/TW ngày 24/01/2025 của Ban Chấp hành Trung ương Đảng về tổng kết Nghị quyết số 18-NQ/TW",
     "fields": ["to-chuc-bo-may"], "security_level": "normal",
     "text": "Kế hoạch xác định việc hợp nhất Ban Tuyên giáo Tỉnh ủy và Ban Dân vận Tỉnh ủy thành Ban Tuyên giáo và Dân vận Tỉnh ủy; kết thúc hoạt động của Ban cán sự đảng UBND tỉnh, thành lập Đảng bộ UBND tỉnh và Đảng bộ các cơ quan Đảng tỉnh, hoàn thành trước ngày 01/3/2025. Giao Ban Tổ chức Tỉnh ủy chủ trì, phối hợp với Văn phòng Tỉnh ủy xây dựng đề án và dự thảo quyết định, trình Ban Thường vụ Tỉnh ủy trước ngày 25/02/2025. Các cơ quan bàn giao hồ sơ, tài liệu, nhiệm vụ đang thực hiện cho cơ quan tiếp nhận, bảo đảm không gián đoạn công việc."},
    {"symbol": "52-CTr/TU", "issuer": "LC-TU", "owner": "LC-TU", "signed_on": date(2025, 2, 10), "type_name": "Chương trình",
     "title": "hành động thực hiện Nghị quyết số 57-NQ/TW ngày 22/12/2024 của Bộ Chính trị về đột phá phát triển khoa học, công nghệ, đổi mới sáng tạo và chuyển đổi số quốc gia",
     "fields": ["khoa-hoc-cong-nghe-chuyen-doi-so"], "security_level": "normal",
     "text": "Chương trình xác định mục tiêu đến năm 2030 tỉnh thuộc nhóm khá của cả nước về chuyển đổi số, kinh tế số đạt khoảng 20% GRDP. Trước ngày 31/3/2025, kiện toàn Ban Chỉ đạo của Tỉnh ủy về phát triển khoa học, công nghệ, đổi mới sáng tạo và chuyển đổi số. Giao Ban cán sự đảng UBND tỉnh chỉ đạo Sở Khoa học và Công nghệ xây dựng kế hoạch phát triển hạ tầng số, trình trong quý II/2025. Giao Văn phòng Tỉnh ủy chủ trì bảo đảm 100% hồ sơ công việc không mật của cơ quan Đảng cấp tỉnh được xử lý trên môi trường mạng trong năm 2025. Ban Tuyên giáo Tỉnh ủy chủ trì tuyên truyền Nghị quyết thường xuyên trên các phương tiện thông tin đại chúng."},
    {"symbol": "05-HD/BTGDVTU", "issuer": "LC-BTGDVTU", "owner": "LC-TU", "signed_on": date(2025, 5, 26), "type_name": "Hướng dẫn",
     "title": "học tập, quán triệt, tuyên truyền Nghị quyết số 66-NQ/TW và Nghị quyết số 68-NQ/TW của Bộ Chính trị",
     "fields": ["tu-tuong-van-hoa", "noi-chinh", "kinh-te"], "security_level": "normal",
     "text": "Ban Tuyên giáo và Dân vận Tỉnh ủy hướng dẫn học tập, quán triệt Nghị quyết số 66-NQ/TW ngày 30/4/2025 và Nghị quyết số 68-NQ/TW ngày 04/5/2025 của Bộ Chính trị. Hội nghị cấp tỉnh tổ chức trực tiếp kết hợp trực tuyến đến các điểm cầu cấp huyện, cấp xã; các cấp ủy tổ chức học tập cho cán bộ, đảng viên xong trước ngày 15/6/2025. Mỗi đảng viên viết bài thu hoạch; đảng viên được miễn sinh hoạt đảng và đảng viên tuổi cao không bắt buộc viết nhưng tham gia thảo luận tại chi bộ. Giao Ban Tuyên giáo và Dân vận Tỉnh ủy chủ trì, phối hợp với Ủy ban MTTQ tỉnh và Báo Lào Cai tuyên truyền sâu rộng trong nhân dân, doanh nghiệp. Các cấp ủy báo cáo kết quả về Ban Tuyên giáo và Dân vận Tỉnh ủy trước ngày 30/6/2025."},
    # First plan of the merged province: numbering restarted on 1 July 2025.
    {"symbol": "03-KH/TU", "issuer": "LC-TU", "owner": "LC-TU", "signed_on": date(2025, 7, 15), "type_name": "Kế hoạch",
     "title": "thực hiện Nghị quyết số 66-NQ/TW ngày 30/4/2025 và Nghị quyết số 68-NQ/TW ngày 04/5/2025 của Bộ Chính trị",
     "fields": ["noi-chinh", "kinh-te"], "security_level": "normal",
     "text": "Sau khi hợp nhất tỉnh Lào Cai và tỉnh Yên Bái, Ban Thường vụ Tỉnh ủy ban hành Kế hoạch thực hiện thống nhất Nghị quyết số 66-NQ/TW và Nghị quyết số 68-NQ/TW trên địa bàn tỉnh. Giao Đảng ủy UBND tỉnh lãnh đạo rà soát văn bản quy phạm pháp luật của hai tỉnh trước hợp nhất, bãi bỏ hoặc thay thế văn bản chồng chéo trong quý IV/2025. Đảng ủy UBND tỉnh chỉ đạo xây dựng chương trình hỗ trợ doanh nghiệp nhỏ và vừa, trình Ban Thường vụ Tỉnh ủy trước ngày 30/9/2025. Giao Ban Tuyên giáo và Dân vận Tỉnh ủy chủ trì, phối hợp với Ủy ban MTTQ tỉnh tổ chức đối thoại với doanh nghiệp hằng năm. Các đảng ủy xã, phường xây dựng kế hoạch thực hiện, hoàn thành trước ngày 15/8/2025."},
]

_LOCAL_DOCUMENTS: list[DocumentRow] = [
    # Former district: its documents stay readable and roll up to xã Bảo Yên.
    {"symbol": "15-NQ/HU", "issuer": "LC-H-BAOYEN", "owner": "LC-H-BAOYEN", "signed_on": date(2022, 4, 12), "type_name": "Nghị quyết",
     "title": "về phát triển kinh tế đồi rừng gắn với trồng quế, chè giai đoạn 2022–2025, định hướng đến năm 2030",
     "fields": ["kinh-te"], "security_level": "normal",
     "text": "Nghị quyết đặt mục tiêu đến năm 2025 toàn huyện có 15.000 ha quế và 1.200 ha chè, trong đó 30% diện tích được chứng nhận sản xuất theo tiêu chuẩn. Giao Ủy ban nhân dân huyện xây dựng kế hoạch hỗ trợ giống, trình Ban Thường vụ Huyện ủy trong quý III/2022. Đảng ủy các xã, thị trấn đưa chỉ tiêu phát triển quế, chè vào nghị quyết hằng năm; Văn phòng Huyện ủy theo dõi, tổng hợp, báo cáo định kỳ 6 tháng."},
    {"symbol": "03-KH/ĐU", "issuer": "LC-X-BAOYEN", "owner": "LC-X-BAOYEN", "signed_on": date(2025, 7, 20), "type_name": "Kế hoạch",
     "title": "thực hiện Chương trình số 52-CTr/TU ngày 10/02/2025 của Ban Thường vụ Tỉnh ủy về đột phá phát triển khoa học, công nghệ, đổi mới sáng tạo và chuyển đổi số",
     "fields": ["khoa-hoc-cong-nghe-chuyen-doi-so"], "security_level": "normal",
     "text": "Thực hiện Chương trình số 52-CTr/TU ngày 10/02/2025 của Ban Thường vụ Tỉnh ủy, Ban Thường vụ Đảng ủy xã Bảo Yên ban hành Kế hoạch triển khai trên địa bàn xã. Phấn đấu 100% thôn có tổ công nghệ số cộng đồng hoạt động trước ngày 30/9/2025. Giao Văn phòng Đảng ủy xã chủ trì số hóa hồ sơ đảng viên, hoàn thành trong quý IV/2025. Ủy ban nhân dân xã hướng dẫn người dân sử dụng dịch vụ công trực tuyến, thực hiện thường xuyên; chi ủy các chi bộ báo cáo kết quả định kỳ hằng quý."},
    {"symbol": "08-NQ/ĐU", "issuer": "LC-X-BAOYEN", "owner": "LC-X-BAOYEN", "signed_on": date(2025, 10, 15), "type_name": "Nghị quyết",
     "title": "về phát triển vùng quế, chè hàng hóa gắn với du lịch cộng đồng trên địa bàn xã giai đoạn 2025–2030",
     "fields": ["kinh-te"], "security_level": "normal",
     "text": "Kế thừa kết quả thực hiện Nghị quyết số 15-NQ/HU ngày 12/4/2022 của Ban Chấp hành Đảng bộ huyện Bảo Yên trên địa bàn, Ban Chấp hành Đảng bộ xã ban hành Nghị quyết về phát triển vùng quế, chè hàng hóa. Mục tiêu đến năm 2030 có ít nhất 2 hợp tác xã liên kết tiêu thụ quế, chè và 1 điểm du lịch cộng đồng được công nhận. Giao Ủy ban nhân dân xã xây dựng kế hoạch thực hiện, trình Ban Thường vụ Đảng ủy xã trước ngày 30/11/2025. Các chi bộ thôn đưa chỉ tiêu của Nghị quyết vào nghị quyết chi bộ hằng năm."},
    {"symbol": "05-CTr/ĐU", "issuer": "LC-P-YENBAI", "owner": "LC-P-YENBAI", "signed_on": date(2025, 8, 10), "type_name": "Chương trình",
     "title": "hành động thực hiện Kế hoạch số 03-KH/TU ngày 15/7/2025 của Ban Thường vụ Tỉnh ủy về thực hiện Nghị quyết số 66-NQ/TW và Nghị quyết số 68-NQ/TW",
     "fields": ["kinh-te", "noi-chinh"], "security_level": "normal",
     "text": "Ban Thường vụ Đảng ủy phường Yên Bái ban hành Chương trình hành động thực hiện Kế hoạch số 03-KH/TU ngày 15/7/2025 của Ban Thường vụ Tỉnh ủy. Giao Ủy ban nhân dân phường rút ngắn thời gian giải quyết thủ tục đăng ký hộ kinh doanh, công khai kết quả trên cổng thông tin của phường trong tháng 9/2025. Ủy ban MTTQ phường tổ chức gặp mặt hộ kinh doanh, doanh nghiệp trên địa bàn mỗi quý một lần. Các chi bộ tổ dân phố báo cáo kết quả định kỳ hằng quý về Văn phòng Đảng ủy phường."},
    # Second province.
    {"symbol": "06-KH/TU", "issuer": "QT-TU", "owner": "QT-TU", "signed_on": date(2025, 8, 12), "type_name": "Kế hoạch",
     "title": "triển khai thực hiện Nghị quyết số 57-NQ/TW của Bộ Chính trị trên địa bàn tỉnh sau hợp nhất",
     "fields": ["khoa-hoc-cong-nghe-chuyen-doi-so"], "security_level": "normal",
     "text": "Ban Thường vụ Tỉnh ủy Quảng Trị ban hành Kế hoạch thống nhất triển khai Nghị quyết số 57-NQ/TW sau khi hợp nhất hai tỉnh. Giao Văn phòng Tỉnh ủy chủ trì hợp nhất hệ thống quản lý văn bản của các cơ quan Đảng, hoàn thành trước ngày 31/10/2025. Đảng ủy phường Đông Hà và Đảng ủy phường Nam Đông Hà thí điểm tổ công nghệ số cộng đồng tại 100% tổ dân phố trong quý IV/2025."},
]

DOCUMENTS: list[DocumentRow] = _CENTRAL_DOCUMENTS + _PROVINCE_DOCUMENTS + _LOCAL_DOCUMENTS

RELATIONS: list[RelationRow] = [
    {"source": "20-CTr/TU", "kind": "implements", "target": "05-CT/TW"},
    {"source": "01-KL/TW", "kind": "reviews", "target": "05-CT/TW"},
    {"source": "112-KH/TU", "kind": "implements", "target": "18-NQ/TW"},
    {"source": "512-BC/TU", "kind": "reviews", "target": "18-NQ/TW"},
    {"source": "121-KL/TW", "kind": "reviews", "target": "18-NQ/TW"},
    {"source": "240-KH/TU", "kind": "implements", "target": "121-KL/TW"},
    {"source": "12-HD/BTGTU", "kind": "guides", "target": "35-NQ/TW"},
    {"source": "05-NQ/TU", "kind": "supersedes", "target": "10-NQ/TU"},
    {"source": "02-HD/UBKTTU", "kind": "guides", "target": "22-QĐ/TW"},
    {"source": "41-CTr/TU", "kind": "implements", "target": "45-NQ/TW"},
    {"source": "52-CTr/TU", "kind": "implements", "target": "57-NQ/TW"},
    {"source": "05-HD/BTGDVTU", "kind": "guides", "target": "66-NQ/TW"},
    {"source": "05-HD/BTGDVTU", "kind": "guides", "target": "68-NQ/TW"},
    {"source": "03-KH/TU", "kind": "implements", "target": "66-NQ/TW"},
    {"source": "03-KH/TU", "kind": "implements", "target": "68-NQ/TW"},
    {"source": "03-KH/ĐU", "kind": "implements", "target": "52-CTr/TU"},
    {"source": "05-CTr/ĐU", "kind": "implements", "target": "03-KH/TU"},
]

USERS: list[UserRow] = [
    {"username": "quantri", "full_name": "Đỗ Minh Tuấn", "organization": "LC-TU", "role": "admin", "clearance": "confidential"},
    {"username": "vanphong", "full_name": "Nguyễn Thị Thu Hằng", "organization": "LC-TU", "role": "office", "clearance": "secret"},
    {"username": "baocao", "full_name": "Hoàng Văn Khánh", "organization": "LC-BTGDVTU", "role": "reporter", "clearance": "confidential"},
    {"username": "lanhdao", "full_name": "Trần Quốc Hưng", "organization": "LC-TU", "role": "viewer", "clearance": "normal"},
    {"username": "xa_quantri", "full_name": "Lý Văn Dũng", "organization": "LC-X-BAOYEN", "role": "admin", "clearance": "normal"},
    {"username": "xa_vanphong", "full_name": "Hoàng Thị Mai", "organization": "LC-X-BAOYEN", "role": "office", "clearance": "confidential"},
    {"username": "xa_baocao", "full_name": "Vàng Seo Chúng", "organization": "LC-X-BAOYEN", "role": "reporter", "clearance": "normal"},
    {"username": "xa_lanhdao", "full_name": "Nông Văn Bình", "organization": "LC-X-BAOYEN", "role": "viewer", "clearance": "normal"},
    {"username": "tinhkhac", "full_name": "Lê Thị Ngọc Ánh", "organization": "QT-TU", "role": "office", "clearance": "secret"},
]
# fmt: on


class TaskRow(TypedDict):
    source: str  # symbol of the source document
    text: str
    lead: str
    supporting: list[str]
    deadline: str  # as the document writes it
    completed_on: NotRequired[date]
    extension: NotRequired[tuple[str, date]]  # a pending request: reason, proposed deadline


# Tasks of the demo, invented: one open since 2016 that nobody asked to extend, late and
# on-time completions, a recurring and a continuous task, a pending extension request.
TASKS: list[TaskRow] = [
    {
        "source": "20-CTr/TU",
        "text": "Xây dựng đề án phát triển kinh tế rừng gắn với chế biến lâm sản",
        "lead": "LC-DU-UBND",
        "supporting": ["LC-SKHCN"],
        "deadline": "trong năm 2017",
    },
    {
        "source": "1520-TB/TU",
        "text": "Rà soát nhiệm vụ tồn đọng, đề xuất gia hạn hoặc kết thúc",
        "lead": "LC-X-BAOYEN",
        "supporting": [],
        "deadline": "trước ngày 31/12/2024",
        "completed_on": date(2025, 1, 20),
    },
    {
        "source": "1520-TB/TU",
        "text": "Tham mưu quy chế theo dõi, đánh giá chất lượng thực hiện nhiệm vụ",
        "lead": "LC-VPTU",
        "supporting": ["LC-BTCTU"],
        "deadline": "trong quý I/2025",
        "completed_on": date(2025, 3, 25),
    },
    {
        "source": "1520-TB/TU",
        "text": "Báo cáo tự rà soát việc thực hiện các thông báo kết luận",
        "lead": "LC-P-YENBAI",
        "supporting": [],
        "deadline": "định kỳ 6 tháng",
    },
    {
        "source": "52-CTr/TU",
        "text": "Xây dựng kế hoạch chuyển đổi số trong các cơ quan đảng của xã",
        "lead": "LC-X-BAOYEN",
        "supporting": ["LC-VPTU"],
        "deadline": "trong quý IV/2026",
    },
    {
        "source": "52-CTr/TU",
        "text": "Tuyên truyền sâu rộng về khoa học, công nghệ và chuyển đổi số",
        "lead": "LC-BTGDVTU",
        "supporting": ["LC-MTTQ"],
        "deadline": "thường xuyên",
    },
    {
        "source": "52-CTr/TU",
        "text": "Hoàn thành số hóa hồ sơ đảng viên",
        "lead": "LC-X-BAOYEN",
        "supporting": ["LC-BTCTU"],
        "deadline": "trước ngày 30/9/2026",
        "extension": ("Chờ phần mềm quản lý đảng viên mới của Trung ương", date(2027, 3, 31)),
    },
    {
        "source": "52-CTr/TU",
        "text": "Đánh giá, báo cáo kết quả 2 năm thực hiện chương trình",
        "lead": "LC-P-YENBAI",
        "supporting": [],
        "deadline": "trong tháng 2/2027",
    },
]
