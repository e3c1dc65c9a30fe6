#!/usr/bin/env bash
# Install what Arsip needs on a fresh Debian machine with Python 3.11: the Debian packages that are missing
# (libmagic1 always; postgresql, poppler-utils and chromium too with --test), a virtualenv in .venv, and the
# Python packages.
# Safe to run again: it installs only what is missing or changed.
set -euo pipefail
cd "$(dirname "$0")/.."

with_test=0
[ "${1:-}" = "--test" ] && with_test=1

python_bin=""
for candidate in python3.13 python3.12 python3.11 python3; do
  if command -v "$candidate" >/dev/null 2>&1 &&
     "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
    python_bin=$(command -v "$candidate"); break
  fi
done

packages=()
dpkg -s libmagic1 >/dev/null 2>&1 || packages+=(libmagic1)
# OCR of scanned pages and images (Indonesian + English); without it files are archived and marked "OCR pending".
for pkg in tesseract-ocr tesseract-ocr-ind tesseract-ocr-eng; do
  dpkg -s "$pkg" >/dev/null 2>&1 || packages+=("$pkg")
done
# WeasyPrint renders the reports (PDF) through Pango; a font must exist for any text to show.
for pkg in libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core; do
  dpkg -s "$pkg" >/dev/null 2>&1 || packages+=("$pkg")
done
if [ -z "$python_bin" ]; then packages+=(python3 python3-venv); fi
if [ -n "$python_bin" ] && ! "$python_bin" -c 'import ensurepip, venv' >/dev/null 2>&1; then packages+=(python3-venv); fi
if [ "$with_test" = 1 ] && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then packages+=(postgresql); fi
# pdftotext is the baseline of the ingest benchmark; pdftoppm renders report PDFs to PNG in the tests.
if [ "$with_test" = 1 ] && ! command -v pdftotext >/dev/null 2>&1; then packages+=(poppler-utils); fi
# The browser tests (tests/e2e/browser) drive Debian's chromium through Playwright (no browser download);
# fonts-liberation is only a recommendation of chromium-common, so name it: pages and screenshots need a font.
if [ "$with_test" = 1 ] && [ ! -x /usr/bin/chromium ]; then packages+=(chromium); fi
if [ "$with_test" = 1 ] && ! dpkg -s fonts-liberation >/dev/null 2>&1; then packages+=(fonts-liberation); fi
if [ "${#packages[@]}" -gt 0 ]; then
  echo "==> installing Debian packages: ${packages[*]}"
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
fi
if [ -z "$python_bin" ]; then python_bin=$(command -v python3); fi

if [ ! -x .venv/bin/python ]; then
  echo "==> creating .venv with $python_bin"
  "$python_bin" -m venv .venv
fi
extras=""
[ "$with_test" = 1 ] && extras="[test]"
stamp=".venv/.arsip-installed"
want="$(sha256sum pyproject.toml | cut -d' ' -f1)$extras"
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  echo "==> installing Python packages${extras:+ (with test tools)}"
  .venv/bin/python -m pip install -q --upgrade pip >/dev/null
  .venv/bin/python -m pip install -q -e ".$extras"
  echo "$want" > "$stamp"
fi
