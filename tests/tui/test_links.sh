#!/bin/sh
# Navigation between views (issue 15): Parameters, /JET_EffectiveNP_4, Enter, c, Enter lands on
# the stack of the channel that carries most of that parameter's observed information (largest
# |first order + curvature| in `hfscope constraints --json`); Backspace goes back to the links,
# again to the parameter; m gives its MINOS interval as `fit --minos` does, s its NLL shape; `:` goes to a channel by name; the Overview's entries open with Enter.
. tests/tui/lib.sh
command -v python3 >/dev/null 2>&1 || exit 77
WS=$ROOT/tests/reference/atlas_compressed_ewkinos_bkgonly/workspace.json
P=JET_EffectiveNP_4
"$HF" constraints --json "$WS" >"$TMPD/con.json" || fail "constraints --json failed"
want=$(python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
p = [x for x in d["parameters"] if x["name"] == sys.argv[2]][0]
ch = p["information"]["channels"]
print(max(ch, key=lambda c: abs(ch[c]["first_order"] + ch[c]["curvature"])))' "$TMPD/con.json" "$P")
[ -n "$want" ] || fail "no channel from constraints --json"
start "$HF" tui "$WS"
$T resize-window -x 80 -y 24
wait_for 'fit: ok'
keys 3
wait_for '┌ Parameters'
keys / J E T _ E f f e c t i v e N P _ 4 Enter
wait_for "/$P"
keys c
wait_for "Constraints of $P"
keys Enter
# the links list shows the name too: wait for the Channels view's own frame, not the name
wait_for '┌ Channels'
screen | head -1 | grep -qF '2 Channels' || fail "not on the Channels view"
wait_for " $want  "
screen | tail -1 | grep -qF " $want " || fail "status line does not name $want"
keys BSpace
wait_for "Constraints of $P"
keys BSpace
wait_for '┌ Parameters'
screen | tail -1 | grep -qF " $P " || fail "back on Parameters, but $P is not selected"
# m: MINOS on the worker thread gives the interval of `hfscope fit --minos` (same numbers)
cli=$("$HF" fit --minos "$P" "$WS" | awk -v p="$P" '$1 == p && /MINOS/ { print $(NF-2), $NF }')
[ -n "$cli" ] || fail "no MINOS interval from fit --minos"
keys m
wait_for "MINOS $P: "
tui=$(screen | tail -1 | sed -E "s/.*MINOS $P: ([-+0-9.e]+) ([-+0-9.e]+) .*/\1 \2/")
[ "$tui" = "$cli" ] || fail "MINOS in the explorer '$tui', fit --minos '$cli'"
# s: the NLL-shape pane of the selected parameter
keys s
wait_for "NLL shape of $P"
wait_for 'Hessian'
keys s
wait_gone "NLL shape of $P"
# go to a channel by name, with Tab completing the unique prefix
keys : C R t o p _ M L L _ l Tab
wait_for 'CRtop_MLL_lowmet_cuts'
keys Enter
wait_for ' CRtop_MLL_lowmet_cuts  '
# the Overview: the first ranking entry opens
keys 1
wait_for 'Enter goes there'
wait_gone 'MINOS ' # the status line names the selected entry once the last message is gone
sel=$(screen | tail -1 | awk '{ print $1 }')
keys Enter
wait_for '2 Channels'
screen | tail -1 | grep -qF " $sel " || fail "Enter on the Overview did not open $sel"
keys Q
wait_for 'EXIT 0'
