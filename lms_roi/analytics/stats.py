"""Small statistics helpers: Student t quantiles and robust z-scores."""

from __future__ import annotations

import numpy as np
import pandas as pd

# Two-sided 95 % critical values of Student's t (0.975 quantile) by degrees of freedom.
_T975 = {
    1: 12.706,
    2: 4.303,
    3: 3.182,
    4: 2.776,
    5: 2.571,
    6: 2.447,
    7: 2.365,
    8: 2.306,
    9: 2.262,
    10: 2.228,
    11: 2.201,
    12: 2.179,
    13: 2.160,
    14: 2.145,
    15: 2.131,
    16: 2.120,
    17: 2.110,
    18: 2.101,
    19: 2.093,
    20: 2.086,
    21: 2.080,
    22: 2.074,
    23: 2.069,
    24: 2.064,
    25: 2.060,
    26: 2.056,
    27: 2.052,
    28: 2.048,
    29: 2.045,
    30: 2.042,
    40: 2.021,
    50: 2.009,
    60: 2.000,
    80: 1.990,
    100: 1.984,
    120: 1.980,
    200: 1.972,
    500: 1.965,
    1000: 1.962,
}
_Z975 = 1.959964


def t_critical(df: float) -> float:
    """The 0.975 quantile of Student's t with ``df`` degrees of freedom (table, interpolated)."""
    if df < 1:
        raise ValueError("degrees of freedom must be at least 1")
    if df > 1000:
        return _Z975
    keys = sorted(_T975)
    if df in _T975:
        return _T975[int(df)]
    upper = next(k for k in keys if k > df)
    lower = max(k for k in keys if k < df)
    # Interpolate in 1/df, in which the quantile is close to linear.
    weight = (1 / lower - 1 / df) / (1 / lower - 1 / upper)
    return _T975[lower] + weight * (_T975[upper] - _T975[lower])


def robust_z(values: pd.Series) -> pd.Series:
    """Modified z-scores 0.6745 (x - median) / MAD (Iglewicz and Hoaglin).

    When the MAD is zero (half the values equal), the mean absolute deviation
    scaled by 1.253314 is used instead; when that is zero too, every score is 0.
    """
    values = values.astype(float)
    median = values.median()
    deviation = (values - median).abs()
    mad = deviation.median()
    if mad > 0:
        return 0.6745 * (values - median) / mad
    mean_ad = deviation.mean()
    if mean_ad > 0:
        return (values - median) / (1.253314 * mean_ad)
    return pd.Series(np.zeros(len(values)), index=values.index)
