#!/bin/sh
# Habits of good TUIs (issue 15 item 7): export asks before writing over a file (n keeps it,
# y overwrites it); a click on a tab opens its view; Ctrl-Z stops the explorer with the terminal restored, and after SIGCONT
# (what fg sends) the screen comes back.
. tests/tui/lib.sh
command -v python3 >/dev/null 2>&1 || exit 77
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
# the mouse is on by default: a click (xterm's report: ESC [ M, button, column, row, each + 32,
# 1-based) on the tab "3" opens the Parameters view
x=$(screen | head -1 | python3 -c 'import sys; print(sys.stdin.read().index(" 3 ") + 1)')
cx=$(printf "\\$(printf '%03o' $((32 + x + 1)))")
keys -l "$(printf '\033[M ')${cx}!"
keys -l "$(printf '\033[M#')${cx}!"
wait_for '3 Params'
keys 2
# Ctrl-Z: the process stops (state T) with the screen given back, SIGCONT redraws it
# (through /proc: a minimal system has no ps or pgrep)
shell=$($T display -p '#{pane_pid}')
pid=$(cat /proc/"$shell"/task/*/children 2>/dev/null | tr ' ' '\n' | grep . | head -1)
[ -n "$pid" ] || fail "no explorer process"
state() { sed 's/.*) //' /proc/"$pid"/stat | cut -d' ' -f1; }
keys C-z
i=0
until [ "$(state)" = T ]; do
    i=$((i + 1)); [ $i -le 100 ] || fail "Ctrl-Z did not stop the explorer"; sleep 0.05
done
wait_gone 'Channels '
kill -CONT "$pid"
wait_for 'Channels '
keys q
wait_for 'EXIT 0'
