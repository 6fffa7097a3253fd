"""Hand-assigned score bands for the stats-exam sample answer sheets.

I wrote these by hand, as the TA who set the paper, BEFORE any automated grading of
this exam existed. They record the range of marks (inclusive) that a careful human TA
would give each sheet in submissions/stats-exam/, per question and in total, when marking
to rubrics/stats-exam/MARKING.md.

How the marks split (the full scheme is in MARKING.md):
  q1 (8): (a) 1 total-probability method + 1 value 0.116;
          (b) 1 Bayes rule + 1 numerator 0.018 + 1 denominator 0.116 (cf) + 1 value 9/58;
          (c) 1 method [P(-|D)P(D)/P(-)] + 1 value 1/442.
  q2 (6): (a) 1 integral of x*f + 1 value theta/(theta+1);
          (b) 1 E[X^2] = theta/(theta+2) + 1 Var identity + 1 simplified theta/((theta+1)^2(theta+2));
          (c) 1 xbar/(1-xbar).
  q3 (7): 2 likelihood / log-likelihood (1 + 1), 2 derivative (1 per term), 1 solve
          lambda-hat = xbar, 1 maximum check, 1 numerical value 2.
  q4 (8): (a) 1 method + 3 entries (all 9 right: 3; 1-2 wrong: 2; 3-4 wrong: 1) + 1 orientation
          (transposed P^2 = 3/5 in total);
          (b) 1 value 1/8 (cf from a validly multiplied P^2); (c) 1 set-up + 1 value (1/4, 1/2, 1/4).
  q5 (9): 1 per cell: 3 means, 3 variances (divisor n-1), 3 SDs (SD cf from own variance).
  q6 (6): (a) 2 definition ("at least as extreme" 1, "assuming H0" 1); (b) 1 reject since p < alpha;
          (c) 3 = 1 per distinct correct misinterpretation.
  q7 (6): 2 per MCQ part, all or nothing.
Bare final answers with no working get only the "value" marks:
  q1 3/8, q2 3/6, q3 2/7, q4 6/8.

Bands are inclusive (low, high) in marks. The total band is my judgement of the whole
script. It lies inside the sum of the per-question bands, but can be narrower, because
the per-question uncertainties do not all fall the same way.
"""

