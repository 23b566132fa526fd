# bash completion for burrow(1)                                      -*- shell-script -*-
#
# Installed as share/bash-completion/completions/burrow, where bash-completion loads it on first use. It also works
# sourced on its own (without bash-completion's helpers), in which case words are taken from COMP_WORDS as they are.
#
# Container names come from `burrow ps -a --format '{{.Names}}'` and image names from the first two columns of
# `burrow images`, run with the --root given earlier on the command line, if any.

# Options that take a value, per command (short and long spellings). Everything after the first argument that is
# not an option belongs to the command's arguments.
_burrow_global_opts='--root --version -v --help -h'

_burrow_run_value_opts='-e --env -w --workdir -u --user -v --volume -h --hostname -p --publish -m --memory
    -l --label --name --stop-signal --rootfs --entrypoint --storage-driver --tmpfs --env-file --network --net
    --uidmap --gidmap --userns --cap-add --cap-drop --security-opt --ulimit --dns --dns-search --dns-option --dns-opt
    --add-host --cgroup-manager --memory-reservation --memory-swap --cpus --cpu-shares --cpu-weight --cpu-quota
    --cpu-period --cpuset-cpus --cpuset-mems --pids-limit --blkio-weight --device-read-bps --device-write-bps
    --device-read-iops --device-write-iops --cgroup-conf'
_burrow_run_flag_opts='-d --detach -t --tty -i --interactive -P --publish-all --rm --init --read-only --privileged
    --quiet --help'

# Boolean options of run that also take =true / =false.
_burrow_bool_opts='--detach --tty --interactive --publish-all --rm --init --read-only --privileged'

_burrow_signals='SIGHUP SIGINT SIGQUIT SIGILL SIGTRAP SIGABRT SIGBUS SIGFPE SIGKILL SIGUSR1 SIGSEGV SIGUSR2 SIGPIPE
    SIGALRM SIGTERM SIGSTKFLT SIGCHLD SIGCONT SIGSTOP SIGTSTP SIGTTIN SIGTTOU SIGURG SIGXCPU SIGXFSZ SIGVTALRM SIGPROF
    SIGWINCH SIGIO SIGPWR SIGSYS SIGRTMIN SIGRTMAX'

_burrow_capabilities='ALL AUDIT_CONTROL AUDIT_READ AUDIT_WRITE BLOCK_SUSPEND BPF CHECKPOINT_RESTORE CHOWN DAC_OVERRIDE
    DAC_READ_SEARCH FOWNER FSETID IPC_LOCK IPC_OWNER KILL LEASE LINUX_IMMUTABLE MAC_ADMIN MAC_OVERRIDE MKNOD NET_ADMIN
    NET_BIND_SERVICE NET_BROADCAST NET_RAW PERFMON SETFCAP SETGID SETPCAP SETUID SYS_ADMIN SYS_BOOT SYS_CHROOT
    SYS_MODULE SYS_NICE SYS_PACCT SYS_PTRACE SYS_RAWIO SYS_RESOURCE SYS_TIME SYS_TTY_CONFIG SYSLOG WAKE_ALARM'

# Runs burrow (as typed on the line, with its --root) with the given arguments; errors are dropped.
_burrow_call()
{
    local cmd=${_burrow_cmd0:-burrow}
    [[ $cmd == "~/"* ]] && cmd=$HOME/${cmd#\~/}
    if [[ -n $_burrow_root ]]; then
        "$cmd" --root "$_burrow_root" "$@" 2>/dev/null
    else
        "$cmd" "$@" 2>/dev/null
    fi
}

# Container names; $1 narrows them: running, stopped (created or exited) or all.
_burrow_containers()
{
    local filter=()
    case $1 in
        running) filter=(--filter status=running) ;;
        stopped) filter=(--filter status=exited --filter status=created) ;;
    esac
    _burrow_call ps -a "${filter[@]}" --format '{{.Names}}'
}

# Image names, REPOSITORY:TAG from `burrow images` (images without a name are left out).
_burrow_images()
{
    _burrow_call images | awk 'NR > 1 && $1 != "<none>" && $2 != "<none>" { print $1 ":" $2 }'
}

