#!/usr/bin/env bash
# Make sure a Chromium is available for the browser test of the built book.
# Found: say which.  Missing, on Debian/Ubuntu as root (CI, Binder images, containers):
# install Debian's `chromium`.  Otherwise: say how to get one; the test then skips
# (it fails instead when CI is set).
set -u
if [ -n "${CNN_COURSE_BROWSER:-}" ]; then echo "browser: $CNN_COURSE_BROWSER"; exit 0; fi
for name in chromium chromium-browser google-chrome google-chrome-stable; do
  if command -v "$name" >/dev/null 2>&1; then echo "browser: $(command -v "$name")"; exit 0; fi
done
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "browser: installing Debian's chromium for the browser test"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null && exit 0
  echo "browser: could not install chromium" >&2
  exit 1
fi
echo "browser: no Chromium found; the browser test of the book will be skipped." >&2
echo "         Install one (e.g. 'sudo apt-get install chromium') or set CNN_COURSE_BROWSER." >&2
exit 0
