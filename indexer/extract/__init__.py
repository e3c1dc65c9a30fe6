"""Text extraction: files in, page texts out (DESIGN.md §1: knows nothing of Flask or the database).

``extract_file`` reads one file in the calling process; ``ExtractionPool`` runs it in worker processes with time
and memory limits, which is how files from the public must be read.
"""

from __future__ import annotations

from .dispatch import SUPPORTED_TYPES, extract_file
from .model import Extraction, ExtractionFailed
from .ocr import DEFAULT_LANG, tesseract_available
from .pool import ExtractionPool

__all__ = [
    "DEFAULT_LANG",
    "SUPPORTED_TYPES",
    "Extraction",
    "ExtractionFailed",
    "ExtractionPool",
    "extract_file",
    "tesseract_available",
]
