using SignActors.Server;
using SignActors.Server.Metrics;

namespace SignActors.Bench;

/// <summary>Keeps a bench run's rows and the working set after each (read once the run has ended; the reporter calls one at a time).</summary>
sealed class BenchObserver : IRunObserver
{
    public List<RoundMetrics> Rows { get; } = new();
    public List<long> Memory { get; } = new();

    public void RoundClosed(RoundMetrics metrics)
    {
        Rows.Add(metrics);
        Memory.Add(Environment.WorkingSet);
    }

    public void Finished(RunOutcome outcome) { }
}
