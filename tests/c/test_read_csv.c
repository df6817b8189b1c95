/*
** test_read_csv.c -- the CSV/TSV reader: column kinds, hashing of
** categorical values, quoting, options, every error message, and the Criteo
** and Avazu samples.
*/
#include <string.h>

#include "harness.h"
#include "vfl.h"

static int read_text(const char *text, const vfl_csv_options *opt, vfl_dataset **ds) {
  return vfl_read_csv_buffer(text, strlen(text), "t.csv", opt, ds);
}

static vfl_features row_of(const vfl_dataset *ds, size_t i, float *label) {
  vfl_row row;
  vfl_features f = {0, NULL, NULL};
  CHECK_OK(t_row(ds, i, &row, &f));
  if (label) *label = row.labels[0];
  return f;
}

static float value_at(const vfl_features *f, uint32_t j) { return f->value ? f->value[j] : 1.0f; }

/* The id of a categorical value, as vfl.h documents it. */
static uint32_t cat(uint32_t ncols, uint32_t bits, const char *key_value) {
  return ncols + (vfl_hash_bytes(key_value, strlen(key_value), 0) & ((1u << bits) - 1));
}

static void test_small_csv(void) {
  const char *skip[] = {"id"};
  vfl_csv_options o = {0};
  o.header = 1;
  o.label_name = "label";
  o.skip = skip;
  o.n_skip = 1;
  o.hash_bits = 10;
  vfl_dataset *ds = NULL;
  CHECK_OK(vfl_read_csv(t_testdata("readers/small.csv"), &o, &ds));
  if (!ds) return;
  CHECK(vfl_dataset_rows(ds) == 3);
  CHECK(vfl_dataset_input_dim(ds, 0) == 5 + 1024);
  float label;
  vfl_features f = row_of(ds, 0, &label);
  CHECK(label == 1.0f && f.n == 3);
  CHECK(f.index[0] == 2 && value_at(&f, 0) == 25.0f);
  CHECK(f.index[1] == cat(5, 10, "city=Paris") && value_at(&f, 1) == 1.0f);
  CHECK(f.index[2] == cat(5, 10, "note=hello, \"world\""));
  f = row_of(ds, 1, &label); /* empty fields are missing */
  CHECK(label == 0.0f && f.n == 1 && f.index[0] == cat(5, 10, "city=Berlin"));
  f = row_of(ds, 2, &label); /* spaces around a field are dropped */
  CHECK(label == 1.0f && f.n == 3 && f.index[0] == 2 && value_at(&f, 0) == 0.5f);
  CHECK(f.index[1] == cat(5, 10, "city=Oslo") && f.index[2] == cat(5, 10, "note=plain"));
  vfl_dataset_free(ds);
}

/* Columns listed in extras stay beside the features as strings. */
static void test_extras(void) {
  const char *extras[] = {"user", "4"};
  vfl_csv_options o = {0};
  o.header = 1;
  o.label_name = "y";
  o.extras = extras;
  o.n_extras = 2;
  vfl_dataset *ds = NULL;
  CHECK_OK(read_text("y,user,x,note\n1,\"u,7\",2.5,first\n0,,3,\n", &o, &ds));
  if (!ds) return;
  CHECK(vfl_dataset_extras(ds) == 2);
  CHECK(strcmp(vfl_dataset_extra_name(ds, 0), "user") == 0 && strcmp(vfl_dataset_extra_name(ds, 1), "note") == 0);
  vfl_value v;
  CHECK_OK(vfl_dataset_extra(ds, 0, 0, &v));
  CHECK(v.type == VFL_VALUE_STRING && strcmp(v.string, "u,7") == 0); /* unquoted */
  CHECK_OK(vfl_dataset_extra(ds, 0, 1, &v));
  CHECK(v.type == VFL_VALUE_STRING && strcmp(v.string, "first") == 0);
  CHECK_OK(vfl_dataset_extra(ds, 1, 0, &v));
  CHECK(v.type == VFL_VALUE_NIL); /* empty fields are nil */
  float label;
  vfl_features f = row_of(ds, 0, &label);
  CHECK(f.n == 1 && f.index[0] == 2 && value_at(&f, 0) == 2.5f); /* only x is a feature */
  vfl_dataset_free(ds);
  /* without a header, an extra is called column<N> */
  const char *second[] = {"2"};
  vfl_csv_options plain = {0};
  plain.extras = second;
  plain.n_extras = 1;
  CHECK_OK(read_text("1,abc,3\n", &plain, &ds));
  if (ds) CHECK(strcmp(vfl_dataset_extra_name(ds, 0), "column2") == 0);
  vfl_dataset_free(ds);
  const char *label_col[] = {"1"};
  plain.extras = label_col;
  CHECK_ERR(read_text("1,abc,3\n", &plain, &ds), VFL_EINVAL, "reading \"t.csv\": extras: column 1 is the label");
  plain.extras = NULL;
  CHECK_ERR(read_text("1,abc,3\n", &plain, &ds), VFL_EINVAL,
            "reading \"t.csv\": a column list is NULL but its count is not 0");
}

