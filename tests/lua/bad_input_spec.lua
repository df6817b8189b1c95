-- Bad input through the Lua API, each with its exact error: malformed and
-- non-finite text, indices out of range, empty input, labels a loss cannot
-- take, rows and examples missing a named input, broken graphs, zero-width
-- layers, files given to the wrong reader, the wrong kind of object, and a
-- diverging run that keeps its last good weights.
-- (tests/repl/test_bad_input.py feeds the same mistakes to the REPL.)
local vfl = require "vfl"

local err = require("spec_util").err

local function tmpname(suffix)
  local name = os.tmpname()
  os.remove(name)
  return name .. suffix
end

local function write(path, text)
  local f = assert(io.open(path, "wb"))
  f:write(text)
  f:close()
end

local function logistic_net(dim)
  local net = vfl.net():stack(vfl.layers.sparse(dim)):stack(vfl.layers.linear(1))
  net:init{seed = 1}
  return net
end

-- user (sparse, 5) and item (dense, 2) feeding one output
local function two_inputs()
  local g = vfl.net()
    :add(vfl.layers.sparse(5, {name = "user"}))
    :add(vfl.layers.dense(2, {name = "item"}))
    :add(vfl.layers.linear(1, {name = "out"}))
    :wire("user", "out"):wire("item", "out")
  g:init{seed = 1}
  return g
end

