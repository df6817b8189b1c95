-- net:learn: built-in and Lua losses, nonlinear problems, callbacks,
-- stopping, progress, and errors.
local vfl = require "vfl"

local err = require("spec_util").err

-- XOR of two binary variables, one-hot encoded: features 1/2 for a, 3/4 for b.
local function xor_data(n)
  return vfl.dataset(function(emit)
    for i = 0, n - 1 do
      local a, b = i % 2, math.floor(i / 2) % 2
      emit{label = (a + b) % 2, features = vfl.sparse{[1 + a] = 1, [3 + b] = 1}}
    end
  end)
end

local function small_mlp(seed)
  return vfl.net():stack(vfl.layers.sparse(4)):stack(vfl.layers.linear(4)):stack(vfl.layers.tanh())
    :stack(vfl.layers.linear(1)):init{seed = seed, scale = 0.5}
end

-- The logistic loss written in Lua.
local function logistic(out, row, grad)
  local y = row.label > 0 and 1 or -1
  local m = -y * out[1]
  grad[1] = -y / (1 + math.exp(-m))
  if m > 0 then return m + math.log(1 + math.exp(-m)) end
  return math.log(1 + math.exp(m))
end

-- Sleeps about s seconds of CPU (no os.sleep in plain Lua).
local function spin(s)
  local t = os.clock()
  while os.clock() - t < s do end
end