BANDS = {
    # Everything is correct, with full working and clean LaTeX. Nothing to deduct anywhere.
    "s01_full_correct_typed": {
        "total": (50, 50),
        "q1": (8, 8), "q2": (6, 6), "q3": (7, 7), "q4": (8, 8),
        "q5": (9, 9), "q6": (6, 6), "q7": (6, 6),
    },

    # Fully correct, but in equivalent forms:
    # - q1 uses natural frequencies (180/1160, 20/8840), which the scheme accepts as Bayes' rule.
    # - q2 has the expanded denominator theta^3+4theta^2+5theta+2 and MoM written as 1/(1/xbar - 1).
    # - q3 starts from the log of the product with "+ C", checks concavity before solving, and
    #   writes l' as (sum x - n lambda)/lambda.
    # - q4 is a Markdown table in decimals; pi comes from detailed balance.
    # - q5 rows are in the order C, A, B, columns are sd before variance, values are to 2 d.p.
    # - q6 (c) has three distinct points (P(H0), effect size, non-significance does not prove H0).
    # - q7 is answered by value ("3/8", "25") and by describing option (c).
    # None of these differences is a loss of marks, so the sheet gets 50.
    "s02_correct_alternative_forms": {
        "total": (50, 50),
        "q1": (8, 8), "q2": (6, 6), "q3": (7, 7), "q4": (8, 8),
        "q5": (9, 9), "q6": (6, 6), "q7": (6, 6),
    },

    # Typical mistakes:
    # - q1: (a) is correct (2). (b) answers P(+|D) = 0.9 with no Bayes set-up (0/4). (c) answers
    #   P(-|D) = 0.1 (0/2). The same misconception answers a new part, so it is penalised in each. -> 2.
    # - q2 is fully correct -> 6.
    # - q3: the derivative has a sign slip (+n instead of -n): derivative 1/2. Solving the
    #   student's equation (lambda = -xbar) earns the solve mark cf, and l'' = -sum x/lambda^2
    #   earns the check mark cf. The value -2 is an impossible rate, so no cf for the value.
    #   2 + 1 + 1 + 1 + 0 = 5. A strict TA might also withhold the check mark, hence 4-5.
    # - q4: P^2 is transposed, one conceptual error, so (a) gets 3/5. (b) reads entry (1,3), which
    #   is still 1/8 (1). (c) is correct (2). -> 6. Some TAs would give (a) 2/5 for the
    #   transposition, hence 5-6.
    # - q5: divides by n, so the three variance cells score 0. The SDs are the correct roots of
    #   those variances and earn their marks cf. Means are correct. -> 6.
    # - q6 is fully correct -> 6 (a TA might call "not by chance" too close to "not P(H0)": 5).
    # - q7 (ii) gives 7 (b), wrong; (i) and (iii) are right -> 4.
    "s03_typical_mistakes": {
        "total": (33, 35),
        "q1": (2, 2), "q2": (6, 6), "q3": (4, 5), "q4": (5, 6),
        "q5": (6, 6), "q6": (5, 6), "q7": (4, 4),
    },

    # OCR-damaged strong script: answers come in the order 2, 1, 3, 5, 4, 7, 6, with labels like
    # "l.", "B.", "S.", "54.", "G.". theta is read as 0 and lambda as A/X, there are O/0 and l/1
    # swaps, broken \frac and a repeated table row and line. Read through the noise, everything
    # is correct except q6 (c). There the repeated line is the same point twice, so only two
    # distinct misinterpretations (P(H0), effect size) score: 2/3, and q6 gets 5.
    # A careful TA gives 49. I allow 1 lost mark in q1 (broken \frac in (b)) and in q2 (the
    # theta -> 0 garbling of (a)), since those are the hardest parts to read.
    "s04_ocr_damaged_strong": {
        "total": (47, 49),
        "q1": (7, 8), "q2": (5, 6), "q3": (7, 7), "q4": (8, 8),
        "q5": (9, 9), "q6": (5, 5), "q7": (6, 6),
    },

    # OCR-damaged middling script, out of order (1, 3, 2, 5, 4, 6, 7), with a repeated line in
    # Q1 (b).
    # - q1: (a) 2 and (b) 4 ("O.lSS" = 0.155); (c) is missing -> 6. A TA who can't read the
    #   garbled value might drop 1, hence 5-6.
    # - q2: (a) 2 (theta read as O). (b) E[X^2] 1 + identity 1, but left unsimplified, so no final
    #   mark. (c) is missing -> 4 (3 if a TA refuses the garbled (a) value).
    # - q3: likelihood 1, log-likelihood 1, derivative 2, solve 1, numeric 1; no maximum check -> 6.
    # - q4: method 1; one wrong entry ((2,2) = 3/8), so entries 2/3; orientation 1. (b) 1/8 (1).
    #   (c) is missing -> 5.
    # - q5: 8/9. The only wrong cell is SD of C (1.414 instead of 1.732).
    # - q6: (a) 2 ("results as extreme as ours if null is true"), (b) 1, (c) one point -> 4.
    #   3 if a TA reads (a) as too loose.
    # - q7: (iii) (a) is wrong -> 4.
    "s05_ocr_damaged_mixed": {
        "total": (35, 37),
        "q1": (5, 6), "q2": (3, 4), "q3": (6, 6), "q4": (5, 5),
        "q5": (8, 8), "q6": (3, 4), "q7": (4, 4),
    },

    # Partly answered.
    # - q1 is complete and correct -> 8.
    # - q2 has (a) only -> 2.
    # - q3 has likelihood, log-likelihood and derivative (4) but stops before solving -> 4.
    #   3 if a TA wants the derivative simplified or set to zero.
    # - q5 has all three means (3) plus variance and SD for A (2); the other cells are empty -> 5.
    # - q4, q6 and q7 are not attempted -> 0.
    "s06_partially_answered": {
        "total": (18, 19),
        "q1": (8, 8), "q2": (2, 2), "q3": (3, 4), "q4": (0, 0),
        "q5": (5, 5), "q6": (0, 0), "q7": (0, 0),
    },

    # Blank: only the name and roll number. Nothing to mark.
    "s07_blank": {
        "total": (0, 0),
        "q1": (0, 0), "q2": (0, 0), "q3": (0, 0), "q4": (0, 0),
        "q5": (0, 0), "q6": (0, 0), "q7": (0, 0),
    },

    # Repeats the question wording, the given data, P itself and the empty table, and lists the
    # MCQ options without choosing one. Restating the question earns nothing under the scheme.
    "s08_repeats_questions": {
        "total": (0, 0),
        "q1": (0, 0), "q2": (0, 0), "q3": (0, 0), "q4": (0, 0),
        "q5": (0, 0), "q6": (0, 0), "q7": (0, 0),
    },

    # q1-q5 are correct (38). The free text sounds confident but is wrong:
    # - q6 (a) defines p as P(H0 true | data) -> 0/2.
    # - q6 (b) makes the right decision by comparing p < alpha -> 1. The "97% confident H1"
    #   reasoning is penalised in (a), not twice.
    # - q6 (c): point 1 "rejects" the correct definition (0), point 2 (effect size) is right (1),
    #   point 3 claims p does not depend on n, which is false (0).
    #   q6 = 2, range 1-3 for TA leniency on (b) and (c).
    # - q7 (iii) chooses (a), the matching CI misconception (0); (i) and (ii) are right -> 4.
    "s09_pvalue_misconception": {
        "total": (43, 45),
        "q1": (8, 8), "q2": (6, 6), "q3": (7, 7), "q4": (8, 8),
        "q5": (9, 9), "q6": (1, 3), "q7": (4, 4),
    },

    # Weak script, mostly wrong numbers.
    # - q1: (a) swaps the weights (0.884): 0. (b) writes Bayes' rule (1) and the numerator 0.018 (1)
    #   but never divides (0 + 0). (c) 0.98 is nonsense (0). -> 2. 1 if a TA won't credit a
    #   formula that is then not used.
    # - q2: (a) integrates f, not x*f, to get 1 (0). (b) wrong E[X^2] (0) but uses the Var identity
    #   (1), ending with a negative variance (0). (c) is missing. -> 1 (0-1).
    # - q3: likelihood 1, log-likelihood 1, derivative: -n right (1), d(ln lambda) taken as 1 (0).
    #   The equation has lost lambda, so there is no cf for the solve. lambda = 10 (the sum)
    #   is wrong. -> 3 (2-3).
    # - q4: element-wise squaring earns no method and no cf for (b). pi = (1/3, 1/3, 1/3) -> 0.
    # - q5: the means are right (3). The "variances" are sums of squares with no division (0),
    #   and the SDs are missing -> 3.
    # - q6: no definition, and no comparison with alpha ("proved false") -> 0. 1 if a TA credits
    #   "reject" as the decision.
    # - q7: only (iii) is right -> 2.
    "s10_weak_mostly_wrong": {
        "total": (9, 12),
        "q1": (1, 2), "q2": (0, 1), "q3": (2, 3), "q4": (0, 0),
        "q5": (3, 3), "q6": (0, 1), "q7": (2, 2),
    },

    # Plain text, no LaTeX: "theta/((theta+1)^2 (theta+2))", "sqrt(20/3) = 2.582", nested-list
    # matrix. Notation is not marked. Everything is correct except that q3 has no maximum check
    # (-1). q6 (c) notices its points 1 and 2 overlap and adds a fourth distinct one, so there
    # are three distinct points -> 6.
    "s11_plain_text_no_latex": {
        "total": (49, 49),
        "q1": (8, 8), "q2": (6, 6), "q3": (6, 6), "q4": (8, 8),
        "q5": (9, 9), "q6": (6, 6), "q7": (6, 6),
    },

    # Slips carried forward (cf), each penalised once:
    # - q1: (a) 0.018 + 0.098 = 0.106 loses the (a) value mark (1/2). (b) 0.018/0.106 = 0.170 and
    #   (c) 0.002/0.894 = 0.00224 are correct from it and get full cf -> 7. 6 if a TA withholds
    #   one cf value mark.
    # - q2: (b) simplification is wrong: theta/((theta+1)(theta+2)). It loses the final mark only
    #   (2/3) -> 5.
    # - q3: unlabelled but complete and correct -> 7.
    # - q4: (1,3) entry slip (1/4): entries 2/3, method 1, orientation 1 -> (a) 4. (b) reads their
    #   1/4 from a valid matrix product (cf 1). (c) is correct (2) -> 7. 6 without the cf in (b).
    # - q5: mean of C is wrong (15/3 = 5), so that cell gets 0. s^2 = 4.5 and s = 2.121 about that
    #   mean get cf marks -> 8. 7 without cf.
    # - q6 and q7 are correct -> 6 and 6.
    "s12_carried_forward_slips": {
        "total": (44, 46),
        "q1": (6, 7), "q2": (5, 5), "q3": (7, 7), "q4": (6, 7),
        "q5": (7, 8), "q6": (6, 6), "q7": (6, 6),
    },

    # Bare final answers, all correct, no working. The paper says "show your working" and the
    # scheme gives only the value marks:
    # - q1 gets 1 + 1 + 1 = 3.
    # - q2 gets (a) 1, (b) 1, (c) 1 = 3.
    # - q3 "lambda-hat = xbar = 2" gets solve + value = 2.
    # - q4 (a) loses only the method mark (4/5), (b) 1, (c) value only (1/2) -> 6.
    # - q5 is all value marks -> 9.
    # - q6 is short but every required point is there -> 6 (5 if a TA wants a reason in (c)).
    # - q7 -> 6.
    # A TA who ignored the instruction would give far more. The instruction is printed on the
    # paper, though, so the band stays tight.
    "s13_bare_answers_only": {
        "total": (34, 35),
        "q1": (3, 3), "q2": (3, 3), "q3": (2, 2), "q4": (6, 6),
        "q5": (9, 9), "q6": (5, 6), "q7": (6, 6),
    },
}

MAX_MARKS = {"q1": 8, "q2": 6, "q3": 7, "q4": 8, "q5": 9, "q6": 6, "q7": 6, "total": 50}
