# fish completion for kdx. The candidates come from `kdx __complete` (the command table,
# the runbook on the line), so this file never lists a command or a flag itself.
function __kdx_complete
	set -l words (commandline -opc) (commandline -ct)
	set -l out (command $words[1] __complete $words[2..-1] 2>/dev/null)
	switch "$out[1]"
		case :file
			__fish_complete_path (commandline -ct)
		case :dir
			__fish_complete_directories (commandline -ct)
		case '*'
			printf '%s\n' $out
	end
end
complete -c kdx -f -a '(__kdx_complete)'
