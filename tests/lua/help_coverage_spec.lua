-- help covers every public name: walks the vfl table -- the C binding and
-- the parts written in Lua (vfl.help, vfl.pretty, vfl.repl, vfl.plot,
-- vfl.tune) -- and the global help, and fails for any public function
-- that help() cannot explain.
local vfl = require "vfl"
local help = require "vfl.help"
require "vfl.doc" -- registers the binding's entries with vfl.help

describe("help", function()
  it("has an entry for every public function of vfl and of its Lua parts", function()
    local roots = {vfl = vfl}
    for _, part in ipairs{"help", "pretty", "repl", "plot", "tune"} do
      local ok, m = pcall(function() return vfl[part] end)
      assert.is_true(ok and m ~= nil, "vfl." .. part .. " does not load: " .. tostring(m))
    end
    local missing, seen = {}, {}
    local function walk(t, path, depth)
      if seen[t] or depth > 4 then return end
      seen[t] = true
      for k, v in pairs(t) do
        if type(k) == "string" and not k:find("^_") then
          local name = path .. "." .. k
          if type(v) == "function" and not help.entry(v) then missing[#missing + 1] = name end
          if type(v) == "table" then walk(v, name, depth + 1) end
        end
      end
    end
    walk(roots.vfl, "vfl", 1)
    table.sort(missing)
    assert.are.same({}, missing)
  end)
end)
