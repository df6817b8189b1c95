/*
** textnum.c -- the slow half of textnum.h: strtod for the rare tokens.
*/
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "textnum.h"

const double text_pow10[23] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
                               1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

/* 1 when strtod, having reached byte ch, cannot read past it: white space,
** NUL, and punctuation that no number (hex, inf, "nan(...)") contains. */
static int stops_strtod(char ch) {
  if (ch == '\0' || text_is_space(ch)) return 1;
  if (isalnum((unsigned char)ch)) return 0;
  return strchr(".+-()_", ch) == NULL;
}

int text_slow_double(const char *p, size_t n, double *out) {
  /* strtod would skip leading white space and stop at a NUL; neither may
  ** pass for a number here. */
  if (n == 0 || text_is_space(*p) || memchr(p, '\0', n)) return 0;
  char *end;
  double d;
  if (stops_strtod(p[n])) { /* the usual case: no copy needed */
    d = strtod(p, &end);
    if (end != p + n) return 0;
  } else { /* an odd separator (a letter, '.', ...) ends the token */
    char small[128];
    char *copy = n < sizeof small ? small : vfl_alloc(n + 1);
    if (!copy) return 0;
    memcpy(copy, p, n);
    copy[n] = '\0';
    d = strtod(copy, &end);
    int whole = end == copy + n;
    if (copy != small) vfl_free(copy);
    if (!whole) return 0;
  }
  *out = d;
  return 1;
}
