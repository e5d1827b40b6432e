"""Plain text and the HTML of H5P content, both ways: what the H5P Question Set import and export write."""

import re
import unicodedata
from html import escape
from html.parser import HTMLParser


def text_to_html(text: str) -> str:
    """Plain text as H5P HTML: escaped, one paragraph, line breaks kept."""
    return "<p>" + "<br>".join(escape(line) for line in (text or "").split("\n")) + "</p>"


_WHITESPACE = re.compile(r"\s+")


class _TextExtractor(HTMLParser):
    BLOCKS = {
        "p",
        "div",
        "br",
        "li",
        "ul",
        "ol",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "tr",
        "blockquote",
        "pre",
    }
    SKIP = {"script", "style"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIP:
            self.skipping += 1
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in self.SKIP:
            self.skipping = max(0, self.skipping - 1)
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data):
        if not self.skipping:
            self.parts.append(_WHITESPACE.sub(" ", data))


def html_to_text(value) -> str:
    """H5P HTML as plain text: tags stripped, entities unescaped, paragraphs as lines."""
    if not isinstance(value, str):
        return ""
    parser = _TextExtractor()
    parser.feed(value)
    parser.close()
    lines = (" ".join(line.split()) for line in "".join(parser.parts).split("\n"))
    return unicodedata.normalize("NFC", "\n".join(line for line in lines if line))
