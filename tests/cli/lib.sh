# tests/cli/lib.sh - sourced by the CLI test scripts (run from the project root): a private
# temporary directory $tmp (removed on exit), the failure count nfail, and fail REASON, which
# counts a failed check and shows the first lines of what the command under test left in
# $tmp/err.
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
nfail=0
fail() {
    nfail=$((nfail + 1))
    printf 'FAIL %s\n' "$1"
    if [ -s "$tmp/err" ]; then sed 's/^/    stderr: /' "$tmp/err" | head -5; fi
}
