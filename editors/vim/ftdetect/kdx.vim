au BufRead,BufNewFile *.kdx,*.kdxvars setfiletype kdx
