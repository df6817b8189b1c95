/* Stand-in for the binding's luaopen_vfl while src/lua does not exist yet. */
#include "lua.h"
#include "vfl.h"

int vfl_placeholder_open(lua_State *L);

int vfl_placeholder_open(lua_State *L) {
  lua_newtable(L);
  lua_pushstring(L, vfl_version());
  lua_setfield(L, -2, "version");
  lua_pushboolean(L, 1);
  lua_setfield(L, -2, "placeholder");
  return 1;
}
