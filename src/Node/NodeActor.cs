using Akka.Actor;
using Akka.Event;
using SignActors.Messages.Protocol;
using SignActors.Messages.Transport;
using SignActors.Node.Faults;
using SignActors.Node.Replicas;
using SignActors.Training.Data;
using SignActors.Training.Models;
using SignActors.Training.Runs;

namespace SignActors.Node;

/// <summary>Node → its parent: I crashed (SPEC §7); start a fresh me when round <paramref name="RejoinRound"/> opens.</summary>
public sealed record NodeCrashed(int NodeId, long RejoinRound) : INoSerializationVerificationNeeded;

/// <summary>
/// Node → its parent: the server refused my registration (node <paramref name="NodeId"/> belongs to
/// another live host); I have stopped, and this host should say <paramref name="Reason"/> and end.
/// </summary>
public sealed record NodeRefused(int NodeId, string Reason) : INoSerializationVerificationNeeded;

/// <summary>
/// Node j's computation of round t's vote threw something unforeseen: its parent restarts it (it
/// resyncs through a snapshot), and stops the run if it throws again in the same round.
/// </summary>
public sealed class NodeVoteException(int nodeId, long round, Exception inner)
    : Exception($"node {nodeId} failed computing its vote for round {round}: {inner.GetType().Name}: {inner.Message}", inner)
{
    public int NodeId => nodeId;
    public long Round => round;
}

/// <summary>What a node actor is built from: the run's contract (and options: the checkpoint it resumes from), its shard, its server.</summary>
/// <param name="Server">The round coordinator.</param>
/// <param name="Host">The host's shared replica (per-host replicas); null: the node builds its own.</param>
public sealed record NodeSetup(int NodeId, RunContract Contract, ImageSet Train, int[] Shard, IActorRef Server, RunOptions? RunOptions = null, HostReplica? Host = null)
{
    public RunOptions Options => RunOptions ?? Training.Runs.RunOptions.Default;
}

/// <summary>
/// Worker node j (SPEC §6): registers with the server, answers each <see cref="StartRound"/> with a
/// <see cref="Vote"/>, applies each <see cref="Aggregate"/>, and asks for a
/// <see cref="ModelSnapshot"/> whenever it cannot follow from its last applied round.
/// <para>
/// States: <c>Registering</c> → <c>Ready</c> ⇄ <c>Syncing</c>. The gradient is computed inside
/// the message handler: node actors run on the compute dispatcher (never the default one), and a
/// vote never waits on another actor. The math is in <see cref="NodeReplica"/>.
/// </para>
/// </summary>
public sealed class NodeActor : ReceiveActor, IWithStash, IWithTimers
{
    static readonly TimeSpan RetryEvery = TimeSpan.FromSeconds(2);

    readonly NodeSetup _setup;
    readonly ILoggingAdapter _log = Context.GetLogger();
    readonly Links _links = Links.Of(Context.System); // to a server on another host, through the host link
    NodeReplica? _replica;
    Vote? _lastVote;

    public NodeActor(NodeSetup setup)
    {
        _setup = setup;
        Registering();
    }

    public IStash Stash { get; set; } = null!;
    public ITimerScheduler Timers { get; set; } = null!;

    NodeReplica Replica => _replica!;
    int Id => _setup.NodeId;

    public static Props Props(NodeSetup setup, string dispatcher) =>
        Akka.Actor.Props.Create(() => new NodeActor(setup)).WithDispatcher(dispatcher);

    protected override void PreStart()
    {
        var host = _setup.Host?.Model;
        var device = host is null ? ReplicaDevice.Resolve(_setup.Contract.Device, Id, line => _log.Info(line)) : null;
        _replica = new NodeReplica(Id, _setup.Contract, _setup.Train, _setup.Shard, device, _setup.Options.EvalBatchSize, host);
        if (_setup.Options.ResumeFrom is { } checkpoint) _replica.Resume(checkpoint);
        Register();
        Timers.StartPeriodicTimer("register", RegisterTick.Instance, RetryEvery);
    }

    protected override void PostStop() => _replica?.Dispose();

    void Registering()
    {
        Receive<NodeRegistered>(r => r.NodeId == Id, r =>
        {
            Timers.Cancel("register");
            _log.Debug("node {0} registered; global model at round {1}", Id, r.LastAppliedRound);
            if (r.LastAppliedRound == Replica.LastAppliedRound) BecomeReady();
            else RequestSnapshot();
        });
        Receive<RegisterTick>(_ => Register());
        Receive<RegistrationRefused>(r => r.NodeId == Id, r =>
        {
            _log.Info("node {0}: the server refused its registration: {1}", Id, r.Reason); // the host says it, once
            Context.Parent.Tell(new NodeRefused(Id, r.Reason));
            Context.Stop(Self);
        });
        Receive<StartRound>(_ => Stash.Stash());
        Receive<Aggregate>(_ => Stash.Stash());
        Common();
    }

    void Ready()
    {
        Receive<StartRound>(OnStartRound);
        Receive<Aggregate>(OnAggregate);
        Receive<ModelSnapshot>(s => { if (s.Round > Replica.LastAppliedRound) Restore(s); });
        Receive<StateRequest>(r =>
        {
            // Only a state at exactly the asked round can go into that round's checkpoint.
            if (r.Round == Replica.LastAppliedRound) _links.Send(Sender, new NodeState(r.Round, Id, Replica.ExportEstimator()), Self); // the server's collector
        });
        Receive<NodeRegistered>(_ => { });
        Common();
    }

