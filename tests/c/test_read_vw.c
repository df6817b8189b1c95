/*
** test_read_vw.c -- the Vowpal Wabbit reader: labels, importance, tags,
** namespaces (flat and grouped), hashing, every error message, and the RCV1
** sample against its libsvm twin.
*/
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "harness.h"
#include "vfl.h"

static int read_text(const char *text, const vfl_vw_options *opt, vfl_dataset **ds) {
  return vfl_read_vw_buffer(text, strlen(text), "t.vw", opt, ds);
}

static vfl_features row_of(const vfl_dataset *ds, size_t i, vfl_row *row) {
  vfl_row r;
  vfl_features f = {0, NULL, NULL};
  CHECK_OK(t_row(ds, i, row ? row : &r, &f));
  return f;
}

static float value_at(const vfl_features *f, uint32_t j) { return f->value ? f->value[j] : 1.0f; }

/* Rows come sorted by index (not in the order of the line): 1 when the
** row has feature index with value v. */
static int has(const vfl_features *f, uint32_t index, float v) {
  for (uint32_t j = 0; j < f->n; j++)
    if (f->index[j] == index) return value_at(f, j) == v;
  return 0;
}

/* Feature name in namespace ns, as vfl.h documents the hashing. */
static uint32_t h(const char *ns, const char *name, uint32_t bits) {
  uint32_t seed = vfl_hash_bytes(ns, strlen(ns), 0);
  return vfl_hash_bytes(name, strlen(name), seed) & ((1u << bits) - 1);
}

static void check_small(const vfl_dataset *ds) {
  CHECK(ds != NULL);
  if (!ds) return;
  CHECK(vfl_dataset_rows(ds) == 5);
  CHECK(vfl_dataset_input_dim(ds, 0) == 1u << 18);
  vfl_row row;
  vfl_features f = row_of(ds, 0, &row); /* 1 |f a b:2 |g c */
  CHECK(row.labels[0] == 1.0f && row.weight == 1.0f && f.n == 3);
  CHECK(has(&f, h("f", "a", 18), 1) && has(&f, h("f", "b", 18), 2) && has(&f, h("g", "c", 18), 1));
  f = row_of(ds, 1, &row); /* -1 0.5 'tag1 |f a:0.25 */
  CHECK(row.labels[0] == -1.0f && row.weight == 0.5f && f.n == 1);
  CHECK(f.index[0] == h("f", "a", 18) && value_at(&f, 0) == 0.25f);
  f = row_of(ds, 2, &row); /* 2 zebra|f x: zebra is a tag */
  CHECK(row.labels[0] == 2.0f && row.weight == 1.0f && f.n == 1 && f.index[0] == h("f", "x", 18));
  f = row_of(ds, 3, &row); /* 0 | a b: the default namespace is " " */
  CHECK(row.labels[0] == 0.0f && f.n == 2 && has(&f, h(" ", "a", 18), 1) && has(&f, h(" ", "b", 18), 1));
  f = row_of(ds, 4, &row); /* 3 |f:2 a:3: the namespace weight scales */
  CHECK(row.labels[0] == 3.0f && f.n == 1 && value_at(&f, 0) == 6.0f);
  /* the tags are kept as the extra "tag", without their ' */
  vfl_value v;
  CHECK(vfl_dataset_extras(ds) == 1 && strcmp(vfl_dataset_extra_name(ds, 0), "tag") == 0);
  CHECK_OK(vfl_dataset_extra(ds, 0, 0, &v));
  CHECK(v.type == VFL_VALUE_NIL);
  CHECK_OK(vfl_dataset_extra(ds, 1, 0, &v));
  CHECK(v.type == VFL_VALUE_STRING && v.len == 4 && strcmp(v.string, "tag1") == 0);
  CHECK_OK(vfl_dataset_extra(ds, 2, 0, &v));
  CHECK(v.type == VFL_VALUE_STRING && strcmp(v.string, "zebra") == 0);
}

