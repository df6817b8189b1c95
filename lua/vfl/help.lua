-- vfl.help: the help registry, and `help` in the REPL.
--
--   help.register(value_or_topic, "signature", "text" [, "name"])  --> value_or_topic
--   help(x)          print the help of a value or of a name ("vfl.optim.adam")
--   help()           list the topics
--   help.text(x)     the text help(x) prints
--   help.entry(x)    {name=, signature=, text=} or nil
--   help.topics()    sorted list of registered names
--
-- The name of an entry is the start of its signature ("vfl.optim.adam" for
-- "vfl.optim.adam{lr=, ...}") unless given; a string as the first argument registers a
-- topic that has no value ("repl"). Entries are found by value (functions,
-- tables, metatables of userdata) and by name; a dotted or colon name that
-- was not registered is looked up through the globals, so help("net:learn")
-- finds the documentation of the method of the object in the global net.
local help = {}

local by_value = setmetatable({}, { __mode = "k" })
local by_name = {}

local KEYWORDS = {}
for w in ([[and break do else elseif end false for function goto if in
  local nil not or repeat return then true until while]]):gmatch("%a+") do
  KEYWORDS[w] = true
end

local function name_of(signature)
  return signature:match("^%s*([%a_][%w_]*[%w_%.:]*)")
end

--- help.register(value_or_topic, signature, text [, name])
function help.register(x, signature, text, name)
  if type(signature) ~= "string" then
    error("help.register: the signature must be a string, got " .. type(signature), 2)
  end
  if text ~= nil and type(text) ~= "string" then
    error("help.register: the text must be a string, got " .. type(text), 2)
  end
  if name ~= nil and type(name) ~= "string" then
    error("help.register: the name must be a string, got " .. type(name), 2)
  end
  if x == nil then error("help.register: nothing to document (nil)", 2) end
  local entry = { signature = signature, text = text or "" }
  if type(x) == "string" then
    entry.name = name or x
  else
    entry.name = name or name_of(signature) or signature
    by_value[x] = entry
  end
  by_name[entry.name] = entry
  return x
end

-- Index without raising; __index metamethods run (that is how methods of
-- userdata are found).
local function index(v, k)
  local ok, r = pcall(function() return v[k] end)
  if ok then return r end
end

--- The value a dotted/colon name denotes in the globals, or nil.
function help.resolve(name)
  if type(name) ~= "string" then return nil end
  local first, rest = name:match("^%s*([%a_][%w_]*)(.-)%s*$")
  if not first then return nil end
  local v = index(_G, first)
  for sep, part in rest:gmatch("([.:])([%a_][%w_]*)") do
    if v == nil then return nil end
    v = index(v, part)
  end
  local tail = rest:gsub("[.:][%a_][%w_]*", "")
  if tail ~= "" then return nil end
  return v
end

--- The entry of a value or a name, or nil.
function help.entry(x)
  if type(x) == "string" then
    local e = by_name[x] or by_name[(x:gsub("^%s+", ""):gsub("%s+$", ""))]
    if e then return e end
    local v = help.resolve(x)
    if v ~= nil and type(v) ~= "string" then return help.entry(v) end
    return nil
  end
  if x == nil then return nil end
  local e = by_value[x]
  if e then return e end
  if type(x) == "userdata" or type(x) == "table" then
    local mt = debug.getmetatable(x)
    if mt then return by_value[mt] end
  end
  return nil
end

