-- Helpers shared by the specs (tests/lua is on LUA_PATH under ctest).
local assert = require "luassert" -- busted gives specs its assert; modules load it
local M = {}

-- Calls f(...), which must raise, and returns the error message.
function M.err(f, ...)
  local ok, msg = pcall(f, ...)
  assert.is_false(ok, "expected an error")
  return msg
end

return M
