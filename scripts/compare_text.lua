-- compare_text.lua: scripts/compare's text steps that run inside vfl.
--
--   vfl scripts/compare_text.lua prepare SET DATA_DIR OUT_DIR SEED
--     Writes OUT_DIR/SET.train.ft and OUT_DIR/SET.test.ft in fastText's
--     format (__label__class text, lower-cased ASCII) and OUT_DIR/SET.words
--     (the tokens of one training epoch as fastText counts them: every
--     whitespace token, the label included, plus one end-of-line token per
--     line). The training lines are shuffled by a Fisher-Yates shuffle on
--     Lua 5.4's math.random seeded with SEED, so the file is the same on
--     every machine and mixes the classes all through (the posts come
--     sorted by group). SET: 20ng (the bydate split as given) or sms (the
--     5,574 messages shuffled once, the first 80% for training).
--
--   vfl scripts/compare_text.lua train TRAIN MODEL OPTIM LR EPOCHS DIM NGRAMS BUCKET
--     fastText's supervised model in vfl, on 1 thread: words and word
--     n-grams hashed into 2^bits rows (bits: the largest power of two <=
--     BUCKET), an embedding bag without bias pooling by "wmean" (the reader
--     gives a repeated word one feature valued by its count, and wmean
--     divides the count-weighted sum of the rows by the sum of the counts:
--     the mean over the tokens, as fastText's), a linear output layer
--     without bias, softmax. OPTIM: adagrad (constant LR) or sgd (LR
--     decaying linearly to 0 over the run, as fastText's); keep_last_good
--     off (fastText keeps no last-good copy). Saves the model
--     (with its featurizer) to MODEL, as fastText saves its .bin. Prints
--     "learn_wall_s learn_cpu_s schedule lr": net:learn's seconds and the
--     process CPU seconds it took (1 thread: the training's).
--
--   vfl scripts/compare_text.lua test MODEL TEST
--     Prints the test accuracy (the top class against the line's label).
local cmd = arg[1]

local function shuffle(list, seed)
  math.randomseed(seed)
  for i = #list, 2, -1 do
    local j = math.random(i)
    list[i], list[j] = list[j], list[i]
  end
end

local function tokens(line)
  local n = 0
  for _ in line:gmatch("%S+") do n = n + 1 end
  return n
end

local function write(path, lines)
  local f = assert(io.open(path, "w"))
  for _, l in ipairs(lines) do f:write(l, "\n") end
  f:close()
end

-- "label<TAB>...<TAB>text" lines -> "__label__label text" lines, lower-cased
local function ft_lines(path, text_field)
  local out = {}
  for line in vfl.io.lines(path) do
    local fields = {}
    for field in (line .. "\t"):gmatch("([^\t]*)\t") do fields[#fields + 1] = field end
    local text = fields[text_field] or ""
    out[#out + 1] = ("__label__" .. fields[1] .. " " .. text:gsub("%s+", " ")):lower()
  end
  return out
end

if cmd == "prepare" then
  local set, data, out, seed = arg[2], arg[3], arg[4], tonumber(arg[5])
  local train, test
  if set == "20ng" then
    train = ft_lines(data .. "/20newsgroups/20news-bydate-train.tsv.gz", 3)
    test = ft_lines(data .. "/20newsgroups/20news-bydate-test.tsv.gz", 3)
  elseif set == "sms" then
    local all = ft_lines(data .. "/sms-spam-collection/SMSSpamCollection", 2)
    shuffle(all, seed + 1)
    local cut = math.floor(#all * 0.8)
    train, test = {table.unpack(all, 1, cut)}, {table.unpack(all, cut + 1)}
  else
    error("compare_text.lua: unknown set " .. tostring(set) .. " (20ng or sms)")
  end
  shuffle(train, seed)
  write(out .. "/" .. set .. ".train.ft", train)
  write(out .. "/" .. set .. ".test.ft", test)
  local words = 0
  for _, l in ipairs(train) do words = words + tokens(l) + 1 end
  write(out .. "/" .. set .. ".words", {tostring(words)})
elseif cmd == "train" then
  local train_path, model, optim = arg[2], arg[3], arg[4]
  local lr, epochs, dim, ngrams, bucket = tonumber(arg[5]), tonumber(arg[6]), tonumber(arg[7]), tonumber(arg[8]), tonumber(arg[9])
  local bits = math.floor(math.log(bucket, 2) + 1e-9)
  local train = vfl.read.fasttext(train_path, {bits = bits, ngrams = ngrams})
  local net = vfl.net()
    :stack(vfl.layers.sparse(2 ^ bits))
    :stack(vfl.layers.embedding(dim, {pool = "wmean"}))
    :stack(vfl.layers.linear(#train.classes, {intercept = false}))
  local o, schedule
  if optim == "sgd" then
    o, schedule = vfl.optim.sgd{lr = lr, epochs = epochs, schedule = "linear"}, "linear"
  elseif optim == "adagrad" then
    o, schedule = vfl.optim.adagrad{lr = lr, epochs = epochs}, "constant"
  else
    error("compare_text.lua: unknown optimizer " .. tostring(optim) .. " (sgd or adagrad)")
  end
  -- init allocates and draws the weights with room for o's state, as
  -- fastText makes its matrices before its training loop starts
  net:init{seed = 1, optim = o}
  local t0 = os.clock()
  -- keep_last_good off: fastText keeps no copy of its weights to roll back
  -- to, and the copy (840 MB with AdaGrad, every epoch) is no part of the model.
  local stats = net:learn(train, "multinomial", o, {cores = 1, progress = false, keep_last_good = false})
  local learn_cpu = os.clock() - t0
  net:set_featurizer(train.featurizer)
  net:save(model)
  print(string.format("%.3f %.3f %s %g", stats.seconds, learn_cpu, schedule, lr))
elseif cmd == "test" then
  local net = vfl.load(arg[2])
  local f = net:featurizer()
  local test = vfl.read.fasttext(arg[3], {bits = f.bits, ngrams = f.ngrams, classes = f.classes})
  print(string.format("%.4f", vfl.metrics.accuracy(net, test)))
else
  error("compare_text.lua: prepare, train or test (see the comment at the top)")
end
