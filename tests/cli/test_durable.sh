#!/bin/sh
# tests/cli/test_durable.sh - durable output: every writer (PDF, PNG, SVG, JSON, JSONL, workspace,
# patch, text) run against a full filesystem exits 2 with one line naming the file and leaves no
# file (and no temporary) behind; a JSONL stream keeps only whole lines. The full filesystem is a
# 64 KiB tmpfs (root only); without one, the writers that accept a device are run on /dev/full
# (an injected ENOSPC) and the rest are skipped.
cd "$(dirname "$0")/../.." || exit 1
HF=${HF:-build/hfscope}
REF=${HF_REFERENCE_DIR:-tests/reference}
[ -x "$HF" ] || { echo "test_durable: $HF is not built" >&2; exit 1; }
WS=$REF/toy_1bin_shapesys/workspace.json
BKG=$REF/pyhf_example_patchset/workspace.json
PS=$REF/pyhf_example_patchset/patchset.json
[ -f "$WS" ] && [ -f "$BKG" ] || { echo "test_durable: no reference workspaces" >&2; exit 77; }
tmp=$(mktemp -d) || exit 1
mnt=$tmp/full
mkdir "$mnt"
mounted=0
cleanup() {
    [ $mounted -eq 1 ] && umount "$mnt" 2>/dev/null
    rm -rf "$tmp"
}
trap cleanup EXIT
nfail=0
fail() { nfail=$((nfail + 1)); echo "FAIL $*"; }
PNAME=$("$HF" patchset list "$PS" | sed -n 3p | cut -d" " -f1)

# expect_full NAME FILE CMD...: exit 2, one stderr line naming FILE, nothing left in the mount
# but the filler (FILE is a directory for plot -o DIR)
expect_full() {
    name=$1 file=$2
    shift 2
    "$@" >"$tmp/out" 2>"$tmp/err"
    rc=$?
    [ $rc -eq 2 ] || { fail "$name: exit $rc, expected 2 ($(head -c 300 "$tmp/err"))"; return; }
    # one line from hfscope (LeakSanitizer may add its suppression table under make asan)
    [ "$(grep -c '^hfscope: ' "$tmp/err")" -eq 1 ] && [ "$(grep -vc '^hfscope: \|^-*$\|Suppressions used\|count  *bytes\|libfontconfig\|^$' "$tmp/err")" -eq 0 ] ||
        fail "$name: stderr is not one line: $(cat "$tmp/err")"
    grep -qF "$(basename "$file")" "$tmp/err" || fail "$name: stderr does not name $file: $(cat "$tmp/err")"
    left=$(cd "$mnt" && find . -type f ! -name fill | head -5)
    [ -z "$left" ] || fail "$name: left behind: $left"
}

# fill SLACK_KB: fill the tmpfs, leaving about SLACK_KB free
fill() {
    rm -f "$mnt/fill"
    dd if=/dev/zero of="$mnt/fill" bs=1k count=$((64 - $1)) 2>/dev/null
    [ "$1" -gt 0 ] || dd if=/dev/zero of="$mnt/fill" bs=1k oflag=append conv=notrunc 2>/dev/null
}

if mount -t tmpfs -o size=64k tmpfs "$mnt" 2>/dev/null; then
    mounted=1
    # a PDF cut short: 8 KiB free lets the first pages through, then ENOSPC (issue 20, item 1)
    fill 8
    expect_full pdf-cut "stack" "$HF" plot "$WS" --format pdf -o "$mnt/figs"
    expect_full report-cut "$mnt/r.pdf" "$HF" report --no-fit "$WS" -o "$mnt/r.pdf"
    fill 0
    for fmt in pdf png svg; do
        expect_full "$fmt-full" "stack" "$HF" plot "$WS" --format $fmt -o "$mnt/figs"
    done
    expect_full report-full "$mnt/r.pdf" "$HF" report --no-fit "$WS" -o "$mnt/r.pdf"
    expect_full json "$mnt/fit.json" "$HF" fit --json "$WS" -o "$mnt/fit.json"
    expect_full workspace "$mnt/ws.json" "$HF" patchset apply "$BKG" "$PS" "$PNAME" -o "$mnt/ws.json"
    expect_full workspace+patch "$mnt/d.json" "$HF" decorrelate --no-fit --np uncorr_bkguncrt \
        --by sample "$WS" -o "$mnt/d.json" --patch-out "$mnt/d.patch.json"
    expect_full view "$mnt/v.txt" "$HF" view "$WS" -o "$mnt/v.txt"
    # JSONL streams append whole lines (for resuming): on a full disk it fails naming the file,
    # and what it holds is whole lines
    "$HF" patchset run -q "$BKG" "$PS" --what cls -o "$mnt/r.jsonl" >/dev/null 2>"$tmp/err"; rc=$?
    [ $rc -eq 2 ] && grep -qF r.jsonl "$tmp/err" || fail "jsonl: exit $rc, $(cat "$tmp/err")"
    if [ -s "$mnt/r.jsonl" ] && [ "$(tail -c 1 "$mnt/r.jsonl" | od -An -c | tr -d ' ')" != '\n' ]; then
        fail "jsonl: a cut line"
    fi
    rm -f "$mnt/r.jsonl"
    # with room again, the same commands succeed (the failures were the disk's)
    rm -f "$mnt/fill"
    "$HF" plot "$WS" --format pdf -o "$mnt/figs" >/dev/null 2>&1 || fail "pdf with room: exit $?"
    "$HF" fit --json "$WS" -o "$mnt/fit.json" >/dev/null 2>&1 || fail "json with room: exit $?"
else
    echo "test_durable: cannot mount a tmpfs (not root?): /dev/full only"
    "$HF" fit --json "$WS" -o /dev/full >/dev/null 2>"$tmp/err"; rc=$?
    [ $rc -eq 2 ] && grep -qF /dev/full "$tmp/err" || fail "json to /dev/full: exit $rc"
    "$HF" patchset apply "$BKG" "$PS" "$PNAME" -o /dev/full >/dev/null 2>"$tmp/err"; rc=$?
    [ $rc -eq 2 ] && grep -qF /dev/full "$tmp/err" || fail "workspace to /dev/full: exit $rc"
    [ $nfail -eq 0 ] && exit 77
fi
[ $nfail -eq 0 ] && echo "test_durable: ok"
[ $nfail -eq 0 ]