--- Sorted names of everything registered.
function help.topics()
  local names = {}
  for name in pairs(by_name) do names[#names + 1] = name end
  table.sort(names)
  return names
end

local function indent(text, pad)
  return pad .. text:gsub("\n", "\n" .. pad)
end

-- Documented members of a table or object (its fields and its metatable's
-- __index chain), as "  signature" lines.
local function members(v)
  local found, seen, lines = {}, {}, {}
  local function scan(t, depth)
    if type(t) ~= "table" or seen[t] or depth > 8 then return end
    seen[t] = true
    for k, x in next, t do
      if type(k) == "string" and not found[k] and by_value[x] then found[k] = by_value[x] end
    end
    local mt = debug.getmetatable(t)
    if mt then scan(rawget(mt, "__index"), depth + 1) end
  end
  scan(v, 0)
  if type(v) ~= "table" then
    local mt = debug.getmetatable(v)
    if mt then scan(rawget(mt, "__index"), 1) end
  end
  local names = {}
  for k in pairs(found) do names[#names + 1] = k end
  table.sort(names)
  for i, k in ipairs(names) do lines[i] = "  " .. found[k].signature end
  return lines
end

-- What can be said about an undocumented value.
local function describe(v, label)
  local t = type(v)
  if t == "function" then
    local info = debug.getinfo(v, "Su")
    if info.what == "C" then
      return label .. ": a built-in function (no vfl documentation)"
    end
    local params = {}
    for i = 1, info.nparams do params[i] = debug.getlocal(v, i) or "?" end
    if info.isvararg then params[#params + 1] = "..." end
    return string.format("%s(%s)\n  a Lua function defined at %s:%d (no documentation)",
      label, table.concat(params, ", "), info.short_src, info.linedefined)
  end
  return label .. ": " .. t .. " (no documentation)"
end

local function overview()
  local lines = {
    "vfl: fast shallow neural nets on sparse data, driven from Lua.",
    "",
    "  help(x), ?x        help on a value or a name:  ?vfl.optim.adam   help(net)",
    "  help 'repl'        the REPL: keys, completion, history, Ctrl-C",
    "  vfl.pretty(x)      readable rendering of any value (see ?vfl.pretty)",
  }
  local topics = help.topics()
  if #topics > 0 then
    lines[#lines + 1] = ""
    lines[#lines + 1] = "Topics:"
    local widest = 0
    for _, n in ipairs(topics) do widest = math.max(widest, #n) end
    local per_line = math.max(1, math.floor(76 / (widest + 2)))
    local row = {}
    for i, n in ipairs(topics) do
      row[#row + 1] = n .. string.rep(" ", widest + 2 - #n)
      if #row == per_line or i == #topics then
        lines[#lines + 1] = ("  " .. table.concat(row)):gsub("%s+$", "")
        row = {}
      end
    end
  end
  return table.concat(lines, "\n")
end

--- The text help(x) prints. With no argument: the overview and topics.
function help.text(...)
  if select("#", ...) == 0 then return overview() end
  local x = ...
  if x == nil then
    return "help: got nil; a misspelt name? Try help \"vfl.name\" or help() for the topics."
  end
  local e = help.entry(x)
  local value = x
  if type(x) == "string" then value = help.resolve(x) end
  local out = {}
  if e then
    out[1] = e.signature
    if e.text ~= "" then out[2] = indent(e.text, "  ") end
  elseif type(x) == "string" then
    if value == nil then
      return "help: nothing known as '" .. x .. "'. help() lists the topics."
    end
    out[1] = describe(value, x)
  else
    out[1] = describe(x, tostring(x))
  end
  if value ~= nil and type(value) ~= "function" and type(value) ~= "string" then
    local m = members(value)
    if #m > 0 then
      out[#out + 1] = ""
      out[#out + 1] = "Documented members:"
      for _, l in ipairs(m) do out[#out + 1] = l end
    end
  end
  return table.concat(out, "\n")
end

setmetatable(help, {
  __call = function(_, ...)
    io.stdout:write(help.text(...), "\n")
  end,
})

help.register(help, "help(x)", [[
Print the documentation of x: a value (help(vfl.optim.adam), help(net)) or
a name ("vfl.optim.adam", "net:learn"). help() lists the topics.
In the REPL, a line starting with ? does the same: ?vfl.optim.adam]])
help.register(help.register, "help.register(value_or_topic, signature, text [, name])", [[
Document a function, table or object type (its metatable), or a topic given
as a string. The name defaults to the start of the signature:
"vfl.optim.adam{...}" is found as help("vfl.optim.adam") and by value.
Returns its first argument.]])
help.register(help.text, "help.text(x)", "The text that help(x) prints, as a string.")
help.register(help.entry, "help.entry(x)",
  "The registry entry {name, signature, text} of a value or name, or nil.")
help.register(help.topics, "help.topics()", "Sorted list of every registered name.")
help.register(help.resolve, "help.resolve(name)",
  "The value a dotted or colon name (\"vfl.optim.adam\", \"net:learn\") names through the globals, or nil.")
help.register("repl", "repl", [[
The vfl REPL (run vfl with no script, or vfl -i):
  expressions print their values (no '=' needed), through vfl.pretty
  statements may span lines: an unfinished one continues at the ...> prompt
  ?name                help on name, like help("name")
  Tab                  complete globals, keywords, t.field, obj:method( ;
                       file names inside a string
  Up / Down, Ctrl-R    history, kept in ~/.vfl_history ($VFL_HISTORY)
  Ctrl-C               at the prompt: drop the line; while a command runs:
                       stop it and go back to the prompt. net:learn stops
                       within one mini-batch and keeps the model trained so
                       far. Three presses that go unanswered (a command stuck
                       in C) quit vfl.
  Ctrl-D, os.exit()    leave
  ~/.vflrc ($VFL_RC)   Lua run when the REPL starts
  _                    the last result (the first value of the last line
                       that printed one)
  vfl.repl.precision   significant digits of floats shown (4; nil: all)
  _PROMPT, _PROMPT2    change the prompts; NO_COLOR turns colours off
The command line is the one of lua: vfl script.lua args, -e, -l, -i, -v, -E, -W, -;
vfl --help and man vfl list them.]])

return help