# Sets COMPREPLY to the lines of $1 that start with $cur (names may hold characters that word splitting would cut).
_burrow_reply()
{
    local IFS=$'\n'
    COMPREPLY=($(compgen -W "$1" -- "$cur"))
}

# Readline replaces only the part of the word after the last '=' or ':' that COMP_WORDBREAKS breaks at, while $cur
# is the whole word: strip that part of $cur from the replies.
_burrow_trim_breaks()
{
    local breaks= rest prefix i
    [[ $COMP_WORDBREAKS == *=* ]] && breaks+='='
    [[ $COMP_WORDBREAKS == *:* ]] && breaks+=':'
    [[ -n $breaks && $cur == *[$breaks]* ]] || return 0
    rest=${cur##*[$breaks]}
    prefix=${cur%"$rest"}
    for i in "${!COMPREPLY[@]}"; do
        COMPREPLY[i]=${COMPREPLY[i]#"$prefix"}
    done
}

_burrow_reply_words()
{
    local IFS=$' \t\n'
    COMPREPLY=($(compgen -W "$1" -- "$cur"))
}

_burrow_files()
{
    local IFS=$'\n'
    COMPREPLY=($(compgen -f -- "$cur"))
    compopt -o filenames 2>/dev/null
}

_burrow_dirs()
{
    local IFS=$'\n'
    COMPREPLY=($(compgen -d -- "$cur"))
    compopt -o filenames 2>/dev/null
}

# Does option $1 of command $2 take a value (as the next word)?
_burrow_takes_value()
{
    local opt=$1 list
    case $2 in
        run) list=$_burrow_run_value_opts ;;
        ps | ls | list) list='-f --filter --format -n --last' ;;
        stop) list='-t --time --timeout' ;;
        kill) list='-s --signal' ;;
        rm) list='-t --time' ;;
        logs) list='-n --tail --since --until' ;;
        exec) list='-e --env --env-file -u --user -w --workdir' ;;
        stats) list='--format' ;;
        inspect) list='-f --format --type' ;;
        images) list='--format' ;;
        load) list='-i --input --oci-dir' ;;
        image-inspect) list='-f --format' ;;
        *) return 1 ;;
    esac
    [[ " ${list//$'\n'/ } " == *" $opt "* ]]
}

# Completes the value of option $1 of command $2.
_burrow_complete_value()
{
    case $1 in
        --root | --rootfs | --oci-dir) _burrow_dirs ;;
        --env-file | -i | --input) _burrow_files ;;
        -v | --volume)
            [[ $2 == run ]] && _burrow_files ;;
        --stop-signal) _burrow_reply_words "$_burrow_signals" ;;
        -s | --signal)
            _burrow_reply_words "$_burrow_signals" ;;
        --network | --net) _burrow_reply_words 'slirp slirp4netns none host' ;;
        --storage-driver) _burrow_reply_words 'auto overlay fuse-overlayfs vfs' ;;
        --cgroup-manager) _burrow_reply_words 'auto systemd cgroupfs disabled' ;;
        --userns) _burrow_reply_words 'keep-id private' ;;
        --cap-add | --cap-drop) _burrow_reply_words "$_burrow_capabilities" ;;
        --security-opt)
            _burrow_reply_words 'no-new-privileges no-new-privileges=false seccomp=unconfined seccomp= mask= unmask=ALL
                unmask= label=disable apparmor=unconfined'
            [[ ${COMPREPLY[*]} == *= ]] && compopt -o nospace 2>/dev/null ;;
        --ulimit)
            _burrow_reply_words 'as= core= cpu= data= fsize= locks= memlock= msgqueue= nice= nofile= nproc= rss=
                rtprio= rttime= sigpending= stack='
            compopt -o nospace 2>/dev/null ;;
        --type) _burrow_reply_words 'container image all' ;;
        --tail | -n)
            [[ $2 == logs ]] && _burrow_reply_words 'all' ;;
        -f | --filter)
            if [[ $2 == inspect || $2 == image-inspect ]]; then
                _burrow_reply_words 'json'
            elif [[ $cur == status=* ]]; then
                local IFS=$'\n'
                COMPREPLY=($(compgen -W $'status=created\nstatus=running\nstatus=exited\nstatus=stopping' -- "$cur"))
            elif [[ $cur == ancestor=* ]]; then
                local IFS=$'\n' img
                COMPREPLY=()
                for img in $(_burrow_images); do
                    [[ ancestor=$img == "$cur"* ]] && COMPREPLY+=("ancestor=$img")
                done
            else
                _burrow_reply_words 'name= id= status= label= ancestor='
                compopt -o nospace 2>/dev/null
            fi ;;
        --format)
            case $2 in
                images | image-inspect) _burrow_reply_words 'json' ;;
                *) _burrow_reply_words 'table json' ;;
            esac ;;
        *) COMPREPLY=() ;;
    esac
}

