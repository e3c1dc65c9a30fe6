#!/usr/bin/env bash
# Quick start: install, create ./var, load demo data, and serve on http://127.0.0.1:8000 (Ctrl-C to stop).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export ARSIP_DATA_DIR="${ARSIP_DATA_DIR:-$PWD/var}"
# The demo office (archive_service/demo/loader.py DEMO_OFFICE): the letterhead and the place of signing of every
# printed document. Set your own before running, or in the environment of `arsip serve` in production.
export ARSIP_INSTITUTION_NAME="${ARSIP_INSTITUTION_NAME:-Pemerintah Kabupaten Sleman}"
export ARSIP_OFFICE_NAME="${ARSIP_OFFICE_NAME:-Dinas Komunikasi dan Informatika}"
export ARSIP_OFFICE_ADDRESS="${ARSIP_OFFICE_ADDRESS:-Jl. Parasamya No. 1, Beran, Tridadi, Sleman, Daerah Istimewa Yogyakarta 55511}"
export ARSIP_OFFICE_CITY="${ARSIP_OFFICE_CITY:-Sleman}"
bind="${ARSIP_BIND:-127.0.0.1:8000}"
export ARSIP_PUBLIC_BASE_URL="${ARSIP_PUBLIC_BASE_URL:-http://$bind}"  # links in mail, letters and the demo's tracking link
.venv/bin/arsip init
.venv/bin/arsip demo
echo
echo "Portal publik / public portal: http://$bind/   Ruang kerja staf / staff workspace: http://$bind/staf/"
echo "Arsip berjalan di / is running at: http://$bind/api/docs  (API: http://$bind/api/v1/records)"
echo "Coba / try: curl -H \"Authorization: Bearer <token di atas / token above>\" http://$bind/api/v1/records"
echo "Cari / search: curl \"http://$bind/api/v1/public/search?q=informasi+publik\""
echo "               curl -H \"Authorization: Bearer <token>\" \"http://$bind/api/v1/search?q=pengelolaan\""
exec .venv/bin/arsip serve --bind "$bind"
