#!/bin/sh
# Bad input to the patchset browser: a patchset made for another workspace gives a one-line
# error in the status line and the log, and the explorer keeps running (its Channels view
# works); a malformed patchset on the command line gives one line on stderr with the file and
# the JSON pointer, and exit 2, before the screen starts.
. tests/tui/lib.sh
BKG=$ROOT/tests/reference/pyhf_example_patchset/workspace.json
. "$ROOT/tests/slurm/grid.sh"
hf_grid 0000000000000000000000000000000000000000000000000000000000000000 3 4 >"$TMPD/other.json"
start "$HF" tui "$BKG" --patchset other.json
$T resize-window -x 80 -y 24
wait_for 'digest mismatch: the patchset is for another workspace'
wait_for 'Points 12'
screen | grep -q 'not run' || fail "the points should say they were not run"
keys Enter
wait_for 'digest mismatch: the patch cannot be applied'
keys 2
wait_for 'Channels 1/1'
keys 7
wait_for 'the patchset was made for another'
keys q
wait_for 'EXIT 0'
modes_ok
printf '{"metadata":{"labels":["a"]},"version":"1.0.0","patches":[{"metadata":{"name":"x","values":[1]},"patch":[{"op":"bogus","path":"/x"}]}]}' >"$TMPD/bad.json"
rc=0
"$HF" tui "$BKG" --patchset "$TMPD/bad.json" >"$TMPD/out" 2>"$TMPD/err" || rc=$?
[ "$rc" -eq 2 ] || { cat "$TMPD/err"; echo "FAIL: malformed patchset: exit $rc, expected 2"; exit 1; }
[ "$(wc -l <"$TMPD/err")" -eq 1 ] || { cat "$TMPD/err"; echo "FAIL: expected one error line"; exit 1; }
grep -qF "$TMPD/bad.json:/patches/0/patch/0" "$TMPD/err" ||
    { cat "$TMPD/err"; echo "FAIL: the error should name the file and pointer"; exit 1; }
