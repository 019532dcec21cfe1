#!/bin/sh
# The Systematics screen (8): the two-point parameters with their flags; Enter on the demo's
# zjets_xsec opens its detail, whose sources pane names CR_zjets as the constraining channel;
# d splits it per channel and refits on the worker thread, and the split parameters appear beside
# the original with the tension; q closes the detail, then quits. At 80x24 nothing overflows.
. tests/tui/lib.sh
start "$HF" tui "$DEMO"
wait_for 'fit: ok'
keys 8
wait_for 'two-point parameters'
# flags: make_demo.py builds ttbar_generator with the nominal as its down template (one-sided)
# and zjets_xsec with a 25% prior that CR_zjets constrains to a few percent (OC at 0.5)
screen | grep -qE '(▸| ) ttbar_generator .*one-sided' || fail "ttbar_generator is not one-sided"
screen | grep -qE '(▸| ) zjets_xsec .* OC' || fail "zjets_xsec is not over-constrained"
screen | grep -qE '(▸| ) btag_eff .*(one-sided|OC)' && fail "btag_eff flagged"
keys / z j e t s _ x s e c Enter
wait_for '▸ zjets_xsec'
keys Enter
wait_for 'channel/sample'
wait_for '· templates'
# every channel of the demo carries the zjets sample with this normsys: one row each
for c in $(channels "$DEMO"); do
    screen | grep -qF "$c/zjets" || fail "no entry $c/zjets"
done
keys j
wait_for '▸ CR_ttbar/zjets'
keys Tab
wait_for '· interpolation'
# one panel of the summed yield, with every code and the best-fit strip in its legend
wait_for 'sum of '
for w in code0 code1 code2 code4 code4p 'best fit'; do
    screen | grep -qF -- "─ $w" || screen | grep -qF -- "░ $w" || fail "interpolation legend lacks $w"
done
keys Tab
wait_for 'Constrained by'
screen | grep -qF 'Constrained by (channels with at least 10% of H): CR_zjets' ||
    fail "the sources pane does not name CR_zjets alone"
# the channel with the largest part of the observed information is listed first
first=$(screen | awk '/% of H; first order/ { getline; print $2; exit }')
[ "$first" = CR_zjets ] || fail "largest share: '$first', expected CR_zjets"
keys d
wait_for 'Tension: 2 dNLL'
screen | grep -qF 'Split per channel: 8 parameters zjets_xsec_<channel>' ||
    fail "no split summary"
for c in $(channels "$DEMO"); do
    screen | grep -qE "│ +$c +-?[0-9]" || fail "no split parameter for $c"
done
screen | grep -qE 'original \(all channels\) +-?[0-9]' || fail "the original row is missing"
# the split parameter of the constraining channel keeps the constraint; the others do not
ratio() { screen | awk -v n="$1" '$2 == n { print $6; exit }'; }
awk -v a="$(ratio CR_zjets)" -v b="$(ratio SR_lowMET)" \
    'BEGIN { exit !(a + 0 < 0.5 && b + 0 > 0.5) }' ||
    fail "post/pre widths: CR_zjets $(ratio CR_zjets), SR_lowMET $(ratio SR_lowMET)"
# the same split and refit from the command line gives the same tension
tension=$("$HF" decorrelate --np zjets_xsec --json -o "$TMPD/split.json" "$DEMO" |
    awk -F'\t' '/"twice_nll_diff"/ { printf "%.3f", $NF; exit }')
screen | grep -qF "Tension: 2 dNLL = $tension for 7 degrees" ||
    fail "tension differs from hfscope decorrelate ($tension)"
# the log records the refit
keys 7
wait_for 'decorrelate: zjets_xsec: split fit converged'
keys 8
wait_for 'decorrelate and refit'
$T resize-window -x 80 -y 24
sleep 0.2
wait_for 'Tension'
[ "$(width)" -le 80 ] || fail "lines wider than 80 columns"
keys Tab
wait_for '▸ CR_ttbar/zjets'
[ "$(width)" -le 80 ] || fail "templates: lines wider than 80 columns"
keys q
wait_for 'Systematics 1/8'
keys q
modes_ok
wait_for 'EXIT 0'
