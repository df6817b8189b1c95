-- vfl.net, vfl.layers, vfl.priors, vfl.optim: building, printing,
-- parameters, and errors.
local vfl = require "vfl"

local err = require("spec_util").err

local function mlp()
  return vfl.net()
    :stack(vfl.layers.sparse(10))
    :stack(vfl.layers.linear(8))
    :stack(vfl.layers.relu())
    :stack(vfl.layers.linear(1, {prior = vfl.priors.l2(1e-4)}))
end

describe("vfl.net", function()
  it("stacks layers with automatic names and prints a summary", function()
    local net = mlp()
    assert.are.equal(4, #net)
    assert.are.equal(table.concat({
      "vfl.net: 4 layers, 97 parameters (not initialised), link identity",
      "  name     layer       out  parents  params",
      "  sparse1  sparse(10)   10",
      "  linear1  linear(8)     8  sparse1      88",
      "  relu1    relu          8  linear1",
      "  linear2  linear(1)     1  relu1         9  prior l2(0.0001)",
    }, "\n"), tostring(net))
    net:init{seed = 1}
    assert.truthy(tostring(net):find("^vfl.net: 4 layers, 97 parameters, link identity\n"))
  end)

  it("lists its layers", function()
    local layers = mlp():layers()
    assert.are.same({name = "linear1", kind = "linear", dim = 8, parents = {"sparse1"}}, layers[2])
    assert.are.same({}, layers[1].parents)
  end)

  it("builds graphs with several inputs by add and wire", function()
    local g = vfl.net()
    g:add("user", vfl.layers.sparse(100))
    g:add("item", vfl.layers.sparse(50))
    g:add("h", vfl.layers.linear(4)):wire("user", "h"):wire("item", "h")
    g:add("out", vfl.layers.linear(1)); g:wire("h", "out")
    assert.are.equal(table.concat({
      "vfl.net: 4 layers, 609 parameters (not initialised), link identity",
      "  name  layer        out  parents     params",
      "  user  sparse(100)  100",
      "  item  sparse(50)    50",
      "  h     linear(4)      4  user, item     604",
      "  out   linear(1)      1  h                5",
    }, "\n"), tostring(g))
    g:init{}
    assert.truthy(tostring(g):find("^vfl.net: 4 layers, 609 parameters, link identity"))
    local _, rows, cols = g:params("h", "item")
    assert.are.equal(50, rows)
    assert.are.equal(4, cols)
    local out = g:predict{user = vfl.sparse{[1] = 1}, item = vfl.sparse{[2] = 1}}
    assert.are.equal(1, #out)
    assert.are.equal("net:predict: the net has no input called 'users' (its inputs: user, item)",
      err(g.predict, g, {users = vfl.sparse{}}))
  end)

  it("takes names from arguments or layer options", function()
    local net = vfl.net():stack("in", vfl.layers.sparse(3)):stack(vfl.layers.linear(1, {name = "score"}))
    assert.are.same({"in", "score"}, {net:layers()[1].name, net:layers()[2].name})
  end)

  it("refuses vfl.net{...}, which would otherwise be an empty net", function()
    assert.are.equal("vfl.net: takes no arguments, got table; build the net with vfl.net():stack(layer) or :add",
      err(vfl.net, {vfl.layers.sparse(3), vfl.layers.linear(1)}))
  end)

  it("initialises, and reads and writes parameters", function()
    local net = vfl.net():stack(vfl.layers.sparse(3)):stack(vfl.layers.linear(2))
    assert.are.equal("net:params: the net is not initialised: call init first", err(net.params, net, "linear1"))
    net:init{scale = 0.5, seed = 3}
    local w, rows, cols = net:params("linear1")
    assert.are.equal(3, rows)
    assert.are.equal(2, cols)
    assert.are.equal(6, #w)
    for _, v in ipairs(w:totable()) do assert.is_true(math.abs(v) <= 0.5) end
    local bias = net:params("linear1", "bias")
    assert.are.same({0, 0}, bias:totable())
    net:set_params("linear1", 1, {{1, 2}, {3, 4}, {5, 6}})
    assert.are.same({1, 2, 3, 4, 5, 6}, net:params("linear1", 1):totable())
    net:set_params("linear1", "bias", {0.5, -0.5})
    assert.are.same({1 + 5 + 0.5, 2 + 6 - 0.5}, net:forward(vfl.sparse{[1] = 1, [3] = 1}))
    assert.are.equal("net:set_params: argument #3 (3 x 2 values) must hold 6 numbers (got 2)",
      err(net.set_params, net, "linear1", 1, {1, 2}))
    assert.are.equal("net:params: layer 'linear1' has no block 'x' (blocks are 1..2, a parent's name, or \"bias\")",
      err(net.params, net, "linear1", "x"))
    -- same seed, same weights
    local again = vfl.net():stack(vfl.layers.sparse(3)):stack(vfl.layers.linear(2)):init{scale = 0.5, seed = 3}
    local other = vfl.net():stack(vfl.layers.sparse(3)):stack(vfl.layers.linear(2)):init{scale = 0.5, seed = 3}
    assert.are.same((again:params("linear1")), (other:params("linear1")))
  end)

  it("lays rows out at init for an optimizer, and trains the same under any other", function()
    local ds = vfl.dataset(function(emit)
      for i = 0, 199 do emit{label = i % 3 == 0 and 1 or 0, features = vfl.sparse{[1 + i % 10] = 1, [1 + (i * 7) % 10] = 0.5}} end
    end)
    -- for SGD (no state), for AdaGrad (the default), and for ADAM re-laid out to SGD at learn
    local sgd = mlp():init{seed = 5, optim = vfl.optim.sgd{lr = 0.1}}
    local default = mlp():init{seed = 5}
    local adam = mlp():init{seed = 5, optim = vfl.optim.adam{lr = 0.1}}
    assert.are.same((sgd:params("linear1")), (default:params("linear1")))
    for _, net in ipairs{sgd, default, adam} do net:learn(ds, "logistic", vfl.optim.sgd{lr = 0.1, epochs = 2}, {seed = 3}) end
    assert.are_not.same((mlp():init{seed = 5}:params("linear1")), (sgd:params("linear1")))
    assert.are.same((sgd:params("linear1")), (default:params("linear1")))
    assert.are.same((sgd:params("linear1")), (adam:params("linear1")))
    assert.are.same((sgd:params("linear2")), (adam:params("linear2")))
    -- learn on a net not yet initialised lays it out for its own optimizer
    local lazy, eager = mlp(), mlp():init{seed = 1}
    for _, net in ipairs{lazy, eager} do net:learn(ds, "logistic", vfl.optim.sgd{lr = 0.1, epochs = 2}, {seed = 3}) end
    assert.are.same((eager:params("linear1")), (lazy:params("linear1")))
    assert.are.equal("net:init: optim must be a vfl.optim (vfl.optim.sgd{...}), got string",
      err(mlp().init, mlp(), {optim = "sgd"}))
  end)

  it("predicts from a row ds[i] of a dataset whose one input is dense", function()
    local ds = vfl.dataset{inputs = {{name = "features", kind = "dense", dim = 3}}, labels = 1}
    ds:append{label = 1, features = {0.5, 1.0, -1}}
    ds:append{label = 0, features = {1, 0, 2}}
    local net = vfl.net():stack(vfl.layers.dense(3)):stack(vfl.layers.linear(1)):init{seed = 2}
    local all = net:predict(ds)
    for i = 1, #ds do
      assert.are.equal(all[i], net:predict(ds[i])[1])
    end
    assert.are.same(net:forward({1, 0, 2}), net:forward(ds[2]))
  end)

  it("sets and reports its link", function()
    local net = mlp():init{}
    assert.are.equal("identity", net:link())
    net:set_link("sigmoid")
    assert.are.equal("sigmoid", net:link())
    local p = net:predict(vfl.sparse{[1] = 1})[1]
    assert.is_true(p > 0 and p < 1)
    assert.are.equal("net:set_link: bad argument #1 (\"identity\", \"sigmoid\" or \"softmax\" expected, got logit)",
      err(net.set_link, net, "logit"))
  end)

  it("attaches priors with per-feature strengths and centres at init", function()
    local center = {}
    for i = 1, 3 do center[i] = {1, 1} end
    local net = vfl.net():stack(vfl.layers.sparse(3)):stack(vfl.layers.linear(2, {
      prior = {vfl.priors.l2(0.1, {per_feature = {1, 2, 3}, center = center}), vfl.priors.positive()},
      optim = vfl.optim.sgd{lr = 0.01}}))
    assert.truthy(tostring(net):find("prior l2(0.1, per feature, centred), positive  optim sgd{lr=0.01}", 1, true),
      tostring(net))
    net:init{}
    -- wired as it is added (stack): the sizes are checked at once
    local bad = vfl.net():stack(vfl.layers.sparse(3))
    assert.are.equal("net:stack: layer 'linear1': prior 1 (l2) has 2 per-row strengths; its weights have 3 rows",
      err(bad.stack, bad, vfl.layers.linear(2, {prior = vfl.priors.l2(0.1, {per_feature = {1, 2}})})))
  end)

  it("takes priors declared before the layer's parents are wired, checked at init", function()
    local center = {{1, 1}, {1, 1}, {1, 1}}
    local net = vfl.net():add("x", vfl.layers.sparse(3)):add("d", vfl.layers.dense(2))
      :add("out", vfl.layers.linear(2, {prior = vfl.priors.l2(1000, {parent = "x", center = center})}))
      :wire({"d", "x"}, "out")
    net:init{}
    local ds = vfl.dataset{inputs = {{name = "x", kind = "sparse", dim = 3}, {name = "d", kind = "dense", dim = 2}},
                           labels = 2}
    ds:append{labels = {0, 0}, x = vfl.sparse{[1] = 1, [2] = 1, [3] = 1}, d = {1, 1}}
    net:learn(ds, "square", vfl.optim.sgd{lr = 1e-3, epochs = 1})  -- one step: lr x 1000 pulls the weights onto 1
    local w = net:params("out", "x")
    for i = 1, 6 do assert.is_true(math.abs(w[i] - 1) < 0.2, "weight " .. i .. ": " .. w[i]) end
    local bad = vfl.net():add("x", vfl.layers.sparse(3)):add("d", vfl.layers.dense(2))
      :add("out", vfl.layers.linear(2, {prior = vfl.priors.l1(0.1, {parent = "x", center = {1, 2, 3}})}))
      :wire({"x", "d"}, "out")
    assert.are.equal("net:init: layer 'out': prior 1 (l1) has a center of 3 numbers; its weights are 3 x 2 (6)",
      err(bad.init, bad, {}))
    local wrong = vfl.net():add("x", vfl.layers.sparse(3))
      :add("out", vfl.layers.linear(2, {prior = vfl.priors.l2(0.1, {parent = "y"})})):wire("x", "out")
    assert.are.equal("net:init: layer 'out': prior 1 (l2) names the parent 'y', which is not wired into it",
      err(wrong.init, wrong, {}))
  end)

  it("reports engine errors with their context", function()
    local net = vfl.net():stack(vfl.layers.sparse(3))
    assert.are.equal("net:stack: the net has a layer called 'sparse1' already",
      err(net.stack, net, "sparse1", vfl.layers.relu()))
    -- the engine's "wire: " is not said twice after net:wire
    assert.are.equal("net:wire: the net has no layer called 'nope'", err(net.wire, net, "nope", "sparse1"))
    assert.are.equal("net:init: the output layer 'sparse1' is sparse; end the net with a linear layer",
      err(net.init, net, {}))
    assert.are.equal("net:init: the net has no layers", err(vfl.net().init, vfl.net(), {}))
    local two = vfl.net():stack(vfl.layers.sparse(3)):stack(vfl.layers.relu())
    assert.are.equal("net:init: layer 'relu1': its parent 'sparse1' is sparse; put a linear layer between them",
      err(two.init, two))
    local ready = mlp():init{}
    assert.are.equal("net:stack: layer 'x': the net is initialised; layers cannot be added any more",
      err(ready.stack, ready, "x", vfl.layers.relu()))
  end)

  it("checks its arguments and options", function()
    local net = vfl.net()
    assert.are.equal("net:stack: bad argument #1 (vfl.layer expected, got number)", err(net.stack, net, 5))
    assert.are.equal("net:stack: bad self (vfl.net expected, got vfl.dataset)", err(net.stack, vfl.dataset(), vfl.layers.relu()))
    assert.are.equal("vfl.layers.sparse: argument #1 (dim) must be an integer from 1 to 4294967295, got 0",
      err(vfl.layers.sparse, 0))
    assert.are.equal("vfl.layers.linear: unknown option 'bias' (known options: intercept, mean, prior, optim, name)",
      err(vfl.layers.linear, 3, {bias = true}))
    assert.are.equal("vfl.layers.linear: option 'intercept' must be a boolean, got number",
      err(vfl.layers.linear, 3, {intercept = 1}))
    assert.are.equal("vfl.layers.linear: option 'prior' must be a vfl.prior (vfl.priors.l2(...)) or a list of them, got number",
      err(vfl.layers.linear, 3, {prior = 1}))
    assert.are.equal("vfl.layers.dropout: argument #1 (rate) must be in [0, 1), got 1", err(vfl.layers.dropout, 1))
    assert.are.equal("vfl.layers.cross: pairs[1][2] (a group id) must be an integer from 1 to 256, got 0",
      err(vfl.layers.cross, {bits = 4, pairs = {{1, 0}}}))
    assert.are.equal("vfl.priors.l2: argument #1 (lambda) must be >= 0, got -1", err(vfl.priors.l2, -1))
    assert.are.equal("vfl.optim.adam: the learning rate must be above 0, got 0", err(vfl.optim.adam, {lr = 0}))
    assert.are.equal("vfl.optim.sgd: unknown option 'beta1' (known options: lr, schedule, warmup, every, factor, epochs, batch)",
      err(vfl.optim.sgd, {beta1 = 0.9}))
    assert.are.equal("net:init: unknown option 'sed' (known options: scale, seed, optim)", err(mlp().init, mlp(), {sed = 1}))
  end)

  it("describes layers, priors and optimizers", function()
    assert.are.equal("vfl.layers.embedding(64, mean)", tostring(vfl.layers.linear(64, {intercept = false, mean = true})))
    assert.are.equal("vfl.layers.cross(2 pairs, 12 bits)", tostring(vfl.layers.cross{bits = 12, pairs = {{1, 2}, {1, 3}}}))
    assert.are.equal("vfl.layers.dropout(0.25)", tostring(vfl.layers.dropout(0.25)))
    assert.are.equal("vfl.priors.l1(0.5)", tostring(vfl.priors.l1(0.5)))
    local o = vfl.optim.adagrad{lr = 0.1, epochs = 4, batch = 256}
    assert.are.equal("vfl.optim.adagrad{lr=0.1, epochs=4, batch=256}", tostring(o))
    assert.are.same({"adagrad", 4, 256}, {o.kind, o.epochs, o.batch})
    assert.are.equal("adam", vfl.optim.adam(0.01).kind)
    local l = vfl.layers.sparse(7, {name = "words"})
    assert.are.same({"sparse", 7, "words"}, {l.kind, l.dim, l.name})
  end)

  it("is closed explicitly, and use after close is an error", function()
    local net = mlp()
    net:close()
    assert.are.equal("vfl.net (closed)", tostring(net))
    assert.are.equal("net:init: the net has been closed", err(net.init, net, {}))
    assert.are.equal(0, #net)
  end)

  it("has a metatable with __name and a methods table", function()
    local mt = getmetatable(vfl.net())
    assert.are.equal("vfl.net", mt.__name)
    assert.are.equal(mt.methods, mt.__index)
    for _, m in ipairs{"stack", "add", "wire", "init", "learn", "predict", "forward", "params", "set_params",
                       "save", "close", "link", "set_link", "layers"} do
      assert.is_function(mt.methods[m], m)
    end
  end)
end)
