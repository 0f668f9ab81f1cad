#!/bin/sh
# Install the Debian packages `make bench` drives: nginx (the reference
# static server) and wrk (the load generator). Only nginx's binary is used,
# with a configuration generated in a temporary directory; the system's
# nginx service is neither configured nor started by the benchmark.
missing=""
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || missing="$missing nginx"
command -v wrk >/dev/null 2>&1 || missing="$missing wrk"
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing Debian packages:$missing"
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing; } \
        >/tmp/syndicator-apt.log 2>&1 \
        || { echo "apt-get failed (see /tmp/syndicator-apt.log)"; exit 1; }
else
    echo "missing:$missing; install them (apt-get install$missing) or run make bench as root"
    exit 1
fi
