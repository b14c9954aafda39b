using Akka.Actor;
using SignActors.Server.Metrics;
using SignActors.Server.Rounds;
using SignActors.Training.Data;
using SignActors.Training.Runs;

namespace SignActors.Server;

/// <summary>How a run ended.</summary>
/// <param name="FinalHash">SHA-256 of the global parameters at the end.</param>
/// <param name="Stopped">Stopped on request (a signal) after <paramref name="Rounds"/>, with a checkpoint to resume from.</param>
public sealed record RunOutcome(bool Completed, long Rounds, string Message, string FinalHash, float[] FinalParameters, IReadOnlyDictionary<VoteVerdict, long> Drops, bool Stopped = false)
{
    /// <summary>Planned against actual participation (null: the run ended before the coordinator could say).</summary>
    public ParticipationReport? Participation { get; init; }

    /// <summary>A run that ended before the coordinator could report (an actor that could not start).</summary>
    public static RunOutcome Aborted(string reason) => new(false, 0, reason, "", [], new Dictionary<VoteVerdict, long>());
}

/// <summary>The run's participation: the outcome's line, participation.csv, and whether any absence was unplanned.</summary>
public sealed record ParticipationReport(string Summary, string Csv, bool Degraded);

/// <summary>
/// Where the coordinator reports: a row per closed round, in round order, then the outcome (the
/// host writes files and progress). Called from the run's reporter, one call at a time, never from
/// the coordinator's thread.
/// </summary>
public interface IRunObserver
{
    void RoundClosed(RoundMetrics metrics);
    void Finished(RunOutcome outcome);
}

/// <summary>What the coordinator is built from: the run's contract and options, its data, where it reports.</summary>
/// <param name="ReportDispatcher">Where evaluation, metrics and checkpoint writes run (off the coordinator's thread).</param>
/// <param name="HostDirectory">The cluster's view of hosts (who may take a node id); null in one process.</param>
public sealed record CoordinatorSetup(RunContract Contract, ImageSet Train, ImageSet Test, IRunObserver Observer, RunOptions? RunOptions = null,
    string ReportDispatcher = "akka.actor.default-dispatcher", IHostDirectory? HostDirectory = null)
{
    public RunOptions Options => RunOptions ?? Training.Runs.RunOptions.Default;
    public IHostDirectory Hosts => HostDirectory ?? OneHost.Instance;
}

/// <summary>
/// Host → server after the outcome: answer <see cref="NodesGone"/> once every node has stopped (so
/// a cluster server leaves only after its RunFinished has been acted on).
/// </summary>
public sealed class AwaitNodesGone : INoSerializationVerificationNeeded
{
    public static readonly AwaitNodesGone Instance = new();
}

public sealed class NodesGone : INoSerializationVerificationNeeded
{
    public static readonly NodesGone Instance = new();
}

/// <summary>Host → server: how many nodes have registered, against how many the run waits for (a readiness probe asks).</summary>
public sealed class GetRegistrations : INoSerializationVerificationNeeded
{
    public static readonly GetRegistrations Instance = new();
}

/// <param name="Ready">Every expected node registered at least once: rounds have begun (or the run is over).</param>
public sealed record Registrations(int Registered, int Expected, bool Ready) : INoSerializationVerificationNeeded;

/// <summary>
/// Host → server: stop the run (a signal): finish the open round, write a checkpoint, report the
/// outcome with <see cref="RunOutcome.Stopped"/> set.
/// </summary>
public sealed record StopRun(string Reason) : INoSerializationVerificationNeeded;

/// <summary>Published on the event stream when round <paramref name="Round"/> opens (crashed nodes due back rejoin then).</summary>
public sealed record RoundOpened(long Round) : INoSerializationVerificationNeeded;
