-- vfl.pretty: a readable, bounded rendering of any Lua value.
--
--   vfl.pretty(value [, opts])        --> string
--   vfl.pretty.print(value [, opts])  -- writes it to stdout
--
-- Tables are shown with sorted keys, on one line when short, over several
-- lines otherwise; large ones are summarised (`{1, 2, 3, ... 9997 more}`),
-- deep ones cut (`{...}`), cycles marked (`<cycle>`). Values whose metatable
-- has __tostring (nets, datasets) print through it. Strings are quoted.
--
-- opts (defaults in pretty.defaults):
--   depth  = 3     levels of nested tables shown
--   items  = 20    entries shown per table
--   width  = 80    line width for the one-line layout
--   string = 120   characters shown of a nested string
--   top_string = 2000   characters shown of a string at the top
--   indent = "  "
--   color  = false  ANSI colours
--   precision = nil  significant digits of floats (nil: all; the REPL uses 4)
local pretty = {}

pretty.defaults = {
  depth = 3,
  items = 20,
  width = 80,
  string = 120,
  top_string = 2000,
  indent = "  ",
  color = false,
}

local SORT_LIMIT = 5000 -- tables with more keys than this are not fully sorted

-- Lua 5.4 first; LuaJIT (5.1) fallbacks so the module also serves vfl.so there.
local rawlen = rawlen or function(t) return #t end
local math_type = math.type or function(x)
  if type(x) ~= "number" then return nil end
  return (x == math.floor(x) and x > -2 ^ 53 and x < 2 ^ 53) and "integer" or "float"
end
local utf8_len = utf8 and utf8.len or function(s)
  return (select(2, s:gsub("[^\128-\191]", "")))
end
local unpack = table.unpack or unpack

local COLORS = {
  number = "36", string = "32", constant = "35", ["function"] = "34",
  other = "33", meta = "2", cycle = "31",
}

local KEYWORDS = {}
for w in ([[and break do else elseif end false for function goto if in
  local nil not or repeat return then true until while]]):gmatch("%a+") do
  KEYWORDS[w] = true
end

local function paint(o, kind, s)
  if o.color then return "\27[" .. COLORS[kind] .. "m" .. s .. "\27[0m" end
  return s
end

-- Printed width, without colour codes; UTF-8 aware.
local function width(s)
  s = s:gsub("\27%[[%d;]*m", "")
  return utf8_len(s) or #s
end

local function is_identifier(k)
  return type(k) == "string" and k:match("^[%a_][%w_]*$") ~= nil and not KEYWORDS[k]
end

-- Cut s to at most n bytes without splitting a UTF-8 sequence.
local function cut(s, n)
  if #s <= n then return s end
  while n > 0 do
    local b = s:byte(n + 1)
    if not b or b < 0x80 or b >= 0xC0 then break end
    n = n - 1
  end
  return s:sub(1, n)
end

local ESCAPES = {
  ["\\"] = "\\\\", ['"'] = '\\"', ["\n"] = "\\n", ["\r"] = "\\r", ["\t"] = "\\t",
  ["\a"] = "\\a", ["\b"] = "\\b", ["\f"] = "\\f", ["\v"] = "\\v",
}

local function quote(s)
  return '"' .. s:gsub('[%c"\\]', function(c)
    return ESCAPES[c] or string.format("\\%03d", c:byte())
  end) .. '"'
end

-- Multi-line text at the top level reads better as a long string.
local function long_quote(s)
  local eq = ""
  while s:find("]" .. eq .. "]", 1, true) do eq = eq .. "=" end
  return "[" .. eq .. "[" .. (s:sub(1, 1) == "\n" and "\n" or "") .. s .. "]" .. eq .. "]"
end

