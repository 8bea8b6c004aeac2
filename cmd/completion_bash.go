package cmd

import (
	"bytes"
	"io"
	"regexp"
	"strings"

	"github.com/spf13/cobra"
)

// The bash script cobra generates calls two functions of the
// bash-completion package (_get_comp_words_by_ref and _filedir), which a
// bash without it (a minimal image, macOS's, a fresh container) lacks: TAB
// then prints "command not found". spotcli's script calls its own names
// instead, which use the package's functions when they are there and small
// stand-ins otherwise, so that it works in any bash 4 and needs nothing
// installed.

// bashStandIns defines __spotcli_get_comp_words_by_ref and
// __spotcli_filedir.
const bashStandIns = `# spotcli: without the bash-completion package, stand-ins for the two of
# its functions that this script uses; with it, its own.
__spotcli_get_comp_words_by_ref()
{
    if declare -F _get_comp_words_by_ref >/dev/null 2>&1; then
        _get_comp_words_by_ref "$@"
        return
    fi
    # -n CHARS: do not split words at these (COMP_WORDBREAKS splits
    # --flag=value at the "=").
    local __exclude="" __opt OPTIND=1
    while getopts "n:c:i:w:p:" __opt; do
        [[ $__opt == n ]] && __exclude=$OPTARG
    done
    shift $((OPTIND - 1))
    local -a __words=()
    local __i __w __join=0 __cword=0
    for ((__i = 0; __i < ${#COMP_WORDS[@]}; __i++)); do
        __w=${COMP_WORDS[__i]}
        if ((__i > 0)) && [[ -n $__exclude && -n $__w && -z ${__w//[$__exclude]/} ]]; then
            __words[${#__words[@]}-1]+=$__w
            __join=1
        elif ((__join)); then
            __words[${#__words[@]}-1]+=$__w
            __join=0
        else
            __words+=("$__w")
        fi
        ((__i == COMP_CWORD)) && __cword=$((${#__words[@]} - 1))
    done
    local __name
    for __name in "$@"; do
        case $__name in
            cur) cur=${__words[__cword]-} ;;
            prev) prev=""; ((__cword > 0)) && prev=${__words[__cword-1]} ;;
            words) words=("${__words[@]}") ;;
            cword) cword=$__cword ;;
        esac
    done
}

__spotcli_filedir()
{
    if declare -F _filedir >/dev/null 2>&1; then
        _filedir "$@"
        return
    fi
    local IFS=$'\n'
    if [[ ${1-} == -d ]]; then
        COMPREPLY=($(compgen -d -- "${cur-}"))
    else
        COMPREPLY=($(compgen -f -- "${cur-}"))
    fi
    compopt -o filenames 2>/dev/null
}

`

// bashCompletion is cobra's bash script, made independent of the
// bash-completion package.
func bashCompletion(root *cobra.Command, w io.Writer, descriptions bool) error {
	var b bytes.Buffer
	if err := root.GenBashCompletionV2(&b, descriptions); err != nil {
		return err
	}
	// Compiled here, not at package level: every other command would pay
	// for them at start-up.
	wordsByRef := regexp.MustCompile(`(^|[^A-Za-z0-9_])_get_comp_words_by_ref\b`)
	filedir := regexp.MustCompile(`(^|[^A-Za-z0-9_])_filedir\b`)
	s := wordsByRef.ReplaceAllString(b.String(), "${1}__spotcli_get_comp_words_by_ref")
	s = filedir.ReplaceAllString(s, "${1}__spotcli_filedir")
	// After the first line (a comment saying what the file is).
	head, rest, _ := strings.Cut(s, "\n")
	_, err := io.WriteString(w, head+"\n"+bashStandIns+rest)
	return err
}

// setupBashCompletion replaces cobra's "completion bash": the same script,
// with the stand-ins, and a help that says nothing is needed.
func setupBashCompletion(root *cobra.Command) {
	root.InitDefaultCompletionCmd()
	c, _, err := root.Find([]string{"completion", "bash"})
	if err != nil || c.Name() != "bash" {
		return
	}
	c.Long = `Generate the autocompletion script for the bash shell. It works in any bash 4
or later, with or without the bash-completion package (with it, it uses the
package's functions).

To load completions in your current shell session:

	source <(spotcli completion bash)

To load completions for every new session, add that line to ~/.bashrc, or
execute once:

#### Linux:

	spotcli completion bash > ~/.local/share/bash-completion/completions/spotcli   # with bash-completion
	spotcli completion bash > /etc/bash_completion.d/spotcli                       # system-wide

#### macOS:

	spotcli completion bash > $(brew --prefix)/etc/bash_completion.d/spotcli

You will need to start a new shell for this setup to take effect.
`
	c.RunE = func(cmd *cobra.Command, _ []string) error {
		noDesc, _ := cmd.Flags().GetBool("no-descriptions")
		return bashCompletion(cmd.Root(), cmd.OutOrStdout(), !noDesc)
	}
}
