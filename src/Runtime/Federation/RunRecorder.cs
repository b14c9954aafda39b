using System.Globalization;
using Microsoft.Extensions.Logging;
using SignActors.Runtime.Logging;
using SignActors.Server;
using SignActors.Server.Metrics;

namespace SignActors.Runtime.Federation;

/// <summary>
/// The host's side of <see cref="IRunObserver"/>: each row to its sinks (metrics.csv, TensorBoard,
/// OpenTelemetry), a progress line now and then (round/T, loss, accuracy when evaluated, speed,
/// ETA), and the run's outcome. Called on the reporter's thread, one call at a time.
/// </summary>
public sealed class RunRecorder(IReadOnlyList<IRoundSink> sinks, TextWriter progress, long rounds) : IRunObserver
{
    static readonly ILogger Log = LogSetup.Logger("run");
    readonly long _every = Math.Max(1, rounds / 20);
    readonly List<RoundMetrics> _rows = new();

    /// <summary>Every row so far (the bench reads them).</summary>
    public IReadOnlyList<RoundMetrics> Rows => _rows;

    public void RoundClosed(RoundMetrics m)
    {
        _rows.Add(m);
        foreach (var sink in sinks) sink.Write(m);
        if (m.Round % _every != 0 && m.Round != rounds && m.Evaluation is null) return;
        var c = CultureInfo.InvariantCulture;
        double perRound = m.ElapsedSeconds / m.Round;
        string line = string.Create(c, $"round {m.Round,5}/{rounds}  loss {m.TrainLoss,6:F3}");
        if (m.Validation is { } v) line += string.Create(c, $"  val loss {v.Loss:F3}  val acc {v.Accuracy * 100,5:F1} %");
        if (m.Evaluation is { } e) line += double.IsNaN(e.Accuracy) ? string.Create(c, $"  f − f* {e.Loss:G4}") : string.Create(c, $"  test loss {e.Loss:F3}  test acc {e.Accuracy * 100,5:F1} %");
        line += string.Create(c, $"  {perRound:F2} s/round  ETA {Eta(perRound * (rounds - m.Round))}");
        progress.WriteLine(line);
        Log.LogInformation("{Line}", line);
    }

    public void Finished(RunOutcome outcome) => Log.LogInformation("{Outcome}", outcome.Message);

    static string Eta(double seconds) =>
        seconds >= 3600 ? $"{(int)(seconds / 3600)}h{(int)(seconds % 3600 / 60):D2}m"
        : seconds >= 60 ? $"{(int)(seconds / 60)}m{(int)(seconds % 60):D2}s"
        : $"{seconds:F0}s";
}
