/*
** vfl_lua.h -- what a host program (the vfl REPL) needs from the Lua binding.
**
**   luaL_requiref(L, "vfl", luaopen_vfl, 1);   -- or package.preload.vfl
**   signal handler for SIGINT:  vfl_lua_request_stop();
**
** The module's Lua-side files (lua/vfl/progress.lua, lua/vfl/doc.lua) are
** found through package.path; the host adds the folder that holds lua/vfl.
*/
#ifndef VFL_LUA_H
#define VFL_LUA_H

#include "lua.h"

/* The modules are compiled with -fvisibility=hidden: their entry point is the
** one name they export besides vfl.h's functions (install.exports.vfl_module, .vfl_jit). */
#if defined(__GNUC__) || defined(__clang__)
#define VFL_LUA_EXPORT __attribute__((visibility("default")))
#else
#define VFL_LUA_EXPORT
#endif

/* Opens the vfl module and returns 1 (the module table). */
VFL_LUA_EXPORT int luaopen_vfl(lua_State *L);

/* Asks the running (or next-started, until it resets the flag) net:learn to
** stop after the current mini-batch. Async-signal-safe: it only stores to a
** volatile sig_atomic_t, so a SIGINT handler may call it. */
void vfl_lua_request_stop(void);

/* A script failed with message: under mpirun with several ranks this names
** the rank, prints the message and ends the whole job (MPI_Abort), so no
** other rank waits for it; otherwise it does nothing. */
void vfl_lua_dist_failed(const char *message);

#endif
