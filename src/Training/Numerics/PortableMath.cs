namespace SignActors.Training.Numerics;

/// <summary>
/// ln and exp from IEEE-754 basic operations only (+, −, ×, ÷, exact scaling by 2^k), evaluated
/// in a fixed order. <see cref="Math.Log"/> and <see cref="Math.Exp"/> call the host's libm, whose
/// last bit may differ between C libraries and CPUs; SPEC §10 wants the same draws on every host,
/// so every random transform (normal, gamma, Dirichlet) uses these. Accurate to a few ulps.
/// </summary>
public static class PortableMath
{
    // ln 2 split so that k · Ln2Hi is exact for |k| < 2^20 (fdlibm's constants): the reduction
    // x − k ln 2 then loses no bits even at k ≈ 1000.
    const double Ln2Hi = 6.93147180369123816490e-01;
    const double Ln2Lo = 1.90821492927058770002e-10;
    const double InvLn2 = 1.44269504088896338700e+00;
    const double Sqrt2 = 1.4142135623730950488;

    /// <summary>Natural logarithm; NaN for x &lt; 0 or NaN, −∞ at 0, +∞ at +∞.</summary>
    public static double Log(double x)
    {
        if (double.IsNaN(x) || x < 0) return double.NaN;
        if (x == 0) return double.NegativeInfinity;
        if (double.IsPositiveInfinity(x)) return x;
        // x = m · 2^e with m in [√½, √2), so s = (m − 1)/(m + 1) is within ±0.1716.
        int e = Math.ILogB(x);
        double m = Math.ScaleB(x, -e);
        if (m >= Sqrt2) { m *= 0.5; e++; }
        double s = (m - 1) / (m + 1), s2 = s * s;
        // ln m = 2 atanh s = 2 (s + s³/3 + s⁵/5 + …); terms to s^23 leave < 1e-18.
        double series = 1.0 / 23;
        for (int k = 21; k >= 1; k -= 2) series = series * s2 + 1.0 / k;
        return e * Ln2Hi + (e * Ln2Lo + 2 * s * series);
    }

    /// <summary>e^x; +∞ above ln(double.MaxValue), 0 below the subnormal range.</summary>
    public static double Exp(double x)
    {
        if (double.IsNaN(x)) return x;
        if (x > 709.782712893384) return double.PositiveInfinity;
        if (x < -745.2) return 0;
        // x = k ln2 + r with |r| ≤ ln2/2; e^r by Taylor to r^20 (remainder < 1e-17), then × 2^k.
        double k = Math.Round(x * InvLn2);
        double r = (x - k * Ln2Hi) - k * Ln2Lo;
        double sum = 1;
        for (int i = 20; i >= 1; i--) sum = 1 + sum * r / i;
        return Math.ScaleB(sum, (int)k);
    }
}
