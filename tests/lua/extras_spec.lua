-- Extras: fields an adapter attaches to a row beside its label, weight and
-- inputs. The dataset stores them (in C), carries them through subset,
-- split and shuffle, and a Lua loss reads them as row.<name> on every core.
local vfl = require "vfl"

local err = require("spec_util").err

-- Row i has feature i (1..n), user = i, name = "u<i>", boost = 1 + (i % 4) / 2
-- and vip = (i % 5 == 0); the label alternates.
local function tagged(n)
  return vfl.dataset(function(emit)
    for i = 1, n do
      emit{label = i % 2, features = {[i] = 1}, user = i, name = "u" .. i, boost = 1 + (i % 4) / 2, vip = i % 5 == 0}
    end
  end)
end

-- The one feature index of a row that has one.
local function only_feature(row)
  return (next(row.features:totable()))
end

describe("extras", function()
  it("come back with each row, in their Lua types", function()
    local ds = tagged(10)
    assert.are.same({"boost", "name", "user", "vip"}, ds.extras)
    local r = ds[5]
    assert.are.equal(5, r.user)
    assert.are.equal("u5", r.name)
    assert.are.equal(1.5, r.boost)
    assert.is_true(r.vip)
    assert.is_false(ds[4].vip)
    if math.type then assert.are.equal("integer", math.type(r.user)) end
    assert.matches("extras boost, name, user, vip$", tostring(ds))
  end)

  it("may first appear in a later row, and are nil where a row has none", function()
    local ds = vfl.dataset(function(emit)
      emit{label = 1, features = {[1] = 1}}
      emit{label = 0, features = {[2] = 1}, note = "with\0zero"}
    end)
    assert.are.same({"note"}, ds.extras)
    assert.is_nil(ds[1].note)
    assert.are.equal("with\0zero", ds[2].note)
    -- a part of such a dataset takes new extras too
    local part = ds:subset{1}
    part:append{label = 1, features = {}, source = "late"}
    assert.are.same({"note", "source"}, part.extras)
  end)

  it("follow their rows through shuffle, split and subset", function()
    local ds = tagged(200)
    ds:shuffle(11)
    local a, b = ds:split(0.5)
    for _, part in ipairs{a, b, ds:subset{7, 3, 150}} do
      for i = 1, #part do
        local r = part[i]
        assert.are.equal(only_feature(r), r.user)
        assert.are.equal("u" .. only_feature(r), r.name)
      end
    end
  end)

  it("are declared with extras = {...}, and a declared dataset refuses unknown fields", function()
    local ds = vfl.dataset{inputs = {"features"}, extras = {"user"}}
    ds:append{label = 1, features = {[3] = 1}, user = "ada"}
    assert.are.equal("ada", ds[1].user)
    assert.are.equal("ds:append: row 2: unknown field 'usr' (the dataset's inputs are: features; its extras are: user; "
      .. "rows may also have label, labels and weight)", err(ds.append, ds, {label = 1, features = {}, usr = 3}))
    assert.are.equal("vfl.dataset: option 'extras' must be a list of names, got string",
      err(vfl.dataset, {inputs = {"features"}, extras = "user"}))
    assert.are.equal("vfl.dataset: dataset extra 'words': the dataset has an input of that name",
      err(vfl.dataset, {inputs = {"words"}, extras = {"words"}}))
  end)

  it("come from the readers: CSV columns listed in extras, Vowpal Wabbit tags", function()
    local csv = vfl.read.csv_text("y,user,x\n1,ada,2\n0,,3\n", {header = true, label = "y", extras = {"user"}})
    assert.are.same({"user"}, csv.extras)
    assert.are.equal("ada", csv[1].user)
    assert.is_nil(csv[2].user)
    assert.are.equal("vfl.read.csv_text: reading \"<string>\": extras: no column is named \"usr\"",
      err(vfl.read.csv_text, "y,user\n1,a\n", {header = true, label = "y", extras = {"usr"}}))
    local vw = vfl.read.vw_text("1 'ex1 |a x\n0 |a y\n")
    assert.are.equal("ex1", vw[1].tag)
    assert.is_nil(vw[2].tag)
  end)

  it("cannot take a name the row view uses", function()
    assert.are.equal("vfl.dataset: 'id' cannot be an extra: row.id has a meaning of its own; give the field another name",
      err(vfl.dataset, {inputs = {"features"}, extras = {"id"}}))
    assert.are.equal("emit: row 2: 'id' cannot be an extra: row.id has a meaning of its own; give the field another name",
      err(vfl.dataset, function(emit)
        emit{label = 1, features = {}}
        emit{label = 1, features = {}, id = 7}
      end))
  end)
end)

describe("a Lua loss reading extras", function()
  local exp, log = math.exp, math.log

  -- The logistic loss scaled by the row's boost extra.
  local function boosted(out, row, grad)
    local y, p = row.label, 1 / (1 + exp(-out[1]))
    grad[1] = (p - y) * row.boost
    return -(y * log(p + 1e-12) + (1 - y) * log(1 - p + 1e-12)) * row.boost
  end

  local function net_for(dim)
    return vfl.net():stack(vfl.layers.sparse(dim)):stack(vfl.layers.linear(1)):init{seed = 5}
  end

  it("trains like the built-in loss with the same numbers as row weights", function()
    local ds = tagged(2000)
    local weighted = vfl.dataset(function(emit)
      for i = 1, #ds do
        local r = ds[i]
        emit{label = r.label, features = r.features, weight = r.boost}
      end
    end)
    local a, b = net_for(2000), net_for(2000)
    local opt = vfl.optim.sgd{lr = 0.05, epochs = 2}
    a:learn(weighted, "logistic", opt, {cores = 1})
    b:learn(ds, boosted, opt, {cores = 1})
    for _, i in ipairs{1, 2, 777, 2000} do
      local x = vfl.sparse{[i] = 1}
      assert.is_true(math.abs(a:forward(x)[1] - b:forward(x)[1]) < 1e-5, "feature " .. i)
    end
  end)

  it("sees every row's own extras on 2 cores", function()
    local ds = tagged(3000)
    local function checking(out, row, grad)
      local f = next(row.features:totable())
      if row.user ~= f or row.name ~= "u" .. f or row.vip ~= (f % 5 == 0) then
        error("row " .. row.id .. " carries the extras of another row")
      end
      grad[1] = 0
      return 1
    end
    local stats = net_for(3000):learn(ds, checking, vfl.optim.sgd{epochs = 3}, {cores = 2})
    assert.is_false(stats.stopped)
    assert.are.equal(1, stats.loss) -- every call returned 1: the loss ran
  end)

  it("sees them when the rows stream from an iterator", function()
    local i, n = 0, 5000
    local function rows()
      i = i + 1
      if i > n then return nil end
      return {label = i % 2, features = {[i] = 1}, user = i}
    end
    -- While streaming the loss runs on worker states (the caller's state
    -- runs the iterator); every call returns 1, so a mean of 1 shows it ran.
    local function checking(out, row, grad)
      if row.user ~= next(row.features:totable()) then error("row " .. row.id .. ": wrong extra") end
      grad[1] = 0
      return 1
    end
    for _, cores in ipairs{1, 2} do
      i = 0
      local stats = net_for(n):learn(rows, checking, nil, {cores = cores, chunk = 512})
      assert.are.equal(n, stats.rows)
      assert.are.equal(1, stats.loss)
    end
  end)
end)
