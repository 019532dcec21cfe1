#!/bin/sh
# Colours: stack samples get xterm-256 colours from the palette; NO_COLOR gives none at all.
. tests/tui/lib.sh
TUI_ENV="TERM=xterm-256color NO_COLOR="
start "$HF" tui "$DEMO"
wait_for 'fit: ok'
wait_for '█'
n=$($T capture-pane -p -e | grep -o '38;5;[0-9]*' | sort -u | wc -l)
[ "$n" -ge 3 ] || fail "expected several 256-colour inks, found $n"
screen | grep -qF 'COLOR' || fail "status line should say COLOR"
keys q
wait_for 'EXIT 0'
$T kill-server 2>/dev/null || true
T="tmux -L hftui$$-2 -f /dev/null"
TUI_ENV="TERM=xterm-256color NO_COLOR=1"
start "$HF" tui "$DEMO"
wait_for 'fit: ok'
wait_for 'NO_COLOR'
# 39/49 are "default colour" resets, anything else selects a colour
$T capture-pane -p -e | grep -Eq '\[([0-9]+;)*(3[0-7]|4[0-7]|9[0-7]|10[0-7]|[34]8;5;[0-9]+)m' &&
    fail "colours under NO_COLOR"
# the selection is still visible: reverse video
$T capture-pane -p -e | grep -q '\[[0-9;]*7m' || fail "no reverse video for the selection"
keys q
wait_for 'EXIT 0'
