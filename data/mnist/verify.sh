#!/bin/sh
# verify.sh - check the MNIST files beside this script, and with --fetch restore them.
#
#   sh data/mnist/verify.sh          for every file named in SHA256SUMS, compare the sha256 of
#                                    its uncompressed content (gzip -dc | sha256sum) with the
#                                    list; one line per file; exit 1 if one is missing or wrong.
#   sh data/mnist/verify.sh --fetch  the same, then download every file again from the mirror
#                                    into a temporary file, and put each in place only if its
#                                    checksum matches. When no download can be made (no
#                                    curl or wget, mirror unreachable) it says so in one line
#                                    and changes nothing.
#
# SHA256SUMS lists the uncompressed files (t10k-images-idx3-ubyte, ...); the files here are
# those names plus .gz (an uncompressed file under the plain name is checked when no .gz is
# there). MNIST_MIRROR overrides the mirror, e.g. MNIST_MIRROR=file:///some/dir/ with curl.
# POSIX sh; needs gzip and sha256sum (or shasum). Runs from any working directory.

set -u
set -f
me=verify.sh
mirror=${MNIST_MIRROR:-https://ossci-datasets.s3.amazonaws.com/mnist/}
case $mirror in */) ;; *) mirror=$mirror/ ;; esac

fetch=0
case ${1-} in
    '') ;;
    --fetch) fetch=1 ;;
    -h|--help) sed -n '2,16s/^# \{0,1\}//p' "$0"; exit 0 ;;
    *) echo "$me: unknown option '$1' (usage: $me [--fetch])" >&2; exit 2 ;;
esac

case $0 in */*) dir=${0%/*} ;; *) dir=. ;; esac
dir=$(CDPATH='' cd -- "$dir" && pwd) || exit 1
sums=$dir/SHA256SUMS
if [ ! -r "$sums" ]; then
    echo "$me: $sums: missing or unreadable (restore it from git: git checkout -- data/mnist)" >&2
    exit 1
fi

if command -v sha256sum >/dev/null 2>&1; then
    sha256() { sha256sum | cut -d ' ' -f 1; }
elif command -v shasum >/dev/null 2>&1; then
    sha256() { shasum -a 256 | cut -d ' ' -f 1; }
else
    echo "$me: neither sha256sum nor shasum is installed" >&2
    exit 1
fi

# sha256 of a file's uncompressed content (gzip -f passes an uncompressed file through).
digest() { gzip -dcf < "$1" 2>/dev/null | sha256; }

# ---- verify ------------------------------------------------------------------
bad=''                                  # "sum:name" of each missing or wrong file
all=''                                  # "sum:name" of every file
while read -r want name rest; do
    case $want in ''|'#'*) continue ;; esac
    name=${name#\*}                     # sha256sum's binary-mode marker
    all="$all $want:$name"
    case $name in
        ''|*[!A-Za-z0-9._-]*|.*)
            echo "$me: $sums: bad line: $want $name" >&2
            exit 1 ;;
    esac
    file=$name.gz
    if [ ! -e "$dir/$file" ] && [ -e "$dir/$name" ]; then
        file=$name
    fi
    if [ ! -e "$dir/$file" ]; then
        echo "$file: MISSING"
        bad="$bad $want:$name"
        continue
    fi
    got=$(digest "$dir/$file")
    if [ "$got" = "$want" ]; then
        echo "$file: OK"
    else
        echo "$file: FAILED (uncompressed sha256 $got, expected $want)"
        bad="$bad $want:$name"
    fi
done < "$sums"

if [ "$fetch" = 0 ] && [ -z "$bad" ]; then
    exit 0
fi
if [ "$fetch" = 0 ]; then
    echo "$me: some files are missing or corrupt; \`sh $0 --fetch\` downloads them from $mirror" >&2
    exit 1
fi

# ---- fetch -------------------------------------------------------------------
if command -v curl >/dev/null 2>&1; then
    download() { curl -fsS -L --connect-timeout 20 --max-time 900 -o "$2" "$1"; }
elif command -v wget >/dev/null 2>&1; then
    download() { wget -nv -T 20 -O "$2" "$1"; }
else
    echo "$me: neither curl nor wget is installed, cannot download; nothing changed" >&2
    exit 1
fi

# The temporary directory sits beside the files, so putting one in place is a rename.
tmp=$(mktemp -d "$dir/.fetch.XXXXXX" 2>/dev/null) || {
    echo "$me: cannot create a temporary directory in $dir; nothing changed" >&2
    exit 1
}
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' HUP INT TERM

# Download every file again, all first: one failure (offline, mirror down) and nothing is
# replaced; then each replaces its file only if its checksum matches.
for entry in $all; do
    name=${entry#*:}
    if ! download "$mirror$name.gz" "$tmp/$name.gz" 2> "$tmp/error"; then
        why=$(sed -n '/./{p;q;}' "$tmp/error")
        echo "$me: cannot download $mirror$name.gz (${why:-no message}; offline?);" \
             "nothing changed" >&2
        exit 1
    fi
done

status=0
for entry in $all; do
    want=${entry%%:*}
    name=${entry#*:}
    got=$(digest "$tmp/$name.gz")
    if [ "$got" = "$want" ]; then
        mv -f "$tmp/$name.gz" "$dir/$name.gz" || { status=1; continue; }
        echo "$name.gz: fetched, OK"
    else
        echo "$name.gz: download FAILED its check" \
             "(uncompressed sha256 $got, expected $want); old file kept"
        status=1
    fi
done
exit $status
