-- vfl.help, the help registry behind help(x) and ?x in the REPL.
-- Run inside vfl: `vfl src/repl/busted_runner.lua tests/lua/repl_help_spec.lua`
local help = require "vfl.help"
require "vfl.pretty" -- registers its own help

describe("vfl.help", function()
  local fn, tbl
  before_each(function()
    fn = function(a, b) return a + b end
    tbl = {sub = function() end}
    help.register(fn, "spec_mod.add(a, b)", "Adds a and b.")
    help.register(tbl, "spec_mod", "A module for the specs.")
    help.register(tbl.sub, "spec_mod.sub()", "Subtracts nothing.")
    _G.spec_mod = tbl
  end)
  after_each(function() _G.spec_mod = nil end)

  it("is the global help inside vfl", function()
    if type(vfl) == "table" then assert.are.equal(help, _G.help) end
  end)

  it("finds entries by value", function()
    local e = help.entry(fn)
    assert.are.equal("spec_mod.add", e.name)
    assert.are.equal("spec_mod.add(a, b)", e.signature)
    assert.are.equal("Adds a and b.", e.text)
  end)

  it("finds entries by name", function()
    assert.are.equal("spec_mod.add(a, b)", help.entry("spec_mod.add").signature)
    assert.are.equal("spec_mod.sub()", help.entry("spec_mod.sub").signature)
  end)

  it("finds entries by a dotted path through the globals", function()
    local other = function() end
    help.register(other, "something_else(x)", "Registered under another name.")
    _G.spec_mod.alias = other
    assert.are.equal("something_else(x)", help.entry("spec_mod.alias").signature)
  end)

  it("finds methods of an object by colon name and through its metatable", function()
    local methods = {learn = function() end}
    local mt = {__index = methods}
    help.register(methods.learn, "thing:learn(data)", "Learns.")
    help.register(mt, "thing", "A thing.")
    _G.thing_spec = setmetatable({}, mt)
    assert.are.equal("thing:learn(data)", help.entry("thing_spec:learn").signature)
    assert.are.equal("thing", help.entry(_G.thing_spec).signature)
    local text = help.text(_G.thing_spec)
    assert.truthy(text:find("Documented members:", 1, true))
    assert.truthy(text:find("thing:learn(data)", 1, true))
    _G.thing_spec = nil
  end)

  it("takes an explicit name", function()
    local f = function() end
    help.register(f, "obj:method(x)", "Named.", "spec.Class:method")
    assert.are.equal("Named.", help.entry("spec.Class:method").text)
    assert.are.equal("spec.Class:method", help.entry(f).name)
    assert.has_error(function() help.register(f, "x", "y", 5) end)
  end)

  it("registers topics given as strings", function()
    help.register("spec topic", "spec topic", "About specs.")
    assert.are.equal("About specs.", help.entry("spec topic").text)
    assert.truthy(help.text("spec topic"):find("About specs.", 1, true))
  end)

  it("lists topics, sorted", function()
    local topics = help.topics()
    local seen = {}
    for i, t in ipairs(topics) do
      seen[t] = true
      if i > 1 then assert.truthy(topics[i - 1] < t) end
    end
    assert.truthy(seen["spec_mod.add"] and seen["help"] and seen["repl"] and seen["vfl.pretty"])
  end)

  it("formats the signature then the indented text", function()
    assert.are.equal("spec_mod.add(a, b)\n  Adds a and b.", help.text(fn))
  end)

  it("lists the documented members of a table", function()
    local text = help.text(tbl)
    assert.truthy(text:find("^spec_mod\n  A module for the specs%.\n\nDocumented members:\n"))
    assert.truthy(text:find("  spec_mod.sub()", 1, true))
  end)

  it("describes undocumented functions", function()
    local function lonely(x, y, ...) end
    local text = help.text(lonely)
    assert.truthy(text:find("(x, y, ...)", 1, true))
    assert.truthy(text:find("repl_help_spec.lua", 1, true))
    assert.truthy(help.text("string.format"):find("built-in", 1, true))
  end)

  it("says so for unknown names and nil", function()
    assert.truthy(help.text("no.such.thing"):find("nothing known", 1, true))
    assert.truthy(help.text(nil):find("got nil", 1, true))
  end)

  it("gives an overview with no argument", function()
    local text = help.text()
    assert.truthy(text:find("Topics:", 1, true))
    assert.truthy(text:find("?x", 1, true))
  end)

  it("documents the REPL itself", function()
    assert.truthy(help.text("repl"):find("Ctrl-C", 1, true))
    assert.truthy(help.text("repl"):find("Tab", 1, true))
    assert.truthy(help.entry(help))
    assert.truthy(help.entry(require("vfl.pretty")))
  end)

  it("checks its arguments", function()
    assert.has_error(function() help.register(fn, 42) end)
    assert.has_error(function() help.register(nil, "x", "y") end)
    assert.has_error(function() help.register(fn, "x", 3) end)
  end)

  it("prints through help(x)", function()
    local real, written = io.stdout, {}
    io.stdout = {write = function(_, ...) for _, s in ipairs({...}) do written[#written + 1] = s end end}
    local ok, err = pcall(help, fn)
    io.stdout = real
    assert.is_true(ok, err)
    assert.are.equal("spec_mod.add(a, b)\n  Adds a and b.\n", table.concat(written))
  end)

  it("answers ?name lines", function()
    local real, written = io.stdout, {}
    io.stdout = {write = function(_, ...) for _, s in ipairs({...}) do written[#written + 1] = s end end}
    local ok, err = pcall(require("vfl.repl").question, "  spec_mod.add ")
    io.stdout = real
    assert.is_true(ok, err)
    assert.are.equal("spec_mod.add(a, b)\n  Adds a and b.\n", table.concat(written))
  end)
end)
