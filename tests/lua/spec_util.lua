-- Helpers shared by the specs (tests/lua is on LUA_PATH under ctest).
local assert = require "luassert" -- busted gives specs its assert; modules load it
local M = {}

-- Calls f(...), which must raise, and returns the error message.
function M.err(f, ...)
  local ok, msg = pcall(f, ...)
  assert.is_false(ok, "expected an error")
  return msg
end

-- Writes text to the file at path (bytes as they are).
function M.write(path, text)
  local f = assert(io.open(path, "wb"))
  f:write(text)
  f:close()
end

return M
