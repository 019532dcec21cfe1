#!/bin/sh
# The Regions view (issue 15, a map of all regions): at 80x24 the 50 channels of the compressed
# ewkinos model fill two screens (each region once, with a pull and the ratio strip); Enter
# opens the selected region's stack; s shows a grid of small stacks that n pages through.
. tests/tui/lib.sh
WS=$ROOT/tests/reference/atlas_compressed_ewkinos_bkgonly/workspace.json
n=$(channels "$WS" | wc -l)
start "$HF" tui "$WS"
$T resize-window -x 80 -y 24
wait_for 'fit: ok'
keys 9
wait_for 'screen 1/2'
screen >"$TMPD/s1"
keys NPage
wait_for 'screen 2/2'
screen >"$TMPD/s2"
# a region cell: a name, a signed pull with one decimal, then the strip
rows=$(cat "$TMPD/s1" "$TMPD/s2" | grep -oE '[^ │▸]+ +[-+][0-9]+\.[0-9] [·│○●]' | sort -u | wc -l)
[ "$rows" -eq "$n" ] || fail "two screens show $rows of $n regions"
sel=$(screen | tail -1 | awk '{ print $1 }')
keys Enter
wait_for "2 Channels"
screen | tail -1 | grep -qF " $sel " || fail "Enter did not open $sel"
keys BSpace
wait_for 'screen 2/2'
# s: the grid of small stacks, pre-fit beside post-fit, two regions a screen at 80x24; n pages
keys g s
wait_for 'stacks 1-2 · pre-fit'
keys n
wait_for 'stacks 3-4 · pre-fit'
keys s
wait_for 'screen 1/2'
keys Q
wait_for 'EXIT 0'
