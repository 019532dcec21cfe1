#!/bin/sh
# The Regions strip shows data/model over [0, 2]; a ratio above 2 is an arrow at the strip's end
# (open for pre-fit, filled for post-fit), and the bottom border gives the selected region's
# counts and exact ratios. At 80x24 on the compressed ewkinos model, every region in turn: the
# arrows agree with the ratios in the border, and some region is off scale.
. tests/tui/lib.sh
command -v python3 >/dev/null 2>&1 || exit 77
WS=$ROOT/tests/reference/atlas_compressed_ewkinos_bkgonly/workspace.json
n=$(channels "$WS" | wc -l)
start "$HF" tui "$WS"
$T resize-window -x 80 -y 24
wait_for 'fit: ok'
keys 9
wait_for 'screen 1/2'
: >"$TMPD/all"
k=0
while [ $k -lt "$n" ]; do
    wait_for 'ratio'
    screen >>"$TMPD/all"
    printf '\f' >>"$TMPD/all"
    keys j
    k=$((k + 1))
    sleep 0.05
done
python3 - "$TMPD/all" "$n" <<'PY' || fail "strip and ratios disagree"
import re, sys
screens = open(sys.argv[1], encoding="utf-8").read().split("\f")[:-1]
off = 0
for s in screens:
    lines = s.split("\n")
    m = re.search(r"└─ data .* ratio (\S+)  post-fit \S+, ratio (\S+)", s)
    assert m, s
    pre, post = float(m.group(1)), float(m.group(2))
    # the selected cell: the selection marker right after a column start, then 38 columns
    row = next(l for l in lines if re.search(r"(^│| )▸[^\s·]", l))
    k = 1 if row.startswith("│▸") else re.search(r" ▸[^\s·]", row).start() + 1
    cell = row[k:k + 38].rstrip(" │")
    strip = cell[-11:]
    if pre > 2:
        off += 1
        assert strip.endswith("▹") or (post > 2 and strip.endswith("▸")), (cell, pre, post)
    if post > 2:
        off += 1
        assert strip.endswith("▸"), (cell, pre, post)
    if pre <= 2 and post <= 2:
        assert not strip.endswith(("▹", "▸")), (cell, pre, post)
assert off > 0, "no region off scale: the test checks nothing"
print("off-scale ratios:", off, "of", 2 * len(screens))
PY
keys q
wait_for 'EXIT 0'
