#!/usr/bin/env bash
# Installs Debian's tesseract OCR with its Chinese (simplified), Russian and English models for
# orders from photos, when missing (needs root and apt-get, as on CI). Without it the intake
# tests are skipped and say why, and the bot tells customers it cannot read photos here.
# --warn: only say that it is missing (for `make run` and `make demo`).
set -u
PACKAGES="tesseract-ocr tesseract-ocr-chi-sim tesseract-ocr-rus tesseract-ocr-eng"
DATA=/usr/share/tesseract-ocr/5/tessdata
if [ -x /usr/bin/tesseract ] && [ -f "$DATA/chi_sim.traineddata" ] \
  && [ -f "$DATA/rus.traineddata" ] && [ -f "$DATA/eng.traineddata" ]; then
  exit 0
fi
if [ "${1:-}" = "--warn" ]; then
  echo "warning: tesseract (or a language of it) is missing: photos of orders cannot be read;" \
       "install it with: apt-get install $PACKAGES" >&2
  exit 0
fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing Debian's tesseract OCR for orders from photos…"
  export DEBIAN_FRONTEND=noninteractive
  # shellcheck disable=SC2086
  apt-get update -qq >/dev/null && apt-get install -y -qq $PACKAGES >/dev/null \
    && exit 0
  echo "warning: could not install tesseract; the photo intake tests will be skipped" >&2
else
  echo "warning: tesseract is missing and cannot be installed here (not root); the photo" \
       "intake tests will be skipped (apt-get install $PACKAGES)" >&2
fi
exit 0
