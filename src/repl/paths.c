/* Module search paths; see paths.h. Compile-time locations come from CMake:
 * VFL_LUA_DIR_SRC, VFL_LUA_DIR_INSTALL, VFL_CPATH_INSTALL, VFL_BUILD_DIR. */
#include "paths.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lauxlib.h"

#ifndef VFL_LUA_DIR_SRC
#define VFL_LUA_DIR_SRC ""
#endif
#ifndef VFL_LUA_DIR_INSTALL
#define VFL_LUA_DIR_INSTALL "/usr/local/share/lua/5.4"
#endif
#ifndef VFL_CPATH_INSTALL
#define VFL_CPATH_INSTALL "/usr/local/lib/lua/5.4"
#endif
#ifndef VFL_BUILD_DIR
#define VFL_BUILD_DIR ""
#endif

/* 1: the executable lies under the build tree, 0: it does not, -1: unknown. */
static int in_build_tree(void) {
  char exe[4096];
  size_t blen = strlen(VFL_BUILD_DIR);
  ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
  if (n <= 0 || blen == 0) return -1;
  exe[n] = '\0';
  return strncmp(exe, VFL_BUILD_DIR, blen) == 0 && exe[blen] == '/';
}

/* Push the templates for one entry: a directory, or templates with '?' as is. */
static void add_entry(luaL_Buffer *b, const char *s, size_t len) {
  if (len == 0) return;
  if (memchr(s, '?', len) != NULL) {
    luaL_addlstring(b, s, len);
    luaL_addchar(b, ';');
    return;
  }
  luaL_addlstring(b, s, len);
  luaL_addstring(b, "/?.lua;");
  luaL_addlstring(b, s, len);
  luaL_addstring(b, "/?/init.lua;");
}

/* Entries separated by ';'. */
static void add_list(luaL_Buffer *b, const char *list) {
  const char *semi;
  while ((semi = strchr(list, ';')) != NULL) {
    add_entry(b, list, (size_t)(semi - list));
    list = semi + 1;
  }
  add_entry(b, list, strlen(list));
}

static void prepend(lua_State *L, const char *field, const char *entries, int as_list) {
  luaL_Buffer b;
  int t;
  if (lua_getglobal(L, "package") != LUA_TTABLE) {
    lua_pop(L, 1);
    return;
  }
  t = lua_gettop(L);
  if (lua_getfield(L, t, field) != LUA_TSTRING) {
    lua_settop(L, t - 1);
    return;
  }
  luaL_buffinit(L, &b);
  if (as_list)
    add_list(&b, entries);
  else
    luaL_addstring(&b, entries);
  lua_pushvalue(L, t + 1);
  luaL_addvalue(&b);
  luaL_pushresult(&b);
  lua_setfield(L, t, field);
  lua_settop(L, t - 1);
}

void paths_setup(lua_State *L, int noenv) {
  const char *env = noenv ? NULL : getenv("VFL_LUA_PATH");
  const char *dir;
  if (env != NULL && *env != '\0') {
    dir = env;
  } else {
    switch (in_build_tree()) {
      case 1: dir = VFL_LUA_DIR_SRC; break;
      case 0: dir = VFL_LUA_DIR_INSTALL; break;
      default: dir = VFL_LUA_DIR_INSTALL ";" VFL_LUA_DIR_SRC; break;
    }
  }
  prepend(L, "path", dir, 1);
  prepend(L, "cpath", VFL_CPATH_INSTALL "/?.so;", 0);
}
