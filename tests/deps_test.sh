#!/bin/sh
# deps_test.sh - checks tools/deps.sh, and make deps / make check-deps through it, with
# fake dpkg-query, id, sudo and apt-get first on PATH (nothing is installed for real):
#   all present; root; not root with a working `sudo -n`; not root without it; apt-get
#   failing; no dpkg-query at all.
#   sh tests/deps_test.sh SOURCE_DIR      (tests/test_deps.c runs it under make test)
# Prints "ok ..." per check, "FAIL ..." and exits 1 on the first failure. Works in its own
# temporary directory and removes it.
set -u
src=${1:?usage: deps_test.sh SOURCE_DIR}
T=$(mktemp -d "${TMPDIR:-/tmp}/dlfs-deps.XXXXXX") || exit 1
trap 'rm -rf "$T"' EXIT
fake="$T/bin"
mkdir "$fake"

# dpkg-query -W -f=FMT PKG...: "install ok installed" for the packages in $FAKE_INSTALLED.
cat > "$fake/dpkg-query" <<'X'
#!/bin/sh
shift 2
for p in "$@"; do
    case " $FAKE_INSTALLED " in
    *" $p "*) echo "install ok installed" ;;
    *) echo "dpkg-query: no packages found matching $p" >&2 ;;
    esac
done
X
# id -u: $FAKE_UID
printf '#!/bin/sh\necho "$FAKE_UID"\n' > "$fake/id"
# sudo -n CMD...: fails unless FAKE_SUDO=ok; then logs and runs CMD
cat > "$fake/sudo" <<'X'
#!/bin/sh
[ "$1" = -n ] && shift
[ "${FAKE_SUDO:-}" = ok ] || { echo "sudo: a password is required" >&2; exit 1; }
echo "sudo $*" >> "$FAKE_LOG"
exec "$@"
X
# apt-get ARGS: logged; fails when FAKE_APT=fail
cat > "$fake/apt-get" <<'X'
#!/bin/sh
echo "apt-get $*" >> "$FAKE_LOG"
[ "${FAKE_APT:-}" != fail ]
X
chmod +x "$fake"/*

export FAKE_LOG="$T/log" FAKE_INSTALLED FAKE_UID FAKE_SUDO FAKE_APT
PKGS="build-essential zlib1g-dev gnuplot-nox libcriterion-dev"
fail() { echo "FAIL $1"; echo "--- output:"; cat "$T/out"; echo "--- log:"; cat "$FAKE_LOG" 2>/dev/null; exit 1; }

# run NAME WANT_STATUS CMD...: runs CMD with the fakes first on PATH, output in $T/out
run() {
    name=$1 want=$2; shift 2
    : > "$FAKE_LOG"
    PATH="$fake:$PATH" "$@" > "$T/out" 2>&1
    got=$?
    [ "$got" = "$want" ] || fail "$name: exit status $got, expected $want"
}
has() { grep -qF -- "$2" "$T/out" || fail "$1: output lacks: $2"; }
logged() { grep -qxF -- "$2" "$FAKE_LOG" || fail "$1: no call: $2"; }
no_apt() { [ ! -s "$FAKE_LOG" ] || fail "$1: ran apt-get or sudo"; }

deps="$src/tools/deps.sh"
# the inner makes must not join the outer make's jobserver (make test runs this)
unset MAKEFLAGS MFLAGS MAKELEVEL MAKEOVERRIDES

FAKE_INSTALLED="$PKGS" FAKE_UID=1000 FAKE_SUDO= FAKE_APT=
run "all present" 0 sh "$deps" $PKGS
has "all present" "deps: all present ($PKGS)"; no_apt "all present"
run "all present, quiet" 0 sh "$deps" --quiet $PKGS
[ ! -s "$T/out" ] || fail "all present, quiet: printed something"
echo "ok all present: nothing installed"

FAKE_INSTALLED="build-essential gnuplot-qt"
FAKE_UID=0
run "root" 0 sh "$deps" --quiet $PKGS
has "root" "deps: installing the missing Debian packages (as root): zlib1g-dev libcriterion-dev"
logged "root" "apt-get update -qq"
logged "root" "apt-get install -y -qq zlib1g-dev libcriterion-dev"
echo "ok root: installs zlib1g-dev libcriterion-dev (gnuplot-qt stands for gnuplot-nox)"

FAKE_UID=1000 FAKE_SUDO=ok
run "sudo -n" 0 sh "$deps" --quiet $PKGS
has "sudo -n" "deps: installing the missing Debian packages (with sudo -n): zlib1g-dev libcriterion-dev"
logged "sudo -n" "sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq zlib1g-dev libcriterion-dev"
logged "sudo -n" "apt-get install -y -qq zlib1g-dev libcriterion-dev"
echo "ok not root, sudo -n works: installs through sudo"

FAKE_SUDO=
line="deps: run this as root, then make again: apt-get update && apt-get install -y zlib1g-dev libcriterion-dev"
run "neither" 1 sh "$deps" --quiet $PKGS
has "neither" "deps: missing Debian packages: zlib1g-dev libcriterion-dev"
has "neither" "$line"; no_apt "neither"
echo "ok not root, no sudo -n: prints the apt-get line, exits 1"

FAKE_UID=0 FAKE_APT=fail
run "apt-get fails" 1 sh "$deps" --quiet $PKGS
has "apt-get fails" "deps: apt-get failed; run this as root, then make again: apt-get update && apt-get install -y zlib1g-dev libcriterion-dev"
echo "ok apt-get failing (offline): prints the line, exits 1"
FAKE_APT=

# make deps as a user without sudo: the line, non-zero; make check-deps (what make run and
# make test call first) likewise; as root make check-test-deps installs and goes on.
FAKE_UID=1000
run "make deps" 2 make --no-print-directory -C "$src" deps
has "make deps" "$line"; no_apt "make deps"
echo "ok make deps, not root, no sudo: prints the line, exits non-zero"
run "make check-test-deps" 2 make --no-print-directory -C "$src" check-test-deps
has "make check-test-deps" "$line"; no_apt "make check-test-deps"
FAKE_UID=0
run "make check-test-deps as root" 0 make --no-print-directory -C "$src" check-test-deps
logged "make check-test-deps as root" "apt-get install -y -qq zlib1g-dev libcriterion-dev"
FAKE_INSTALLED="$PKGS"
run "make deps, all present" 0 make --no-print-directory -C "$src" deps
has "make deps, all present" "deps: all present"
echo "ok make check-test-deps: stops (user) or installs and goes on (root)"

# no dpkg-query: a note, and make run goes on (the build itself then says what is missing)
mkdir "$T/nodpkg"
for t in sh grep env; do ln -s "$(command -v $t)" "$T/nodpkg/$t"; done
: > "$FAKE_LOG"
PATH="$T/nodpkg" sh "$deps" --quiet $PKGS > "$T/out" 2>&1 || fail "no dpkg-query, quiet: exit $?"
has "no dpkg-query" "deps: dpkg-query not found"
PATH="$T/nodpkg" sh "$deps" $PKGS > "$T/out" 2>&1 && fail "no dpkg-query: make deps exits 0"
echo "ok no dpkg-query: a note; make deps exits 1"
echo "deps_test: all passed"
