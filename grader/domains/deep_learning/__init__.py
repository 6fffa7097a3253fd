"""The deep-learning pack: what the bundled dl-exam needs and no other course does.

Question types: the average-precision table (``table``), the box construction
(``construction``), the BPTT chain (``derivation``). Solvers: ``ranked_retrieval``,
``box_geometry``, ``focal_loss``, ``convolution_matrix``, ``rnn_bptt``. Importing
this module registers them; grader.packs imports it through its entry point.
"""

from importlib import import_module

TYPE_MODULES = ("grader.types.table", "grader.types.construction", "grader.types.derivation")
SOLVER_MODULES = ("grader.solvers.retrieval", "grader.solvers.boxes", "grader.solvers.losses",
                  "grader.solvers.convolution", "grader.solvers.rnn")

for _module in TYPE_MODULES + SOLVER_MODULES:
    import_module(_module)