static void test_small(void) {
  vfl_dataset *ds = NULL;
  CHECK_OK(vfl_read_vw(t_testdata("readers/small.vw"), NULL, &ds));
  check_small(ds);
  vfl_dataset_free(ds);
  ds = NULL;
  CHECK_OK(vfl_read_vw(t_testdata("readers/small.vw.gz"), NULL, &ds));
  check_small(ds);
  vfl_dataset_free(ds);
}

/* Hashing scatters indices: a row comes back ascending, and features that
** collide are one feature with their values added (VW's own arithmetic). */
static void test_sorted_and_merged(void) {
  vfl_dataset *ds = NULL;
  vfl_vw_options o = {4, VFL_VW_FLAT, NULL, 0}; /* 16 buckets: 40 names must collide */
  CHECK_OK(read_text("1 |f a b c d e f g h i j k l m n o p q r s t u v w x y z A B C D E F G H I J K L M N:2\n", &o, &ds));
  if (!ds) return;
  vfl_features f = row_of(ds, 0, NULL);
  CHECK(f.n <= 16);
  double sum = 0, want[16] = {0};
  const char *names = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMN";
  for (int i = 0; names[i]; i++) {
    char name[2] = {names[i], 0};
    want[h("f", name, 4)] += names[i] == 'N' ? 2 : 1;
  }
  for (uint32_t j = 0; j < f.n; j++) {
    if (j) CHECK(f.index[j - 1] < f.index[j]);
    CHECK(f.index[j] < 16 && value_at(&f, j) == (float)want[f.index[j]]);
    sum += value_at(&f, j);
  }
  CHECK(sum == 41);
  vfl_dataset_free(ds);
}

/* A blank line after a tagged one stores nothing (it once stored the
** previous line's tag again). */
static void test_tag_then_blank(void) {
  vfl_dataset *a = NULL, *b = NULL;
  CHECK_OK(read_text("1 'ab |f x\n0 |f y\n", NULL, &a));
  CHECK_OK(read_text("1 'ab |f x\n\n  \n0 |f y\n", NULL, &b));
  if (a && b) CHECK(vfl_dataset_bytes(a) == vfl_dataset_bytes(b));
  vfl_value v;
  if (b) {
    CHECK_OK(vfl_dataset_extra(b, 1, 0, &v));
    CHECK(v.type == VFL_VALUE_NIL);
  }
  vfl_dataset_free(a);
  vfl_dataset_free(b);
}

static void test_groups(void) {
  const char *text = "1 |user a |item b |user c\n0 | d |item e\n";
  vfl_vw_options o = {12, VFL_VW_GROUP_ORDER, "g", 0};
  vfl_dataset *ds = NULL;
  CHECK_OK(read_text(text, &o, &ds));
  if (ds) {
    CHECK(vfl_dataset_input_kind(ds, 0) == VFL_INPUT_GROUPED);
    CHECK(strcmp(vfl_dataset_input_name(ds, 0), "g") == 0);
    vfl_features f = row_of(ds, 0, NULL);
    CHECK(f.n == 3 && has(&f, vfl_group_index(0, h("user", "a", 12)), 1));
    CHECK(has(&f, vfl_group_index(1, h("item", "b", 12)), 1) && has(&f, vfl_group_index(0, h("user", "c", 12)), 1));
    f = row_of(ds, 1, NULL);
    CHECK(f.n == 2 && has(&f, vfl_group_index(2, h(" ", "d", 12)), 1));
    CHECK(has(&f, vfl_group_index(1, h("item", "e", 12)), 1));
  }
  vfl_dataset_free(ds);
  vfl_vw_options letter = {0, VFL_VW_GROUP_LETTER, NULL, 0};
  CHECK_OK(read_text(text, &letter, &ds));
  if (ds) {
    vfl_features f = row_of(ds, 0, NULL);
    CHECK(f.n == 3 && has(&f, vfl_group_index('u', h("user", "a", 18)), 1));
    CHECK(has(&f, vfl_group_index('i', h("item", "b", 18)), 1));
    f = row_of(ds, 1, NULL);
    CHECK(has(&f, vfl_group_index(' ', h(" ", "d", 18)), 1));
  }
  vfl_dataset_free(ds);
}

