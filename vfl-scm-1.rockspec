-- vfl as a Lua 5.4 rock, built from a checkout with CMake:
--   luarocks --lua-version 5.4 make [--tree T] vfl-scm-1.rockspec
-- CMake (VFL_LUAROCKS=ON) builds only the module vfl.so and installs it with
-- the Lua files (vfl/*.lua) into the rock's directories. Needs cmake, a C
-- compiler, zlib (zlib1g-dev) and the Lua 5.4 headers (liblua5.4-dev).
rockspec_format = "3.0"
package = "vfl"
version = "scm-1"
source = {
  -- No public repository yet: `luarocks make` uses the checkout it runs in.
  url = "git+file://.",
}
description = {
  summary = "Fast shallow neural networks on sparse data",
  detailed = [[
vfl trains shallow neural networks (linear models, embeddings, small MLPs,
feature crosses) on sparse data: libsvm, CSV and Vowpal Wabbit files, on
every core, from a C11 engine. require "vfl" gives the Lua API; help(x)
documents it.]],
}
dependencies = {
  "lua >= 5.4, < 5.5",
}
build = {
  type = "cmake",
  variables = {
    CMAKE_BUILD_TYPE = "Release",
    VFL_LUAROCKS = "ON",
    VFL_LUA54_INCLUDE_DIR = "$(LUA_INCDIR)",
    CMAKE_INSTALL_PREFIX = "$(PREFIX)",
    VFL_INSTALL_LUA_CMOD_DIR = "$(LIBDIR)",
    VFL_INSTALL_LUA_DIR = "$(LUADIR)",
  },
}
