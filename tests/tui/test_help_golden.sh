#!/bin/sh
# The help overlay, UTF-8 and ASCII, against goldens (regenerate: make check-tui UPDATE_GOLDEN=1).
. tests/tui/lib.sh
start "$HF" tui --no-fit "$DEMO"
wait_for 'j/k move'
keys '?'
wait_for 'Keys in '
overlay Help | golden help_utf8.txt
keys q a '?'
wait_for 'j/k Down/Up'
overlay Help | golden help_ascii.txt
keys q q
wait_for 'EXIT 0'
