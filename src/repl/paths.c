/* Module search paths; see paths.h. Compile-time locations come from CMake:
 * VFL_LUA_DIR_SRC and VFL_BUILD_DIR (the checkout and build tree),
 * VFL_LUA_DIR_INSTALL (absolute, for systems without /proc), and
 * VFL_LUA_DIR_REL and VFL_CPATH_REL, the install directories relative to
 * the installed program's own directory, so that a tree installed under any
 * prefix (or moved after installing) finds its Lua files. */
#include "paths.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lauxlib.h"

#ifndef VFL_LUA_DIR_SRC
#define VFL_LUA_DIR_SRC ""
#endif
#ifndef VFL_LUA_DIR_REL
#define VFL_LUA_DIR_REL "../share/lua/5.4"
#endif
#ifndef VFL_CPATH_REL
#define VFL_CPATH_REL "../lib/lua/5.4"
#endif
#ifndef VFL_LUA_DIR_INSTALL
#define VFL_LUA_DIR_INSTALL "/usr/local/share/lua/5.4"
#endif
#ifndef VFL_BUILD_DIR
#define VFL_BUILD_DIR ""
#endif

/* The directory of the running program (/proc/self/exe, links resolved),
 * without a trailing '/'; 0 when unknown. */
static int exe_dir(char *dir, size_t cap) {
  char *slash;
  ssize_t n = readlink("/proc/self/exe", dir, cap - 1);
  if (n <= 0 || (size_t)n >= cap - 1) return 0;
  dir[n] = '\0';
  slash = strrchr(dir, '/');
  if (slash == NULL) return 0;
  *slash = '\0';
  return 1;
}

/* 1: the program lies under the build tree, 0: it does not. */
static int in_build_tree(const char *dir) {
  size_t blen = strlen(VFL_BUILD_DIR);
  return blen > 0 && strncmp(dir, VFL_BUILD_DIR, blen) == 0 &&
         (dir[blen] == '/' || dir[blen] == '\0');
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
  char dir[4096], lua_dir[4200], cpath[4200];
  int known = exe_dir(dir, sizeof dir);
  if (known && in_build_tree(dir)) {
    prepend(L, "path", VFL_LUA_DIR_SRC, 1);
  } else if (known) {
    snprintf(lua_dir, sizeof lua_dir, "%s/" VFL_LUA_DIR_REL, dir);
    snprintf(cpath, sizeof cpath, "%s/" VFL_CPATH_REL "/?.so;", dir);
    prepend(L, "path", lua_dir, 1);
    prepend(L, "cpath", cpath, 0);
  } else { /* no /proc: where the build configured the install to go */
    prepend(L, "path", VFL_LUA_DIR_INSTALL, 1);
  }
  if (env != NULL && *env != '\0') prepend(L, "path", env, 1);
}
