#!/bin/sh
# The Density lab's screens (issue 15 item 9): the status and the figure pane count the same
# repetitions from the first open; the example figure shows its layers in separate panels and,
# with v, one at a time; the figures with missing data name the keys (c, b), not the command's
# options; captions end a line only at a sentence's end or with an ellipsis; o takes the user's
# own events (a file, or a channel's template) through a prompt, and a bad file is a one-line
# failure in the title.
. tests/tui/lib.sh
# the count in the pane's title ("running 30/200 reps" or "200/200 reps") and in the figure
# pane's placeholder, when one is shown, are the same
counts_agree() {
    screen >"$TMPD/s.txt"
    grep -qF 'waiting for' "$TMPD/s.txt" && fail "a 'waiting' placeholder beside a count"
    title=$(grep -o '[0-9]*/200 reps' "$TMPD/s.txt" | head -1)
    body=$(grep -o 'running [0-9]*/200 reps:' "$TMPD/s.txt" | grep -o '[0-9]*/200' || true)
    [ -n "$title" ] || fail "no repetition count in the title"
    [ -z "$body" ] || [ "$body reps" = "$title" ] || fail "title says $title, the pane says $body"
    return 0
}
start "$HF" tui --no-fit "$DEMO"
wait_for 'j/k move'
keys 6
wait_for 'Density lab'
i=0
until screen | grep -qF '200/200 reps'; do
    counts_agree
    i=$((i + 1)); [ $i -le 300 ] || fail "the experiment did not finish in 15 s"; sleep 0.05
done
counts_agree
# the example figure: four panels, one layer each, no legend piled on the data
keys G Left Left Left Left
wait_for 'figure     example'
for s in 'truth ' 'histogram of the n = 100 training' 'KDE trained on them, h =' \
    'histogram of M = '; do
    screen | grep -qF -- "$s" || fail "example panel '$s' missing"
done
screen | grep -qF 'truth dotted' && fail "the small panels carry a truth reference"
# v: one layer at a time, large, with the truth as its reference
keys v
wait_for 'example figure: truth'
keys v
wait_for 'example figure: training'
wait_for 'training events, truth dotted'
keys v v v
wait_for 'example figure: every layer'
# captions at 80x24: each of the figure pane's last two rows ends a sentence or is marked cut
$T resize-window -x 80 -y 24
for f in example bandwidth decomposition mse bootstrap coverage cost; do
    wait_for "figure     $f"
    sleep 0.2
    screen | sed -n '21,22p' | LC_ALL=C.UTF-8 sed -E 's/^.{32}//; s/│$//; s/ +$//' >"$TMPD/cap"
    while IFS= read -r row; do
        case $row in *. | *… | *'.)' | '') ;; *) fail "$f: caption row cut mid-sentence: '$row'" ;; esac
    done <"$TMPD/cap"
    keys Left
done
$T resize-window -x 120 -y 40
# the figures without their data name the keys, not the command's options
keys G
wait_for '▸ figure '
keys Right
wait_for 'figure     cost'
wait_for 'press c for the cost axis'
screen | grep -qF -- '--cost' && fail "the cost figure names a command option"
keys Right
wait_for 'figure     coverage'
wait_for 'press b for the bootstrap bands'
screen | grep -qF -- '--bootstrap' && fail "the coverage figure names a command option"
# o: the user's own events from a file (a header line, then numbers)
awk 'BEGIN { print "x"; for (i = 0; i < 500; i++) print sin(i) * 2 + (i % 7) / 7 }' \
    >"$TMPD/ev.txt"
keys o
wait_for 'events, FILE[:COL] or CHANNEL[/SAMPLE]:'
keys C-u
keys -l "$TMPD/ev.txt"
keys Enter
wait_for "truth      events ev.txt"
wait_for '200/200 reps'
counts_agree
# a file that cannot be read: one line in the title and the pane, the explorer keeps running
keys o C-u
keys -l "$TMPD/none.txt"
keys Enter
wait_for 'failed: '
screen | grep -qF 'none.txt: cannot open' || fail "no reason for the failure"
# the prompt starts with the selected channel's name: Enter takes its template
keys o C-u
keys -l 'CR_diboson'
keys Enter
wait_for 'truth      channel CR_diboson'
wait_for '200/200 reps'
keys q
wait_for 'EXIT 0'