static void test_small_tsv(void) {
  vfl_csv_options o = {0};
  o.sep = '\t';
  vfl_dataset *ds = NULL;
  CHECK_OK(vfl_read_csv(t_testdata("readers/small.tsv"), &o, &ds));
  if (!ds) return;
  CHECK(vfl_dataset_rows(ds) == 2);
  CHECK(vfl_dataset_input_dim(ds, 0) == 4 + (1u << 20)); /* hash_bits 0 picks 20 */
  float label;
  vfl_features f = row_of(ds, 0, &label);
  CHECK(label == 0.0f && f.n == 2 && f.index[0] == 1 && value_at(&f, 0) == 1.0f);
  CHECK(f.index[1] == cat(4, 20, "4=68fd1e64")); /* no header: the key is the column number */
  f = row_of(ds, 1, &label);
  CHECK(label == 1.0f && f.n == 3 && f.index[0] == 1 && value_at(&f, 0) == 3.5f);
  CHECK(f.index[1] == 2 && value_at(&f, 1) == 7.0f && f.index[2] == cat(4, 20, "4=abc"));
  vfl_dataset_free(ds);
}

static void test_options(void) {
  vfl_dataset *ds = NULL;
  /* Numbers only: the dimension is the number of columns; zeros are no feature. */
  CHECK_OK(read_text("1,0,2\n0,3,0\n", NULL, &ds));
  if (ds) {
    CHECK(vfl_dataset_input_dim(ds, 0) == 3 && vfl_dataset_nnz(ds) == 2);
    vfl_features f = row_of(ds, 1, NULL);
    CHECK(f.n == 1 && f.index[0] == 1 && value_at(&f, 0) == 3.0f);
  }
  vfl_dataset_free(ds);
  /* Declared categorical, by number; the label by number, last. */
  const char *cats[] = {"2"};
  vfl_csv_options o = {0};
  o.label = 3;
  o.categorical = cats;
  o.n_categorical = 1;
  o.hash_bits = 4;
  CHECK_OK(read_text("5,7,1\n", &o, &ds));
  if (ds) {
    float label;
    vfl_features f = row_of(ds, 0, &label);
    CHECK(label == 1.0f && f.n == 2 && f.index[0] == 0 && value_at(&f, 0) == 5.0f);
    CHECK(f.index[1] == cat(3, 4, "2=7"));
  }
  vfl_dataset_free(ds);
  /* "*": every column but the label is categorical. */
  const char *all[] = {"*"};
  o.categorical = all;
  CHECK_OK(read_text("5,7,1\n", &o, &ds));
  if (ds) {
    vfl_features f = row_of(ds, 0, NULL);
    CHECK(f.n == 2 && f.index[0] == cat(3, 4, "1=5") && f.index[1] == cat(3, 4, "2=7"));
  }
  vfl_dataset_free(ds);
  /* allow_short: missing trailing fields are empty. */
  vfl_csv_options sh = {0};
  sh.allow_short = 1;
  CHECK_OK(read_text("1,2,3\n0,5\n", &sh, &ds));
  if (ds) {
    vfl_features f = row_of(ds, 1, NULL);
    CHECK(vfl_dataset_rows(ds) == 2 && f.n == 1 && f.index[0] == 1 && value_at(&f, 0) == 5.0f);
  }
  vfl_dataset_free(ds);
  /* Auto-detection: a huge "number" (a hashed id like 9e511730) is a string. */
  CHECK_OK(read_text("1,9e511730\n0,abc\n", NULL, &ds));
  if (ds) {
    vfl_features f = row_of(ds, 0, NULL);
    CHECK(f.n == 1 && f.index[0] == cat(2, 20, "2=9e511730"));
  }
  vfl_dataset_free(ds);
  /* Other separators; a quoted number is a number. */
  vfl_csv_options semi = {0};
  semi.sep = ';';
  CHECK_OK(read_text("1;\"2.5\";1e400x\n", &semi, &ds));
  if (ds) {
    vfl_features f = row_of(ds, 0, NULL);
    CHECK(f.n == 2 && f.index[0] == 1 && value_at(&f, 0) == 2.5f && f.index[1] == cat(3, 20, "3=1e400x"));
  }
  vfl_dataset_free(ds);
  vfl_csv_options dot = {0};
  dot.sep = '.';
  CHECK_OK(read_text("1.25.0x1p3\n", &dot, &ds));
  if (ds) {
    vfl_features f = row_of(ds, 0, NULL);
    CHECK(f.n == 2 && value_at(&f, 0) == 25.0f && value_at(&f, 1) == 8.0f);
  }
  vfl_dataset_free(ds);
  /* A UTF-8 byte order mark before the header is not part of its first name. */
  vfl_csv_options bom = {0};
  bom.header = 1;
  bom.label_name = "y";
  CHECK_OK(read_text("\xEF\xBB\xBFy,x\n1,2\n", &bom, &ds));
  CHECK(ds && vfl_dataset_rows(ds) == 1 && vfl_dataset_nnz(ds) == 1);
  vfl_dataset_free(ds);
  CHECK_OK(read_text("", NULL, &ds)); /* empty: no rows */
  CHECK(ds && vfl_dataset_rows(ds) == 0);
  vfl_dataset_free(ds);
  vfl_csv_options h = {0};
  h.header = 1;
  CHECK_OK(read_text("y,x\n", &h, &ds)); /* a header only: no rows */
  CHECK(ds && vfl_dataset_rows(ds) == 0 && vfl_dataset_input_dim(ds, 0) == 2);
  vfl_dataset_free(ds);
}

