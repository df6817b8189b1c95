-- vfl.repl: the Lua side of the vfl REPL (src/repl/repl.c calls into it).
--
--   repl.setup{color=, tty=}     called once when the REPL starts
--   repl.show(width, ...)        print results through vfl.pretty
--   repl.complete(text)          Tab completion candidates for text
--   repl.question(s)             a "?s" line: help(s)
--   repl.precision = 4           significant digits of floats shown (nil: all)
-- The REPL also keeps the last result in the global `_`.
local pretty = require "vfl.pretty"

local repl = {
  color = false,
  precision = 4,       -- significant digits of floats in results (nil: all)
  pretty_options = {}, -- extra options for printing results, e.g. {depth = 5}
}

local KEYWORDS = {
  "and", "break", "do", "else", "elseif", "end", "false", "for", "function",
  "goto", "if", "in", "local", "nil", "not", "or", "repeat", "return", "then",
  "true", "until", "while",
}
local IS_KEYWORD = {}
for _, k in ipairs(KEYWORDS) do IS_KEYWORD[k] = true end

function repl.setup(opts)
  opts = opts or {}
  repl.color = opts.color and true or false
end

--- Print the results of a command, separated by tabs like print does.
function repl.show(width, ...)
  local n = select("#", ...)
  if n == 0 then return end
  local o = {}
  for k, v in pairs(repl.pretty_options) do o[k] = v end
  if o.color == nil then o.color = repl.color end
  if o.precision == nil then o.precision = repl.precision end
  if o.width == nil and type(width) == "number" and width > 20 then o.width = width end
  local parts = {}
  for i = 1, n do parts[i] = pretty.format((select(i, ...)), o) end
  io.stdout:write(table.concat(parts, "\t"), "\n")
  io.stdout:flush()
end

--- A "?topic" line.
function repl.question(s)
  local help = require "vfl.help"
  s = s:match("^%s*(.-)%s*$")
  if s == "" then help() else help(s) end
end

-- Completion ------------------------------------------------------------------

local function is_name(k)
  return type(k) == "string" and k:match("^[%a_][%w_]*$") ~= nil and not IS_KEYWORD[k]
end

local function callable(v)
  if type(v) == "function" then return true end
  local mt = debug.getmetatable(v)
  return mt ~= nil and rawget(mt, "__call") ~= nil
end

local function index(v, k)
  local ok, r = pcall(function() return v[k] end)
  if ok then return r end
end

-- Fields of v: its own (tables) and those of its metatable's __index tables,
-- recursively (classes, userdata methods, string methods).
local function collect(v, out, seen, depth)
  if depth > 10 then return end
  if type(v) == "table" then
    if seen[v] then return end
    seen[v] = true
    for k, x in next, v do
      if is_name(k) and out[k] == nil then out[k] = x end
    end
  end
  local mt = debug.getmetatable(v)
  if mt ~= nil and not seen[mt] then
    local idx = rawget(mt, "__index")
    if type(idx) == "table" then collect(idx, out, seen, depth + 1) end
    -- Classes whose __index is a function (ds[i], ds.rows) list what it
    -- answers: a `methods` table and a `fields` string of names.
    local methods, fields = rawget(mt, "methods"), rawget(mt, "fields")
    if type(methods) == "table" then collect(methods, out, seen, depth + 1) end
    if type(fields) == "string" then
      for name in fields:gmatch("[%a_][%w_]*") do
        if out[name] == nil then out[name] = index(v, name) or true end
      end
    end
  end
end


-- Value of "a.b.c" in the globals, or nil.
local function resolve(path)
  local v = _G
  for part in (path .. "."):gmatch("(.-)%.") do
    if not is_name(part) or v == nil then return nil end
    v = index(v, part)
  end
  return v
end

local function sorted(set)
  local list = {}
  for s in pairs(set) do list[#list + 1] = s end
  table.sort(list)
  return list
end

--- Candidates completing text ("pri", "tbl.fi", "net:le"), as full strings;
--- functions get a "(".
function repl.complete(text)
  local found = {}
  local prefix, sep, partial = text:match("^(.-)([.:])([%w_]*)$")
  if prefix == nil then
    if not text:match("^[%a_]?[%w_]*$") then return {} end
    local fields = {}
    collect(_G, fields, {}, 0)
    for k, v in pairs(fields) do
      if k:sub(1, #text) == text then found[k .. (callable(v) and "(" or "")] = true end
    end
    for _, k in ipairs(KEYWORDS) do
      if k:sub(1, #text) == text then found[k] = true end
    end
    return sorted(found)
  end
  local v = resolve(prefix)
  if v == nil then return {} end
  local fields = {}
  collect(v, fields, {}, 0)
  local hide_meta = partial:sub(1, 2) ~= "__"
  for k, x in pairs(fields) do
    if k:sub(1, #partial) == partial and not (hide_meta and k:sub(1, 2) == "__")
        and (sep == "." or callable(x)) then
      found[prefix .. sep .. k .. (callable(x) and "(" or "")] = true
    end
  end
  return sorted(found)
end

local ok, help = pcall(require, "vfl.help")
if ok then
  help.register(repl, "vfl.repl", [[
The Lua side of the REPL (src/repl/repl.c calls into it).
  vfl.repl.precision = 4        significant digits of floats in results
                                (nil: all of them)
  vfl.repl.pretty_options       more options for printing results, e.g.
                                vfl.repl.pretty_options.depth = 6
The last result is kept in the global _. See help "repl" for the keys.]])
  help.register(repl.setup, "vfl.repl.setup{color=, tty=}", "Called once by the REPL when it starts.")
  help.register(repl.show, "vfl.repl.show(width, ...)",
    "Prints results as the REPL does: through vfl.pretty, tab-separated, floats at vfl.repl.precision.")
  help.register(repl.complete, "vfl.repl.complete(text)", "The Tab completions of text, sorted (globals, fields, methods, keywords).")
  help.register(repl.question, "vfl.repl.question(s)", "What a \"?s\" line does: help(s), or help() for a bare \"?\".")
end

return repl
