/* Signal handlers; see signals.h. */
#include "signals.h"

#include <signal.h>
#include <unistd.h>

#include "lauxlib.h"

#ifdef VFL_HAVE_BINDING
void vfl_lua_request_stop(void); /* from the binding: async-signal-safe */
#endif

enum { GIVE_UP_AFTER = 3 };

static lua_State *volatile command_L = NULL;
static volatile sig_atomic_t pending = 0;  /* presses Lua has not seen yet */
static volatile sig_atomic_t command_hit = 0; /* any press in this command */
static volatile sig_atomic_t prompt_hit = 0;
static volatile sig_atomic_t winch_hit = 0;
static struct sigaction before_command;
static struct sigaction before_prompt;
static int prompt_installed = 0;

static void set_handler(int sig, void (*h)(int), int flags, struct sigaction *old) {
  struct sigaction sa;
  sa.sa_handler = h;
  sa.sa_flags = flags;
  sigemptyset(&sa.sa_mask);
  sigaction(sig, &sa, old);
}

static int defer_ref = LUA_NOREF; /* set of functions that stop by themselves */

void sig_set_deferred(lua_State *L, int idx) {
  lua_pushvalue(L, idx);
  defer_ref = luaL_ref(L, LUA_REGISTRYINDEX);
}

/* Is one of the deferred functions (net:learn) active on L's stack? */
static int in_deferred(lua_State *L) {
  lua_Debug ar;
  int level, found = 0;
  if (defer_ref == LUA_NOREF || !lua_checkstack(L, 3)) return 0;
  lua_rawgeti(L, LUA_REGISTRYINDEX, defer_ref);
  for (level = 0; !found && lua_getstack(L, level, &ar); level++) {
    lua_getinfo(L, "f", &ar);
    found = lua_rawget(L, -2) != LUA_TNIL;
    lua_pop(L, 1);
  }
  lua_pop(L, 1);
  return found;
}

static int training_took_it = 0; /* a training was running when Ctrl-C came */

static void interrupt(lua_State *L) {
  lua_sethook(L, NULL, 0, 0);
  pending = 0;
  training_took_it = 0;
  luaL_error(L, "interrupted!");
}

/* After a training that Ctrl-C stopped: the command ends at its next line
 * or call, so that `st = net:learn(...)` keeps the stats learn returned
 * while a loop of trainings still ends. */
static void lstop_after_training(lua_State *L, lua_Debug *ar) {
  (void)ar;
  interrupt(L);
}

/* The hook: runs in Lua's thread at the next instruction, call or return.
 * Inside a training it stays armed and waits: the training stops by itself
 * (vfl_lua_request_stop), returns its stats, and must not lose the error to
 * its own pcalls. */
static void lstop(lua_State *L, lua_Debug *ar) {
  (void)ar;
  if (in_deferred(L)) {
    training_took_it = 1;
    return;
  }
  if (training_took_it) {
    lua_sethook(L, lstop_after_training, LUA_MASKLINE | LUA_MASKCALL, 0);
    return;
  }
  interrupt(L);
}

static void on_sigint_command(int sig) {
  int mask = LUA_MASKCALL | LUA_MASKRET | LUA_MASKLINE | LUA_MASKCOUNT;
  if (pending + 1 >= GIVE_UP_AFTER) {
    static const char msg[] = "\nvfl: not responding to Ctrl-C, quitting\n";
    ssize_t w = write(STDERR_FILENO, msg, sizeof msg - 1);
    (void)w;
    set_handler(sig, SIG_DFL, 0, NULL);
    raise(sig);
    return;
  }
  pending = pending + 1;
  command_hit = 1;
#ifdef VFL_HAVE_BINDING
  vfl_lua_request_stop();
#endif
  if (command_L != NULL) lua_sethook(command_L, lstop, mask, 1);
}

void sig_command_begin(lua_State *L) {
  command_L = L;
  pending = 0;
  command_hit = 0;
  training_took_it = 0;
  /* no SA_RESTART: a blocked read returns EINTR so Lua gets control back */
  set_handler(SIGINT, on_sigint_command, 0, &before_command);
}

void sig_command_end(lua_State *L) {
  sigset_t block, old;
  sigemptyset(&block);
  sigaddset(&block, SIGINT);
  sigprocmask(SIG_BLOCK, &block, &old);
  sigaction(SIGINT, &before_command, NULL);
  if (pending) { /* pressed too late, or taken by a training: the hook did not fire */
    lua_sethook(L, NULL, 0, 0);
    pending = 0;
  }
  training_took_it = 0;
  command_L = NULL;
  sigprocmask(SIG_SETMASK, &old, NULL);
}

int sig_command_interrupted(void) { return command_hit; }

static void on_sigint_prompt(int sig) {
  (void)sig;
  prompt_hit = 1;
}

void sig_prompt_install(void) {
  if (prompt_installed) return;
  prompt_hit = 0;
  set_handler(SIGINT, on_sigint_prompt, 0, &before_prompt);
  prompt_installed = 1;
}

void sig_prompt_uninstall(void) {
  if (!prompt_installed) return;
  sigaction(SIGINT, &before_prompt, NULL);
  prompt_installed = 0;
}

int sig_prompt_take(void) {
  int hit = prompt_hit;
  prompt_hit = 0;
  return hit;
}

static void on_sigwinch(int sig) {
  (void)sig;
  winch_hit = 1;
}

void sig_winch_install(void) {
  set_handler(SIGWINCH, on_sigwinch, SA_RESTART, NULL);
}

int sig_winch_take(void) {
  int hit = winch_hit;
  winch_hit = 0;
  return hit;
}
