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
    assert.are.equal("vfl.layers.embedding: option 'pool' must be \"sum\", \"mean\", \"sqrtn\", \"max\" or \"wmean\", "
      .. "got \"avg\"",
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

-- pool = "wmean": the value-weighted sum over the sum of the |values|. The
-- text readers merge a repeated word into one feature valued by its count,
-- so over a text this is fastText's hidden layer: one row per token, divided
-- by the token count. The rows and counts below are chosen so that every
-- sum is exact in floats (multiples of 1/8, token counts of 4 and 8), so
-- the outputs are compared for equality, not within a tolerance.
describe("vfl.layers.embedding{pool = \"wmean\"}", function()
  local bits = 10

  -- a bag over 2^bits rows whose row r is ((7r mod 16) - 8) / 4, ...
  local function bag_net(pool, bias)
    local net = vfl.net():stack(vfl.layers.sparse(2 ^ bits))
      :stack("bag", vfl.layers.embedding(3, {pool = pool, bias = bias})):init{seed = 1}
    local rows = {}
    for r = 1, 2 ^ bits do rows[r] = {((r * 7) % 16 - 8) / 4, ((r * 3) % 16 - 8) / 8, ((r * 5) % 16 - 8) / 2} end
    net:set_params("bag", 1, rows)
    if bias then net:set_params("bag", "bias", {0.5, -0.25, 2}) end
    return net, rows
  end

  -- fastText's way: one row per token (repeats added again), / the tokens
  local function per_token_mean(rows, text)
    local y, n = {0, 0, 0}, 0
    for token in text:gmatch("%S+") do
      local row = rows[vfl.hash.words(token, {bits = bits}):indices()[1]]
      for c = 1, 3 do y[c] = y[c] + row[c] end
      n = n + 1
    end
    for c = 1, 3 do y[c] = y[c] / n end
    return y
  end

  it("gives sum(count_j * W_j) / sum(count_j) on a text's counts: the mean over its tokens", function()
    local texts = {"a b a a", "c c d e f g h c", "b a b a", "h"}
    local path = os.tmpname()
    local f = assert(io.open(path, "w"))
    for i, t in ipairs(texts) do f:write("__label__", i % 2, " ", t, "\n") end
    f:close()
    local ds = vfl.read.fasttext(path, {bits = bits})
    os.remove(path)
    local net, rows = bag_net("wmean")
    local got = net:forward(ds)
    for i, t in ipairs(texts) do
      local x = vfl.hash.words(t, {bits = bits})
      local want, total = {0, 0, 0}, 0
      for j, v in x:pairs() do
        for c = 1, 3 do want[c] = want[c] + v * rows[j][c] end
        total = total + v
      end
      for c = 1, 3 do want[c] = want[c] / total end
      assert.are.same(want, got[i], t)
      assert.are.same(per_token_mean(rows, t), got[i], t)
    end
    -- "a b a a" is two features, a counted 3 times: the mean pool divides
    -- by the 2 features, not the 4 tokens, and its sum is not a's 3 rows
    local mean = bag_net("mean"):forward(vfl.hash.words("a b a a", {bits = bits}))
    assert.are_not.same(got[1], mean)
  end)

  it("equals the mean pool fed each token's row once per occurrence", function()
    -- the same 4 tokens, "a" repeated on three features of its own (each a copy of a's row)
    local net, rows = bag_net("wmean")
    local a, b = vfl.hash.words("a", {bits = bits}):indices()[1], vfl.hash.words("b", {bits = bits}):indices()[1]
    local copies = vfl.net():stack(vfl.layers.sparse(4)):stack("bag", vfl.layers.embedding(3, {pool = "mean"})):init{seed = 1}
    copies:set_params("bag", 1, {rows[a], rows[b], rows[a], rows[a]})
    assert.are.same(copies:forward(vfl.sparse({1, 2, 3, 4}, 1)), net:forward(vfl.hash.words("a b a a", {bits = bits})))
  end)

  it("divides by the sum of the |values| and pools an empty or all-zero row to 0", function()
    local net, rows = bag_net("wmean", true)
    local bias = {0.5, -0.25, 2}
    local y = net:forward(vfl.sparse({1, 2}, {2, -2}))
    for c = 1, 3 do assert.are.equal(bias[c] + (2 * rows[1][c] - 2 * rows[2][c]) / 4, y[c]) end
    assert.are.same(bias, net:forward(vfl.sparse{}))
    assert.are.same(bias, net:forward(vfl.sparse({1, 2}, {0, 0})))
    local sum = bag_net("sum", true):forward(vfl.sparse({1, 2}, {0.5, 0.5}))
    assert.are.same(sum, net:forward(vfl.sparse({1, 2}, {0.5, 0.5}))) -- |values| sum to 1: the plain sum
  end)

  it("prints, saves and loads as wmean, and explains a prediction by each token's share", function()
    local ds = vfl.dataset(function(emit)
      for i = 1, 200 do
        local y = i % 2
        local text = (y == 1 and "good fine good " or "bad poor bad ") .. ("w" .. i % 7)
        emit{label = y, features = vfl.hash.words(text, {bits = bits})}
      end
    end)
    local net = vfl.net():stack(vfl.layers.sparse(2 ^ bits)):stack("bag", vfl.layers.embedding(4, {pool = "wmean"}))
      :stack(vfl.layers.linear(2, {intercept = false})):init{seed = 1}
    net:learn(ds, "multinomial", vfl.optim.sgd{lr = 0.5, epochs = 20, schedule = "linear"})
    assert.is_true(vfl.metrics.accuracy(net, ds) == 1)
    local path = os.tmpname()
    net:save(path)
    local again = vfl.load(path)
    os.remove(path)
    assert.truthy(tostring(again):find("embedding(4, wmean)", 1, true), tostring(again))
    assert.are.same(net:forward(ds), again:forward(ds))
    -- no bias anywhere: the contributions add up to the class's output
    -- minus the mean of the outputs, each token's row scaled by 1 / 4
    local x = vfl.hash.words("good fine good w3", {bits = bits})
    local e = again:explain(x, {class = 2, n = 10})
    local out, total = again:forward(x), 0
    for _, c in ipairs(e.features) do total = total + c.contribution end
    assert.are.equal(3, #e.features)
    assert.is_true(math.abs(total - (out[2] - (out[1] + out[2]) / 2)) < 1e-5, total)
  end)
end)
