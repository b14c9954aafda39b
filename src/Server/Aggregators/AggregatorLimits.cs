using SignActors.Training.Algorithms;

namespace SignActors.Server.Aggregators;

/// <summary>
/// Where the float32 aggregators stop (1-bit votes stop at <see cref="AlgorithmSpec.MaxCountedVotes"/>).
/// A float32 round holds every vote, n·d·4 bytes, on the server; Krum also keeps the n² pairwise
/// distances and does n²·d/2 multiply-adds. A run that would exceed 80 % of the memory this process
/// may use, or give Krum more than 10¹³ operations a round (hours on one core), is refused before it
/// starts, with one line.
/// </summary>
public static class AggregatorLimits
{
    public const double KrumOperationsPerRound = 1e13;

    public static string? Check(AlgorithmSpec algorithm, int nodes, long dimension, long availableBytes)
    {
        if (algorithm.Uplink.Kind != UplinkKind.Float32) return null;
        bool krum = algorithm.Aggregator.Kind == AggregatorKind.Krum;
        double bytes = 4.0 * nodes * dimension + (krum ? 8.0 * nodes * nodes : 0);
        if (bytes > 0.8 * availableBytes)
            return $"float32 votes of {nodes:N0} nodes at d = {dimension:N0} need {bytes / 1e9:F1} GB on the server each round (n·d·4 bytes{(krum ? " and Krum's n² distances" : "")}), "
                + $"more than 80 % of the {availableBytes / 1e9:F1} GB this process may use; use a 1-bit uplink or fewer nodes";
        double operations = (double)nodes * nodes * dimension;
        if (krum && operations > KrumOperationsPerRound)
            return $"krum compares every pair of votes: n²·d = {operations:E1} operations a round at n = {nodes:N0}, d = {dimension:N0}, above the 10¹³ it accepts (hours a round); use median or trimmed-mean";
        return null;
    }
}
