#!/bin/sh
# tests/cli/test_plot.sh - `hfscope plot` and `hfscope report`: every figure type is written in
# every format (PNG magic, SVG well-formed XML, PDF pages), the report names every channel and the
# axis labels (pdftotext) and has one outline entry per channel, and bad input (unknown channel,
# format or figure, an unwritable output directory) exits 2 with one line and leaves no file.
cd "$(dirname "$0")/../.." || exit 1
HF=${HF:-build/hfscope}
DEMO=assets/demo/demo.json
TUT=${HF_REFERENCE_DIR:-tests/reference}/atlas_tutorial_fullexample/workspace.json
if [ ! -x "$HF" ]; then
    echo "test_plot: $HF is not built" >&2
    exit 1
fi
[ -f "$DEMO" ] || exit 77
. tests/cli/lib.sh
magic() { # FILE BYTES: the first bytes of FILE as hex
    od -An -tx1 -N"$2" "$1" | tr -d ' \n'
}

# hand-written so that hfscope is not its own truth; checked against the file below
CHANNELS="SR_lowMET SR_midMET SR_highMET CR_ttbar CR_wjets CR_zjets CR_diboson VR_transition"
for c in $CHANNELS; do
    k=$(grep -cF "\"name\": \"$c\"" "$DEMO")
    [ "$k" -eq 2 ] || fail "channel $c is named $k times in $DEMO, expected 2"
done

# --- stacks: one PNG per channel, each a real PNG
"$HF" plot "$DEMO" --what stack --all --format png --dpi 100 -o "$tmp/png" -q 2>"$tmp/err" ||
    fail "plot stack --all png exited $?"
for c in $CHANNELS; do
    f="$tmp/png/stack_${c}_prefit.png"
    if [ ! -s "$f" ]; then fail "missing $f"; continue; fi
    [ "$(magic "$f" 8)" = "89504e470d0a1a0a" ] || fail "$f is not a PNG"
done
n=$(ls "$tmp/png" | wc -l)
[ "$n" -eq 8 ] || fail "expected 8 files in $tmp/png, found $n"
ls "$tmp/png" | grep -q tmp && fail "temporary file left in $tmp/png"

# --- SVG: well-formed XML
"$HF" plot "$DEMO" --what stack --channel SR_lowMET --postfit --logy --format svg -o "$tmp/svg" -q \
    2>"$tmp/err" || fail "plot stack svg exited $?"
f="$tmp/svg/stack_SR_lowMET_postfit_log.svg"
if [ ! -s "$f" ]; then
    fail "missing $f"
elif command -v xmllint >/dev/null 2>&1; then
    xmllint --noout "$f" 2>"$tmp/err" || fail "$f is not well-formed XML"
else
    tail -c 16 "$f" | grep -q '</svg>' || fail "$f does not end with </svg>"
fi

# --- blinded stacks: no data entry, the ratio panel shows the relative uncertainty
if command -v pdftotext >/dev/null 2>&1; then
    "$HF" plot "$DEMO" --what stack --channel SR_highMET --blind -o "$tmp/blind" -q 2>"$tmp/err" ||
        fail "plot --blind exited $?"
    pdftotext "$tmp/blind/stack_SR_highMET_prefit.pdf" "$tmp/blind.txt"
    grep -q 'Data' "$tmp/blind.txt" && fail "blinded stack still shows Data"
    grep -q 'Uncertainty' "$tmp/blind.txt" || fail "blinded stack lacks the uncertainty legend"
fi

# --- every figure type as PDF
for w in pulls corr scan brazil; do
    "$HF" plot "$DEMO" --what $w --format pdf -o "$tmp/pdf" -q 2>"$tmp/err" || fail "plot --what $w exited $?"
done
for f in pulls corr brazil; do
    p=$(ls "$tmp/pdf" | grep "^$f" | head -1)
    if [ -z "$p" ]; then fail "no $f figure"; continue; fi
    [ "$(magic "$tmp/pdf/$p" 5)" = "255044462d" ] || fail "$p is not a PDF"
