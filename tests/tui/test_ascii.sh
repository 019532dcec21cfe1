#!/bin/sh
# --ascii: no byte outside printable ASCII anywhere on the Systematics interpolation pane, whose
# figure labels its x axis with a Greek alpha (it once leaked through as '?').
. tests/tui/lib.sh
start "$HF" tui --ascii "$DEMO"
wait_for 'fit: ok'
keys 8
wait_for 'Syst'
keys Enter Tab
wait_for '- interpolation'
screen | LC_ALL=C grep -q '[^ -~]' && fail "a non-ASCII byte on the --ascii screen"
# the x axis label, right-aligned under the plot: 'a' for alpha, never the '?' stand-in
screen | grep -E '^\|.*\|\|' | tail -2 | grep -qE ' a \|$' || fail "the alpha axis label is not 'a'"
screen | grep -E '^\|.*\|\|' | tail -2 | grep -qF '?' && fail "a '?' stand-in on the axis"
keys q q
wait_for 'EXIT 0'
