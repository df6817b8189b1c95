-- vfl.cli: the fastText-compatible command line, so that a pipeline written
-- for fastText runs with vfl in its place:
--
--   vfl supervised -input train.txt -output model [-dim -wordNgrams ...]
--   vfl test model.bin test.txt [k] [th]
--   vfl predict model.bin test.txt|- [k] [th]
--   vfl predict-prob model.bin test.txt|- [k] [th]
--   vfl inspect model.bin
--   vfl quantize model.bin out.bin [q8|f16|weights]
--
-- src/repl/subcommand.c calls cli.main(name, args) when the first argument
-- of vfl is one of cli.commands; it returns the process's exit status.
-- The model is fastText's architecture: hashed words and word n-grams
-- (2^bits buckets, bits from -bucket), averaged into -dim numbers
-- (vfl.layers.embedding with pool = "wmean": over the tokens, as fastText
-- divides), then one output per class.
local vfl = require "vfl"

local cli = {}

-- Raised by the commands for a bad command line or input: printed as
-- "vfl <command>: <message>" with no traceback.
local Usage = {}
local function fail(fmt, ...) error(setmetatable({msg = string.format(fmt, ...)}, Usage), 0) end

-- ------------------------------------------------------------- flags

-- fastText's supervised flags that vfl reads: name -> {kind, default}.
local supervised_flags = {
  input = {"string"}, output = {"string"},
  lr = {"number", 0.1}, dim = {"integer", 100}, epoch = {"integer", 5},
  wordNgrams = {"integer", 1}, bucket = {"integer", 2000000}, thread = {"integer", 1},
  loss = {"string", "softmax"}, label = {"string", "__label__"}, minCount = {"integer", 1},
  minn = {"integer", 0}, maxn = {"integer", 0}, seed = {"integer", 1}, verbose = {"integer", 1},
  lower = {"integer", 0},
  ["autotune-validation"] = {"string"}, ["autotune-duration"] = {"integer", 300},
}