done
ls "$tmp/pdf" | grep -q '^scan_mu_sig.pdf$' || fail "no scan_mu_sig.pdf (POI scan)"

# --- report: every channel and the axis labels in the text, one outline entry per channel
"$HF" report "$DEMO" -o "$tmp/report.pdf" --table "$tmp/yields.csv" -q 2>"$tmp/err" ||
    fail "report exited $?"
if command -v pdftotext >/dev/null 2>&1 && [ -s "$tmp/report.pdf" ]; then
    pdftotext "$tmp/report.pdf" "$tmp/report.txt"
    for c in $CHANNELS "Bin index" "Events" "Data / Model" "Pulls and constraints" "Correlation" \
        "Yields" "post-fit" "pre-fit"; do
        grep -qF "$c" "$tmp/report.txt" || fail "report text lacks '$c'"
    done
    pages=$(pdfinfo "$tmp/report.pdf" | awk '/^Pages:/ {print $2}')
    [ "$pages" -ge 10 ] || fail "report has $pages pages, expected summary + 8 channels + more"
    # the fit status is said once; the deviance column is not called chi2/ndof
    pdftotext -f 2 -l 2 "$tmp/report.pdf" "$tmp/p1.txt" # the summary (page 1: contents)
    [ "$(grep -o 'converged' "$tmp/p1.txt" | wc -l)" -eq 1 ] || fail "report: 'converged' repeated"
    grep -q 'ndof' "$tmp/p1.txt" && fail "report: summary still says ndof"
    # a channel's yield rows stay on one page: each channel name starts rows on exactly one page
    for c in $CHANNELS; do
        k=0
        p=$(pdfinfo "$tmp/report.pdf" | awk '/^Pages:/ {print $2}')
        i=1
        while [ $i -le "$p" ]; do
            pdftotext -f $i -l $i "$tmp/report.pdf" - | grep -q '^Yields' &&
                pdftotext -f $i -l $i "$tmp/report.pdf" - | grep -qx "$c" && k=$((k + 1))
            i=$((i + 1))
        done
        [ "$k" -eq 1 ] || fail "yield table of $c on $k pages"
    done
fi
# --table that cannot be written: no PDF either (all or nothing)
"$HF" report "$DEMO" -o "$tmp/aon.pdf" --table /proc/hf_yields.md -q 2>"$tmp/err" &&
    fail "report --table /proc/...: exit 0"
[ -e "$tmp/aon.pdf" ] && fail "report --table unwritable: the PDF was written"
for c in $CHANNELS; do
    k=$(grep -ac "/Title ($c)" "$tmp/report.pdf")
    [ "$k" -eq 1 ] || fail "outline has $k entries for $c, expected 1"
done
head -1 "$tmp/yields.csv" | grep -q '^channel,sample,prefit,prefit_error,postfit,postfit_error$' ||
    fail "yields.csv header"
for c in $CHANNELS; do
    grep -q "^$c,Total," "$tmp/yields.csv" || fail "yields.csv has no total for $c"
done

# the reference tutorial workspace too (two channels)
if [ -f "$TUT" ]; then
    "$HF" report "$TUT" -o "$tmp/tut.pdf" -q 2>"$tmp/err" || fail "report on $TUT exited $?"
    for c in SR_meff CRtt_meff; do
        k=$(grep -ac "/Title ($c)" "$tmp/tut.pdf")
        [ "$k" -eq 1 ] || fail "tutorial outline has $k entries for $c"
    done
fi

