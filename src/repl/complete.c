/* Completion bridge; see complete.h. */
#include "complete.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <readline/readline.h>

#include "lauxlib.h"

static lua_State *cL;
static int cref = LUA_NOREF;
static char **cands;
static size_t ncands, next_cand;

static void clear_cands(void) {
  size_t i;
  for (i = 0; i < ncands; i++) free(cands[i]);
  free(cands);
  cands = NULL;
  ncands = next_cand = 0;
}

static char *generator(const char *text, int state) {
  (void)text;
  if (state == 0) next_cand = 0;
  if (next_cand >= ncands) return NULL;
  return strdup(cands[next_cand++]);
}

/* Ask Lua; fill cands. The stack is left as found. */
static void ask_lua(const char *text, int start, int end) {
  int top = lua_gettop(cL);
  lua_Integer i, n;
  clear_cands();
  if (!lua_checkstack(cL, 8)) return;
  lua_rawgeti(cL, LUA_REGISTRYINDEX, cref);
  lua_pushstring(cL, text);
  lua_pushstring(cL, rl_line_buffer);
  lua_pushinteger(cL, start);
  lua_pushinteger(cL, end);
  if (lua_pcall(cL, 4, 1, 0) != LUA_OK || !lua_istable(cL, -1)) {
    lua_settop(cL, top);
    return;
  }
  n = (lua_Integer)lua_rawlen(cL, -1);
  cands = n > 0 ? calloc((size_t)n, sizeof *cands) : NULL;
  for (i = 1; cands != NULL && i <= n; i++) {
    const char *s;
    lua_rawgeti(cL, -1, i);
    s = lua_tostring(cL, -1);
    if (s != NULL && (cands[ncands] = strdup(s)) != NULL) ncands++;
    lua_pop(cL, 1);
  }
  lua_settop(cL, top);
}

/* List only what follows the last '.' or ':' ("learn(" for "net:learn("). */
static void display(char **matches, int num, int max_length) {
  char **shown = calloc((size_t)num + 2, sizeof *shown);
  int i, longest = 0;
  (void)max_length;
  if (shown == NULL) return;
  for (i = 1; i <= num; i++) {
    char *m = matches[i];
    char *cut = strrchr(m, '.');
    char *colon = strrchr(m, ':');
    int len;
    if (colon != NULL && (cut == NULL || colon > cut)) cut = colon;
    shown[i] = cut != NULL && cut[1] != '\0' ? cut + 1 : m;
    len = (int)strlen(shown[i]);
    if (len > longest) longest = len;
  }
  shown[0] = matches[0];
  rl_display_match_list(shown, num, longest);
  rl_forced_update_display();
  free(shown);
}

static char **attempt(const char *text, int start, int end) {
  if (rl_completion_quote_character != 0) { /* in a string: file names */
    rl_completion_display_matches_hook = NULL;
    return NULL;
  }
  rl_completion_display_matches_hook = display;
  rl_attempted_completion_over = 1;
  rl_completion_suppress_append = 1;
  ask_lua(text, start, end);
  if (ncands == 0) return NULL;
  return rl_completion_matches(text, generator);
}

void complete_init(lua_State *L, int fn_ref) {
  cL = L;
  cref = fn_ref;
  rl_basic_word_break_characters = " \t\n\"'`@$><=;|&{}()[],+-*/%^#~";
  rl_completer_word_break_characters = rl_basic_word_break_characters;
  rl_completer_quote_characters = "\"'";
  if (fn_ref == LUA_NOREF || fn_ref == LUA_REFNIL) {
    rl_attempted_completion_function = NULL;
    rl_inhibit_completion = 1;
    return;
  }
  rl_attempted_completion_function = attempt;
}

void complete_close(void) { clear_cands(); }
