# bash completion for kdx. The candidates come from `kdx __complete` (the command table,
# the runbook on the line), so this file never lists a command or a flag itself.
_kdx() {
	local cur=${COMP_WORDS[COMP_CWORD]} out IFS=$'\n'
	out=$("${COMP_WORDS[0]}" __complete "${COMP_WORDS[@]:1:COMP_CWORD}" 2>/dev/null) || return
	case $out in
	:file)
		compopt -o filenames 2>/dev/null
		mapfile -t COMPREPLY < <(compgen -f -- "$cur")
		;;
	:dir)
		compopt -o filenames 2>/dev/null
		mapfile -t COMPREPLY < <(compgen -d -- "$cur")
		;;
	*)
		mapfile -t COMPREPLY < <(compgen -W "$out" -- "$cur")
		;;
	esac
}
complete -F _kdx kdx
