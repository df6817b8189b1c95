-- vfl.read.fasttext, class names and the featurizer saved in the model:
-- raw text predicted after vfl.load, the top k, and every reader error.
local vfl = require "vfl"

local util = require "spec_util"
local err, write = util.err, util.write

-- Two topics told apart by their words; a test sentence uses only them.
local function corpus(n)
  local space = {"shuttle", "orbit", "rocket", "launch", "moon", "nasa"}
  local cars = {"engine", "wheels", "brake", "dealer", "tires", "sedan"}
  local lines = {}
  for i = 1, n do
    local w = i % 2 == 1 and space or cars
    local label = i % 2 == 1 and "__label__sci.space" or "__label__rec.autos"
    lines[#lines + 1] = label .. " the " .. w[i % 6 + 1] .. " and " .. w[(i + 2) % 6 + 1] .. " today"
  end
  return table.concat(lines, "\n") .. "\n"
end

describe("vfl.read.fasttext", function()
  local path = os.tmpname()
  after_each(function() os.remove(path) end)

  it("encodes string labels once, in order of first appearance, as ds.classes", function()
    write(path, "__label__b one two\n\n__label__a three\n__label__b __label__c four five\n")
    local ds = vfl.read.fasttext(path, {bits = 12, ngrams = 2})
    assert.are.equal(3, #ds) -- the blank line is not an example
    assert.are.same({"b", "a", "c"}, ds.classes)
    assert.are.same({0, 1, 0}, {ds[1].label, ds[2].label, ds[3].label}) -- class i is label i - 1
    assert.are.equal(4096, ds.dim)
    assert.are.same(vfl.hash.words("one two", {bits = 12, ngrams = 2}):totable(), ds[1].features:totable())
    assert.are.same({kind = "words", bits = 12, ngrams = 2, seed = 0, lower = false, label = "__label__",
                     classes = {"b", "a", "c"}}, ds.featurizer)
  end)

  it("keeps ds.classes and ds.featurizer in the parts of a split or subset", function()
    write(path, "__label__b one\n__label__a two\n__label__c three\n__label__a four\n")
    local ds = vfl.read.fasttext(path, {bits = 8})
    local train, test = ds:split(0.5, {shuffle = true, seed = 3})
    assert.are.same({"b", "a", "c"}, train.classes)
    assert.are.same({"b", "a", "c"}, test.classes)
    assert.are.same(ds.featurizer, test.featurizer)
    assert.are.same({"b", "a", "c"}, ds:subset{4}.classes)
    assert.is_nil(vfl.dataset{inputs = {"x"}}:subset{}.classes)
  end)

  it("reads every label of a line with multilabel = true", function()
    write(path, "__label__b one\n__label__a two\nthree __label__b __label__c\n")
    local ds = vfl.read.fasttext(path, {multilabel = true, lower = true})
    assert.are.equal(3, ds.n_labels)
    assert.are.same({1, 0, 1}, ds[3].labels) -- classes b, a, c
    assert.are.same(vfl.hash.words("three"):totable(), ds[3].features:totable())
  end)

  it("takes another label prefix", function()
    write(path, "#pos good movie\n#neg bad movie\n")
    assert.are.same({"pos", "neg"}, vfl.read.fasttext(path, {label = "#"}).classes)
  end)

  it("refuses a line without a label, an empty file and a missing file, naming them", function()
    write(path, "__label__a fine\nno label here\n")
    assert.are.equal("vfl.read.fasttext: " .. path .. ":2: the line has no label (a token starting with '__label__')",
      err(vfl.read.fasttext, path))
    write(path, "")
    assert.are.equal('vfl.read.fasttext: "' .. path .. '" has no examples (an empty file, or only blank lines)',
      err(vfl.read.fasttext, path))
    assert.are.equal('vfl.read.fasttext: cannot open "/nonexistent/train.txt": No such file or directory',
      err(vfl.read.fasttext, "/nonexistent/train.txt"))
    assert.matches("unknown option 'ngram'", err(vfl.read.fasttext, path, {ngram = 2}), 1, true)
  end)
end)

describe("a model's featurizer", function()
  local path, model = os.tmpname(), os.tmpname()
  after_each(function() os.remove(path); os.remove(model) end)

  local function trained()
    write(path, corpus(200))
    local ds = vfl.read.fasttext(path, {bits = 14, ngrams = 2, lower = true})
    local net = vfl.net():stack(vfl.layers.sparse(2^14)):stack(vfl.layers.linear(#ds.classes))
    net:learn(ds, "multinomial", vfl.optim.adagrad(0.5), {epochs = 5})
    net:set_featurizer(ds.featurizer)
    return net, ds
  end

  it("is saved in the model: raw text gives class names after vfl.load", function()
    local net, ds = trained()
    net:save(model)
    local back = vfl.load(model)
    assert.are.same(ds.featurizer, back:featurizer())
    local p = back:predict("The SHUTTLE reached orbit")
    assert.are.equal(2, #p)
    assert.are.equal("sci.space", p[1].class)
    assert.is_true(p[1].p > 0.8 and p[1].p >= p[2].p)
    assert.are.near(1, p[1].p + p[2].p, 1e-6)
    assert.are.equal("rec.autos", back:predict("new tires and brake", {k = 1})[1].class)
    -- the same as hashing by hand with the training settings
    local x = vfl.hash.words("the shuttle reached orbit", {bits = 14, ngrams = 2, lower = true})
    assert.are.near(p[1].p, back:predict(x)[1], 1e-6)
    assert.are.same(back:predict(x, {k = 2}), p)
  end)

  it("is required for raw text; set_featurizer is checked against the outputs", function()
    local net = vfl.net():stack(vfl.layers.sparse(16)):stack(vfl.layers.linear(3))
    net:init{}
    assert.matches("net:predict: the model has no text featurizer", err(net.predict, net, "some text"), 1, true)
    assert.are.equal("net:set_featurizer: the featurizer names 2 classes for a net of 3 outputs",
      err(net.set_featurizer, net, {classes = {"a", "b"}}))
    assert.are.equal("net:set_featurizer: the featurizer names class 'a' twice (classes 1 and 3)",
      err(net.set_featurizer, net, {classes = {"a", "b", "a"}}))
    assert.matches("option 'bits'", err(net.set_featurizer, net, {bits = 40}), 1, true)
    -- without class names, the top k are output indices
    assert.are.equal(3, #net:predict(vfl.sparse{[1] = 1}, {k = 5}))
    assert.are.equal("number", type(net:predict(vfl.sparse{[1] = 1}, {k = 1})[1].class))
  end)
end)
