#!/bin/sh
# tests/cli/test_contract.sh - the CLI contract: every option a command's --help lists goes
# through its parser (`CMD --opt 1 --help` must not be rejected); `hfscope help CMD` is
# `hfscope CMD --help`; -V/--version; did-you-mean for commands, options, --interp codes and
# --poi; -o writes what a text command prints (atomically, nothing on failure); plot -o FILE.ext
# writes one file, -o DIR/ a directory, anything ambiguous exits 2; -v reports the time taken;
# every "cannot open" names its path.
cd "$(dirname "$0")/../.." || exit 1
HF=${HF:-build/hfscope}
REF=${HF_REFERENCE_DIR:-tests/reference}
[ -x "$HF" ] || { echo "test_contract: $HF is not built" >&2; exit 1; }
. tests/cli/lib.sh
W=$REF/toy_1bin_normsys/workspace.json
W2=$REF/toy_2bin_2channel_coupledhistosys/workspace.json

cmds=$("$HF" --help | sed -n '/^commands:/,/^$/p' | awk 'NF && !/^commands:/ {print $1}')
[ "$(echo "$cmds" | wc -w)" -ge 20 ] || fail "hfscope --help lists only: $cmds"
nopt=0
for spec in $cmds "patchset run" "patchset apply" "patchset list"; do
    [ "$spec" = patchset ] && continue
    # shellcheck disable=SC2086
    "$HF" $spec --help >"$tmp/help" 2>&1 || { fail "$spec --help exited $?"; continue; }
    grep -q "^usage: hfscope $spec" "$tmp/help" || fail "$spec --help: no usage line"
    # option lines: "  -x, --name X   help" or "     --name X   help"
    grep -E '^ +(-[A-Za-z], )?--[a-z]' "$tmp/help" | sed -E 's/^ +(-[A-Za-z], )?//' |
        awk '{print $1, ($2 == "X") ? "X" : ""}' >"$tmp/opts"
    while read -r opt arg; do
        [ "$opt" = --help ] && continue
        nopt=$((nopt + 1))
        # shellcheck disable=SC2086
        case $opt in --fix) val=a=1 ;; --interp) val=normsys=code4 ;; *) val=1 ;; esac
        if [ -n "$arg" ]; then
            err=$("$HF" $spec "$opt" "$val" --help 2>&1 >/dev/null)
        else
            err=$("$HF" $spec "$opt" --help 2>&1 >/dev/null)
        fi
        rc=$?
        [ $rc -eq 0 ] || fail "$spec: '$opt' (listed by --help) rejected: rc=$rc $err"
    done <"$tmp/opts"
    # shellcheck disable=SC2086
    [ "$("$HF" help $spec 2>&1)" = "$(cat "$tmp/help")" ] || fail "help $spec differs from $spec --help"
done
[ $nopt -ge 100 ] || fail "only $nopt options checked"
"$HF" fit --seed 1 --help >/dev/null 2>&1 || fail "fit accepts --seed"
"$HF" digest --poi x --help >/dev/null 2>&1 && fail "digest must reject --poi (not in its --help)"
"$HF" inspect --seed 1 "$W" >/dev/null 2>&1 && fail "inspect must reject --seed (no random numbers)"

# version
v=$("$HF" --version); [ "$("$HF" -V)" = "$v" ] && echo "$v" | grep -q '^hfscope [0-9]' || fail "-V / --version: $v"

# did you mean
"$HF" fitt "$W" 2>&1 | grep -q "unknown command 'fitt'; did you mean 'fit'?" || fail "fitt"
"$HF" fitt 2>&1 | grep -q "commands:.* fit .*lint" || fail "unknown command lists the commands"
"$HF" fit --poix mu "$W" 2>&1 | grep -q "did you mean '--poi'" || fail "--poix"
"$HF" fit --interp normsys=code3 "$W" 2>&1 | grep -q "unknown code 'code3'.*code4p" || fail "--interp code3"
"$HF" fit --poi MU "$W" 2>&1 | grep -q "did you mean 'mu'" || fail "--poi MU"
"$HF" view "$W2" --channel Signal 2>&1 | grep -q "did you mean 'signal'? (channels: control, signal)" || fail "view --channel Signal"
"$HF" fit "$W2" --fix MU=1 2>&1 | grep -q "did you mean 'mu'?" || fail "--fix MU=1"
"$HF" scan "$W2" --par coupled_histosis 2>&1 | grep -q "did you mean 'coupled_histosys'?" || fail "scan --par typo"
"$HF" fit --poi nosuch "$W" 2>&1 | grep -q "normalisation factors: mu" || fail "--poi lists the normfactors"

# -o for text output: the file holds what stdout would, nothing is left on failure
"$HF" fit "$W" >"$tmp/fit.stdout" && "$HF" fit "$W" -o "$tmp/fit.txt" >"$tmp/fit.rest" ||
    fail "fit -o exited $?"
