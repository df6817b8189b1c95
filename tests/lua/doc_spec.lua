-- Every public function and class of vfl has a help entry (lua/vfl/doc.lua).
local vfl = require "vfl"
local doc = require "vfl.doc"

describe("vfl.doc", function()
  it("documents every function of the module and every method", function()
    local documented = {}
    for _, name in ipairs(doc.order) do
      local v = doc.resolve(vfl, name)
      if v ~= nil then documented[v] = name end
    end
    local missing = {}
    -- The parts written in Lua (vfl.help, vfl.pretty, vfl.plot, ...) document
    -- themselves: help_coverage_spec.lua checks them.
    local theirs = {}
    for _, part in ipairs{"help", "pretty", "repl", "plot", "tune"} do theirs[rawget(vfl, part) or {}] = true end
    local function walk(t, path, seen)
      if seen[t] or theirs[t] then return end
      seen[t] = true
      for k, v in pairs(t) do
        local name = path .. "." .. tostring(k)
        if type(v) == "function" and not documented[v] then missing[#missing + 1] = name end
        if type(v) == "table" then walk(v, name, seen) end
      end
    end
    walk(vfl, "vfl", {})
    table.sort(missing)
    assert.are.same({}, missing)
  end)

  it("resolves every entry, and classes to their metatables", function()
    for _, name in ipairs(doc.order) do
      local e = doc.entries[name]
      assert.is_string(e.sig, name)
      assert.is_string(e.text, name)
      assert.is_true(#e.text > 0, name)
      assert.is_not_nil(doc.resolve(vfl, name), name)
    end
    assert.are.equal(getmetatable(vfl.net()), doc.resolve(vfl, "vfl.net#"))
    assert.are.equal(vfl.methods.net.learn, doc.resolve(vfl, "vfl.net:learn"))
  end)

  it("registers with vfl.help when it is available", function()
    local ok, help = pcall(require, "vfl.help")
    if not ok then
      pending("vfl.help is not on package.path")
      return
    end
    doc.register(vfl, help)
    assert.truthy(help.text(vfl.optim.adam):find("ADAM", 1, true))
    assert.truthy(help.text(vfl.net()):find("vfl.net", 1, true))
    assert.truthy(help.text(vfl.methods.dataset.split):find("ds:split", 1, true))
  end)
end)
