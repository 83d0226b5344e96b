"""IFT6135 Assignment 2 (seed 000, the question sheet) and a student's solution to its
2021 version (seed 001): optimization, regularization, normalization and RNNs."""
