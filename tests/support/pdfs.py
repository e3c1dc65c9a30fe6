"""PDFs that stress extraction, made on the spot: blank pages with a drawn frame, scans, bulky files.

Shared by the fair-extraction tests, the clean-up test and ``benchmarks/fair_extraction.py``.
"""

from __future__ import annotations

import io
import os
from pathlib import Path

from archive_service.demo.pdfgen import assemble


def blank_pdf(pages: int = 3000, drawing: bytes = b"0 0 0 RG 2 w 56 56 483 730 re S") -> bytes:
    """``pages`` A4 pages that each hold only ``drawing`` (by default a drawn rectangle, no text, no image): the
    file of the finding, 355 KB for 3,000 pages. Every page shares one content stream."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>"]
    kids = " ".join(f"{4 + i} 0 R" for i in range(pages))
    objects.append(f"<< /Type /Pages /Kids [{kids}] /Count {pages} >>".encode())
    objects.append(b"<< /Length %d >>\nstream\n" % len(drawing) + drawing + b"\nendstream")
    page = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 3 0 R >>"
    objects.extend([page] * pages)
    return assemble(objects)


def curves_pdf() -> bytes:
    """One page of vector drawing with many curves (as text converted to outlines is): not a blank page."""
    ops = [b"0 0 0 rg"]
    for row in range(6):
        for col in range(10):
            x, y = 60 + col * 45, 700 - row * 60
            top = f"{x} {y + 20} {x + 30} {y + 20} {x + 30} {y} c"
            bottom = f"{x + 30} {y - 20} {x} {y - 20} {x} {y} c"
            ops.append(f"{x} {y} m {top} {bottom} f".encode())
    return blank_pdf(1, b"\n".join(ops))


def text_image(lines: list[str], width: int = 1240):  # -> PIL.Image.Image
    """A white page with large black text, as a scanner would deliver a clean letter."""
    from PIL import Image, ImageDraw, ImageFont

    fonts = sorted(Path("/usr/share/fonts").rglob("DejaVuSans.ttf")) if Path("/usr/share/fonts").exists() else []
    font = ImageFont.truetype(str(fonts[0]), 40) if fonts else ImageFont.load_default(size=40)
    image = Image.new("L", (width, 120 + 70 * len(lines)), 255)
    draw = ImageDraw.Draw(image)
    for row, line in enumerate(lines):
        draw.text((80, 60 + 70 * row), line, fill=0, font=font)
    return image


def scan_pdf(pages: list[list[str]]) -> bytes:
    """A PDF whose pages are only images of text (no text layer), one per entry of ``pages``."""
    images = [text_image(lines) for lines in pages]
    buffer = io.BytesIO()
    images[0].save(buffer, format="PDF", resolution=150, save_all=True, append_images=images[1:])
    return buffer.getvalue()


def bulky_pdf(words: list[str], size: int) -> bytes:
    """A one-page text PDF of about ``size`` bytes: its text, and an incompressible stream no page uses."""
    text = " ".join(words).replace("\\", "").replace("(", "").replace(")", "")
    content = f"BT /F1 11 Tf 56 780 Td ({text}) Tj ET".encode("latin-1", "replace")
    pad = os.urandom(max(0, size - 600 - len(content)))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Length %d >>\nstream\n" % len(pad) + pad + b"\nendstream",
    ]
    return assemble(objects)
