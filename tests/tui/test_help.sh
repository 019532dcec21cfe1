#!/bin/sh
# `?` opens the help overlay generated from the key table; Esc closes it; q quits cleanly.
. tests/tui/lib.sh
start "$HF" tui "$DEMO"
wait_for 'j/k move'
keys '?'
wait_for 'Key bindings'
screen >"$TMPD/help.txt"
# the last lines are below the fold at 40 rows: j scrolls
keys j j j j j j j j j j j j j j
wait_for 'quit at once'
screen >>"$TMPD/help.txt"
for k in 'toggle pre-fit / post-fit' 'export the current plot' 'this help' \
    'bootstrap bands on/off' 'go back to the last place' 'go to a channel or parameter'; do
    grep -qF -- "$k" "$TMPD/help.txt" || fail "help lacks '$k'"
done
keys Escape
wait_gone 'Key bindings'
keys F1
wait_for 'Key bindings'
keys q
wait_gone 'Key bindings'
keys q
wait_for 'EXIT 0'
