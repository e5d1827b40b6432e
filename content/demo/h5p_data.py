"""The demo's H5P lesson: the real TrueFalse package of shared/fixtures, placed before the module's quiz.

The package itself is not part of the project (it is test data beside the checkout); the loader adds this
lesson only when the file is there. The lesson is optional, so the course can be completed without it.
"""

H5P_LESSON = {
    "course_slug": "chuyen-doi-so-cho-can-bo-phuong-xa",
    "module_slug": "hieu-chuyen-doi-so-va-dich-vu-cong",
    "slug": "lam-quen-hoat-dong-tuong-tac",
    "title": "Làm quen với hoạt động tương tác H5P",
    "minutes": 5,
    "activity_title": "Đúng hay sai? (hoạt động mẫu H5P)",
    "paragraphs": [
        "<p>Nhiều khóa học trên Học viện có <b>hoạt động tương tác H5P</b>: câu hỏi đúng/sai, chọn đáp án, "
        "kéo thả, video có câu hỏi… Bạn làm ngay trên trang bài học, trên điện thoại hay máy tính đều được, "
        "và kết quả được ghi nhận vào tiến độ học tập của bạn.</p>",
        "<p>Hoạt động dưới đây là một câu hỏi mẫu bằng tiếng Anh do cộng đồng H5P cung cấp: "
        "<i>“Is this false?”</i> nghĩa là <i>“Câu này sai phải không?”</i>. Hãy chọn một đáp án rồi bấm "
        "<b>Check</b> (Kiểm tra). Khi mạng chập chờn, kết quả được giữ lại trên máy và tự gửi lại khi có "
        "kết nối.</p>",
    ],
    "intro": "Chọn True (Đúng) hoặc False (Sai), rồi bấm Check để kiểm tra.",
}
