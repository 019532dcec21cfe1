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
# the figure's legend, subtitle and caption fit (wrapped, not cut mid-word), at 120x40 and 80x24
lay() {
    for s in 'histogram of M' 'generated events' 'repetitions' 'the KDE' 'silverman.'; do
        screen | grep -qF -- "$s" || fail "'$s' not on screen at $1 (cut off?)"
    done
    screen | grep -qE 'histogram o *│|200 repe *│|silverma *│' && fail "text cut at $1"
    return 0
}
lay 120x40
$T resize-window -x 80 -y 24
wait_for 'number of events'
# the figure (right of the settings): a cut label ends in an ellipsis
screen | LC_ALL=C.UTF-8 sed -E 's/^.{32}//' | grep -qE 'histogr[^a…]|repe[^t…]' &&
    fail "legend or subtitle cut without a mark at 80x24"
$T resize-window -x 120 -y 40
wait_for 'number of events (true n, or generated M)'
lay 120x40
# n: 100 -> 200 restarts with the new setting
keys j Right
wait_for 'n          200 events'
wait_for '/200 reps'
keys e C-u
keys -l 'lab.svg'
keys Enter
wait_for 'wrote lab.svg'
grep -q '<svg' "$TMPD/lab.svg" || fail "not an SVG"
# b: bootstrap bands on, the coverage figure, the coverage in the title
keys b
wait_for 'bootstrap  20 KDEs/rep'
wait_for 'figure     coverage'
wait_for 'Do the error bars cover the truth?'
wait_for 'naive/debiased'
wait_for 'nominal 68.3%'
# c: the cost view turns the cost axis on and shows MSE against compute
keys c
wait_for 'cost       gen 1000x cheaper'
wait_for 'Simulate or generate? Equal compute'
wait_for 'total compute t (s)'
i=0
until screen | grep -qE 'gen ahead|gen never ahead'; do
    i=$((i + 1)); [ $i -le 300 ] || fail "no cost summary in the title"; sleep 0.05
done
# b again: bootstrap off, back to the MSE figure
keys b
wait_for 'bootstrap  off'
# G and g: the last and the first setting
keys G
wait_for '▸ figure '
keys g
wait_for '▸ truth '
keys x q
wait_for 'EXIT 0'
