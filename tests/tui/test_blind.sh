#!/bin/sh
# tui --blind: the status line and the overview say the POI is blinded and give no value of it;
# the blinded signal region's stack has no data (its Channels row says "blinded"), while the
# control region keeps its data.
. tests/tui/lib.sh
SB=$ROOT/tests/reference/atlas_sbottom_SRA_full
[ -f "$SB/patchset.json" ] || exit 77
start "$HF" tui --blind -q --patch "$SB/patchset.json:sbottom_1300_850_60" "$SB/workspace.json"
wait_for 'Channels '
wait_for 'mu_SIG blinded'
screen | grep -qE 'mu_SIG ?= ?[-0-9]' && fail "the screen shows a value of the POI"
screen | grep -qE 'SR +3 +blinded' || fail "the SR row of Channels does not say blinded"
# the first channel (CRtt_meff, a control region) keeps its data
screen | grep -qF 'Data' || fail "the control region's stack has no data"
keys j
wait_for 'SR_meff · pre-fit'
screen | grep -qF 'Data' && fail "the blinded signal region's stack shows data"
keys q
wait_for 'EXIT 0'
