-- vfl.repl, the Lua side of the REPL: completion candidates and printing.
-- Run inside vfl: `vfl src/repl/busted_runner.lua tests/lua/repl_spec.lua`
local repl = require "vfl.repl"

local function has(list, x)
  for _, v in ipairs(list) do if v == x then return true end end
  return false
end

describe("vfl.repl.complete", function()
  before_each(function()
    _G.tbl_spec = {alpha = 1, alpine = function() end, beta = {gamma = 2}, __hidden = 1}
    _G.obj_spec = setmetatable({own = 1}, {__index = {learn = function() end, lean = 3}})
  end)
  after_each(function()
    _G.tbl_spec, _G.obj_spec, _G.cls_spec = nil, nil, nil
  end)

  it("completes globals, adding ( to functions", function()
    local c = repl.complete("tbl_sp")
    assert.are.same({"tbl_spec"}, c)
    assert.truthy(has(repl.complete("pri"), "print("))
    assert.truthy(has(repl.complete("str"), "string"))
  end)

  it("completes keywords", function()
    local c = repl.complete("fun")
    assert.truthy(has(c, "function"))
    assert.truthy(has(repl.complete("whi"), "while"))
    assert.truthy(has(repl.complete("ret"), "return"))
  end)

  it("completes fields after a dot, sorted", function()
    assert.are.same({"tbl_spec.alpha", "tbl_spec.alpine("}, repl.complete("tbl_spec.al"))
    assert.are.same({"tbl_spec.beta.gamma"}, repl.complete("tbl_spec.beta.g"))
    assert.are.same({"string.format("}, repl.complete("string.form"))
  end)

  it("hides __ fields unless asked for", function()
    assert.falsy(has(repl.complete("tbl_spec."), "tbl_spec.__hidden"))
    assert.truthy(has(repl.complete("tbl_spec.__"), "tbl_spec.__hidden"))
  end)

  it("completes methods after a colon through __index tables", function()
    assert.are.same({"obj_spec:learn("}, repl.complete("obj_spec:le"))
    -- fields through the metatable, after a dot
    assert.are.same({"obj_spec.lean", "obj_spec.learn("}, repl.complete("obj_spec.le"))
  end)

  it("follows __index chains (class hierarchies)", function()
    local Base = {fit = function() end}
    Base.__index = Base
    local Net = setmetatable({predict = function() end}, Base)
    Net.__index = Net
    _G.cls_spec = setmetatable({}, Net)
    local c = repl.complete("cls_spec:")
    assert.truthy(has(c, "cls_spec:fit("))
    assert.truthy(has(c, "cls_spec:predict("))
    assert.falsy(has(c, "cls_spec:__index"))
  end)

  it("completes string methods", function()
    _G.str_spec = "x"
    assert.truthy(has(repl.complete("str_spec:up"), "str_spec:upper("))
    _G.str_spec = nil
  end)

  it("finds methods of userdata", function()
    if type(vfl) == "table" and type(vfl.net) == "function" then
      _G.net_spec = vfl.net()
      assert.truthy(has(repl.complete("net_spec:le"), "net_spec:learn("))
      _G.net_spec = nil
    end
    _G.file_spec = io.stdout
    assert.truthy(has(repl.complete("file_spec:wr"), "file_spec:write("))
    _G.file_spec = nil
  end)

  it("returns nothing for unknown prefixes and odd text", function()
    assert.are.same({}, repl.complete("no_such_global_xyz."))
    assert.are.same({}, repl.complete("tbl_spec.alpha.x"))
    assert.are.same({}, repl.complete("1+"))
    assert.are.same({}, repl.complete("a..b"))
  end)

  it("survives __index functions that raise", function()
    _G.bad_spec = setmetatable({}, {__index = function() error("boom") end})
    assert.are.same({}, repl.complete("bad_spec.x.y"))
    _G.bad_spec = nil
  end)
end)

describe("vfl.repl.show", function()
  local real
  local written
  before_each(function()
    real = io.stdout
    written = {}
    io.stdout = {
      write = function(_, ...) for _, s in ipairs({...}) do written[#written + 1] = s end end,
      flush = function() end,
    }
  end)
  after_each(function() io.stdout = real end)

  it("prints results through vfl.pretty, tab-separated", function()
    repl.show(80, 1, "a", {2})
    assert.are.equal('1\t"a"\t{2}\n', table.concat(written))
  end)

  it("prints nil results", function()
    repl.show(80, nil)
    assert.are.equal("nil\n", table.concat(written))
  end)

  it("prints nothing without results", function()
    repl.show(80)
    assert.are.equal("", table.concat(written))
  end)

  it("uses the terminal width", function()
    repl.show(30, {aaaaaaaaaa = 1, bbbbbbbbbb = 2})
    assert.truthy(table.concat(written):find("\n  aaaaaaaaaa = 1,", 1, true))
  end)

  it("takes extra options from repl.pretty_options", function()
    repl.pretty_options.items = 2
    repl.show(80, {1, 2, 3})
    repl.pretty_options.items = nil
    assert.are.equal("{1, 2, ... 1 more}\n", table.concat(written))
  end)
end)
