-- vfl.pretty: run inside vfl, `vfl src/repl/busted_runner.lua tests/lua/pretty_spec.lua`
local pretty = require "vfl.pretty"

local function p(v, opts) return pretty.format(v, opts) end

describe("vfl.pretty", function()
  it("is callable and the same as pretty.format", function()
    assert.are.equal("{1, 2}", pretty({1, 2}))
    assert.are.equal(pretty.format({a = 1}), pretty({a = 1}))
  end)

  it("is vfl.pretty inside vfl", function()
    if type(vfl) == "table" then assert.are.equal(pretty, vfl.pretty) end
  end)

  describe("scalars", function()
    it("prints numbers like Lua", function()
      assert.are.equal("42", p(42))
      assert.are.equal(tostring(1.0), p(1.0)) -- "1.0" in Lua 5.4, "1" in LuaJIT
      assert.are.equal("0.5", p(0.5))
      assert.are.equal("inf", p(math.huge))
      assert.are.equal("-inf", p(-math.huge))
    end)

    it("prints nil and booleans", function()
      assert.are.equal("nil", p(nil))
      assert.are.equal("true", p(true))
      assert.are.equal("false", p(false))
    end)

    it("quotes and escapes strings", function()
      assert.are.equal('"abc"', p("abc"))
      assert.are.equal('{"a\\"b\\\\c\\n"}', p({'a"b\\c\n'}))
      assert.are.equal('{"\\000\\001x"}', p({"\0\1x"}))
    end)

    it("shows multi-line strings at the top as long strings", function()
      assert.are.equal("[[a\nb]]", p("a\nb"))
      assert.are.equal("[=[x]]\ny]=]", p("x]]\ny"))
      assert.are.equal("[[\n\nabc]]", p("\nabc")) -- a long string drops its first newline
      assert.are.equal(load("return " .. p("\nabc"))(), "\nabc")
      assert.are.equal('"x]]y"', p("x]]y"))
    end)

    it("cuts long nested strings, not in the middle of a UTF-8 character", function()
      local s = p({string.rep("x", 300)})
      assert.truthy(s:find("(300 bytes)", 1, true))
      assert.truthy(#s < 200)
      local u = p({string.rep("é", 100)}, {string = 5})
      assert.are.equal("éé", u:match('"(.-)"'))
    end)

    it("shows functions with their parameters and place", function()
      local function f(a, b, ...) return a, b end
      assert.truthy(p(f):match("^<function%(a, b, %.%.%.%) .*pretty_spec%.lua:%d+>$"))
      assert.are.equal("<function: builtin>", p(print))
    end)
  end)

  describe("tables", function()
    it("prints arrays and records on one line when short", function()
      assert.are.equal("{}", p({}))
      assert.are.equal("{1, 2, 3}", p({1, 2, 3}))
      assert.are.equal("{a = 1, b = {c = 2}}", p({b = {c = 2}, a = 1}))
      assert.are.equal("{1, 2, x = 3}", p({1, 2, x = 3}))
    end)

    it("sorts keys: numbers, then strings (naturally), then the rest", function()
      assert.are.equal('{[1.5] = 1, a = 2, b = 3, [true] = 4}',
                       p({b = 3, [true] = 4, a = 2, [1.5] = 1}))
      assert.are.equal("{k1 = 1, k2 = 2, k10 = 10}", p({k10 = 10, k2 = 2, k1 = 1}))
    end)

    it("quotes keys that are not identifiers", function()
      assert.are.equal('{["a b"] = 1, ["end"] = 2}', p({["a b"] = 1, ["end"] = 2}))
    end)

    it("shows holes in arrays as nil", function()
      local s = p({1, nil, 3}) -- where # stops in a table with holes is up to Lua
      assert.truthy(s == "{1, nil, 3}" or s == "{1, [3] = 3}", s)
    end)

    it("summarises large arrays on one line", function()
      local t = {}
      for i = 1, 10000 do t[i] = i end
      local s = p(t)
      assert.truthy(s:match("^{1, 2, 3, .* %.%.%. %d+ more}$"))
      assert.falsy(s:find("\n"))
      local shown = select(2, s:gsub(",", ",")) -- items before "... N more"
      assert.are.equal(10000, shown + tonumber(s:match("(%d+) more")))
    end)

    it("summarises large records", function()
      local t = {}
      for i = 1, 100 do t["k" .. i] = i end
      local s = p(t, {items = 5})
      assert.are.equal("{k1 = 1, k2 = 2, k3 = 3, k4 = 4, k5 = 5, ... 95 more}", s)
    end)

    it("honours the items option", function()
      assert.are.equal("{1, 2, ... 3 more}", p({1, 2, 3, 4, 5}, {items = 2}))
    end)

    it("cuts nesting at the depth option", function()
      local t = {a = {b = {c = {d = {}}}}}
      assert.are.equal("{a = {b = {...}}}", p(t, {depth = 2}))
      assert.are.equal("{a = {b = {c = {d = {}}}}}", p(t, {depth = 10}))
      assert.are.equal("{...}", p({1}, {depth = 0}))
    end)

    it("marks cycles", function()
      local t = {}
      t.me = t
      assert.are.equal("{me = <cycle>}", p(t))
      local a, b = {}, {}
      a.b, b.a = b, a
      assert.are.equal("{b = {a = <cycle>}}", p(a))
    end)

    it("prints a table shared twice, not as a cycle", function()
      local s = {1}
      assert.are.equal("{{1}, {1}}", p({s, s}))
    end)

    it("goes over several lines when too wide", function()
      local t = {alpha = string.rep("a", 40), beta = string.rep("b", 40)}
      local s = p(t)
      assert.are.equal('{\n  alpha = "' .. t.alpha .. '",\n  beta = "' .. t.beta .. '",\n}', s)
    end)

    it("fills lines with the items of a wide array", function()
      local t = {}
      for i = 1, 20 do t[i] = i / 3 end
      local s = p(t)
      for line in s:gmatch("[^\n]+") do assert.truthy(#line <= 80) end
      assert.truthy(select(2, s:gsub("\n", "")) <= 6)
    end)

    it("respects the width option", function()
      assert.are.equal("{\n  1,\n  2,\n}", p({1, 2}, {width = 4}))
      assert.are.equal("{\n  a = 1,\n}", p({a = 1}, {width = 4}))
    end)

    it("names tables whose metatable has __name", function()
      assert.are.equal("Point {x = 1}", p(setmetatable({x = 1}, {__name = "Point"})))
    end)
  end)

  describe("__tostring", function()
    it("prints tables and userdata through it", function()
      local net = setmetatable({}, {__tostring = function() return "Net(3 layers)" end})
      assert.are.equal("Net(3 layers)", p(net))
      assert.are.equal("{model = Net(3 layers)}", p({model = net}))
    end)

    it("survives a failing __tostring", function()
      local bad = setmetatable({}, {__tostring = function() error("nope") end})
      assert.truthy(p(bad):find("__tostring failed", 1, true))
    end)

    it("indents a multi-line summary inside a table", function()
      local net = setmetatable({}, {__tostring = function() return "Net\n  layer 1" end})
      assert.are.equal("{\n  Net\n    layer 1,\n}", p({net}))
    end)

    it("prints files and other userdata with tostring", function()
      assert.truthy(p(io.stdout):find("^file %("))
    end)
  end)

  describe("colours", function()
    it("are off by default", function()
      assert.falsy(p({1, "a", true}):find("\27", 1, true))
    end)

    it("are ANSI codes when asked, not counted in the width", function()
      local s = p({1, "a", true}, {color = true})
      assert.truthy(s:find("\27[36m1\27[0m", 1, true))
      assert.are.equal("{1, \"a\", true}", (s:gsub("\27%[[%d;]*m", "")))
    end)
  end)

  it("rejects options that are not a table", function()
    assert.has_error(function() p(1, 5) end)
  end)

  it("pretty.print writes one line to stdout", function()
    local written = {}
    local real = io.stdout
    local fake = {write = function(_, ...) for _, s in ipairs({...}) do written[#written + 1] = s end end}
    io.stdout = fake
    local ok, err = pcall(pretty.print, {1, 2})
    io.stdout = real
    assert.is_true(ok, err)
    assert.are.equal("{1, 2}\n", table.concat(written))
  end)
end)
