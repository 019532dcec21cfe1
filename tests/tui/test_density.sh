#!/bin/sh
# The Density lab runs its experiment in the background, fills in live, restarts on a setting
# change and exports its figure.
. tests/tui/lib.sh
start "$HF" tui --no-fit "$DEMO"
wait_for 'j/k move'
keys 6
wait_for 'Density lab'
wait_for 'truth      camelback'
i=0 # the default experiment (200 reps, multinomial sampling) takes about a second
until screen | grep -qF '200/200 reps'; do
    i=$((i + 1)); [ $i -le 300 ] || fail "the experiment did not finish in 15 s"; sleep 0.05
done
screen | grep -qF 'KDE x' || fail "no amplification in the title"
# n: 100 -> 200 restarts with the new setting
keys j Right
wait_for 'n          200 events'
wait_for '/200 reps'
keys e C-u
keys -l 'lab.svg'
keys Enter
wait_for 'wrote lab.svg'
grep -q '<svg' "$TMPD/lab.svg" || fail "not an SVG"
keys x q
wait_for 'EXIT 0'
