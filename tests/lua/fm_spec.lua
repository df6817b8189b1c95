-- The factorization machines of issue 12: vfl.layers.fm and vfl.layers.ffm
-- (src/core/layers/fm.c, ffm.c). The forward pass against the double loop,
-- the gradients and bit-identical save/load are checked in C
-- (tests/c/test_fm.c, test_gradcheck.c); here: what they learn, how they
-- print, their options' errors, and a save and load from Lua.
local vfl = require "vfl"

local err = require("spec_util").err

-- Two groups of 4 values; the label is the parity of their sum: no weight
-- per value tells it (each value is positive in half the rows), a weight
-- per pair of values does.
local function parity2(grouped)
  return vfl.dataset(function(emit)
    for i = 0, 799 do
      local a, b = i % 4, math.floor(i / 4) % 4
      local x = grouped and vfl.sparse{[vfl.hash.group(1, a)] = 1, [vfl.hash.group(2, b)] = 1}
        or vfl.sparse{[1 + a] = 1, [5 + b] = 1}
      emit{label = (a + b) % 2, x = x}
    end
  end)
end

local function trained(input, layer, ds, seed)
  local net = vfl.net():stack("x", input):stack(layer)
  net:init{seed = seed or 1}
  net:learn(ds, "logistic", vfl.optim.adagrad{lr = 0.3, epochs = 20}, {cores = 1})
  return net
end

describe("vfl.layers.fm", function()
  it("learns a parity of two groups that a linear model cannot", function()
    local ds = parity2(false)
    local fm = trained(vfl.layers.sparse(8), vfl.layers.fm(4), ds)
    assert.are.equal(1, vfl.metrics.accuracy(fm, ds))
    local pairs_only = trained(vfl.layers.sparse(8), vfl.layers.fm(4, {linear = false}), ds)
    assert.are.equal(1, vfl.metrics.accuracy(pairs_only, ds))
    local linear = trained(vfl.layers.sparse(8), vfl.layers.linear(1), ds)
    assert.is_true(vfl.metrics.accuracy(linear, ds) <= 0.75, "linear: " .. vfl.metrics.accuracy(linear, ds))
    local hashed = trained(vfl.layers.grouped(2 ^ 26), vfl.layers.fm(4, {bits = 12}), parity2(true))
    assert.are.equal(1, vfl.metrics.accuracy(hashed, parity2(true)))
  end)

  it("prints its k, the pairwise-only form and its bits, and counts its parameters", function()
    assert.are.equal("vfl.layers.fm(8)", tostring(vfl.layers.fm(8)))
    assert.are.equal("vfl.layers.fm(8, pairwise only, 20 bits)", tostring(vfl.layers.fm(8, {linear = false, bits = 20})))
    local net = vfl.net():stack("x", vfl.layers.sparse(100)):stack("fm", vfl.layers.fm(4))
    net:init{seed = 1}
    assert.truthy(tostring(net):find("fm    fm(4)          1  x           501", 1, true), tostring(net))
    local _, rows, cols = net:params("fm") -- a row [w_i, v_i] per feature, then w0
    assert.are.same({100, 5}, {rows, cols})
    local w0 = net:params("fm", "bias"):totable()
    assert.are.equal(1, #w0)
    assert.are.equal(0, w0[1]) -- a bias: starts at zero
    local pairs = vfl.net():stack("x", vfl.layers.sparse(100)):stack("fm", vfl.layers.fm(4, {linear = false}))
    pairs:init{seed = 1}
    assert.are.same({100, 4}, {select(2, pairs:params("fm"))})
  end)

  it("names the option or the parent that is wrong", function()
    assert.are.equal("vfl.layers.fm: argument #1 (k, factors per feature) must be an integer from 1 to 1024, got 0",
      err(vfl.layers.fm, 0))
    assert.are.equal("vfl.layers.fm: option 'bits' must be an integer from 1 to 31, got 40",
      err(vfl.layers.fm, 4, {bits = 40}))
    assert.are.equal("vfl.layers.ffm: unknown option 'pool' (known options: linear, bits, prior, optim, name)",
      err(vfl.layers.ffm, 4, {pool = "sum"}))
    local dense = vfl.net():stack("d", vfl.layers.dense(3)):stack(vfl.layers.fm(2))
    assert.are.equal("net:init: layer 'fm1': an fm layer's parent must be sparse or grouped, 'd' is dense",
      err(dense.init, dense))
    local wide = vfl.net():stack("g", vfl.layers.grouped(3 * 2 ^ 24)):stack(vfl.layers.fm(2))
    assert.are.equal("net:init: layer 'fm1': its parent 'g' has 50331648 ids, too many for one row each; "
      .. "give bits to hash them into 2^bits rows", err(wide.init, wide))
  end)
end)

describe("vfl.layers.ffm", function()
  it("learns the parity from its fields, saves and loads", function()
    local ds = parity2(true)
    local net = trained(vfl.layers.grouped(2 * 2 ^ 24), vfl.layers.ffm(2, {bits = 10}), ds)
    assert.truthy(tostring(net):find("ffm(2, 10 bits)", 1, true), tostring(net))
    assert.are.equal(1, vfl.metrics.accuracy(net, ds))
    local path = os.tmpname()
    net:save(path)
    local back = vfl.load(path)
    os.remove(path)
    for i = 1, 16 do assert.are.same(net:predict(ds[i]), back:predict(ds[i])) end
    net:save(path, {quantize = "q8"}) -- the deployment storages handle its blocks like any other
    local q8 = vfl.load(path)
    os.remove(path)
    assert.are.equal(1, vfl.metrics.accuracy(q8, ds))
    local sparse = vfl.net():stack("s", vfl.layers.sparse(8)):stack(vfl.layers.ffm(2))
    assert.are.equal("net:init: layer 'ffm1': an ffm layer's parent must be a grouped input (its groups are the "
      .. "fields), 's' is not", err(sparse.init, sparse))
  end)
end)
