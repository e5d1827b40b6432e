"""The demo's competency framework for ward officials (pure data): five areas after DigComp 2.2, written
for the work of a ward or commune, a four-level scale, what each demo position is expected to reach, and
which demo courses, lessons and quiz categories give evidence of which competence."""

FRAMEWORK = {
    "id_number": "NLS-CBPX",
    "short_name": "Năng lực số của cán bộ, công chức phường, xã",
    "description": (
        "Khung năng lực số cho cán bộ, công chức cấp phường, xã của Thành phố Hồ Chí Minh, theo năm lĩnh vực "
        "của khung DigComp 2.2 và định hướng của Chiến lược phát triển Chính phủ điện tử hướng tới Chính phủ số "
        "(Quyết định 942/QĐ-TTg)."
    ),
    "taxonomy": "domain,competency",
    "scale": [
        ("Cơ bản", "Làm được việc đơn giản khi có hướng dẫn."),
        ("Trung bình", "Tự làm được việc thường ngày, biết hỏi đúng người khi gặp khó."),
        ("Khá", "Xử lý được tình huống khó và hướng dẫn được đồng nghiệp, người dân."),
        ("Thành thạo", "Dẫn dắt, cải tiến cách làm của cả đơn vị."),
    ],
    "proficient_from": 3,
}

AREAS = [
    (
        "1",
        "Thông tin và dữ liệu",
        "Tìm, đánh giá và quản lý thông tin, dữ liệu phục vụ công việc của phường.",
        [
            (
                "1.1",
                "Tìm kiếm và chọn lọc thông tin, văn bản",
                "Tìm đúng văn bản pháp luật, hướng dẫn và dữ liệu cần cho hồ sơ của người dân.",
            ),
            (
                "1.2",
                "Đánh giá độ tin cậy của thông tin",
                "Nhận ra tin giả, văn bản đã hết hiệu lực và số liệu không khớp giữa các ngành.",
            ),
            (
                "1.3",
                "Quản lý và làm sạch dữ liệu",
                "Giữ dữ liệu dân cư, hộ tịch, đất đai của phường đúng, đủ, sạch, sống; dùng bảng tính có cấu trúc.",
            ),
            (
                "1.4",
                "Khai thác dữ liệu dùng chung",
                "Dùng Cơ sở dữ liệu quốc gia về dân cư và dữ liệu các ngành, không bắt người dân nộp lại giấy tờ.",
            ),
        ],
    ),
    (
        "2",
        "Giao tiếp và hợp tác",
        "Làm việc với đồng nghiệp và phục vụ người dân qua các kênh số.",
        [
            (
                "2.1",
                "Hỗ trợ người dân dùng dịch vụ công trực tuyến",
                "Hướng dẫn người dân nộp hồ sơ trên Cổng Dịch vụ công quốc gia và VNeID, không giữ mật khẩu hay mã "
                "OTP của họ.",
            ),
            (
                "2.2",
                "Làm việc cùng nhau trên môi trường số",
                "Họp trực tuyến, chia sẻ tài liệu, giao và theo dõi việc trên hệ thống quản lý văn bản.",
            ),
            (
                "2.3",
                "Giao tiếp với người dân qua kênh số",
                "Trả lời phản ánh, kiến nghị qua ứng dụng, Zalo OA và trang thông tin của phường đúng mực, kịp "
                "thời.",
            ),
        ],
    ),
    (
        "3",
        "Sáng tạo nội dung số",
        "Soạn và công bố văn bản, thông tin, biểu mẫu số đúng quy định và dễ hiểu.",
        [
            (
                "3.1",
                "Soạn văn bản điện tử và ký số",
                "Soạn, ký số, phát hành văn bản điện tử và dùng bảng tính dùng chung thay cho giấy.",
            ),
            (
                "3.2",
                "Tạo thông tin, biểu mẫu dễ hiểu cho người dân",
                "Thông báo, hướng dẫn và biểu mẫu trực tuyến rõ ràng, đọc được trên điện thoại.",
            ),
            (
                "3.3",
                "Bản quyền và dữ liệu mở",
                "Dùng hình ảnh, tài liệu đúng giấy phép; công bố dữ liệu mở của phường đúng quy định.",
            ),
        ],
    ),
    (
        "4",
        "An toàn và bảo mật",
        "Bảo vệ thiết bị, tài khoản và dữ liệu cá nhân của người dân.",
        [
            (
                "4.1",
                "Bảo vệ thiết bị và tài khoản",
                "Mật khẩu mạnh, xác thực hai yếu tố, cập nhật máy, cẩn thận với USB và sao lưu dữ liệu.",
            ),
            (
                "4.2",
                "Bảo vệ dữ liệu cá nhân của người dân",
                "Thu thập, lưu giữ và chia sẻ dữ liệu cá nhân theo Nghị định 13/2023/NĐ-CP.",
            ),
            (
                "4.3",
                "Nhận diện lừa đảo trên mạng",
                "Nhận ra email, tin nhắn, cuộc gọi giả danh cơ quan nhà nước và báo cáo sự cố kịp thời.",
            ),
        ],
    ),
    (
        "5",
        "Giải quyết vấn đề và đổi mới sáng tạo",
        "Dùng công nghệ để giải quyết vướng mắc của phường và dẫn dắt đổi mới từ cơ sở.",
        [
            (
                "5.1",
                "Xử lý sự cố kỹ thuật thường gặp",
                "Máy in, mạng, phần mềm một cửa: tự xử lý được việc thường gặp và biết báo ai khi cần.",
            ),
            (
                "5.2",
                "Nhận ra nhu cầu và chọn giải pháp số",
                "Từ vướng mắc thực tế của phường, chọn công cụ số phù hợp và đo được hiệu quả.",
            ),
            (
                "5.3",
                "Dẫn dắt đổi mới từ cơ sở",
                "Khởi xướng, thử nghiệm và nhân rộng sáng kiến số trong phường.",
            ),
            (
                "5.4",
                "Tự đánh giá và bồi dưỡng kỹ năng số",
                "Biết mình còn thiếu gì, học tiếp và giúp đồng nghiệp cùng tiến bộ.",
            ),
        ],
    ),
]

