/*
** test_extras.c -- a dataset's extras: every value type, nil by default,
** declared after rows, carried by subset and shuffle, counted in bytes, the
** errors, and read by a custom loss on two trainer threads.
*/
#include <stdatomic.h>

#include "harness.h"
#include "vfl.h"

/* Row i has feature i and label i % 2. */
static vfl_dataset *rows(uint32_t n) {
  vfl_dataset *ds = vfl_dataset_new(1);
  vfl_dataset_add_input(ds, "x", VFL_INPUT_SPARSE, n);
  int rc = VFL_OK;
  for (uint32_t i = 0; i < n && rc == VFL_OK; i++) {
    float label = (float)(i % 2);
    vfl_features f = {1, &i, NULL};
    vfl_row row = {&label, 1, 1.0f, &f, 1};
    rc = vfl_dataset_append(ds, &row);
  }
  CHECK_OK(rc);
  return ds;
}

static vfl_value number(double x) { return (vfl_value){VFL_VALUE_NUMBER, x, 0, NULL, 0}; }
static vfl_value integer(int64_t x) { return (vfl_value){VFL_VALUE_INTEGER, 0, x, NULL, 0}; }
static vfl_value string(const char *s, size_t len) { return (vfl_value){VFL_VALUE_STRING, 0, 0, s, len}; }

static void every_type(void) {
  vfl_dataset *ds = rows(3);
  size_t before = vfl_dataset_bytes(ds);
  CHECK(vfl_dataset_add_extra(ds, "user") == 0); /* after rows: they hold nil */
  CHECK(vfl_dataset_add_extra(ds, "note") == 1);
  CHECK(vfl_dataset_extras(ds) == 2);
  CHECK(strcmp(vfl_dataset_extra_name(ds, 1), "note") == 0 && vfl_dataset_extra_name(ds, 2) == NULL);
  CHECK(vfl_dataset_extra_find(ds, "note") == 1 && vfl_dataset_extra_find(ds, "nope") == -1);
  vfl_value v;
  CHECK_OK(vfl_dataset_extra(ds, 2, 0, &v));
  CHECK(v.type == VFL_VALUE_NIL);
  vfl_value big = integer(INT64_MAX - 1), yes = {VFL_VALUE_BOOLEAN, 0, 7, NULL, 0}, text = string("a\0b", 3);
  vfl_value half = number(0.5);
  CHECK_OK(vfl_dataset_set_extra(ds, 0, 0, &big));
  CHECK_OK(vfl_dataset_set_extra(ds, 1, 0, &half));
  CHECK_OK(vfl_dataset_set_extra(ds, 2, 0, &yes));
  CHECK_OK(vfl_dataset_set_extra(ds, 0, 1, &text));
  CHECK_OK(vfl_dataset_extra(ds, 0, 0, &v));
  CHECK(v.type == VFL_VALUE_INTEGER && v.integer == INT64_MAX - 1); /* not rounded through a double */
  CHECK_OK(vfl_dataset_extra(ds, 1, 0, &v));
  CHECK(v.type == VFL_VALUE_NUMBER && v.number == 0.5);
  CHECK_OK(vfl_dataset_extra(ds, 2, 0, &v));
  CHECK(v.type == VFL_VALUE_BOOLEAN && v.integer == 1);
  CHECK_OK(vfl_dataset_extra(ds, 0, 1, &v));
  CHECK(v.type == VFL_VALUE_STRING && v.len == 3 && memcmp(v.string, "a\0b", 4) == 0);
  CHECK(vfl_dataset_bytes(ds) > before);
  /* rows appended later start with nil */
  uint32_t i = 1;
  float label = 1;
  vfl_features f = {1, &i, NULL};
  vfl_row row = {&label, 1, 1.0f, &f, 1};
  CHECK_OK(vfl_dataset_append(ds, &row));
  CHECK_OK(vfl_dataset_extra(ds, 3, 1, &v));
  CHECK(v.type == VFL_VALUE_NIL);
  vfl_dataset_free(ds);
}

static void errors(void) {
  vfl_dataset *ds = rows(2);
  vfl_dataset_add_extra(ds, "user");
  vfl_value one = integer(1), bad = {9, 0, 0, NULL, 0}, missing = string(NULL, 4);
  CHECK_ERR(vfl_dataset_add_extra(ds, "user"), VFL_EINVAL, "dataset extra 'user' is declared twice");
  CHECK_ERR(vfl_dataset_add_extra(ds, "x"), VFL_EINVAL, "dataset extra 'x': the dataset has an input of that name");
  CHECK_ERR(vfl_dataset_add_extra(ds, ""), VFL_EINVAL, "dataset extra: the name must be a non-empty string");
  CHECK_ERR(vfl_dataset_set_extra(ds, 2, 0, &one), VFL_EINVAL,
            "set extra 'user': row 3 is out of range (the dataset has 2 rows)");
  CHECK_ERR(vfl_dataset_set_extra(ds, 0, 1, &one), VFL_EINVAL, "set extra: no extra 2 (the dataset has 1)");
  CHECK_ERR(vfl_dataset_set_extra(ds, 0, 0, &bad), VFL_EINVAL, "set extra 'user': unknown value type 9");
  CHECK_ERR(vfl_dataset_set_extra(ds, 0, 0, &missing), VFL_EINVAL, "set extra 'user': the string is missing");
  vfl_value v;
  CHECK_ERR(vfl_dataset_extra(ds, 5, 0, &v), VFL_EINVAL, "extra 'user': row 6 is out of range (the dataset has 2 rows)");
  vfl_dataset *empty = vfl_dataset_new(1);
  vfl_dataset_add_extra(empty, "y");
  CHECK_ERR(vfl_dataset_add_input(empty, "y", VFL_INPUT_SPARSE, 0), VFL_EINVAL,
            "dataset input 'y': the dataset has an extra of that name");
  vfl_dataset_free(empty);
  vfl_dataset_free(ds);
}

