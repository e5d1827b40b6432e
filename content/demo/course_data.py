"""Nội dung mẫu cho SmartWard Learn (Học viện Phường thông minh).

Module dữ liệu thuần Python: chỉ khai báo hằng ``COURSES``. Mỗi bài học có
``body`` là danh sách các khối (heading, paragraph, callout, faq) theo đúng
cấu trúc StreamField của ứng dụng ``content``.

Ghi chú biên tập:
- Các ví dụ về cán bộ, phường trong bài là ví dụ minh họa, không phải số liệu
  hay sự việc thực tế của một đơn vị cụ thể.
- ``minutes`` là thời gian học ước tính của bài (đọc và làm phần thực hành).
"""

from __future__ import annotations

COURSES: list[dict] = [
    # ------------------------------------------------------------------
    # Khóa 1: Chuyển đổi số cho cán bộ phường, xã
    # ------------------------------------------------------------------
    {
        "slug": "chuyen-doi-so-cho-can-bo-phuong-xa",
        "title": "Chuyển đổi số cho cán bộ phường, xã",
        "summary": (
            "Khóa học giúp cán bộ, công chức phường, xã hiểu và vận dụng chuyển đổi số "
            "trong công việc hằng ngày: dịch vụ công trực tuyến, dữ liệu dùng chung, "
            "an toàn thông tin và các công cụ số thiết yếu. Nội dung bám sát thực tế "
            "chính quyền địa phương hai cấp tại Thành phố Hồ Chí Minh, với ví dụ cụ thể "
            "từ các vị trí tư pháp – hộ tịch, văn phòng – thống kê, địa chính – xây dựng."
        ),
        "outcomes": [
            "Giải thích được chuyển đổi số ở phường, xã là gì và vì sao “phường thông minh” cần được xây dựng từ cơ sở.",
            "Phân biệt dịch vụ công trực tuyến toàn trình và một phần; hướng dẫn người dân nộp hồ sơ qua Cổng Dịch vụ công quốc gia và ứng dụng VNeID.",
            "Nhận diện nguyên nhân dữ liệu giữa các ngành không khớp và duy trì dữ liệu theo yêu cầu “đúng, đủ, sạch, sống”.",
            "Áp dụng các biện pháp cơ bản về an toàn thông tin và bảo vệ dữ liệu cá nhân của người dân theo quy định hiện hành.",
            "Sử dụng văn bản điện tử, ký số, bảng tính dùng chung, họp trực tuyến và duy trì công việc khi kết nối mạng không ổn định.",
            "Đề xuất và tổ chức một thí điểm cải tiến nhỏ tại phường, đo lường kết quả và chia sẻ cách làm hay.",
        ],
        "estimated_hours": "6",
        "level": "beginner",
        "topics": [
            "Chuyển đổi số",
            "Dịch vụ công trực tuyến",
            "Dữ liệu",
            "An toàn thông tin",
        ],
        "modules": [
            # ---------------- Module 1 ----------------
            {
                "slug": "hieu-chuyen-doi-so-va-dich-vu-cong",
                "title": "Hiểu chuyển đổi số và dịch vụ công trực tuyến",
                "intro": (
                    "Hiểu đúng chuyển đổi số ở cấp phường, xã và nắm cách vận hành, "
                    "hỗ trợ người dân sử dụng dịch vụ công trực tuyến."
                ),
                "lessons": [
                    # ---- Bài 1 ----
                    {
                        "slug": "chuyen-doi-so-o-phuong-la-gi",
                        "title": "Chuyển đổi số ở phường, xã: hiểu đúng để làm đúng",
                        "minutes": 35,
                        "body": [
                            ("heading", "Chuyển đổi số không chỉ là mua thêm máy móc"),
                            (
                                "paragraph",
                                "<p>Trang bị máy tính, phần mềm là cần thiết nhưng chưa đủ. Chuyển đổi số là "
                                "thay đổi <strong>cách làm việc</strong> và <strong>cách phục vụ người "
                                "dân</strong> dựa trên công nghệ số và dữ liệu. Một quy trình giấy được "
                                "chuyển nguyên trạng lên máy tính, người dân vẫn phải đi lại nhiều lần, "
                                "thì chưa phải là chuyển đổi số.</p>"
                                "<p>Có thể hình dung ba mức độ:</p>"
                                "<ol>"
                                "<li><strong>Số hóa</strong>: chuyển giấy tờ, sổ sách sang dạng điện tử, "
                                "ví dụ quét sổ hộ tịch cũ.</li>"
                                "<li><strong>Ứng dụng công nghệ vào quy trình</strong>: tiếp nhận hồ sơ "
                                "trực tuyến, ký số văn bản, họp trực tuyến.</li>"
                                "<li><strong>Chuyển đổi</strong>: thiết kế lại quy trình lấy người dân làm "
                                "trung tâm, dùng dữ liệu để ra quyết định, bỏ bước thừa.</li>"
                                "</ol>",
                            ),
                            ("heading", "Vì sao phường, xã là nơi quyết định"),
                            (
                                "paragraph",
                                "<p>Từ ngày 01/7/2025, chính quyền địa phương được tổ chức theo mô hình hai "
                                "cấp: tỉnh, thành phố và xã, phường. Thành phố Hồ Chí Minh có 168 đơn vị "
                                "hành chính cấp xã, không còn cấp quận, huyện ở giữa. Nhiều việc trước đây "
                                "do quận, huyện thực hiện nay được giao về phường, xã, trong khi người dân "
                                "vẫn đến phường là nơi gần nhất để làm thủ tục, phản ánh, xin xác nhận.</p>"
                                "<p>Vì vậy, mỗi cán bộ phường là “điểm chạm” trực tiếp giữa chính quyền số "
                                "và người dân. Quyết định 146/QĐ-TTg năm 2022 về phổ cập kỹ năng chuyển "
                                "đổi số và phong trào “Bình dân học vụ số” năm 2025 cùng nhấn mạnh: chuyển "
                                "đổi số chỉ thành công khi cả cán bộ và người dân có kỹ năng số.</p>",
                            ),
                            ("heading", "Phường thông minh được xây từ dưới lên"),
                            (
                                "paragraph",
                                "<p>“Phường thông minh” không phải là một phần mềm mua về rồi cài đặt. Đó là "
                                "phường mà ở đó:</p>"
                                "<ul>"
                                "<li>người dân làm được phần lớn thủ tục trực tuyến; khi cần đến trụ sở thì "
                                "được hướng dẫn nhanh, không phải đi lại nhiều lần;</li>"
                                "<li>dữ liệu dân cư, hộ tịch, đất đai, an sinh xã hội được cập nhật thường "
                                "xuyên và dùng chung, thay vì mỗi bộ phận giữ một bản riêng;</li>"
                                "<li>lãnh đạo phường nắm tình hình qua số liệu cập nhật;</li>"
                                "<li>người dân có kênh phản ánh và nhận được phản hồi minh bạch.</li>"
                                "</ul>"
                                "<p>Làm “từ dưới lên” là bắt đầu từ vướng mắc cụ thể cán bộ gặp hằng ngày, "
                                "giải quyết từng việc nhỏ, đo kết quả rồi nhân rộng, thay vì chờ một hệ "
                                "thống lớn hoàn hảo.</p>",
                            ),
                            (
                                "callout",
                                {
                                    "kind": "note",
                                    "title": "Ví dụ tại phường",
                                    "text": (
                                        "<p>Công chức văn phòng – thống kê của một phường mất nhiều ngày "
                                        "công mỗi tháng để gom số liệu từ các bộ phận qua tin nhắn, giấy "
                                        "tờ. Chị đề xuất một bảng tính dùng chung với mẫu cố định, mỗi bộ "
                                        "phận tự cập nhật trước ngày 25 hằng tháng. Sau vài tháng, việc "
                                        "tổng hợp nhanh hơn hẳn và số liệu ít sai lệch hơn: một bước nhỏ "
                                        "nhưng đúng tinh thần phường thông minh.</p>"
                                    ),
                                },
                            ),
                            ("heading", "Thực hành: bắt đầu từ chính công việc của bạn"),
                            (
                                "paragraph",
                                "<p>Tự trả lời ba câu hỏi:</p>"
                                "<ol>"
                                "<li>Việc nào trong tuần của tôi lặp đi lặp lại và tốn thời gian nhất?</li>"
                                "<li>Thông tin nào tôi phải hỏi lại người dân hoặc bộ phận khác, dù lẽ ra "
                                "đã có sẵn?</li>"
                                "<li>Người dân thường phàn nàn điều gì khi làm việc với bộ phận của tôi?</li>"
                                "</ol>"
                                "<p>Ghi lại câu trả lời: đó là danh sách “bài toán” đầu tiên cho chuyển "
                                "đổi số ở vị trí của bạn.</p>",
                            ),
                        ],
                    },
                    # ---- Bài 2 ----
                    {
                        "slug": "dich-vu-cong-truc-tuyen-toan-trinh-va-mot-phan",
                        "title": "Dịch vụ công trực tuyến toàn trình và một phần",
                        "minutes": 40,
                        "body": [
                            ("heading", "Hai loại dịch vụ công trực tuyến"),
                            (
                                "paragraph",
                                "<p>Theo quy định hiện hành về cung cấp thông tin và dịch vụ công trực "
                                "tuyến, dịch vụ công trực tuyến được chia thành hai loại:</p>"
                                "<ul>"
                                "<li><strong>Toàn trình</strong>: người dân thực hiện toàn bộ quá trình "
                                "trên môi trường mạng, từ cung cấp thông tin, nộp hồ sơ, nộp phí, lệ phí "
                                "(nếu có) đến nhận kết quả. Kết quả là bản điện tử hoặc gửi qua bưu chính "
                                "theo yêu cầu.</li>"
                                "<li><strong>Một phần</strong>: người dân nộp hồ sơ trực tuyến nhưng vẫn "
                                "phải thực hiện một số bước trực tiếp, chẳng hạn xuất trình bản chính "
                                "giấy tờ, ký sổ hoặc nhận kết quả tại Trung tâm Phục vụ hành chính "
                                "công.</li>"
                                "</ul>"
                                "<p>Thủ tục nào là toàn trình hay một phần được xác định theo danh mục do "
                                "cơ quan có thẩm quyền công bố; cán bộ cần tra cứu danh mục đang áp dụng "
                                "để hướng dẫn đúng.</p>",
                            ),
                            ("heading", "Điều gì thay đổi với cán bộ tiếp nhận, giải quyết"),
                            (
                                "paragraph",
                                "<p>Khi hồ sơ đến qua mạng, công việc chuyển sang hình thức khác:</p>"
                                "<ul>"
                                "<li>Kiểm tra hồ sơ trên hệ thống thay vì trên giấy: thành phần đã đủ chưa, "
                                "tệp đính kèm có đọc được không, thông tin có khớp với dữ liệu dân cư "
                                "không.</li>"
                                "<li>Phản hồi đúng hạn trên hệ thống: tiếp nhận, yêu cầu bổ sung hay từ "
                                "chối đều phải có lý do rõ ràng, viết dễ hiểu.</li>"
                                "<li>Cập nhật trạng thái hồ sơ kịp thời để người dân tự theo dõi.</li>"
                                "<li>Trả kết quả điện tử có ký số khi thủ tục cho phép.</li>"
                                "</ul>"
                                "<p>Với thông tin đã khai thác được từ Cơ sở dữ liệu quốc gia về dân cư, "
                                "cán bộ không yêu cầu người dân nộp thêm giấy tờ để chứng minh.</p>",
                            ),
                            (
                                "callout",
                                {
                                    "kind": "tip",
                                    "title": "Ví dụ: viết yêu cầu bổ sung sao cho dễ hiểu",
                                    "text": (
                                        "<p>Anh Minh, công chức tư pháp – hộ tịch, nhận hồ sơ trực tuyến "
                                        "thuộc nhóm thủ tục liên thông đăng ký khai sinh, đăng ký thường "
                                        "trú, cấp thẻ bảo hiểm y tế cho trẻ em dưới 6 tuổi. Ảnh giấy chứng "
                                        "sinh bị mờ. Thay vì ghi “Hồ sơ không hợp lệ”, anh ghi: "
                                        "<em>“Ảnh giấy chứng sinh bị mờ phần họ tên mẹ. Đề nghị chụp lại "
                                        "rõ nét, đủ bốn góc giấy và nộp bổ sung trên hệ thống.”</em> "
                                        "Người dân biết chính xác phải làm gì.</p>"
                                    ),
                                },
                            ),
                            ("heading", "Tăng hồ sơ trực tuyến một cách thực chất"),
                            (
                                "paragraph",
                                "<p>Tỷ lệ hồ sơ trực tuyến chỉ có ý nghĩa khi người dân thật sự dùng được "
                                "dịch vụ. Tránh nộp hộ hàng loạt cho đủ chỉ tiêu mà người dân không được "
                                "hướng dẫn. Thay vào đó:</p>"
                                "<ul>"
                                "<li>chọn vài thủ tục phát sinh nhiều nhất tại phường để hướng dẫn thật "
                                "kỹ;</li>"
                                "<li>chuẩn bị tờ hướng dẫn ngắn có mã QR dẫn đến đúng thủ tục;</li>"
                                "<li>ghi lại lỗi người dân hay gặp để đề xuất cải thiện.</li>"
                                "</ul>",
                            ),
                            (
                                "faq",
                                [
                                    {
                                        "question": "Người dân đã nộp hồ sơ trực tuyến có phải mang hồ sơ giấy đến nữa không?",
                                        "answer": (
                                            "<p>Với thủ tục toàn trình, về nguyên tắc là không. Với thủ tục "
                                            "một phần, người dân chỉ mang những giấy tờ được yêu cầu xuất "
                                            "trình hoặc đến nhận kết quả theo hướng dẫn; cán bộ nên nói rõ "
                                            "ngay khi tiếp nhận.</p>"
                                        ),
                                    },
                                    {
                                        "question": "Hồ sơ phải bổ sung nhiều lần thì xử lý thế nào?",
                                        "answer": (
                                            "<p>Hãy kiểm tra kỹ toàn bộ hồ sơ và nêu đầy đủ các nội dung cần "
                                            "bổ sung trong một lần, theo đúng nguyên tắc chỉ yêu cầu bổ sung, "
                                            "hoàn thiện hồ sơ một lần.</p>"
                                        ),
                                    },
                                ],
                            ),
                        ],
                    },
                    # ---- Bài 3 ----
                    {
                        "slug": "ho-tro-nguoi-dan-dung-cong-dich-vu-cong-va-vneid",
                        "title": "Hỗ trợ người dân dùng Cổng Dịch vụ công quốc gia và VNeID",
                        "minutes": 40,
                        "body": [
                            ("heading", "Hai “cửa ngõ” người dân thường dùng"),
                            (
                                "paragraph",
                                "<p><strong>Cổng Dịch vụ công quốc gia</strong> là nơi người dân, doanh "
                                "nghiệp tra cứu thủ tục, nộp hồ sơ, thanh toán trực tuyến và theo dõi kết "
                                "quả. Người dân có thể đăng nhập bằng tài khoản định danh điện tử "
                                "VNeID.</p>"
                                "<p><strong>Ứng dụng VNeID</strong> do Bộ Công an phát triển, dùng để định "
                                "danh và xác thực điện tử. Tài khoản định danh điện tử mức 2 giúp người dân "
                                "chứng minh danh tính trong nhiều giao dịch điện tử mà không cần xuất trình "
                                "giấy tờ. Một số thủ tục như thông báo lưu trú, đăng ký cư trú và các nhóm "
                                "thủ tục liên thông có thể thực hiện ngay trên VNeID; danh mục này được mở "
                                "rộng dần theo từng thời điểm.</p>",
                            ),
                            ("heading", "Hướng dẫn tại quầy trong năm bước"),
                            (
                                "paragraph",
                                "<ol>"
                                "<li><strong>Hỏi nhu cầu</strong>: người dân cần làm thủ tục gì, cho ai "
                                "(bản thân, con, cha mẹ).</li>"
                                "<li><strong>Kiểm tra điều kiện</strong>: điện thoại có kết nối mạng không, "
                                "tài khoản VNeID đã ở mức 2 chưa, người dân còn nhớ mật khẩu không.</li>"
                                "<li><strong>Làm mẫu, để người dân tự bấm</strong>: cán bộ chỉ, người dân "
                                "thao tác. Người dân tự làm được một lần thì lần sau sẽ không cần đến "
                                "quầy.</li>"
                                "<li><strong>Kiểm tra trước khi nộp</strong>: họ tên, ngày sinh, số định "
                                "danh cá nhân, ảnh giấy tờ rõ nét.</li>"
                                "<li><strong>Dặn cách theo dõi</strong>: nơi xem trạng thái hồ sơ, thời hạn "
                                "giải quyết, cách nhận thông báo kết quả.</li>"
                                "</ol>",
                            ),
                            (
                                "callout",
                                {
                                    "kind": "warning",
                                    "title": "Không giữ mật khẩu, mã OTP của người dân",
                                    "text": (
                                        "<p>Tuyệt đối không hỏi, ghi lại hay tự đăng nhập bằng mật khẩu, mã "
                                        "xác thực một lần (OTP) của người dân. Nếu người dân nhờ thao tác "
                                        "giúp, hãy để họ tự nhập mật khẩu và mã xác thực. Máy tính, điện "
                                        "thoại dùng để hỗ trợ tại quầy phải được đăng xuất sau mỗi lượt.</p>"
                                    ),
                                },
                            ),
                            ("heading", "Những nhóm người dân cần hỗ trợ riêng"),
                            (
                                "paragraph",
                                "<ul>"
                                "<li><strong>Người cao tuổi</strong>: nói chậm, dùng từ quen thuộc (“bấm "
                                "vào ô màu đỏ” thay vì “chọn nút xác nhận”), ghi các bước ra giấy để họ "
                                "mang về.</li>"
                                "<li><strong>Người không có điện thoại thông minh</strong>: hướng dẫn nộp "
                                "trực tiếp hoặc nhờ người thân thực hiện theo đúng quy định về ủy quyền; "
                                "không ép buộc nộp trực tuyến.</li>"
                                "<li><strong>Người lao động bận rộn</strong>: giới thiệu các thủ tục có thể "
                                "nộp qua mạng ngoài giờ hành chính.</li>"
                                "</ul>"
                                "<p>Tổ công nghệ số cộng đồng ở khu phố, ấp và đoàn viên thanh niên là lực "
                                "lượng hỗ trợ tốt, nhất là trong các đợt cao điểm.</p>",
                            ),
                            ("heading", "Xử lý hồ sơ trực tuyến ở phía phường"),
                            (
                                "paragraph",
                                "<p>Ví dụ minh họa: tại một phường, công chức tư pháp – hộ tịch vừa tiếp "
                                "dân tại quầy vừa xử lý hồ sơ trực tuyến. Trước đây, hồ sơ trực tuyến "
                                "thường bị “để sau” vì người đến quầy luôn được ưu tiên, dẫn đến trễ hạn. "
                                "Chị thống nhất với lãnh đạo một số thói quen:</p>"
                                "<ul>"
                                "<li>đặt hai khung giờ cố định trong ngày (đầu giờ sáng và đầu giờ chiều) "
                                "để rà soát hồ sơ trực tuyến mới;</li>"
                                "<li>sắp xếp hồ sơ theo hạn giải quyết, ưu tiên hồ sơ sắp đến hạn;</li>"
                                "<li>soạn sẵn các mẫu câu phản hồi thường dùng, rõ ràng và lịch sự;</li>"
                                "<li>với kết quả điện tử, kiểm tra đã ký số và đã trả lên hệ thống trước "
                                "khi báo hoàn thành.</li>"
                                "</ul>"
                                "<p>Nhờ vậy, hồ sơ trực tuyến được xử lý đều đặn hơn.</p>",
                            ),
                        ],
                    },
                ],
            },
            # ---------------- Module 2 ----------------
            {
                "slug": "du-lieu-dung-chung-va-an-toan-thong-tin",
                "title": "Dữ liệu dùng chung và an toàn thông tin",
                "intro": (
                    "Tìm hiểu vì sao dữ liệu giữa các ngành chưa khớp, cách làm sạch và giữ dữ liệu "
                    "“sống”, cùng các nguyên tắc bảo vệ tài khoản và dữ liệu cá nhân của người dân."
                ),
                "lessons": [
                    # ---- Bài 4 ----
                    {
                        "slug": "vi-sao-du-lieu-giua-cac-nganh-khong-khop",
                        "title": "Vì sao dữ liệu giữa các ngành không khớp nhau",
                        "minutes": 40,
                        "body": [
                            ("heading", "Một người dân, nhiều “phiên bản”"),
                            (
                                "paragraph",
                                "<p>Tại phường, thông tin của cùng một người dân có thể nằm ở nhiều nơi: "
                                "Cơ sở dữ liệu quốc gia về dân cư, cơ sở dữ liệu hộ tịch điện tử, hồ sơ "
                                "địa chính, danh sách đối tượng bảo trợ xã hội, danh sách hộ nghèo, dữ "
                                "liệu bảo hiểm xã hội... Mỗi hệ thống do một ngành xây dựng, có mẫu biểu "
                                "và cách nhập riêng. Khi các hệ thống chưa kết nối hoặc kết nối chưa đầy "
                                "đủ, cùng một người có thể có nhiều “phiên bản” khác nhau.</p>",
                            ),
                            (
                                "callout",
                                {
                                    "kind": "note",
                                    "title": "Ví dụ tại phường",
                                    "text": (
                                        "<p>Trong sổ hộ tịch cũ, một cụ bà được ghi là “Nguyễn Thị Mỹ Lệ”; "
                                        "trong danh sách bảo trợ xã hội lại ghi “Nguyễn T. Mỹ Lệ”; còn hồ sơ "
                                        "đất đai vẫn ghi số chứng minh nhân dân 9 số và địa chỉ theo tên "
                                        "phường cũ trước khi sắp xếp. Khi làm thủ tục hưởng chính sách, "
                                        "thông tin đối chiếu không khớp, hồ sơ bị chậm dù cụ không có lỗi "
                                        "gì.</p>"
                                    ),
                                },
                            ),
                            ("heading", "Những nguyên nhân thường gặp"),
                            (
                                "paragraph",
                                "<ol>"
                                "<li><strong>Nhập tay, nhập nhiều lần</strong>: mỗi lần gõ lại là một lần "
                                "có thể sai dấu, sai ngày sinh, đảo thứ tự ngày và tháng.</li>"
                                "<li><strong>Dữ liệu lịch sử</strong>: sổ sách giấy từ nhiều năm trước, chữ "
                                "viết tay khó đọc, giấy tờ cũ như chứng minh nhân dân 9 số, tên đơn vị "
                                "hành chính đã thay đổi.</li>"
                                "<li><strong>Không cùng chuẩn</strong>: nơi ghi ngày sinh dạng 01/02/1960, "
                                "nơi ghi 1960-02-01; nơi tách họ và tên, nơi gộp chung; địa chỉ viết tắt "
                                "mỗi nơi một kiểu.</li>"
                                "<li><strong>Không cập nhật biến động</strong>: người đã chuyển đi, đã mất, "
                                "hộ đã thoát nghèo nhưng danh sách chưa được sửa.</li>"
                                "<li><strong>Sắp xếp đơn vị hành chính</strong>: sau khi sáp nhập, địa chỉ, "
                                "mã đơn vị, người phụ trách thay đổi; dữ liệu từ các phường cũ được gom về "
                                "nhưng chưa được rà soát thống nhất.</li>"
                                "</ol>",
                            ),
                            ("heading", "Hậu quả không chỉ là chuyện kỹ thuật"),
                            (
                                "paragraph",
                                "<ul>"
                                "<li>Người dân phải đi lại, bổ sung giấy tờ để chứng minh điều mà cơ quan "
                                "nhà nước lẽ ra đã biết.</li>"
                                "<li>Chính sách có thể chi trả sai đối tượng hoặc bỏ sót người cần hỗ "
                                "trợ.</li>"
                                "<li>Báo cáo của phường thiếu tin cậy khi mỗi bộ phận đưa ra một con số "
                                "khác nhau cho cùng một chỉ tiêu.</li>"
                                "<li>Cán bộ mất nhiều thời gian đối chiếu thủ công thay vì phục vụ người "
                                "dân.</li>"
                                "</ul>",
                            ),
                            ("heading", "Nguồn nào là “gốc”?"),
                            (
                                "paragraph",
                                "<p>Nguyên tắc quan trọng: với thông tin nhân thân (họ tên, ngày sinh, số "
                                "định danh cá nhân, nơi cư trú), <strong>Cơ sở dữ liệu quốc gia về dân "
                                "cư</strong> là nguồn tham chiếu gốc; với sự kiện hộ tịch, nguồn gốc là cơ "
                                "sở dữ liệu hộ tịch; với thửa đất, là hồ sơ địa chính. Khi phát hiện sai "
                                "lệch, đừng tự “sửa cho khớp” trong danh sách của mình; hãy xác định nguồn "
                                "nào đúng và đề nghị điều chỉnh theo đúng thủ tục, đúng thẩm quyền.</p>"
                                "<p>Ví dụ: sai sót thông tin dân cư thì hướng dẫn người dân hoặc phối hợp "
                                "với Công an phường để điều chỉnh; sai sót trong sổ hộ tịch thì giải quyết "
                                "theo thủ tục cải chính, bổ sung thông tin hộ tịch.</p>"
                                "<p><strong>Thực hành</strong>: chọn ngẫu nhiên khoảng 20 dòng trong một "
                                "danh sách bạn quản lý, đối chiếu với nguồn gốc và ghi lại loại lỗi hay "
                                "gặp nhất.</p>",
                            ),
                        ],
                    },
                    # ---- Bài 5 ----
                    {
                        "slug": "lam-sach-du-lieu-dung-du-sach-song",
                        "title": "Làm sạch dữ liệu: đúng, đủ, sạch, sống",
                        "minutes": 40,
                        "body": [
                            ("heading", "Bốn yêu cầu của dữ liệu tốt"),
                            (
                                "paragraph",
                                "<p>Trong triển khai Đề án 06 của Chính phủ về phát triển ứng dụng dữ liệu "
                                "về dân cư, định danh và xác thực điện tử, dữ liệu được yêu cầu bảo đảm "
                                "“đúng, đủ, sạch, sống”. Có thể hiểu đơn giản:</p>"
                                "<ul>"
                                "<li><strong>Đúng</strong>: khớp với thực tế và với giấy tờ, có nguồn gốc "
                                "hợp lệ.</li>"
                                "<li><strong>Đủ</strong>: có đủ các trường thông tin cần thiết, không bỏ "
                                "trống số định danh cá nhân, ngày sinh, địa chỉ.</li>"
                                "<li><strong>Sạch</strong>: thống nhất định dạng, không trùng lặp, không có "
                                "bản ghi thừa, bản ghi thử.</li>"
                                "<li><strong>Sống</strong>: được cập nhật ngay khi có biến động, không phải "
                                "số liệu “chết” từ nhiều năm trước.</li>"
                                "</ul>",
                            ),
                            ("heading", "Làm sạch một danh sách trong năm bước"),
                            (
                                "paragraph",
                                "<p>Ví dụ minh họa: công chức phụ trách lĩnh vực văn hóa – xã hội cần rà "
                                "soát danh sách người cao tuổi hưởng trợ cấp xã hội, được gộp từ hai "
                                "phường cũ sau sắp xếp. Chị làm theo các bước:</p>"
                                "<ol>"
                                "<li><strong>Sao lưu bản gốc</strong> trước khi sửa.</li>"
                                "<li><strong>Chuẩn hóa định dạng</strong>: họ và tên viết có dấu đầy đủ; "
                                "ngày sinh theo một định dạng thống nhất; số định danh cá nhân đủ 12 chữ "
                                "số; địa chỉ theo tên đơn vị hành chính mới.</li>"
                                "<li><strong>Tìm trùng lặp</strong>: lọc theo số định danh cá nhân; những "
                                "dòng trùng số nhưng khác tên cần kiểm tra kỹ.</li>"
                                "<li><strong>Đối chiếu với nguồn gốc</strong>: kiểm tra thông tin nhân thân "
                                "với dữ liệu dân cư qua công cụ được cấp quyền khai thác hoặc phối hợp với "
                                "Công an phường; kiểm tra các trường hợp đã đăng ký khai tử với bộ phận hộ "
                                "tịch.</li>"
                                "<li><strong>Ghi lại thay đổi</strong>: thêm cột ghi chú “sửa gì, căn cứ "
                                "nào, ai sửa, ngày nào”.</li>"
                                "</ol>",
                            ),
                            (
                                "callout",
                                {
                                    "kind": "tip",
                                    "title": "Mẹo với bảng tính",
                                    "text": (
                                        "<p>Trước khi nhập số định danh cá nhân vào bảng tính, hãy định dạng "
                                        "cột đó là <strong>Văn bản</strong> (Text). Nếu không, bảng tính có "
                                        "thể tự xóa số 0 ở đầu hoặc đổi sang dạng số mũ, làm sai dữ liệu "
                                        "mà khó phát hiện. Dùng chức năng kiểm tra dữ liệu nhập (Data "
                                        "Validation) để ô ngày sinh chỉ nhận ngày hợp lệ.</p>"
                                    ),
                                },
                            ),
                            ("heading", "Thói quen nhỏ giúp giảm nhập liệu trùng"),
                            (
                                "paragraph",
                                "<ul>"
                                "<li><strong>Nhập một lần, dùng nhiều lần</strong>: hỏi bộ phận khác trước "
                                "khi lập danh sách mới.</li>"
                                "<li><strong>Dùng mẫu chung</strong>: thống nhất trong phường một bộ cột cơ "
                                "bản (họ tên, ngày sinh, số định danh cá nhân, địa chỉ).</li>"
                                "<li><strong>Lấy số định danh cá nhân làm “chìa khóa”</strong> để ghép các "
                                "danh sách, thay vì ghép theo họ tên.</li>"
                                "<li><strong>Báo ngay khi có biến động</strong>: khi đăng ký khai tử, bộ "
                                "phận hộ tịch thông báo cho bộ phận quản lý danh sách trợ cấp theo quy "
                                "trình phối hợp của phường.</li>"
                                "<li><strong>Mỗi danh sách một người chịu trách nhiệm</strong>.</li>"
                                "</ul>",
                            ),
                            (
                                "faq",
                                [
                                    {
                                        "question": "Danh sách của tôi khác với dữ liệu dân cư, tôi có được sửa theo dữ liệu dân cư không?",
                                        "answer": (
                                            "<p>Với thông tin nhân thân, dữ liệu dân cư là nguồn tham chiếu, "
                                            "nên có thể cập nhật danh sách của mình theo đó và ghi rõ căn cứ. "
                                            "Nếu nghi ngờ chính dữ liệu dân cư bị sai, hãy hướng dẫn người "
                                            "dân liên hệ Công an phường để điều chỉnh.</p>"
                                        ),
                                    },
                                    {
                                        "question": "Làm sạch dữ liệu có phải việc làm một lần là xong không?",
                                        "answer": (
                                            "<p>Không. Đợt rà soát lớn giúp dữ liệu “đúng, đủ, sạch”; còn "
                                            "“sống” đòi hỏi cập nhật thường xuyên và rà soát định kỳ.</p>"
                                        ),
                                    },
                                ],
                            ),
                        ],
                    },
                    # ---- Bài 6 ----
                    {
                        "slug": "an-toan-thong-tin-va-du-lieu-ca-nhan",
                        "title": "An toàn thông tin và bảo vệ dữ liệu cá nhân của người dân",
                        "minutes": 45,
                        "body": [
                            ("heading", "Cán bộ phường là mục tiêu của kẻ gian"),
                            (
                                "paragraph",
                                "<p>Tài khoản của cán bộ phường truy cập được hệ thống thủ tục hành chính, "
                                "dữ liệu hộ tịch, danh sách an sinh. Kẻ gian chỉ cần lừa một cán bộ bấm "
                                "vào đường link giả hoặc đọc mã OTP qua điện thoại. Hình thức này thường gọi là lừa đảo giả mạo "
                                "(phishing). Dấu hiệu thường gặp:</p>"
                                "<ul>"
                                "<li>Email, tin nhắn báo “tài khoản công vụ sắp bị khóa”, yêu cầu bấm link "
                                "để xác minh.</li>"
                                "<li>Tài khoản Zalo của người quen (đã bị chiếm) nhờ chuyển tiền gấp hoặc "
                                "gửi mã xác thực.</li>"
                                "<li>Cuộc gọi tự xưng cơ quan cấp trên, công an, yêu cầu cung cấp danh sách "
                                "người dân, số điện thoại, số định danh.</li>"
                                "</ul>",
                            ),
                            ("heading", "Ba thói quen bảo vệ tài khoản"),
                            (
                                "paragraph",
                                "<ol>"
                                "<li><strong>Mật khẩu mạnh, không dùng chung</strong>: đủ dài (nên từ 12 ký "
                                "tự), mỗi hệ thống một mật khẩu riêng.</li>"
                                "<li><strong>Bật xác thực hai yếu tố</strong>: ngoài mật khẩu còn cần mã "
                                "gửi về điện thoại hoặc ứng dụng xác thực, nên kẻ gian biết mật khẩu cũng "
                                "chưa đăng nhập được.</li>"
                                "<li><strong>Không cho mượn tài khoản</strong>: mỗi người một tài khoản, kể "
                                "cả khi đồng nghiệp nghỉ phép; mọi thao tác trên hệ thống đều được ghi lại "
                                "theo tài khoản.</li>"
                                "</ol>",
                            ),
                            ("heading", "Bảo vệ dữ liệu cá nhân: những điều cốt lõi"),
                            (
                                "paragraph",
                                "<p>Nghị định 13/2023/NĐ-CP về bảo vệ dữ liệu cá nhân có hiệu lực từ ngày "
                                "01/7/2023, phân biệt <strong>dữ liệu cá nhân cơ bản</strong> (như họ tên, "
                                "ngày sinh, số điện thoại, số định danh cá nhân) và <strong>dữ liệu cá nhân "
                                "nhạy cảm</strong> (như tình trạng sức khỏe, tôn giáo, dữ liệu sinh trắc "
                                "học, thông tin tài chính, vị trí). Năm 2025, Quốc hội thông qua Luật Bảo "
                                "vệ dữ liệu cá nhân, có hiệu lực từ ngày 01/01/2026; cán bộ cần theo dõi "
                                "văn bản hướng dẫn để cập nhật.</p>"
                                "<p>Các nguyên tắc áp dụng hằng ngày:</p>"
                                "<ul>"
                                "<li><strong>Chỉ thu thập thông tin cần thiết</strong> cho đúng mục "
                                "đích.</li>"
                                "<li><strong>Không gửi dữ liệu cá nhân vào nhóm chat chung</strong>: ảnh "
                                "thẻ căn cước, danh sách kèm số định danh, số điện thoại.</li>"
                                "<li><strong>Khi niêm yết công khai</strong>, chỉ công bố những thông tin "
                                "quy định yêu cầu.</li>"
                                "<li><strong>Lưu đúng nơi</strong>: trên hệ thống hoặc thư mục được phân "
                                "quyền, không để trên máy cá nhân hay USB trôi nổi.</li>"
                                "</ul>",
                            ),
                            (
                                "callout",
                                {
                                    "kind": "warning",
                                    "title": "Ví dụ: “gửi cho nhanh” và hậu quả",
                                    "text": (
                                        "<p>Một cán bộ chụp danh sách người nhận trợ cấp, có số định danh, "
                                        "số điện thoại và số tài khoản ngân hàng, gửi vào nhóm Zalo khu phố "
                                        "để nhờ thông báo. Danh sách bị chia sẻ ra ngoài, nhiều người sau đó "
                                        "nhận cuộc gọi lừa đảo. Cách làm đúng: chỉ gửi họ tên, tổ dân phố "
                                        "và lịch nhận; các thông tin khác giữ trên hệ thống.</p>"
                                    ),
                                },
                            ),
                            (
                                "faq",
                                [
                                    {
                                        "question": "Tôi lỡ bấm vào đường link lạ trên máy cơ quan thì làm gì?",
                                        "answer": (
                                            "<p>Ngắt kết nối mạng của máy, đổi mật khẩu từ một thiết bị an "
                                            "toàn khác nếu đã nhập mật khẩu, và báo ngay cho lãnh đạo cùng "
                                            "đầu mối công nghệ thông tin. Các bước chi tiết có trong khóa "
                                            "“Kỹ năng an toàn thông tin cơ bản”.</p>"
                                        ),
                                    },
                                    {
                                        "question": "Người dân hỏi phường đang lưu những thông tin gì về mình thì trả lời thế nào?",
                                        "answer": (
                                            "<p>Người dân có quyền được biết về việc xử lý dữ liệu cá nhân của "
                                            "mình. Hãy tiếp nhận, xác minh đúng người, báo lãnh đạo và trả "
                                            "lời theo quy định.</p>"
                                        ),
                                    },
                                ],
                            ),
                        ],
                    },
                ],
            },
            # ---------------- Module 3 ----------------
            {
                "slug": "cong-cu-so-va-doi-moi-tu-co-so",
                "title": "Công cụ số và đổi mới từ cơ sở",
                "intro": (
                    "Làm chủ các công cụ số cho công việc hằng ngày ở phường và dẫn dắt những cải "
                    "tiến nhỏ, đo được, có người dân cùng tham gia."
                ),
                "lessons": [
                    # ---- Bài 7 ----
                    {
                        "slug": "van-ban-dien-tu-ky-so-va-bang-tinh-dung-chung",
                        "title": "Văn bản điện tử, ký số và bảng tính dùng chung",
                        "minutes": 40,
                        "body": [
                            ("heading", "Văn bản điện tử và chữ ký số"),
                            (
                                "paragraph",
                                "<p>Theo Nghị định 30/2020/NĐ-CP về công tác văn thư, văn bản điện tử được "
                                "ký số đúng quy định có giá trị pháp lý như bản gốc văn bản giấy. Lãnh đạo "
                                "và công chức được giao nhiệm vụ được cấp chữ ký số chuyên dùng công vụ để "
                                "ký văn bản trong phạm vi thẩm quyền. Một số lưu ý:</p>"
                                "<ul>"
                                "<li>Giữ thiết bị ký số (USB token) hoặc thông tin ký số từ xa cẩn thận như "
                                "giữ con dấu: không đưa người khác, không dán mã PIN lên thiết bị.</li>"
                                "<li>Kiểm tra nội dung, số trang, phụ lục trước khi ký; đã ký số thì không "
                                "sửa tệp nữa, cần sửa thì ban hành lại theo quy trình.</li>"
                                "<li>Khi nhận văn bản điện tử, kiểm tra thông tin chữ ký số hiển thị hợp lệ "
                                "trên phần mềm quản lý văn bản.</li>"
                                "<li>Hạn chế in văn bản điện tử chỉ để lưu; hồ sơ điện tử được lưu trên hệ "
                                "thống theo quy định về lưu trữ.</li>"
                                "</ul>",
                            ),
                            ("heading", "Bảng tính dùng chung: một bảng, nhiều người, một số liệu"),
                            (
                                "paragraph",
                                "<p>Bảng tính dùng chung, trên nền tảng được cơ quan cho phép, giúp nhiều "
                                "bộ phận cùng cập nhật một danh sách thay vì gửi qua lại nhiều tệp. Để bảng "
                                "tính không trở thành “bãi dữ liệu”:</p>"
                                "<ol>"
                                "<li>Trang đầu ghi rõ mục đích, người phụ trách, quy tắc nhập liệu.</li>"
                                "<li>Mỗi cột chỉ chứa một loại thông tin; dùng danh sách chọn sẵn "
                                "(dropdown) cho các trường như khu phố, tình trạng xử lý.</li>"
                                "<li>Phân quyền: ai cần sửa mới cấp quyền sửa, còn lại chỉ được xem.</li>"
                                "<li>Khóa các cột tiêu đề và cột công thức.</li>"
                                "<li>Không đưa dữ liệu cá nhân nhạy cảm lên công cụ chưa được cơ quan phê "
                                "duyệt.</li>"
                                "</ol>",
                            ),
                            (
                                "callout",
                                {
                                    "kind": "note",
                                    "title": "Ví dụ tại phường",
                                    "text": (
                                        "<p>Công chức địa chính – xây dựng theo dõi các công trình xây dựng "
                                        "trên địa bàn. Trước đây, kết quả mỗi lần kiểm tra được ghi trên giấy "
                                        "rồi nhập lại vào tệp riêng của từng người. Nay phường dùng một bảng "
                                        "tính chung gồm các cột: địa chỉ, chủ đầu tư, giấy phép, ngày kiểm "
                                        "tra, kết quả, nơi lưu ảnh hiện trường. Cán bộ cập nhật ngay sau khi "
                                        "kiểm tra; lãnh đạo xem được tình hình mà không cần yêu cầu báo cáo "
                                        "riêng.</p>"
                                    ),
                                },
                            ),
                            ("heading", "Đặt tên và lưu tệp có quy tắc"),
                            (
                                "paragraph",
                                "<p>Một quy tắc đặt tên thống nhất giúp cả phường tìm tệp nhanh: "
                                "<em>năm-tháng-ngày_nội dung_phiên bản</em>, ví dụ "
                                "<em>2025-08-15_BaoCaoThongKeThang7_v2</em>. Viết ngày theo thứ tự năm, "
                                "tháng, ngày để tệp tự xếp đúng trình tự thời gian. Tránh những tên như "
                                "“Bao cao moi nhat (1) final sua.docx”, vì không ai biết đâu là bản "
                                "cuối.</p>"
                                "<ul>"
                                "<li>Lưu tệp công việc vào thư mục chung được phân quyền, không chỉ trên "
                                "màn hình máy tính cá nhân.</li>"
                                "<li>Tổ chức thư mục theo lĩnh vực rồi theo năm, giống cách lập hồ sơ "
                                "giấy.</li>"
                                "<li>Khi có nhiều phiên bản, giữ bản cuối và ghi chú ngắn thay đổi chính "
                                "của từng phiên bản.</li>"
                                "</ul>",
                            ),
                            ("heading", "Thực hành"),
                            (
                                "paragraph",
                                "<p>Chọn một báo cáo định kỳ bạn đang phải tổng hợp từ nhiều người. Phác "
                                "thảo một bảng tính dùng chung cho báo cáo đó: gồm những cột nào, ai được "
                                "sửa, ai chỉ được xem, hạn cập nhật là ngày nào. Trao đổi bản phác thảo "
                                "với lãnh đạo bộ phận trước khi áp dụng.</p>",
                            ),
                        ],
                    },
                    # ---- Bài 8 ----
                    {
                        "slug": "hop-truc-tuyen-khoi-luong-cong-viec-va-mang-yeu",
                        "title": "Họp trực tuyến, quản lý công việc và làm việc khi mạng chập chờn",
                        "minutes": 40,
                        "body": [
                            ("heading", "Họp trực tuyến hiệu quả"),
                            (
                                "paragraph",
                                "<ul>"
                                "<li><strong>Trước họp</strong>: gửi chương trình và tài liệu trước; kiểm "
                                "tra micro, loa, camera ít nhất 10 phút trước giờ họp.</li>"
                                "<li><strong>Trong họp</strong>: tắt micro khi không phát biểu; người chủ "
                                "trì nêu rõ kết luận từng nội dung; thư ký ghi kết luận trực tiếp vào văn "
                                "bản dùng chung.</li>"
                                "<li><strong>Sau họp</strong>: gửi kết luận ngắn gọn gồm việc gì, ai làm, "
                                "hạn khi nào.</li>"
                                "</ul>"
                                "<p>Với cuộc họp chỉ để phổ biến thông tin, hãy đề xuất thay bằng văn bản "
                                "hoặc thông báo kèm tài liệu; chỉ họp khi cần thảo luận và quyết định.</p>",
                            ),
                            (
                                "callout",
                                {
                                    "kind": "tip",
                                    "title": "Mẹo khi họp trực tuyến lúc mạng yếu",
                                    "text": (
                                        "<p>Tắt camera, chỉ bật micro khi phát biểu và đóng các ứng dụng "
                                        "đang tải dữ liệu. Nếu bị rớt khỏi phòng họp, nhắn ngay cho thư ký "
                                        "để được cập nhật kết luận, thay vì cố vào lại nhiều lần làm nghẽn "
                                        "đường truyền thêm.</p>"
                                    ),
                                },
                            ),
                            ("heading", "Quản lý khối lượng công việc"),
                            (
                                "paragraph",
                                "<p>Cán bộ phường thường cùng lúc tiếp dân, xử lý hồ sơ, làm báo cáo và dự "
                                "họp. Một vài công cụ đơn giản giúp không bỏ sót việc:</p>"
                                "<ul>"
                                "<li><strong>Danh sách việc chung của bộ phận</strong>: ghi việc, người phụ "
                                "trách, hạn, trạng thái; tránh giao việc bằng lời rồi quên.</li>"
                                "<li><strong>Phân loại theo mức độ gấp và quan trọng</strong>: việc gấp và "
                                "quan trọng làm ngay; việc quan trọng nhưng chưa gấp thì lên lịch; việc "
                                "gấp nhưng ít quan trọng thì cân nhắc phân công; việc không gấp, không "
                                "quan trọng thì đề xuất bỏ bớt.</li>"
                                "<li><strong>Khung giờ tập trung</strong>: dành một khoảng thời gian trong "
                                "ngày không nhận họp để xử lý hồ sơ, soạn văn bản.</li>"
                                "<li><strong>Mẫu soạn sẵn</strong> cho báo cáo định kỳ và các văn bản "
                                "thường dùng.</li>"
                                "</ul>",
                            ),
                            ("heading", "Làm việc khi mạng chập chờn"),
                            (
                                "paragraph",
                                "<p>Kết nối không ổn định là thực tế ở nhiều trụ sở, nhất là giờ cao điểm. "
                                "Hãy chuẩn bị trước thay vì ngồi chờ mạng:</p>"
                                "<ol>"
                                "<li><strong>Soạn và lưu ngoại tuyến (offline)</strong>: soạn văn bản, báo "
                                "cáo trên máy rồi mới tải lên hệ thống; bật chế độ tự động lưu.</li>"
                                "<li><strong>Đồng bộ sau</strong>: nếu dùng thư mục đồng bộ, mỗi thời điểm "
                                "chỉ một người sửa một tệp; khi có mạng lại, kiểm tra xung đột phiên bản "
                                "trước khi ghi đè.</li>"
                                "<li><strong>Sổ ghi tạm tại quầy</strong>: khi không truy cập được hệ thống, "
                                "ghi lại họ tên, thủ tục, thời điểm người dân đến, giải thích rõ với người "
                                "dân và xử lý tiếp ngay khi có kết nối, theo hướng dẫn của cơ quan.</li>"
                                "<li><strong>Kết nối dự phòng</strong>: dùng thiết bị phát 4G do cơ quan "
                                "trang bị cho việc thiết yếu; không dùng Wi-Fi công cộng để truy cập hệ "
                                "thống công vụ.</li>"
                                "<li><strong>Báo sự cố cụ thể</strong>: thời điểm, máy nào, hệ thống nào, "
                                "ảnh chụp thông báo lỗi, để bộ phận kỹ thuật xử lý nhanh.</li>"
                                "</ol>"
                                "<p>Ví dụ minh họa: một sáng đầu tuần, máy tính tại quầy tiếp nhận của "
                                "phường không vào được hệ thống trong khoảng một giờ. Công chức ghi thông "
                                "tin người dân vào sổ tạm, xin số điện thoại để báo lại khi hồ sơ đã được "
                                "tiếp nhận trên hệ thống, đồng thời gửi ảnh thông báo lỗi cho đầu mối kỹ "
                                "thuật. Người dân hiểu lý do và không phải chờ đợi vô ích.</p>",
                            ),
                        ],
                    },
                    # ---- Bài 9 ----
                    {
                        "slug": "dan-dat-doi-moi-tu-co-so",
                        "title": "Dẫn dắt đổi mới từ cơ sở",
                        "minutes": 40,
                        "body": [
                            ("heading", "Bắt đầu nhỏ: một thí điểm trong vài tuần"),
                            (
                                "paragraph",
                                "<p>Đổi mới ở phường không cần chờ dự án lớn. Một thí điểm tốt:</p>"
                                "<ul>"
                                "<li>giải quyết <strong>một vấn đề cụ thể</strong> mà cán bộ hoặc người dân "
                                "thật sự gặp;</li>"
                                "<li>dùng công cụ <strong>đã có sẵn</strong> hoặc chi phí thấp, được cơ quan "
                                "cho phép;</li>"
                                "<li>có <strong>thời gian giới hạn</strong> và người chịu trách nhiệm rõ "
                                "ràng;</li>"
                                "<li>được lãnh đạo phường đồng ý và theo dõi.</li>"
                                "</ul>"
                                "<p>Vài ý tưởng: bảng hướng dẫn có mã QR cho các thủ tục người dân hỏi "
                                "nhiều nhất; buổi hướng dẫn hằng tuần giúp người cao tuổi dùng VNeID.</p>",
                            ),
                            ("heading", "Đo trước, đo sau"),
                            (
                                "paragraph",
                                "<p>Không đo thì không biết cải tiến có hiệu quả hay không. Trước thí điểm, "
                                "ghi lại mốc ban đầu; sau thí điểm, đo lại đúng bằng cách đó. Một số chỉ "
                                "số đơn giản:</p>"
                                "<ul>"
                                "<li>thời gian trung bình người dân chờ tại quầy;</li>"
                                "<li>số hồ sơ phải bổ sung, làm lại;</li>"
                                "<li>số giờ cán bộ dành cho một báo cáo định kỳ;</li>"
                                "<li>tỷ lệ hồ sơ nộp trực tuyến của một thủ tục;</li>"
                                "</ul>",
                            ),
                            (
                                "callout",
                                {
                                    "kind": "note",
                                    "title": "Ví dụ tại phường",
                                    "text": (
                                        "<p>Bộ phận tư pháp – hộ tịch của một phường nhận thấy nhiều hồ sơ "
                                        "trực tuyến phải bổ sung vì ảnh giấy tờ bị mờ. Nhóm làm tờ hướng dẫn "
                                        "“chụp giấy tờ đúng cách” có hình minh họa, dán tại quầy và đăng trên "
                                        "kênh thông tin của phường. Trong 6 tuần, nhóm đếm số hồ sơ phải bổ "
                                        "sung vì lý do này rồi so với 6 tuần trước đó. Kết quả được báo cáo "
                                        "lãnh đạo và chia sẻ với các phường lân cận.</p>"
                                    ),
                                },
                            ),
                            ("heading", "Người dân cùng tham gia"),
                            (
                                "paragraph",
                                "<ul>"
                                "<li>Hỏi người dân trước khi thiết kế: họ vướng ở đâu, muốn nhận thông tin "
                                "qua kênh nào.</li>"
                                "<li>Mời một số người dân dùng thử và góp ý, nhất là người cao tuổi và "
                                "người ít dùng công nghệ.</li>"
                                "<li>Công khai kết quả và phản hồi các góp ý.</li>"
                                "<li>Phối hợp với tổ công nghệ số cộng đồng, đoàn thanh niên, hội phụ nữ ở "
                                "khu phố.</li>"
                                "</ul>",
                            ),
                            ("heading", "Chia sẻ cách làm hay mà không thêm họp, thêm việc"),
                            (
                                "paragraph",
                                "<p>Các phường, xã của Thành phố gặp nhiều vấn đề giống nhau; cách làm hiệu "
                                "quả ở nơi này có thể áp dụng ngay ở nơi khác. Khi chia sẻ, hãy viết gọn "
                                "trong một trang: vấn đề, cách làm, công cụ, kết quả đo được, bài học. "
                                "Những điều chưa hiệu quả cũng đáng chia sẻ để nơi khác tránh lặp lại.</p>"
                                "<p>Đổi mới không nên trở thành gánh nặng mới:</p>"
                                "<ul>"
                                "<li>lồng nội dung thí điểm vào cuộc giao ban sẵn có, không tổ chức họp "
                                "riêng;</li>"
                                "<li>cập nhật tiến độ trên danh sách việc chung thay vì báo cáo miệng;</li>"
                                "<li>mỗi lần chỉ thí điểm một hoặc hai việc;</li>"
                                "<li>khi cách làm mới hiệu quả, đề xuất bỏ hẳn bước cũ thay vì làm song song "
                                "cả hai.</li>"
                                "</ul>",
                            ),
                            (
                                "faq",
                                [
                                    {
                                        "question": "Tôi không phải lãnh đạo, có đề xuất thí điểm được không?",
                                        "answer": (
                                            "<p>Được. Hãy trình bày trên một trang: vấn đề, cách làm, thời "
                                            "gian, người thực hiện và cách đo kết quả.</p>"
                                        ),
                                    },
                                    {
                                        "question": "Nếu thí điểm không đạt kết quả thì sao?",
                                        "answer": (
                                            "<p>Ghi lại nguyên nhân, điều chỉnh hoặc dừng lại; bài học đó vẫn "
                                            "có giá trị cho phường mình và phường khác.</p>"
                                        ),
                                    },
                                    {
                                        "question": "Có được dùng các ứng dụng miễn phí trên mạng cho thí điểm không?",
                                        "answer": (
                                            "<p>Chỉ dùng công cụ được cơ quan cho phép, nhất là khi có dữ liệu "
                                            "cá nhân của người dân. Hãy hỏi đầu mối công nghệ thông tin trước "
                                            "khi bắt đầu.</p>"
                                        ),
                                    },
                                ],
                            ),
                        ],
                    },
                ],
            },
        ],
    },
    # ------------------------------------------------------------------
    # Khóa 2: Kỹ năng an toàn thông tin cơ bản
    # ------------------------------------------------------------------
    {
        "slug": "ky-nang-an-toan-thong-tin-co-ban",
        "title": "Kỹ năng an toàn thông tin cơ bản",
        "summary": (
            "Khóa học ngắn giúp cán bộ, công chức phường, xã nhận diện các thủ đoạn lừa đảo "
            "qua mạng, bảo vệ tài khoản công vụ và sử dụng máy tính, thiết bị lưu trữ an toàn. "
            "Học viên cũng biết cần làm gì trước tiên và báo cho ai khi xảy ra sự cố."
        ),
        "outcomes": [
            "Nhận diện dấu hiệu lừa đảo qua email, Zalo, tin nhắn SMS và cuộc gọi giả danh cơ quan chức năng.",
            "Tạo và quản lý mật khẩu mạnh, bật xác thực hai yếu tố cho tài khoản công vụ và cá nhân.",
            "Sử dụng máy tính cơ quan, USB, cập nhật phần mềm và sao lưu dữ liệu đúng cách.",
            "Thực hiện đúng các bước đầu tiên và báo cáo kịp thời khi xảy ra sự cố an toàn thông tin.",
        ],
        "estimated_hours": "2",
        "level": "beginner",
        "topics": ["An toàn thông tin", "Kỹ năng số"],
        "modules": [
            # ---------------- Module 1 ----------------
            {
                "slug": "nhan-dien-lua-dao-va-bao-ve-tai-khoan",
                "title": "Nhận diện lừa đảo và bảo vệ tài khoản",
                "intro": (
                    "Nhận ra các thủ đoạn lừa đảo phổ biến và bảo vệ tài khoản bằng mật khẩu mạnh, "
                    "xác thực hai yếu tố."
                ),
                "lessons": [
                    # ---- Bài 1 ----
                    {
                        "slug": "nhan-dien-lua-dao-qua-mang",
                        "title": "Nhận diện lừa đảo qua email, Zalo, tin nhắn và cuộc gọi",
                        "minutes": 30,
                        "body": [
                            ("heading", "Kẻ gian đánh vào tâm lý, không chỉ vào máy tính"),
                            (
                                "paragraph",
                                "<p>Phần lớn vụ lừa đảo trên mạng không cần kỹ thuật cao. Kẻ gian tạo cảm "
                                "giác <strong>gấp gáp</strong> (“trong 30 phút”), <strong>sợ hãi</strong> "
                                "(“liên quan đến vụ án”) hoặc <strong>hám lợi</strong> (“nhận hỗ trợ”, "
                                "“trúng thưởng”) để nạn nhân hành động trước khi kịp suy nghĩ. Cán bộ "
                                "phường vừa có thể là nạn nhân, vừa là người được người dân tìm đến hỏi, "
                                "nên cần nắm rõ các thủ đoạn phổ biến.</p>",
                            ),
                            ("heading", "Dấu hiệu theo từng kênh"),
                            (
                                "paragraph",
                                "<ul>"
                                "<li><strong>Email</strong>: địa chỉ người gửi gần giống địa chỉ cơ quan "
                                "nhưng sai vài ký tự hoặc dùng hộp thư miễn phí; đường link dẫn tới trang "
                                "đăng nhập giả; tệp đính kèm nén hoặc có đuôi lạ.</li>"
                                "<li><strong>Zalo, mạng xã hội</strong>: tài khoản người quen bị chiếm "
                                "đoạt nhắn vay tiền, nhờ chuyển khoản, xin mã xác thực; tài khoản giả mạo "
                                "lãnh đạo, cơ quan nhà nước.</li>"
                                "<li><strong>Tin nhắn SMS</strong>: mạo danh ngân hàng, nhà mạng, cơ quan "
                                "nhà nước, kèm link yêu cầu cập nhật thông tin. Kể cả tin nhắn hiển thị "
                                "tên thương hiệu cũng có thể là giả, do kẻ gian dùng thiết bị phát sóng "
                                "giả để phát tán.</li>"
                                "<li><strong>Cuộc gọi</strong>: tự xưng công an, tòa án, cơ quan thuế, bảo "
                                "hiểm xã hội, điện lực; báo bạn liên quan đến vụ án, nợ tiền, yêu cầu "
                                "“cập nhật định danh mức 2” bằng cách cài ứng dụng qua link, hoặc chuyển "
                                "tiền vào “tài khoản tạm giữ”.</li>"
                                "</ul>",
                            ),
                            (
                                "callout",
                                {
                                    "kind": "warning",
                                    "title": "Ghi nhớ",
                                    "text": (
                                        "<p>Cơ quan công an và các cơ quan nhà nước <strong>không</strong> "
                                        "làm việc, lấy lời khai qua điện thoại; <strong>không</strong> yêu "
                                        "cầu chuyển tiền vào tài khoản cá nhân; <strong>không</strong> yêu "
                                        "cầu đọc mã OTP hay cài ứng dụng qua đường link gửi trong tin nhắn. "
                                        "Ứng dụng VNeID chỉ tải từ kho ứng dụng chính thức (App Store, Google "
                                        "Play).</p>"
                                    ),
                                },
                            ),
                            ("heading", "Quy tắc: Dừng – Kiểm tra – Báo"),
                            (
                                "paragraph",
                                "<ol>"
                                "<li><strong>Dừng</strong>: không bấm link, không mở tệp, không chuyển "
                                "tiền, không đọc mã OTP khi còn nghi ngờ.</li>"
                                "<li><strong>Kiểm tra</strong>: gọi lại cho người quen hoặc cơ quan theo số "
                                "điện thoại bạn đã biết từ trước, không dùng số trong tin nhắn; hỏi đồng "
                                "nghiệp hoặc đầu mối công nghệ thông tin.</li>"
                                "<li><strong>Báo</strong>: báo đầu mối của cơ quan nếu liên quan tài khoản "
                                "công vụ; trình báo công an nếu bị chiếm đoạt tiền, tài sản; cảnh báo đồng "
                                "nghiệp để tránh bị lừa dây chuyền.</li>"
                                "</ol>"
                                "<p>Ví dụ minh họa: công chức văn phòng – thống kê nhận tin nhắn Zalo từ tài "
                                "khoản mang tên và ảnh của một lãnh đạo phường: “Anh đang họp, em chuyển "
                                "giúp anh 20 triệu cho đối tác, chiều anh gửi lại”. Chị gọi trực tiếp cho "
                                "lãnh đạo theo số đã lưu từ trước và biết tài khoản kia là giả mạo. Chị báo "
                                "lại cho lãnh đạo và cảnh báo trong nhóm công việc của phường.</p>",
                            ),
                        ],
                    },
                    # ---- Bài 2 ----
                    {
                        "slug": "mat-khau-manh-va-xac-thuc-hai-yeu-to",
                        "title": "Mật khẩu mạnh và xác thực hai yếu tố",
                        "minutes": 30,
                        "body": [
                            ("heading", "Vì sao mật khẩu yếu nguy hiểm"),
                            (
                                "paragraph",
                                "<p>Mật khẩu như “123456”, “matkhau”, tên phường kèm năm sinh hay số điện "
                                "thoại là những thứ kẻ gian thử đầu tiên. Nguy hiểm hơn là dùng <strong>một "
                                "mật khẩu cho nhiều tài khoản</strong>: khi một trang web bị lộ dữ liệu, kẻ "
                                "gian dùng chính mật khẩu đó để thử đăng nhập email công vụ, hệ thống văn "
                                "bản, tài khoản ngân hàng của bạn.</p>",
                            ),
                            ("heading", "Tạo mật khẩu mạnh mà vẫn nhớ được"),
                            (
                                "paragraph",
                                "<ul>"
                                "<li><strong>Đủ dài</strong>: nên từ 12 ký tự trở lên; độ dài quan trọng "
                                "hơn việc cố nhồi ký tự đặc biệt.</li>"
                                "<li><strong>Dùng cụm từ</strong>: ghép vài từ chỉ bạn hiểu, thêm số và ký "
                                "hiệu, theo kiểu <em>CaPheSuaDa#7GioSang</em> (chỉ là ví dụ, đừng dùng đúng "
                                "mật khẩu này).</li>"
                                "<li><strong>Mỗi tài khoản một mật khẩu</strong>; tài khoản công vụ phải "
                                "khác tài khoản cá nhân.</li>"
                                "<li><strong>Không dán mật khẩu lên màn hình</strong>, không lưu trong ghi "
                                "chú điện thoại không khóa, không gửi qua Zalo.</li>"
                                "<li><strong>Đổi ngay</strong> mật khẩu mặc định được cấp ở lần đăng nhập "
                                "đầu tiên, và đổi khi nghi ngờ bị lộ.</li>"
                                "</ul>",
                            ),
                            ("heading", "Xác thực hai yếu tố là gì?"),
                            (
                                "paragraph",
                                "<p>Xác thực hai yếu tố (viết tắt tiếng Anh là 2FA, còn gọi là xác thực "
                                "hai lớp, xác minh 2 bước) yêu cầu hai loại bằng chứng khi đăng nhập: thứ "
                                "bạn <strong>biết</strong> (mật khẩu) và thứ bạn <strong>có</strong> (điện "
                                "thoại nhận mã, ứng dụng xác thực). Kẻ gian có mật khẩu vẫn không đăng nhập "
                                "được nếu thiếu yếu tố thứ hai. Cách bật:</p>"
                                "<ol>"
                                "<li>Vào phần cài đặt bảo mật của tài khoản (email, mạng xã hội...).</li>"
                                "<li>Chọn bật xác thực hai yếu tố hoặc xác minh 2 bước; nếu có, ưu tiên "
                                "ứng dụng xác thực hoặc thông báo trên thiết bị tin cậy.</li>"
                                "<li>Lưu mã dự phòng ở nơi an toàn để dùng khi mất điện thoại.</li>"
                                "<li>Với hệ thống công vụ, làm theo hướng dẫn của đầu mối công nghệ thông "
                                "tin.</li>"
                                "</ol>",
                            ),
                            (
                                "callout",
                                {
                                    "kind": "tip",
                                    "title": "Mã OTP là chìa khóa",
                                    "text": (
                                        "<p>Mã OTP (mật khẩu dùng một lần) chỉ dành cho chính bạn. Không ai "
                                        "có lý do chính đáng để hỏi mã này, kể cả người xưng là nhân viên "
                                        "ngân hàng, nhà mạng hay cán bộ nhà nước. Nếu nhận được mã OTP dù "
                                        "bạn không đăng nhập, có thể ai đó đã biết mật khẩu: hãy đổi mật khẩu "
                                        "ngay.</p>"
                                    ),
                                },
                            ),
                            (
                                "paragraph",
                                "<p>Ví dụ minh họa: một công chức tư pháp – hộ tịch dùng chung mật khẩu cho "
                                "email và tài khoản một trang mua bán. Trang này bị lộ dữ liệu, kẻ gian đăng "
                                "nhập được email và gửi thư giả mạo đến đồng nghiệp. Sau sự việc, anh đổi "
                                "toàn bộ mật khẩu, dùng mật khẩu riêng cho từng tài khoản và bật xác minh 2 "
                                "bước.</p>",
                            ),
                        ],
                    },
                ],
            },
            # ---------------- Module 2 ----------------
            {
                "slug": "thiet-bi-an-toan-va-xu-ly-su-co",
                "title": "Sử dụng thiết bị an toàn và xử lý sự cố",
                "intro": (
                    "Giữ an toàn cho máy tính, thiết bị lưu trữ, dữ liệu công việc và biết phản ứng "
                    "đúng khi sự cố xảy ra."
                ),
                "lessons": [
                    # ---- Bài 3 ----
                    {
                        "slug": "may-tinh-usb-cap-nhat-va-sao-luu",
                        "title": "Máy tính cơ quan, USB, cập nhật và sao lưu",
                        "minutes": 30,
                        "body": [
                            ("heading", "Máy tính cơ quan là công cụ công vụ"),
                            (
                                "paragraph",
                                "<ul>"
                                "<li>Khóa màn hình mỗi khi rời chỗ ngồi (trên Windows: nhấn phím Windows và "
                                "phím L); đặt chế độ tự khóa sau vài phút không sử dụng.</li>"
                                "<li>Chỉ cài phần mềm có bản quyền hoặc được cơ quan cho phép; không dùng "
                                "phần mềm “bẻ khóa” (crack) vì thường kèm mã độc.</li>"
                                "<li>Không dùng máy cơ quan để chơi trò chơi, tải phim, truy cập trang không "
                                "rõ nguồn gốc.</li>"
                                "<li>Không để người ngoài cắm thiết bị hay sử dụng máy đang đăng nhập hệ "
                                "thống công vụ.</li>"
                                "</ul>",
                            ),
                            ("heading", "USB và thiết bị lưu trữ di động"),
                            (
                                "paragraph",
                                "<p>USB là con đường lây lan mã độc phổ biến. Cần lưu ý:</p>"
                                "<ul>"
                                "<li>Không cắm USB không rõ nguồn gốc, kể cả USB “nhặt được” hay được "
                                "tặng.</li>"
                                "<li>Quét bằng phần mềm diệt virus trước khi mở; không mở tệp lạ có đuôi "
                                ".exe, .bat, .lnk trong USB.</li>"
                                "<li>Không chép dữ liệu cá nhân của người dân vào USB cá nhân; nếu buộc phải "
                                "chuyển dữ liệu, dùng thiết bị của cơ quan, đặt mật khẩu cho tệp và xóa sau "
                                "khi dùng xong.</li>"
                                "</ul>",
                            ),
                            (
                                "callout",
                                {
                                    "kind": "note",
                                    "title": "Ví dụ tại phường",
                                    "text": (
                                        "<p>Người dân thường mang USB đến nhờ in giấy tờ. Thay vì cắm vào máy "
                                        "đang đăng nhập hệ thống giải quyết thủ tục hành chính, một phường bố "
                                        "trí riêng một máy tính phục vụ in ấn, không dùng cho nghiệp vụ, và "
                                        "hướng dẫn người dân nộp tệp qua kênh tiếp nhận chính thức khi làm "
                                        "thủ tục.</p>"
                                    ),
                                },
                            ),
                            ("heading", "Cập nhật phần mềm đều đặn"),
                            (
                                "paragraph",
                                "<p>Bản cập nhật hệ điều hành, trình duyệt, phần mềm diệt virus thường vá "
                                "những lỗ hổng mà kẻ gian đang khai thác. Đừng bấm “Để sau” mãi; hãy để máy "
                                "cập nhật và khởi động lại vào cuối giờ làm việc. Máy tính dùng hệ điều hành "
                                "đã hết hỗ trợ cập nhật bảo mật cần được báo cáo để nâng cấp hoặc thay "
                                "thế.</p>",
                            ),
                            ("heading", "Sao lưu theo quy tắc 3-2-1"),
                            (
                                "paragraph",
                                "<p>Sao lưu là “tấm lưới an toàn” khi máy hỏng, bị mất hoặc bị mã độc tống "
                                "tiền mã hóa dữ liệu. Quy tắc dễ nhớ:</p>"
                                "<ul>"
                                "<li><strong>3</strong> bản dữ liệu: một bản đang dùng và hai bản sao "
                                "lưu;</li>"
                                "<li>trên <strong>2</strong> loại phương tiện khác nhau, ví dụ máy tính và "
                                "ổ cứng di động của cơ quan;</li>"
                                "<li><strong>1</strong> bản để ở nơi khác hoặc trên hệ thống lưu trữ tập "
                                "trung được phép.</li>"
                                "</ul>"
                                "<p>Định kỳ thử khôi phục vài tệp để chắc chắn bản sao lưu dùng được.</p>",
                            ),
                        ],
                    },
                    # ---- Bài 4 ----
                    {
                        "slug": "khi-xay-ra-su-co",
                        "title": "Khi xảy ra sự cố: làm gì trước, báo cho ai",
                        "minutes": 30,
                        "body": [
                            ("heading", "Nhận biết sự cố"),
                            (
                                "paragraph",
                                "<ul>"
                                "<li>Máy chậm bất thường, tự mở chương trình lạ, hiện thông báo đòi tiền "
                                "chuộc, tệp bị đổi đuôi không mở được.</li>"
                                "<li>Tài khoản gửi đi email, tin nhắn mà bạn không viết; nhận mã OTP dù "
                                "không đăng nhập.</li>"
                                "<li>Lỡ bấm link lạ, nhập mật khẩu vào trang nghi giả mạo, lỡ đọc mã OTP "
                                "cho người khác.</li>"
                                "<li>Mất máy tính xách tay, điện thoại, USB có dữ liệu công việc.</li>"
                                "<li>Dữ liệu cá nhân của người dân bị lộ.</li>"
                                "</ul>",
                            ),
                            ("heading", "Năm bước đầu tiên"),
                            (
                                "paragraph",
                                "<ol>"
                                "<li><strong>Ngắt kết nối mạng</strong> của máy nghi nhiễm (rút dây mạng, "
                                "tắt Wi-Fi) để mã độc không lây sang máy khác. Không tự cài lại máy, xóa "
                                "tệp hay định dạng ổ đĩa, vì có thể làm mất dấu vết cần cho việc xử "
                                "lý.</li>"
                                "<li><strong>Báo ngay</strong> cho lãnh đạo trực tiếp và đầu mối công nghệ "
                                "thông tin của phường.</li>"
                                "<li><strong>Đổi mật khẩu</strong> các tài khoản có thể bị lộ, từ một thiết "
                                "bị khác an toàn; đăng xuất các phiên đăng nhập khác nếu dịch vụ cho "
                                "phép.</li>"
                                "<li><strong>Ghi lại sự việc</strong>: thời điểm, những gì đã làm, thông báo "
                                "lỗi, ảnh chụp màn hình.</li>"
                                "<li><strong>Cảnh báo đồng nghiệp</strong> nếu tài khoản của bạn bị dùng "
                                "để gửi tin giả mạo.</li>"
                                "</ol>",
                            ),
                            (
                                "callout",
                                {
                                    "kind": "warning",
                                    "title": "Không trả tiền chuộc, không giấu sự cố",
                                    "text": (
                                        "<p>Không liên hệ hay trả tiền cho kẻ tấn công. Đừng giấu sự cố vì "
                                        "ngại bị phê bình: báo càng sớm, thiệt hại càng nhỏ.</p>"
                                    ),
                                },
                            ),
                            ("heading", "Báo cáo đúng đầu mối"),
                            (
                                "paragraph",
                                "<p>Đầu mối công nghệ thông tin của phường đánh giá mức độ và báo cáo lên "
                                "đơn vị chuyên trách của Thành phố theo quy trình ứng cứu sự cố hiện hành. "
                                "Hãy lưu sẵn số điện thoại của đầu mối này.</p>"
                                "<p>Nếu sự cố làm lộ, mất dữ liệu cá nhân của người dân, Nghị định "
                                "13/2023/NĐ-CP yêu cầu thông báo vi phạm cho cơ quan chuyên trách bảo vệ dữ "
                                "liệu cá nhân thuộc Bộ Công an chậm nhất 72 giờ sau khi xảy ra vi phạm. Việc "
                                "thông báo do cơ quan thực hiện, nhưng chỉ kịp hạn khi cán bộ báo cáo ngay. "
                                "Trường hợp bị lừa đảo chiếm đoạt tiền, tài sản, cần trình báo cơ quan công "
                                "an.</p>"
                                "<p>Ví dụ minh họa: một công chức gửi nhầm danh sách có số định danh của "
                                "người dân vào nhóm Zalo khác. Anh thu hồi tin nhắn và báo lãnh đạo ngay "
                                "để phường kịp xử lý theo quy định.</p>",
                            ),
                            (
                                "faq",
                                [
                                    {
                                        "question": "Tôi lỡ bấm vào link lạ nhưng chưa nhập gì, có cần báo không?",
                                        "answer": (
                                            "<p>Có. Trang độc hại có thể tải mã độc mà bạn không nhận ra; "
                                            "hãy báo để đầu mối công nghệ thông tin kiểm tra máy.</p>"
                                        ),
                                    },
                                    {
                                        "question": "Mất điện thoại có cài Zalo và email công việc thì làm gì?",
                                        "answer": (
                                            "<p>Liên hệ nhà mạng khóa SIM, đổi mật khẩu các tài khoản quan "
                                            "trọng từ thiết bị khác, báo lãnh đạo và cảnh báo nhóm công "
                                            "việc.</p>"
                                        ),
                                    },
                                ],
                            ),
                        ],
                    },
                ],
            },
        ],
    },
]
