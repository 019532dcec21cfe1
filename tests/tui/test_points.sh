#!/bin/sh
# The patchset browser (view 0) at 80x24 on a generated 110-point grid of the pyhf example
# workspace (tests/slurm/grid.sh): the points on screen are computed first (pending, then
# numbers), a page further down fills in while it is shown, the numbers are those of
# `hfscope patchset run` (computed by both, compared at the screen's precision), Enter opens the
# point's stacks and Backspace comes back, a click selects a row and the wheel moves the
# selection, m draws the mass plane.
# HFSCOPE_TEST_POINT_DELAY slows each point down (the worker waits first) so that the filling in
# can be watched.
. tests/tui/lib.sh
BKG=$ROOT/tests/reference/pyhf_example_patchset/workspace.json
. "$ROOT/tests/slurm/grid.sh"
DIGEST=$(hf_example_digest "$ROOT/tests/reference")
[ ${#DIGEST} -eq 64 ] || fail "no digest in the reference patchset"
hf_grid "$DIGEST" 10 11 >"$TMPD/grid.json"
"$HF" patchset run -q "$BKG" "$TMPD/grid.json" -o "$TMPD/run.jsonl" || fail "patchset run"
# value NAME KEY FMT: the point's number in the run's output, printed as the screen prints it
value() {
    grep "\"patch\":\"$1\"" "$TMPD/run.jsonl" | grep -o "\"$2\":[-0-9.e+]*" | cut -d: -f2 |
        awk -v f="$3" '{ printf f, $1 }'
}
TUI_ENV="NO_COLOR=1 HFSCOPE_TEST_POINT_DELAY=0.2" start "$HF" tui "$BKG" --patchset grid.json
$T resize-window -x 80 -y 24
wait_for 'Points 110'
wait_for 'pending'
# the first screen fills in: its last row (sig_200_250 at 80x24, shown as 200_250: the prefix
# all names share is dropped) gets the run's number
v=$(value sig_200_250 cls_obs %.3g)
wait_for " 200_250 "
i=0
until screen | grep ' 200_250 ' | grep -qF -- " $v "; do
    i=$((i + 1)); [ $i -le 300 ] || fail "sig_200_250 never showed CLs $v"; sleep 0.05
done
screen | grep ' 1000_' >/dev/null && fail "the first screen should not reach sig_1000_"
# four pages down: still pending, then computed while shown
keys NPage NPage NPage NPage
wait_for ' 800_'
screen | grep ' 800_' | grep -q pending || fail "points four pages down should be pending"
wait_gone 'pending'
wait_gone 'running'
sel=$(screen | sed -n 's/^│\(sig_[0-9_]*\) .*/\1/p' | head -1) # the detail line: the full name
[ -n "$sel" ] || fail "no selected point"
o=$(value "$sel" cls_obs %.4g)
e=$(printf '%s' "$(grep "\"patch\":\"$sel\"" "$TMPD/run.jsonl" | grep -o '"cls_exp":\[[^]]*' |
    cut -d'[' -f2 | cut -d, -f3)" | awk '{ printf "%.4g", $1 }')
wait_for "CLs obs $o, exp $e"
# Enter: the point's patched workspace, its stacks (the signal sample is in the legend)
keys Enter
wait_for "point $sel: its stacks"
wait_for 'Channels 1/1'
wait_for 'signal'
screen | head -1 | grep -qF "workspace.json + $sel" || fail "the top line should name the point"
keys BSpace
wait_for 'Points 110'
screen | grep -qF "│$sel " || fail "back on the Points view, $sel stays selected"
# a click (xterm's report: ESC [ M, button, column, row, each + 32, 1-based) on the list's third
# row, screen row 6, selects that point: the detail line names it in full
third=$(screen | sed -n '6p' | sed 's/^│. \([^ ]*\) .*/\1/')
[ -n "$third" ] || fail "no third row"
keys -l "$(printf '\033[M %%&')"
keys -l "$(printf '\033[M#%%&')"
wait_for "│sig_$third "
# the wheel (button 5: code 65 + 32) moves the selection three rows down, to the sixth row
sixth=$(screen | sed -n '9p' | sed 's/^│. \([^ ]*\) .*/\1/')
[ -n "$sixth" ] || fail "no sixth row"
keys -l "$(printf '\033[Ma%%&')"
wait_for "│sig_$sixth "
# the map: excluded and allowed points, the expected contour
keys m
wait_for 'Mass plane m1 vs m2'
wait_for '■ excluded'
screen | grep -v 'excluded' | grep -qF '┄' || fail "no expected contour on the map"
keys q
wait_for 'EXIT 0'
modes_ok
