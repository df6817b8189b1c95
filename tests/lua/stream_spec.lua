-- net:learn(iterator, ...): rows pulled from a Lua iterator in chunks while
-- the workers train, with bounded memory.
local vfl = require "vfl"

local err = require("spec_util").err

-- An iterator over n rows of a separable problem (label: feature 1..50 or 51..100).
local function rows(n, seed)
  local i = 0
  return function()
    i = i + 1
    if i > n then return nil end
    seed = (seed * 1103515245 + 12345) % 2147483648
    local positive = seed % 2 == 1
    local base = positive and 0 or 50
    return {label = positive and 1 or 0, features = vfl.sparse{[base + seed % 50 + 1] = 1, [101 + seed % 7] = 1}}
  end
end

local function net()
  return vfl.net():stack(vfl.layers.sparse(110)):stack(vfl.layers.linear(1)):init{seed = 1}
end

describe("streaming from an iterator", function()
  local test = vfl.dataset(rows(2000, 99))

  it("learns like training on a dataset", function()
    for _, cores in ipairs{1, 2} do
      local n = net()
      local stats = n:learn(rows(20000, 1), "logistic", vfl.optim.adagrad{lr = 0.1}, {cores = cores, chunk = 1000})
      assert.are.equal(20000, stats.rows)
      assert.is_false(stats.stopped)
      assert.is_true(vfl.metrics.evaluate(n, test, {"accuracy"}).accuracy > 0.99)
    end
  end)

  it("runs a Lua loss on the workers while the iterator runs", function()
    local n = net()
    local function logistic(out, row, grad)
      local p = 1 / (1 + math.exp(-out[1]))
      grad[1] = p - row.label
      return 0
    end
    n:learn(rows(20000, 2), logistic, vfl.optim.adagrad{lr = 0.1}, {cores = 1, chunk = 500})
    n:set_link("sigmoid")
    assert.is_true(vfl.metrics.evaluate(n, test, {"accuracy"}).accuracy > 0.99)
  end)

  it("reports errors of the iterator with the row", function()
    local n = net()
    local i = 0
    local function bad()
      i = i + 1
      if i == 2500 then return {label = 1, features = "oops"} end
      return {label = 1, features = vfl.sparse{[1] = 1}}
    end
    assert.are.equal("net:learn: the iterator: row 2500, field 'features' must be a vfl.sparse or a table, got string",
      err(n.learn, n, bad, "logistic", nil, {chunk = 1000}))
    i = 0
    local function failing()
      i = i + 1
      if i == 1500 then error("the socket closed", 0) end
      return {label = 0, features = vfl.sparse{[2] = 1}}
    end
    assert.are.equal("net:learn: the socket closed", err(n.learn, n, failing, "logistic", nil, {chunk = 1000}))
    assert.are.equal("net:learn: the iterator gave no rows", err(n.learn, n, function() return nil end, "logistic"))
    assert.are.equal("net:learn: an iterator is read once; epochs must be 1 (call learn again for another pass)",
      err(n.learn, n, rows(10, 1), "logistic", vfl.optim.sgd{lr = 0.1, epochs = 3}))
    -- the net still works
    assert.are.equal(100, n:learn(rows(100, 3), "logistic").rows)
  end)
end)
