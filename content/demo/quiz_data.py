"""Bài kiểm tra mẫu cho SmartWard Learn (Học viện Phường thông minh).

Module dữ liệu thuần Python: chỉ khai báo hằng ``QUIZZES``, mỗi học phần
(module) của các khóa học trong ``course_data.COURSES`` có đúng một bài kiểm
tra. Câu hỏi chỉ kiểm tra những nội dung được nêu trong bài học; tình huống
trong câu hỏi là ví dụ minh họa.

Các loại câu hỏi (``kind``):
- ``single``: một đáp án đúng; ``answers`` là danh sách (nội dung, đúng/sai).
- ``multiple``: nhiều đáp án đúng; ``partial_credit`` cho phép chấm điểm từng phần.
- ``true_false``: nhận định Đúng/Sai; ``correct`` là giá trị đúng.
- ``short``: trả lời ngắn; ``accepted`` là các cách viết được chấp nhận
  (máy chấm đã bỏ qua dấu và chữ hoa, chữ thường).
- ``essay``: tự luận, giảng viên chấm; ``explanation`` là hướng dẫn chấm.
"""

from __future__ import annotations

QUIZZES: list[dict] = [
    # ------------------------------------------------------------------
    # Khóa 1 – Module 1: Hiểu chuyển đổi số và dịch vụ công trực tuyến
    # ------------------------------------------------------------------
    {
        "course_slug": "chuyen-doi-so-cho-can-bo-phuong-xa",
        "module_slug": "hieu-chuyen-doi-so-va-dich-vu-cong",
        "slug": "kiem-tra-hieu-chuyen-doi-so-va-dich-vu-cong",
        "title": "Kiểm tra: Hiểu chuyển đổi số và dịch vụ công trực tuyến",
        "description": (
            "Bài kiểm tra gồm 7 câu hỏi về các mức độ chuyển đổi số ở phường, xã, dịch vụ công "
            "trực tuyến toàn trình và một phần, cách hỗ trợ người dân dùng Cổng Dịch vụ công "
            "quốc gia và VNeID. Câu tự luận cuối bài do giảng viên chấm."
        ),
        "category": "Chuyển đổi số",
        "pass_mark": 60,
        "success_text": (
            "Chúc mừng anh/chị đã vượt qua bài kiểm tra và nắm vững cách hỗ trợ người dân sử "
            "dụng dịch vụ công trực tuyến."
        ),
        "fail_text": (
            "Anh/chị chưa đạt lần này; hãy xem lại ba bài học của học phần, nhất là phần dịch vụ "
            "công toàn trình và một phần, rồi làm lại bài kiểm tra."
        ),
        "questions": [
            {
                "kind": "single",
                "text": (
                    "Một phường cho quét toàn bộ sổ hộ tịch cũ thành tệp điện tử, nhưng quy trình "
                    "giải quyết thủ tục vẫn giữ nguyên như trước. Theo bài học, việc này thuộc mức "
                    "độ nào của chuyển đổi số?"
                ),
                "explanation": (
                    "Số hóa là chuyển giấy tờ, sổ sách sang dạng điện tử, ví dụ quét sổ hộ tịch cũ. "
                    "Mức “chuyển đổi” đòi hỏi thiết kế lại quy trình lấy người dân làm trung tâm, "
                    "dùng dữ liệu để ra quyết định và bỏ bước thừa."
                ),
                "answers": [
                    ("Chuyển đổi: thiết kế lại quy trình lấy người dân làm trung tâm", False),
                    ("Số hóa", True),
                    ("Ứng dụng công nghệ vào quy trình", False),
                    ("Đã hoàn thành xây dựng phường thông minh", False),
                ],
            },
            {
                "kind": "short",
                "text": (
                    "Bà Lan nộp hồ sơ trực tuyến, sau đó vẫn phải mang bản chính giấy tờ đến xuất "
                    "trình và nhận kết quả tại Trung tâm Phục vụ hành chính công. Đây là dịch vụ "
                    "công trực tuyến loại nào (toàn trình hay một phần)?"
                ),
                "accepted": [
                    "một phần",
                    "mot phan",
                    "dịch vụ công trực tuyến một phần",
                    "trực tuyến một phần",
                ],
                "explanation": (
                    "Dịch vụ công trực tuyến một phần cho phép nộp hồ sơ trực tuyến nhưng người dân "
                    "vẫn phải làm một số bước trực tiếp, như xuất trình bản chính giấy tờ, ký sổ "
                    "hoặc nhận kết quả tại Trung tâm Phục vụ hành chính công."
                ),
            },
            {
                "kind": "single",
                "text": (
                    "Anh Minh, công chức tư pháp – hộ tịch, nhận hồ sơ liên thông đăng ký khai "
                    "sinh trực tuyến, trong đó ảnh giấy chứng sinh bị mờ phần họ tên mẹ. Cách phản "
                    "hồi nào đúng với bài học?"
                ),
                "explanation": (
                    "Yêu cầu bổ sung phải có lý do rõ ràng, viết dễ hiểu để người dân biết chính xác "
                    "phải làm gì, và nêu đầy đủ các nội dung cần bổ sung trong một lần."
                ),
                "answers": [
                    ("Ghi ngắn gọn “Hồ sơ không hợp lệ” để người dân tự kiểm tra lại", False),
                    ("Từ chối hồ sơ và hẹn người dân mang toàn bộ hồ sơ giấy đến trụ sở", False),
                    (
                        "Ghi rõ ảnh giấy chứng sinh bị mờ phần họ tên mẹ, đề nghị chụp lại rõ nét, "
                        "đủ bốn góc giấy và nộp bổ sung trên hệ thống",
                        True,
                    ),
                    ("Yêu cầu bổ sung từng lỗi một qua nhiều lần để người dân dễ theo dõi", False),
                ],
            },
            {
                "kind": "multiple",
                "partial_credit": True,
                "text": (
                    "Một người dân đến quầy nhờ hướng dẫn làm thủ tục trên ứng dụng VNeID. Chọn tất "
                    "cả những việc cán bộ nên làm theo bài học."
                ),
                "explanation": (
                    "Cán bộ làm mẫu để người dân tự thao tác, kiểm tra thông tin trước khi nộp và dặn "
                    "cách theo dõi hồ sơ. Tuyệt đối không hỏi, ghi lại hay tự đăng nhập bằng mật "
                    "khẩu, mã OTP của người dân."
                ),
                "answers": [
                    ("Làm mẫu, chỉ từng bước và để người dân tự bấm thao tác", True),
                    ("Ghi lại mật khẩu VNeID của người dân để lần sau hỗ trợ nhanh hơn", False),
                    (
                        "Kiểm tra họ tên, ngày sinh, số định danh cá nhân và ảnh giấy tờ trước khi nộp",
                        True,
                    ),
                    ("Tự nhập mã OTP giúp người dân cho đỡ mất thời gian", False),
                    ("Dặn người dân nơi xem trạng thái hồ sơ và thời hạn giải quyết", True),
                ],
            },
            {
                "kind": "true_false",
                "text": (
                    "Để tăng nhanh tỷ lệ hồ sơ trực tuyến của phường, cán bộ nên nộp hộ hàng loạt "
                    "hồ sơ cho người dân, kể cả khi người dân chưa được hướng dẫn."
                ),
                "correct": False,
                "explanation": (
                    "Bài học yêu cầu tránh nộp hộ hàng loạt cho đủ chỉ tiêu. Nên chọn vài thủ tục "
                    "phát sinh nhiều để hướng dẫn kỹ, chuẩn bị tờ hướng dẫn có mã QR và ghi lại lỗi "
                    "người dân hay gặp."
                ),
            },
            {
                "kind": "true_false",
                "text": (
                    "Với thông tin đã khai thác được từ Cơ sở dữ liệu quốc gia về dân cư, cán bộ "
                    "không yêu cầu người dân nộp thêm giấy tờ để chứng minh."
                ),
                "correct": True,
                "explanation": (
                    "Bài học nêu rõ: thông tin đã khai thác được từ Cơ sở dữ liệu quốc gia về dân cư "
                    "thì cán bộ không yêu cầu người dân nộp thêm giấy tờ để chứng minh."
                ),
            },
            {
                "kind": "essay",
                "text": (
                    "Áp dụng ba câu hỏi thực hành của bài “Chuyển đổi số ở phường, xã” vào vị trí "
                    "công việc của anh/chị: nêu một việc lặp đi lặp lại tốn nhiều thời gian, một "
                    "thông tin thường phải hỏi lại dù lẽ ra đã có sẵn, và đề xuất một bước cải tiến "
                    "nhỏ theo tinh thần làm “từ dưới lên” (khoảng 3-5 câu)."
                ),
                "explanation": (
                    "Bài đạt yêu cầu nêu được một việc cụ thể gắn với vị trí công tác (không chung "
                    "chung), chỉ ra thông tin bị hỏi lại hoặc điều người dân phàn nàn, và đề xuất "
                    "một bước nhỏ, làm được ngay, đo được kết quả (ví dụ bảng tính dùng chung có mẫu "
                    "cố định và hạn cập nhật). Bài tốt cho thấy hiểu chuyển đổi số là thay đổi cách "
                    "làm việc và cách phục vụ người dân, không chỉ mua thêm máy móc hay chờ một hệ "
                    "thống lớn."
                ),
            },
        ],
    },
    # ------------------------------------------------------------------
    # Khóa 1 – Module 2: Dữ liệu dùng chung và an toàn thông tin
    # ------------------------------------------------------------------
    {
        "course_slug": "chuyen-doi-so-cho-can-bo-phuong-xa",
        "module_slug": "du-lieu-dung-chung-va-an-toan-thong-tin",
        "slug": "kiem-tra-du-lieu-dung-chung-va-an-toan-thong-tin",
        "title": "Kiểm tra: Dữ liệu dùng chung và an toàn thông tin",
        "description": (
            "Bài kiểm tra gồm 7 câu hỏi về nguyên nhân dữ liệu giữa các ngành không khớp, yêu cầu "
            "“đúng, đủ, sạch, sống”, cách làm sạch một danh sách và bảo vệ dữ liệu cá nhân của "
            "người dân."
        ),
        "category": "Dữ liệu",
        "pass_mark": 60,
        "success_text": (
            "Chúc mừng anh/chị đã vượt qua bài kiểm tra và sẵn sàng giữ dữ liệu của phường "
            "“đúng, đủ, sạch, sống”."
        ),
        "fail_text": (
            "Anh/chị chưa đạt lần này; hãy xem lại các bài về làm sạch dữ liệu và bảo vệ dữ liệu "
            "cá nhân rồi làm lại bài kiểm tra."
        ),
        "questions": [
            {
                "kind": "single",
                "text": (
                    "Khi đối chiếu, ngày sinh của một cụ bà trong danh sách bảo trợ xã hội khác với "
                    "các nguồn khác. Với thông tin nhân thân như họ tên, ngày sinh, số định danh cá "
                    "nhân, nguồn nào là nguồn tham chiếu gốc?"
                ),
                "explanation": (
                    "Với thông tin nhân thân, Cơ sở dữ liệu quốc gia về dân cư là nguồn tham chiếu "
                    "gốc. Khi phát hiện sai lệch, không tự “sửa cho khớp” mà xác định nguồn đúng và "
                    "đề nghị điều chỉnh theo đúng thủ tục, đúng thẩm quyền."
                ),
                "answers": [
                    ("Danh sách bảo trợ xã hội do phường lập", False),
                    ("Hồ sơ địa chính", False),
                    ("Sổ hộ tịch giấy cũ lưu tại phường", False),
                    ("Cơ sở dữ liệu quốc gia về dân cư", True),
                ],
            },
            {
                "kind": "short",
                "text": (
                    "Trong yêu cầu dữ liệu “đúng, đủ, sạch, sống”, từ nào chỉ việc dữ liệu được cập "
                    "nhật ngay khi có biến động, không phải số liệu “chết” từ nhiều năm trước?"
                ),
                "accepted": ["sống", "song"],
                "explanation": (
                    "“Sống” nghĩa là dữ liệu được cập nhật ngay khi có biến động; vì vậy làm sạch dữ "
                    "liệu không phải việc làm một lần mà cần cập nhật thường xuyên và rà soát định kỳ."
                ),
            },
            {
                "kind": "multiple",
                "partial_credit": True,
                "text": (
                    "Chị Hoa cần làm sạch danh sách người cao tuổi hưởng trợ cấp xã hội được gộp từ "
                    "hai phường cũ sau sắp xếp. Chọn tất cả những việc làm đúng theo bài học."
                ),
                "explanation": (
                    "Các bước đúng gồm sao lưu bản gốc, chuẩn hóa định dạng, tìm trùng lặp theo số "
                    "định danh cá nhân, đối chiếu với nguồn gốc và ghi lại thay đổi. Cột số định danh "
                    "phải định dạng Văn bản để không mất số 0 ở đầu; ghép danh sách theo số định "
                    "danh chứ không theo họ tên."
                ),
                "answers": [
                    ("Sao lưu bản gốc trước khi sửa", True),
                    ("Ghép hai danh sách theo họ tên vì dễ nhận biết hơn số định danh", False),
                    ("Lọc trùng lặp theo số định danh cá nhân và kiểm tra kỹ dòng trùng số khác tên", True),
                    ("Định dạng cột số định danh cá nhân là kiểu Số để bảng tính dễ tính toán", False),
                    ("Thêm cột ghi chú: sửa gì, căn cứ nào, ai sửa, ngày nào", True),
                ],
            },
            {
                "kind": "true_false",
                "text": (
                    "Theo Nghị định 13/2023/NĐ-CP, tình trạng sức khỏe và dữ liệu sinh trắc học của "
                    "người dân thuộc nhóm dữ liệu cá nhân nhạy cảm."
                ),
                "correct": True,
                "explanation": (
                    "Nghị định 13/2023/NĐ-CP phân biệt dữ liệu cá nhân cơ bản (họ tên, ngày sinh, số "
                    "điện thoại, số định danh cá nhân) với dữ liệu cá nhân nhạy cảm (sức khỏe, tôn "
                    "giáo, sinh trắc học, thông tin tài chính, vị trí)."
                ),
            },
            {
                "kind": "true_false",
                "text": (
                    "Khi đồng nghiệp nghỉ phép, có thể cho người trực thay mượn tài khoản trên hệ "
                    "thống thủ tục hành chính để hồ sơ không bị trễ hạn."
                ),
                "correct": False,
                "explanation": (
                    "Mỗi người một tài khoản, kể cả khi đồng nghiệp nghỉ phép, vì mọi thao tác trên "
                    "hệ thống đều được ghi lại theo tài khoản."
                ),
            },
            {
                "kind": "single",
                "text": (
                    "Phường cần nhờ tổ dân phố thông báo lịch nhận trợ cấp qua nhóm Zalo khu phố. "
                    "Nên gửi những thông tin nào vào nhóm?"
                ),
                "explanation": (
                    "Không gửi dữ liệu cá nhân vào nhóm chat chung. Chỉ gửi họ tên, tổ dân phố và "
                    "lịch nhận; số định danh, số điện thoại, số tài khoản giữ trên hệ thống."
                ),
                "answers": [
                    ("Ảnh chụp danh sách đầy đủ có số định danh và số điện thoại để dễ đối chiếu", False),
                    ("Chỉ họ tên, tổ dân phố và lịch nhận", True),
                    ("Họ tên kèm số tài khoản ngân hàng để người dân kiểm tra tiền về", False),
                    ("Họ tên, ngày sinh và số định danh cá nhân để tránh nhầm người trùng tên", False),
                ],
            },
            {
                "kind": "essay",
                "text": (
                    "Chọn một danh sách anh/chị đang quản lý hoặc thường sử dụng tại phường (ví dụ "
                    "danh sách hộ nghèo, người cao tuổi hưởng trợ cấp). Nêu những nguyên nhân có thể "
                    "làm danh sách không khớp với các nguồn khác và kế hoạch để danh sách đạt yêu "
                    "cầu “đúng, đủ, sạch, sống”, kể cả cách bảo vệ dữ liệu cá nhân khi chia sẻ "
                    "(khoảng 3-5 câu)."
                ),
                "explanation": (
                    "Bài tốt nêu được nguyên nhân cụ thể (nhập tay nhiều lần, dữ liệu lịch sử như "
                    "chứng minh nhân dân 9 số, không cùng chuẩn định dạng, không cập nhật biến động, "
                    "sắp xếp đơn vị hành chính); kế hoạch có sao lưu bản gốc, chuẩn hóa, tìm trùng "
                    "theo số định danh, đối chiếu nguồn gốc (dữ liệu dân cư, hộ tịch), ghi lại thay "
                    "đổi và cơ chế cập nhật khi có biến động, có người chịu trách nhiệm. Về bảo vệ "
                    "dữ liệu: chỉ thu thập thông tin cần thiết, không gửi vào nhóm chat chung, lưu "
                    "trên hệ thống hoặc thư mục được phân quyền."
                ),
            },
        ],
    },
    # ------------------------------------------------------------------
    # Khóa 1 – Module 3: Công cụ số và đổi mới từ cơ sở
    # ------------------------------------------------------------------
    {
        "course_slug": "chuyen-doi-so-cho-can-bo-phuong-xa",
        "module_slug": "cong-cu-so-va-doi-moi-tu-co-so",
        "slug": "kiem-tra-cong-cu-so-va-doi-moi-tu-co-so",
        "title": "Kiểm tra: Công cụ số và đổi mới từ cơ sở",
        "description": (
            "Bài kiểm tra gồm 7 câu hỏi về văn bản điện tử và ký số, bảng tính dùng chung, đặt tên "
            "tệp, làm việc khi mạng chập chờn và cách tổ chức một thí điểm cải tiến nhỏ tại phường."
        ),
        "category": "Kỹ năng số",
        "pass_mark": 60,
        "success_text": (
            "Chúc mừng anh/chị đã vượt qua bài kiểm tra; hãy bắt tay vào thí điểm cải tiến đầu "
            "tiên tại phường mình."
        ),
        "fail_text": (
            "Anh/chị chưa đạt lần này; hãy xem lại các bài về công cụ số và dẫn dắt đổi mới rồi "
            "làm lại bài kiểm tra."
        ),
        "questions": [
            {
                "kind": "short",
                "text": (
                    "Theo Nghị định 30/2020/NĐ-CP, văn bản điện tử được ký bằng gì đúng quy định thì "
                    "có giá trị pháp lý như bản gốc văn bản giấy?"
                ),
                "accepted": ["chữ ký số", "chu ky so", "ký số", "chữ ký số chuyên dùng công vụ"],
                "explanation": (
                    "Văn bản điện tử được ký số đúng quy định có giá trị pháp lý như bản gốc văn bản "
                    "giấy; lãnh đạo và công chức được giao nhiệm vụ được cấp chữ ký số chuyên dùng "
                    "công vụ."
                ),
            },
            {
                "kind": "true_false",
                "text": (
                    "Sau khi đã ký số một văn bản, nếu phát hiện lỗi chính tả nhỏ, cán bộ có thể sửa "
                    "trực tiếp trên tệp đã ký rồi gửi đi."
                ),
                "correct": False,
                "explanation": (
                    "Cần kiểm tra nội dung, số trang, phụ lục trước khi ký; đã ký số thì không sửa "
                    "tệp nữa, cần sửa thì ban hành lại theo quy trình."
                ),
            },
            {
                "kind": "single",
                "text": "Tên tệp nào đúng quy tắc đặt tên thống nhất được giới thiệu trong bài học?",
                "explanation": (
                    "Quy tắc là năm-tháng-ngày_nội dung_phiên bản. Viết ngày theo thứ tự năm, tháng, "
                    "ngày giúp tệp tự xếp đúng trình tự thời gian và biết rõ đâu là phiên bản nào."
                ),
                "answers": [
                    ("2025-09-05_DanhSachHoNgheoQuy3_v1", True),
                    ("05-09-2025_DanhSachHoNgheo", False),
                    ("Danh sach ho ngheo moi nhat (1) final sua.xlsx", False),
                    ("DanhSachHoNgheo_ban cuoi_v1", False),
                ],
            },
            {
                "kind": "multiple",
                "partial_credit": True,
                "text": (
                    "Sáng thứ Hai, máy tính tại quầy tiếp nhận không vào được hệ thống. Chọn tất cả "
                    "cách làm đúng theo bài học khi mạng chập chờn."
                ),
                "explanation": (
                    "Bài học hướng dẫn soạn và lưu ngoại tuyến, ghi sổ tạm tại quầy và xử lý tiếp khi "
                    "có kết nối, dùng thiết bị phát 4G do cơ quan trang bị và báo sự cố cụ thể. "
                    "Không dùng Wi-Fi công cộng để truy cập hệ thống công vụ."
                ),
                "answers": [
                    (
                        "Ghi họ tên, thủ tục, thời điểm người dân đến vào sổ ghi tạm và xử lý tiếp "
                        "ngay khi có kết nối",
                        True,
                    ),
                    ("Kết nối Wi-Fi công cộng của quán cà phê gần trụ sở để vào hệ thống công vụ", False),
                    ("Gửi ảnh chụp thông báo lỗi, thời điểm và tên máy cho đầu mối kỹ thuật", True),
                    ("Dùng thiết bị phát 4G do cơ quan trang bị cho việc thiết yếu", True),
                    ("Mời người dân ngồi chờ đến khi có mạng mà không cần giải thích", False),
                ],
            },
            {
                "kind": "single",
                "text": (
                    "Bộ phận tư pháp – hộ tịch thí điểm tờ hướng dẫn “chụp giấy tờ đúng cách” để "
                    "giảm hồ sơ phải bổ sung vì ảnh mờ. Cách nào giúp biết thí điểm có hiệu quả?"
                ),
                "explanation": (
                    "Phải “đo trước, đo sau”: ghi mốc ban đầu trước thí điểm rồi đo lại đúng bằng "
                    "cách đó, ví dụ đếm số hồ sơ phải bổ sung vì ảnh mờ trong 6 tuần và so với 6 "
                    "tuần trước đó."
                ),
                "answers": [
                    ("Đếm số tờ hướng dẫn đã in và phát cho người dân", False),
                    ("Hỏi cảm nhận của lãnh đạo phường khi kết thúc thí điểm", False),
                    ("Tổ chức thêm một cuộc họp riêng hằng tuần để báo cáo miệng tiến độ", False),
                    (
                        "Đếm số hồ sơ phải bổ sung vì ảnh mờ trong một khoảng thời gian, rồi so với "
                        "khoảng thời gian tương đương trước thí điểm",
                        True,
                    ),
                ],
            },
            {
                "kind": "true_false",
                "text": (
                    "Với cuộc họp chỉ để phổ biến thông tin, nên đề xuất thay bằng văn bản hoặc thông "
                    "báo kèm tài liệu; chỉ họp khi cần thảo luận và quyết định."
                ),
                "correct": True,
                "explanation": (
                    "Bài học khuyên thay cuộc họp chỉ để phổ biến thông tin bằng văn bản hoặc thông "
                    "báo kèm tài liệu, và chỉ họp khi cần thảo luận, quyết định."
                ),
            },
            {
                "kind": "essay",
                "text": (
                    "Đề xuất một thí điểm cải tiến nhỏ tại phường của anh/chị theo cách trình bày "
                    "trên một trang: vấn đề cần giải quyết, cách làm và công cụ, thời gian, người "
                    "thực hiện, chỉ số đo trước và sau, cách để người dân cùng tham gia "
                    "(khoảng 3-5 câu)."
                ),
                "explanation": (
                    "Bài đạt yêu cầu chọn một vấn đề cụ thể mà cán bộ hoặc người dân thật sự gặp; "
                    "dùng công cụ sẵn có hoặc chi phí thấp, được cơ quan cho phép; có thời gian giới "
                    "hạn và người chịu trách nhiệm; có chỉ số đo được (thời gian chờ tại quầy, số hồ "
                    "sơ phải bổ sung, số giờ làm báo cáo, tỷ lệ hồ sơ trực tuyến) đo trước và sau "
                    "bằng cùng một cách. Bài tốt nêu cách hỏi ý kiến, mời người dân dùng thử (nhất "
                    "là người cao tuổi), lồng tiến độ vào giao ban sẵn có thay vì họp thêm và đề xuất "
                    "bỏ bước cũ khi cách mới hiệu quả."
                ),
            },
        ],
    },
    # ------------------------------------------------------------------
    # Khóa 2 – Module 1: Nhận diện lừa đảo và bảo vệ tài khoản
    # ------------------------------------------------------------------
    {
        "course_slug": "ky-nang-an-toan-thong-tin-co-ban",
        "module_slug": "nhan-dien-lua-dao-va-bao-ve-tai-khoan",
        "slug": "kiem-tra-nhan-dien-lua-dao-va-bao-ve-tai-khoan",
        "title": "Kiểm tra: Nhận diện lừa đảo và bảo vệ tài khoản",
        "description": (
            "Bài kiểm tra gồm 7 câu hỏi về dấu hiệu lừa đảo qua email, Zalo, tin nhắn và cuộc gọi, "
            "quy tắc Dừng – Kiểm tra – Báo, cách tạo mật khẩu mạnh và xác thực hai yếu tố."
        ),
        "category": "An toàn thông tin",
        "pass_mark": 70,
        "success_text": (
            "Chúc mừng anh/chị đã vượt qua bài kiểm tra; hãy chia sẻ những dấu hiệu lừa đảo này "
            "với đồng nghiệp và người dân."
        ),
        "fail_text": (
            "Anh/chị chưa đạt lần này; hãy đọc lại hai bài về nhận diện lừa đảo và mật khẩu mạnh "
            "rồi làm lại bài kiểm tra."
        ),
        "questions": [
            {
                "kind": "single",
                "text": (
                    "Một người dân đến phường kể rằng vừa nhận cuộc gọi tự xưng là công an, báo ông "
                    "liên quan đến vụ án và yêu cầu chuyển tiền vào “tài khoản tạm giữ”. Cán bộ "
                    "phường nên tư vấn thế nào?"
                ),
                "explanation": (
                    "Cơ quan công an không làm việc, lấy lời khai qua điện thoại và không yêu cầu "
                    "chuyển tiền vào tài khoản cá nhân. Muốn kiểm tra thì gọi lại theo số đã biết từ "
                    "trước, không dùng số do người gọi cung cấp."
                ),
                "answers": [
                    (
                        "Đây là dấu hiệu lừa đảo: không chuyển tiền, vì công an không làm việc qua "
                        "điện thoại và không yêu cầu chuyển tiền vào tài khoản cá nhân",
                        True,
                    ),
                    ("Chuyển trước một phần tiền để chứng minh thiện chí hợp tác", False),
                    ("Gọi lại vào số điện thoại mà người gọi đọc cho để xác minh", False),
                    ("Cài ứng dụng theo đường link người gọi gửi để “cập nhật định danh mức 2”", False),
                ],
            },
            {
                "kind": "multiple",
                "partial_credit": True,
                "text": "Chọn tất cả những tình huống là dấu hiệu lừa đảo theo bài học.",
                "explanation": (
                    "Email có địa chỉ gần giống địa chỉ cơ quan nhưng sai vài ký tự, tài khoản Zalo "
                    "mang tên lãnh đạo nhờ chuyển tiền gấp, tin nhắn mạo danh ngân hàng kèm link đều "
                    "là thủ đoạn phổ biến. Cuộc gọi từ số đã lưu từ trước và việc tải VNeID từ kho "
                    "ứng dụng chính thức là bình thường."
                ),
                "answers": [
                    ("Email có địa chỉ người gửi gần giống địa chỉ cơ quan nhưng sai vài ký tự", True),
                    ("Đồng nghiệp gọi từ số điện thoại đã lưu từ trước để hỏi lịch họp", False),
                    (
                        "Tài khoản Zalo mang tên và ảnh lãnh đạo phường nhắn nhờ chuyển gấp tiền cho đối tác",
                        True,
                    ),
                    ("Tin nhắn SMS mạo danh ngân hàng kèm link yêu cầu cập nhật thông tin", True),
                    ("Tải ứng dụng VNeID từ App Store hoặc Google Play", False),
                ],
            },
            {
                "kind": "short",
                "text": ("Quy tắc ba bước khi nghi ngờ lừa đảo là: Dừng – Kiểm tra – ... Điền từ còn thiếu."),
                "accepted": ["báo", "bao", "báo cáo", "bao cao"],
                "explanation": (
                    "Bước thứ ba là Báo: báo đầu mối của cơ quan nếu liên quan tài khoản công vụ, "
                    "trình báo công an nếu bị chiếm đoạt tiền, tài sản và cảnh báo đồng nghiệp."
                ),
            },
            {
                "kind": "true_false",
                "text": (
                    "Tin nhắn SMS hiển thị đúng tên thương hiệu của ngân hàng thì chắc chắn là tin nhắn thật."
                ),
                "correct": False,
                "explanation": (
                    "Kể cả tin nhắn hiển thị tên thương hiệu cũng có thể là giả, do kẻ gian dùng "
                    "thiết bị phát sóng giả để phát tán."
                ),
            },
            {
                "kind": "single",
                "text": (
                    "Chị Thu cần đặt mật khẩu mới cho email công vụ. Mật khẩu nào phù hợp nhất với "
                    "hướng dẫn của bài học?"
                ),
                "explanation": (
                    "Mật khẩu nên từ 12 ký tự trở lên, dùng cụm từ chỉ mình hiểu kèm số và ký hiệu, "
                    "và mỗi tài khoản một mật khẩu riêng. Tên phường kèm năm sinh, chuỗi số đơn giản "
                    "là những thứ kẻ gian thử đầu tiên."
                ),
                "answers": [
                    ("PhuongAnKhanh1975", False),
                    ("123456789", False),
                    ("BanhMiOpLa#6GioChieu", True),
                    ("Dùng lại mật khẩu Facebook cá nhân cho dễ nhớ", False),
                ],
            },
            {
                "kind": "true_false",
                "text": (
                    "Nhân viên ngân hàng, nhà mạng hoặc cán bộ nhà nước có thể có lý do chính đáng "
                    "để hỏi mã OTP của bạn."
                ),
                "correct": False,
                "explanation": (
                    "Mã OTP chỉ dành cho chính bạn; không ai có lý do chính đáng để hỏi mã này. Nếu "
                    "nhận được OTP dù không đăng nhập, có thể ai đó đã biết mật khẩu và cần đổi mật "
                    "khẩu ngay."
                ),
            },
            {
                "kind": "essay",
                "text": (
                    "Một công chức phường anh/chị nhận tin nhắn Zalo từ tài khoản mang tên và ảnh của "
                    "lãnh đạo phường: “Anh đang họp, em chuyển giúp anh 20 triệu cho đối tác”. Hãy mô "
                    "tả cách xử lý theo quy tắc Dừng – Kiểm tra – Báo và nêu một việc phường có thể "
                    "làm để bảo vệ tài khoản của cán bộ (khoảng 3-5 câu)."
                ),
                "explanation": (
                    "Bài đạt yêu cầu nêu đủ ba bước: Dừng (không chuyển tiền, không bấm link, không "
                    "đọc OTP); Kiểm tra (gọi trực tiếp cho lãnh đạo theo số đã lưu từ trước, không "
                    "dùng số trong tin nhắn); Báo (báo lãnh đạo, cảnh báo nhóm công việc, trình báo "
                    "công an nếu đã mất tiền). Việc bảo vệ tài khoản hợp lý: mật khẩu dài từ 12 ký "
                    "tự, mỗi tài khoản một mật khẩu, bật xác thực hai yếu tố, lưu mã dự phòng, không "
                    "gửi mật khẩu qua Zalo."
                ),
            },
        ],
    },
    # ------------------------------------------------------------------
    # Khóa 2 – Module 2: Sử dụng thiết bị an toàn và xử lý sự cố
    # ------------------------------------------------------------------
    {
        "course_slug": "ky-nang-an-toan-thong-tin-co-ban",
        "module_slug": "thiet-bi-an-toan-va-xu-ly-su-co",
        "slug": "kiem-tra-thiet-bi-an-toan-va-xu-ly-su-co",
        "title": "Kiểm tra: Sử dụng thiết bị an toàn và xử lý sự cố",
        "description": (
            "Bài kiểm tra gồm 7 câu hỏi về sử dụng máy tính cơ quan và USB, cập nhật phần mềm, sao "
            "lưu theo quy tắc 3-2-1 và các bước đầu tiên khi xảy ra sự cố an toàn thông tin."
        ),
        "category": "An toàn thông tin",
        "pass_mark": 70,
        "success_text": (
            "Chúc mừng anh/chị đã vượt qua bài kiểm tra và biết cách phản ứng đúng khi sự cố xảy ra."
        ),
        "fail_text": (
            "Anh/chị chưa đạt lần này; hãy xem lại các bài về thiết bị an toàn và năm bước xử lý "
            "sự cố rồi làm lại bài kiểm tra."
        ),
        "questions": [
            {
                "kind": "single",
                "text": (
                    "Máy tính của chị Mai bỗng hiện thông báo đòi tiền chuộc, các tệp bị đổi đuôi "
                    "không mở được. Việc đầu tiên chị cần làm là gì?"
                ),
                "explanation": (
                    "Bước đầu tiên là ngắt kết nối mạng để mã độc không lây sang máy khác. Không tự "
                    "cài lại máy, xóa tệp hay định dạng ổ đĩa vì có thể làm mất dấu vết, và không "
                    "liên hệ hay trả tiền cho kẻ tấn công."
                ),
                "answers": [
                    ("Cài lại hệ điều hành ngay để xóa mã độc", False),
                    ("Ngắt kết nối mạng của máy: rút dây mạng, tắt Wi-Fi", True),
                    ("Liên hệ kẻ tấn công để thương lượng mức tiền chuộc", False),
                    ("Xóa các tệp bị đổi đuôi rồi tiếp tục làm việc", False),
                ],
            },
            {
                "kind": "multiple",
                "partial_credit": True,
                "text": "Chọn tất cả những việc làm đúng khi sử dụng máy tính cơ quan và USB.",
                "explanation": (
                    "Cần khóa màn hình khi rời chỗ, quét USB trước khi mở và tách riêng máy in ấn "
                    "phục vụ người dân khỏi máy nghiệp vụ. Không cắm USB không rõ nguồn gốc, kể cả "
                    "USB nhặt được, và không dùng phần mềm bẻ khóa vì thường kèm mã độc."
                ),
                "answers": [
                    ("Khóa màn hình mỗi khi rời chỗ ngồi (phím Windows và phím L)", True),
                    ("Cắm USB nhặt được vào máy nghiệp vụ để tìm chủ nhân", False),
                    ("Quét USB bằng phần mềm diệt virus trước khi mở", True),
                    ("Cài phần mềm bẻ khóa (crack) khi chưa có bản quyền", False),
                    (
                        "Bố trí riêng một máy không dùng cho nghiệp vụ để in giấy tờ từ USB của người dân",
                        True,
                    ),
                ],
            },
            {
                "kind": "single",
                "text": "Cách sao lưu nào đúng với quy tắc 3-2-1?",
                "explanation": (
                    "Quy tắc 3-2-1: 3 bản dữ liệu (một bản đang dùng, hai bản sao lưu), trên 2 loại "
                    "phương tiện khác nhau, 1 bản để ở nơi khác hoặc trên hệ thống lưu trữ tập trung "
                    "được phép."
                ),
                "answers": [
                    ("Ba bản sao đều lưu trên cùng một ổ cứng di động", False),
                    ("Một bản trên máy tính, gửi thêm bản sao qua Zalo cho đồng nghiệp giữ hộ", False),
                    (
                        "Bản đang dùng trên máy tính, một bản trên ổ cứng di động của cơ quan và một "
                        "bản trên hệ thống lưu trữ tập trung được phép",
                        True,
                    ),
                ],
            },
            {
                "kind": "short",
                "text": (
                    "Theo Nghị định 13/2023/NĐ-CP, khi dữ liệu cá nhân của người dân bị lộ, cơ quan "
                    "phải thông báo cho cơ quan chuyên trách bảo vệ dữ liệu cá nhân thuộc Bộ Công an "
                    "chậm nhất bao nhiêu giờ sau khi xảy ra vi phạm? (ghi bằng số)"
                ),
                "accepted": ["72", "72 giờ", "72 gio", "72h"],
                "explanation": (
                    "Thời hạn là chậm nhất 72 giờ. Việc thông báo do cơ quan thực hiện, nhưng chỉ "
                    "kịp hạn khi cán bộ báo cáo ngay."
                ),
            },
            {
                "kind": "true_false",
                "text": (
                    "Nếu lỡ bấm vào đường link lạ nhưng chưa nhập gì thì không cần báo cho đầu mối "
                    "công nghệ thông tin."
                ),
                "correct": False,
                "explanation": (
                    "Vẫn cần báo: trang độc hại có thể tải mã độc mà người dùng không nhận ra, nên "
                    "đầu mối công nghệ thông tin cần kiểm tra máy."
                ),
            },
            {
                "kind": "true_false",
                "text": (
                    "Thay vì bấm “Để sau” mãi, nên để máy cập nhật và khởi động lại vào cuối giờ làm việc."
                ),
                "correct": True,
                "explanation": (
                    "Bản cập nhật hệ điều hành, trình duyệt, phần mềm diệt virus thường vá những lỗ "
                    "hổng mà kẻ gian đang khai thác, nên cần cập nhật đều đặn."
                ),
            },
            {
                "kind": "essay",
                "text": (
                    "Giả sử một cán bộ phường anh/chị gửi nhầm danh sách có số định danh của người "
                    "dân vào một nhóm Zalo khác. Hãy mô tả những việc cần làm ngay, báo cho ai, và "
                    "đề xuất một biện pháp để phòng tránh sự việc tương tự tại phường "
                    "(khoảng 3-5 câu)."
                ),
                "explanation": (
                    "Bài đạt yêu cầu nêu: thu hồi tin nhắn; báo ngay lãnh đạo trực tiếp và đầu mối "
                    "công nghệ thông tin, không giấu sự cố; ghi lại sự việc (thời điểm, nội dung, "
                    "ảnh chụp màn hình); hiểu rằng phường cần báo sớm để kịp thông báo cho cơ quan "
                    "chuyên trách thuộc Bộ Công an chậm nhất 72 giờ theo Nghị định 13/2023/NĐ-CP. "
                    "Biện pháp phòng tránh hợp lý: không gửi dữ liệu cá nhân vào nhóm chat, lưu trên "
                    "hệ thống được phân quyền, lưu sẵn số điện thoại đầu mối công nghệ thông tin."
                ),
            },
        ],
    },
]
