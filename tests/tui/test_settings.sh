#!/bin/sh
# Settings persist (issue 15 item 7): the Parameters list's sort order and the over-constrained
# threshold chosen in one session are written when it quits ($HFSCOPE_CONFIG here, so that a
# user's ~/.config is never touched) and come back in the next; a line the explorer does not
# know is logged and skipped.
. tests/tui/lib.sh
TUI_ENV="NO_COLOR=1 HFSCOPE_CONFIG=$TMPD/config"
start "$HF" tui --no-fit "$DEMO"
wait_for 'Channels '
keys 3 '<' '<' T
wait_for 'pull▼'
wait_for 'over-constrained below 0.55'
keys q
wait_for 'EXIT 0'
grep -qx 'parameters_sort = 3' "$TMPD/config" || fail "sort order not saved: $(cat "$TMPD/config")"
grep -qx 'over_constrained = 0.55' "$TMPD/config" || fail "threshold not saved"
echo 'colour_of_the_sky = blue' >>"$TMPD/config"
$T kill-server 2>/dev/null || true
T="tmux -L hftuis$$ -f /dev/null" # a fresh server: starting on a dying one can fail
start "$HF" tui --no-fit "$DEMO"
wait_for 'Channels '
keys 3
wait_for 'pull▼'
wait_for 'over-constrained below 0.55'
keys 7
wait_for "unknown setting or value 'colour_of_the_sky = blue'; skipped"
keys q
wait_for 'EXIT 0'
