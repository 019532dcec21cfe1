#!/bin/sh
# Small terminals: at 80x24 the Channels view gives the stack more columns than the list, and
# at 80x24 and 60x20 the stack's legend names every sample in full.
. tests/tui/lib.sh
start "$HF" tui --no-fit "$DEMO"
wait_for 'j/k move'
keys 2
wait_for '· pre-fit'
size() {
    $T resize-window -x "$1" -y "$2"
    i=0
    until [ "$(width)" -le "$1" ] && [ "$(screen | sed -n '$=')" -le "$2" ]; do
        i=$((i + 1)); [ $i -le 100 ] || fail "no resize to $1x$2"; sleep 0.05
    done
    sleep 0.2
}
legend() { # every legend row of the stack in full
    for s in Data diboson zjets ttbar wjets Uncertainty; do
        screen | grep -qE "[^ ] $s +│" || fail "$1: legend entry '$s' missing or cut"
    done
}
size 80 24
# the list box ends where the stack box starts ("┐┌"): the list takes less than half
split=$(screen | sed -n 2p | sed 's/┐┌.*//' | LC_ALL=C.UTF-8 wc -m)
[ "$split" -gt 0 ] && [ "$split" -lt 40 ] || fail "80x24: the list takes $split of 80 columns"
legend 80x24
size 60 20
legend 60x20
keys q
wait_for 'EXIT 0'
