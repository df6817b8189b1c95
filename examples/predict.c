/*
** predict.c -- classify lines of text with a vfl model from C, with no Lua:
** the C inference API of vfl.h (vfl_model_open, vfl_model_predict_text).
**
**   cc predict.c -lvfl -o predict        (or: pkg-config --cflags --libs vfl)
**   vfl supervised -input train.txt -output model
**   echo "the shuttle reached orbit" | ./predict model.bin 2
**   space 0.97 sport 0.02
**
** One line out per line in: the k most probable classes, best first, with
** their probabilities. Threads may share the model, each with its own
** vfl_scratch (tests/c/test_infer.c runs four at once).
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vfl.h"

int main(int argc, char **argv) {
  if (argc < 2 || argc > 3) {
    fprintf(stderr, "usage: %s model.bin [k] < text\n", argv[0]);
    return 2;
  }
  uint32_t k = argc == 3 ? (uint32_t)strtoul(argv[2], NULL, 10) : 1;
  if (k < 1 || k > 64) {
    fprintf(stderr, "%s: k must be 1 to 64\n", argv[0]);
    return 2;
  }
  vfl_model *model = NULL;
  vfl_scratch *scratch = NULL;
  if (vfl_model_open(argv[1], &model) || vfl_scratch_new(model, &scratch)) {
    fprintf(stderr, "%s: %s\n", argv[0], vfl_last_error());
    vfl_model_free(model);
    return 1;
  }
  char line[65536];
  uint32_t classes[64];
  float probs[64];
  int status = 0;
  while (fgets(line, sizeof line, stdin)) {
    line[strcspn(line, "\n")] = '\0';
    int n = vfl_model_predict_text(model, scratch, line, k, classes, probs);
    if (n < 0) {
      fprintf(stderr, "%s: %s\n", argv[0], vfl_last_error());
      status = 1;
      break;
    }
    for (int i = 0; i < n; i++) {
      const char *name = vfl_model_class_name(model, classes[i]);
      if (name) printf("%s%s %.3g", i ? " " : "", name, (double)probs[i]);
      else printf("%s%u %.3g", i ? " " : "", classes[i] + 1, (double)probs[i]);
    }
    printf("\n");
  }
  vfl_scratch_free(scratch);
  vfl_model_free(model);
  return status;
}
