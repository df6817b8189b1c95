-- Featurizers saved in the model file: character n-grams (fastText's
-- -minn/-maxn), table rows of CSV/TSV (numeric, categorical and free-text
-- columns), class names from emit and from a CSV label column, and reading
-- a model back through its dictionary (net:top_features, net:explain).
local vfl = require "vfl"

local util = require "spec_util"
local err, write = util.err, util.write

local function tmp() return os.tmpname() end

-- The same featurizer after a save and a load.
local function reloaded(net)
  local path = tmp()
  net:save(path)
  local m = vfl.load(path)
  os.remove(path)
  return m
end

local function train(ds, outputs, epochs)
  local net = vfl.net():stack(vfl.layers.sparse(ds.dim)):stack(vfl.layers.linear(outputs))
  net:learn(ds, "multinomial", vfl.optim.adagrad(0.5), {epochs = epochs or 30, progress = false})
  return net
end

describe("character n-grams", function()
  it("hash the n-grams of <word> as documented (vfl.h, vfl_words_hash)", function()
    local got = vfl.hash.words("ab", {bits = 16, minn = 2, maxn = 3})
    local want = {[vfl.hash.string("ab", 16)] = 1}
    for _, g in ipairs{"<a", "<ab", "ab", "ab>", "b>"} do -- "<" and ">" alone are left out, as in fastText
      local i = vfl.hash.string(g, 16, 16)                -- seed + 16
      want[i] = (want[i] or 0) + 1
    end
    assert.are.same(vfl.sparse(want):totable(), got:totable())
    -- UTF-8 characters, not bytes: "é" (2 bytes) is one character
    local e = {[vfl.hash.string("é", 16)] = 1, [vfl.hash.string("<é", 16, 16)] = 1, [vfl.hash.string("é>", 16, 16)] = 1}
    assert.are.same(vfl.sparse(e):totable(), vfl.hash.words("é", {bits = 16, minn = 2, maxn = 2}):totable())
  end)

  it("are checked", function()
    assert.are.equal("vfl.hash.words: minn 3 and maxn 2: give 1 <= minn <= maxn <= 16 for character n-grams (or neither)",
      err(vfl.hash.words, "a", {minn = 3, maxn = 2}))
    assert.are.equal("vfl.hash.words: option 'maxn' must be an integer from 0 to 16, got 17",
      err(vfl.hash.words, "a", {minn = 1, maxn = 17}))
  end)

  it("are read by vfl.read.fasttext, saved with the model and used by predict after a load", function()
    local path = tmp()
    write(path, "__label__space rockets orbiting\n__label__autos engines braking\n"
                .. "__label__space rocket orbits\n__label__autos engine brakes\n")
    local ds = vfl.read.fasttext(path, {bits = 14, minn = 3, maxn = 5, dictionary = true})
    os.remove(path)
    assert.are.equal(3, ds.featurizer.minn)
    assert.are.equal(5, ds.featurizer.maxn)
    assert.are.same(vfl.hash.words("rockets orbiting", {bits = 14, minn = 3, maxn = 5}):totable(), ds[1].features:totable())
    local net = train(ds, 2):set_featurizer(ds.featurizer)
    local m = reloaded(net)
    local f = m:featurizer()
    assert.are.same({3, 5, 14}, {f.minn, f.maxn, f.bits})
    assert.are.equal(#ds.featurizer.names, #f.names)
    -- an unseen word shares character n-grams with the training words
    assert.are.equal("space", m:predict("rocketry")[1].class)
    assert.are.same(net:predict("rocketry"), m:predict("rocketry"))
  end)
end)

local CSV = "age,city,note,y\n41,Oslo,likes fjords,north\n30,Paris,likes wine,south\n"
  .. "45,Oslo,cold fjords,north\n25,Paris,,south\n52,Bergen,fjords and rain,north\n33,Nice,sun and wine,south\n"

describe("the table featurizer (vfl.read.csv)", function()
  it("records every column and the class names of a label column of names", function()
    local ds = vfl.read.csv_text(CSV, {header = true, label = "y", text = "note", hash_bits = 10})
    assert.are.same({"north", "south"}, ds.classes)
    assert.are.same({0, 1, 0}, {ds[1].label, ds[2].label, ds[3].label})
    local f = ds.featurizer
    assert.are.equal("table", f.kind)
    assert.are.same({{name = "age", kind = "numeric"}, {name = "city", kind = "categorical"},
                     {name = "note", kind = "text"}, {name = "y", kind = "label"}}, f.columns)
    -- the layout of vfl.h: numeric column k is feature k, a category 4 + hash("city=Oslo"), words 4 + their hash
    local x = ds[1].features:totable()
    assert.are.equal(41, x[1])
    assert.are.equal(1, x[4 + vfl.hash.string("city=Oslo", 10)])
    assert.are.equal(1, x[4 + vfl.hash.string("fjords", 10)])
  end)

  it("predicts from a table row by column names after a load, as from the file's row", function()
    local ds = vfl.read.csv_text(CSV, {header = true, label = "y", text = "note", hash_bits = 10, lower = true})
    local net = train(ds, 2, 60):set_featurizer(ds.featurizer)
    local m = reloaded(net)
    local p = m:predict{age = 41, city = "Oslo", note = "likes fjords"}
    assert.are.equal(2, #p)
    assert.are.equal("north", p[1].class)
    assert.are.near(net:predict(ds[1])[1], p[1].p, 1e-6) -- the same features as line 2 of the file
    local top = m:predict({age = 30, city = "Paris"}, {k = 1})
    assert.are.equal(1, #top)
    assert.are.equal("south", top[1].class)
    -- missing values: a column left out is an empty field, no feature
    assert.are.near(net:predict(ds[4])[2], m:predict{age = 25, city = "Paris"}[1].p, 1e-6)
  end)

  it("refuses what the file would not hold, naming the column", function()
    local ds = vfl.read.csv_text(CSV, {header = true, label = "y", text = "note", hash_bits = 10})
    local m = train(ds, 2, 1):set_featurizer(ds.featurizer)
    assert.are.equal("net:predict: no column is named 'town' (the columns: age, city, note)",
      err(m.predict, m, {age = 3, town = "Oslo"}))
    assert.are.equal("net:predict: column 'city' is categorical: give a string (as written in the file), got number",
      err(m.predict, m, {city = 75}))
    assert.are.equal("net:predict: column 'age' is numeric: give a number, got string", err(m.predict, m, {age = "old"}))
    assert.are.equal("net:predict: column 'note' is text: give a string (as written in the file), got boolean",
      err(m.predict, m, {note = true}))
    assert.are.equal("net:predict: column 'y' is the label, not a feature", err(m.predict, m, {y = "north"}))
  end)

  it("reads labels as names when asked, or when the first is not a number; errors name file, line and field", function()
    local ds = vfl.read.csv_text("y,x\n1,2\n2,3\n", {header = true, label_names = true})
    assert.are.same({"1", "2"}, ds.classes)
    assert.are.equal(
      'vfl.read.csv_text: t.csv:3:1 (y): label "b" is not a number, but the first label (line 2) was; give label_names = true to read the labels as class names',
      err(vfl.read.csv_text, "y,x\n1,2\nb,3\n", {header = true, name = "t.csv"}))
    assert.are.equal('vfl.read.csv_text: t.csv:3:1 (y): label "c" is not one of the given classes',
      err(vfl.read.csv_text, "y,x\na,2\nc,3\n", {header = true, name = "t.csv", classes = {"a", "b"}}))
    assert.are.equal("vfl.read.csv_text: reading \"t.csv\": text: no column is named \"notes\"",
      err(vfl.read.csv_text, CSV, {header = true, label = "y", text = "notes", name = "t.csv"}))
    local given = vfl.read.csv_text("y,x\nb,2\na,3\n", {header = true, classes = {"a", "b"}})
    assert.are.same({"a", "b"}, given.classes)
    assert.are.same({1, 0}, {given[1].label, given[2].label})
  end)

  it("keeps a dictionary of the columns and values seen with keep_names, saved with the model", function()
    local ds = vfl.read.csv_text(CSV, {header = true, label = "y", text = "note", hash_bits = 12, keep_names = true})
    local names = ds.featurizer.names
    assert.are.equal("age", names[1])
    assert.are.equal("city=Oslo", names[4 + vfl.hash.string("city=Oslo", 12)])
    assert.are.equal("fjords", names[4 + vfl.hash.string("fjords", 12)])
    local m = reloaded(train(ds, 2, 60):set_featurizer(ds.featurizer))
    assert.are.equal(#names, #m:featurizer().names)
    local e = m:explain{age = 45, city = "Oslo", note = "fjords"}
    assert.are.equal("north", e.class)
    local seen = {}
    for _, c in ipairs(e.features) do seen[c.feature] = c.contribution end
    assert.is_true(seen["city=Oslo"] > 0 and seen["fjords"] > 0)
    assert.is_true(e.dictionary)
  end)
end)

describe("the VW featurizer (vfl.read.vw)", function()
  local VW = "1 |user age_40 city=oslo |item:2 fjord_cruise\n-1 |user age_20 city=paris |item wine_tour\n"
    .. "1 |user city=oslo |item fjord_cruise\n-1 |user age_30 city=paris |item:0.5 wine_tour\n"
  it("predicts from a line's namespaces after a load, hashed as the reader hashed the file", function()
    local ds = vfl.read.vw_text(VW, {hash_bits = 12, keep_names = true})
    local f = ds.featurizer
    assert.are.same({"vw", 12}, {f.kind, f.bits})
    assert.are.equal("user^city=oslo", f.names[vfl.hash.string("city=oslo", 12, vfl.hash.string("user") - 1)])
    -- the features of a line through the featurizer are the reader's row
    assert.are.same(ds[1].features:totable(), vfl.featurize(f, "|user age_40 city=oslo |item:2 fjord_cruise"):totable())
    local net = vfl.net():stack(vfl.layers.sparse(ds.dim)):stack(vfl.layers.linear(1))
    net:learn(ds, "logistic", vfl.optim.adagrad(0.5), {epochs = 20, progress = false})
    net:set_featurizer(ds.featurizer)
    local m = reloaded(net)
    assert.are.near(net:predict(ds[1])[1], m:predict("|user age_40 city=oslo |item:2 fjord_cruise", {k = 2})[1].p, 1e-6)
    local top = m:top_features(2, 2)
    assert.is_true(top.dictionary)
    assert.is_truthy(top[1].feature:match("^%a+%^"))
    assert.are.equal("vfl.featurize: VW features: \"x\" is not a number", err(vfl.featurize, f, "|a b:x"))
  end)
end)

describe("vfl.features and vfl.featurize", function()
  it("check a featurizer and featurize raw input as a model with it would", function()
    local f = vfl.features{kind = "table", bits = 8,
                           columns = {{name = "age", kind = "numeric"}, {name = "city", kind = "categorical"}}}
    assert.are.same({1, 8}, {f.ngrams, f.bits})
    assert.are.same(vfl.sparse{[1] = 3, [2 + vfl.hash.string("city=Oslo", 8)] = 1}:totable(),
                    vfl.featurize(f, {age = 3, city = "Oslo"}):totable())
    local w = vfl.features{bits = 10, ngrams = 2, minn = 2, maxn = 3}
    assert.are.equal(vfl.hash.words("ab cd", {bits = 10, ngrams = 2, minn = 2, maxn = 3}), vfl.featurize(w, "ab cd"))
    assert.are.equal("vfl.features: the table featurizer has no columns", err(vfl.features, {kind = "table", bits = 8}))
    assert.are.equal("vfl.featurize: bad argument #2 (a string expected for a featurizer of kind words, got table)",
      err(vfl.featurize, w, {}))
  end)
end)

describe("class names as labels", function()
  it("are encoded once from emit, in order of first appearance", function()
    local ds = vfl.dataset(function(emit)
      emit{label = "sci.space", features = vfl.hash.words("rocket orbit", {bits = 10})}
      emit{label = "rec.autos", features = vfl.hash.words("car engine", {bits = 10})}
      emit{label = "sci.space", features = vfl.hash.words("moon orbit", {bits = 10})}
    end)
    assert.are.same({"sci.space", "rec.autos"}, ds.classes)
    assert.are.same({0, 1, 0}, {ds[1].label, ds[2].label, ds[3].label})
    ds:append{label = "talk.politics", features = vfl.hash.words("vote", {bits = 10})}
    assert.are.same({"sci.space", "rec.autos", "talk.politics"}, ds.classes)
    local a = ds:split(0.5)
    assert.are.same(ds.classes, a.classes)
    -- the metrics name the classes by the same rule (class id i - 1 is ds.classes[i])
    local net = train(ds, 3, 20)
    local r = vfl.metrics.report(net, ds)
    assert.are.same({"sci.space", "rec.autos", "talk.politics"}, r.classes)
    assert.are.equal(1, r.accuracy)
  end)

  it("do not mix with numbers", function()
    assert.are.equal("emit: row 2: label 'x' is a class name, but the rows before have numeric labels",
      err(vfl.dataset, function(emit) emit{label = 1, features = {}} emit{label = "x", features = {}} end))
    assert.are.equal("emit: row 2: the labels are class names (ds.classes), got number",
      err(vfl.dataset, function(emit) emit{label = "x", features = {}} emit{label = 1, features = {}} end))
  end)
end)

describe("reading a model back", function()
  it("names hashed ids and says so without a dictionary", function()
    local ds = vfl.read.csv_text(CSV, {header = true, label = "y", text = "note", hash_bits = 10})
    local m = train(ds, 2, 30):set_featurizer(ds.featurizer)
    local top = m:top_features("north", 3)
    assert.are.equal(3, #top)
    assert.is_false(top.dictionary)
    assert.matches("^no dictionary", top.note)
    assert.matches("^#%d+$", top[1].feature)
    assert.is_true(top[1].weight >= top[2].weight and top[2].weight >= top[3].weight)
    assert.are.equal("net:top_features: the model has no class named 'east'", err(m.top_features, m, "east"))
  end)

  it("refuses a model that is not linear", function()
    local net = vfl.net():stack(vfl.layers.sparse(8)):stack(vfl.layers.linear(4)):stack(vfl.layers.relu())
      :stack(vfl.layers.linear(2)):init{seed = 1}
    assert.matches("net:top_features: this reads a linear model back: one sparse input, then linear layers only",
      err(net.top_features, net, 1))
  end)

  it("names the words behind sci.space on 20 Newsgroups", function()
    local dir = (os.getenv("VFL_DATA") or "../shared/data") .. "/20newsgroups/"
    local f = io.open(dir .. "20news-bydate-train.tsv.gz", "rb")
    if not f then
      print("SKIPPED: 20 Newsgroups absent: " .. dir .. "20news-bydate-train.tsv.gz (set VFL_DATA to the shared data folder)")
      pending("20 Newsgroups absent: " .. dir)
      return
    end
    f:close()
    -- group <TAB> id <TAB> text: the group is a class name, the text a free-text column
    local ds = vfl.read.csv(dir .. "20news-bydate-train.tsv.gz",
      {sep = "\t", label = 1, skip = {2}, text = {3}, lower = true, keep_names = true, hash_bits = 18})
    assert.are.equal(20, #ds.classes)
    local net = vfl.net():stack(vfl.layers.sparse(ds.dim))
      :stack(vfl.layers.linear(16, {intercept = false, mean = true})):stack(vfl.layers.linear(20))
    net:learn(ds, "multinomial", vfl.optim.adagrad(0.5), {epochs = 5, cores = 2, progress = false})
    net:set_featurizer(ds.featurizer)
    local m = reloaded(net)
    local words = {}
    for _, e in ipairs(m:top_features("sci.space", 20)) do words[e.feature] = true end
    assert.is_true(words.space or words.orbit or words.nasa or false, "sci.space's top 20 name space, orbit or nasa")
    local e = m:explain({["3"] = "the shuttle reached orbit"}, {n = 2})
    assert.are.equal("sci.space", e.class)
    assert.are.equal(2, #e.features)
  end)
end)