static void test_errors(void) {
  vfl_csv_options h = {0};
  h.header = 1;
  h.label = 2;
  vfl_dataset *ds = (vfl_dataset *)&ds;
  CHECK_ERR(read_text("a,label,c\n1,1,3\n1,1,abc\n", &h, &ds), VFL_EFORMAT,
            "t.csv:3:3 (c): value \"abc\" is not a number, but the column's first value (line 2) was; "
            "list the column in categorical");
  CHECK(ds == NULL);
  CHECK_ERR(read_text("a,label,c\n1,1,3\n1,x,3\n", &h, &ds), VFL_EFORMAT,
            "t.csv:3:2 (label): label \"x\" is not a number, but the first label (line 2) was; give label_names = true "
            "to read the labels as class names");
  CHECK_ERR(read_text("a,label,c\n1,,3\n", &h, &ds), VFL_EFORMAT, "t.csv:2:2 (label): the label is missing");
  CHECK_ERR(read_text("a,label,c\n1,nan,3\n", &h, &ds), VFL_EFORMAT, "t.csv:2:2 (label): label nan is not finite");
  CHECK_ERR(read_text("a,label,c\n1,1e39,3\n", &h, &ds), VFL_EFORMAT,
            "t.csv:2:2 (label): label 1e39 is out of range for a float");
  CHECK_ERR(read_text("a,label,c\n1,1,3\n1,1\n", &h, &ds), VFL_EFORMAT,
            "t.csv:3: expected 3 fields (as in the header), found 2");
  CHECK_ERR(read_text("1,1,3\n1,1,3,4\n", NULL, &ds), VFL_EFORMAT,
            "t.csv:2: expected 3 fields (as on the first line), found 4");
  CHECK_ERR(read_text("a,label,c\n1,1,\"abc\n", &h, &ds), VFL_EFORMAT,
            "t.csv:2:3 (c): the quoted field is not closed on this line (fields may not span lines)");
  CHECK_ERR(read_text("a,label,c\n1,1,\"abc\"d\n", &h, &ds), VFL_EFORMAT,
            "t.csv:2:3 (c): unexpected text after the closing quote");
  CHECK_ERR(read_text("a,label,c\n1,1,3\n1,1,inf\n", &h, &ds), VFL_EFORMAT, "t.csv:3:3 (c): value inf is not finite");
  CHECK_ERR(read_text("a,label,c\n1,1,3\n1,1,-1e39\n", &h, &ds), VFL_EFORMAT,
            "t.csv:3:3 (c): value -1e39 is out of range for a float");
  CHECK_ERR(read_text("1,2\na,1\n", NULL, &ds), VFL_EFORMAT,
            "t.csv:2:1: label \"a\" is not a number, but the first label (line 1) was; give label_names = true to read "
            "the labels as class names");
  vfl_csv_options s = {0};
  s.label = 3;
  s.allow_short = 1;
  CHECK_ERR(read_text("1,2,3\n1,2\n", &s, &ds), VFL_EFORMAT, "t.csv:2:3: the label is missing");
  CHECK(ds == NULL);
}