# Without bash-completion's _get_comp_words_by_ref: COMP_WORDS with the pieces that COMP_WORDBREAKS cut at '=' and
# ':' glued together again ("--format" "=" "json" -> "--format=json", "alpine" ":" "3" -> "alpine:3").
_burrow_join_words()
{
    local i glue=0
    words=()
    cword=0
    for ((i = 0; i < ${#COMP_WORDS[@]}; i++)); do
        if ((i > 0 && ${#words[@]} > 0)) && [[ ${COMP_WORDS[i]} =~ ^[=:]+$ ]]; then
            words[-1]+=${COMP_WORDS[i]}
            glue=1
        elif ((glue)); then
            words[-1]+=${COMP_WORDS[i]}
            glue=0
        else
            words+=("${COMP_WORDS[i]}")
        fi
        ((i <= COMP_CWORD)) && cword=$((${#words[@]} - 1))
    done
    cur=${words[cword]}
    prev=${words[cword - 1]}
}

_burrow()
{
    local cur prev words cword
    if declare -F _get_comp_words_by_ref >/dev/null; then
        _get_comp_words_by_ref -n =: cur prev words cword
    else
        _burrow_join_words
    fi
    COMPREPLY=()
    _burrow_complete
    _burrow_trim_breaks
    return 0
}

# Sets COMPREPLY to whole words that fit $cur (_burrow trims them to what readline replaces).
_burrow_complete()
{
    local _burrow_cmd0=${words[0]} _burrow_root=

    # Global options, then the command.
    local i=1 command= sub=
    while ((i < cword)); do
        case ${words[i]} in
            --root)
                _burrow_root=${words[i + 1]}
                ((i += 2))
                continue ;;
            --root=*) _burrow_root=${words[i]#--root=} ;;
            -*) ;;
            *)
                command=${words[i]}
                break ;;
        esac
        ((i++))
    done
    [[ $_burrow_root == "~/"* ]] && _burrow_root=$HOME/${_burrow_root#\~/}

    local commands='run ps start stop kill rm wait logs exec stats inspect container images load import rmi tag image
        version help'
    if [[ -z $command ]]; then
        if [[ $prev == --root ]]; then
            _burrow_dirs
        elif [[ $cur == --root=* ]]; then
            _burrow_value_of_opt_eq
        elif [[ $cur == -* ]]; then
            _burrow_reply_words "$_burrow_global_opts"
        else
            _burrow_reply_words "$commands"
        fi
        return
    fi

    # burrow container CMD / burrow image CMD: the second word names the command.
    ((i++))
    if [[ $command == container || $command == image ]]; then
        if ((i >= cword)); then
            if [[ $cur == -* ]]; then
                _burrow_reply_words '--help'
            elif [[ $command == container ]]; then
                _burrow_reply_words 'ls list ps run start stop kill rm wait logs exec stats inspect prune'
            else
                _burrow_reply_words 'load import ls list rm tag inspect'
            fi
            return
        fi
        sub=${words[i]}
        ((i++))
        if [[ $command == image ]]; then
            case $sub in
                ls | list) command=images ;;
                rm) command=rmi ;;
                inspect) command=image-inspect ;;
                *) command=$sub ;;
            esac
        else
            command=$sub
            [[ $command == ls || $command == list ]] && command=ps
        fi
    fi

    # run and exec stop parsing options at their first argument (the rest is the container's command); the others
    # take options anywhere before "--", as getopt_long does.
    local permute=1
    [[ $command == run || $command == exec ]] && permute=0

    # Walk the command's words before the cursor: options (and their values) and positional arguments.
    local nargs=0 word options_done=0
    while ((i < cword)); do
        word=${words[i]}
        if ((!options_done)) && [[ $word == -- ]]; then
            options_done=1
        elif ((!options_done)) && [[ $word == -?* ]] && ((permute || nargs == 0)); then
            if [[ $word != *=* ]] && _burrow_takes_value "$word" "$command"; then
                ((i++))
            fi
        else
            ((nargs++))
            ((permute)) || options_done=1
        fi
        ((i++))
    done

    local at_option=0
    ((!options_done)) && ((permute || nargs == 0)) && at_option=1

    # The value of an option: "--opt=value" or "--opt value".
    if ((at_option)) && [[ $cur == --*=* ]]; then
        _burrow_value_of_opt_eq
        return
    fi
    if ((at_option)) && [[ $prev == -?* && $prev != *=* ]] && ((cword > 1)) &&
        _burrow_takes_value "$prev" "$command"; then
        _burrow_complete_value "$prev" "$command"
        return
    fi

    local opts=
    case $command in
        run) opts="$_burrow_run_value_opts $_burrow_run_flag_opts" ;;
        ps) opts='-a --all -q --quiet --no-trunc -f --filter --format -l --latest -n --last --help' ;;
        start) opts='-a --attach --help' ;;
        stop) opts='-t --time --timeout --help' ;;
        kill) opts='-s --signal --help' ;;
        rm) opts='-f --force -a --all -v --volumes -t --time --help' ;;
        wait) opts='--help' ;;
        logs) opts='-f --follow -n --tail --since --until -t --timestamps --help' ;;
        exec) opts='-i --interactive -t --tty -e --env --env-file -u --user -w --workdir --privileged --help' ;;
        stats) opts='--no-stream -a --all --format --help' ;;
        inspect) opts='-f --format --type --help' ;;
        prune) opts='-f --force --help' ;;
        images) opts='-q --quiet --no-trunc --format -a --all --help' ;;
        load) opts='-i --input --oci-dir -q --quiet --help' ;;
        import) opts='-q --quiet --help' ;;
        rmi) opts='-f --force --help' ;;
        tag) opts='--help' ;;
        image-inspect) opts='-f --format --help' ;;
    esac
    if ((at_option)) && [[ $cur == -* ]]; then
        _burrow_reply_words "$opts"
        return
    fi

    case $command in
        start) _burrow_reply "$(_burrow_containers stopped)" ;;
        stop | kill | stats) _burrow_reply "$(_burrow_containers running)" ;;
        exec) ((nargs == 0)) && _burrow_reply "$(_burrow_containers running)" ;;
        logs) ((nargs == 0)) && _burrow_reply "$(_burrow_containers all)" ;;
        rm | wait) _burrow_reply "$(_burrow_containers all)" ;;
        inspect) _burrow_reply "$(_burrow_containers all; _burrow_images)" ;;
        run)
            # The image, unless --rootfs names the root; the words after it are the container's command.
            local j has_rootfs=
            for ((j = 1; j < cword; j++)); do
                [[ ${words[j]} == --rootfs || ${words[j]} == --rootfs=* ]] && has_rootfs=1
            done
            ((nargs == 0)) && [[ -z $has_rootfs ]] && _burrow_reply "$(_burrow_images)" ;;
        images | rmi | image-inspect) _burrow_reply "$(_burrow_images)" ;;
        tag) ((nargs == 0)) && _burrow_reply "$(_burrow_images)" ;;
        import) ((nargs == 0)) && _burrow_files ;;
        help) _burrow_reply_words "$commands" ;;
    esac
}

# $cur is "--opt=value": complete the value, and give the replies back as whole "--opt=..." words.
_burrow_value_of_opt_eq()
{
    local opt=${cur%%=*} whole=$cur i
    cur=${cur#*=}
    if [[ $opt == --root ]]; then
        _burrow_dirs
    elif [[ " $_burrow_bool_opts " == *" $opt "* ]]; then
        _burrow_reply_words 'true false'
    elif _burrow_takes_value "$opt" "$command"; then
        _burrow_complete_value "$opt" "$command"
    fi
    for i in "${!COMPREPLY[@]}"; do
        COMPREPLY[i]=$opt=${COMPREPLY[i]}
    done
    cur=$whole
}

complete -F _burrow burrow
