-- newsgroups_data.lua: the 20 Newsgroups adapter that newsgroups.lua and
-- newsgroups_tune.lua share (loaded with dofile).
--
--   local data = dofile("examples/newsgroups_data.lua")
--   local folder, opt = data.options(arg, {epochs = 5, ...}, "script.lua")
--   local train_file, test_file = data.files(folder, "script.lua")
--   local read, names = data.reader{bits = 21, lower = true}
--   local ds, words, cpu_seconds = read(train_file)
--
-- Lua cannot read gzip itself, so gzip -dc streams the file (the vfl.read.*
-- readers read gzip, but have no free-text column). The group names become
-- class ids 0..19 in order of first appearance; later files (the test set)
-- reuse the ids of the first. Unigrams and bigrams are hashed by
-- vfl.hash.words into 2^bits buckets.
local vfl = require "vfl"
local data = {}

--- The command line: args[1] the data folder, then key=value options that
--- must be keys of defaults (or listed in extra). Returns folder, options.
function data.options(args, defaults, who, extra)
  local folder = args[1] or "../shared/data/20newsgroups"
  local opt = {}
  for k, v in pairs(defaults) do opt[k] = v end
  for i = 2, #args do
    local k, v = args[i]:match("^(%w+)=(.*)$")
    if k == nil or opt[k] == nil and not (extra and extra[k]) then error(who .. ": unknown option " .. args[i]) end
    opt[k] = (v == "true" and true) or (v == "false" and false) or tonumber(v) or v
  end
  return folder, opt
end

local function exists(path)
  local f = io.open(path, "rb")
  if f then f:close() end
  return f ~= nil
end

function data.files(folder, who)
  local train_file = folder .. "/20news-bydate-train.tsv.gz"
  local test_file = folder .. "/20news-bydate-test.tsv.gz"
  if not exists(train_file) or not exists(test_file) then
    error(who .. ": data absent: " .. folder .. " has no 20news-bydate-{train,test}.tsv.gz" ..
          " (the shared data folder is ../shared/data; pass its 20newsgroups folder)")
  end
  return train_file, test_file
end

function data.reader(opt)
  local classes, names = {}, {}
  local function read(path)
    local words = 0
    local started = os.clock()
    local pipe = assert(io.popen("gzip -dc '" .. path .. "'"))
    local ds = vfl.dataset(function(emit)
      for line in pipe:lines() do
        local group, text = line:match("^([^\t]*)\t[^\t]*\t(.*)$")
        local c = classes[group]
        if c == nil then
          names[#names + 1] = group
          c = #names - 1
          classes[group] = c
        end
        local _, n = text:gsub("%S+", "")  -- whitespace tokens, as vfl.hash.words and fastText split
        words = words + n
        emit{label = c, features = vfl.hash.words(text, {bits = opt.bits, ngrams = 2, lower = opt.lower})}
      end
    end)
    pipe:close()
    return ds, words, os.clock() - started
  end
  return read, names
end

return data
