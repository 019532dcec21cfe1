#!/bin/sh
# The slider: moving lumi up redraws the stack and raises every sample's drawn yield.
. tests/tui/lib.sh
start "$HF" tui "$DEMO"
wait_for 'fit: ok'
keys 5
wait_for '· slider'
keys / l u m i Enter
wait_for '▸ lumi'
before=$(screen | cut -c50- | sed -n 3,35p)
keys S-Right S-Right S-Right
wait_for '1 moved'
after=$(screen | cut -c50- | sed -n 3,35p)
[ "$before" != "$after" ] || fail "the stack did not change after moving lumi"
# the channel detail lists pre-fit, post-fit and slider yields: raising lumi raises the samples
# that carry it and lowers none
keys Tab Enter
wait_for 'Channel      '
screen | awk '
    /pre-fit +post-fit +slider/ { on = 1; next }
    on && match($0, /[0-9.]+ +[0-9.]+ +[0-9.]+ +│/) {
        split(substr($0, RSTART, RLENGTH), f, / +/)  # pre post slider
        if (f[3] + 0 < f[2] + 0) { print "slider " f[3] " below post-fit " f[2]; bad = 1 }
        if (f[3] + 0 > f[2] + 0) up++
        rows++
    }
    END { if (!rows || !up) { print "rows " rows ", raised " up; exit 1 } exit bad }' ||
    fail "slider yields"
keys Escape
keys r
wait_for '0 moved'
[ "$(screen | cut -c50- | sed -n 3,35p)" = "$before" ] || fail "r did not restore the stack"
keys q
wait_for 'EXIT 0'