describe("net:learn", function()
  it("cannot learn XOR linearly but can with a hidden layer", function()
    local ds = xor_data(400)
    local lin = vfl.net():stack(vfl.layers.sparse(4)):stack(vfl.layers.linear(1))
    lin:learn(ds, "logistic", vfl.optim.adagrad{lr = 0.5, epochs = 20})
    assert.is_true(vfl.metrics.accuracy(lin, ds) <= 0.75)
    local net = vfl.net():stack(vfl.layers.sparse(4)):stack(vfl.layers.linear(8)):stack(vfl.layers.tanh())
      :stack(vfl.layers.linear(1))
    net:init{seed = 3, scale = 0.5}
    local stats = net:learn(ds, "logistic", vfl.optim.adagrad{lr = 0.3, epochs = 50})
    assert.are.equal(1, vfl.metrics.accuracy(net, ds))
    assert.are.equal(50, stats.epochs)
    assert.is_false(stats.stopped)
    assert.is_true(stats.loss < 0.1)
    assert.is_true(stats.seconds >= 0)
    assert.are.equal("sigmoid", net:link())
    local p = net:predict(vfl.sparse{[2] = 1, [3] = 1})[1] -- a=1, b=0: XOR is 1
    assert.is_true(p > 0.9, p)
  end)

  it("initialises an uninitialised net itself", function()
    local net = vfl.net():stack(vfl.layers.sparse(4)):stack(vfl.layers.linear(1))
    net:learn(xor_data(8), "square")
    assert.is_number(net:forward(vfl.sparse{[1] = 1})[1])
  end)

  it("accepts a loss written in Lua that matches the built-in logistic", function()
    local ds = xor_data(200)
    local a, b = small_mlp(7), small_mlp(7)
    local sa = a:learn(ds, "logistic", vfl.optim.sgd{lr = 0.1, epochs = 3})
    local sb = b:learn(ds, logistic, vfl.optim.sgd{lr = 0.1, epochs = 3})
    assert.is_true(math.abs(sa.loss - sb.loss) < 1e-6, sa.loss .. " vs " .. sb.loss)
    local wa, wb = a:params("linear1"), b:params("linear1")
    for i = 1, #wa do assert.is_true(math.abs(wa[i] - wb[i]) < 1e-5) end
    b:set_link("sigmoid") -- a Lua loss does not set the link
    for _, x in ipairs{vfl.sparse{[1] = 1, [3] = 1}, vfl.sparse{[2] = 1, [3] = 1}} do
      assert.is_true(math.abs(a:predict(x)[1] - b:predict(x)[1]) < 1e-5)
    end
  end)

  it("can wrap a built-in loss from vfl.losses", function()
    local ds = xor_data(100)
    local a, b = small_mlp(5), small_mlp(5)
    a:learn(ds, "logistic", vfl.optim.sgd{lr = 0.1, epochs = 2})
    b:learn(ds, function(out, row, grad) return vfl.losses.logistic(out, row, grad) end,
      vfl.optim.sgd{lr = 0.1, epochs = 2})
    assert.are.same(a:params("linear2"), b:params("linear2"))
    local g = {0}
    assert.is_true(math.abs(vfl.losses.logistic({0}, 1, g) - math.log(2)) < 1e-6)
    assert.is_true(math.abs(g[1] + 0.5) < 1e-6)
    assert.is_true(math.abs(vfl.losses.square({3}, {label = 1}) - 2) < 1e-6)
  end)

  it("gives a Lua loss views of out, grad and the row", function()
    local ds = vfl.dataset{{label = 1, weight = 2, features = vfl.sparse{[2] = 1}},
                           {label = 0, weight = 1, features = vfl.sparse{[1] = 3}}}
    local net = vfl.net():stack(vfl.layers.sparse(2)):stack(vfl.layers.linear(2)):init{}
    -- The loss runs in a worker's own lua_State: it checks what it sees there
    -- and raises on a difference (its upvalues are copies).
    local want = {{1, 2, 1, 1, 2, 1, true}, {0, 1, 1, 0, 1, 3, true}}
    local function check(out, row, grad)
      local f = row.features:totable()
      local k = next(f)
      local seen = {row.label, row.weight, #row.labels, row.labels[1], k, f[k],
                    tostring(row.features) == tostring(row.features:copy())}
      for i, v in ipairs(want[row.id]) do
        if seen[i] ~= v then error(("row %d, item %d: %s, not %s"):format(row.id, i, tostring(seen[i]), tostring(v))) end
      end
      if #out ~= 2 or #grad ~= 2 or out[3] ~= nil then error("views of the wrong length") end
      grad[1], grad[2] = 0.1, -0.1
      return 0.5
    end
    local stats = net:learn(ds, check, vfl.optim.sgd{lr = 0.1}, {shuffle = false})
    assert.are.equal(0.5, stats.loss)
  end)

  it("reports errors raised by a Lua loss, with the row", function()
    local ds = xor_data(4)
    local net = small_mlp(1)
    assert.matches("^net:learn: the loss function failed on row 1: boom\nstack traceback:",
      err(net.learn, net, ds, function() error("boom", 0) end, nil, {shuffle = false}))
    assert.are.equal("net:learn: the loss function must return the loss (a number), got nil",
      err(net.learn, net, ds, function() end))
    assert.matches("^net:learn: the loss function failed on row 1: vfl.view: gradient index 2 is out of range 1..1\n",
      err(net.learn, net, ds, function(out, row, grad) grad[2] = 1; return 0 end, nil, {shuffle = false}))
    assert.matches("^net:learn: the loss function failed on row 1: vfl.view: the output view is read%-only\n",
      err(net.learn, net, ds, function(out) out[1] = 1; return 0 end, nil, {shuffle = false}))
    -- the net is still usable
    net:learn(ds, "logistic")
  end)

  it("calls on_batches about every N batches, and stops on \"stop\"", function()
    local seen = {}
    local net = small_mlp(3)
    local stats = net:learn(xor_data(4000), "logistic", vfl.optim.sgd{lr = 0.05, epochs = 500, batch = 10}, {
      every = 50, cores = 2,
      on_batches = function(batches, s)
        seen[#seen + 1] = batches
        assert.are.equal("number", type(s.loss))
        if #seen == 4 then return "stop" end
      end})
    assert.is_true(stats.stopped)
    assert.are.equal("callback", stats.reason)
    assert.are.equal(4, #seen)
    for i, b in ipairs(seen) do
      assert.is_true(b >= 50 * i, "call " .. i .. " came at batch " .. b)
      if i > 1 then assert.is_true(b > seen[i - 1]) end
    end
    assert.are.equal("net:learn: option 'every' goes with 'on_batches'",
      err(net.learn, net, xor_data(4), "logistic", nil, {every = 3}))
  end)

  it("takes epochs and batch from the optimizer or the options, and refuses two different values", function()
    local ds, net = xor_data(8), small_mlp(1)
    assert.are.equal("net:learn: epochs is given twice, 5 in the optimizer and 2 in the options: remove one of them",
      err(net.learn, net, ds, "logistic", vfl.optim.adagrad{epochs = 5}, {epochs = 2}))
    assert.are.equal("net:learn: batch is given twice, 4 in the optimizer and 2 in the options: remove one of them",
      err(net.learn, net, ds, "logistic", vfl.optim.sgd{batch = 4}, {batch = 2}))
    assert.are.equal(3, net:learn(ds, "logistic", vfl.optim.adagrad{epochs = 3}).epochs)
    assert.are.equal(2, net:learn(ds, "logistic", vfl.optim.adagrad{}, {epochs = 2}).epochs)
    assert.are.equal(3, net:learn(ds, "logistic", vfl.optim.adagrad{epochs = 3}, {epochs = 3}).epochs)
  end)

  it("calls on_epoch and stops when it returns \"stop\"", function()
    local net, seen = small_mlp(2), {}
    local stats = net:learn(xor_data(40), "logistic", vfl.optim.sgd{lr = 0.1, epochs = 10}, {
      on_epoch = function(epoch, s)
        seen[#seen + 1] = {epoch, s.epoch, s.epochs, s.done, s.total, type(s.loss)}
        if epoch == 3 then return "stop" end
      end})
    assert.are.same({{1, 1, 10, 40, 40, "number"}, {2, 2, 10, 40, 40, "number"}, {3, 3, 10, 40, 40, "number"}}, seen)
    assert.is_true(stats.stopped)
    assert.are.equal("callback", stats.reason)
    assert.are.equal(3, stats.epochs)
    assert.is_number(net:predict(vfl.sparse{[1] = 1})[1])
  end)

  it("lets on_epoch evaluate and save the net, but not change it or its data", function()
    local ds, net, aucs = xor_data(40), small_mlp(2), {}
    local path = os.tmpname()
    net:learn(ds, "logistic", vfl.optim.sgd{lr = 0.1, epochs = 2}, {on_epoch = function(epoch)
      aucs[epoch] = vfl.metrics.auc(net, ds)
      net:save(path)
      assert.are.equal("net:init: the net is being trained and cannot change until net:learn returns",
        err(net.init, net, {}))
      assert.are.equal("ds:append: the dataset is being used by net:learn and cannot change until it returns",
        err(ds.append, ds, ds[1]))
      assert.are.equal("ds:close: the dataset is being used by net:learn and cannot change until it returns",
        err(ds.close, ds))
    end})
    os.remove(path)
    assert.are.equal(2, #aucs)
    ds:append(ds[1]) -- free again
    assert.are.equal(41, #ds)
  end)

  it("raises errors from on_epoch after stopping", function()
    local net = small_mlp(2)
    assert.are.equal("net:learn: on_epoch failed: oops",
      err(net.learn, net, xor_data(8), "logistic", nil, {epochs = 3, on_epoch = function() error("oops", 0) end}))
  end)

  it("stops on request (Ctrl-C) and keeps the model", function()
    local ds = xor_data(2000)
    local net, calls = small_mlp(4), 0
    local stats = net:learn(ds, function(out, row, grad)
      calls = calls + 1 -- the worker's own copy of calls
      if calls == 10 then
        vfl.request_stop()
        spin(0.1) -- the trainer polls the flag every 20 ms
      end
      return logistic(out, row, grad)
    end, vfl.optim.sgd{lr = 0.1, epochs = 5})
    assert.is_true(stats.stopped)
    assert.are.equal("interrupted", stats.reason)
    assert.are.equal(0, stats.epochs)
    assert.are.same({}, stats.history) -- no epoch finished
    assert.is_number(net:predict(vfl.sparse{[1] = 1})[1])
    -- the next learn starts afresh
    local again = net:learn(ds, "logistic", vfl.optim.sgd{lr = 0.1, epochs = 1})
    assert.is_false(again.stopped)
  end)

  it("reports progress to a function, on the caller's thread", function()
    local ds = xor_data(4000)
    local net, reports = small_mlp(6), {}
    net:learn(ds, function(out, row, grad)
      spin(0.00005)
      return logistic(out, row, grad)
    end, vfl.optim.sgd{lr = 0.05, epochs = 1}, {progress_every = 0.02, progress = function(p)
      reports[#reports + 1] = p
    end})
    assert.is_true(#reports >= 1, #reports)
    local p = reports[1]
    assert.are.same({1, 1, 4000}, {p.epoch, p.epochs, p.total})
    assert.is_true(p.done >= 0 and p.done <= 4000) -- counters are published every 256 rows
    assert.is_number(p.examples_per_s)
  end)

  it("draws its progress bar from lua/vfl/progress.lua", function()
    local net = small_mlp(6)
    local stats = net:learn(xor_data(40), "logistic", vfl.optim.sgd{lr = 0.1, epochs = 2}, {progress = true})
    assert.are.equal(2, stats.epochs)
    assert.are.equal("net:learn: option 'progress' must be a boolean or a function, got string",
      err(net.learn, net, xor_data(4), "logistic", nil, {progress = "yes"}))
  end)

  it("learns several classes and several inputs", function()
    local ds = vfl.dataset(function(emit)
      for i = 1, 300 do
        local c = i % 3
        emit{label = c, user = vfl.sparse{[c + 1] = 1}, item = vfl.sparse{[(i % 5) + 1] = 1}}
      end
    end)
    local g = vfl.net()
    g:add("user", vfl.layers.sparse(3)):add("item", vfl.layers.sparse(5))
    g:add("out", vfl.layers.linear(3)):wire({"user", "item"}, "out")
    g:learn(ds, "multinomial", vfl.optim.adagrad{lr = 0.5, epochs = 10})
    assert.are.equal("softmax", g:link())
    assert.is_true(vfl.metrics.accuracy(g, ds) > 0.99)
    local p = g:predict(ds[2])
    assert.are.equal(3, #p)
    assert.is_true(math.abs(p[1] + p[2] + p[3] - 1) < 1e-5)
    local all = g:predict(ds)
    assert.are.equal(300, #all)
    assert.are.same(p, all[2])
  end)

  it("checks its arguments", function()
    local net, ds = small_mlp(1), xor_data(4)
    assert.are.equal("net:learn: bad argument #1 (vfl.dataset expected, got no value)", err(net.learn, net))
    assert.are.equal("net:learn: bad argument #2 (unknown loss 'logit' (logistic, square, multinomial, hinge, multilabel, \"module.function\", or a function))",
      err(net.learn, net, ds, "logit"))
    assert.are.equal("net:learn: bad argument #3 (vfl.optim expected (vfl.optim.sgd{...}), got table)",
      err(net.learn, net, ds, "logistic", {lr = 1}))
    assert.are.equal("net:learn: unknown option 'core' (known options: cores, progress, progress_every, on_epoch, seed, shuffle, epochs, batch, chunk, keep_last_good, every, on_batches, valid, metrics, class_weights, schedule_rows)",
      err(net.learn, net, ds, "logistic", nil, {core = 2}))
    assert.are.equal("net:learn: the dataset has no rows", err(net.learn, net, vfl.dataset(), "logistic"))
    local wide = vfl.dataset{{label = 1, features = vfl.sparse{[9] = 1}}}
    assert.are.equal("net:learn: input layer 'sparse1' has dimension 4 but the dataset's input 'features' has 9",
      err(net.learn, net, wide, "logistic"))
    local three = vfl.dataset{{label = 3, features = vfl.sparse{[1] = 1}}}
    local msg = err(net.learn, net, three, "multinomial")
    assert.truthy(msg:find("^net:learn: "), msg)
  end)

  it("learns XOR from the cross of two groups of a grouped input", function()
    local ds = vfl.dataset(function(emit)
      for i = 0, 399 do
        local a, b = i % 2, math.floor(i / 2) % 2
        emit{label = (a + b) % 2, features = vfl.sparse{[vfl.hash.group(1, a)] = 1, [vfl.hash.group(2, b)] = 1}}
      end
    end)
    local net = vfl.net():stack(vfl.layers.grouped(2^25)):stack(vfl.layers.cross{bits = 10, pairs = {{1, 2}}})
      :stack(vfl.layers.linear(1))
    assert.truthy(tostring(net):find("cross1    cross(1 pairs, 10 bits)      1024  grouped1", 1, true), tostring(net))
    net:learn(ds, "logistic", vfl.optim.adagrad{lr = 0.5, epochs = 10})
    assert.are.equal(1, vfl.metrics.accuracy(net, ds))
  end)

  it("learns on several cores", function()
    local ds = xor_data(4000)
    local net = vfl.net():stack(vfl.layers.sparse(4)):stack(vfl.layers.linear(8)):stack(vfl.layers.tanh())
      :stack(vfl.layers.linear(1)):init{seed = 3, scale = 0.5}
    net:learn(ds, "logistic", vfl.optim.adagrad{lr = 0.1, epochs = 5, batch = 8}, {cores = 2})
    assert.is_true(vfl.metrics.accuracy(net, ds) > 0.99)
  end)
end)
