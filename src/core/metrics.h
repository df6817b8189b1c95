/*
** metrics.h -- what metrics.c and metrics_report.c share: scores paired with
** their labels, sorted by score (ascending).
*/
#ifndef VFL_METRICS_H
#define VFL_METRICS_H

#include <stddef.h>

typedef struct scored {
  float score;
  float label;
} scored;

void metrics_sort(scored *s, size_t n);

#endif
