#!/bin/sh
# deps.sh - install the Debian packages dlfs-c needs, when it can.
#
#   sh tools/deps.sh [--quiet] PACKAGE...
#
# Checks each package with dpkg-query. When some are missing it installs them with
# apt-get: directly when running as root, through `sudo -n` when that works without a
# password; it says which ones it installs, then exits 0 so make goes on. When it cannot
# (not root, no password-less sudo, or apt-get failed) it prints the exact apt-get line to
# run and exits 1. --quiet: say nothing when all are present (make run and make test use
# it; make deps does not). gnuplot-nox counts as present when gnuplot-qt or gnuplot-x11 is
# installed instead. tests/deps_test.sh checks every branch with fake dpkg-query, id,
# sudo and apt-get.
quiet=0
if [ "${1:-}" = --quiet ]; then quiet=1; shift; fi

installed() {
    dpkg-query -W -f='${Status}\n' "$@" 2>/dev/null | grep -q ' ok installed$'
}

if ! command -v dpkg-query >/dev/null 2>&1; then
    echo "deps: dpkg-query not found (not Debian?): cannot check for $*; install their equivalents yourself" >&2
    [ "$quiet" = 1 ] && exit 0
    exit 1
fi

missing=""
for p in "$@"; do
    case $p in
    gnuplot-nox) installed gnuplot-nox gnuplot-qt gnuplot-x11 && continue ;;
    *) installed "$p" && continue ;;
    esac
    missing="${missing:+$missing }$p"
done

if [ -z "$missing" ]; then
    [ "$quiet" = 1 ] || echo "deps: all present ($*)"
    exit 0
fi

line="apt-get update && apt-get install -y $missing"
if [ "$(id -u)" = 0 ]; then
    as=""; how="as root"
elif command -v sudo >/dev/null 2>&1 && sudo -n true >/dev/null 2>&1; then
    as="sudo -n"; how="with sudo -n"
else
    echo "deps: missing Debian packages: $missing" >&2
    echo "deps: run this as root, then make again: $line" >&2
    exit 1
fi

echo "deps: installing the missing Debian packages ($how): $missing"
# shellcheck disable=SC2086  # $as and $missing are word lists on purpose
if $as env DEBIAN_FRONTEND=noninteractive apt-get update -qq &&
   $as env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing; then
    echo "deps: installed $missing"
    exit 0
fi
echo "deps: apt-get failed; run this as root, then make again: $line" >&2
exit 1
