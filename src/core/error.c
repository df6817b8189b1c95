/*
** error.c -- status messages, one buffer per thread.
*/
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "error.h"
#include "vfl.h"

#define VFL_ERROR_SIZE 1024

static _Thread_local char message[VFL_ERROR_SIZE];

const char *vfl_last_error(void) { return message; }

void vfl_set_error(const char *text) {
  snprintf(message, sizeof message, "%s", text ? text : "");
}

int vfl_fail(int code, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(message, sizeof message, fmt, ap);
  va_end(ap);
  return code;
}

int vfl_fail_context(int code, const char *prefix) {
  char old[VFL_ERROR_SIZE];
  memcpy(old, message, sizeof old);
  size_t n = strlen(prefix);
  if (n > VFL_ERROR_SIZE / 2) n = VFL_ERROR_SIZE / 2;
  memcpy(message, prefix, n);
  memcpy(message + n, ": ", 2);
  size_t rest = VFL_ERROR_SIZE - n - 3;
  size_t m = strnlen(old, rest);
  memcpy(message + n + 2, old, m);
  message[n + 2 + m] = '\0';
  return code;
}

const char *vfl_version(void) { return "0.1.0"; }
