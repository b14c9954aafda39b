using System.Diagnostics;

namespace SignActors.Bench;

/// <summary>Median wall time of a kernel over repeated runs after one warm-up.</summary>
public static class Stopwatches
{
    public static double MedianMilliseconds(Action body, double minTotalMs, int minRuns = 3)
    {
        body(); // warm-up: JIT tiers, page faults
        var times = new List<double>();
        var total = Stopwatch.StartNew();
        while (times.Count < minRuns || total.Elapsed.TotalMilliseconds < minTotalMs)
        {
            long start = Stopwatch.GetTimestamp();
            body();
            times.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            if (times.Count >= 200) break;
        }
        times.Sort();
        return times[times.Count / 2];
    }
}
