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

-- Whether a file can be opened (the shared data sets may be absent).
function M.exists(path)
  local f = io.open(path, "rb")
  if f then f:close() end
  return f ~= nil
end

-- Writes text to the file at path (bytes as they are).
function M.write(path, text)
  local f = assert(io.open(path, "wb"))
  f:write(text)
  f:close()
end

-- A linearly separable problem: n rows of about per_row features among dim;
-- the first half of the features say yes, the second half no (label 1
-- when the yes features are more). Repeatable from seed.
function M.separable(n, dim, per_row, seed)
  local vfl = require "vfl"
  local function rand(k)
    seed = (seed * 1103515245 + 12345) % 2147483648
    return seed % k
  end
  return vfl.dataset(function(emit)
    for _ = 1, n do
      local idx, score = {}, 0
      for _ = 1, per_row do
        local f = rand(dim) + 1
        if not idx[f] then
          idx[f] = 1
          score = score + (f <= dim / 2 and 1 or -1)
        end
      end
      emit{label = score > 0 and 1 or 0, features = vfl.sparse(idx)}
    end
  end)
end

return M
