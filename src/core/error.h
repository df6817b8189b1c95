/*
** error.h -- the thread-local error message behind vfl_last_error().
*/
#ifndef VFL_ERROR_H
#define VFL_ERROR_H

/* Formats the message, stores it for this thread, and returns code, so that
** a failure reads: return vfl_fail(VFL_EINVAL, "layer '%s': ...", name); */
int vfl_fail(int code, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* Prefixes the current message with "prefix: " (adds context on the way up). */
int vfl_fail_context(int code, const char *prefix);

#endif