# --- limits across signal points: a 6-point grid through `patchset run`, then the Brazil plot
PSWS=${HF_REFERENCE_DIR:-tests/reference}/pyhf_example_patchset/workspace.json
if [ -f "$PSWS" ]; then
    {
        printf '{"metadata":{"description":"grid","digests":{"sha256":"x"},"labels":["m"],'
        printf '"references":{}},"version":"1.0.0","patches":['
        k=1
        while [ $k -le 6 ]; do
            [ $k -gt 1 ] && printf ','
            printf '{"metadata":{"name":"pt_%d","values":[%d]},"patch":[{"op":"replace",' $k $k
            printf '"path":"/channels/0/samples/0/data","value":[%d.5,%d.25]}]}' $((20 + 7 * k)) $((10 + 4 * k))
            k=$((k + 1))
        done
        printf ']}\n'
    } >"$tmp/grid.json"
    if "$HF" patchset run -q --no-verify "$PSWS" "$tmp/grid.json" --what limit -o "$tmp/lim.jsonl" \
        2>"$tmp/err"; then
        "$HF" plot "$PSWS" --what brazil --limits "$tmp/lim.jsonl" --format svg -o "$tmp/lim" -q \
            2>"$tmp/err" || fail "plot --limits exited $?"
        f="$tmp/lim/limits.svg"
        [ -s "$f" ] || fail "no $f"
        for k in 1 2 3 4 5 6; do grep -q "pt_$k" "$tmp/lim.jsonl" || fail "lim.jsonl lacks pt_$k"; done
        if command -v xmllint >/dev/null 2>&1 && [ -s "$f" ]; then
            xmllint --noout "$f" || fail "$f is not well-formed XML"
        fi
    else
        fail "patchset run --what limit exited $?"
    fi
fi

# --- bad input: one line on stderr, exit 2, nothing written
bad() { # DESCRIPTION DIR ARGS...
    d="$1"; shift
    out="$1"; shift
    "$HF" "$@" 2>"$tmp/err" >/dev/null
    rc=$?
    [ $rc -eq 2 ] || fail "$d: exit $rc, expected 2"
    [ "$(wc -l <"$tmp/err")" -eq 1 ] || fail "$d: $(wc -l <"$tmp/err") stderr lines, expected 1"
    grep -q '^hfscope: error: ' "$tmp/err" || fail "$d: no 'hfscope: error:' line"
    if [ -d "$out" ] && [ -n "$(ls -A "$out")" ]; then fail "$d: files left in $out"; fi
}
bad "unknown channel" "$tmp/b1" plot "$DEMO" --channel NoSuchChannel -o "$tmp/b1" -q
bad "unknown format" "$tmp/b2" plot "$DEMO" --format gif -o "$tmp/b2" -q
bad "unknown figure" "$tmp/b3" plot "$DEMO" --what pie -o "$tmp/b3" -q
: >"$tmp/afile"
bad "output is a file" "$tmp/b4" plot "$DEMO" -o "$tmp/afile" -q
bad "unwritable directory" "$tmp/b5" plot "$DEMO" --channel SR_lowMET --format png -o /proc -q
bad "unwritable report" "$tmp/b6" report "$DEMO" -o /proc/hf_report.pdf -q
ls /proc 2>/dev/null | grep -q 'hf_report' && fail "report left a file in /proc"
grep -q 'NoSuchChannel' "$tmp/err" && fail "stderr leaked from an earlier case"

HFSCOPE_PALETTE=/nonexistent/palette.txt "$HF" plot "$DEMO" -o "$tmp/b7" -q 2>"$tmp/err"
rc=$?
[ $rc -eq 2 ] || fail "unreadable HFSCOPE_PALETTE: exit $rc, expected 2"
[ "$(wc -l <"$tmp/err")" -eq 1 ] || fail "unreadable HFSCOPE_PALETTE: not one stderr line"
[ -d "$tmp/b7" ] && [ -n "$(ls -A "$tmp/b7")" ] && fail "unreadable HFSCOPE_PALETTE: files written"
printf 'sample0 #ff0000\n' >"$tmp/pal.txt"
HFSCOPE_PALETTE="$tmp/pal.txt" "$HF" plot "$DEMO" --channel CR_ttbar --format svg -o "$tmp/pal" -q \
    2>"$tmp/err" || fail "HFSCOPE_PALETTE override: exit $?"
