#!/bin/sh
# Habits of good TUIs (issue 15 item 7): export asks before writing over a file (n keeps it,
# y overwrites it); Ctrl-Z stops the explorer with the terminal restored, and after SIGCONT
# (what fg sends) the screen comes back.
. tests/tui/lib.sh
start "$HF" tui --no-fit "$DEMO"
wait_for 'Channels '
keys e C-u s t a c k . s v g Enter
wait_for 'wrote stack.svg'
[ -s "$TMPD/stack.svg" ] || fail "no stack.svg"
echo old >"$TMPD/stack.svg"
keys e C-u s t a c k . s v g Enter
wait_for 'stack.svg exists: overwrite it? (y/n)'
keys n
wait_for 'not exported: stack.svg exists'
[ "$(cat "$TMPD/stack.svg")" = old ] || fail "n wrote over the file"
keys e C-u s t a c k . s v g Enter
wait_for 'overwrite it? (y/n)'
keys y
wait_for 'wrote stack.svg'
grep -q '<svg' "$TMPD/stack.svg" || fail "y did not write the figure"
# Ctrl-Z: the process stops (state T) with the screen given back, SIGCONT redraws it
shell=$($T display -p '#{pane_pid}')
pid=$(pgrep -P "$shell" | head -1)
[ -n "$pid" ] || fail "no explorer process"
keys C-z
i=0
until [ "$(ps -o stat= -p "$pid" | cut -c1)" = T ]; do
    i=$((i + 1)); [ $i -le 100 ] || fail "Ctrl-Z did not stop the explorer"; sleep 0.05
done
wait_gone 'Channels '
kill -CONT "$pid"
wait_for 'Channels '
keys q
wait_for 'EXIT 0'