/* Extra "tag" of row i is the string "r<i>" and "id" is i, so a row's
** extras can be checked against its feature after any reordering. */
static vfl_dataset *tagged(uint32_t n) {
  vfl_dataset *ds = rows(n);
  vfl_dataset_add_extra(ds, "tag");
  vfl_dataset_add_extra(ds, "id");
  int rc = VFL_OK;
  for (uint32_t i = 0; i < n && rc == VFL_OK; i++) {
    char s[16];
    int len = snprintf(s, sizeof s, "r%u", i);
    vfl_value tag = string(s, (size_t)len), id = integer(i);
    rc = vfl_dataset_set_extra(ds, i, 0, &tag);
    if (rc == VFL_OK) rc = vfl_dataset_set_extra(ds, i, 1, &id);
  }
  CHECK_OK(rc);
  return ds;
}

/* Runs in the trainer's threads too (checking_loss): its own index room. */
static int row_matches(const vfl_dataset *ds, size_t r) {
  vfl_row row;
  vfl_features f;
  vfl_value tag, id;
  char s[16];
  uint32_t index[4];
  if (vfl_dataset_row_room(ds) > 4 || vfl_dataset_row(ds, r, &row, &f, index)) return 0;
  if (vfl_dataset_extra(ds, r, 0, &tag) || vfl_dataset_extra(ds, r, 1, &id)) return 0;
  snprintf(s, sizeof s, "r%u", f.index[0]);
  return id.integer == f.index[0] && tag.type == VFL_VALUE_STRING && strcmp(tag.string, s) == 0;
}

static void carried(void) {
  vfl_dataset *ds = tagged(500);
  CHECK_OK(vfl_dataset_shuffle(ds, 9));
  vfl_row row;
  vfl_features f;
  t_row(ds, 0, &row, &f);
  CHECK(f.index[0] != 0); /* the shuffle moved rows */
  int all = 1;
  for (size_t r = 0; r < 500; r++) all &= row_matches(ds, r);
  CHECK(all);
  vfl_dataset *a, *b;
  CHECK_OK(vfl_dataset_split(ds, 0.3, &a, &b));
  CHECK(vfl_dataset_extras(a) == 2 && vfl_dataset_extras(b) == 2);
  all = 1;
  for (size_t r = 0; r < vfl_dataset_rows(b); r++) all &= row_matches(b, r);
  CHECK(all);
  vfl_dataset_free(a);
  vfl_dataset_free(b);
  vfl_dataset_free(ds);
}

/* A custom loss that checks, on every call, that io->dataset gives the
** extras of the row it is training on. */
static atomic_int mismatches, calls;

static int checking_loss(void *ud, vfl_loss_io *io, double *loss) {
  (void)ud;
  if (!row_matches(io->dataset, io->row_id)) atomic_fetch_add(&mismatches, 1);
  atomic_fetch_add(&calls, 1);
  io->grad[0] = 0;
  *loss = 0;
  return VFL_OK;
}

static void custom_loss_reads_extras(void) {
  vfl_dataset *ds = tagged(4000);
  vfl_net *net = vfl_net_new();
  vfl_layer_spec in = {.kind = VFL_LAYER_INPUT, .input_kind = VFL_INPUT_SPARSE, .dim = 4000};
  vfl_layer_spec out = {.kind = VFL_LAYER_LINEAR, .dim = 1, .intercept = 1};
  vfl_net_stack(net, "x", &in);
  vfl_net_stack(net, "out", &out);
  CHECK_OK(vfl_net_init(net, 0.1, 1));
  vfl_train_options opt;
  vfl_train_defaults(&opt);
  opt.epochs = 3;
  opt.threads = 2;
  vfl_loss_spec loss = {VFL_LOSS_CUSTOM, checking_loss, NULL};
  CHECK_OK(vfl_net_learn(net, ds, &loss, &opt));
  CHECK(atomic_load(&calls) == 12000);
  CHECK(atomic_load(&mismatches) == 0);
  vfl_net_free(net);
  vfl_dataset_free(ds);
}

int main(void) {
  every_type();
  errors();
  carried();
  custom_loss_reads_extras();
  return t_done("test_extras");
}
