import io

from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from PIL import Image as PILImage
from wagtail.documents.models import Document
from wagtail.images.models import Image

from content.blocks import LessonBodyBlock


def render(raw: list[dict]) -> str:
    block = LessonBodyBlock()
    return str(block.render(block.to_python(raw)))


def test_youtube_video_is_loaded_only_on_demand_through_the_privacy_domain(db):
    html = render(
        [
            {
                "type": "video",
                "value": {"url": "https://www.youtube.com/watch?v=abcdefGHIJ1", "title": "Giới thiệu"},
            }
        ]
    )

    assert 'data-embed-url="https://www.youtube-nocookie.com/embed/abcdefGHIJ1"' in html
    assert "<iframe" not in html
    assert "Tải video" in html


def test_a_direct_video_file_plays_with_the_native_player_without_preloading(db):
    html = render(
        [{"type": "video", "value": {"url": "https://example.org/bai1.mp4", "transcript": "Lời thoại"}}]
    )

    assert '<video controls preload="none" src="https://example.org/bai1.mp4"' in html
    assert "Lời thoại" in html


def test_document_block_links_the_file_with_its_type_and_size(db):
    document = Document.objects.create(
        title="Mẫu báo cáo", file=ContentFile(b"x" * 2048, name="mau-bao-cao.pdf")
    )

    html = render([{"type": "document", "value": {"document": document.pk, "title": "", "description": ""}}])

    assert document.url in html
    assert "Mẫu báo cáo" in html
    assert "PDF" in html


def test_image_block_uses_alt_text_caption_and_lazy_loading(db):
    buffer = io.BytesIO()
    PILImage.new("RGB", (1200, 600), "teal").save(buffer, format="PNG")
    image = Image.objects.create(title="Sơ đồ", file=ImageFile(buffer, name="so-do.png"))

    html = render(
        [
            {
                "type": "image",
                "value": {"image": image.pk, "alt_text": "Sơ đồ luồng hồ sơ", "caption": "Hình 1"},
            }
        ]
    )

    assert 'alt="Sơ đồ luồng hồ sơ"' in html
    assert 'loading="lazy"' in html
    assert 'width="800"' in html
    assert "<figcaption>Hình 1</figcaption>" in html


def test_callout_and_faq_render_accessibly(db):
    html = render(
        [
            {"type": "callout", "value": {"kind": "warning", "title": "", "text": "<p>Cẩn thận</p>"}},
            {
                "type": "faq",
                "value": {
                    "title": "Hỏi đáp",
                    "items": [{"question": "Hỏi gì?", "answer": "<p>Đáp này.</p>"}],
                },
            },
        ]
    )

    assert 'class="callout callout-warning" role="note"' in html
    assert "Cảnh báo" in html
    assert "<summary>Hỏi gì?</summary>" in html