local function flag_names(spec)
  local names = {}
  for k in pairs(spec) do names[#names + 1] = "-" .. k end
  table.sort(names)
  return table.concat(names, " ")
end

local function parse_value(name, kind, text)
  if kind == "string" then return text end
  local n = tonumber(text)
  if not n or (kind == "integer" and n ~= math.floor(n)) then
    fail("-%s needs %s, got '%s'", name, kind == "integer" and "an integer" or "a number", text)
  end
  return n
end

-- Flags as fastText writes them: -name value, any order.
local function parse_flags(args, spec)
  local opts = {}
  for name, s in pairs(spec) do opts[name] = s[2] end
  local i = 1
  while i <= #args do
    local name = args[i]:match("^%-%-?(.+)$")
    local s = name and spec[name]
    if not s then fail("unknown flag '%s' (known: %s)", args[i], flag_names(spec)) end
    if args[i + 1] == nil then fail("flag -%s needs a value", name) end
    opts[name] = parse_value(name, s[1], args[i + 1])
    i = i + 2
  end
  return opts
end

-- ------------------------------------------------------------- supervised

local function check_supervised(o)
  if not o.input then fail("-input is required (the training file)") end
  if not o.output then fail("-output is required (the model is written to <output>.bin)") end
  if o.dim < 1 then fail("-dim must be at least 1, got %d", o.dim) end
  if o.epoch < 1 then fail("-epoch must be at least 1, got %d", o.epoch) end
  if not (o.lr > 0) then fail("-lr must be positive, got %s", o.lr) end
  if o.wordNgrams < 1 or o.wordNgrams > 8 then fail("-wordNgrams must be 1 to 8, got %d", o.wordNgrams) end
  if o.bucket < 2 then fail("-bucket must be at least 2, got %d", o.bucket) end
  if o.loss ~= "softmax" and o.loss ~= "ova" then fail("-loss must be softmax or ova, got '%s'", o.loss) end
  if o.label == "" then fail("-label must be a non-empty prefix") end
  if o.minCount ~= 1 then fail("-minCount %d is not supported: hashed features keep every word (use 1)", o.minCount) end
  if o.maxn ~= 0 and not (o.minn >= 1 and o.minn <= o.maxn and o.maxn <= 16) then
    fail("-minn %d -maxn %d: character n-grams need 1 <= minn <= maxn <= 16 (or -maxn 0 for none)", o.minn, o.maxn)
  end

  if o.thread < 1 then fail("-thread must be at least 1, got %d", o.thread) end
  if o["autotune-validation"] then
    if o.loss ~= "softmax" then fail("-autotune-validation goes with -loss softmax") end
    if o["autotune-duration"] < 1 then fail("-autotune-duration must be at least 1 second, got %d", o["autotune-duration"]) end
  end
end

-- The largest power of two not above bucket: the hashed features' space.
local function bits_of(bucket)
  local bits = math.floor(math.log(bucket, 2) + 1e-9)
  return math.max(1, math.min(bits, 30))
end

-- One-vs-all: a sigmoid per class against its 0/1 label.
local function ova_loss(out, row, grad)
  local total, labels = 0, row.labels
  for i = 1, #out do
    local o, y = out[i], labels[i]
    local p = 1 / (1 + math.exp(-o))
    grad[i] = grad[i] + (p - y)
    total = total + (o > 0 and (1 - y) * o + math.log(1 + math.exp(-o)) or -y * o + math.log(1 + math.exp(o)))
  end
  return total
end

local function text_net(o, bits, classes)
  return vfl.net()
    :stack("words", vfl.layers.sparse(2 ^ bits))
    :stack("embedding", vfl.layers.embedding(o.dim, {pool = "wmean"}))
    :stack("out", vfl.layers.linear(classes))
end

-- -autotune-validation: vfl.tune (successive halving over random draws)
-- over -lr, -dim and -epoch for -autotune-duration seconds, ranked by
-- accuracy on the validation file. The n-grams and buckets stay as given:
-- they decide the features, read once.
local function autotune(o, bits, ds)
  local valid = vfl.read.fasttext(o["autotune-validation"], {label = o.label, bits = bits, ngrams = o.wordNgrams,
                                                              lower = o.lower ~= 0, classes = ds.classes,
                                                              minn = ds.featurizer.minn, maxn = ds.featurizer.maxn})
  return (vfl.tune{
    net = function(p) return text_net({dim = p.dim}, bits, #ds.classes) end,
    train = ds, valid = valid, loss = "multinomial",
    space = {lr = {0.05, 1.0}, dim = {10, 100}, epochs = {1, 20}},
    budget = o["autotune-duration"], cores = o.thread, seed = o.seed, quiet = o.verbose == 0,
  })
end

function cli.supervised(args)
  local o = parse_flags(args, supervised_flags)
  check_supervised(o)
  local bits = bits_of(o.bucket)
  -- -maxn 0 turns character n-grams off whatever -minn says (fastText's rule)
  local minn, maxn = o.maxn > 0 and o.minn or nil, o.maxn > 0 and o.maxn or nil
  local ds = vfl.read.fasttext(o.input, {label = o.label, bits = bits, ngrams = o.wordNgrams,
                                          lower = o.lower ~= 0, multilabel = o.loss == "ova", minn = minn, maxn = maxn})
  if #ds.classes < 2 and o.loss == "softmax" then
    fail("%s has a single class ('%s'): softmax needs two or more", o.input, ds.classes[1])
  end
  local net, stats
  if o["autotune-validation"] then
    net = autotune(o, bits, ds)
  else
    net = text_net(o, bits, #ds.classes)
    net:init{seed = o.seed}
    local loss = o.loss == "ova" and ova_loss or "multinomial"
    stats = net:learn(ds, loss, vfl.optim.adagrad(o.lr),
      {epochs = o.epoch, cores = o.thread, seed = o.seed, progress = o.verbose > 1})
  end
  if o.loss == "ova" then net:set_link("sigmoid") end
  net:set_featurizer(ds.featurizer)
  net:save(o.output .. ".bin")
  if o.verbose > 0 and stats then
    io.stderr:write(string.format("Read %d examples, %d labels; %d epochs in %.1f s, loss %.4f\n",
      #ds, #ds.classes, stats.epochs, stats.seconds, stats.loss))
  end
  return 0
end

-- ------------------------------------------------------------- reading text

local function load_model(path)
  if not path then fail("a model file is required") end
  local net = vfl.load(path)
  local f = net:featurizer()
  if not f or f.kind ~= "words" or #f.classes == 0 then
    fail("%s has no text featurizer and class names (train it with vfl supervised)", path)
  end
  return net, f
end

-- Splits a line into its labels (names, prefix removed) and its text.
local function split_labels(line, prefix)
  local labels, words = {}, {}
  for tok in line:gmatch("%S+") do
    if #tok > #prefix and tok:sub(1, #prefix) == prefix then
      labels[#labels + 1] = tok:sub(#prefix + 1)
    else
      words[#words + 1] = tok
    end
  end
  return labels, table.concat(words, " ")
end

local function lines_of(path)
  if path == "-" then return io.stdin:lines() end
  return vfl.io.lines(path)
end

local function parse_k(text)
  if text == nil then return 1 end
  local k = tonumber(text)
  if not k or k < 1 or k ~= math.floor(k) then fail("k must be a positive integer, got '%s'", text) end
  return k
end

-- fastText's threshold: predictions of lower probability are left out.
local function parse_threshold(text)
  if text == nil then return 0 end
  local th = tonumber(text)
  if not th or th < 0 or th > 1 then fail("the threshold must be a probability (0 to 1), got '%s'", text) end
  return th
end

-- The classes of text, best first: at most k, none below th.
local function ranked(net, text, k, th)
  local out = {}
  for _, c in ipairs(net:predict(text, {k = k})) do
    if c.p >= th then out[#out + 1] = c end
  end
  return out
end

-- ------------------------------------------------------------- test, predict

function cli.test(args)
  if #args < 2 or #args > 4 then fail("usage: vfl test <model> <test-data> [<k>] [<th>]") end
  local net, f = load_model(args[1])
  local k, th = parse_k(args[3]), parse_threshold(args[4])
  local n, predicted, gold, correct = 0, 0, 0, 0
  for line in lines_of(args[2]) do
    local labels, text = split_labels(line, f.label or "__label__")
    if #labels > 0 then
      n = n + 1
      gold = gold + #labels
      local want = {}
      for _, l in ipairs(labels) do want[l] = true end
      for _, c in ipairs(ranked(net, text, k, th)) do
        predicted = predicted + 1
        if want[c.class] then correct = correct + 1 end
      end
    end
  end
  if n == 0 then fail("%s has no labelled examples", args[2]) end
  local precision = predicted > 0 and correct / predicted or 0 / 0 -- fastText prints nan too
  io.write(string.format("N\t%d\nP@%d\t%.3g\nR@%d\t%.3g\n", n, k, precision, k, correct / gold))
  return 0
end

local function predict(args, with_prob)
  local name = with_prob and "predict-prob" or "predict"
  if #args < 2 or #args > 4 then fail("usage: vfl %s <model> <test-data>|- [<k>] [<th>]", name) end
  local net, f = load_model(args[1])
  local k, th, prefix = parse_k(args[3]), parse_threshold(args[4]), f.label or "__label__"
  for line in lines_of(args[2]) do
    local _, text = split_labels(line, prefix)
    local out = {}
    for _, c in ipairs(ranked(net, text, k, th)) do
      out[#out + 1] = prefix .. c.class
      if with_prob then out[#out + 1] = string.format("%.6g", c.p) end
    end
    io.write(table.concat(out, " "), "\n")
  end
  return 0
end

function cli.predict(args) return predict(args, false) end
cli["predict-prob"] = function(args) return predict(args, true) end

-- ------------------------------------------------------------- inspect

local storage_text = {
  full = "float, with the optimizer state (training resumes where it stopped)",
  weights = "float, weights only (no optimizer state)",
  f16 = "half precision (f16), weights only",
  q8 = "8-bit (q8, a scale per 64 weights), weights only",
}

function cli.inspect(args)
  if #args ~= 1 then fail("usage: vfl inspect <model>") end
  local net = vfl.load(args[1])
  local file = assert(io.open(args[1], "rb"))
  local bytes = file:seek("end")
  file:close()
  io.write(string.format("model     %s (%d bytes)\n", args[1], bytes))
  io.write(tostring(net), "\n")
  io.write("weights   ", storage_text[net:storage()], "\n")
  local f = net:featurizer()
  if not f then
    io.write("featurizer none (the model reads vfl.sparse features)\n")
    return 0
  end
  if f.kind == "words" then
    io.write(string.format("featurizer words: 2^%d buckets, n-grams up to %d, seed %d, lower %s, labels '%s'%s\n",
      f.bits, f.ngrams, f.seed, tostring(f.lower), f.label or "",
      f.maxn and string.format(", character n-grams %d to %d", f.minn, f.maxn) or ""))
  elseif f.kind == "table" then
    local cols = {}
    for _, c in ipairs(f.columns) do cols[#cols + 1] = c.name .. ":" .. c.kind end
    io.write(string.format("featurizer table: 2^%d buckets, columns %s\n", f.bits, table.concat(cols, " ")))
  end
  if f.names then io.write(string.format("dictionary %d feature names\n", #f.names)) end
  io.write(string.format("classes   %d: %s\n", #f.classes, table.concat(f.classes, " ")))
  return 0
end

-- ------------------------------------------------------------- quantize

-- A smaller copy for deployment (docs/deploy.md): net:save's storages.
local quantize_options = {q8 = {quantize = "q8"}, f16 = {quantize = "f16"}, weights = {weights_only = true}}

function cli.quantize(args)
  if #args < 2 or #args > 3 then fail("usage: vfl quantize <model> <output> [q8|f16|weights]") end
  local how = args[3] or "q8"
  if not quantize_options[how] then fail("the storage must be q8, f16 or weights, got '%s'", how) end
  vfl.load(args[1]):save(args[2], quantize_options[how])
  return 0
end

-- ------------------------------------------------------------- dispatch

cli.commands = {"supervised", "test", "predict", "predict-prob", "inspect", "quantize"}

-- Runs command name with its arguments (a list of strings); returns the
-- exit status. Errors are printed as "vfl <name>: <message>".
function cli.main(name, args)
  local ok, err = pcall(cli[name], args)
  if ok then return err or 0 end
  local msg = getmetatable(err) == Usage and err.msg or tostring(err):gsub("^vfl%.[%w_.:]+: ", "")
  io.stderr:write("vfl ", name, ": ", msg, "\n")
  return 1
end

return cli
