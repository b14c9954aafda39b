using SignActors.Server.Metrics;
using SignActors.Training.Models;
using Xunit;

namespace SignActors.Tests.Server;

/// <summary>output.metrics-every: plain rows every k-th round, and every row that carries a measurement, and the last.</summary>
public sealed class MetricsCsvTests : IDisposable
{
    readonly string _path = Path.Combine(Path.GetTempPath(), $"signactors-metrics-{Guid.NewGuid():N}.csv");

    public void Dispose() => File.Delete(_path);

    static RoundMetrics Row(long round) => new(round, 0, 0, 0.1f, 1, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0, null, null);

    [Fact]
    public void Every_fourth_round_plus_the_measured_rounds_and_the_last()
    {
        using (var csv = new MetricsCsv(_path, every: 4, last: 10))
            for (long t = 1; t <= 10; t++)
                csv.Write(t switch
                {
                    3 => Row(t) with { Evaluation = new Evaluation(1, 0.5, 10) },
                    5 => Row(t) with { WholeSet = new WholeSetGradient(1, 2, 3) },
                    _ => Row(t),
                });
        var rounds = File.ReadLines(_path).Skip(1).Select(l => long.Parse(l[..l.IndexOf(',')])).ToArray();
        Assert.Equal(new long[] { 3, 4, 5, 8, 10 }, rounds);
    }
}
