"""The deep-learning pack: what the bundled dl-exam needs and no other course does.

Question types: the average-precision table (``ap_table``), the box construction
(``construction``), the BPTT chain (``derivation``). Solvers: ``ranked_retrieval``,
``box_geometry``, ``focal_loss``, ``convolution_matrix``, ``rnn_bptt``. Importing
this module registers them; grader.packs imports it through its entry point.
"""

from importlib import import_module

TYPE_MODULES = ("grader.domains.deep_learning.table", "grader.domains.deep_learning.construction", "grader.domains.deep_learning.derivation")
SOLVER_MODULES = ("grader.domains.deep_learning.retrieval", "grader.domains.deep_learning.boxes", "grader.domains.deep_learning.losses",
                  "grader.domains.deep_learning.convolution", "grader.domains.deep_learning.rnn")

for _module in TYPE_MODULES + SOLVER_MODULES:
    import_module(_module)
