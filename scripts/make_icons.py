"""Draws the web app icons (static/icons/*.png) in the site's colours: run again after changing them."""

from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

BRAND = "#b3261e"  # --brand in static/css/site.css
MARK = "#ffd54f"  # .brand-mark
INK = "#8c1d17"  # --brand-dark
OUT = Path(__file__).resolve().parents[1] / "static" / "icons"


def draw(size: int, *, maskable: bool) -> Image.Image:
    image = Image.new("RGB", (size, size), BRAND)
    pen = ImageDraw.Draw(image)
    # A maskable icon keeps its mark inside the central 80 % safe zone.
    inset = size * (0.22 if maskable else 0.14)
    pen.rounded_rectangle((inset, inset, size - inset, size - inset), radius=size * 0.08, fill=MARK)
    font = ImageFont.load_default(size=int(size * (0.30 if maskable else 0.36)))
    pen.text((size / 2, size / 2), "SW", fill=INK, font=font, anchor="mm")
    return image


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    draw(192, maskable=False).save(OUT / "icon-192.png", optimize=True)
    draw(512, maskable=False).save(OUT / "icon-512.png", optimize=True)
    draw(512, maskable=True).save(OUT / "icon-maskable-512.png", optimize=True)


if __name__ == "__main__":
    main()