describe("bad text", function()
  it("names the place of a malformed line", function()
    assert.are.equal('vfl.read.libsvm_text: <string>:1:5: value "abc" is not a number',
      err(vfl.read.libsvm_text, "1 3:abc\n"))
    assert.are.equal("vfl.read.csv_text: <string>:2:2: value \"x\" is not a number, but the column's first value "
      .. "(line 1) was; list the column in categorical", err(vfl.read.csv_text, "1,2\n1,x\n"))
    assert.are.equal("vfl.read.vw_text: <string>:1:1: expected '|' and features after the label",
      err(vfl.read.vw_text, "1 a b\n"))
  end)

  it("refuses NaN and Inf values and labels", function()
    assert.are.equal("vfl.read.libsvm_text: t.svm:1:5: value nan is not finite",
      err(vfl.read.libsvm_text, "1 3:nan\n", {name = "t.svm"}))
    assert.are.equal("vfl.read.libsvm_text: t.svm:1:1: label -inf is not finite",
      err(vfl.read.libsvm_text, "-inf 3:1\n", {name = "t.svm"}))
    assert.are.equal("vfl.read.vw_text: <string>:1:8: value inf is not finite", err(vfl.read.vw_text, "1 |f a:inf\n"))
    assert.are.equal("emit: row 1: label 1 is not a finite number",
      err(vfl.dataset, function(emit) emit{label = 0 / 0, features = vfl.sparse{[1] = 1}} end))
    local d = vfl.dataset{inputs = {{name = "x", kind = "dense", dim = 2}}}
    assert.are.equal("ds:append: row 1, input 'x': value nan is not a finite number",
      err(d.append, d, {label = 1, x = {1, 0 / 0}}))
    assert.are.equal("ds:append: row 1, input 'x': value -inf is not a finite number",
      err(d.append, d, {label = 1, x = {-math.huge, 1}}))
    assert.are.equal("ds:append: row 1: weight nan must be a finite number >= 0",
      err(d.append, d, {label = 1, weight = 0 / 0, x = {1, 1}}))
  end)

  it("refuses indices beyond the dimension, zero and negative ones", function()
    assert.are.equal("vfl.read.libsvm_text: <string>:1:3: feature index 7 is beyond the declared dimension 5",
      err(vfl.read.libsvm_text, "1 7:1\n", {dim = 5}))
    assert.are.equal("vfl.read.libsvm_text: <string>:1:3: feature index 0 is not allowed (libsvm indices start at 1)",
      err(vfl.read.libsvm_text, "1 0:1\n"))
    assert.are.equal("vfl.read.libsvm_text: <string>:1:3: feature index -2 is negative (libsvm indices start at 1)",
      err(vfl.read.libsvm_text, "1 -2:1\n"))
    local net = logistic_net(10)
    assert.are.equal("net:predict: input 'sparse1': feature index 11 is beyond the dimension 10",
      err(net.predict, net, vfl.sparse{[11] = 1}))
    assert.are.equal("net:predict: input 'sparse1': index 0 is out of range (feature indices start at 1)",
      err(net.predict, net, {[0] = 1}))
  end)

  it("reads empty files as no rows, which learn refuses", function()
    local path = tmpname(".svm")
    write(path, "")
    local empty = vfl.read.libsvm(path)
    assert.are.equal(0, #empty)
    write(path, "\n  \n")
    assert.are.equal(0, #vfl.read.libsvm(path))
    assert.are.equal(0, #vfl.read.csv(path))
    write(path, "\n# only a comment\n")
    assert.are.equal(0, #vfl.read.libsvm(path))
    assert.are.equal(0, #vfl.read.vw_text(""))
    os.remove(path)
    assert.are.equal("net:learn: the dataset has no rows", err(logistic_net(4).learn, logistic_net(4), empty, "logistic"))
  end)

  it("reads very long lines and shortens long tokens in messages", function()
    local parts = {"1"}
    for i = 1, 200000 do parts[#parts + 1] = i .. ":0.5" end
    local ds = vfl.read.libsvm_text(table.concat(parts, " ") .. "\n")
    assert.are.equal(200000, ds.nnz)
    assert.are.equal('vfl.read.libsvm_text: <string>:1:5: value "' .. string.rep("x", 37) .. '..." is not a number',
      err(vfl.read.libsvm_text, "1 3:" .. string.rep("x", 100000) .. "\n"))
  end)
end)

describe("labels a loss cannot take", function()
  it("names the row and the label", function()
    local ds = vfl.read.libsvm_text("1 1:1\n2 2:1\n")
    local net = logistic_net(10)
    assert.are.equal("net:learn: row 2: label 2 is not binary (the hinge loss takes 0/1 or -1/+1)",
      err(net.learn, net, ds, "hinge"))
    local three = vfl.net():stack(vfl.layers.sparse(10)):stack(vfl.layers.linear(3))
    assert.are.equal("net:learn: row 2: label 3 is not a class id for 3 outputs (multinomial labels are 0..2)",
      err(three.learn, three, vfl.read.libsvm_text("0 1:1\n3 2:1\n"), "multinomial"))
  end)
end)

describe("a missing named input", function()
  it("is an error in a dataset row, not an empty input", function()
    assert.are.equal("emit: row 2 has no 'user' (an input of the dataset); give user = {} for a row without features",
      err(vfl.dataset, function(emit)
        emit{label = 1, user = vfl.sparse{[1] = 1}, item = vfl.sparse{[2] = 1}}
        emit{label = 0, item = vfl.sparse{[3] = 1}}
      end))
    local ds = vfl.dataset(function(emit)
      emit{label = 1, user = vfl.sparse{[1] = 1}, item = vfl.sparse{[2] = 1}}
      emit{label = 0, user = {}, item = vfl.sparse{[3] = 1}} -- an empty input, said so
    end)
    assert.are.equal(0, #ds[2].user)
  end)

  it("is an error in an example to predict", function()
    local g = two_inputs()
    assert.are.equal("net:predict: input 'user' is missing; give user = {} for an example without features",
      err(g.predict, g, {item = {1, 2}}))
    assert.are.equal("net:predict: the dense input 'item' needs a table of 2 numbers",
      err(g.predict, g, {user = vfl.sparse{[1] = 1}}))
    assert.are.equal("net:predict: input 'item': dense value 2 is not a finite number",
      err(g.predict, g, {user = {}, item = {1, 0 / 0}}))
    assert.are.equal("net:predict: the dense input 'item': element 2 must be a number, got string",
      err(g.predict, g, {user = {}, item = {1, "x"}}))
    assert.is_number(g:predict{user = {}, item = {1, 2}}[1])
  end)
end)

describe("broken graphs", function()
  it("refuses a cycle when the net is initialised", function()
    local c = vfl.net()
      :add(vfl.layers.sparse(4, {name = "x"}))
      :add(vfl.layers.linear(2, {name = "a"}))
      :add(vfl.layers.linear(2, {name = "b"}))
      :wire("x", "a"):wire("a", "b"):wire("b", "a")
    assert.are.equal("net:init: the net has a cycle through layer 'a'", err(c.init, c, {}))
    assert.are.equal("net:wire: wire 'b' -> 'b': a layer cannot be its own parent", err(c.wire, c, "b", "b"))
  end)

  it("refuses zero-width layers", function()
    assert.are.equal("vfl.layers.linear: argument #1 (outputs) must be an integer from 1 to 4294967295, got 0",
      err(vfl.layers.linear, 0))
    assert.are.equal("vfl.layers.dense: argument #1 (dim) must be an integer from 1 to 4294967295, got 0",
      err(vfl.layers.dense, 0))
    assert.are.equal("vfl.layers.sparse: argument #1 (dim) must be an integer from 1 to 4294967295, got 0",
      err(vfl.layers.sparse, 0))
    assert.are.equal("vfl.dataset: dataset input 'x': a dense input needs a dimension above 0",
      err(vfl.dataset, {inputs = {{name = "x", kind = "dense", dim = 0}}}))
  end)
end)

describe("the wrong kind of file or object", function()
  it("says what a file is, or is not", function()
    local model, svm = tmpname(".vfl"), tmpname(".svm")
    logistic_net(4):save(model)
    write(svm, "1 1:1\n")
    assert.are.equal('vfl.read.libsvm: "' .. model .. '" is a vfl model file, not libsvm text: load it as a model',
      err(vfl.read.libsvm, model))
    assert.are.equal('vfl.read.csv: "' .. model .. '" is a vfl model file, not CSV text: load it as a model',
      err(vfl.read.csv, model))
    assert.are.equal('vfl.read.vw: "' .. model .. '" is a vfl model file, not Vowpal Wabbit text: load it as a model',
      err(vfl.read.vw, model))
    assert.are.equal('vfl.load: "' .. svm .. '" is not a vfl model file', err(vfl.load, svm))
    os.remove(model)
    os.remove(svm)
  end)

  it("names the object it expected", function()
    local net, ds = logistic_net(4), vfl.read.libsvm_text("1 1:1\n")
    assert.are.equal("net:learn: bad self (vfl.net expected, got vfl.dataset)", err(net.learn, ds, ds, "logistic"))
    assert.are.equal("net:learn: bad argument #1 (vfl.dataset expected, got vfl.net)", err(net.learn, net, net))
    assert.are.equal("vfl.load: bad argument #1 (file name expected, got vfl.dataset)", err(vfl.load, ds))
    assert.are.equal("net:save: bad self (vfl.net expected, got vfl.dataset)", err(net.save, ds, "x.vfl"))
  end)
end)

describe("a diverging run", function()
  -- Every step is exact (see tests/c/test_bad_diverge.c): w = 0.5, x = 1,
  -- label 0, SGD lr 3 doubles |w| each step; the loss of step 130 is
  -- infinite, in epoch 3 of 50 rows.
  local function doubling()
    local net = vfl.net():stack(vfl.layers.sparse(1)):stack(vfl.layers.linear(1, {intercept = false}))
    net:init{}
    net:set_params("linear1", 1, {0.5})
    local rows = {}
    for i = 1, 50 do rows[i] = {label = 0, features = vfl.sparse{[1] = 1}} end
    return net, vfl.dataset(rows)
  end

  it("names the epoch and the layer and keeps the last good weights", function()
    local net, ds = doubling()
    assert.are.equal("net:learn: training diverged: the loss of row 1 is infinite in epoch 3; lower the learning rate. "
      .. "Non-finite values first appear in layer 'linear1' (its weights); the weights are restored to the end of epoch 2",
      err(net.learn, net, ds, "square", vfl.optim.sgd{lr = 3, epochs = 10}, {seed = 11}))
    assert.are.equal(2 ^ 99, net:params("linear1")[1])
    local again = doubling()
    again:learn(ds, "square", vfl.optim.sgd{lr = 3, epochs = 2}, {seed = 11})
    assert.are.same(again:params("linear1"), net:params("linear1"))
  end)

  it("leaves the weights as they are with keep_last_good = false", function()
    local net, ds = doubling()
    local msg = err(net.learn, net, ds, "square", vfl.optim.sgd{lr = 3, epochs = 10}, {seed = 11, keep_last_good = false})
    assert.are.equal("net:learn: training diverged: the loss of row 1 is infinite in epoch 3; lower the learning rate. "
      .. "Non-finite values first appear in layer 'linear1' (its weights)", msg)
    assert.are.equal(-math.huge, net:params("linear1")[1])
  end)
end)
