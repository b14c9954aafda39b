using SignActors.Messages;
using SignActors.Training.Algorithms;

namespace SignActors.Server.Aggregators;

/// <summary>
/// A round whose accepted votes break a robust aggregator's precondition (trimmed mean n > 2b,
/// Krum n ≥ 2f + 3): the run stops with this one line.
/// </summary>
public sealed class AggregationRefused(string message) : Exception(message);

/// <summary>
/// The robust baselines of SPEC §3 on float32 votes (node-id order), each fed to the mean update's
/// optimizer: coordinate-wise median, trimmed mean, and Krum (Blanchard et al. 2017). Sums are in
/// double in a fixed order, so every replica and every run gets the same floats.
/// </summary>
public static class Robust
{
    /// <summary>Per coordinate, the middle value of the votes; with an even count, the mean of the two middle ones.</summary>
    public static float[] Median(IReadOnlyList<float[]> votes) => PerCoordinate(votes, sorted =>
    {
        int n = sorted.Length;
        return (n & 1) == 1 ? sorted[n / 2] : (float)(((double)sorted[n / 2 - 1] + sorted[n / 2]) / 2);
    });

    /// <summary>Per coordinate, the mean of the votes after dropping the <paramref name="b"/> largest and <paramref name="b"/> smallest (n &gt; 2b).</summary>
    public static float[] TrimmedMean(IReadOnlyList<float[]> votes, int b)
    {
        if (b < 0) throw new ArgumentOutOfRangeException(nameof(b), $"trimmed-mean: b must be ≥ 0, got {b}");
        if (votes.Count <= 2 * b) throw new AggregationRefused($"trimmed-mean({b}) needs more than {2 * b} votes a round (n > 2b), got {votes.Count}");
        return PerCoordinate(votes, sorted =>
        {
            double sum = 0;
            for (int i = b; i < sorted.Length - b; i++) sum += sorted[i];
            return (float)(sum / (sorted.Length - 2 * b));
        });
    }

    /// <summary>
    /// Krum: the index of the vote with the smallest sum of squared distances to its n − f − 2
    /// nearest other votes (n ≥ 2f + 3); ties go to the lowest index (the lowest node id).
    /// </summary>
    public static int KrumIndex(IReadOnlyList<float[]> votes, int f)
    {
        int n = votes.Count;
        if (f < 0) throw new ArgumentOutOfRangeException(nameof(f), $"krum: f must be ≥ 0, got {f}");
        if (n < 2 * f + 3) throw new AggregationRefused($"krum({f}) needs at least {2 * f + 3} votes a round (n ≥ 2f + 3), got {n}");
        var distance = new double[n, n];
        for (int i = 0; i < n; i++)
            for (int j = i + 1; j < n; j++)
                distance[i, j] = distance[j, i] = SquaredDistance(votes[i], votes[j]);
        int nearest = n - f - 2, best = 0;
        double bestScore = double.PositiveInfinity;
        var others = new double[n - 1];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0, o = 0; j < n; j++)
                if (j != i) others[o++] = distance[i, j];
            Array.Sort(others);
            double score = 0;
            for (int k = 0; k < nearest; k++) score += others[k];
            if (score < bestScore) (best, bestScore) = (i, score);
        }
        return best;
    }

    static double SquaredDistance(float[] a, float[] b)
    {
        double sum = 0;
        for (int k = 0; k < a.Length; k++)
        {
            double x = (double)a[k] - b[k];
            sum += x * x;
        }
        return sum;
    }

    /// <summary>Applies <paramref name="pick"/> to each coordinate's votes, sorted ascending (one reused column buffer).</summary>
    static float[] PerCoordinate(IReadOnlyList<float[]> votes, Func<float[], float> pick)
    {
        if (votes.Count == 0) throw new ArgumentException("no votes to aggregate", nameof(votes));
        int d = votes[0].Length, n = votes.Count;
        foreach (var v in votes)
            if (v.Length != d) throw new ArgumentException($"votes of d={v.Length} and d={d}", nameof(votes));
        var result = new float[d];
        var column = new float[n];
        for (int k = 0; k < d; k++)
        {
            for (int j = 0; j < n; j++) column[j] = votes[j][k];
            Array.Sort(column);
            result[k] = pick(column);
        }
        return result;
    }

    /// <summary>The float32 votes of a round, or an error naming the first vote that is not one.</summary>
    public static float[][] Dense(IReadOnlyList<Payload> votes, string aggregator) =>
        votes.Select((v, j) => v is DensePayload dense ? dense.Values
            : throw new ArgumentException($"{aggregator} takes float32 votes, vote {j} is {v.GetType().Name}", nameof(votes))).ToArray();
}
