#!/bin/sh
# tests/cli/test_hostile.sh - hostile names and patches (issue 20): control characters in names
# reach the terminal escaped ("\x1b"), never raw, in inspect's text and in error lines, while
# --json keeps them exact (JSON escapes); an escaped backslash before "u0000" is not a NUL; UTF-8
# names load; the doubling and deep-chain patches are refused with the operation's pointer.
cd "$(dirname "$0")/../.." || exit 1
HF=${HF:-build/hfscope}
REF=${HF_REFERENCE_DIR:-tests/reference}
[ -x "$HF" ] || { echo "test_hostile: $HF is not built" >&2; exit 1; }
. tests/cli/lib.sh
ESC=$(printf '\033')
CR=$(printf '\r')

# ws NAME_OF_CHANNEL SAMPLE_NAME: a one-channel workspace (names as JSON string bodies)
ws() {
    printf '{"channels":[{"name":"%s","samples":[{"name":"%s","data":[5.0],"modifiers":[' "$1" "$2"
    printf '{"name":"mu","type":"normfactor","data":null}]}]}],'
    printf '"observations":[{"name":"%s","data":[6.0]}],' "$1"
    printf '"measurements":[{"name":"m","config":{"poi":"mu","parameters":[]}}],"version":"1.0.0"}\n'
}

# control characters: ESC [ 2 J (clear screen), CR, LF, BEL, and a C1 CSI (U+009B)
ws 'SR\u001b[2J\r\n\u0007x' 'sig\u009b31m' >"$tmp/ctl.json"
"$HF" inspect "$tmp/ctl.json" >"$tmp/out" 2>"$tmp/err" || fail "control names: exit $?"
grep -q "$ESC" "$tmp/out" && fail "inspect prints a raw ESC"
grep -q "$CR" "$tmp/out" && fail "inspect prints a raw CR"
grep -qF 'SR\x1b[2J\x0d\x0a\x07x' "$tmp/out" || fail "inspect: channel name not shown escaped: $(cat "$tmp/out")"
grep -qF 'sig\x9b31m' "$tmp/out" || fail "inspect: C1 control not escaped"
# --json keeps the exact name (cJSON escapes control characters itself)
"$HF" inspect --json "$tmp/ctl.json" >"$tmp/out.json" || fail "inspect --json: exit $?"
grep -qF '"SR\u001b[2J\r\n\u0007x"' "$tmp/out.json" || fail "inspect --json: name not exact"
grep -q "$ESC" "$tmp/out.json" && fail "inspect --json prints a raw ESC"
# view's title line and the overview printed when stdout is not a terminal: escaped too
"$HF" view "$tmp/ctl.json" >"$tmp/out" 2>&1 || fail "view: exit $?"
grep -q "$ESC" "$tmp/out" && fail "view prints a raw ESC"
grep -qF 'SR\x1b[2J' "$tmp/out" || fail "view: the title does not show the escaped name"
"$HF" "$tmp/ctl.json" </dev/null >"$tmp/out" 2>&1 || fail "overview: exit $?"
grep -q "$ESC" "$tmp/out" && fail "the overview prints a raw ESC"
# an error line naming such a name: escaped too
{
    printf '{"channels":[{"name":"A\\u001b]0;pwned\\u0007","samples":[{"name":"s","data":[1.0],"modifiers":[]}]},'
    printf '{"name":"A\\u001b]0;pwned\\u0007","samples":[{"name":"s","data":[1.0],"modifiers":[]}]}],'
    printf '"observations":[],"measurements":[],"version":"1.0.0"}\n'
} >"$tmp/dup.json"
"$HF" inspect "$tmp/dup.json" >/dev/null 2>"$tmp/err"; rc=$?
[ $rc -eq 2 ] || fail "duplicate control name: exit $rc"
grep -q "$ESC" "$tmp/err" && fail "error line carries a raw ESC"
grep -qF 'A\x1b]0;pwned\x07' "$tmp/err" || fail "error line: name not escaped: $(cat "$tmp/err")"
[ "$(wc -l <"$tmp/err")" -eq 1 ] || fail "error: $(wc -l <"$tmp/err") lines"

# "\\u0000" is a backslash then "u0000": it loads, and the name keeps all of it
ws 'a\\u0000b' 's' >"$tmp/bs.json"
"$HF" inspect --json "$tmp/bs.json" >"$tmp/out.json" 2>"$tmp/err" || fail "escaped backslash: exit $?, $(cat "$tmp/err")"
grep -qF '"a\\u0000b"' "$tmp/out.json" || fail "escaped backslash: name cut"
# UTF-8 names load and print as they are
ws 'région_µ_😀' 'fond' >"$tmp/utf.json"
"$HF" inspect "$tmp/utf.json" >"$tmp/out" 2>"$tmp/err" || fail "UTF-8 names: exit $?"
grep -qF 'région_µ_😀' "$tmp/out" || fail "UTF-8 name not printed as it is"

# hostile patches through --patch: refused with the operation's pointer, quickly (no 3 GB, no
# stack overflow); `timeout` turns a hang into a failure
BKG=$REF/pyhf_example_patchset/workspace.json
if [ -f "$BKG" ]; then
    for f in doubling deep_chain duplicate_key_op; do
        timeout 60 "$HF" inspect "$BKG" --patch "tests/bad_patch/$f.json" >/dev/null 2>"$tmp/err"; rc=$?
        [ $rc -eq 2 ] || fail "--patch $f: exit $rc"
        grep -q "^hfscope: error: tests/bad_patch/$f.json:/patches/0/patch/[0-9]" "$tmp/err" ||
            fail "--patch $f: $(head -c 300 "$tmp/err")"
    done
    # the budget is configurable: a tiny one refuses even the first copy
    HFSCOPE_PATCH_MAX_NODES=1 "$HF" inspect "$BKG" --patch tests/bad_patch/doubling.json \
        >/dev/null 2>"$tmp/err"; rc=$?
    [ $rc -eq 2 ] && grep -q "patch/0: .*adds more than 1 values" "$tmp/err" ||
        fail "HFSCOPE_PATCH_MAX_NODES=1: exit $rc, $(head -c 300 "$tmp/err")"
    # patchset run over it: one error, not a crash
    timeout 60 "$HF" patchset run -q --no-verify "$BKG" tests/bad_patch/deep_chain.json \
        -o "$tmp/r.jsonl" >/dev/null 2>"$tmp/err"; rc=$?
    [ $rc -le 2 ] || fail "patchset run deep_chain: exit $rc (crash?)"
fi

# integer options beyond int's range are usage errors, not undefined conversions (found by
# tests/fuzz/fuzz_cli.c; its input is tests/fuzz/seed_cli/regress_int_overflow)
"$HF" cls --toys 1e300 "$tmp/utf.json" >/dev/null 2>"$tmp/err"; rc=$?
[ $rc -eq 2 ] && grep -q "toys: expected a number" "$tmp/err" || fail "--toys 1e300: exit $rc"
"$HF" fit --seed 1e300 "$tmp/utf.json" >/dev/null 2>"$tmp/err"; rc=$?
[ $rc -eq 2 ] && grep -q "seed" "$tmp/err" || fail "--seed 1e300: exit $rc"

[ $nfail -eq 0 ] && echo "test_hostile: ok"
[ $nfail -eq 0 ]
