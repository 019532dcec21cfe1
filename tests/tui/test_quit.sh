#!/bin/sh
# q leaves the terminal usable: exit 0, echo and canonical mode restored, normal screen back.
. tests/tui/lib.sh
start "$HF" tui "$DEMO"
wait_for 'j/k move'
keys q
wait_for 'EXIT 0'
modes_ok
screen | grep -qF 'j/k move' && fail "the TUI screen is still shown after quitting"
# Q quits from an overlay too
$T kill-server 2>/dev/null || true
T="tmux -L hftui$$-2 -f /dev/null" # a fresh server: reusing a socket just killed can race
start "$HF" "$DEMO"
wait_for 'j/k move'
keys '?'
wait_for 'Keys in '
keys Q
wait_for 'EXIT 0'
modes_ok
