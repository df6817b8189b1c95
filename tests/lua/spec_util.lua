-- Helpers shared by the specs (tests/lua is on LUA_PATH under ctest).
local assert = require "luassert" -- busted gives specs its assert; modules load it
local M = {}

-- Calls f(...), which must raise, and returns the error message (an error
-- object, such as net:learn's {message =, stats =}, as it prints).
function M.err(f, ...)
  local ok, msg = pcall(f, ...)
  assert.is_false(ok, "expected an error")
  if type(msg) == "table" then return tostring(msg) end
  return msg
end

return M
