using System.Diagnostics;
using Akka.Actor;
using Akka.Event;
using SignActors.Messages;
using SignActors.Messages.Protocol;
using SignActors.Server.Aggregators;
using SignActors.Server.Metrics;
using SignActors.Server.Rounds;
using SignActors.Training.Algorithms;
using SignActors.Training.Data;
using SignActors.Training.Faults;
using SignActors.Training.Runs;

namespace SignActors.Server;

/// <summary>How a run ended.</summary>
/// <param name="FinalHash">SHA-256 of the global parameters at the end.</param>
public sealed record RunOutcome(bool Completed, long Rounds, string Message, string FinalHash, float[] FinalParameters, IReadOnlyDictionary<VoteVerdict, long> Drops);

/// <summary>Where the coordinator reports: a row per closed round, then the outcome (the host writes files and progress).</summary>
public interface IRunObserver
{
    void RoundClosed(RoundMetrics metrics);
    void Finished(RunOutcome outcome);
}

/// <summary>What the coordinator is built from.</summary>
public sealed record CoordinatorSetup(FederationSpec Spec, ImageSet Train, ImageSet Test, IRunObserver Observer);

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

/// <summary>Published on the event stream when round <paramref name="Round"/> opens (crashed nodes due back rejoin then).</summary>
public sealed record RoundOpened(long Round) : INoSerializationVerificationNeeded;

/// <summary>
/// The server (SPEC §6): registers nodes, runs rounds, owns the global model, the aggregator and
/// the metrics.
/// <para> States: <c>WaitingForNodes</c> → <c>InRound</c> (one per round) →
/// <c>Finishing</c> (the last round's replica hashes) → <c>Finished</c>. A vote counts only under
/// the rules of SPEC §6.3 (<see cref="VoteAdmission"/>); every dropped one is counted by reason
/// and logged, never applied. A round closes when every live node has voted (a crashed node —
/// its actor terminated — is not waited for; one due back from a configured crash is), or, under
/// the deadline policy, at the deadline with at least min-quorum votes; below quorum the deadline
/// is extended up to max-extensions times, then the run stops.
/// </para>
/// </summary>
public sealed class RoundCoordinator : ReceiveActor, IWithTimers
{
    static readonly TimeSpan FinalHashWait = TimeSpan.FromSeconds(60);

    readonly CoordinatorSetup _setup;
    readonly FederationSpec _spec;
    readonly ILoggingAdapter _log = Context.GetLogger();
    readonly Dictionary<int, IActorRef> _nodes = new();
    readonly SortedDictionary<int, Vote> _votes = new();
    readonly Dictionary<long, ExpectedHash> _expectedHashes = new();
    readonly Dictionary<VoteVerdict, long> _drops = new();
    readonly Stopwatch _runClock = new(), _roundClock = new();
    readonly IReadOnlySet<int> _byzantine;
    readonly int _omniscientRecords;
    IAggregator _aggregator = null!;
    GlobalModel _global = null!;
    StartRound? _open;
    long _lastClosed;
    float[]? _radius;
    int _late, _rejected, _extensions;
    const string DeadlineTimer = "deadline";
    const long HashWindow = 64;
    const string ResendTimer = "resend", CheckpointTimer = "checkpoint";
    static readonly TimeSpan CheckpointWait = TimeSpan.FromSeconds(30);
    float[]? _checkpointPrevious;
    static readonly TimeSpan ResendEvery = TimeSpan.FromSeconds(5);

