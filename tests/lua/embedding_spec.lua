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
end)
