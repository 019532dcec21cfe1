#!/bin/sh
# tests/cli/test_plot_syst.sh - `hfscope plot --what templates|interp --np NAME`: one figure per
# channel/sample the parameter acts on (PNG/SVG: one file each, PDF: one page each), the one-sided
# note on a two-point systematic whose down template is the nominal, the single summed panel of a
# normsys, and usage errors (no --np, unknown parameter, no two-point modifier) exit 2 with no file.
cd "$(dirname "$0")/../.." || exit 1
HF=${HF:-build/hfscope}
DEMO=assets/demo/demo.json
if [ ! -x "$HF" ]; then
    echo "test_plot_syst: $HF is not built" >&2
    exit 1
fi
[ -f "$DEMO" ] || exit 77
. tests/cli/lib.sh
magic() { od -An -tx1 -N"$2" "$1" | tr -d ' \n'; }

# hand-written from assets/demo/make_demo.py (ttbar_generator: the ttbar sample of the three
# signal regions and the validation region; zjets_xsec: the zjets sample of all eight channels),
# checked against the file: one modifier line per channel/sample
GEN="SR_lowMET SR_midMET SR_highMET VR_transition"
ZJ="SR_lowMET SR_midMET SR_highMET CR_ttbar CR_wjets CR_zjets CR_diboson VR_transition"
[ "$(grep -c '"name": "ttbar_generator"' "$DEMO")" -eq 4 ] || fail "demo: ttbar_generator count"
[ "$(grep -c '"name": "zjets_xsec"' "$DEMO")" -eq 8 ] || fail "demo: zjets_xsec count"

# --- templates, PNG: one file per channel/sample, named after them
"$HF" plot "$DEMO" --what templates --np ttbar_generator --format png --dpi 60 -o "$tmp/t" -q \
    2>"$tmp/err" || fail "templates png exited $?"
for c in $GEN; do
    f="$tmp/t/templates_ttbar_generator_${c}_ttbar.png"
    if [ ! -s "$f" ]; then fail "missing $f"; continue; fi
    [ "$(magic "$f" 8)" = "89504e470d0a1a0a" ] || fail "$f is not a PNG"
done
[ "$(ls "$tmp/t" | wc -l)" -eq 4 ] || fail "expected 4 template PNGs, got $(ls "$tmp/t" | wc -l)"

# --- interp, SVG with --json: the paths written
"$HF" plot "$DEMO" --what interp --np zjets_xsec --format svg --json -o "$tmp/i" >"$tmp/out.json" \
    2>"$tmp/err" || fail "interp svg exited $?"
n=$(grep -o '\.svg"' "$tmp/out.json" | wc -l)
[ "$n" -eq 8 ] || fail "--json lists $n SVG files, expected 8"
grep -q '"what":[[:space:]]*"interp"' "$tmp/out.json" || fail "--json: what is not interp"
for c in $ZJ; do
    f="$tmp/i/interp_zjets_xsec_${c}_zjets.svg"
    [ -s "$f" ] && grep -q '<svg' "$f" || fail "missing or not SVG: $f"
done

# --- PDF: one file, one page per channel/sample; the text says what a reader must know
if command -v pdfinfo >/dev/null 2>&1 && command -v pdftotext >/dev/null 2>&1; then
    "$HF" plot "$DEMO" --what templates --np ttbar_generator -o "$tmp/p" -q 2>"$tmp/err" ||
        fail "templates pdf exited $?"
    f="$tmp/p/templates_ttbar_generator.pdf"
    [ "$(pdfinfo "$f" | awk '/^Pages:/ {print $2}')" = 4 ] || fail "$f: expected 4 pages"
    pdftotext "$f" "$tmp/t.txt"
    # the down template of the generator systematic is the nominal: every page says so
    [ "$(grep -c 'one-sided' "$tmp/t.txt")" -eq 4 ] || fail "templates: one-sided note missing"
    "$HF" plot "$DEMO" --what templates --np zjets_xsec -o "$tmp/p" -q 2>"$tmp/err" ||
        fail "templates zjets_xsec pdf exited $?"
    pdftotext "$tmp/p/templates_zjets_xsec.pdf" "$tmp/z.txt"
    grep -q 'one-sided' "$tmp/z.txt" && fail "zjets_xsec (two-sided normsys) marked one-sided"
    "$HF" plot "$DEMO" --what interp --np zjets_xsec -o "$tmp/p" -q 2>"$tmp/err" ||
        fail "interp zjets_xsec pdf exited $?"
    pdftotext "$tmp/p/interp_zjets_xsec.pdf" "$tmp/iz.txt"
    [ "$(pdfinfo "$tmp/p/interp_zjets_xsec.pdf" | awk '/^Pages:/ {print $2}')" = 8 ] ||
        fail "interp zjets_xsec: expected 8 pages"
    # a normsys scales every bin alike: one summed panel per page, not six copies of one curve
    grep -q 'normsys: one factor' "$tmp/iz.txt" || fail "interp: no summed normsys panel"
    grep -q 'bin 3' "$tmp/iz.txt" && fail "interp: per-bin panels for a normsys"
    "$HF" plot "$DEMO" --what interp --np ttbar_generator -o "$tmp/p" -q 2>"$tmp/err" ||
        fail "interp ttbar_generator pdf exited $?"
    pdftotext "$tmp/p/interp_ttbar_generator.pdf" "$tmp/ig.txt"
    for w in code0 code1 code2 code4 code4p 'best fit'; do
        grep -q "$w" "$tmp/ig.txt" || fail "interp: legend lacks '$w'"
    done
fi

# --- --channel: only that channel's samples
"$HF" plot "$DEMO" --what templates --np zjets_xsec --channel CR_zjets --format svg -o "$tmp/c" -q \
    2>"$tmp/err" || fail "templates --channel exited $?"
[ "$(ls "$tmp/c")" = templates_zjets_xsec_CR_zjets_zjets.svg ] ||
    fail "--channel CR_zjets wrote: $(ls "$tmp/c" | tr '\n' ' ')"

# --- usage errors: exit 2, one line, no file
for args in "--what templates" "--what interp --np no_such_parameter" \
    "--what templates --np lumi" "--what interp --np mu_sig" \
    "--what templates --np ttbar_generator --channel CR_zjets"; do
    rm -rf "$tmp/bad"
    # shellcheck disable=SC2086
    "$HF" plot "$DEMO" $args --format png -o "$tmp/bad" 2>"$tmp/err"
    rc=$?
    [ $rc -eq 2 ] || fail "plot $args: exit $rc, expected 2"
    [ "$(wc -l <"$tmp/err")" -eq 1 ] || fail "plot $args: expected one line on stderr"
    [ -z "$(ls "$tmp/bad" 2>/dev/null)" ] || fail "plot $args: left files behind"
done

[ $nfail -eq 0 ]
