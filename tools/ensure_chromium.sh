#!/usr/bin/env bash
# Installs Debian's chromium for the web chat's browser test when it is missing (needs root and
# apt-get, as on CI). Without it the browser test is skipped and says why.
set -u
if [ -x /usr/bin/chromium ]; then
  exit 0
fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing Debian's chromium for the browser test…"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null && apt-get install -y -qq chromium >/dev/null \
    && exit 0
  echo "warning: could not install chromium; the browser test will be skipped" >&2
else
  echo "warning: /usr/bin/chromium is missing and cannot be installed here (not root);" \
       "the browser test will be skipped (apt-get install chromium)" >&2
fi
exit 0