local function format_string(s, o, top)
  local limit = top and o.top_string or o.string
  local shown = cut(s, limit)
  local body
  if top and shown:find("\n", 1, true) and not shown:find("[%z\1-\8\11-\31\127]") then
    body = long_quote(shown)
  else
    body = quote(shown)
  end
  body = paint(o, "string", body)
  if #shown < #s then
    body = body .. paint(o, "meta", "...(" .. #s .. " bytes)")
  end
  return body
end

-- Floats with o.precision significant digits (nil: all of them, as tostring).
-- A float stays recognisable as one (2.0, not 2); integers print whole.
local function format_number(n, o)
  local p = o.precision
  if not p or math_type(n) ~= "float" or n ~= n or n == math.huge or n == -math.huge then
    return paint(o, "number", tostring(n))
  end
  local s = string.format("%." .. p .. "g", n)
  if s:find("e", 1, true) and math.abs(n) >= 1 and math.abs(n) < 1e15 then
    s = string.format("%.0f", n) -- 123457, not 1.235e+05
  end
  if not s:find("[%.e]") then s = s .. ".0" end
  return paint(o, "number", s)
end

-- The registered help entry of a value, if vfl.help is loaded.
local function help_entry(v)
  local help = package.loaded["vfl.help"]
  if type(help) == "table" and type(help.entry) == "function" then
    local ok, e = pcall(help.entry, v)
    if ok then return e end
  end
end

local function format_function(f, o)
  local e = help_entry(f)
  if e and e.signature then return paint(o, "function", "<function " .. e.signature .. ">") end
  local info = debug.getinfo(f, "Su")
  if info.what == "C" then return paint(o, "function", "<function: builtin>") end
  local params = {}
  for i = 1, info.nparams do params[i] = debug.getlocal(f, i) or "?" end
  if info.isvararg then params[#params + 1] = "..." end
  local where = info.short_src .. ":" .. info.linedefined
  return paint(o, "function", "<function(" .. table.concat(params, ", ") .. ") " .. where .. ">")
end

-- tostring through __tostring, never raising.
local function safe_tostring(v)
  local ok, s = pcall(tostring, v)
  if ok and type(s) == "string" then return s end
  return "<" .. type(v) .. ": __tostring failed: " .. tostring(s) .. ">"
end

local TYPE_RANK = { number = 1, string = 2, boolean = 3 }

-- "k2" before "k10": digit runs compare by value.
local function natural(s)
  return (s:gsub("%d+", function(d) return string.format("%03d", #d) .. d end))
end

local function key_less(a, b)
  local ta, tb = type(a), type(b)
  if ta ~= tb then
    local ra, rb = TYPE_RANK[ta] or 4, TYPE_RANK[tb] or 4
    if ra ~= rb then return ra < rb end
    return ta < tb
  end
  if ta == "number" then return a < b end
  if ta == "string" then
    local na, nb = natural(a), natural(b)
    if na ~= nb then return na < nb end
    return a < b
  end
  if ta == "boolean" then return (not a) and b end
  return tostring(a) < tostring(b)
end

local function format_key(k, o)
  if is_identifier(k) then return k end
  local s
  if type(k) == "string" then
    s = format_string(k, o, false)
  elseif type(k) == "number" then
    s = format_number(k, o)
  elseif type(k) == "boolean" then
    s = paint(o, "constant", tostring(k))
  else
    s = paint(o, "other", safe_tostring(k))
  end
  return "[" .. s .. "]"
end

local render

-- Entries of a table: array part 1..#t first, then the other keys sorted.
-- Returns the rendered parts, how many were left out, whether all parts
-- are plain array items.
local function table_parts(t, o, level, path)
  local parts, limit = {}, o.items
  local len = rawlen(t)
  local shown = math.min(len, limit)
  for i = 1, shown do parts[i] = render(rawget(t, i), o, level + 1, path) end
  local more = len - shown

  local keys, nkeys = {}, 0
  for k in next, t do
    if not (math_type(k) == "integer" and k >= 1 and k <= len) then
      nkeys = nkeys + 1
      if nkeys <= SORT_LIMIT then keys[nkeys] = k end
    end
  end
  table.sort(keys, key_less)
  local room = math.max(limit - shown, 0)
  for i = 1, math.min(room, #keys) do
    local k = keys[i]
    local key = format_key(k, o) .. " = "
    parts[#parts + 1] = key .. render(rawget(t, k), o, level + 1, path, width(key))
  end
  more = more + nkeys - math.min(room, #keys)
  return parts, more, nkeys == 0
end

local function one_line(prefix, parts, more, o)
  local all = parts
  if more > 0 then
    all = { unpack(parts) }
    all[#all + 1] = paint(o, "meta", "... " .. more .. " more")
  end
  return prefix .. "{" .. table.concat(all, ", ") .. "}"
end

local function layout(prefix, parts, more, array_only, o, level, lead)
  if #parts == 0 and more == 0 then return prefix .. "{}" end
  local column = #o.indent * level + (lead or 0) + (level > 0 and 1 or 0) -- "," after
  local one = one_line(prefix, parts, more, o)
  if not one:find("\n", 1, true) then
    if column + width(one) <= o.width then return one end
    if array_only and more > 0 then -- a long array: as many items as fit
      while #parts > 3 and column + width(one) > o.width do
        parts[#parts] = nil
        more = more + 1
        one = one_line(prefix, parts, more, o)
      end
      return one
    end
  end
  if more > 0 then parts[#parts + 1] = paint(o, "meta", "... " .. more .. " more") end
  local inner = o.indent:rep(level + 1)
  local multiline = false
  for _, p in ipairs(parts) do
    if p:find("\n", 1, true) then multiline = true break end
  end
  local lines = {}
  if array_only and not multiline then -- fill lines, as many items as fit
    local line = inner
    for _, p in ipairs(parts) do
      local piece = p .. ","
      if line ~= inner and width(line) + 1 + width(piece) > o.width then
        lines[#lines + 1] = line
        line = inner .. piece
      else
        line = line == inner and inner .. piece or line .. " " .. piece
      end
    end
    lines[#lines + 1] = line
  else
    for i, p in ipairs(parts) do lines[i] = inner .. p .. "," end
  end
  return prefix .. "{\n" .. table.concat(lines, "\n") .. "\n" .. o.indent:rep(level) .. "}"
end

local function format_table(t, o, level, path, lead)
  if path[t] then return paint(o, "cycle", "<cycle>") end
  local mt = debug.getmetatable(t)
  local name = mt and rawget(mt, "__name")
  local prefix = type(name) == "string" and name .. " " or ""
  if level >= o.depth then
    if next(t) == nil then return prefix .. "{}" end
    return prefix .. paint(o, "meta", "{...}")
  end
  path[t] = true
  local parts, more, array_only = table_parts(t, o, level, path)
  path[t] = nil
  return layout(prefix, parts, more, array_only, o, level, lead)
end

function render(v, o, level, path, lead)
  local tv = type(v)
  if tv == "string" then return format_string(v, o, level == 0) end
  if tv == "number" then return format_number(v, o) end
  if tv == "nil" or tv == "boolean" then return paint(o, "constant", tostring(v)) end
  if tv == "function" then return format_function(v, o) end
  local mt = debug.getmetatable(v)
  if mt and rawget(mt, "__tostring") ~= nil then
    local s = safe_tostring(v)
    if level > 0 then s = s:gsub("\n", "\n" .. o.indent:rep(level)) end
    return s
  end
  if tv == "table" then return format_table(v, o, level, path, lead) end
  return paint(o, "other", safe_tostring(v))
end

local function options(opts)
  local o = {}
  for k, v in pairs(pretty.defaults) do o[k] = v end
  if opts ~= nil then
    if type(opts) ~= "table" then
      error("vfl.pretty: options must be a table, got " .. type(opts), 3)
    end
    for k, v in pairs(opts) do o[k] = v end
  end
  return o
end

--- Render value as a string.
function pretty.format(value, opts)
  return render(value, options(opts), 0, {})
end

--- Write the rendering of value to stdout, with a newline.
function pretty.print(value, opts)
  io.stdout:write(render(value, options(opts), 0, {}), "\n")
end

setmetatable(pretty, {
  __call = function(_, value, opts) return render(value, options(opts), 0, {}) end,
})

local ok, help = pcall(require, "vfl.help")
if ok and type(help) == "table" and help.register then
  help.register(pretty, "vfl.pretty(value [, opts])", [[
Render any value as a readable string, bounded in size:
  {1, 2, 3, ... 9997 more}   large tables are summarised
  {a = 1, b = {...}}         keys sorted, nesting cut at opts.depth
  <cycle>                    a table that contains itself
Nets and datasets print their own summaries (__tostring).
opts: depth (3), items (20) per table, width (80), string (120) characters
of nested strings, indent ("  "), color (false), precision (nil: every
digit of a float; the REPL passes vfl.repl.precision).
The REPL prints every result through it; for more detail:
  print(vfl.pretty(t, {depth = 6, items = 100}))]])
  help.register(pretty.format, "vfl.pretty.format(value [, opts])",
    "The same as vfl.pretty(value, opts): returns the rendering as a string.")
  help.register(pretty.print, "vfl.pretty.print(value [, opts])",
    "Write vfl.pretty(value, opts) to stdout, followed by a newline.")
end

return pretty
