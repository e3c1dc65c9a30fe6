"""Tesseract OCR through its command-line program.

A subprocess rather than a Python binding: tesseract is a Debian package (``tesseract-ocr-ind``), a crash or a
runaway page stays in its own process, and ``timeout`` really stops it. ``OMP_THREAD_LIMIT=1`` because the
extraction pool already runs one worker per core; OpenMP threads on top only oversubscribe the CPU (and make
tesseract slower, as its own documentation warns).

Images (scans and phone photos of letters) are OCR only, so they are handled here too. tesseract reads PNG, JPEG
and TIFF itself, so a single image goes to it untouched whenever possible. Pillow, when installed, reads the header
to refuse decompression bombs and count frames, applies the EXIF orientation of phone photos (tesseract ignores
it), and splits multi-page TIFFs so that each frame counts as progress for the pool's timeout. Without Pillow
the file goes to tesseract whole, which reads multi-page TIFF too.
"""

from __future__ import annotations

import ctypes
import functools
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Callable, Collection, Iterator
from pathlib import Path

from .model import Extraction, ExtractionFailed, merge_ocr
from .text import clean_text

DEFAULT_LANG = "ind+eng"
DEFAULT_TIMEOUT_S = 120.0


@functools.cache
def _installed_langs() -> frozenset[str]:
    exe = shutil.which("tesseract")
    if exe is None:
        return frozenset()
    try:
        out = subprocess.run([exe, "--list-langs"], capture_output=True, timeout=30, check=False)
    except (OSError, subprocess.SubprocessError):
        return frozenset()
    # tesseract 4 prints the list on stderr, 5 on stdout; the first line is a heading.
    text = (out.stdout + b"\n" + out.stderr).decode("utf-8", "replace")
    return frozenset(line.strip() for line in text.splitlines() if line.strip() and " " not in line.strip())


def tesseract_available(lang: str = DEFAULT_LANG) -> bool:
    """True when the tesseract program and every language pack in ``lang`` ("ind+eng") are installed.

    The answer is cached for the life of the process: it costs a subprocess, and packages do not appear mid-run.
    """
    wanted = [part for part in lang.split("+") if part]
    langs = _installed_langs()
    return bool(wanted) and all(part in langs for part in wanted)


def _die_with_parent() -> None:
    """Run in the tesseract child before exec: if the extraction worker is killed (timeout), take tesseract too,
    instead of leaving an orphan that burns a core for minutes."""
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
        except (OSError, AttributeError):
            pass


def ocr_image(
    image: Path | str,
    *,
    lang: str = DEFAULT_LANG,
    timeout_s: float = DEFAULT_TIMEOUT_S,
    dpi: int | None = None,
    psm: int = 3,
) -> list[str]:
    """OCR one image file (PNG, JPEG, TIFF, PNM); return the text of each of its pages.

    A multi-page TIFF comes back as several pages: tesseract separates them with a form feed. ``dpi`` is passed
    when the caller rendered the image itself and knows it, which spares tesseract a guess.
    """
    exe = shutil.which("tesseract")
    if exe is None:
        raise ExtractionFailed("ocr", "tesseract is not installed")
    cmd = [exe, str(image), "stdout", "-l", lang, "--psm", str(psm)]
    if dpi:
        cmd += ["--dpi", str(dpi)]
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    try:
        out = subprocess.run(
            cmd,
            capture_output=True,
            timeout=timeout_s,
            env=env,
            check=False,
            preexec_fn=_die_with_parent,  # safe: the extraction worker is single-threaded
        )
    except subprocess.TimeoutExpired as exc:
        raise ExtractionFailed("timeout", f"tesseract took longer than {timeout_s:g} s") from exc
    except OSError as exc:
        raise ExtractionFailed("ocr", f"cannot run tesseract: {exc}") from exc
    if out.returncode != 0:
        detail = out.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or [f"exit {out.returncode}"]
        raise ExtractionFailed("ocr", f"tesseract failed: {detail[0][:200]}")
    text = out.stdout.decode("utf-8", "replace")
    pages = text.split("\f")
    if len(pages) > 1 and not pages[-1].strip():
        pages.pop()  # tesseract ends every page, the last included, with a form feed
    return [page.strip() for page in pages]


# -- images --------------------------------------------------------------------------------------------------

MAX_IMAGE_PIXELS = 100_000_000  # per frame; a 600 dpi A3 scan is 70 million
MAX_FRAMES = 1000


