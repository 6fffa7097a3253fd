"""Generate realistic synthetic answer sheets for the benchmark (and for load tests).

Each sheet answers every question of the bundled exam with a variant drawn, with
a seed, from a bank of correct, wrong and OCR-damaged answers, in a shuffled order
with varied labels; some sheets repeat a line many times, as the real scans do.
The first line says the sheet is synthetic.
"""

from __future__ import annotations

import random
from pathlib import Path

LABELS = {
    "q1": ["", "1.", "Q1", "Ans 1)"],
    "q2a": ["2. (a)", "Q2 (a)", "2(a)"],
    "q2b": ["(b)", "2. (b)", "Q2 (b)"],
    "q3": ["3.", "Q3", "Ans 3)"],
    "q4": ["4.", "Q.4", "54."],
    "q5": ["5.", "Q5", "5 (a)"],
    "q6": ["6.", "Q6", "Ans 6)"],
}

BANK = {
    "q1": [
        r"""$$\frac{\partial E}{\partial V} = \sum_{t=1}^{3} \frac{\partial E_t}{\partial V}$$
$$\frac{\partial E_t}{\partial V} = (O_t - \hat{O}_t) \otimes H_t$$
$$\frac{\partial E}{\partial W} = \frac{\partial E_1}{\partial W} + \frac{\partial E_2}{\partial W} + \frac{\partial E_3}{\partial W}$$
$$\frac{\partial E_3}{\partial W} = \sum_{k=0}^{3} \frac{\partial E_3}{\partial O_3} \frac{\partial O_3}{\partial H_3} \frac{\partial H_3}{\partial H_k} \frac{\partial H_k}{\partial W}$$
$$\frac{\partial E_3}{\partial U} = \sum_{k=0}^{3} \frac{\partial E_3}{\partial O_3} \frac{\partial O_3}{\partial H_3} \frac{\partial H_3}{\partial H_k} \frac{\partial H_k}{\partial U}$$
where $\frac{\partial H_3}{\partial H_k} = \prod_{j=k+1}^{3} \frac{\partial H_j}{\partial H_{j-1}}$""",
        r"""$$\frac{\partial E}{\partial W} = \frac{\partial E_1}{\partial W} + \frac{\partial E_2}{\partial W} + \frac{\partial E_3}{\partial W}$$
$$\frac{\partial E_3}{\partial W} = \frac{\partial E_3}{\partial O_3} \cdot \frac{\partial O_3}{\partial H_3} \cdot \frac{\partial H_3}{\partial W}$$
$$\frac{\partial E_3}{\partial U} = \frac{\partial E_3}{\partial O_3} \cdot \frac{\partial O_3}{\partial H_3} \cdot \frac{\partial H_3}{\partial U}$$""",
        r"""$$\frac{\partial E_{3}}{\partial W} = \sum_{\kappa=0}^{3} \frac{\partial E_{34}}{\partial O_{3}} \cdot \frac{\partial O_{3}}{\partial H_{3}} \left(\frac{1}{J_{2}} \frac{\partial H_{j}}{\partial H_{j-1}} \right) \cdot \frac{\partial H_{k}}{\partial W}$$
$$\frac{\partial E_{3}}{\partial U} = \left(O_{3} - \hat{O}_{3} \right) \cdot H_{3}$$""",
    ],
    "q2a": [
        "The gradient through time is a product of many Jacobians dH_j/dH_{j-1}; tanh and sigmoid derivatives are bounded by 1, "
        "so the product shrinks exponentially and early steps get no learning signal. LSTM or GRU gating gives a gradient highway through the cell state.",
        "Recurrent models suffer from vanishing greatient because for signeid activations the greatient is bounded by 1, "
        "so the product of gradients decreases. We can solve it using the gradient highway of an LSTH with its cell state.",
        "RNNs have vanishing gradients because the learning rate is too high. Gradient clipping solves vanishing gradients.",
    ],
    "q2b": [
        "(i) The repeated and irrelevant words make the sequences long, so the informative words are many steps from the output and their gradient vanishes, "
        "as in (a): the RNN cannot learn long-range dependencies.\n(ii) An LSTM can learn to ignore irrelevant words with its input and forget gates, and its cell state carries the gradient over many steps; attention can look at the relevant words directly.",
        "(i) there were maltiple repeated words which increase the sequence length and hance lead to vanishing gradient\n(ii) LSTM can help as there is a gradient highway",
        "(i) The dataset is big so training is slow.\n(ii) Use a bigger batch size.",
    ],
    "q3": [
        "| Rank | Relevant | Precision | Recall |\n|---|---|---|---|\n| 1 | T | 1/1 = 1.0 | 1/5 = 0.2 |\n| 2 | T | 2/2 = 1.0 | 2/5 = 0.4 |\n"
        "| 3 | F | 2/3 = 0.67 | 2/5 = 0.4 |\n| 4 | F | 2/4 = 0.5 | 2/5 = 0.4 |\n| 5 | F | 2/5 = 0.4 | 2/5 = 0.4 |\n| 6 | T | 3/6 = 0.5 | 3/5 = 0.6 |\n"
        "| 7 | T | 4/7 = 0.57 | 4/5 = 0.8 |\n| 8 | F | 4/8 = 0.5 | 4/5 = 0.8 |\n| 9 | F | 4/9 = 0.44 | 4/5 = 0.8 |\n| 10 | T | 5/10 = 0.5 | 5/5 = 1.0 |\n\n"
        "Interpolated precision at recall r is the max precision at recall >= r; 11-point interpolated AP = 0.753",
        "| Rank | Relevant | Precision | Recall |\n|---|---|---|---|\n| 1 | T | 1 | 0.2 |\n| 2 | T | 1 | 0.4 |\n| 3 | F | 0.67 | 0.4 |\n| 4 | F | 0.5 | 0.4 |\n"
        "| 5 | F | 0.4 | 0.4 |\n| 6 | T | 0.5 | 0.6 |\n| 7 | T | 0.57 | 0.8 |\n| 8 | F | 0.5 | 0.8 |\n| 9 | F | 0.44 | 0.8 |\n| 10 | T | 0.5 | 1.0 |\n\n"
        "All-point interpolated AP = 0.729",
        "| Rank | Precision | Recall |\n|---|---|---|\n| 1 | 1/1 = 1.0 | =0.2 |\n| 7 | 47 = 0.57 | 4/5 = 0.8 |\n| 8 | 1/8 = 0.5 | Y ₅ = 0.8 |\n\nAP = 0.5",
    ],
    "q4": [
        "At gamma = 0, (1 - p_t)^0 = 1 so FL(p_t) = -log p_t, which is the cross entropy loss. For gamma > 0 the factor (1 - p_t)^gamma down-weights "
        "well-classified examples, so training focuses on hard examples and the many easy negatives no longer dominate the loss.",
        "At Y=0, FL(P) = - log P and we know that cross entropy loss is - log P. For Y>0, if a sample is already classified correctly then its contribution to the loss decreases.",
        "Focal loss increases the loss of easy examples so the model learns them faster.",
    ],
    "q5": [
        "Ground truth (0, 0, 4, 4). Prediction A = (2, 0, 6, 4) and B = (0, 0, 6, 6) in (x1, y1, x2, y2). "
        "L2 distance of both is sqrt(8) = 2.83. IoU(A) = 8/24 = 1/3 and IoU(B) = 16/36 = 4/9. Same L2, different IoU: "
        "an L2 loss does not track the IoU that is evaluated; an IoU loss (GIoU) does.",
        "Ground truth (0, 0, 4, 4), prediction A = (1, 0, 5, 4), B = (0, 0, 6, 6). The L2 distances are equal, IoU(A) = 3/5 and IoU(B) = 4/9. "
        "So L2 does not reflect overlap.",
        "Two boxes with the same L2 have the same IoU.",
    ],
    "q6": [
        r"""$$C = \begin{bmatrix} 1 & 2 & 0 & 3 & 4 & 0 & 0 & 0 & 0 \\ 0 & 1 & 2 & 0 & 3 & 4 & 0 & 0 & 0 \\ 0 & 0 & 0 & 1 & 2 & 0 & 3 & 4 & 0 \\ 0 & 0 & 0 & 0 & 1 & 2 & 0 & 3 & 4 \end{bmatrix}$$
Transposed convolution is C^T vec(Z), a 9x1 vector, reshaped row by row into 3x3:
$$\begin{bmatrix} 5 & 16 & 12 \\ 22 & 60 & 40 \\ 21 & 52 & 32 \end{bmatrix}$$""",
        "Transfored convolution can be written as matrix multiplication. After getting the (9x1) matrix, reshape into a 3x3 matrix by taking the first 3 elements in the 1st row, next 3 in the 2nd row.",
        "C^T is the inverse of C, so the result is [[5, 6, 0], [7, 8, 0], [0, 0, 0]].",
    ],
}


def sheet(rng: random.Random, index: int) -> str:
    order = list(BANK)
    rng.shuffle(order)
    parts = [f"Synthetic sheet {index}: generated by benchmarks/generate.py"]
    for qid in order:
        label = rng.choice(LABELS[qid])
        answer = rng.choice(BANK[qid])
        if rng.random() < 0.2:  # a scanner stutter: one line repeated many times
            first = answer.splitlines()[0]
            answer = "\n\n".join([first] * rng.randint(3, 15) + [answer])
        parts.append(f"{label} {answer}".strip())
    return "\n\n".join(parts) + "\n"


def generate(folder: Path, count: int, seed: int = 0) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    paths = []
    for index in range(count):
        path = folder / f"synthetic-{index:05d}.md"
        path.write_text(sheet(rng, index), encoding="utf-8")
        paths.append(path)
    return paths