# Position code → {competence ID number: expected level}.
PROFILES = {
    "CT-UBND": {"5.3": 3, "4.2": 3, "1.4": 2, "2.2": 2, "4.3": 2},
    "VP-TK": {"1.3": 3, "1.4": 3, "3.1": 3, "4.2": 2, "2.2": 2},
    "DC-XD": {"1.3": 2, "1.4": 2, "4.2": 2, "5.1": 2},
    "TP-HT": {"2.1": 3, "4.2": 3, "4.3": 2, "1.4": 2},
    "VH-XH": {"2.3": 2, "3.2": 2, "4.3": 2},
}

# (competence, level, kind, source title or category name, threshold for categories)
EVIDENCE = [
    ("4.3", 2, "category", "An toàn thông tin", 80),
    ("4.1", 2, "category", "An toàn thông tin", 80),
    ("1.3", 2, "category", "Dữ liệu", 80),
    ("4.2", 2, "category", "Dữ liệu", 70),
    ("2.1", 2, "category", "Chuyển đổi số", 80),
    ("3.1", 2, "category", "Kỹ năng số", 80),
    ("5.3", 2, "category", "Kỹ năng số", 80),
    ("2.1", 3, "course", "Chuyển đổi số cho cán bộ phường, xã", None),
    ("1.4", 2, "course", "Chuyển đổi số cho cán bộ phường, xã", None),
    ("5.3", 3, "course", "Chuyển đổi số cho cán bộ phường, xã", None),
    ("4.2", 3, "course", "Chuyển đổi số cho cán bộ phường, xã", None),
    ("4.1", 3, "course", "Kỹ năng an toàn thông tin cơ bản", None),
    ("4.3", 3, "course", "Kỹ năng an toàn thông tin cơ bản", None),
    ("4.2", 2, "lesson", "An toàn thông tin và bảo vệ dữ liệu cá nhân của người dân", None),
    ("1.3", 2, "lesson", "Làm sạch dữ liệu: đúng, đủ, sạch, sống", None),
    ("3.1", 2, "lesson", "Văn bản điện tử, ký số và bảng tính dùng chung", None),
    ("5.3", 2, "lesson", "Dẫn dắt đổi mới từ cơ sở", None),
    ("2.1", 2, "lesson", "Hỗ trợ người dân dùng Cổng Dịch vụ công quốc gia và VNeID", None),
    ("2.2", 2, "lesson", "Họp trực tuyến, quản lý công việc và làm việc khi mạng chập chờn", None),
]
