/*
** lnet_print.c -- tostring(net): a readable summary, one line per layer with
** its output width, parents, parameter count, and the priors and optimizer
** it carries. The engine reports widths and counts as soon as a layer is
** wired, so that a net can be checked while it is built.
**
**   vfl.net: 4 layers, 7,937 parameters, link sigmoid
**     name     layer        out  parents  params
**     sparse1  sparse(123)  123
**     linear1  linear(64)    64  sparse1   7,936
*/
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lvfl.h"

#define MAX_PARENTS 256

/* Widths of every layer, as the engine derives them once parents are
** wired (0 = unknown yet). */
static void layer_dims(const vfl_net *net, uint32_t *dim) {
  for (uint32_t i = 0; i < vfl_net_layers(net); i++) dim[i] = vfl_net_layer_dim(net, i);
}

/* 7936 -> "7,936" */
static void with_commas(uint64_t v, char *out, size_t size) {
  char digits[32];
  int n = snprintf(digits, sizeof digits, "%llu", (unsigned long long)v);
  size_t k = 0;
  for (int i = 0; i < n && k + 2 < size; i++) {
    if (i && (n - i) % 3 == 0) out[k++] = ',';
    out[k++] = digits[i];
  }
  out[k] = '\0';
}

/* The columns of one line. */
typedef struct line {
  char name[64], kind[96], out[16], parents[192], params[32], extras[256];
} line;

/* "prior l2(0.01), positive  optim adam{lr=0.001}": what the engine holds
** for layer i (so a loaded net shows them too). */
static void extras_of(const vfl_net *net, uint32_t i, char *buf, size_t size) {
  vfl_prior_spec priors[8];
  uint32_t np = vfl_net_layer_priors(net, i, priors, 8);
  size_t off = 0;
  buf[0] = '\0';
  for (uint32_t k = 0; k < np && k < 8 && off < size; k++) {
    char d[128];
    lvfl_prior_spec_describe(&priors[k], d, sizeof d);
    off += (size_t)snprintf(buf + off, size - off, "%s%s", k ? ", " : "prior ", d);
  }
  if (np > 8 && off < size) off += (size_t)snprintf(buf + off, size - off, " and %u more", np - 8);
  lvfl_optim o = {{0}, 0, 0};
  if (vfl_net_layer_optim(net, i, &o.spec) == VFL_OK && o.spec.kind && off < size) {
    char d[128];
    lvfl_optim_describe(&o, d, sizeof d);
    snprintf(buf + off, size - off, "%soptim %s", off ? "  " : "", d);
  }
}

/* A growing string in C memory: luaL_Buffer would share the Lua stack with
** the lookups above. */
typedef struct strbuf {
  char *s;
  size_t n, cap;
} strbuf;

static void sb_printf(strbuf *b, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int need = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  if (need < 0) return;
  if (b->n + (size_t)need + 1 > b->cap) {
    size_t cap = (b->cap ? b->cap * 2 : 256) + (size_t)need;
    char *s = realloc(b->s, cap);
    if (!s) return; /* the summary is cut short rather than lost */
    b->s = s;
    b->cap = cap;
  }
  va_start(ap, fmt);
  vsnprintf(b->s + b->n, b->cap - b->n, fmt, ap);
  va_end(ap);
  b->n += (size_t)need;
}

static int max_len(int w, const char *s) {
  int l = (int)strlen(s);
  return l > w ? l : w;
}

int lvfl_net_tostring(lua_State *L) {
  lvfl_net *n = lua_touserdata(L, 1);
  if (n->closed) return lua_pushstring(L, "vfl.net (closed)"), 1;
  const vfl_net *net = n->net;
  uint32_t count = vfl_net_layers(net);
  /* Lua-owned scratch: freed by the collector even if something raises. */
  uint32_t *dim = lua_newuserdata(L, (count ? count : 1) * sizeof *dim);
  line *lines = lua_newuserdata(L, (count ? count : 1) * sizeof *lines);
  layer_dims(net, dim);
  uint64_t total = 0;
  int w[5] = {4, 5, 3, 7, 6}; /* name, layer, out, parents, params */
  for (uint32_t i = 0; i < count; i++) {
    line *ln = &lines[i];
    vfl_layer_spec s;
    vfl_net_layer_spec(net, i, &s);
    snprintf(ln->name, sizeof ln->name, "%s", vfl_net_layer_name(net, i));
    lvfl_layer_describe(&s, ln->kind, sizeof ln->kind);
    snprintf(ln->out, sizeof ln->out, dim[i] ? "%u" : "?", dim[i]);
    uint32_t p[MAX_PARENTS];
    uint32_t np = vfl_net_layer_parents(net, i, p, MAX_PARENTS);
    size_t off = 0;
    ln->parents[0] = '\0';
    for (uint32_t k = 0; k < np && k < MAX_PARENTS; k++) {
      if (off < sizeof ln->parents)
        off += (size_t)snprintf(ln->parents + off, sizeof ln->parents - off, "%s%s", k ? ", " : "",
                                vfl_net_layer_name(net, p[k]));
    }
    ln->params[0] = '\0';
    uint64_t c = vfl_net_layer_params(net, i);
    if (c) {
      total += c;
      with_commas(c, ln->params, sizeof ln->params);
    }
    extras_of(net, i, ln->extras, sizeof ln->extras);
    w[0] = max_len(w[0], ln->name);
    w[1] = max_len(w[1], ln->kind);
    w[2] = max_len(w[2], ln->out);
    w[3] = max_len(w[3], ln->parents);
    w[4] = max_len(w[4], ln->params);
  }
  strbuf b = {NULL, 0, 0};
  char tot[32];
  with_commas(total, tot, sizeof tot);
  sb_printf(&b, "vfl.net: %u layer%s, %s parameters%s, link %s", count, count == 1 ? "" : "s", tot,
            vfl_net_ready(net) ? "" : " (not initialised)", lvfl_link_name(vfl_net_link(net)));
  if (count) sb_printf(&b, "\n  %-*s  %-*s  %*s  %-*s  %*s", w[0], "name", w[1], "layer", w[2], "out", w[3], "parents", w[4], "params");
  for (uint32_t i = 0; i < count; i++) {
    line *ln = &lines[i];
    sb_printf(&b, "\n  %-*s  %-*s  %*s  %-*s  %*s%s%s", w[0], ln->name, w[1], ln->kind, w[2], ln->out, w[3], ln->parents,
              w[4], ln->params, ln->extras[0] ? "  " : "", ln->extras);
    /* Trailing blanks of short lines are trimmed. */
    while (b.n && b.s[b.n - 1] == ' ') b.s[--b.n] = '\0';
  }
  lua_pushlstring(L, b.s ? b.s : "", b.n);
  free(b.s);
  return 1;
}