    public RoundCoordinator(CoordinatorSetup setup)
    {
        _setup = setup;
        _spec = setup.Spec;
        _byzantine = _spec.FaultPlan.Byzantine;
        var plan = _spec.FaultPlan;
        _omniscientRecords = !plan.Nodes.Values.Any(f => f.Attack == ByzantineAttack.Omniscient) ? 0
            : plan.OmniscientSample > 0 ? Math.Min(plan.OmniscientSample, setup.Train.Count) : setup.Train.Count;
        WaitingForNodes();
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(CoordinatorSetup setup, string dispatcher) =>
        Akka.Actor.Props.Create(() => new RoundCoordinator(setup)).WithDispatcher(dispatcher);

    protected override void PreStart()
    {
        _aggregator = Aggregator.Create(_spec.Algorithm, _spec.Seed);
        _global = new GlobalModel(_spec, _setup.Train, _setup.Test);
        if (_spec.ResumeFrom is { } checkpoint)
        {
            _global.Resume(checkpoint);
            _lastClosed = checkpoint.Round;
            _radius = checkpoint.Radius;
            _log.Info("server: resuming after round {0} from a checkpoint", checkpoint.Round);
        }
        _log.Info("server: d = {0:N0}, waiting for {1} nodes", _global.Dimension, _spec.Nodes);
    }

    protected override void PostStop() => _global?.Dispose();

    void WaitingForNodes()
    {
        Receive<Terminated>(OnNodeGone);
        Receive<RegisterNode>(r =>
        {
            if (!Register(r)) return;
            if (_nodes.Count >= _spec.ExpectedNodes)
            {
                _log.Info("server: {0} of {1} nodes registered; starting round 1", _nodes.Count, _spec.Nodes);
                _runClock.Start();
                StartNextRound();
            }
        });
        Receive<Vote>(v => Drop(v, VoteVerdict.FutureRound));
        Common();
    }

    void InRound()
    {
        Receive<RegisterNode>(r => Register(r));
        Receive<Vote>(OnVote);
        Receive<Terminated>(t =>
        {
            OnNodeGone(t);
            if (AllExpectedVoted()) CloseRound();
        });
        Receive<RoundDeadline>(OnDeadline);
        Receive<ResendStart>(r =>
        {
            // Akka.Remote delivers at most once: a node whose StartRound (or Vote) was lost is asked again.
            if (_open?.Round != r.Round) return;
            foreach (var (j, node) in _nodes)
                if (!_votes.ContainsKey(j)) node.Tell(_open);
        });
        Receive<SnapshotRequest>(OnSnapshotRequest);
        Receive<ReplicaHash>(OnReplicaHash);
        Common();
    }

    void Finishing()
    {
        Receive<ReplicaHash>(h =>
        {
            OnReplicaHash(h);
            CompleteWhenConfirmed();
        });
        Receive<Terminated>(t =>
        {
            OnNodeGone(t); // a node lost after the last round owes no hash
            CompleteWhenConfirmed();
        });
        Receive<FinalHashTimeout>(_ =>
        {
            var missing = _nodes.Keys.Except(_expectedHashes.TryGetValue(_spec.Rounds, out var e) ? e.Reported : []).Order();
            Fail($"nodes {string.Join(", ", missing)} did not report their parameter hash after the last round within {FinalHashWait.TotalSeconds:F0} s");
        });
        Receive<Vote>(v => Drop(v, VoteVerdict.Late));
        Receive<SnapshotRequest>(OnSnapshotRequest);
        Common();
    }

    void CompleteWhenConfirmed()
    {
        if (_expectedHashes.TryGetValue(_spec.Rounds, out var last) && !_nodes.Keys.All(last.Reported.Contains)) return;
        Complete();
    }

    void Finished()
    {
        var waiting = new List<IActorRef>();
        Receive<Vote>(v => Drop(v, VoteVerdict.Late));
        Receive<Terminated>(t =>
        {
            OnNodeGone(t);
            if (_nodes.Count > 0) return;
            foreach (var w in waiting) w.Tell(NodesGone.Instance);
            waiting.Clear();
        });
        Receive<AwaitNodesGone>(_ =>
        {
            if (_nodes.Count == 0) Sender.Tell(NodesGone.Instance);
            else waiting.Add(Sender);
        });
        ReceiveAny(_ => { });
    }

    void Common()
    {
        Receive<NodeFailed>(f => Fail($"node {f.NodeId} failed in round {f.Round}: {f.Reason}"));
        ReceiveAny(m => _log.Warning("server: dropped unexpected {0} from {1}", m.GetType().Name, Sender));
    }

    bool Register(RegisterNode r)
    {
        if (r.NodeId < 0 || r.NodeId >= _spec.Nodes)
        {
            _log.Warning("server: refused registration of node id {0} from {1}: ids are 0..{2}", r.NodeId, Sender, _spec.Nodes - 1);
            return false;
        }
        if (_nodes.TryGetValue(r.NodeId, out var known) && !known.Equals(Sender))
        {
            _log.Info("server: node {0} re-registered from {1}", r.NodeId, Sender);
            Context.Unwatch(known);
        }
        _nodes[r.NodeId] = Sender;
        Context.Watch(Sender);
        Sender.Tell(new NodeRegistered(r.NodeId, _global.LastAppliedRound));
        return true;
    }

    void StartNextRound()
    {
        long t = _lastClosed + 1;
        _open = new StartRound(t, _spec.LearningRate(t), _radius, 0);
        _votes.Clear();
        _late = _rejected = 0;
        _extensions = 0;
        _roundClock.Restart();
        Context.System.EventStream.Publish(new RoundOpened(t));
        foreach (var node in _nodes.Values) node.Tell(_open);
        if (_spec.RoundPolicy.Kind == RoundPolicyKind.Deadline)
            Timers.StartSingleTimer(DeadlineTimer, new RoundDeadline(t), TimeSpan.FromMilliseconds(_spec.RoundPolicy.DeadlineMs));
        Timers.StartPeriodicTimer(ResendTimer, new ResendStart(t), ResendEvery);
        Become(InRound);
    }

    /// <summary>Every live node has voted, and so has every node a configured crash brings back by now.</summary>
    bool AllExpectedVoted()
    {
        if (_votes.Count == 0) return false;
        foreach (int j in _nodes.Keys)
            if (!_votes.ContainsKey(j)) return false;
        long t = _open!.Round;
        foreach (var (j, faults) in _spec.FaultPlan.Nodes)
            if (faults.Crash is { } crash && crash.RejoinRound <= t && !_nodes.ContainsKey(j)) return false;
        return true;
    }

    void OnDeadline(RoundDeadline deadline)
    {
        if (_open?.Round != deadline.Round) return;
        var policy = _spec.RoundPolicy;
        if (_votes.Count >= policy.MinQuorum)
        {
            CloseRound();
            return;
        }
        if (_extensions < policy.MaxExtensions)
        {
            _extensions++;
            _log.Warning("server: round {0} has {1} of min-quorum {2} votes at the deadline; extension {3} of {4}", deadline.Round, _votes.Count, policy.MinQuorum, _extensions, policy.MaxExtensions);
            Timers.StartSingleTimer(DeadlineTimer, deadline, TimeSpan.FromMilliseconds(policy.DeadlineMs));
            return;
        }
        Fail($"round {deadline.Round} reached only {_votes.Count} of min-quorum {policy.MinQuorum} votes by its deadline after {policy.MaxExtensions} extension(s) of {policy.DeadlineMs} ms; the global model after round {_lastClosed} is the checkpoint");
    }

    void OnNodeGone(Terminated terminated)
    {
        foreach (var (j, node) in _nodes)
            if (node.Equals(terminated.ActorRef))
            {
                _nodes.Remove(j);
                _log.Warning("server: node {0} is gone ({1}); rounds go on without it until it registers again", j, terminated.ActorRef);
                return;
            }
    }

    void OnVote(Vote vote)
    {
        bool registered = _nodes.TryGetValue(vote.NodeId, out var known) && known.Equals(Sender);
        var verdict = VoteAdmission.Check(vote, _open?.Round ?? 0, _lastClosed, registered, _votes.ContainsKey(vote.NodeId), _global.Dimension, _spec.Algorithm.Uplink.Kind,
            _spec.Algorithm.Uplink.PerTensorNorms ? _global.Layout.Slots.Count : 0);
        if (verdict != VoteVerdict.Accepted)
        {
            Drop(vote, verdict);
            return;
        }
        _votes.Add(vote.NodeId, vote);
        if (AllExpectedVoted()) CloseRound();
    }

    void Drop(Vote vote, VoteVerdict verdict)
    {
        _drops[verdict] = _drops.GetValueOrDefault(verdict) + 1;
        if (verdict == VoteVerdict.Late) _late++;
        else _rejected++;
        // Late votes are what the deadline policy expects from stragglers: the log file, not the console.
        if (verdict == VoteVerdict.Late) _log.Info("server: dropped vote of node {0} for round {1} from {2}: {3}", vote.NodeId, vote.Round, Sender, verdict);
        else _log.Warning("server: dropped vote of node {0} for round {1} from {2}: {3}", vote.NodeId, vote.Round, Sender, verdict);
    }

    void CloseRound()
    {
        var start = _open!;
        long t = start.Round;
        Timers.Cancel(DeadlineTimer);
        Timers.Cancel(ResendTimer);
        var votes = _votes.Values.ToArray(); // node-id order: float sums are the same on every run
        var payloads = votes.Select(v => v.Payload).ToArray();
        var aggregate = new Aggregate(t, _aggregator.Aggregate(payloads, t), start.LearningRate);
        bool checkpoint = _spec.CheckpointsAfter(t);
        _checkpointPrevious = checkpoint && _spec.Algorithm.Estimator.Kind == EstimatorKind.Storm ? _global.CopyParameters() : null; // x_t
        _global.Apply(aggregate);
        if (_spec.VerifyReplicas)
        {
            _expectedHashes[t] = new ExpectedHash(_global.Hash().Hex, new HashSet<int>());
            _expectedHashes.Remove(t - HashWindow); // a node that joined later never reports the rounds before it
        }
        foreach (var node in _nodes.Values) node.Tell(aggregate);
        _radius = RadiusBroadcast.Next(_spec.Algorithm.Uplink, votes);
        _lastClosed = t;
        _open = null;
        double wallMs = _roundClock.Elapsed.TotalMilliseconds;

        var honest = votes.Where(v => !_byzantine.Contains(v.NodeId)).Select(v => v.Payload).ToArray();
        var evaluation = _spec.EvaluatesAfter(t) ? _global.Evaluate() : ((Training.Models.Evaluation, Training.Models.Evaluation?, Training.Models.GradientNorms)?)null;
        var metrics = new RoundMetrics(
            t, wallMs, _runClock.Elapsed.TotalSeconds, start.LearningRate,
            votes.Sum(v => (double)v.Scalars.Loss) / votes.Length,
            votes.Length, _late, _rejected, votes.Count(v => _byzantine.Contains(v.NodeId)),
            votes.Sum(WireSize.Of) * 8, (WireSize.Of(start) + WireSize.Of(aggregate)) * 8 * _nodes.Count,
            votes.Max(v => (double)v.ComputeMs), votes.Sum(v => (double)v.ComputeMs),
            Agreement.Fraction(honest, aggregate.Payload), _omniscientRecords,
            evaluation?.Item1, evaluation?.Item3, evaluation?.Item2);
        _setup.Observer.RoundClosed(metrics);

        if (t < _spec.Rounds)
        {
            if (checkpoint) BeginCheckpoint(aggregate);
            else StartNextRound();
        }
        else if (_spec.VerifyReplicas)
        {
            Timers.StartSingleTimer("final-hash", FinalHashTimeout.Instance, FinalHashWait);
            Become(Finishing);
        }
        else Complete();
    }

    /// <summary>Asks every live node for its estimator state after round t; writes the checkpoint when all have answered.</summary>
    void BeginCheckpoint(Aggregate last)
    {
        long t = last.Round;
        var states = new Dictionary<int, EstimatorSnapshot>();
        var radius = _radius;
        foreach (var node in _nodes.Values) node.Tell(new StateRequest(t));
        Timers.StartSingleTimer(CheckpointTimer, new CheckpointTimeout(t), CheckpointWait);

        void Write()
        {
            Timers.Cancel(CheckpointTimer);
            try
            {
                new Checkpoint(_spec.Fingerprint, t, radius, _global.Snapshot(), _checkpointPrevious, last, states).Write(_spec.CheckpointPath!);
                _log.Info("server: checkpoint after round {0} written to {1} ({2} node states)", t, _spec.CheckpointPath, states.Count);
            }
            catch (IOException e) { _log.Error("server: checkpoint after round {0} not written: {1}", t, e.Message); }
            _checkpointPrevious = null;
            StartNextRound();
        }

        Become(() =>
        {
            Receive<NodeState>(s =>
            {
                if (s.Round != t || !(_nodes.TryGetValue(s.NodeId, out var known) && known.Equals(Sender))) return;
                states[s.NodeId] = s.Estimator;
                if (_nodes.Keys.All(states.ContainsKey)) Write();
            });
            Receive<CheckpointTimeout>(c =>
            {
                if (c.Round != t) return;
                _log.Warning("server: checkpoint after round {0}: nodes {1} did not send their state; they will start fresh on resume", t, string.Join(", ", _nodes.Keys.Except(states.Keys)));
                Write();
            });
            Receive<Terminated>(x =>
            {
                OnNodeGone(x);
                if (_nodes.Keys.All(states.ContainsKey)) Write();
            });
            Receive<RegisterNode>(r => Register(r));
            Receive<ReplicaHash>(OnReplicaHash);
            Receive<SnapshotRequest>(OnSnapshotRequest);
            Receive<Vote>(v => Drop(v, VoteVerdict.Late));
            Common();
        });
    }

    void OnSnapshotRequest(SnapshotRequest request)
    {
        if (!(_nodes.TryGetValue(request.NodeId, out var known) && known.Equals(Sender)))
        {
            _log.Warning("server: ignored snapshot request for node {0} from unregistered {1}", request.NodeId, Sender);
            return;
        }
        _log.Info("server: node {0} is at round {1}; sending the global model after round {2}", request.NodeId, request.LastAppliedRound, _global.LastAppliedRound);
        Sender.Tell(_global.Snapshot());
        if (_open is not null && !_votes.ContainsKey(request.NodeId)) Sender.Tell(_open);
    }

    void OnReplicaHash(ReplicaHash h)
    {
        if (!_expectedHashes.TryGetValue(h.Round, out var expected)) return; // a round every node has already confirmed
        if (h.Sha256 != expected.Hash)
        {
            Fail($"replica divergence: node {h.NodeId} holds parameters {Short(h.Sha256)} after round {h.Round}, the server {Short(expected.Hash)}");
            return;
        }
        expected.Reported.Add(h.NodeId);
        if (_nodes.Keys.All(expected.Reported.Contains)) _expectedHashes.Remove(h.Round);
    }

    void Complete()
    {
        Timers.CancelAll();
        string message = $"{_spec.Rounds} rounds completed";
        if (_spec.VerifyReplicas) message += $"; all {_nodes.Count} replicas bit-identical to the server after every round";
        Finish(new RunOutcome(true, _lastClosed, message, _global.Hash().Hex, _global.CopyParameters(), Drops()));
    }

    void Fail(string reason)
    {
        Timers.CancelAll();
        _log.Error("server: stopping the run: {0}", reason);
        Finish(new RunOutcome(false, _lastClosed, reason, _global.Hash().Hex, _global.CopyParameters(), Drops()));
    }

    void Finish(RunOutcome outcome)
    {
        foreach (var node in _nodes.Values) node.Tell(new RunFinished(_lastClosed, outcome.Message));
        Become(Finished);
        _setup.Observer.Finished(outcome);
    }

    IReadOnlyDictionary<VoteVerdict, long> Drops() => new Dictionary<VoteVerdict, long>(_drops);

    static string Short(string hash) => hash.Length > 16 ? hash[..16] : hash;

    sealed record ExpectedHash(string Hash, HashSet<int> Reported);

    sealed record RoundDeadline(long Round) : INoSerializationVerificationNeeded;

    sealed record ResendStart(long Round) : INoSerializationVerificationNeeded;

    sealed record CheckpointTimeout(long Round) : INoSerializationVerificationNeeded;

    sealed class FinalHashTimeout : INoSerializationVerificationNeeded
    {
        public static readonly FinalHashTimeout Instance = new();
    }
}
