#!/bin/sh
# An unknown terminal type: a warning and the text overview instead of a crash or exit().
. tests/tui/lib.sh
TUI_ENV="TERM=nosuchterm-hfscope NO_COLOR=1"
start "$HF" tui "$DEMO"
wait_for 'EXIT 0'
$T capture-pane -p -S -200 | grep -qF "terminal type 'nosuchterm-hfscope' cannot draw the explorer" || fail "no warning"
screen | grep -qF 'unknown terminal type: printed the overview' || fail "no overview"
