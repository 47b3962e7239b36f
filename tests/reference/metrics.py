#!/usr/bin/env python3
"""The stored numbers of tests/metrics_match_scikit_learn.rs, computed by scikit-learn.

Run it in an environment with scikit-learn (any recent version; these came from 1.9.1):

    python3 -m venv /tmp/sk && /tmp/sk/bin/pip install scikit-learn
    /tmp/sk/bin/python tests/reference/metrics.py

Every input below is written out in the test too.
"""
import numpy as np
from sklearn.metrics import (
    confusion_matrix,
    f1_score,
    mean_absolute_error,
    mean_squared_error,
    precision_score,
    r2_score,
    recall_score,
)
from sklearn.preprocessing import StandardScaler

# A three-class classifier's predictions; class 3 of 4 never occurs.
actual = [0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 2, 0, 1, 2]
predicted = [0, 1, 0, 1, 1, 2, 1, 2, 2, 0, 2, 1, 0, 1, 2]
print("confusion", confusion_matrix(actual, predicted, labels=[0, 1, 2, 3]).tolist())
kw = dict(labels=[0, 1, 2], average=None, zero_division=0)
print("precision", [repr(float(x)) for x in precision_score(actual, predicted, **kw)])
print("recall", [repr(float(x)) for x in recall_score(actual, predicted, **kw)])
print("f1", [repr(float(x)) for x in f1_score(actual, predicted, **kw)])
print("macro_f1", repr(float(f1_score(actual, predicted, average="macro"))))

# Two-output regression.
y_true = [[0.5, 1.0], [-1.0, 1.0], [7.0, -6.0], [2.0, 0.0]]
y_pred = [[0.0, 2.0], [-1.0, 2.0], [8.0, -5.0], [2.5, 0.5]]
print("mse", repr(float(mean_squared_error(y_true, y_pred))),
      [repr(float(x)) for x in mean_squared_error(y_true, y_pred, multioutput="raw_values")])
print("mae", repr(float(mean_absolute_error(y_true, y_pred))),
      [repr(float(x)) for x in mean_absolute_error(y_true, y_pred, multioutput="raw_values")])
print("r2", repr(float(r2_score(y_true, y_pred))),
      [repr(float(x)) for x in r2_score(y_true, y_pred, multioutput="raw_values")])

# A scaler fitted on a training split (one constant column), applied to another split.
train = np.array([[1.0, 200.0, 5.0], [2.0, 180.0, 5.0], [4.0, 260.0, 5.0], [7.0, 210.0, 5.0]])
test = np.array([[3.0, 190.0, 5.0], [10.0, 300.0, 4.0]])
scaler = StandardScaler().fit(train)
print("mean", [repr(float(x)) for x in scaler.mean_])
print("scale", [repr(float(x)) for x in scaler.scale_])
print("test", [[repr(float(x)) for x in row] for row in scaler.transform(test)])