static void test_option_errors(void) {
  vfl_dataset *ds = NULL;
  vfl_csv_options o = {0};
  o.header = 1;
  o.label_name = "click";
  CHECK_ERR(read_text("a,b\n1,2\n", &o, &ds), VFL_EINVAL, "reading \"t.csv\": label: no column is named \"click\"");
  const char *skip[] = {"9"};
  vfl_csv_options s = {0};
  s.skip = skip;
  s.n_skip = 1;
  CHECK_ERR(read_text("1,2,3\n", &s, &ds), VFL_EINVAL,
            "reading \"t.csv\": skip: there is no column 9 (the file has 3 columns)");
  const char *named[] = {"id"};
  s.skip = named;
  CHECK_ERR(read_text("1,2,3\n", &s, &ds), VFL_EINVAL,
            "reading \"t.csv\": skip: column \"id\" is named, but the file has no header (header = 1)");
  vfl_csv_options l = {0};
  l.label = 4;
  CHECK_ERR(read_text("1,2,3\n", &l, &ds), VFL_EINVAL,
            "reading \"t.csv\": label: there is no column 4 (the file has 3 columns)");
  l.label_name = "y";
  CHECK_ERR(read_text("1,2,3\n", &l, &ds), VFL_EINVAL,
            "reading \"t.csv\": give the label column by number or by name, not both");
  vfl_csv_options b = {0};
  b.hash_bits = 32;
  CHECK_ERR(read_text("1,2\n", &b, &ds), VFL_EINVAL,
            "reading \"t.csv\": hash_bits 32 is out of range (1 to 31, or 0 for 20)");
  vfl_csv_options q = {0};
  q.sep = '"';
  CHECK_ERR(read_text("1,2\n", &q, &ds), VFL_EINVAL, "reading \"t.csv\": sep cannot be a quote or a line break");
  CHECK_ERR(vfl_read_csv("nope.csv", NULL, &ds), VFL_EIO, "cannot open \"nope.csv\": No such file or directory");
  CHECK(ds == NULL);
}

/* ------------------------------------------------------------ real data */

static void test_criteo(void) {
  /* Raw Criteo: label, 13 integer columns, 26 hashed categorical columns. */
  const char *cats[26];
  char names[26][4];
  for (int i = 0; i < 26; i++) {
    snprintf(names[i], sizeof names[i], "%d", 15 + i);
    cats[i] = names[i];
  }
  vfl_csv_options o = {0};
  o.sep = '\t';
  o.categorical = cats;
  o.n_categorical = 26;
  o.hash_bits = 18;
  vfl_dataset *ds = NULL;
  CHECK_OK(vfl_read_csv(t_data("ctr-samples/criteo/wide-resdnn_train.txt"), &o, &ds));
  CHECK(ds && vfl_dataset_rows(ds) == 7200);
  CHECK(ds && vfl_dataset_input_dim(ds, 0) == 40 + (1u << 18));
  vfl_dataset_free(ds);

  /* Without declaring anything, every Criteo file reads; pytorch-fm's drops
  ** trailing empty fields. */
  vfl_csv_options a = {0};
  a.sep = '\t';
  CHECK_OK(vfl_read_csv(t_data("ctr-samples/criteo/wide-resdnn_test.txt"), &a, &ds));
  CHECK(ds && vfl_dataset_rows(ds) == 391);
  vfl_dataset_free(ds);
  a.allow_short = 1;
  CHECK_OK(vfl_read_csv(t_data("ctr-samples/criteo/pytorch-fm_train.txt"), &a, &ds));
  CHECK(ds && vfl_dataset_rows(ds) == 1000);
  vfl_dataset_free(ds);

  /* The DeepCTR sample has a header and writes integers as "260.0". */
  vfl_csv_options h = {0};
  h.header = 1;
  h.label_name = "label";
  CHECK_OK(vfl_read_csv(t_data("ctr-samples/criteo/deepctr_criteo_sample.txt"), &h, &ds));
  CHECK(ds && vfl_dataset_rows(ds) == 200);
  vfl_dataset_free(ds);
}

static void test_avazu(void) {
  const char *skip[] = {"id"}, *cats[] = {"*"};
  vfl_csv_options o = {0};
  o.header = 1;
  o.label_name = "click";
  o.skip = skip;
  o.n_skip = 1;
  o.categorical = cats;
  o.n_categorical = 1;
  vfl_dataset *ds = NULL;
  CHECK_OK(vfl_read_csv(t_data("ctr-samples/avazu/wide-resdnn_train.csv"), &o, &ds));
  if (!ds) return;
  CHECK(vfl_dataset_rows(ds) == 8087);
  CHECK(vfl_dataset_nnz(ds) == 8087 * 22); /* every column but id and click, each one id */
  size_t clicks = 0;
  for (size_t i = 0; i < vfl_dataset_rows(ds); i++) {
    float label;
    row_of(ds, i, &label);
    clicks += label == 1.0f;
  }
  CHECK(clicks > 0 && clicks < 8087);
  vfl_dataset_free(ds);
}

int main(void) {
  test_extras();
  test_small_csv();
  test_small_tsv();
  test_options();
  test_errors();
  test_option_errors();
  if (t_failures) return t_done("test_read_csv"); /* before a skip could hide them */
  test_criteo();
  test_avazu();
  return t_done("test_read_csv");
}
