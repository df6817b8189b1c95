-- The layer kinds and priors that issue 11 added: crosses of any order,
-- dropout on a sparse input, an L1 prior centred on a matrix, a positivity
-- prior with a floor, and per-feature L2 strengths that scale lambda.
local vfl = require "vfl"

local err = require("spec_util").err

-- Three binary groups; the label is their parity, which no pair of groups
-- tells apart but their triple does.
local function parity3()
  return vfl.dataset(function(emit)
    for i = 0, 799 do
      local a, b, c = i % 2, math.floor(i / 2) % 2, math.floor(i / 4) % 2
      emit{label = (a + b + c) % 2, features = vfl.sparse{
        [vfl.hash.group(1, a)] = 1, [vfl.hash.group(2, b)] = 1, [vfl.hash.group(3, c)] = 1}}
    end
  end)
end

local function crossed(spec)
  return vfl.net():stack(vfl.layers.grouped(2^26)):stack(vfl.layers.cross(spec)):stack(vfl.layers.linear(1))
end

describe("vfl.layers.cross of any order", function()
  it("learns a three-way parity from triples, which pairs cannot", function()
    local ds = parity3()
    local triples = crossed{bits = 12, crosses = {{1, 2, 3}}}
    assert.truthy(tostring(triples):find("cross(1 triples, 12 bits)", 1, true), tostring(triples))
    triples:learn(ds, "logistic", vfl.optim.adagrad{lr = 0.5, epochs = 10})
    assert.are.equal(1, vfl.metrics.accuracy(triples, ds))
    local pairs = crossed{bits = 12, pairs = {{1, 2}, {1, 3}, {2, 3}}}
    pairs:learn(ds, "logistic", vfl.optim.adagrad{lr = 0.5, epochs = 10})
    assert.is_true(vfl.metrics.accuracy(pairs, ds) < 0.9)
  end)

  it("describes crosses of four and refuses mixed orders", function()
    assert.are.equal("vfl.layers.cross(1 crosses of 4, 8 bits)",
      tostring(vfl.layers.cross{bits = 8, crosses = {{1, 2, 2, 3}}}))
    assert.are.equal("vfl.layers.cross: crosses[2] crosses 2 groups, crosses[1] crosses 3; one cross layer takes "
      .. "crosses of one order (use one layer per order)",
      err(vfl.layers.cross, {bits = 8, crosses = {{1, 2, 3}, {1, 2}}}))
    assert.are.equal("vfl.layers.cross: option 'pairs' takes pairs; crosses of 3 groups go in 'crosses'",
      err(vfl.layers.cross, {bits = 8, pairs = {{1, 2, 3}}}))
    assert.are.equal("vfl.layers.cross: crosses[1] must list 2 to 8 group ids like {1, 2, 3}",
      err(vfl.layers.cross, {bits = 8, crosses = {{1, 2, 3, 4, 5, 6, 7, 8, 9}}}))
    assert.are.equal("vfl.layers.cross: give 'crosses' or 'pairs', not both",
      err(vfl.layers.cross, {bits = 8, pairs = {{1, 2}}, crosses = {{1, 2}}}))
  end)

  it("saves and loads a net with triples", function()
    local ds = parity3()
    local net = crossed{bits = 12, crosses = {{1, 2, 3}}}
    net:learn(ds, "logistic", vfl.optim.adagrad{lr = 0.5, epochs = 3})
    local path = os.tmpname()
    net:save(path)
    local back = vfl.load(path)
    os.remove(path)
    for i = 1, 8 do assert.are.same(net:predict(ds[i]), back:predict(ds[i])) end
  end)
end)

describe("vfl.layers.dropout on a sparse input", function()
  it("drops features while training only, and still learns", function()
    local ds = vfl.dataset(function(emit)
      for i = 0, 999 do
        local on = i % 2
        emit{label = on, features = vfl.sparse{[1 + on] = 1, [3 + i % 5] = 1}}
      end
    end)
    local net = vfl.net():stack(vfl.layers.sparse(8)):stack(vfl.layers.dropout(0.3)):stack(vfl.layers.linear(1))
    assert.truthy(tostring(net):find("dropout1  dropout(0.3)    8  sparse1", 1, true), tostring(net))
    net:init{seed = 2}
    local before = net:forward(ds[1])
    assert.are.same(before, net:forward(ds[1])) -- inference keeps every feature
    net:learn(ds, "logistic", vfl.optim.adagrad{lr = 0.3, epochs = 5})
    assert.are.equal(1, vfl.metrics.accuracy(net, ds))
  end)
end)

describe("priors", function()
  local function data()
    return vfl.dataset(function(emit)
      for i = 0, 399 do
        local f = 1 + i % 4
        emit{label = (f <= 2) and -3 or 3, features = vfl.sparse{[f] = 1}}
      end
    end)
  end

  local function trained(prior)
    local net = vfl.net():stack(vfl.layers.sparse(4))
      :stack(vfl.layers.linear(1, {intercept = false, prior = prior})):init{seed = 1}
    net:learn(data(), "square", vfl.optim.sgd{lr = 0.05, epochs = 20})
    return net:params("linear1"):totable()
  end

  it("l1 with a center shrinks the weights onto it", function()
    local center = {0.5, -0.25, 1, 2}
    local w = trained(vfl.priors.l1(1000, {center = center}))
    assert.are.same({0.5, -0.25, 1, 2}, w)
    assert.are.equal("vfl.priors.l1(1000, centred)", tostring(vfl.priors.l1(1000, {center = center})))
  end)

  it("positive with a floor keeps the weights at or above it", function()
    local w = trained(vfl.priors.positive{floor = 0.25})
    for i = 1, 2 do assert.are.equal(0.25, w[i]) end -- pushed towards -3, held at the floor
    for i = 3, 4 do assert.is_true(w[i] > 2.5) end
    assert.are.equal("vfl.priors.positive(floor 0.25)", tostring(vfl.priors.positive{floor = 0.25}))
    assert.are.equal("vfl.priors.positive: option 'floor' must be a finite number, got inf",
      err(vfl.priors.positive, {floor = math.huge}))
  end)

  it("l2 per_feature multiplies lambda (lambda 0 means no prior at all)", function()
    local free = trained(nil)
    assert.are.same(free, trained(vfl.priors.l2(0, {per_feature = {100, 100, 100, 100}})))
    local held = trained(vfl.priors.l2(0.5, {per_feature = {20, 0, 0, 0}}))
    -- strength 0.5 x 20 = 10 on feature 1: each step balances -(w + 3) against 10 w, so w -> -3/11
    assert.is_true(math.abs(held[1] + 3 / 11) < 0.02, tostring(held[1]))
    assert.is_true(math.abs(held[2] - free[2]) < 1e-6)
  end)
end)
