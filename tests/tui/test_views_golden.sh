#!/bin/sh
# Every view (1..8) and the main overlays (help, export prompt) on the demo at 120x40 and, after a
# resize, at 80x24, and the Channels and Parameters views of a large workspace at 80x24, against
# goldens made from the explorer before it was split into view modules (cell-identical screens;
# regenerate: make check-tui UPDATE_GOLDEN=1). Files are copied into the pane's directory so the
# screens name them without the checkout's path.
. tests/tui/lib.sh

# settle: wait until two captures 0.15 s apart agree (the screen is drawn and idle), 15 s deadline.
settle() {
    i=0
    screen >"$TMPD/a.txt"
    while :; do
        sleep 0.15
        screen >"$TMPD/b.txt"
        cmp -s "$TMPD/a.txt" "$TMPD/b.txt" && return 0
        mv "$TMPD/b.txt" "$TMPD/a.txt"
        i=$((i + 1))
        [ "$i" -le 100 ] || fail "screen did not settle"
    done
}

# wait_long STRING: wait_for with a 20 s deadline (the fit and the density lab on a busy machine).
wait_long() {
    i=0
    until screen | grep -qF -- "$1"; do
        i=$((i + 1))
        [ "$i" -le 400 ] || fail "timed out waiting for: $1"
        sleep 0.05
    done
}

# gone_long STRING: wait until STRING has left the screen, 20 s deadline (a status message
# stays about 3 s: screens are compared without one, so that they do not depend on timing).
gone_long() {
    i=0
    while screen | grep -qF -- "$1"; do
        i=$((i + 1))
        [ "$i" -le 400 ] || fail "still on screen: $1"
        sleep 0.05
    done
}

# snap NAME MARKER: wait for MARKER, let the screen settle, compare it with golden NAME.
snap() {
    wait_long "$2"
    settle
    screen | golden "$1"
}

# views SIZE: each view by its number key, help, the export prompt, a parameter's detail, two
# slider moves (reset after) and an opened systematic (templates, constraint sources).
views() {
    keys 1; snap "demo_$1_1_overview.txt" '┌ Overview'
    keys 2; snap "demo_$1_2_channels.txt" '┌ Channels '
    keys 3; snap "demo_$1_3_params.txt" '┌ Parameters '
    keys 4; snap "demo_$1_4_corr.txt" 'row \ column'
    keys 5; snap "demo_$1_5_slider.txt" '┌ Slider'
    keys 6; snap "demo_$1_6_density.txt" '┌ Density lab'
    keys 7; snap "demo_$1_7_log.txt" '┌ Log'
    keys 8; snap "demo_$1_8_syst.txt" '┌ Systematics'
    keys 9; snap "demo_$1_9_regions.txt" '┌ Regions'
    keys 2 '?'; snap "demo_$1_help.txt" 'Keys in '
    keys q e; snap "demo_$1_export.txt" 'export to:'
    keys Escape; wait_gone 'export to'
    keys 3 j Enter; snap "demo_$1_detail.txt" 'Details (j/k'
    keys Escape k 5 Right Right j Left; snap "demo_$1_slider_moved.txt" '2 moved'
    keys r; wait_long '0 moved'; gone_long 'sliders reset'
    keys 8 Enter; snap "demo_$1_syst_templates.txt" 'channel/sample'
    keys Tab Tab; snap "demo_$1_syst_sources.txt" '% of H; first order'
    keys Tab Tab q; wait_long 'two-point parameters' # back on templates for the next open
}

cp "$DEMO" "$TMPD/demo.json"
start "$HF" tui demo.json
wait_long 'fit: ok'
keys 6
wait_long '200/200 reps'
views 120x40
$T resize-window -x 80 -y 24
sleep 0.2
views 80x24
keys q
wait_for 'EXIT 0'
$T kill-server 2>/dev/null || true
T="tmux -L hftuib$$ -f /dev/null" # a fresh server: starting on a dying one can fail

EWK=$ROOT/tests/reference/atlas_compressed_ewkinos_bkgonly/workspace.json
[ -f "$EWK" ] || exit 0
cp "$EWK" "$TMPD/ewkinos.json"
start "$HF" tui ewkinos.json
$T resize-window -x 80 -y 24
wait_long 'fit: ok'
keys 2; snap ewkinos_80x24_2_channels.txt 'Channels '
keys 3; snap ewkinos_80x24_3_params.txt '┌ Parameters '
keys c; snap ewkinos_80x24_3_links.txt '┌ Constraints of'
keys Escape 9; snap ewkinos_80x24_9_regions.txt 'screen 1/2'
keys 3
# sorted: Parameters by |pull|, then inverted; Channels by chi2/n
keys '<' '<'; wait_long 'pull▼'; gone_long 'sorted by'
snap ewkinos_80x24_3_params_sort_pull.txt 'pull▼'
keys I; wait_long 'pull▲'; gone_long 'sorted by'
snap ewkinos_80x24_3_params_sort_inv.txt 'pull▲'
keys 2 '<'; wait_long 'χ²/n▼'; gone_long 'sorted by'
snap ewkinos_80x24_2_channels_sort.txt 'χ²/n▼'
keys q
wait_for 'EXIT 0'
