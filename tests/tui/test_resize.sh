#!/bin/sh
# Resizing down to 60x20 keeps the screen drawn, below that it says so, and back again.
. tests/tui/lib.sh
start "$HF" tui "$DEMO"
wait_for 'Channels '
$T resize-window -x 60 -y 20
sleep 0.2
wait_for 'Channels '
screen | grep -qF 'too small' && fail "60x20 must still draw"
[ "$(width)" -le 60 ] ||
    fail "lines wider than 60 columns"
$T resize-window -x 59 -y 19
wait_for 'terminal too small'
$T resize-window -x 120 -y 40
wait_for 'Channels '
wait_gone 'terminal too small'
keys 3
wait_for 'Parameters '
keys q
wait_for 'EXIT 0'
