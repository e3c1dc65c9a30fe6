#!/usr/bin/env python3
"""How often ``indexer.titles.derive_title`` proposes a title for the documents of ../shared/corpus, and what.

Text of the first two pages of each file, read either the way the index worker reads it (pdfium, then the same
clean-up; the default) or with ``pdftotext -l 2`` (``--pdftotext``, poppler-utils). The DOCX goes through the
project's own extractor either way. Prints per folder how many files get a title; for ``uu/`` also how many titles
contain the first word after ``TENTANG`` (the subject a person would name the law by); then a seeded sample of
titles to read, and every file without one.

Usage: python benchmarks/title_corpus.py [--corpus PATH] [--pdftotext] [--sample N] [--seed S]
"""

from __future__ import annotations

import argparse
import random
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from indexer.extract import extract_file
from indexer.extract.pdf import first_pages_text
from indexer.mime import sniff_path
from indexer.titles import derive_title

DEFAULT_CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus"
TENTANG = re.compile(r"\bTENTANG\b\s*:?\s*([A-Za-z][\w-]*)")


def first_pages_pdftotext(path: Path) -> str:
    done = subprocess.run(["pdftotext", "-l", "2", str(path), "-"], capture_output=True, text=True, check=False)
    return done.stdout


def text_of(path: Path, use_pdftotext: bool) -> str:
    if path.suffix.lower() == ".pdf":
        return first_pages_pdftotext(path) if use_pdftotext else first_pages_text(path)
    return extract_file(path, sniff_path(path), ocr=False).text[:8000]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--pdftotext", action="store_true", help="read PDFs with pdftotext -l 2 instead of pdfium")
    parser.add_argument("--sample", type=int, default=40)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    files = sorted(p for p in args.corpus.rglob("*") if p.is_file() and p.parent != args.corpus)
    if not files:
        sys.exit(f"no corpus at {args.corpus}")
    titled: dict[Path, str | None] = {}
    total, got = Counter(), Counter()
    uu_hits = 0
    for path in files:
        folder = path.relative_to(args.corpus).parts[0]
        text = text_of(path, args.pdftotext)
        title = derive_title(text, path.name)
        titled[path] = title
        total[folder] += 1
        got[folder] += title is not None
        if folder == "uu":
            expected = TENTANG.search(text[:4000])
            uu_hits += bool(expected and title and expected.group(1).lower() in title.lower())
    source = "pdftotext -l 2" if args.pdftotext else "pdfium, first 2 pages (as the index worker reads them)"
    print(f"text: {source}")
    for folder in sorted(total):
        print(f"  {folder:10} {got[folder]:4}/{total[folder]:<4} titled")
    print(f"  {'all':10} {sum(got.values()):4}/{len(files):<4} titled")
    print(f"  uu/ titles containing the first word after TENTANG: {uu_hits}/{total['uu']}")
    sample = random.Random(args.seed).sample(sorted(p for p, t in titled.items() if t), args.sample)
    print(f"\nsample of {len(sample)} titles:")
    for path in sorted(sample):
        print(f"  {path.relative_to(args.corpus)}\n      → {titled[path]}")
    print("\nno title:")
    for path, title in titled.items():
        if title is None:
            print(f"  {path.relative_to(args.corpus)}")


if __name__ == "__main__":
    main()
