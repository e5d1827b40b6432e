"""Demo pages other than courses."""

HELP_PAGE = {
    "title": "Hướng dẫn sử dụng",
    "slug": "huong-dan-su-dung",
    "body": (
        "<h2>Bắt đầu học trong ba bước</h2>"
        "<ol>"
        "<li>Đăng nhập bằng tài khoản được cấp. Nếu quên mật khẩu, chọn “Quên mật khẩu?” để nhận đường dẫn "
        "đặt lại qua thư điện tử.</li>"
        "<li>Mở “Khóa học”, chọn một khóa học và bấm “Ghi danh vào khóa học”.</li>"
        "<li>Học từng bài, cuối mỗi bài bấm “Đánh dấu hoàn thành”. Khi mọi bài bắt buộc đã hoàn thành, "
        "khóa học được ghi nhận là hoàn thành.</li>"
        "</ol>"
        "<h2>Học khi mạng chập chờn</h2>"
        "<p>Mỗi bài học là một trang nhẹ, đọc được trên điện thoại. Video chỉ tải khi bạn bấm “Tải video”. "
        "Tiến độ được lưu trên máy chủ ngay khi bạn đánh dấu hoàn thành, nên bạn có thể dừng lại bất cứ lúc nào "
        "và quay lại bằng nút “Tiếp tục từ chỗ đã dừng” trong mục “Học tập của tôi”.</p>"
        "<h2>Cần hỗ trợ?</h2>"
        "<p>Liên hệ cán bộ phụ trách nhân sự hoặc đầu mối chuyển đổi số của đơn vị bạn.</p>"
    ),
}
