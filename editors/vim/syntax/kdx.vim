" Vim syntax file for kdx failover runbooks (.kdx). Install: copy editors/vim/ into
" ~/.vim/ (or a plugin manager's directory); the language server is `kdx lsp`.
if exists("b:current_syntax")
  finish
endif

syn keyword kdxDecl runbook import param objectives region resource step scenario output type action parallel use
syn keyword kdxClause after do undo require wait until within every timeout retry backoff approval irreversible when on_failure
syn keyword kdxBody call as let return snapshot effect reads writes duration field
syn keyword kdxScenario fail lag alarm deny expect throttle at
syn keyword kdxRepeat for in if
syn keyword kdxConstant true false null none primary secondary rollback continue pause
" a later match wins at the same column: numbers first, then their unit forms
syn match kdxNumber "\<\d\+\(\.\d\+\)\?\>"
syn match kdxDuration "\<\d\+\(\.\d\+\)\?\(ms\|s\|m\|h\|d\)\>"
syn match kdxPercent "\<\d\+\(\.\d\+\)\?%"
syn match kdxCall "\<\h\w*\.\h\w*\ze\s*("
syn match kdxName "\(\<\(step\|resource\|param\|output\|type\|action\|parallel\)\s\+\)\@<=\h\w*"
syn match kdxOperator "==\|!=\|<=\|>=\|&&\|||\|=>\|[-+*/%<>!?:=]"
syn region kdxInterp matchgroup=kdxInterpDelim start="\${" end="}" contained contains=kdxString,kdxNumber,kdxDuration,kdxPercent,kdxOperator,kdxConstant,kdxCall
syn match kdxEscape "\\." contained
syn region kdxString start=+"+ skip=+\\"+ end=+"+ contains=kdxEscape,kdxInterp
syn match kdxComment "\(#\|//\).*$" contains=kdxTodo,@Spell
syn match kdxDocComment "#>.*$" contains=@Spell
syn region kdxComment start="/\*" end="\*/" contains=kdxTodo,@Spell
syn keyword kdxTodo TODO FIXME XXX contained

hi def link kdxDecl Structure
hi def link kdxClause Statement
hi def link kdxBody Statement
hi def link kdxScenario Statement
hi def link kdxRepeat Repeat
hi def link kdxConstant Constant
hi def link kdxDuration Number
hi def link kdxPercent Number
hi def link kdxNumber Number
hi def link kdxCall Function
hi def link kdxName Identifier
hi def link kdxOperator Operator
hi def link kdxString String
hi def link kdxEscape SpecialChar
hi def link kdxInterpDelim Delimiter
hi def link kdxComment Comment
hi def link kdxDocComment SpecialComment
hi def link kdxTodo Todo

let b:current_syntax = "kdx"
