-- embedding_spec.lua: the Lua side of the embedding, concat and add kinds
-- (each pool mode on 20 Newsgroups is in examples_spec.lua, run once).
local vfl = require "vfl"

local function err(f, ...)
  local ok, e = pcall(f, ...)
  assert(not ok, "expected an error")
  return tostring(e)
end

describe("vfl.layers.embedding", function()
  it("builds, prints and refuses bad options", function()
    assert.are.equal("vfl.layers.embedding(8, sqrtn, bias)", tostring(vfl.layers.embedding(8, {pool = "sqrtn", bias = true})))
    assert.are.equal("vfl.layers.embedding(8, sum)", tostring(vfl.layers.embedding(8)))
    assert.are.equal("vfl.layers.embedding(4, mean, bias)", tostring(vfl.layers.linear(4, {mean = true})))
    assert.are.equal("vfl.layers.embedding: option 'pool' must be \"sum\", \"mean\", \"sqrtn\" or \"max\", got \"avg\"",
      err(vfl.layers.embedding, 4, {pool = "avg"}))
    local net = vfl.net():add("w", vfl.layers.sparse(10)):add("e", vfl.layers.embedding(4, {pool = "max"}))
      :add("l", vfl.layers.linear(4)):add("c", vfl.layers.concat()):add("s", vfl.layers.add())
      :add("o", vfl.layers.linear(1))
      :wire("w", "e"):wire("w", "l"):wire({"e", "l"}, "c"):wire({"e", "l"}, "s"):wire({"c", "s"}, "o")
    local text = tostring(net)
    assert.truthy(text:find("e     embedding(4, max)    4  w            40", 1, true), text)
    assert.truthy(text:find("c     concat               8  e, l", 1, true), text)
    assert.truthy(text:find("s     add                  4  e, l", 1, true), text)
    net:init{}
    assert.are.equal(1, #net:predict{w = vfl.sparse{[1] = 1, [3] = 2}})
  end)

  it("refuses an add of parents of different widths, naming them", function()
    local net = vfl.net():add("w", vfl.layers.sparse(10)):add("a", vfl.layers.linear(1)):add("b", vfl.layers.linear(3))
      :add("sum", vfl.layers.add()):wire("w", "a"):wire("w", "b"):wire({"a", "b"}, "sum")
    assert.are.equal("net:init: layer 'sum': add takes parents of one width; 'a' has 1, 'b' has 3", err(net.init, net, {}))
    local sparse = vfl.net():add("w", vfl.layers.sparse(10)):add("c", vfl.layers.concat()):add("o", vfl.layers.linear(1))
      :wire("w", "c"):wire("c", "o")
    assert.are.equal("net:init: layer 'c': concat takes dense parents; 'w' is sparse (put an embedding or linear layer "
      .. "between them)", err(sparse.init, sparse, {}))
  end)

  it("learns a DeepFM-style sum of branches and saves and loads it predicting the same", function()
    -- label: 1 when the row holds feature 1 or 2 (once or repeated); the
    -- branches (a max-pooled bag through a hidden layer, a plain linear
    -- part) are added at the output, their concat feeds the hidden layer
    local ds = vfl.dataset(function(emit)
      for i = 1, 400 do
        local a, b = i % 9 + 1, (i * 7) % 9 + 1
        emit{label = (a <= 2 or b <= 2) and 1 or 0, features = vfl.sparse{[a] = 1, [b] = 1, [10] = 0.5}}
      end
    end)
    local net = vfl.net():add("x", vfl.layers.sparse(10))
      :add("bag", vfl.layers.embedding(4, {pool = "max", bias = true})):add("lin", vfl.layers.linear(4))
      :add("both", vfl.layers.concat()):add("h", vfl.layers.linear(1)):add("wide", vfl.layers.linear(1))
      :add("out", vfl.layers.add())
      :wire("x", "bag"):wire("x", "lin"):wire({"bag", "lin"}, "both"):wire("both", "h"):wire("x", "wide")
      :wire({"h", "wide"}, "out")
    net:learn(ds, "logistic", vfl.optim.adagrad{lr = 0.3, epochs = 20})
    local acc = vfl.metrics.accuracy(net, ds)
    assert.is_true(acc >= 0.99, "training accuracy " .. acc)
    local path = os.tmpname()
    net:save(path)
    local again = vfl.load(path)
    os.remove(path)
    assert.are.same(net:predict(ds), again:predict(ds))
    assert.are.equal(tostring(net), tostring(again))
  end)
end)
