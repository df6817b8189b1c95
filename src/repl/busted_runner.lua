-- Busted inside vfl: `vfl src/repl/busted_runner.lua [busted options] [files or dirs]`
-- (the same as /usr/bin/busted, which runs under plain lua).
require 'busted.runner'({ standalone = false })
