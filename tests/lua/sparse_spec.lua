-- vfl.sparse and vfl.hash: construction, reading, printing, errors.
local vfl = require "vfl"

local err = require("spec_util").err

describe("vfl.sparse", function()
  it("builds from a map, 1-based, sorted", function()
    local x = vfl.sparse{[17] = 0.5, [3] = 1.0}
    assert.are.equal(2, #x)
    assert.are.equal(1.0, x[3])
    assert.are.equal(0.5, x[17])
    assert.are.equal(0, x[4])
    assert.are.equal(0, x[0])
    assert.are.same({3, 17}, x:indices())
    assert.are.same({1.0, 0.5}, x:values())
    assert.are.same({[3] = 1.0, [17] = 0.5}, x:totable())
    assert.are.equal(2, x:nnz())
    assert.are.equal(17, x:dim())
  end)

  it("builds from index and value lists, or one value for all", function()
    assert.are.equal(vfl.sparse{[3] = 1.0, [17] = 0.5}, vfl.sparse({17, 3}, {0.5, 1.0}))
    local z = vfl.sparse({5, 2, 9}, 2)
    assert.are.same({[2] = 2, [5] = 2, [9] = 2}, z:totable())
    local ones = vfl.sparse({4, 1}, 1)
    assert.are.same({1, 1}, ones:values())
  end)

  it("accepts integral floats and the largest index, 2^32", function()
    local x = vfl.sparse{[2^20] = 1, [2^32] = 3}
    assert.are.same({2^20, 2^32}, x:indices())
    assert.are.equal(3, x[2^32])
    assert.are.equal(2^32, x:dim())
  end)

  it("is empty with no features", function()
    local x = vfl.sparse{}
    assert.are.equal(0, #x)
    assert.are.equal("sparse{}", tostring(x))
    assert.are.equal(0, x:dim())
  end)

  it("prints readably and summarises long vectors", function()
    assert.are.equal("sparse{[3]=1, [17]=0.5}", tostring(vfl.sparse{[3] = 1.0, [17] = 0.5}))
    local t = {}
    for i = 1, 20 do t[i] = i end
    assert.are.equal("sparse(20 non-zeros){[1]=1, [2]=2, [3]=3, [4]=4, [5]=5, [6]=6, [7]=7, [8]=8, ...}",
      tostring(vfl.sparse(t)))
  end)

  it("iterates its non-zeros in index order", function()
    local got = {}
    for i, v in vfl.sparse{[9] = 2, [4] = 1}:pairs() do got[#got + 1] = {i, v} end
    assert.are.same({{4, 1}, {9, 2}}, got)
  end)

  it("compares by value", function()
    assert.are.equal(vfl.sparse{[1] = 1}, vfl.sparse{[1] = 1})
    assert.are_not.equal(vfl.sparse{[1] = 1}, vfl.sparse{[1] = 2})
    assert.are_not.equal(vfl.sparse{[1] = 1}, vfl.sparse{[2] = 1})
  end)

  it("copies", function()
    local x = vfl.sparse{[2] = 3}
    local y = x:copy()
    assert.are.equal(x, y)
    assert.are.equal(x, vfl.sparse(x))
  end)

  it("names the argument when an index is 0", function()
    assert.are.equal("vfl.sparse: argument #1: index 0 is out of range (feature indices start at 1)",
      err(vfl.sparse, {[0] = 1}))
    assert.are.equal("vfl.sparse: argument #1: index 0 at position 2 is out of range (feature indices start at 1)",
      err(vfl.sparse, {3, 0}, {1, 1}))
  end)

  it("rejects bad indices and values with exact messages", function()
    assert.are.equal("vfl.sparse: argument #1: index -2 is out of range (feature indices start at 1)",
      err(vfl.sparse, {[-2] = 1}))
    assert.are.equal("vfl.sparse: argument #1: index 1.5 is not an integer", err(vfl.sparse, {[1.5] = 1}))
    assert.are.equal("vfl.sparse: argument #1: key 'a' is not a feature index (indices are integers from 1 to 2^32)",
      err(vfl.sparse, {a = 1}))
    assert.are.equal("vfl.sparse: argument #1: index 4294967297 is above 2^32", err(vfl.sparse, {[2^32 + 1] = 1}))
    assert.are.equal("vfl.sparse: argument #1: the value at index 3 must be a number, got string",
      err(vfl.sparse, {[3] = "x"}))
    assert.are.equal("vfl.sparse: argument #1: the value at index 3 (inf) is not a finite float",
      err(vfl.sparse, {[3] = math.huge}))
    assert.are.equal("vfl.sparse: argument #1: index 3 appears twice", err(vfl.sparse, {3, 3}, {1, 2}))
    assert.are.equal("vfl.sparse: 2 indices but 1 values", err(vfl.sparse, {1, 2}, {1}))
    assert.are.equal("vfl.sparse: bad argument #1 (table expected, got number)", err(vfl.sparse, 5))
    assert.are.equal("vfl.sparse: bad argument #2 (a table of values or one number expected, got string)",
      err(vfl.sparse, {1}, "x"))
  end)

  it("is read-only", function()
    local x = vfl.sparse{[1] = 1}
    assert.are.equal("vfl.sparse: sparse vectors are read-only (build a new one with vfl.sparse)",
      err(function() x[1] = 2 end))
  end)

  it("has a metatable that names its type and lists its methods", function()
    local mt = getmetatable(vfl.sparse{})
    assert.are.equal("vfl.sparse", mt.__name)
    assert.are.equal(vfl.methods.sparse, mt.methods)
    for _, m in ipairs{"totable", "indices", "values", "nnz", "dim", "copy", "pairs"} do
      assert.is_function(mt.methods[m], m)
    end
    assert.are.equal("x:totable: bad self (vfl.sparse expected, got table)", err(vfl.methods.sparse.totable, {}))
  end)
end)

describe("vfl.hash", function()
  it("hashes strings stably into 1-based indices", function()
    local a = vfl.hash.string("hello", 20)
    assert.is_true(a >= 1 and a <= 2^20)
    assert.are.equal(a, vfl.hash.string("hello", 20))
    assert.are_not.equal(a, vfl.hash.string("hello", 20, 7))
    -- MurmurHash3 x86_32 of "hello", seed 0, is 0x248bfa47.
    assert.are.equal(0x248bfa47 + 1, vfl.hash.string("hello"))
  end)

  it("hashes words and n-grams into counts", function()
    local x = vfl.hash.words("the cat the dog", {bits = 16})
    assert.are.equal(3, #x)
    assert.are.equal(2, x[vfl.hash.string("the", 16)])
    assert.are.equal(1, x[vfl.hash.string("cat", 16)])
    local y = vfl.hash.words("the cat the dog", {bits = 16, ngrams = 2})
    assert.are.equal(6, #y) -- 3 words + 3 distinct bigrams
    local z = vfl.hash.words("The CAT", {bits = 16, lower = true})
    assert.are.equal(vfl.hash.words("the cat", {bits = 16}), z)
    assert.are.equal(0, #vfl.hash.words("   ", {bits = 8}))
  end)

  it("makes grouped indices", function()
    local i = vfl.hash.group(2, 5)
    assert.are.equal(1 * 2^24 + 5 + 1, i)
    local x = vfl.hash.words("a b", {group = 3})
    for _, idx in ipairs(x:indices()) do assert.are.equal(2, math.floor((idx - 1) / 2^24)) end
  end)

  it("checks options", function()
    assert.are.equal("vfl.hash.words: unknown option 'bit' (known options: bits, ngrams, seed, lower, group, minn, maxn)",
      err(vfl.hash.words, "a", {bit = 3}))
    assert.are.equal("vfl.hash.words: option 'bits' must be an integer from 1 to 32, got 40",
      err(vfl.hash.words, "a", {bits = 40}))
    assert.are.equal("vfl.hash.group: argument #1 (group) must be an integer from 1 to 256, got 0",
      err(vfl.hash.group, 0, 1))
  end)
end)
