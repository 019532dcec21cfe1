#!/bin/sh
# The Channels view lists every channel of the demo and titles the stack with the selection.
. tests/tui/lib.sh
start "$HF" tui "$DEMO"
wait_for 'Channels '
names=$(channels "$DEMO")
[ -n "$names" ] || fail "no channel names from inspect"
n=0
for c in $names; do
    n=$((n + 1))
    [ $n -le 30 ] || break # the list shows about 35 rows at 120x40
    screen | grep -qF -- "$c" || fail "channel $c not listed"
done
first=$(echo "$names" | head -1)
screen | sed -n 2p | grep -qF -- "$first · pre-fit" || fail "stack title is not '$first · pre-fit'"
# j moves to the second channel: the title follows
second=$(echo "$names" | sed -n 2p)
keys j
wait_for "$second · pre-fit"
keys G
last=$(echo "$names" | tail -1)
wait_for "$last · pre-fit"
keys q
wait_for 'EXIT 0'
