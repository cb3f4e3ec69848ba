#!/usr/bin/env bash
# Debian/Ubuntu packages the committee report needs (idempotent; run as root or with sudo).
#   - WeasyPrint (PDF): Pango, HarfBuzz (incl. the font-subsetting library) and a font.
#   - Chromium: the headless browser tests/test_report.py opens the HTML report in.
#   - poppler-utils: pdfinfo, with which tests/test_report.py checks the PDF is tagged.
# Installs only what is missing; with nothing missing it does not touch apt at all.
set -euo pipefail

packages=(
  libpango-1.0-0
  libpangoft2-1.0-0
  libharfbuzz0b
  libharfbuzz-subset0
  fonts-dejavu-core
  chromium
  poppler-utils
)

missing=()
for package in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null || true)
  if [[ "$status" != "install ok installed" ]]; then
    missing+=("$package")
  fi
done

if [[ ${#missing[@]} -eq 0 ]]; then
  echo "System packages for the report: all present."
  exit 0
fi

sudo=""
if [[ $(id -u) -ne 0 ]]; then
  sudo="sudo"
fi
echo "Installing: ${missing[*]}"
$sudo apt-get update -q
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
