-- vfl.tune: hyper-parameter search by successive halving over random draws,
-- as fastText's -autotune-validation does, within a time budget.
--
--   local net, result = vfl.tune{
--     net = function(p) return vfl.net():stack(...) end,  -- a new net for params p
--     train = ds, valid = ds, loss = "multinomial",
--     space = {lr = {0.05, 1}, dim = {10, 100}, epochs = {2, 10}},
--     budget = 60,                                           -- seconds
--   }
--
-- Each bracket draws `trials` configurations at random and trains them on a
-- growing share of the training rows (1/eta^2, 1/eta, all of them: the
-- rungs); after each rung only the best 1/eta go on. Brackets repeat while
-- the budget lasts. Every training runs on every core (Hogwild); the
-- validation figure follows the net's task (accuracy, or RMSE for
-- regression). The best net trained on all rows is kept and returned with a
-- table of every trial.
local tune = {}

local floor = math.floor

-- Space entries: {lo, hi} of two numbers is a range (integers when both are
-- integers; a log scale when both are > 0 and hi >= 10 * lo); anything else
-- is a list of choices.
local function is_int(x) return type(x) == "number" and x == floor(x) end

local function draw(spec, rand)
  if type(spec) ~= "table" then return spec end
  if #spec == 2 and type(spec[1]) == "number" and type(spec[2]) == "number" and spec[1] < spec[2] then
    local lo, hi = spec[1], spec[2]
    local u = rand()
    local x
    if lo > 0 and hi >= 10 * lo then x = math.exp(math.log(lo) + u * (math.log(hi) - math.log(lo)))
    else x = lo + u * (hi - lo) end
    if is_int(lo) and is_int(hi) then x = math.min(hi, floor(x + 0.5)) end
    return x
  end
  return spec[floor(rand() * #spec) + 1]
end

-- A small deterministic generator (the same draws on Lua 5.4 and LuaJIT).
local function generator(seed)
  local state = (seed or 1) % 2147483647
  if state <= 0 then state = state + 2147483646 end
  return function()
    state = (state * 16807) % 2147483647
    return state / 2147483647
  end
end

local function sorted_keys(t)
  local keys = {}
  for k in pairs(t) do keys[#keys + 1] = k end
  table.sort(keys)
  return keys
end

local function check(o)
  local fname = "vfl.tune"
  if type(o) ~= "table" then error(fname .. ": expected an options table {net=, train=, valid=, space=, budget=}", 0) end
  local known = { net = 1, train = 1, valid = 1, space = 1, budget = 1, loss = 1, optim = 1, metric = 1, trials = 1,
    eta = 1, seed = 1, cores = 1, quiet = 1 }
  for k in pairs(o) do
    if not known[k] then error(string.format("%s: unknown option '%s' (%s)", fname, tostring(k),
      table.concat(sorted_keys(known), ", ")), 0) end
  end
  if type(o.net) ~= "function" then error(fname .. ": option 'net' must be a function(params) returning a new net", 0) end
  if o.train == nil or o.valid == nil then error(fname .. ": options 'train' and 'valid' (datasets) are required", 0) end
  if type(o.space) ~= "table" or next(o.space) == nil then
    error(fname .. ": option 'space' must be a table of parameters, e.g. {lr = {0.05, 1}, dim = {10, 100}}", 0)
  end
  if type(o.budget) ~= "number" or o.budget <= 0 then error(fname .. ": option 'budget' must be a number of seconds above 0", 0) end
  if o.loss == nil then error(fname .. ": option 'loss' is required (\"logistic\", \"multinomial\", ...)", 0) end
end

-- The figure trials are ranked by: opts.metric, else accuracy when the net
-- has one, else RMSE. Higher is better except for rmse and logloss.
local LOWER_IS_BETTER = { rmse = true, logloss = true }

function tune.run(o)
  check(o)
  local vfl = require "vfl"
  local rand = generator(o.seed or 1)
  local eta = o.eta or 3
  local trials = o.trials or eta * eta
  local cores = o.cores or 0
  local names = sorted_keys(o.space)
  local rungs = { 1 / (eta * eta), 1 / eta, 1 }
  local parts = {}
  local function rows_for(frac)
    if frac >= 1 then return o.train end
    if not parts[frac] then parts[frac] = o.train:split(frac, { shuffle = true, seed = o.seed or 1 }) end
    return parts[frac]
  end
  local metric = o.metric
  local started = os.time()
  local function left() return o.budget - os.difftime(os.time(), started) end
  local all, best = {}, nil
  -- Seconds a trial takes on each share of the rows (the mean so far), to
  -- start only trials that fit in what is left, and to keep room for one
  -- trial on all rows until one has run.
  local spent, count = {}, {}
  local function cost(frac)
    if count[frac] then return spent[frac] / count[frac] end
    for i = #rungs, 1, -1 do
      -- from the nearest smaller share seen: by the square root of the rows,
      -- as a fixed cost per trial (making the net, its optimizer state)
      -- weighs on small shares (measured on 20 Newsgroups: 1/9 of the rows
      -- 9.5 s, all of them 20.6 s)
      local f = rungs[i]
      if f < frac and count[f] then return spent[f] / count[f] * math.sqrt(frac / f) end
    end
    return 0
  end
  local function fits(frac)
    local need = cost(frac)
    if not best and frac < 1 then need = need + cost(1) end
    return left() - need > 0
  end
  local function run_trial(params, frac)
    local net = o.net(params)
    local optim = o.optim and o.optim(params) or
      vfl.optim.adagrad { lr = params.lr or 0.1, epochs = params.epochs or 5, batch = params.batch }
    local ds = rows_for(frac)
    -- keep_last_good would copy every weight at every epoch: a trial that
    -- diverges just scores badly
    local stats = net:learn(ds, o.loss, optim, { cores = cores, progress = false, seed = o.seed or 1,
      keep_last_good = false })
    if not metric then
      local m = vfl.metrics.evaluate(net, o.valid)
      metric = m.accuracy and "accuracy" or "rmse"
    end
    local value = vfl.metrics.evaluate(net, o.valid, { metric })[metric]
    local t = { params = params, rows = #ds, [metric] = value, seconds = stats.seconds, n = #all + 1 }
    all[#all + 1] = t
    spent[frac] = (spent[frac] or 0) + stats.seconds
    count[frac] = (count[frac] or 0) + 1
    local better = LOWER_IS_BETTER[metric] and function(a, b) return a < b end or function(a, b) return a > b end
    if frac >= 1 and value == value and (not best or better(value, best.value)) then
      best = { value = value, net = net, trial = t }
    end
    return value, better
  end
  local bracket = 0
  local ran = true
  while ran and left() > 0 do
    ran = false -- a bracket that cannot start a trial ends the search
    bracket = bracket + 1
    local configs = {}
    for i = 1, trials do
      local p = {}
      for _, k in ipairs(names) do p[k] = draw(o.space[k], rand) end
      configs[i] = p
    end
    for r, frac in ipairs(rungs) do
      local scored, better = {}, nil
      for _, p in ipairs(configs) do
        -- the first full-data trial always runs, so there is a model to return
        if not fits(frac) and (best or r < #rungs) then break end
        local v
        v, better = run_trial(p, frac)
        ran = true
        all[#all].bracket = bracket
        scored[#scored + 1] = { p = p, v = v }
      end
      if #scored == 0 then break end
      table.sort(scored, function(a, b)
        if a.v ~= a.v then return false end
        if b.v ~= b.v then return true end
        return better(a.v, b.v)
      end)
      configs = {}
      local keep = r < #rungs and math.max(1, floor(#scored / eta)) or 0
      for i = 1, keep do configs[i] = scored[i].p end
      if left() <= 0 and best then break end
    end
    if left() <= 0 then break end
  end
  if not best and #all > 0 then
    -- the budget ran out before any trial on all rows: train the best so far on them
    local top = all[1]
    for _, t in ipairs(all) do
      local v, w = t[metric], top[metric]
      if v == v and (w ~= w or (LOWER_IS_BETTER[metric] and v < w) or (not LOWER_IS_BETTER[metric] and v > w)) then top = t end
    end
    run_trial(top.params, 1)
    all[#all].bracket = top.bracket
  end
  local result = setmetatable({ metric = metric, trials = all, names = names,
    best = best and { params = best.trial.params, [metric] = best.value, trial = best.trial.n },
    seconds = os.difftime(os.time(), started) }, tune.Result)
  if not o.quiet then print(tostring(result)) end
  return best and best.net, result
end

tune.Result = { __name = "vfl.tune.result" }
tune.Result.__index = tune.Result

local function fmt(x)
  if type(x) ~= "number" then return tostring(x) end
  if x == floor(x) and math.abs(x) < 1e9 then return string.format("%d", x) end
  return string.format("%.4g", x)
end

--- The table of trials, best marked with *.
tune.Result.__tostring = function(r)
  local report = require "vfl.report"
  local head = { "trial", "bracket", "rows" }
  for _, k in ipairs(r.names) do head[#head + 1] = k end
  head[#head + 1] = r.metric or "figure"
  head[#head + 1] = "seconds"
  local rows = { head }
  -- best first; a long search shows its top rows (result.trials has them all)
  local order = {}
  for i, t in ipairs(r.trials) do order[i] = t end
  local lower = LOWER_IS_BETTER[r.metric]
  table.sort(order, function(a, b)
    local x, y = a[r.metric] or 0 / 0, b[r.metric] or 0 / 0
    if a.rows ~= b.rows then return a.rows > b.rows end
    if x ~= x or y ~= y then return y ~= y and x == x end
    if lower then return x < y end
    return x > y
  end)
  local shown = math.min(#order, r.show or 25)
  for i = 1, shown do
    local t = order[i]
    local row = { (r.best and r.best.trial == t.n and "*" or "") .. t.n, tostring(t.bracket or 1), tostring(t.rows) }
    for _, k in ipairs(r.names) do row[#row + 1] = fmt(t.params[k]) end
    row[#row + 1] = string.format("%.4f", t[r.metric] or 0 / 0)
    row[#row + 1] = string.format("%.1f", t.seconds or 0)
    rows[#rows + 1] = row
  end
  local more = #order > shown and string.format("\n... %d more trials in result.trials", #order - shown) or ""
  local best = r.best and string.format("best: trial %d, %s %.4f", r.best.trial, r.metric, r.best[r.metric]) or "no trial on all rows finished"
  return string.format("vfl.tune: %d trials in %d s (rows: the share of train they trained on; best first)\n",
    #r.trials, r.seconds) .. report.columns(rows) .. more .. "\n" .. best
end

setmetatable(tune, { __call = function(_, o) return tune.run(o) end })

local ok, help = pcall(require, "vfl.help")
if ok and type(help) == "table" and help.register then
  help.register(tune, "vfl.tune{net = fn(params), train = ds, valid = ds, loss =, space = {...}, budget = seconds [, optim = fn(params), metric =, trials = 9, eta = 3, seed = 1, cores = 0, quiet = false]}", [[
Searches hyper-parameters by successive halving over random draws, within
`budget` seconds, every training on `cores` threads (0: every core).
Returns the best net trained on all of `train` and a result table
(result.best.params, result.trials; it prints as the table of trials, which
tune also prints unless quiet).
  space    {name = {lo, hi}} a range (integers if both are; log scale if
           both > 0 and hi >= 10 lo), or {name = {a, b, c}} choices
  net      function(params) returning a new net (params.dim, ...)
  optim    function(params) returning a vfl.optim; default
           vfl.optim.adagrad{lr = params.lr, epochs = params.epochs}
  metric   the validation figure ranked (default accuracy, else rmse)
Each bracket trains `trials` draws on 1/eta^2 of the rows, the best 1/eta
of them on 1/eta, and the best of those on all rows; brackets repeat while
the budget lasts.
  local net, r = vfl.tune{net = make, train = tr, valid = va, loss = "logistic",
                          space = {lr = {0.01, 1}, epochs = {1, 10}}, budget = 30}]])
  help.register(tune.run, "vfl.tune.run{...}", "The same as vfl.tune{...}.")
end

return tune
