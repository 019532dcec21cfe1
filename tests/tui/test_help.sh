#!/bin/sh
# `?` opens the help overlay generated from the key table; Esc closes it; q quits cleanly.
. tests/tui/lib.sh
start "$HF" tui "$DEMO"
wait_for 'j/k move'
keys '?'
wait_for 'Keys in Channels'
wait_for 'go back to the last place' # the title can be on screen before the lines under it
screen >"$TMPD/help.txt"
# the last lines are below the fold at 40 rows: j scrolls
keys j j j j j j j j j j j j j j
wait_for 'quit at once'
screen >>"$TMPD/help.txt"
for k in 'toggle pre-fit / post-fit' 'export the current plot' 'this help' \
    'go back to the last place' 'go to a channel or parameter'; do
    grep -qF -- "$k" "$TMPD/help.txt" || fail "help lacks '$k'"
done
keys Escape
wait_gone 'Keys in Channels'
# per view: the Density lab's help has its own keys, not the Channels' pre/post toggle
keys 6 F1
wait_for 'Keys in Density lab'
wait_for 'bootstrap bands on/off' # the Density lab's help has b (timing out fails)
screen | grep -qF 'toggle pre-fit / post-fit' && fail "the Density lab's help lists p"
keys q
wait_gone 'Keys in Density lab'
keys q
wait_for 'EXIT 0'