    void Syncing()
    {
        Receive<ModelSnapshot>(s =>
        {
            Timers.Cancel("snapshot");
            Restore(s);
            BecomeReady();
        });
        Receive<SnapshotTick>(_ => ToServer(new SnapshotRequest(Id, Replica.LastAppliedRound)));
        Receive<StartRound>(_ => Stash.Stash());
        Receive<Aggregate>(_ => Stash.Stash());
        Receive<NodeRegistered>(_ => { });
        Common();
    }

    void Common()
    {
        Receive<RunFinished>(f =>
        {
            _log.Debug("node {0}: run finished after {1} rounds ({2})", Id, f.Rounds, f.Reason);
            Context.Stop(Self);
        });
        Receive<RegistrationReplaced>(r => r.NodeId == Id, _ =>
        {
            _log.Warning("node {0}: another actor has registered node {0} with the server; this one stops", Id);
            Context.Stop(Self);
        });
        Receive<RegisterTick>(_ => { });
        Receive<SnapshotTick>(_ => { });
        Receive<DelayedVote>(d => ToServer(d.Vote));
        ReceiveAny(m => _log.Warning("node {0}: dropped unexpected {1} from {2}", Id, m.GetType().Name, Sender));
    }

    void OnStartRound(StartRound start)
    {
        long next = Replica.LastAppliedRound + 1;
        if (start.Round < next) return; // a repeat of a round this node has already moved past
        if (start.Round > next)
        {
            Stash.Stash();
            RequestSnapshot();
            return;
        }
        if (_lastVote?.Round == start.Round)
        {
            // The server asked again (a StartRound or our Vote was lost): resend, never recompute —
            // the estimator has already advanced.
            ToServer(_lastVote);
            return;
        }
        if (Replica.Faults.Crash is { } crash && start.Round == crash.AtRound)
        {
            // The actor and everything in it (replica, estimator) are gone; the parent starts a fresh node later.
            _log.Warning("node {0} crashes at the start of round {1}; back at round {2}", Id, start.Round, crash.RejoinRound);
            Context.Parent.Tell(new NodeCrashed(Id, crash.RejoinRound));
            Context.Stop(Self);
            return;
        }
        try
        {
            if (Replica.ComputeVote(start) is not { } vote) return; // the host applied round t first: a vote now could only be late
            _lastVote = vote;
            var delay = StragglerDelay.For(Replica.Faults.Straggler, _setup.Contract.Seed, Id, start.Round);
            if (delay == TimeSpan.Zero) ToServer(vote);
            else Timers.StartSingleTimer($"vote-{start.Round}", new DelayedVote(vote), delay); // the scheduler, never a sleeping thread
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            string reason = e.Message.Split(" (Parameter")[0];
            _log.Error("node {0} cannot vote in round {1}: {2}", Id, start.Round, reason);
            ToServer(new NodeFailed(Id, start.Round, reason));
        }
        catch (Exception e) { throw new NodeVoteException(Id, start.Round, e); }
    }

    void OnAggregate(Aggregate aggregate)
    {
        long next = Replica.LastAppliedRound + 1;
        if (aggregate.Round > next)
        {
            // An aggregate was lost: applying this one would diverge, so resynchronise instead.
            _log.Warning("node {0} holds x_{1} and received round {2}'s aggregate; requesting a snapshot", Id, next, aggregate.Round);
            Stash.Stash();
            RequestSnapshot();
            return;
        }
        try
        {
            if (!Replica.Apply(aggregate)) return; // this node has taken it already (a repeat)
        }
        catch (ArgumentException e)
        {
            // Malformed (wrong length or kind): never applied; a snapshot brings the replica back in step.
            _log.Error("node {0}: round {1}'s aggregate is unusable ({2}); requesting a snapshot", Id, aggregate.Round, e.Message);
            RequestSnapshot();
            return;
        }
        // Per host the replica is hashed once a round and every node reports it; null: it has moved on.
        if (_setup.Contract.VerifyReplicas && Replica.HashAfter(aggregate.Round) is { } hash) ToServer(new ReplicaHash(aggregate.Round, Id, hash.Hex));
    }

    void Restore(ModelSnapshot snapshot)
    {
        try
        {
            Replica.Restore(snapshot);
            _log.Info("node {0} restored the global model after round {1}", Id, snapshot.Round);
        }
        catch (ArgumentException e)
        {
            _log.Error("node {0}: snapshot of round {1} is unusable ({2})", Id, snapshot.Round, e.Message);
        }
    }

    void Register() => ToServer(new RegisterNode(Id));

    /// <summary>A protocol message to the server, in order with everything else this node sends it.</summary>
    void ToServer(object message) => _links.Send(_setup.Server, message, Self);

    void RequestSnapshot()
    {
        ToServer(new SnapshotRequest(Id, Replica.LastAppliedRound));
        Timers.StartPeriodicTimer("snapshot", SnapshotTick.Instance, RetryEvery);
        Become(Syncing);
    }

    void BecomeReady()
    {
        Become(Ready);
        Stash.UnstashAll();
    }

    sealed record DelayedVote(Vote Vote) : INoSerializationVerificationNeeded;

    sealed class RegisterTick : INoSerializationVerificationNeeded
    {
        public static readonly RegisterTick Instance = new();
    }

    sealed class SnapshotTick : INoSerializationVerificationNeeded
    {
        public static readonly SnapshotTick Instance = new();
    }
}
