/* Preloading vfl; see prelude.h. */
#include "prelude.h"

#include "lauxlib.h"
#include "run.h"
#include "signals.h"

#ifdef VFL_HAVE_BINDING
int luaopen_vfl(lua_State *L);
#define VFL_OPEN luaopen_vfl
#else
int vfl_placeholder_open(lua_State *L);
#define VFL_OPEN vfl_placeholder_open
#endif

/* Run with the vfl module as '...'. Missing Lua files are skipped quietly,
 * broken ones are reported; neither stops the program. Returns the set of
 * functions that stop by themselves on Ctrl-C (see sig_set_deferred). */
static const char extras[] =
    "local vfl = ...\n"
    "local function try(name)\n"
    "  local ok, m = pcall(require, name)\n"
    "  if ok then return m end\n"
    "  if not tostring(m):find(\"module '\" .. name .. \"' not found\", 1, true) then\n"
    "    io.stderr:write('vfl: warning: ', tostring(m), '\\n')\n"
    "  end\n"
    "end\n"
    "local function set(t, k, v)\n"
    "  if type(t) == 'table' and rawget(t, k) == nil then pcall(function() t[k] = v end) end\n"
    "end\n"
    "local help = try 'vfl.help'\n"
    "if help ~= nil then set(_G, 'help', help); set(vfl, 'help', help) end\n"
    "local pretty = try 'vfl.pretty'\n"
    "if pretty ~= nil then set(vfl, 'pretty', pretty) end\n"
    "local deferred = {}\n" /* functions that stop by themselves on Ctrl-C */
    "pcall(function()\n"
    "  for _, class in pairs(vfl.methods) do\n"
    "    if type(class) == 'table' and type(class.learn) == 'function' then\n"
    "      deferred[class.learn] = true\n"
    "    end\n"
    "  end\n"
    "end)\n"
    "return deferred\n";

int prelude_open(lua_State *L) {
  int status;
  luaL_getsubtable(L, LUA_REGISTRYINDEX, LUA_PRELOAD_TABLE);
  lua_pushcfunction(L, VFL_OPEN);
  lua_setfield(L, -2, "vfl");
  lua_pop(L, 1);

  lua_getglobal(L, "require");
  lua_pushliteral(L, "vfl");
  status = run_call(L, 1, 1);
  if (status != LUA_OK) return run_report(L, status);
  lua_pushvalue(L, -1);
  lua_setglobal(L, "vfl");

  status = luaL_loadbuffer(L, extras, sizeof extras - 1, "=vfl prelude");
  if (status != LUA_OK) {
    lua_remove(L, -2);
    return run_report(L, status);
  }
  lua_insert(L, -2);
  status = run_call(L, 1, 1);
  if (status != LUA_OK) return run_report(L, status);
  if (lua_istable(L, -1)) sig_set_deferred(L, -1);
  lua_pop(L, 1);
  return LUA_OK;
}
