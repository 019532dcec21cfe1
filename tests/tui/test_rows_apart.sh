#!/bin/sh
# Rows that stay apart (issue 15): at 80x24, over every page of the Channels and Parameters
# lists of the compressed-ewkinos model and the HEPData background-only models, the name column
# shows as many different texts as the list has rows, and the status line names the selected
# row in full.
. tests/tui/lib.sh
command -v python3 >/dev/null 2>&1 || exit 77
# pages VIEWKEY KIND WS: every page of a list into $TMPD/pages (form feeds between screens)
pages() {
    keys "$1"
    wait_for "┌ $3"
    : >"$TMPD/pages"
    rows=$(screen | sed -n 2p | sed -E "s/.*┌ $3 ([0-9]+)\/([0-9]+).*/\\2/")
    [ -n "$rows" ] || fail "no row count in the $3 title"
    i=0
    while [ $i -le $((rows / 18 + 1)) ]; do
        screen >>"$TMPD/pages"
        printf '\f' >>"$TMPD/pages"
        keys NPage
        sleep 0.05
        i=$((i + 1))
    done
    python3 "$ROOT/tests/tui/rows_apart.py" "$TMPD/pages" "$rows" "$2" ||
        fail "$4: two $2 rows alike"
}
for ws in "$ROOT/tests/reference/atlas_compressed_ewkinos_bkgonly/workspace.json" \
    "$ROOT"/tests/reference/bkgonly/*_bkg.json; do
    k=$((${k:-0} + 1))
    T="tmux -L hftui$$-$k -f /dev/null" # a server per workspace: the last session ends one
    start "$HF" tui --no-fit "$ws"
    $T resize-window -x 80 -y 24
    wait_for 'Channels '
    pages 2 channel Channels "$(basename "$ws")"
    first=$(channels "$ws" | head -1)
    keys g
    sleep 0.1
    screen | tail -1 | grep -qF -- " $first " || fail "status line does not name $first"
    pages 3 parameter Parameters "$(basename "$ws")"
    keys Q
    wait_for 'EXIT 0'
    $T kill-server
done
