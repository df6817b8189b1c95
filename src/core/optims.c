/*
** optims.c -- the one list of optimizer kinds. A new kind is one file
** (optim_<name>.c, defining a vfl_optim_ops) and one line here; see
** docs/anatomy-of-an-optimizer.md.
*/
#include "optim.h"

extern const vfl_optim_ops optim_sgd, optim_adagrad, optim_adam, optim_ftrl;

static const vfl_optim_ops *const registered[] = {&optim_sgd, &optim_adagrad, &optim_adam, &optim_ftrl};

const vfl_optim_ops *optim_find(int kind) {
  for (size_t i = 0; i < sizeof registered / sizeof *registered; i++)
    if (registered[i]->kind == kind) return registered[i];
  return NULL;
}