cmp -s "$tmp/fit.stdout" "$tmp/fit.txt" || fail "fit -o FILE differs from fit's output"
[ -s "$tmp/fit.rest" ] && fail "fit -o FILE also printed to stdout"
"$HF" inspect "$W" -o "$tmp/in.txt" && "$HF" inspect "$W" | cmp -s - "$tmp/in.txt" || fail "inspect -o"
"$HF" view "$W2" --channel control -o "$tmp/v.txt" && "$HF" view "$W2" --channel control |
    cmp -s - "$tmp/v.txt" || fail "view -o"
"$HF" fit "$W" --poi nosuch -o "$tmp/none.txt" 2>/dev/null
[ ! -e "$tmp/none.txt" ] && [ -z "$(ls -A "$tmp" | grep hfscope-)" ] || fail "failed fit -o left a file"
"$HF" fit "$W" --json -o "$tmp/fit.json" && grep -q '"converged"' "$tmp/fit.json" || fail "fit --json -o"

# -v: the time taken, on stderr
"$HF" fit -v "$W" 2>&1 >/dev/null | grep -q "fit took .* s" || fail "-v reports the time"

# figures: -o FILE.ext one file, -o DIR/ a directory, ambiguity exit 2
"$HF" plot "$W2" --what corr -o "$tmp/corr.png" >/dev/null || fail "plot -o corr.png exited $?"
[ -f "$tmp/corr.png" ] && head -c 4 "$tmp/corr.png" | grep -q PNG || fail "plot -o corr.png is not one PNG file"
"$HF" plot "$W2" --what stack -o "$tmp/st.pdf" 2>/dev/null; rc=$?
[ $rc -eq 2 ] && [ ! -e "$tmp/st.pdf" ] || fail "plot of two figures to one file: rc=$rc"
"$HF" plot "$W2" --what corr -o "$tmp/c.jpg" 2>/dev/null; [ $? -eq 2 ] && [ ! -e "$tmp/c.jpg" ] || fail "plot -o c.jpg"
"$HF" plot "$W2" --what corr --format svg -o "$tmp/c.png" 2>/dev/null; [ $? -eq 2 ] || fail "plot --format svg -o c.png"
"$HF" plot "$W2" --what stack -o "$tmp/figs/" >/dev/null && [ -d "$tmp/figs" ] || fail "plot -o DIR/"

# every "cannot open" names its path
for c in inspect fit digest sort lint "plot --what corr -o $tmp/x"; do
    # shellcheck disable=SC2086
    "$HF" $c "$tmp/missing.json" 2>&1 | grep -q "missing.json" || fail "$c on a missing file does not name it"
done

# completion: commands, and the names of the workspace on the line (bash)
"$HF" inspect --names "$W2" | grep -q "^channel	control$" || fail "inspect --names: no channel line"
if command -v bash >/dev/null; then
    got=$(HF="$HF" W2="$W2" bash -c '
        . assets/completion/hfscope.bash
        COMP_WORDS=("$HF" fit "$W2" --channel ""); COMP_CWORD=4; _hfscope; echo "${COMPREPLY[*]}"
        COMP_WORDS=("$HF" fit "$W2" --poi m); _hfscope; echo "${COMPREPLY[*]}"
        COMP_WORDS=("$HF" lin); COMP_CWORD=1; _hfscope; echo "${COMPREPLY[*]}"')
    [ "$got" = "signal control
mu
lint" ] || fail "bash completion: $got"
fi

# the overview's hint names a command that runs as printed (the program as invoked)
hint=$("$HF" assets/demo/demo.json </dev/null 2>/dev/null | sed -n 's/.*run `\(.*\)` in a terminal.*/\1/p')
[ -n "$hint" ] && [ "${hint%% *}" = "${HF_ARGV0:-$HF}" ] || fail "overview hint: '$hint'"
# shellcheck disable=SC2086
[ -n "$hint" ] && $hint </dev/null >/dev/null 2>&1 || fail "the hint '$hint' does not run"

# the man page is generated from the same tables and is current
"$HF" --man >"$tmp/man.1" || fail "--man exited $?"
cmp -s "$tmp/man.1" docs/hfscope.1 || fail "docs/hfscope.1 is not what 'make man' writes (run make man)"
for sect in COMMANDS "COMMON OPTIONS" EXAMPLES ENVIRONMENT "EXIT STATUS"; do
    grep -q "^\.SH $sect" "$tmp/man.1" || fail "man page: no $sect section"
done
for v in HF_REFERENCE_DIR NO_COLOR HFSCOPE_PALETTE; do grep -q "$v" "$tmp/man.1" || fail "man: no $v"; done
for c in $cmds; do grep -q "^\.SS $c\$" "$tmp/man.1" || fail "man page: no section for $c"; done

# -o that a command would leave unused is an error, not silence: systematics writes a changed
# workspace there only with --symmetrize or --prune
"$HF" systematics assets/demo/demo.json -o "$tmp/syst.txt" >/dev/null 2>"$tmp/err"
[ $? -eq 2 ] && [ ! -e "$tmp/syst.txt" ] && grep -q -- "--symmetrize or --prune" "$tmp/err" ||
    fail "systematics -o without a change: $(cat "$tmp/err")"

[ $nfail -eq 0 ] || { echo "test_contract: $nfail failures"; exit 1; }
echo "test_contract: ok ($nopt options)"