# sample0 (diboson, first in the sorted sample list) is in CR_ttbar: its fill must be the new red
grep -q 'fill:rgb(100%,0%,0%)' "$tmp/pal/stack_CR_ttbar_prefit.svg" ||
    fail "HFSCOPE_PALETTE: no red fill in the SVG"

# file names: channels that sanitise alike stay distinct, a 400-byte name makes a valid file name,
# every reported file exists and there is one file per channel
long=$(printf 'x%.0s' $(seq 1 400))
sed -e 's/"CR_ttbar"/"CR_\xc3\xa4"/' -e 's/"CR_wjets"/"CR_\xc3\xb6"/' \
    -e "s/\"SR_lowMET\"/\"SR_$long\"/" "$DEMO" >"$tmp/names.json"
"$HF" plot "$tmp/names.json" --format png -o "$tmp/nm" >"$tmp/out" 2>"$tmp/err" ||
    fail "plot with colliding/long channel names: exit $?"
[ "$(wc -l <"$tmp/out")" -eq 8 ] || fail "names: $(wc -l <"$tmp/out") paths reported, expected 8"
[ "$(ls "$tmp/nm" | wc -l)" -eq 8 ] || fail "names: $(ls "$tmp/nm" | wc -l) files, expected 8"
[ "$(sort -u "$tmp/out" | wc -l)" -eq 8 ] || fail "names: a path is reported twice"
while read -r f; do [ -s "$f" ] || fail "names: reported $f is missing"; done <"$tmp/out"
ls -a "$tmp/nm" | grep -q 'stage\|\.tmp\.' && fail "names: a temporary file is left"
# all or nothing: when one figure cannot get its name, no figure is left and the new directory
# is removed
mkdir -p "$tmp/aon/stack_SR_midMET_prefit.png"
"$HF" plot "$DEMO" --format png -o "$tmp/aon" -q 2>"$tmp/err" && fail "aon: a blocked name passed"
[ "$(ls -A "$tmp/aon")" = "stack_SR_midMET_prefit.png" ] || fail "aon: figures left: $(ls "$tmp/aon")"

# a model without a POI: scan, brazil and ranking errors name the file
sed 's/"poi": "mu_sig"/"poi": "mu_nothing"/' "$DEMO" >"$tmp/nopoi.json"
for args in "plot --what scan -o $tmp/np" "plot --what brazil -o $tmp/np" "ranking"; do
    set -- $args
    cmd=$1
    shift
    "$HF" "$cmd" "$tmp/nopoi.json" -q "$@" >/dev/null 2>"$tmp/err" && fail "$args: no POI passed"
    grep -q "error: $tmp/nopoi.json: " "$tmp/err" || fail "$args: the error does not name the file"
done
[ -e "$tmp/np" ] && fail "no POI: an output directory was left"

# long, similar parameter names: the shortened labels of one pulls page never read alike
EW=${HF_REFERENCE_DIR:-tests/reference}/atlas_compressed_ewkinos_bkgonly/workspace.json
if [ -f "$EW" ] && command -v pdftotext >/dev/null 2>&1; then
    "$HF" report "$EW" -o "$tmp/ew.pdf" -q 2>"$tmp/err" || fail "report on $EW exited $?"
    p=$(pdfinfo "$tmp/ew.pdf" | awk '/^Pages:/ {print $2}')
    i=1
    while [ $i -le "$p" ]; do
        pdftotext -f $i -l $i "$tmp/ew.pdf" "$tmp/pg.txt"
        if grep -q '^Pulls and constraints' "$tmp/pg.txt"; then
            d=$(grep '…' "$tmp/pg.txt" | sort | uniq -d | head -1)
            [ -z "$d" ] || fail "report page $i: two parameters read '$d'"
        fi
        i=$((i + 1))
    done
fi

[ $nfail -eq 0 ]
