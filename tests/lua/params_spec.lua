-- net:params returns a view of the weights, not a table: indexable, #,
-- :row, :totable, :shape, == on two views; read-only; it reads the weights
-- as they are now, and says so when its net was closed or reshaped.
local vfl = require "vfl"

local err = require("spec_util").err

describe("net:params", function()
  it("is a view with the weights, rows and cols", function()
    local net = vfl.net():stack(vfl.layers.sparse(3)):stack(vfl.layers.linear(2)):init{seed = 3}
    net:set_params("linear1", 1, {{1, 2}, {3, 4}, {5, 6}})
    local w, rows, cols = net:params("linear1")
    assert.are.equal(3, rows)
    assert.are.equal(2, cols)
    assert.are.equal(6, #w)
    assert.are.equal(4, w[4])
    assert.is_nil(w[7])
    assert.is_nil(w[0])
    assert.are.same({3, 4}, w:row(2))
    assert.are.same({1, 2, 3, 4, 5, 6}, w:totable())
    local r, c = w:shape()
    assert.are.equal(3, r)
    assert.are.equal(2, c)
    assert.are.equal("vfl.params(linear1, block 1: 3 x 2){1, 2, 3, 4, 5, 6}", tostring(w))
    assert.is_true(w == net:params("linear1"))
    assert.is_false(w == net:params("linear1", "bias"))
    assert.are.equal("vfl.params:row: argument #1 (row) must be an integer from 1 to 3, got 4", err(w.row, w, 4))
    assert.are.equal("vfl.params: the view is read-only (net:set_params(layer, block, values) writes weights)",
      err(function() w[1] = 0 end))
    net:set_params("linear1", 1, {{0, 0}, {0, 0}, {0, 9}})
    assert.are.equal(9, w[6]) -- the weights as they are now
  end)

  it("costs no table for a large layer", function()
    collectgarbage()
    local before = collectgarbage("count")
    local w = vfl.net():stack(vfl.layers.sparse(2 ^ 22)):stack(vfl.layers.linear(8)):init{seed = 1}:params("linear1")
    assert.are.equal(2 ^ 25, #w)
    assert.is_true(collectgarbage("count") - before < 64, "the view took " .. (collectgarbage("count") - before) .. " KiB")
    assert.are.equal(8, #w:row(2 ^ 22))
    assert.are.equal(w[2 ^ 25], w:row(2 ^ 22)[8]) -- the net lives as long as its view
  end)

  it("says when its net was closed or reshaped", function()
    local net = vfl.net():stack(vfl.layers.sparse(3)):stack(vfl.layers.linear(2)):init{seed = 3}
    local w = net:params("linear1")
    net:close()
    assert.are.equal("vfl.params: the net of this view was closed", err(function() return w[1] end))
    assert.are.equal("vfl.params:totable: the net of this view was closed", err(w.totable, w))
  end)
end)
