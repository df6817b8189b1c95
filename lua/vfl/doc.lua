-- vfl.doc: the help texts of the vfl module, for help() in the REPL.
--
--   doc.entries["vfl.optim.adam"]  --> {sig = "...", text = "..."}
--   doc.resolve(vfl, name)          --> the value a name documents
--   doc.register(vfl, help)         --> registers every entry with vfl.help
--
-- Names: "vfl.x.y" for module functions and tables; "vfl.<class>:<method>"
-- for methods (found in vfl.methods.<class>); "vfl.<class>#" for the
-- objects of a class (their metatable), so that help(net) works.
-- Loaded by luaopen_vfl when it is on package.path; registers itself with
-- vfl.help when that module can be loaded.
local doc = {}

local list = {
  -- ------------------------------------------------------------ module
  {"vfl", "vfl", [[
vfl: fast shallow neural nets on sparse data. The engine is C; this module
drives it. Indices are 1-based, options are tables, objects have methods.
  data     vfl.sparse, vfl.dataset, vfl.read.*, vfl.hash.*, vfl.io.lines
  models   vfl.net, vfl.layers.*, vfl.priors.*, vfl.optim.*, vfl.load
  training net:learn, vfl.losses.*, vfl.request_stop
  results  net:predict, vfl.metrics.*
  shell    vfl supervised | test | predict | predict-prob | inspect: fastText's
           command line (docs/fasttext.md)]]},
  {"vfl.version", "vfl.version", "The engine's version string, \"MAJOR.MINOR.PATCH\"."},
  {"vfl.methods", "vfl.methods", [[
The methods of each kind of object, by class: vfl.methods.net,
vfl.methods.dataset, vfl.methods.sparse, vfl.methods.view, ... (for
completion and help).]]},
  {"vfl.request_stop", "vfl.request_stop()", [[
Asks a running net:learn to stop after the current mini-batch, as Ctrl-C
does in the vfl REPL. The model keeps what it learned and learn returns
normally with stats.stopped = true. Each net:learn clears the request when
it starts, so call it from inside training (a loss, on_epoch, progress).]]},

  -- ------------------------------------------------------- sparse vectors
  {"vfl.sparse", "vfl.sparse{[i] = v, ...} | vfl.sparse(indices, values)", [[
A sparse vector: one observation's features. Indices are 1-based integers
up to 2^32; values are stored as floats; indices are kept sorted.
  local x = vfl.sparse{[3] = 1.0, [17] = 0.5}
  local y = vfl.sparse({3, 17}, {1.0, 0.5})    -- the same vector
  local z = vfl.sparse({3, 17}, 1)             -- one value for all
  #x      --> 2, the number of non-zeros
  x[17]   --> 0.5, and 0 for an absent index
  tostring(x), x:totable(), x:indices(), x:values(), x:pairs()
Repeated indices, index 0 and non-numbers are errors that name the argument.]]},
  {"vfl.sparse#", "sparse vector", "A vfl.sparse: #x non-zeros, x[i] the value of feature i; see help(vfl.sparse)."},
  {"vfl.sparse:totable", "x:totable()", "A Lua table {[index] = value} of the non-zeros."},
  {"vfl.sparse:indices", "x:indices()", "The indices of the non-zeros, ascending, as a list."},
  {"vfl.sparse:values", "x:values()", "The values of the non-zeros, in the order of x:indices()."},
  {"vfl.sparse:nnz", "x:nnz()", "The number of non-zeros (the same as #x)."},
  {"vfl.sparse:dim", "x:dim()", "The largest index (0 for an empty vector): the smallest dimension that fits x."},
  {"vfl.sparse:copy", "x:copy()", [[
An owned copy. A Lua loss sees row.features as a view into the dataset,
valid only during that call: copy it to keep it.]]},
  {"vfl.sparse:pairs", "for i, v in x:pairs() do ... end", "Iterates over the non-zeros: index, value (also pairs(x) in Lua 5.4)."},

  -- ------------------------------------------------------------ datasets
  {"vfl.dataset", "vfl.dataset(fn | rows | iter, state, ctl [, {inputs=, labels=, extras=}])", [[
An in-memory dataset, built from Lua. Rows are tables:
  {label = 1, weight = 2, features = vfl.sparse{...}}      -- one input
  {label = 4.5, user = vfl.sparse{...}, item = vfl.sparse{...}}  -- named inputs
  {labels = {0, 1, 0}, features = ...}                     -- several labels
  {label = "sci.space", features = ...}                    -- a class name
  {label = 1, features = ..., user = 42, text = "..."}     -- with extras
Class names are encoded once, in order of first appearance: ds.classes,
class i (1-based) stored as label i - 1 (the one rule for class ids:
docs/features.md); a dataset's labels are all names or all numbers.
Extras are numbers, integers, booleans or strings that a row carries for a
Lua loss (row.user) or for analysis (ds[i].text); training never reads them.
Sources:
  vfl.dataset(function(emit) ... emit(row) ... end)   -- emit rows
  vfl.dataset(iterator)              -- a function returning rows, then nil
  vfl.dataset(ipairs(list)), vfl.dataset(list)        -- a list of rows
  vfl.dataset{inputs = {...}, labels = 1}             -- empty, declared
Without a declaration the first row decides: every field other than label,
labels and weight is a sparse input of that name when it holds features
(plain tables are read as vfl.sparse{...}), an extra when it holds a number,
boolean or string; an extra may also first appear in a later row (earlier
rows hold nil). Declare dense or grouped inputs, fixed dimensions, extras:
  vfl.dataset{inputs = {{name = "x", kind = "dense", dim = 4}, "words"}}
  vfl.dataset{inputs = {user = 943, item = 1682}}
  vfl.dataset{inputs = {"features"}, extras = {"user", "text"}}
A declared dataset refuses fields it does not know. Extras may not be
called id or features (the row view's own names).
Fields: #ds, ds.rows, ds.dim, ds.nnz, ds.inputs, ds.extras, ds.n_labels,
ds.bytes, ds[i].
Methods: ds:append(row), ds:split(f, {shuffle=, seed=}), ds:shuffle(seed),
ds:subset{i, ...}, ds:close().]]},
  {"vfl.dataset#", "dataset", [[
A vfl.dataset: #ds rows; ds[i] is row i as a table; ds.dim (a number, or
a table by input name when there are several inputs), ds.nnz, ds.inputs
({name=, kind=, dim=} each), ds.extras (names), ds.n_labels, ds.bytes.
See help(vfl.dataset).]]},
  {"vfl.dataset:append", "ds:append(row)", "Appends one row table (see vfl.dataset); returns ds."},
  {"vfl.dataset:split", "ds:split(fraction [, {shuffle = false, seed = 1}])", [[
Two new datasets: the first floor(fraction * #ds) rows and the rest; with
shuffle = true, rows are drawn in a random order fixed by seed.
  local train, valid = ds:split(0.9, {shuffle = true, seed = 1})]]},
  {"vfl.dataset:shuffle", "ds:shuffle([seed = 1])", "Reorders the rows in place, deterministically from seed; returns ds."},
  {"vfl.dataset:subset", "ds:subset{i, j, ...}", "A new dataset with the rows at those positions (1-based), in that order."},
  {"vfl.dataset:close", "ds:close()", [[
Frees the dataset's memory now rather than at garbage collection. Later
use is an error. Also `local ds <close> = ...` in Lua 5.4.]]},

  -- ------------------------------------------------------------- readers
  {"vfl.read", "vfl.read", "File readers that parse in C: vfl.read.libsvm, vfl.read.csv, vfl.read.vw (and *_text for strings). Each takes {shard = \"rank\"} to read one rank's share (see vfl.read.libsvm, vfl.dist)."},
  {"vfl.read.libsvm", "vfl.read.libsvm(path [, {dim=, hash_bits=, labels=, input=, cores=1, shard=, multilabel=false, classes=}])", [[
Reads a libsvm / svmlight file, plain or gzip, into a dataset.
  dim        the feature dimension (default: the largest index seen);
             use the training set's for the test set: {dim = train.dim}
  hash_bits  hash the indices into 2^hash_bits
  labels     labels per row (lists "l1,l2,..")
  multilabel = true, classes = K: the label list names the classes of
             the row ("3,17 1:0.5 ...": class ids 0..K-1, any number of
             them; none when the line starts with a feature), read as K
             labels, 1 for a class listed and 0 for the others (a k-hot
             vector for the "multilabel" loss). A label that is not a
             class id is an error naming path:line:column.
  input      the input's name (default "features")
  cores      threads that parse a plain file (0: every core): it is read
             into memory, cut at line ends, and the pieces parsed at once;
             the same rows in the same order. Files under 2 MB, and gzip
             files, are parsed on one.
  shard      "rank" or {rank = r, size = n} (r 0-based): read only this
             rank's share of a plain file, cut at line ends (every reader
             takes it; under mpirun "rank" uses vfl.dist). Give dim so
             that every rank's dataset has the same width.
Errors name path:line:column (a shard's count from its first byte).]]},
  {"vfl.read.libsvm_text", "vfl.read.libsvm_text(text [, {..., name=}])", "vfl.read.libsvm on a string; name is used in error messages."},
  {"vfl.read.csv", "vfl.read.csv(path [, {sep=',', header=false, label=1, skip=, categorical=, text=, extras=, hash_bits=20, input=, allow_short=, ngrams=1, lower=false, minn=, maxn=, label_names=false, classes=, keep_names=false}])", [[
Reads CSV/TSV (plain or gzip). The label column is a number or a header
name; every other column is a feature: numeric columns by position,
categorical ones (strings, or listed in categorical; "*" for all) hashed
as "name=value" into 2^hash_bits extra features, and text columns (listed
in text) hashed by words into the same buckets (ngrams, lower, minn, maxn
as vfl.hash.words). An empty field gives no feature. skip lists columns to
drop. extras lists columns kept beside the features as string extras
(ds[i].id, row.id in a Lua loss), named after the header or "column<N>";
empty fields are nil. Columns are named by header name or 1-based number.
Labels that are not numbers (the first decides, or label_names = true)
are class names: ds.classes, ids 0-based in order of first appearance
(classes = train.classes fixes them). ds.featurizer records every column
for net:set_featurizer, so that the saved model predicts from a row by
column names: net:predict{age = 41, city = "Oslo"}. keep_names = true
keeps a dictionary of the features seen (net:top_features, net:explain).
See docs/features.md.
  vfl.read.csv("clicks.tsv", {sep = "\t", label = 1, hash_bits = 22})
  vfl.read.csv("users.csv", {header = true, label = "churned", extras = {"user_id"}})
  vfl.read.csv("posts.tsv.gz", {sep = "\t", label = 1, skip = {2}, text = {3}, lower = true})]]},
  {"vfl.read.csv_text", "vfl.read.csv_text(text [, {..., name=}])", "vfl.read.csv on a string."},
  {"vfl.read.vw", "vfl.read.vw(path [, {hash_bits=18, groups='flat', input=, keep_names=false}])", [[
Reads Vowpal Wabbit text: "label [importance] [tag]|ns feat[:v] ...".
The importance becomes the row weight; a tag ('ex17, or a token touching
the '|') becomes the string extra ds[i].tag. groups = "flat" hashes every
namespace into one sparse input; "order" or "letter" make a grouped input
(for vfl.layers.cross) whose groups are namespaces by order of appearance
or by first letter. With "flat", ds.featurizer (kind vw) lets a saved
model predict from a line's features: net:predict("|user age_40 |item x");
keep_names = true keeps a dictionary "ns^feature" (VW's --invert_hash).]]},
  {"vfl.read.fasttext", "vfl.read.fasttext(path [, {label='__label__', bits=20, ngrams=1, seed=0, lower=false, minn=, maxn=, multilabel=false, input='features', classes=, dictionary=false}])", [[
fastText's supervised format, plain or gzip: tokens starting with the label
prefix are labels, the rest is text hashed as vfl.hash.words does (words
and word n-grams into 2^bits). Labels are names, encoded in order of first
appearance: ds.classes = {"sci.space", ...}; class i is label i - 1 (what
vfl.losses.multinomial reads) and output i of net:predict. One label per
row (the line's first), or with multilabel one 0/1 label per class (for
"logistic" on #ds.classes outputs). ds.featurizer is ready for
net:set_featurizer; ds:split and ds:subset keep both. Blank lines are
skipped; a line without a label or a file without examples is an error
naming it. classes = train.classes encodes a validation or test file as
the training set was (a label outside them is an error naming its line).
minn, maxn add fastText's character n-grams (see vfl.hash.words);
dictionary = true keeps the names of the features seen in
ds.featurizer.names (saved with the model; see net:top_features).
  local ds = vfl.read.fasttext("train.txt", {ngrams = 2})
  net:learn(ds, "multinomial", vfl.optim.adagrad(0.5))
  net:set_featurizer(ds.featurizer); net:save("model.bin")]]},
  {"vfl.read.vw_text", "vfl.read.vw_text(text [, {..., name=}])", "vfl.read.vw on a string."},

  -- -------------------------------------------------------------- hashing
  {"vfl.hash", "vfl.hash", "The hashing trick on the engine's MurmurHash3: vfl.hash.string, vfl.hash.words, vfl.hash.group."},
  {"vfl.hash.string", "vfl.hash.string(s [, bits [, seed]])", [[
The 1-based feature index of string s: MurmurHash3(s, seed) mod 2^bits,
plus 1. Stable across runs and machines.]]},
  {"vfl.hash.words", "vfl.hash.words(text [, {bits=20, ngrams=1, seed=0, lower=false, minn=, maxn=, group=}])", [[
A vfl.sparse of the text's whitespace-separated tokens (and its n-grams
up to ngrams), hashed into 2^bits; repeated tokens count. minn..maxn adds
fastText's character n-grams: those of "<token>" of minn to maxn UTF-8
characters ("<" and ">" alone left out), each hashed as
vfl.hash.string(gram, bits, seed + 16). With group = g the indices are
grouped ids (see vfl.hash.group) for vfl.layers.cross.
  emit{label = y, features = vfl.hash.words(text, {bits = 20, ngrams = 2})}]]},
  {"vfl.hash.group", "vfl.hash.group(group, id)", [[
The 1-based index of grouped feature id (its low 24 bits) in group 1..256:
grouped inputs (vfl.layers.grouped) feed feature crosses (vfl.layers.cross).]]},

  {"vfl.io", "vfl.io", "Reading text files for adapters written in Lua: vfl.io.lines."},
  {"vfl.io.lines", "vfl.io.lines(path)", [[
Iterates over the lines of a plain or gzip file (told apart by its
content), without their '\n'. The file closes when the loop ends or is left.
Errors name the file (cannot open, damaged or truncated gzip data).
  for line in vfl.io.lines("train.txt.gz") do ... end]]},

  -- ---------------------------------------------------------------- nets
  {"vfl.net", "vfl.net()", [[
An empty net. Chains: stack adds a layer fed by the previous one; add and
wire build graphs with several inputs.
  local net = vfl.net()
    :stack(vfl.layers.sparse(2^20))
    :stack(vfl.layers.linear(64)):stack(vfl.layers.relu())
    :stack(vfl.layers.linear(1, {prior = vfl.priors.l2(1e-4)}))
  net:init{scale = 0.01, seed = 42}
  print(net)                -- layers, shapes, parents, parameters
Methods: stack, add, wire, init, learn, predict, forward, params,
set_params, sparsity, link, set_link, layers, save, close; vfl.load reads a model.]]},
  {"vfl.net#", "net", "A vfl.net: #net layers; print(net) summarises it. See help(vfl.net)."},
  {"vfl.net:stack", "net:stack([name,] layer)", [[
Adds layer, fed by the last layer added; returns net. The name defaults to
the layer's {name=} option, else kind and number ("linear2").]]},
  {"vfl.net:add", "net:add([name,] layer)", "Adds a layer with no parent yet (wire it); returns net."},
  {"vfl.net:wire", "net:wire(from, to)", [[
Makes layer `from` (a name, or a list of names) a parent of layer `to`;
returns net. A linear layer may have several parents (they are summed).]]},
  {"vfl.net:init", "net:init{scale=, seed=1, optim=}", [[
Checks the graph, allocates the weights and draws them uniformly in
[-scale, scale]; without scale, a size-aware default. Attaches the priors
given to the layers. Each row also gets room for the state of the
optimizer it will train with: a layer's own optim=, else this optim (a
vfl.optim), else AdaGrad's (one float per weight), so that the first
net:learn need not widen every row. Training with another optimizer
re-lays the rows out in place; init{optim = vfl.optim.sgd{}} keeps a net
meant for SGD at its weights' size from the start. net:learn initialises
an uninitialised net itself, for its own optimizer. Calling init again
redraws the weights and zeroes the state. Returns net.]]},
  {"vfl.net:learn", "net:learn(ds | iterator, loss, optim [, {cores=1, epochs=, batch=, seed=1, shuffle=true, valid=, metrics=, progress=, progress_every=, on_epoch=, every=, on_batches=, chunk=8192, keep_last_good=true, dist=false, sync=10000, class_weights=, schedule_rows=}])", [[
Trains with Hogwild SGD on `cores` threads (0: every core).
  data   a vfl.dataset, or an iterator returning rows {label=, features=}
         then nil: the rows stream through in chunks of `chunk` rows while
         the workers train on the previous chunk (bounded memory; one pass,
         so epochs must be 1: call learn again for another)
  loss   "logistic" | "square" | "multinomial" | "hinge" | "multilabel"
         (one sigmoid per class on k-hot labels: vfl.read.libsvm's
         multilabel = true; predictions are per-class probabilities and
         vfl.metrics.report gives P@k, R@k), a Lua function
         function(out, row, grad, net) ... return loss end, or its name
         "module.function". out and grad are views of the outputs and of
         their gradient (write grad[i]); row has label, labels, weight, id,
         extras, features (and inputs by name). A sparse gradient instead:
         return loss, {i, ...}, {g, ...} (or loss, vfl.sparse{[i] = g}):
         only outputs i move, grad is ignored. net is a read-only view of
         the net being trained: net:params(layer [, block]) and
         net:row(layer, r [, block]) (the weights of feature r), read while
         the workers write them (Hogwild). Every worker, one core or many,
         runs the loss in a Lua state of its own: the function is copied
         there with its upvalues (numbers, strings, booleans, tables of
         those, Lua functions, library functions like math.exp, loaded
         modules like vfl; changes stay in each worker's copy), or
         required there by name.
  optim  vfl.optim.sgd/adagrad/adam/ftrl{lr=, epochs=, batch=, schedule=};
         nil: AdaGrad 0.1. epochs and batch go there or in these options,
         not both with different values (an error)
  class_weights = {w1, w2, ...} | "balanced": each row's weight (so its
         gradient) times its class's: multinomial, 1-based, w[id + 1] for
         class id 0..K-1; logistic and hinge {negatives, positives}.
         "balanced": rows / (classes * rows of the class), counted on the
         dataset (not for an iterator)
  schedule_rows = N: the length of an iterator in examples, which a
         learning-rate schedule (vfl.optim) needs to know where it is
  valid = ds: evaluated after every epoch with vfl.metrics.evaluate
         (metrics = {"auc", ...}: the figures asked for)
  progress: a bar by default when stderr is a terminal (percent and ETA
         of the run, epoch k/n, loss, examples/s); true forces it (plain
         lines in a log), false turns it off; a function(p) receives
         {epoch, epochs, done, total, loss, seconds, examples_per_s} instead
  on_epoch = function(epoch, stats) ... end: return "stop" to stop
  every = N, on_batches = function(batches, stats) ... end: called about
         every N mini-batches (checked every 20 ms); "stop" stops
  keep_last_good = true copies the weights (not the optimizer state) at
         the start of every epoch, adding their size to the memory while
         training: a run that diverges (NaN or Inf) fails naming the epoch
         and the layer, and leaves the weights of the last epoch that
         ended well, with the optimizer state started again from zero
  dist = true under mpirun: data-parallel training, each rank on its own
         dataset (its shard) with its own threads. Rank 0's weights go to
         every rank first; every `sync` examples per rank and at each
         epoch end the rows changed on any rank are averaged. Loss and
         progress cover all ranks (drawn by rank 0); on_batches is not
         called. stats.dist = {syncs, bytes_per_sync, seconds_per_sync,
         rows_touched_per_sync, rows_mixed_per_sync, ranks}. See
         docs/distributed.md
Returns stats {epochs, loss, seconds, examples_per_s, stopped, reason,
history} (and rows, for an iterator). history has one entry per epoch
done: {epoch, loss, seconds, examples_per_s, valid = {auc = ...}}.
Ctrl-C (vfl.request_stop) or a callback returning "stop" keeps the model
and returns the stats with stopped = true (reason "interrupted" or
"callback"). An error in a callback or the loss stops too and raises an
error object {message =, stats =} (reason "error") that prints as its
message: local ok, e = pcall(net.learn, ...); e.stats.history.]]},
  {"vfl.net:predict", "net:predict(x | \"raw text\" | ds [, {k=}])", [[
Predictions through the link set by training (sigmoid for logistic,
softmax for multinomial): x is a vfl.sparse (one input), a table of named
inputs {user = ..., item = ...}, or a row ds[i]. Returns {p1, ..., pk}.
On a dataset, returns one prediction per row (numbers when k is 1).
Raw text goes through the model's saved featurizer (net:featurizer) and
gives every class ranked, best first: {{class = "sci.space", p = 0.93}, ...};
{k = 3} keeps the top 3 (also for x). Classes are the featurizer's names,
else output indices. Class i is output i and engine label i - 1.]]},
  {"vfl.net:top_features", "net:top_features(class [, n=10])", [[
The n features with the largest weight for class (a name of the
featurizer's classes, or a 1-based output), largest first:
{{feature = "orbit", id = 5012, weight = 2.1}, ...}. A feature's weight is
what it adds to the class's output minus the mean over the outputs,
through the linear layers (a softmax or logistic regression, or fastText's
embedding bag then output; other nets are an error). Features are named
through the featurizer's dictionary (vfl.read.fasttext{dictionary = true},
vfl.read.csv{keep_names = true}), and only features seen in training are
ranked; without one, every hashed id is ranked and named "#id", and the
result has dictionary = false and a note saying so.]]},
  {"vfl.net:explain", "net:explain(x [, {class=, n=10}])", [[
Why the model predicts what it does for x (raw text, a table row or a
vfl.sparse): {class =, p =, features = {{feature =, id =, value =,
contribution =}, ...}}, the n largest contributions (by size) of x's
features to class (default: the predicted one), named as in
net:top_features. An embedding bag's pooling (any but max: each row is
scaled as in training, e.g. by 1 / the token count for "wmean") is taken
into account.]]},
  {"vfl.net:forward", "net:forward(x | ds)", "Like net:predict, without the link: the raw outputs."},
  {"vfl.net:sparsity", "net:sparsity()", [[
The fraction of the net's weights (biases aside) that are exactly 0: what
FTRL's l1 (vfl.optim.ftrl) or an L1 prior leaves.]]},
  {"vfl.net:params", "net:params(layer [, block])", [[
A read-only view of a layer's weights (a vfl.params: w[i], #w, w:row(r),
w:totable(), w:shape()), then rows, cols. Feature-major: rows = input
features, cols = outputs; w[(r - 1) * cols + c]. It copies nothing, so a
layer of millions of rows costs no Lua table, and it reads the weights as
they are now (w:totable() copies them). block: a parent's position
(default 1) or name, or "bias".]]},
  {"vfl.net:set_params", "net:set_params(layer, block, values)", [[
Sets a block of parameters from a flat list or a list of rows; returns net.]]},
  {"vfl.net:link", "net:link()", "The output link: \"identity\", \"sigmoid\" or \"softmax\"."},
  {"vfl.net:set_link", "net:set_link(name)", "Sets the output link (\"identity\", \"sigmoid\", \"softmax\"); returns net."},
  {"vfl.net:layers", "net:layers()", "A list of {name=, kind=, dim=, parents={...}}, one per layer."},
  {"vfl.net:save", "net:save(path [, {weights_only = true} | {quantize = \"f16\" | \"q8\"}])", [[
Writes the model to path atomically (a temporary file, then a rename);
returns net. Under mpirun only rank 0 writes, and every rank returns (or
raises) its result. By default the file holds the optimizer state too,
so that training resumes where it stopped. For deployment:
weights_only = true leaves the state out (an AdaGrad model halves);
quantize = "f16" stores the weights as IEEE halves (a quarter of a full
AdaGrad model; a weight beyond 65504 is an error), "q8" as 8-bit integers
with one scale per 64 weights (about an eighth). vfl.load turns them
back into floats; a quantised model predicts, and learns again with a
fresh optimizer. docs/deploy.md has sizes and accuracies.]]},
  {"vfl.net:storage", "net:storage()", [[
How the file the net was loaded from held its weights: "full" (with
optimizer state), "weights" (none), "f16" or "q8". "full" for a net made
in this process.]]},
  {"vfl.net:close", "net:close()", "Frees the net now; later use is an error. Also `local net <close> = ...`."},
  {"vfl.net:set_featurizer", "net:set_featurizer{kind='words', bits=20, ngrams=1, seed=0, lower=false, minn=, maxn=, label=, classes=, columns=, names=}", [[
Gives the net how its raw input becomes features and its class names;
net:save stores them in the model file, so that after vfl.load,
net:predict("raw text") (kind words: the vfl.hash.words settings) or
net:predict{age = 41, city = "Oslo"} (kind table: columns, as
vfl.read.csv records them) featurizes as in training and names the
classes. ds.featurizer of vfl.read.fasttext and vfl.read.csv is such a
table; see vfl.features. names is a dictionary of feature names.
classes[i] is output i (one output: two classes, p of the second). nil
removes it. Returns net.]]},
  {"vfl.net:featurizer", "net:featurizer()", "The featurizer table set by net:set_featurizer or loaded with the model, or nil."},
  {"vfl.features", "vfl.features{kind='words'|'table', bits=, ngrams=1, seed=0, lower=false, minn=, maxn=, columns=, classes=, names=}", [[
A featurizer table checked by the engine, with its defaults filled in:
what net:set_featurizer takes and vfl.featurize applies. kind "words"
hashes raw text (vfl.hash.words); kind "table" reads rows by column name,
columns = {{name = "age", kind = "numeric"}, {name = "city", kind =
"categorical"}, {name = "note", kind = "text"}, {name = "y", kind =
"label"}, ...} in the file's order: numeric column k (1-based) is feature
k with its value, a category is feature #columns + vfl.hash.string(
"name=value", bits), text words #columns + their hash. A missing or empty
value gives no feature. See docs/features.md.]]},
  {"vfl.featurize", "vfl.featurize(featurizer, text | row)", [[
The vfl.sparse of raw text (kind words) or of a table row {column =
value} (kind table), exactly as a model with that featurizer reads it:
emit{label = y, features = vfl.featurize(f, row)} in a Lua adapter.
Numeric columns take numbers, categorical and text columns strings; an
unknown column is an error naming it.]]},
  {"vfl.dictionary#", "dict", [[
A featurizer's dictionary (featurizer.names): #dict names, dict[id] the
name first seen for feature id (1-based), or nil.]]},
  {"vfl.load", "vfl.load(path)", "Reads a model written by net:save; a damaged or foreign file is an error naming the problem."},

  -- -------------------------------------------------------------- layers
  {"vfl.layers", "vfl.layers", [[
Layer specs for net:stack / net:add: sparse, dense, grouped (inputs),
linear, embedding, relu, tanh, selu, sigmoid, dropout, cross, concat, add,
fm, ffm. Every one takes {name=} among its options.]]},
  {"vfl.layer#", "layer", "A layer spec (layer.kind, layer.dim, layer.name); see help(vfl.layers)."},
  {"vfl.layers.sparse", "vfl.layers.sparse(dim [, {name=}])", "A sparse input of dim features (1-based indices 1..dim)."},
  {"vfl.layers.dense", "vfl.layers.dense(dim [, {name=}])", "A dense input of dim values (rows give a list of dim numbers)."},
  {"vfl.layers.grouped", "vfl.layers.grouped(dim [, {name=}])", "A grouped sparse input (ids from vfl.hash.group), the parent of a cross layer."},
  {"vfl.layers.linear", "vfl.layers.linear(outputs [, {intercept=true, mean=false, prior=, optim=, name=}])", [[
A fully connected layer. Fed by sparse inputs its weights are one row per
feature (feature-major), so each non-zero costs one row update.
  mean   true: the embedding bag of old, now
         vfl.layers.embedding(outputs, {pool = "mean", bias = intercept}):
         the intercept stays on unless intercept = false (fastText has
         none); it takes sparse parents only
  prior  a vfl.priors.* or a list of them, on the weights (not the bias)
  optim  this layer's optimizer (vfl.optim.*), instead of learn's]]},
  {"vfl.layers.embedding", "vfl.layers.embedding(dim [, {pool=\"sum\", bias=false, prior=, optim=, name=}])", [[
An embedding bag (PyTorch's EmbeddingBag, fastText's hidden layer) over
sparse parents: one dim-wide row per feature, times the feature's value,
pooled over the n features of an example:
  pool   "sum", "mean" (the sum / n), "sqrtn" (the sum / sqrt(n)),
         "max" (elementwise; the gradient goes to the winning row only)
         or "wmean" (the sum / the sum of the |values|: over a text's
         word counts, the mean over its tokens, as fastText's hidden
         layer; "mean" where every value is 1; a row whose values are
         all 0, or empty, pools to 0)
  bias   true adds a bias vector
  prior, optim  as for vfl.layers.linear
A repeated feature counts (and adds) each time. With several sparse
parents each is pooled on its own and the pools are added; a dense parent
is multiplied as by vfl.layers.linear.
  net:stack(vfl.layers.sparse(2^20)):stack(vfl.layers.embedding(16, {pool = "mean"}))]]},
  {"vfl.layers.concat", "vfl.layers.concat([{name=}])", [[
The outputs of its dense parents side by side, in the order they were
wired (widths add up):
  net:add("deep", vfl.layers.concat()):wire({"emb", "dense1"}, "deep")]]},
  {"vfl.layers.add", "vfl.layers.add([{name=}])", [[
The elementwise sum of its dense parents, all of one width, e.g. the
branches of a DeepFM-style net (linear + fm + mlp, each of width 1):
  net:add("out", vfl.layers.add()):wire({"lin", "fm", "mlp"}, "out")]]},
  {"vfl.layers.relu", "vfl.layers.relu([{name=}])", "max(0, x), element-wise."},
  {"vfl.layers.tanh", "vfl.layers.tanh([{name=}])", "tanh(x), element-wise."},
  {"vfl.layers.selu", "vfl.layers.selu([{name=}])", "The scaled exponential linear unit, element-wise."},
  {"vfl.layers.sigmoid", "vfl.layers.sigmoid([{name=}])", "1 / (1 + exp(-x)), element-wise."},
  {"vfl.layers.dropout", "vfl.layers.dropout(rate [, {name=}])", [[
Drops each unit with probability rate while training (inverted dropout:
kept values are scaled by 1/(1 - rate), inference passes them through).
On a sparse input (or a cross) it drops features instead:
  net:stack(vfl.layers.sparse(2^20)):stack(vfl.layers.dropout(0.1))]]},
  {"vfl.layers.cross", "vfl.layers.cross{bits=, crosses={{1, 2, 3}, ...} | pairs={{1, 2}, ...} [, name=]}", [[
Feature crosses of any order on a grouped input: the input's features,
then for each cross of groups (1-based) every product of one feature per
group, hashed into 2^bits outputs (sparse). Within a run of equal groups
the features are distinct ({1, 1} pairs a group with itself once per pair).
All crosses of one layer have the same order (2 to 8); pairs= is crosses=
with order 2. Feed it to a linear layer.
  vfl.layers.cross{bits = 22, crosses = {{1, 2, 3}, {1, 1, 2}}}]]},
  {"vfl.layers.fm", "vfl.layers.fm(k [, {linear=true, bits=, prior=, optim=, name=}])", [[
A second-order factorization machine (Rendle 2010) over one sparse or
grouped parent, one output:
  w0 + sum_i w_i x_i + sum_{i<j} <v_i, v_j> x_i x_j
with k factors per feature, in O(k * non-zeros) forward and backward.
  linear  false keeps only the pairwise term (no w0, no w_i), to add it
          to other branches
  bits    hash the parent's ids into 2^bits rows (needed for a grouped
          input of more than one group: its ids are group * 2^24 + hash)
  prior   vfl.priors.* on the rows [w_i, v_i] (w0 is a bias)
The factors start uniform in +-0.1/sqrt(k) with init's automatic scale;
init{scale = 0} would leave them at 0, where they never move.
  net:stack("x", vfl.layers.sparse(2^20)):stack(vfl.layers.fm(8))]]},
  {"vfl.layers.ffm", "vfl.layers.ffm(k [, {linear=true, bits=, prior=, optim=, name=}])", [[
A field-aware factorization machine (libffm's model) over a grouped input
whose groups are the fields: each feature keeps one k-vector per field,
and feature i of field a with feature j of field b adds
<v_{i,b}, v_{j,a}> x_i x_j; O(k * non-zeros^2). A grouped(n * 2^24) input
has n fields. The linear term w0 + sum_i w_i x_i is on unless
linear = false (libffm has none). Options as vfl.layers.fm; bits is
needed (a row holds 1 + n * k floats: mind 2^bits times that).
  net:stack("fields", vfl.layers.grouped(39 * 2^24)):stack(vfl.layers.ffm(4, {bits = 16}))]]},

  -- -------------------------------------------------------------- priors
  {"vfl.priors", "vfl.priors", "Priors (regularisers) for the weights of layers that have some (linear, embedding, fm, ffm): l2, l1, positive."},
  {"vfl.prior#", "prior", "A prior spec; see help(vfl.priors)."},
  {"vfl.priors.l2", "vfl.priors.l2(lambda [, {per_feature=, center=, parent=}])", [[
Gaussian prior: lambda/2 * ||w - center||^2. per_feature: one multiplier
of lambda per input feature (a list: feature i has strength lambda *
per_feature[i]); center: the weights to pull
towards (rows x outputs, flat or a list of rows); parent: which parent's
weights (name or position) when the layer has several. A prior may be
given before the layer is wired: its sizes are checked at net:init.]]},
  {"vfl.priors.l1", "vfl.priors.l1(lambda [, {center=, parent=}])", [[
Laplace prior lambda * |w - center|, applied as a proximal step (a soft
threshold: weights reach the centre exactly). center: the weights to
shrink towards (rows x outputs, flat or a list of rows; 0 without it);
parent: which parent's weights when the layer has several.]]},
  {"vfl.priors.positive", "vfl.priors.positive([{floor=0, parent=}])", "Keeps the weights >= floor (a projection after every step)."},

  -- ---------------------------------------------------------- optimizers
  {"vfl.optim", "vfl.optim", [[
Optimizers, carrying the training settings too:
  vfl.optim.adagrad{lr = 0.1, epochs = 4, batch = 256}
epochs and batch go here or in net:learn's options: give each in one
place (two different values are an error saying which to remove).
A mini-batch moves every row it touched once, by the mean of its
gradients; a one-column row (logistic regression, biases) whose gradients
sum to exactly zero is left alone, like an untouched one. Training in
mini-batches gives each one-column layer one more float per weight for
the sums, kept until the net trains per example again; files never hold
it. A layer of 32 or more columns on an input's features steps each row
at its last touch in the batch, while it is in cache: the same step,
sooner (a run stopped by an error keeps those steps, as per example).
Every optimizer takes a learning-rate schedule (p: examples trained so
far / examples in the run, epochs x rows, or learn's schedule_rows for an
iterator; each thread updates its rate every 64 rows, lock-free):
  schedule = "constant" (default) | "linear": lr (1 - p), to 0 at the end
             (fastText's) | "cosine": lr (1 + cos(pi p)) / 2 |
             "step": lr factor^floor(epochs done / every)
  every      epochs between steps (default 1; fractions allowed), step only
  factor     the step's multiplier in (0, 1] (default 0.1), step only
  warmup     a fraction of the run in [0, 1) over which the rate ramps
             up linearly from 0; the schedule then runs over the rest
Fields are readable: o.lr, o.epochs, o.batch, o.kind, o.schedule,
o.warmup, o.every, o.factor (FTRL: o.alpha, o.beta, o.l1, o.l2).
docs/anatomy-of-an-optimizer.md tells how a kind is added in C.]]},
  {"vfl.optim#", "optimizer", "An optimizer spec (o.kind, o.lr, o.epochs, o.batch, o.schedule); see help(vfl.optim)."},
  {"vfl.optim.sgd", "vfl.optim.sgd{lr=0.1, epochs=, batch=, schedule=, warmup=, every=, factor=} | vfl.optim.sgd(lr)", "Plain stochastic gradient descent (with a schedule: see help(vfl.optim))."},
  {"vfl.optim.adagrad", "vfl.optim.adagrad{lr=0.1, eps=1e-8, epochs=, batch=, schedule=, warmup=, every=, factor=} | vfl.optim.adagrad(lr)", "AdaGrad: per-weight steps shrinking with the sum of squared gradients."},
  {"vfl.optim.adam", "vfl.optim.adam{lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8, epochs=, batch=, schedule=, warmup=, every=, factor=} | vfl.optim.adam(lr)", "ADAM, with bias correction; sparse rows are updated when touched."},
  {"vfl.optim.ftrl", "vfl.optim.ftrl{alpha=0.1, beta=1, l1=0, l2=0, epochs=, batch=, schedule=, warmup=, every=, factor=} | vfl.optim.ftrl(alpha)", [[
FTRL-Proximal (McMahan et al., KDD 2013), per weight: state z and n (two
slots, saved with the model), the weight computed from them whenever its
feature is touched (lazily: untouched features do not move):
  w = 0 when |z| <= l1, else -(z - sign(z) l1) / ((beta + sqrt(n)) / alpha + l2)
so l1 > 0 leaves weights at exactly 0: net:sparsity() tells the fraction.
A layer's L1 prior adds to l1. A schedule scales alpha.
  net:learn(ds, "logistic", vfl.optim.ftrl{alpha = 0.1, l1 = 1, l2 = 1})
  print(net:sparsity())]]},

  -- -------------------------------------------------------------- losses
  {"vfl.losses", "vfl.losses", [[
The built-in losses as Lua functions with a Lua loss's signature, to wrap
them in your own:
  local function loss(out, row, grad)
    return vfl.losses.logistic(out, row, grad) + penalty(out, grad)
  end]]},
  {"vfl.losses.logistic", "vfl.losses.logistic(out, row, grad)", [[
log(1 + exp(-y * out)) for labels 0/1 or -1/+1; adds its gradient into
grad (a view or a table; may be nil) and returns the loss. out: a view, a
table or a number; row: a row view, a table with label(s), or the label.]]},
  {"vfl.losses.square", "vfl.losses.square(out, row, grad)", "1/2 (out - label)^2 summed over the outputs; adds the gradient into grad."},
  {"vfl.losses.multinomial", "vfl.losses.multinomial(out, row, grad)", "Softmax cross-entropy; the label is a class id 0..K-1 for K outputs."},
  {"vfl.losses.hinge", "vfl.losses.hinge(out, row, grad)", "max(0, 1 - y * out) for labels 0/1 or -1/+1."},
  {"vfl.losses.multilabel", "vfl.losses.multilabel(out, row, grad)", "One logistic loss per output, summed: K outputs and K labels 0/1 (a k-hot vector, see vfl.read.libsvm's multilabel)."},
  {"vfl.view#", "view", [[
What a Lua loss receives as out and grad (and row.labels): 1-based,
#v values, v[i] read, grad[i] = x written. Valid only during that call;
v:totable() copies.]]},
  {"vfl.view:totable", "v:totable()", "A Lua list with the view's values."},
  {"vfl.params#", "w", [[
What net:params returns: a read-only view of one block of weights. w[i]
(1-based, row-major over rows = features; nil beyond #w), #w = rows x
cols, w == v (same shape and values). Reads the net when indexed; keeps
the net alive; an error once the net is closed or reshaped.]]},
  {"vfl.params:row", "w:row(r)", "The cols weights of row r (feature r of a sparse input) as a list."},
  {"vfl.params:totable", "w:totable()", "Every weight in a new Lua list (a copy: mind the size of large layers)."},
  {"vfl.params:shape", "w:shape()", "rows, cols."},
  {"vfl.row#", "row", [[
What a Lua loss receives as row: row.label, row.labels (a view),
row.weight, row.id (the row's position in the dataset), row.features
(the first input, a vfl.sparse view), each input by name, and each extra
the adapter attached (row.user, row.text; nil where the row has none).]]},

  -- ------------------------------------------------------------- metrics
  {"vfl.metrics", "vfl.metrics", "Figures of a net on a dataset, computed in C: report, evaluate, logloss, accuracy, auc, rmse."},
  {"vfl.metrics.evaluate", "vfl.metrics.evaluate(net, ds [, {\"logloss\", \"accuracy\", \"auc\", \"rmse\", \"rows\", dist = false}])", [[
A table with the named metrics, read through the net's link. Without a
list, the figures that fit the net's task:
  binary (sigmoid)        logloss, accuracy, auc, rows
  margin (hinge, -1/+1)   accuracy, auc, rows
  multiclass (softmax)    logloss, accuracy, rows
  regression              rmse, rows
A figure the net cannot have (auc of a softmax net) is an error, not NaN.
For everything else (F1, top-k, confusion, R^2): vfl.metrics.report.
dist = true under mpirun: ds is this rank's shard and the figures are
those of all ranks' rows, as one process on the whole data gives (AUC
exactly, from score histograms; every rank must call it).]]},
  {"vfl.metrics.report", "vfl.metrics.report(net, ds [, {threshold=, k=5, bins=10, points=101, classes=, task=}])", [[
The figures that fit the net's task, as a plain table that prints as a
readable report (in the REPL, or print(r)). One pass of predictions; the
counting runs in C. The task follows the net: a sigmoid is binary, a
softmax multiclass, one identity output on -1/+1 labels binary margins
(hinge), anything else regression; task = "binary" etc. overrides it.
  binary      accuracy, auc, logloss, precision, recall, f1 and counts
              {tp, fp, tn, fn} at threshold (0.5; 0 for margins),
              calibration (bins rows: from, to, rows, mean_prediction,
              positive), roc {fpr, tpr, threshold} and pr {recall,
              precision, threshold}: up to `points` points each
  multiclass  accuracy, top_k {top-1 .. top-k accuracy}, micro_f1,
              macro_f1 (over classes present), logloss, per_class {id,
              class, precision, recall, f1, support}, confusion[true][pred]
              (1-based: class id + 1), classes: opts.classes[id + 1], else
              ds.classes, else the net's featurizer's names, else ids
  regression  rmse, mae, r2
  multilabel  p_at_k, r_at_k {P@1 .. P@k}, {R@1 .. R@k} (k: opts.k, 5),
              as fastText's test counts them: a softmax net on k-hot
              labels, or one sigmoid per class (net:set_link("sigmoid"))
  r = vfl.metrics.report(net, test, {classes = names})
  r.per_class[3].f1; vfl.plot.roc(r)]]},

  -- ---------------------------------------------------------- distributed
  {"vfl.dist", "vfl.dist", [[
The ranks of an mpirun job: `mpirun -np 4 vfl train.lua` runs one vfl per
rank. Fields rank (0-based, as MPI's), size, is_root, mpi (built with MPI).
Without mpirun, or built without MPI, size is 1 and all of it still works.
Collectives wait at most vfl.dist.timeout() seconds, then end the job; a
script that fails on one rank ends the job with its rank and message.
See net:learn{dist = true}, vfl.read.*{shard = "rank"}, docs/distributed.md.]]},
  {"vfl.dist.barrier", "vfl.dist.barrier()", "Waits until every rank has called it."},
  {"vfl.dist.allreduce", "vfl.dist.allreduce(x [, \"sum\"|\"min\"|\"max\"])", [[
The sum (or min, max) over the ranks of a number, or element by element of
a list of numbers (the same length on every rank); every rank gets it.]]},
  {"vfl.dist.broadcast", "vfl.dist.broadcast(value [, root=0])", [[
Root's value on every rank: nil, booleans, numbers, strings, and tables of
them (copied). Other ranks' arguments are ignored.]]},
  {"vfl.dist.timeout", "vfl.dist.timeout([seconds])", [[
The deadline of every collective wait (default 600 s, or VFL_DIST_TIMEOUT):
a rank that waits longer ends the whole job with MPI_Abort, naming itself
and the call. Sets it when given; returns it.]]},
  {"vfl.metrics.logloss", "vfl.metrics.logloss(net, ds)", "Mean log-loss (binary with a sigmoid link, multinomial with softmax)."},
  {"vfl.metrics.accuracy", "vfl.metrics.accuracy(net, ds)", "Fraction right: threshold 0.5 (sigmoid) or 0 (identity), argmax for softmax."},
  {"vfl.metrics.auc", "vfl.metrics.auc(net, ds) | vfl.metrics.auc(scores, labels)", "Area under the ROC curve, of a one-output net on a dataset or of two Lua lists."},
  {"vfl.metrics.rmse", "vfl.metrics.rmse(net, ds)", "Root mean squared error of the predictions against the labels."},
}

doc.entries = {}
doc.order = {}
for i, e in ipairs(list) do
  doc.entries[e[1]] = {sig = e[2], text = e[3]}
  doc.order[i] = e[1]
end

-- The metatable of a class: luaL_newmetatable keeps it in the registry
-- under its __name ("vfl.net").
local function class_metatable(class)
  local reg = debug and debug.getregistry and debug.getregistry()
  return reg and reg["vfl." .. class] or nil
end

--- The value documented by name, or nil.
function doc.resolve(vfl, name)
  local class, method = name:match("^vfl%.([%w_]+):([%w_]+)$")
  if class then return vfl.methods[class] and vfl.methods[class][method] end
  class = name:match("^vfl%.([%w_]+)#$")
  if class then return class_metatable(class) end
  local v = vfl
  for part in name:gmatch("[^.]+") do
    if part ~= "vfl" or v ~= vfl then
      if type(v) ~= "table" then return nil end
      v = v[part]
    end
  end
  return v
end

--- Registers every entry with help.register; returns the number registered.
function doc.register(vfl, help)
  local n = 0
  for _, name in ipairs(doc.order) do
    local e = doc.entries[name]
    local v = doc.resolve(vfl, name)
    if v ~= nil and type(v) ~= "string" then
      help.register(v, e.sig, e.text)
      n = n + 1
    else
      help.register(name, e.sig, e.text)
    end
  end
  return n
end

-- Register now if the REPL's help is available (it is optional elsewhere).
local ok_vfl, vfl = pcall(require, "vfl")
local ok_help, help = pcall(require, "vfl.help")
if ok_vfl and ok_help and type(help) == "table" and help.register then doc.register(vfl, help) end

return doc
