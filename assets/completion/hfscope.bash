# bash completion for hfscope. Commands and options are read from `hfscope --help` and
# `hfscope COMMAND --help`, so this file never drifts from the program; the values of --channel,
# --sample, --poi, --np, --par, --modifier, --fix, --measurement and --modifier-type are the
# names in the workspace on the line (`hfscope inspect --names WS`).
_hfscope()
{
    local cur prev cmd i
    cur=${COMP_WORDS[COMP_CWORD]}
    prev=${COMP_WORDS[COMP_CWORD-1]}
    cmd=""
    for ((i = 1; i < COMP_CWORD; i++)); do
        case ${COMP_WORDS[i]} in
        -*) ;;
        *) cmd=${COMP_WORDS[i]}; break ;;
        esac
    done
    case $prev in
    --channel|--sample|--poi|--np|--par|--modifier|--fix|--measurement|--modifier-type|-c|-s|-m|-t)
        local ws w kind names
        for w in "${COMP_WORDS[@]:1}"; do
            case $w in *.json) if [[ -f $w ]]; then ws=$w; break; fi ;; esac
        done
        if [[ -n $ws ]]; then
            case $prev in
            --channel|-c) kind=channel ;;
            --sample|-s) kind=sample ;;
            --measurement) kind=measurement ;;
            --modifier-type|-t) kind=type ;;
            *) kind=parameter ;;
            esac
            names=$("${COMP_WORDS[0]}" inspect --names "$ws" 2>/dev/null |
                awk -F'\t' -v k="$kind" '$1 == k {print $2}')
            [[ $prev == --fix ]] && names=$(printf '%s=\n' $names)
            COMPREPLY=($(compgen -W "$names" -- "$cur"))
            return
        fi
        ;;
    -o|--output|--patch|--style|--binning|--groups|--events)
        COMPREPLY=($(compgen -f -- "$cur")); return ;;
    esac
    if [[ -z $cmd ]]; then
        if [[ $cur == -* ]]; then
            COMPREPLY=($(compgen -W "--help --version" -- "$cur"))
        else
            local cmds
            cmds=$("${COMP_WORDS[0]}" --help 2>/dev/null | awk '/^commands:/ {on=1; next} on && /^  [a-z]/ {print $1} on && /^$/ {on=0}')
            COMPREPLY=($(compgen -W "$cmds" -- "$cur") $(compgen -f -X '!*.json' -- "$cur"))
        fi
        return
    fi
    if [[ $cur == -* ]]; then
        local opts
        opts=$("${COMP_WORDS[0]}" "$cmd" --help 2>/dev/null | grep -o -- '--[a-z][a-z0-9-]*' | sort -u)
        COMPREPLY=($(compgen -W "$opts" -- "$cur"))
    else
        COMPREPLY=($(compgen -f -- "$cur"))
    fi
}
complete -o filenames -F _hfscope hfscope
