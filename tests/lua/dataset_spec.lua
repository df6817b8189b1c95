-- vfl.dataset: building from Lua (emit, iterators, lists), reading rows,
-- reshaping, printing, the readers, and errors.
local vfl = require "vfl"

local err = require("spec_util").err

local function small(n)
  return vfl.dataset(function(emit)
    for i = 1, n do emit{label = i % 2, features = vfl.sparse{[i] = 1, [n + 1] = i / 2}} end
  end)
end

describe("vfl.dataset", function()
  it("is built by emit", function()
    local ds = small(10)
    assert.are.equal(10, #ds)
    assert.are.equal(10, ds.rows)
    assert.are.equal(11, ds.dim)
    assert.are.equal(20, ds.nnz)
    assert.are.equal(1, ds.n_labels)
    assert.are.same({{name = "features", kind = "sparse", dim = 11}}, ds.inputs)
    local r = ds[3]
    assert.are.equal(1, r.label)
    assert.are.equal(1, r.weight)
    assert.are.same({[3] = 1, [11] = 1.5}, r.features:totable())
    assert.is_nil(ds[11])
    assert.is_nil(ds[0])
  end)

  it("is built from an iterator function", function()
    local i = 0
    local ds = vfl.dataset(function()
      i = i + 1
      if i <= 5 then return {label = i, features = vfl.sparse{[i] = 1}} end
    end)
    assert.are.equal(5, #ds)
    assert.are.equal(4, ds[4].label)
  end)

  it("is built from a list of rows and from ipairs", function()
    local rows = {{label = 1, features = {[2] = 1}}, {label = 0, features = vfl.sparse{[1] = 3}}}
    local a = vfl.dataset(rows)
    local b = vfl.dataset(ipairs(rows))
    assert.are.equal(2, #a)
    assert.are.equal(2, #b)
    assert.are.same({[2] = 1}, a[1].features:totable())
    assert.are.same({[1] = 3}, b[2].features:totable())
  end)

  it("keeps weights and several labels", function()
    local ds = vfl.dataset{{labels = {1, 2, 3}, weight = 0.5, features = vfl.sparse{[1] = 1}}}
    assert.are.equal(3, ds.n_labels)
    assert.are.same({1, 2, 3}, ds[1].labels)
    assert.are.equal(0.5, ds[1].weight)
    assert.is_nil(ds[1].label)
  end)

  it("has named inputs, taken from the first row", function()
    local ds = vfl.dataset(function(emit)
      emit{label = 4.5, user = vfl.sparse{[3] = 1}, item = vfl.sparse{[7] = 1}}
      emit{label = 3, user = vfl.sparse{[1] = 1}, item = {}} -- an empty input: no features
    end)
    assert.are.same({item = 7, user = 3}, ds.dim)
    assert.are.same({"item", "user"}, {ds.inputs[1].name, ds.inputs[2].name})
    assert.are.equal(0, #ds[2].item)
    assert.are.equal("dataset: 2 rows, inputs item (7 features) and user (3 features), 3 non-zeros (41 B)",
      tostring(ds))
  end)

  it("is declared with inputs and grows by append", function()
    local ds = vfl.dataset{inputs = {{name = "x", kind = "dense", dim = 3}, "words"}, labels = 1}
    assert.are.equal(0, #ds)
    assert.are.equal(ds, ds:append{label = 1, x = {1, 2, 3}, words = vfl.sparse{[5] = 1}})
    ds:append{label = 0, x = {0, 0, 1}, words = {}}
    assert.are.equal(2, #ds)
    assert.are.same({1, 2, 3}, ds[1].x)
    assert.are.same({{name = "x", kind = "dense", dim = 3}, {name = "words", kind = "sparse", dim = 5}}, ds.inputs)
    local m = vfl.dataset{inputs = {user = 10, item = {dim = 20}}}
    assert.are.same({item = 20, user = 10}, m.dim)
    local msg = err(m.append, m, {label = 1, user = vfl.sparse{[11] = 1}, item = {}})
    assert.are.equal("ds:append: row 1, input 'user': feature index 10 is beyond the dimension 10", msg)
  end)

  it("starts empty and learns its inputs from the first append", function()
    local ds = vfl.dataset()
    assert.are.equal("dataset: 0 rows (inputs not known until the first row)", tostring(ds))
    ds:append{label = 1, features = vfl.sparse{[2] = 1}}
    assert.are.equal(1, #ds)
  end)

  it("gives rows back exactly around 2^24 features, where stored indices widen", function()
    local top = 2 ^ 24 -- 1-based: the last feature stored in 3 bytes
    local rows = {
      {label = 0, features = vfl.sparse{[1] = 0.25}},
      {label = 1, features = vfl.sparse{[top - 1] = -1.5, [top] = 3}},
      {label = 2, features = vfl.sparse{}},
      {label = 3, features = vfl.sparse{[2] = 1, [top + 1] = 7.125}}, -- the dimension grows past 2^24 here
      {label = 4, features = vfl.sparse{[top] = 1e-20, [2 ^ 31] = 2}},
      {label = 5, features = vfl.sparse{[5] = 1}},
    }
    local ds = vfl.dataset(rows)
    assert.are.equal(2 ^ 31, ds.dim)
    for i, r in ipairs(rows) do
      assert.are.equal(r.label, ds[i].label)
      assert.are.same(r.features:totable(), ds[i].features:totable())
    end
    local before = vfl.dataset{rows[1], rows[2], rows[3]}
    assert.are.equal(top, before.dim)
    assert.are.same({[top - 1] = -1.5, [top] = 3}, before[2].features:totable())
  end)

  it("prints a summary", function()
    assert.are.equal("dataset: 10 rows, 11 features, 20 non-zeros (224 B)", tostring(small(10)))
  end)

  it("splits, in order or shuffled, deterministically", function()
    local ds = small(100)
    local a, b = ds:split(0.9)
    assert.are.equal(90, #a)
    assert.are.equal(10, #b)
    assert.are.same(ds[91].features:totable(), b[1].features:totable())
    local c, d = ds:split(0.9, {shuffle = true, seed = 1})
    local e = ds:split(0.9, {shuffle = true, seed = 1})
    assert.are.equal(90, #c)
    assert.are.equal(10, #d)
    assert.are.same(c[1].features:totable(), e[1].features:totable())
    local moved = 0
    for i = 1, 90 do
      if c[i].features[i] ~= 1 then moved = moved + 1 end
    end
    assert.is_true(moved > 50)
    -- every row lands in exactly one part
    local seen = {}
    for _, part in ipairs{c, d} do
      for i = 1, #part do
        local k = part[i].features:indices()[1]
        assert.is_nil(seen[k])
        seen[k] = true
      end
    end
  end)

  it("shuffles in place and takes subsets", function()
    local ds = small(50)
    local first = ds[1].features:totable()
    assert.are.equal(ds, ds:shuffle(3))
    assert.are.equal(50, #ds)
    local s = ds:subset{2, 1}
    assert.are.equal(2, #s)
    assert.are.same(ds[1].features:totable(), s[2].features:totable())
    assert.is_table(first)
    assert.are.equal("ds:subset: entry 1 is not a row number from 1 to 50", err(ds.subset, ds, {0}))
  end)

  it("reports bad rows with their number and field", function()
    assert.are.equal("emit: row 2: unknown field 'feature' (the dataset's inputs are: features; rows may also have label, labels and weight)",
      err(vfl.dataset, function(emit)
        emit{label = 1, features = vfl.sparse{[1] = 1}}
        emit{label = 1, feature = vfl.sparse{[1] = 1}}
      end))
    assert.are.equal("emit: row 2, field 'features': index 0 is out of range (feature indices start at 1)",
      err(vfl.dataset, function(emit)
        emit{label = 1, features = {[1] = 1}}
        emit{label = 1, features = {[0] = 1}}
      end))
    assert.are.equal("emit: row 2 has no label (the dataset has 1 per row)",
      err(vfl.dataset, function(emit)
        emit{label = 1, features = vfl.sparse{[1] = 1}}
        emit{features = vfl.sparse{[1] = 1}}
      end))
    assert.are.equal("emit: row 1: field 'label' must be a number or a class name (a string), got table",
      err(vfl.dataset, function(emit) emit{label = {}, features = vfl.sparse{}} end))
    assert.are.equal("emit: row 1: weight -1 must be a finite number >= 0",
      err(vfl.dataset, function(emit) emit{label = 1, weight = -1, features = vfl.sparse{}} end))
    local calls = 0
    assert.are.equal("vfl.dataset: the iterator returned number; it must return rows (tables), then nil",
      err(vfl.dataset, function()
        calls = calls + 1
        if calls == 1 then return {label = 1, features = vfl.sparse{}} end
        return 5
      end))
    assert.are.equal(0, #vfl.dataset(function() return 5 end)) -- an emitting function's result is ignored
    assert.are.equal("vfl.dataset: unknown option 'input' (known options: inputs, labels, extras)",
      err(vfl.dataset, function() end, {input = {}}))
  end)

  it("passes errors raised by the row source through", function()
    local msg = err(vfl.dataset, function() error("no more data", 0) end)
    assert.are.equal("no more data", msg)
  end)

  it("is closed explicitly, and use after close is an error", function()
    local ds = small(3)
    ds:close()
    ds:close() -- twice is fine
    assert.are.equal("dataset (closed)", tostring(ds))
    assert.are.equal("ds:split: the dataset has been closed", err(ds.split, ds, 0.5))
    assert.are.equal("ds:append: bad self (vfl.dataset expected, got vfl.net)", err(ds.append, vfl.net(), {}))
  end)

  it("is read-only as a table", function()
    local ds = small(3)
    assert.are.equal("vfl.dataset: datasets cannot be assigned to; add rows with ds:append(row)",
      err(function() ds[1] = {} end))
  end)

  if _VERSION == "Lua 5.4" then
    it("is released by <close>", function()
      local f = assert(load([[
        local vfl = ...
        local keep
        do
          local ds <close> = vfl.dataset{{label = 1, features = vfl.sparse{[1] = 1}}}
          keep = ds
        end
        return tostring(keep)
      ]]))
      assert.are.equal("dataset (closed)", f(vfl))
    end)
  end
end)

describe("vfl.read", function()
  it("reads libsvm text", function()
    local ds = vfl.read.libsvm_text("+1 1:0.5 3:1\n-1 2:1\n", {name = "mem"})
    assert.are.equal(2, #ds)
    assert.are.equal(3, ds.dim)
    assert.are.same({[1] = 0.5, [3] = 1}, ds[1].features:totable())
    assert.are.equal(-1, ds[2].label)
    local wide = vfl.read.libsvm_text("1 1:1\n", {dim = 10})
    assert.are.equal(10, wide.dim)
  end)

  it("reports libsvm errors with their place", function()
    local msg = err(vfl.read.libsvm_text, "1 1:1\n1 x:1\n", {name = "mem"})
    assert.truthy(msg:find("^vfl.read.libsvm_text: mem:2:"), msg)
    local missing = err(vfl.read.libsvm, "/nonexistent/file.svm")
    assert.truthy(missing:find("^vfl.read.libsvm: .*/nonexistent/file.svm"), missing)
    assert.are.equal("vfl.read.libsvm: unknown option 'dims' (known options: dim, hash_bits, labels, input, name, cores, multilabel, classes)",
      err(vfl.read.libsvm, "x", {dims = 3}))
  end)

  it("reads CSV and Vowpal Wabbit text", function()
    local csv = vfl.read.csv_text("y,a,b\n1,0.5,2\n0,1,0\n", {header = true, label = "y"})
    assert.are.equal(2, #csv)
    assert.are.equal(1, csv[1].label)
    local vw = vfl.read.vw_text("1 |a x y\n-1 2 |b z\n", {hash_bits = 10})
    assert.are.equal(2, #vw)
    assert.are.equal(2, vw[2].weight)
    assert.are.equal(1024, vw.dim)
  end)

  it("gives Vowpal Wabbit rows with ascending indices, colliding features added", function()
    local vw = vfl.read.vw_text("1 |f q w e r t y u i o p a s d f g h j k l z x c v b n m\n", {hash_bits = 3})
    local x = vw[1].features
    local idx, total = x:indices(), 0
    for i = 2, #idx do assert.is_true(idx[i - 1] < idx[i], "indices " .. table.concat(idx, " ")) end
    for _, v in ipairs(x:values()) do total = total + v end
    assert.is_true(#idx <= 8)
    assert.are.equal(26, total)
  end)
end)