static void test_errors(void) {
  vfl_dataset *ds = (vfl_dataset *)&ds;
  CHECK_ERR(read_text("1 |f a\nx |f a\n", NULL, &ds), VFL_EFORMAT, "t.vw:2:1: label \"x\" is not a number");
  CHECK(ds == NULL);
  CHECK_ERR(read_text("inf |f a\n", NULL, &ds), VFL_EFORMAT, "t.vw:1:1: label inf is not finite");
  CHECK_ERR(read_text("1 y |f a\n", NULL, &ds), VFL_EFORMAT, "t.vw:1:3: importance \"y\" is not a number");
  CHECK_ERR(read_text("1 -1 |f a\n", NULL, &ds), VFL_EFORMAT, "t.vw:1:3: importance -1 is negative");
  CHECK_ERR(read_text("1 2 3 |f a\n", NULL, &ds), VFL_EFORMAT,
            "t.vw:1:5: unexpected \"3\" after the label and the importance (a tag starts with ' or touches the '|')");
  CHECK_ERR(read_text("1|f a\n", NULL, &ds), VFL_EFORMAT,
            "t.vw:1:1: expected a label before '|' (\"1\" touches the '|', so it is read as a tag)");
  CHECK_ERR(read_text("  |f a\n", NULL, &ds), VFL_EFORMAT, "t.vw:1:3: expected a label before '|'");
  CHECK_ERR(read_text("1 a b\n", NULL, &ds), VFL_EFORMAT, "t.vw:1:1: expected '|' and features after the label");
  CHECK_ERR(read_text("1 |f a:abc\n", NULL, &ds), VFL_EFORMAT, "t.vw:1:8: value \"abc\" is not a number");
  CHECK_ERR(read_text("1 |f a:1:2\n", NULL, &ds), VFL_EFORMAT, "t.vw:1:8: value \"1:2\" is not a number");
  CHECK_ERR(read_text("1 |f a: b\n", NULL, &ds), VFL_EFORMAT, "t.vw:1:8: expected a value after \"a:\"");
  CHECK_ERR(read_text("1 |f a:|g b\n", NULL, &ds), VFL_EFORMAT, "t.vw:1:8: expected a value after \"a:\"");
  CHECK_ERR(read_text("1 |f a:nan\n", NULL, &ds), VFL_EFORMAT, "t.vw:1:8: value nan is not finite");
  CHECK_ERR(read_text("1 |f a:1e39\n", NULL, &ds), VFL_EFORMAT, "t.vw:1:8: value 1e39 is out of range for a float");
  CHECK_ERR(read_text("1 |f:1e30 a:1e30\n", NULL, &ds), VFL_EFORMAT,
            "t.vw:1:11: the value times the namespace weight is out of range for a float");
  CHECK_ERR(read_text("1 |f :3\n", NULL, &ds), VFL_EFORMAT, "t.vw:1:6: expected a feature name before ':'");
  CHECK_ERR(read_text("1 |:2 a\n", NULL, &ds), VFL_EFORMAT, "t.vw:1:4: expected a namespace name before ':'");
  CHECK_ERR(read_text("1 |f:x a\n", NULL, &ds), VFL_EFORMAT, "t.vw:1:6: namespace weight \"x\" is not a number");
  CHECK_ERR(read_text("1 |f: a\n", NULL, &ds), VFL_EFORMAT, "t.vw:1:6: expected a namespace weight after \"f:\"");

  /* 257 namespaces in one grouped input. */
  char text[4096];
  size_t n = (size_t)snprintf(text, sizeof text, "1");
  for (int i = 0; i < 257; i++) n += (size_t)snprintf(text + n, sizeof text - n, " |n%d a", i);
  vfl_vw_options order = {0, VFL_VW_GROUP_ORDER, NULL, 0};
  CHECK_ERR(read_text(text, &order, &ds), VFL_EFORMAT,
            "t.vw:1:1942: namespace \"n256\" is the 257th; a grouped input holds at most 256");
  CHECK(ds == NULL);
}

