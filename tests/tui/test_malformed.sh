#!/bin/sh
# A malformed workspace: one error line naming the file, exit 2, no screen, terminal sane.
. tests/tui/lib.sh
printf '{"channels": [{"name": "SR", "samples": [' >"$TMPD/bad.json"
start "$HF" tui bad.json
wait_for 'EXIT 2'
modes_ok
[ "$(screen | grep -c 'hfscope: error: bad.json')" -eq 1 ] || fail "expected one error line"
[ "$(screen | grep -c .)" -eq 3 ] || fail "expected only the error, EXIT and stty lines"
# the same without a terminal
err=$("$HF" "$TMPD/bad.json" </dev/null 2>&1 >/dev/null) && fail "exit 0 on a bad file"
[ "$(printf '%s\n' "$err" | wc -l)" -eq 1 ] || fail "more than one error line: $err"
"$HF" tui "$TMPD/missing.json" </dev/null >/dev/null 2>&1 && fail "missing file accepted"
rc=0; "$HF" tui "$TMPD/missing.json" </dev/null >/dev/null 2>&1 || rc=$?
[ "$rc" -eq 2 ] || fail "missing file: exit $rc, expected 2"
exit 0
