/*
** target_csv.c -- vfl_read_csv_buffer. Option byte:
**   bit 0     header
**   bit 1     separator: ',' or '\t'
**   bit 2     every column categorical ("*"), but column "2" free text (word
**             bigrams, character 2- to 4-grams) and a dictionary kept
**   bit 3     allow_short
**   bits 4-5  label column: default (1), 1, 2 or 3
**   bit 6     skip column "2", keep column "3" as an extra
**   bit 7     label by name "label" (needs a header; overrides bits 4-5)
** Categorical columns hash into 2^4 buckets, so the dimension stays small.
*/
#include "targets.h"

void fuzz_csv(const uint8_t *data, size_t size) {
  if (size < 1) return;
  static const char *const all[] = {"*"}, *const second[] = {"2"}, *const third[] = {"3"};
  uint8_t b = data[0];
  vfl_csv_options o = {0};
  o.header = b & 1;
  o.sep = b & 2 ? '\t' : ',';
  if (b & 4) {
    o.categorical = all;
    o.n_categorical = 1;
    o.text = second;
    o.n_text = 1;
    o.ngrams = 2, o.minn = 2, o.maxn = 4;
    o.keep_names = 1;
  }
  o.allow_short = (b >> 3) & 1;
  o.label = (b >> 4) & 3;
  if (b & 0x40) {
    o.skip = second;
    o.n_skip = 1;
    o.extras = third;
    o.n_extras = 1;
  }
  if (b & 0x80) {
    o.label = 0;
    o.label_name = "label";
  }
  o.hash_bits = 4;
  vfl_set_error("");
  vfl_dataset *ds = NULL;
  int rc = vfl_read_csv_buffer((const char *)data + 1, size - 1, "fuzz.csv", &o, &ds);
  fuzz_check_read(rc, ds);
}