static void test_option_errors(void) {
  vfl_dataset *ds = NULL;
  vfl_vw_options bad = {0, 7, NULL, 0};
  CHECK_ERR(read_text("1 |f a\n", &bad, &ds), VFL_EINVAL,
            "reading \"t.vw\": groups 7 is not VFL_VW_FLAT, VFL_VW_GROUP_ORDER or VFL_VW_GROUP_LETTER");
  vfl_vw_options wide = {25, VFL_VW_GROUP_LETTER, NULL, 0};
  CHECK_ERR(read_text("1 |f a\n", &wide, &ds), VFL_EINVAL,
            "reading \"t.vw\": hash_bits 25 is out of range (1 to 24 for grouped namespaces, or 0 for 18)");
  vfl_vw_options flat = {32, VFL_VW_FLAT, NULL, 0};
  CHECK_ERR(read_text("1 |f a\n", &flat, &ds), VFL_EINVAL,
            "reading \"t.vw\": hash_bits 32 is out of range (1 to 31, or 0 for 18)");
  CHECK_ERR(vfl_read_vw("nope.vw", NULL, &ds), VFL_EIO, "cannot open \"nope.vw\": No such file or directory");
  CHECK_OK(read_text("", NULL, &ds));
  CHECK(ds && vfl_dataset_rows(ds) == 0);
  vfl_dataset_free(ds);
}

/* The value the VW row should hold at index: the sum of the libsvm row's
** values whose feature name ("9" for libsvm's 9:...) hashes there. */
static double hashed_sum(const vfl_features *svm, uint32_t index) {
  double sum = 0;
  for (uint32_t j = 0; j < svm->n; j++) {
    char name[16];
    snprintf(name, sizeof name, "%u", svm->index[j] + 1);
    if (h("f", name, 18) == index) sum += value_at(svm, j);
  }
  return sum;
}

/* rcv1_small.dat is rcv1_small.svm with " |f " added: the same rows and
** labels, each VW row holding the libsvm row's values at their hashed
** indices, sorted, colliding ones added. */
static void compare_rcv1(const char *vw, const char *svm, size_t rows) {
  vfl_dataset *a = NULL, *b = NULL;
  CHECK_OK(vfl_read_vw(t_data(vw), NULL, &a));
  CHECK_OK(vfl_read_libsvm(t_data(svm), NULL, &b));
  if (!a || !b) return;
  CHECK(vfl_dataset_rows(a) == rows && vfl_dataset_rows(b) == rows);
  CHECK(vfl_dataset_nnz(a) <= vfl_dataset_nnz(b) && vfl_dataset_nnz(a) > vfl_dataset_nnz(b) * 99 / 100);
  int same = 1;
  for (size_t i = 0; same && i < rows; i++) {
    vfl_row ra, rb;
    vfl_features fa = row_of(a, i, &ra), fb = row_of(b, i, &rb);
    same = ra.labels[0] == rb.labels[0] && fa.n <= fb.n;
    for (uint32_t j = 0; same && j < fa.n; j++)
      same = (!j || fa.index[j - 1] < fa.index[j]) && fabs(value_at(&fa, j) - hashed_sum(&fb, fa.index[j])) < 1e-6;
  }
  CHECK(same);
  vfl_dataset_free(a);
  vfl_dataset_free(b);
}

int main(void) {
  test_tag_then_blank();
  test_small();
  test_sorted_and_merged();
  test_groups();
  test_errors();
  test_option_errors();
  if (t_failures) return t_done("test_read_vw"); /* before a skip could hide them */
  compare_rcv1("rcv1_vw_small/rcv1_small.dat", "rcv1_vw_small/rcv1_small.svm", 1000);
  compare_rcv1("rcv1_vw_small/rcv1_small_test.data", "rcv1_vw_small/rcv1_small_test.svm", 500);
  return t_done("test_read_vw");
}
