using Akka.Actor;
using Akka.Event;
using SignActors.Server.Metrics;
using SignActors.Training.Models;
using SignActors.Training.Runs;

namespace SignActors.Server.Reporting;

/// <summary>
/// Coordinator → reporter: round t closed; evaluate <paramref name="EvaluateAt"/> (x_{t+1}) first
/// when given, and take the whole training set's gradient at <paramref name="StationarityAt"/>
/// (x_t) when round t is one of the stationarity measure's.
/// </summary>
public sealed record RoundReport(ClosedRound Round, float[]? EvaluateAt, float[]? StationarityAt = null) : INoSerializationVerificationNeeded;

/// <summary>Coordinator → reporter: write this checkpoint (a failure is logged, and said in a stopped run's outcome).</summary>
public sealed record WriteCheckpoint(Checkpoint Checkpoint, string Path) : INoSerializationVerificationNeeded;

/// <summary>Coordinator → reporter: the run is over; tell the observer once every report before it is done.</summary>
public sealed record ReportOutcome(RunOutcome Outcome) : INoSerializationVerificationNeeded;

/// <summary>
/// Everything slow that follows a round, off the coordinator's thread (on its own dispatcher), so
/// StartRound t + 1 never waits for it: evaluating the global model, computing the metrics row
/// (agreement is a pass over every vote), the observer's file writes, and checkpoint files.
/// Messages are handled in the order they were sent, so rows reach the observer in round order
/// and the outcome after the last row. An exception here stops the run (the coordinator supervises).
/// </summary>
public sealed class RunReporter : ReceiveActor
{
    readonly ILoggingAdapter _log = Context.GetLogger();
    readonly CoordinatorSetup _setup;
    GlobalEvaluation? _evaluation;
    string? _checkpointError; // of the last checkpoint written

    public RunReporter(CoordinatorSetup setup)
    {
        _setup = setup;
        Receive<RoundReport>(r =>
        {
            var wholeSet = r.StationarityAt is null ? (WholeSetGradient?)null : Evaluation.WholeSet(r.StationarityAt);
            var e = r.EvaluateAt is null ? null : Evaluation.Evaluate(r.EvaluateAt);
            _setup.Observer.RoundClosed(RoundMetrics.Of(r.Round, e?.Test, e?.Gradient, e?.Validation) with { WholeSet = wholeSet });
        });
        Receive<WriteCheckpoint>(w =>
        {
            try
            {
                w.Checkpoint.Write(w.Path);
                _checkpointError = null;
                _log.Info("server: checkpoint after round {0} written to {1} ({2} node states)", w.Checkpoint.Round, w.Path, w.Checkpoint.Nodes.Count);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                _checkpointError = $"the checkpoint after round {w.Checkpoint.Round} was not written: {e.Message}";
                _log.Error("server: {0}", _checkpointError);
            }
        });
        Receive<ReportOutcome>(o => _setup.Observer.Finished(o.Outcome.Stopped && _checkpointError is { } error ? o.Outcome with { Message = $"{o.Outcome.Message} ({error})" } : o.Outcome));
    }

    GlobalEvaluation Evaluation => _evaluation ??= new GlobalEvaluation(_setup.Contract, _setup.Options, _setup.Train, _setup.Test);

    public static Props Props(CoordinatorSetup setup) =>
        Akka.Actor.Props.Create(() => new RunReporter(setup)).WithDispatcher(setup.ReportDispatcher);

    protected override void PostStop() => _evaluation?.Dispose();
}
