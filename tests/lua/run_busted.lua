-- Busted under a plain interpreter (lua5.4 or luajit):
--   lua5.4 tests/lua/run_busted.lua [busted options] [spec files or dirs]
-- the same as /usr/bin/busted, whose #! line picks one interpreter only.
-- package.path/cpath come from LUA_PATH/LUA_CPATH (set by ctest).
require 'busted.runner'({ standalone = false })
