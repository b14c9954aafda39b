using Akka.Actor;
using Akka.TestKit;
using SignActors.Messages.Protocol;
using SignActors.Node.Replicas;
using SignActors.Server;
using SignActors.Server.Metrics;
using SignActors.Training.Algorithms;
using SignActors.Training.Data;
using SignActors.Training.Models;
using SignActors.Training.Runs;
using SignActors.Training.Schedules;

namespace SignActors.Tests.Federation;

/// <summary>A tiny federation for actor tests: the mlp on 5 synthetic images per class, batch 8.</summary>
public static class TinyFederation
{
    /// <summary>Every message between actors goes through the binary wire format, as over Akka.Remote.</summary>
    public static readonly string WireConfig = SignActors.Runtime.Federation.InProcessFederation.EmbeddedAkkaText
        + "\nakka.actor.serialize-messages = on\nakka.loggers = [\"Akka.TestKit.TestEventListener, Akka.TestKit\"]\n";

    public static readonly ImageSet Train = Cifar100Set.FromRecords(SyntheticCifar100.Generate(new SyntheticSpec(7, 5, 1), 1), "synthetic").Images();
    public static readonly ImageSet Test = Cifar100Set.FromRecords(SyntheticCifar100.Generate(new SyntheticSpec(7, 5, 1), 2), "synthetic").Images();

    public static RunContract Spec(string preset = "signsgd", int nodes = 3, long rounds = 3, bool verify = true, double eta = 0.001) =>
        new(Seed: 11, nodes, rounds, Presets.Resolve(preset, nodes), new ConstantSchedule(eta), ModelKind.Mlp, "cpu", BatchSize: 8, TorchThreads: 1, VerifyReplicas: verify);

    /// <summary>Evaluation every <paramref name="evalEvery"/> rounds (0: after the last) on a 40-record probe, batches of 50.</summary>
    public static RunOptions Options(int evalEvery = 0) => new(EvalEvery: evalEvery, ProbeRecords: 40, EvalBatchSize: 50);

    /// <summary>A whole federation in one process on <paramref name="train"/> (the tiny set by default).</summary>
    public static RunOutcome Run(RunContract spec, IRunObserver observer, RunOptions? options = null, Shard[]? shards = null, ImageSet? train = null, ImageSet? test = null,
        int computeThreads = 2, bool serializeMessages = false, string logLevel = "warning", ReplicaMode replicas = ReplicaMode.PerHost) =>
        SignActors.Runtime.Federation.InProcessFederation.Run(
            new SignActors.Runtime.Federation.FederationRun(spec, options ?? Options(), train ?? Train, test ?? Test, shards ?? Shards(spec), new SignActors.Runtime.Configuration.HostSettings(computeThreads, logLevel, replicas)),
            observer, serializeMessages: serializeMessages);

    /// <summary><see cref="Run"/> with the rows it reported.</summary>
    public static (RunOutcome Outcome, IReadOnlyList<RoundMetrics> Rows) RunRecorded(RunContract spec, RunOptions? options = null, Shard[]? shards = null, ImageSet? train = null,
        ImageSet? test = null, int computeThreads = 2, bool serializeMessages = false, ReplicaMode replicas = ReplicaMode.PerHost)
    {
        var recorder = new RecordingObserver();
        var outcome = Run(spec, recorder, options, shards, train, test, computeThreads, serializeMessages, replicas: replicas);
        return (outcome, recorder.Rows);
    }

    /// <summary>A coordinator on the default dispatcher and a TestProbe per node: every node registered, round 1 started.</summary>
    public static (IActorRef Server, TestProbe[] Nodes, RecordingObserver Observer) StartServer(TestKitBase kit, RunContract spec, RunOptions? options = null)
    {
        var observer = new RecordingObserver();
        var server = kit.Sys.ActorOf(RoundCoordinator.Props(new CoordinatorSetup(spec, Train, Test, observer, options ?? Options()), "akka.actor.default-dispatcher"));
        var probes = Enumerable.Range(0, spec.Nodes).Select(_ => kit.CreateTestProbe()).ToArray();
        for (int j = 0; j < spec.Nodes; j++)
        {
            probes[j].Send(server, new RegisterNode(j));
            probes[j].ExpectMsg<NodeRegistered>();
        }
        foreach (var p in probes) p.ExpectMsg<StartRound>();
        return (server, probes, observer);
    }

    /// <summary>
    /// Returns once the server has handled what <paramref name="node"/> sent before: a snapshot
    /// request it answers, in order (a vote re-arms the round's timers, so a virtual clock must not
    /// move before the vote is in).
    /// </summary>
    public static void AwaitHandled(IActorRef server, TestProbe node, int id)
    {
        node.Send(server, new SnapshotRequest(id, 0));
        node.FishForMessage(m => m is ModelSnapshot);
    }

    public static Shard[] Shards(RunContract spec) =>
        Partitioner.Assign(Train.Labels(), spec.Nodes, PartitionSpec.LabelSkew(0), spec.Seed);
}

/// <summary>Keeps what a coordinator reports.</summary>
public sealed class RecordingObserver : IRunObserver
{
    readonly List<RoundMetrics> _rows = new();
    readonly TaskCompletionSource<RunOutcome> _outcome = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public IReadOnlyList<RoundMetrics> Rows { get { lock (_rows) return _rows.ToArray(); } }
    public Task<RunOutcome> Outcome => _outcome.Task;

    public void RoundClosed(RoundMetrics metrics) { lock (_rows) _rows.Add(metrics); }
    public void Finished(RunOutcome outcome) => _outcome.TrySetResult(outcome);
}
