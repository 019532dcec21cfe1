#!/bin/sh
# tests/cli/test_points.sh - the patchset browser's numbers are `patchset run`'s: without a
# terminal, `hfscope tui BKG --patchset PS --limits` prints the points' table computed by the
# browser's own code (app/tui/points.c on core/infer/point.c); every point's CLs (observed,
# expected) and upper limits (observed, expected) must equal those of `patchset run --what cls`
# and `--what limit` on a generated 12-point grid, to the 10 digits printed. Also --results: a
# merged results file is shown as read, without computing.
cd "$(dirname "$0")/../.." || exit 1
HF=${HF:-build/hfscope}
REF=${HF_REFERENCE_DIR:-tests/reference}
[ -x "$HF" ] || { echo "test_points: $HF is not built" >&2; exit 1; }
. tests/cli/lib.sh
BKG=$REF/pyhf_example_patchset/workspace.json
. tests/slurm/grid.sh
DIGEST=$(hf_example_digest "$REF")
hf_grid "$DIGEST" 3 4 >"$tmp/grid.json"
"$HF" tui "$BKG" --patchset "$tmp/grid.json" --no-fit --limits </dev/null >"$tmp/tui.txt" 2>"$tmp/err" ||
    fail "tui --patchset without a terminal: exit $? ($(cat "$tmp/err"))"
"$HF" patchset run -q "$BKG" "$tmp/grid.json" -o "$tmp/cls.jsonl" || fail "patchset run --what cls"
"$HF" patchset run -q "$BKG" "$tmp/grid.json" --what limit -o "$tmp/lim.jsonl" || fail "patchset run --what limit"
# NAME  CLs_obs CLs_exp(median) UL_obs UL_exp(median) from the run's lines, as the table prints them
awk '
function num(line, key,   s) { s = line; sub(".*\"" key "\":", "", s); sub("[,}].*", "", s); return s }
function med(line, key,   s, a) { s = line; sub(".*\"" key "\":\\[", "", s); sub("\\].*", "", s); split(s, a, ","); return a[3] }
FNR == 1 { f++ }
{ n = $0; sub(".*\"patch\":\"", "", n); sub("\".*", "", n)
  if (f == 1) { co[n] = sprintf("%.10g", num($0, "cls_obs")); ce[n] = sprintf("%.10g", med($0, "cls_exp")) }
  else { lo[n] = sprintf("%.10g", num($0, "obs")); le[n] = sprintf("%.10g", med($0, "exp")) } }
END { for (n in co) print n, co[n], ce[n], lo[n], le[n] }' "$tmp/cls.jsonl" "$tmp/lim.jsonl" | sort >"$tmp/want"
# the table's point lines: name, the two values, then the four numbers
awk '/^sig_/ { print $1, $4, $5, $6, $7 }' "$tmp/tui.txt" | sort >"$tmp/got"
[ "$(wc -l <"$tmp/got")" -eq 12 ] || fail "expected 12 point lines, got $(wc -l <"$tmp/got")"
diff -u "$tmp/want" "$tmp/got" || fail "the browser's numbers differ from patchset run's"
# --results: the run's lines are shown as read (same numbers, nothing computed: no patchset)
"$HF" tui "$BKG" --results "$tmp/cls.jsonl" --no-fit </dev/null >"$tmp/res.txt" 2>"$tmp/err" ||
    fail "tui --results: exit $? ($(cat "$tmp/err"))"
awk '/^sig_/ { print $1, $4, $5 }' "$tmp/res.txt" | sort >"$tmp/got2"
awk '{ print $1, $2, $3 }' "$tmp/want" >"$tmp/want2"
diff -u "$tmp/want2" "$tmp/got2" || fail "--results: the numbers differ from the file's"
[ $nfail -eq 0 ] || exit 1
echo "test_points: ok"
