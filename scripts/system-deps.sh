#!/bin/sh
# Install the Debian packages that some tests drive for real: chromium (the
# desk's Copy button, the reader pages, a feed's page with XSLT off) with a
# CJK font so its screenshots show Chinese, newsboat and sfeed (real feed
# readers; sfeed_update fetches with curl) and nginx (deploy/nginx.conf is
# run in front of the app). Without root or apt the tests that need them
# skip with a reason.
missing=""
command -v chromium >/dev/null 2>&1 || missing="$missing chromium"
command -v newsboat >/dev/null 2>&1 || missing="$missing newsboat"
command -v sfeed_update >/dev/null 2>&1 || missing="$missing sfeed"
command -v curl >/dev/null 2>&1 || missing="$missing curl"
[ -x /usr/sbin/nginx ] || command -v nginx >/dev/null 2>&1 || missing="$missing nginx"
[ -d /usr/share/fonts/opentype/noto ] || missing="$missing fonts-noto-cjk"
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing Debian packages:$missing"
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing; } \
        >/tmp/syndicator-apt.log 2>&1 \
        || echo "apt-get failed (see /tmp/syndicator-apt.log); tests needing$missing will skip"
else
    echo "not root or no apt-get:$missing missing; the tests that need them will skip"
fi
exit 0
