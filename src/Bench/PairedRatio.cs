namespace SignActors.Bench;

/// <summary>
/// The median of interleaved A/B ratios and its distribution-free 95 % interval: the order
/// statistics [x(k), x(n+1−k)] with k the largest such that P(Binomial(n, ½) ≤ k − 1) ≤ 2.5 %
/// (coverage 1 − 2·P(B ≤ k − 1)); below 6 pairs there is no such k and no interval.
/// </summary>
public readonly record struct PairedRatio(int Pairs, double Median, double Low, double High, double Coverage)
{
    public static PairedRatio Of(IReadOnlyList<double> ratios)
    {
        var x = ratios.Order().ToArray();
        int n = x.Length;
        if (n == 0) throw new ArgumentException("no pairs", nameof(ratios));
        double median = n % 2 == 1 ? x[n / 2] : (x[n / 2 - 1] + x[n / 2]) / 2;
        int k = 0;
        while (k + 1 <= n / 2 && BinomialHalfCdf(n, k) <= 0.025) k++;
        if (k == 0) return new PairedRatio(n, median, double.NaN, double.NaN, 0);
        return new PairedRatio(n, median, x[k - 1], x[n - k], 1 - 2 * BinomialHalfCdf(n, k - 1));
    }

    /// <summary>P(Binomial(n, ½) ≤ m).</summary>
    public static double BinomialHalfCdf(int n, int m)
    {
        double sum = 0, term = Math.Pow(0.5, n); // C(n, 0) / 2ⁿ
        for (int i = 0; i <= m; i++)
        {
            sum += term;
            term = term * (n - i) / (i + 1);
        }
        return sum;
    }

    /// <summary>Whether the interval's upper end is under <paramref name="target"/> (how a target is met here).</summary>
    public bool Under(double target) => !double.IsNaN(High) && High < target;

    public override string ToString() => double.IsNaN(High)
        ? $"{Median:F3} (no interval: {Pairs} pairs)"
        : $"{Median:F3} [{Low:F3}, {High:F3}] ({Coverage:P1}, {Pairs} pairs)";
}