def extract_image(
    path: Path,
    *,
    ocr: bool = True,
    ocr_lang: str = DEFAULT_LANG,
    ocr_timeout_s: float = DEFAULT_TIMEOUT_S,
    progress: Callable[..., None] | None = None,
    max_ocr_pages: int | None = None,
) -> Extraction:
    """OCR an image, one page per frame: ``plan_image`` and ``ocr_image_frames`` in one call. A multi-page TIFF
    is split into frames (with Pillow) so that each frame reports ``progress``, as PDF pages do; frames beyond
    ``max_ocr_pages`` wait in ``ocr_todo`` (``partial``)."""
    plan = plan_image(path)
    if not ocr or not tesseract_available(ocr_lang):
        return plan
    todo = list(plan.ocr_todo)
    limit = len(todo) if max_ocr_pages is None else max(0, max_ocr_pages)
    if progress is not None:
        progress(text_pages=0, ocr_pages=min(limit, len(todo)))
    texts = ocr_image_frames(path, todo[:limit], lang=ocr_lang, timeout_s=ocr_timeout_s, progress=progress)
    return merge_ocr(plan, texts, left=todo[limit:])


def plan_image(path: Path) -> Extraction:
    """An image before OCR: one empty page per frame, every frame waiting for OCR (``ocr_todo``)."""
    frames, _rotate = _inspect(path)
    return Extraction(pages=[""] * frames, method="ocr", ocr_pending=True, ocr_todo=tuple(range(frames)))


def ocr_image_frames(
    path: Path,
    indexes: Collection[int],
    *,
    lang: str = DEFAULT_LANG,
    timeout_s: float = DEFAULT_TIMEOUT_S,
    progress: Callable[..., None] | None = None,
) -> dict[int, str | None]:
    """OCR text of the given frames (0-based); None for a frame of a multi-frame image that tesseract failed on.

    A single frame goes to tesseract untouched whenever possible (turned upright first when EXIF says so);
    tesseract failing on it makes the file ``corrupt``. Frames of a multi-frame image are written one at a time."""
    if not tesseract_available(lang):
        raise ExtractionFailed("ocr", f"tesseract with the languages {lang} is not installed")
    frames, rotate = _inspect(path)
    wanted = sorted({i for i in indexes if 0 <= i < frames})
    out: dict[int, str | None] = {}
    if not wanted:
        return out
    with tempfile.TemporaryDirectory(prefix="arsip-ocr-") as tmp:
        if frames == 1:
            source = _upright_copy(path, Path(tmp)) if rotate else path
            try:
                texts = ocr_image(source, lang=lang, timeout_s=timeout_s)
            except ExtractionFailed as exc:
                if exc.reason == "ocr":  # tesseract could not read the image at all
                    raise ExtractionFailed("corrupt", exc.message) from exc
                raise
            out[0] = clean_text("\n".join(texts))
            if progress is not None:
                progress()
            return out
        for number, frame in _frames(path, Path(tmp), set(wanted)):
            try:
                out[number] = clean_text("\n".join(ocr_image(frame, lang=lang, timeout_s=timeout_s)))
            except ExtractionFailed as exc:
                if exc.reason != "ocr":
                    raise
                out[number] = None
            frame.unlink()
            if progress is not None:
                progress()
    return out


def _inspect(path: Path) -> tuple[int, bool]:
    """Number of frames and whether EXIF says the image is stored rotated. Without Pillow: one frame, upright."""
    try:
        from PIL import Image
    except ImportError:
        return 1, False
    try:
        with Image.open(path) as image:
            width, height = image.size
            frames = max(1, min(getattr(image, "n_frames", 1), MAX_FRAMES + 1))
            orientation = image.getexif().get(0x0112, 1)
    except Image.DecompressionBombError as exc:
        raise ExtractionFailed("memory", f"image too large: {exc}") from exc
    except (OSError, ValueError, SyntaxError) as exc:
        raise ExtractionFailed("corrupt", f"not a readable image: {exc}") from exc
    if width * height > MAX_IMAGE_PIXELS:
        raise ExtractionFailed("memory", f"image too large: {width}x{height} pixels")
    if frames > MAX_FRAMES:
        raise ExtractionFailed("memory", f"image has more than {MAX_FRAMES} frames")
    return frames, orientation not in (None, 1)


def _frames(path: Path, tmp: Path, wanted: set[int]) -> Iterator[tuple[int, Path]]:
    """The wanted frames of a multi-frame image as PNGs, written one at a time."""
    from PIL import Image

    with Image.open(path) as image:
        for number in sorted(wanted):
            image.seek(number)
            dest = tmp / f"frame-{number}.png"
            image.save(dest)
            yield number, dest


def _upright_copy(path: Path, tmp: Path) -> Path:
    from PIL import Image, ImageOps

    with Image.open(path) as image:
        upright = ImageOps.exif_transpose(image)
        dest = tmp / "upright.png"
        upright.save(dest)
    return dest
