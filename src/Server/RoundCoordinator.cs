using System.Diagnostics;
using Akka.Actor;
using Akka.Event;
using SignActors.Messages.Protocol;
using SignActors.Messages.Transport;
using SignActors.Server.Checkpoints;
using SignActors.Server.Metrics;
using SignActors.Server.Reporting;
using SignActors.Server.Rounds;
using static SignActors.Server.Rounds.RoundTimers;
using SignActors.Training.Faults;
using SignActors.Training.Runs;

namespace SignActors.Server;

/// <summary>
/// The server (SPEC §6), a state machine that only moves messages: <c>WaitingForNodes</c> → <c>InRound</c>
/// (per round; <c>CollectingStates</c> before a checkpoint) → <c>Finishing</c> (the last hashes) → <c>Finished</c>.
/// The math is in <see cref="ServerReplica"/>, the decisions in <c>Rounds/</c>; evaluation, metrics and files go
/// to the <see cref="RunReporter"/>, so StartRound t + 1 leaves right after round t's aggregate. Any exception
/// stops the run with one line: nothing leaves the federation waiting.
/// </summary>
public sealed class RoundCoordinator : ReceiveActor, IWithTimers
{
    static readonly TimeSpan FinalHashWait = TimeSpan.FromSeconds(60), StateWait = TimeSpan.FromSeconds(30);
    static readonly IReadOnlyDictionary<int, EstimatorSnapshot> NoStates = new Dictionary<int, EstimatorSnapshot>();

    readonly CoordinatorSetup _setup;
    readonly RunContract _spec;
    readonly RunOptions _options;
    readonly ILoggingAdapter _log = Context.GetLogger();
    readonly Links _links = Links.Of(Context.System); // to a node on another host, through the host link
    readonly Membership _members;
    readonly RoundTiming _timing = new();
    readonly Dictionary<VoteVerdict, long> _drops = new();
    readonly Stopwatch _runClock = new();
    readonly ParticipationLedger _ledger;
    ServerReplica _server = null!;
    IActorRef _reporter = ActorRefs.Nobody;
    OpenRound? _open;
    string? _stopReason; // a StopRun came: finish the open round, checkpoint, stop
    bool _finished;

    public RoundCoordinator(CoordinatorSetup setup)
    {
        (_setup, _spec, _options, _members) = (setup, setup.Contract, setup.Options, new Membership(setup.Contract.Nodes));
        _ledger = new ParticipationLedger(_spec.Nodes, _spec.RoundPolicy.Kind == RoundPolicyKind.Deadline, _spec.FaultPlan.Byzantine);
        WaitingForNodes();
    }

    public ITimerScheduler Timers { get; set; } = null!;
    public static Props Props(CoordinatorSetup setup, string dispatcher) => Akka.Actor.Props.Create(() => new RoundCoordinator(setup)).WithDispatcher(dispatcher);
    long LastClosed => _server.LastAppliedRound;

    protected override void PreStart() // a failure here is the parent's: it ends the run with the reason (NodeParent)
    {
        _server = new ServerReplica(_spec, _options, _setup.Train);
        _reporter = Context.ActorOf(RunReporter.Props(_setup), "reporter");
        _log.Info("server: d = {0:N0}, waiting for {1} nodes{2}", _server.Dimension, _spec.Nodes, LastClosed > 0 ? $", resuming after round {LastClosed}" : "");
    }

    protected override void PostStop() => _server?.Dispose();

    protected override bool AroundReceive(Receive receive, object message) // a restart would lose the round and hang the run
    {
        try { return base.AroundReceive(receive, message); }
        catch (Exception e) when (!_finished)
        {
            Fail(e is Aggregators.AggregationRefused ? e.Message : $"internal error while handling {message.GetType().Name}: {StopReasons.OneLine(e)}");
            return true;
        }
    }

    // A child failing (the reporter's evaluation or metrics write, a checkpoint's collection) stops the run too.
    protected override SupervisorStrategy SupervisorStrategy() => new OneForOneStrategy(e => { Self.Tell(new ChildFailed(StopReasons.OneLine(e))); return Directive.Stop; });

    int ExpectedNodes => _options.ExpectedNodes ?? _spec.Nodes;

    void WaitingForNodes()
    {
        Receive<RegisterNode>(r =>
        {
            if (!Register(r) || _members.Count < ExpectedNodes) return;
            _log.Info("server: {0} of {1} nodes registered; starting round {2}", _members.Count, _spec.Nodes, LastClosed + 1);
            _runClock.Start();
            StartRound(LastClosed + 1);
        });
        Receive<Vote>(v => Drop(v, VoteVerdict.FutureRound));
        Receive<StopRun>(s => Finish(Outcome(false, $"{s.Reason} before round {LastClosed + 1} began", stopped: true)));
        Common();
    }

    void InRound()
    {
        Receive<Vote>(OnVote);
        Receive<VoteArriving>(a => a.Round == _open?.Round && _members.Speaks(a.NodeId, Sender), a =>
        {
            _open!.Arriving(a.NodeId);
            ArmWaits(a.Round); // progress: the round is slow, not stuck
        });
        Receive<Terminated>(t =>
        {
            NodeGone(t);
            if (AllExpectedVoted()) CloseRound();
            else if (_members.Count == 0) AwaitRejoin(_open!.Round);
        });
        Receive<NoNodeLeft>(n => n.Round == _open?.Round, _ => StopWithCheckpoint(StopReasons.NoNodeLeft(_open!.Round, RejoinWait, WithCheckpoint, LastClosed)));
        Receive<RoundDeadline>(d => d.Round == _open?.Round, OnDeadline);
        Receive<ResendStart>(r => r.Round == _open?.Round, r =>
        {
            // Akka.Remote delivers at most once: a node whose StartRound (or Vote) was lost is asked again,
            // unless its vote is on its way (a float32 vote over a slow link takes a while).
            foreach (int j in _open!.NotHeardFrom(_members.Ids)) Send(_members.ActorOf(j), _open.Start);
            Timers.StartSingleTimer(nameof(ResendStart), r, _timing.ResendAfter);
        });
        Receive<WatchdogTimeout>(w => w.Round == _open?.Round, _ =>
            StopWithCheckpoint(StopReasons.Watchdog(_open!.Round, _timing.WatchdogAfter, _open.Missing(_members.Ids), _open.Voted.Count, _members.Count, WithCheckpoint, LastClosed)));
        Common();
    }

    void CollectingStates()
    {
        Receive<StatesCollected>(_ => ContinueOrStop(LastClosed + 1, _options.CheckpointPath)); // the checkpoint is queued to be written first
        Common();
    }

    void Finishing()
    {
        Receive<ReplicaHash>(h => { OnReplicaHash(h); if (!_finished) CompleteWhenConfirmed(); });
        Receive<Terminated>(t => { NodeGone(t); CompleteWhenConfirmed(); }); // a node lost after the last round owes no hash
        Receive<FinalHashTimeout>(_ => Fail(StopReasons.HashesMissing(_server.Replicas.Unconfirmed(_spec.Rounds, _members.Ids), FinalHashWait)));
        Common();
    }

    void Finished()
    {
        var waiting = new List<IActorRef>(); // hosts waiting for every node to have stopped
        Receive<Terminated>(t => { NodeGone(t); if (_members.Count == 0) waiting.ForEach(w => w.Tell(NodesGone.Instance)); });
        Receive<AwaitNodesGone>(_ => { if (_members.Count == 0) Sender.Tell(NodesGone.Instance); else waiting.Add(Sender); });
        Receive<GetRegistrations>(_ => Sender.Tell(new Registrations(_members.Count, ExpectedNodes, Ready: true)));
        ReceiveAny(_ => { }); // votes after the outcome included: it is written
    }

    void Common()
    {
        Receive<GetRegistrations>(_ => Sender.Tell(new Registrations(_members.Count, ExpectedNodes, Ready: _runClock.IsRunning)));
        Receive<RegisterNode>(r => { Register(r); }); // a block: a Func<T, bool> handler returning false would mean "unhandled"
        Receive<VoteArriving>(_ => { });             // for a round already closed: its vote will be late
        Receive<Terminated>(NodeGone);
        Receive<SnapshotRequest>(OnSnapshotRequest);
        Receive<ReplicaHash>(OnReplicaHash);
        Receive<Vote>(v => Drop(v, VoteVerdict.Late));
        Receive<StopRun>(s => _stopReason ??= s.Reason);
        Receive<RoundTimer>(_ => { }); // a timer of a round that has closed
        Receive<NodeFailed>(f => Fail($"node {f.NodeId} failed in round {f.Round}: {f.Reason}"));
        Receive<ChildFailed>(f => { Context.Stop(_reporter); _reporter = ActorRefs.Nobody; Fail($"reporting or checkpointing failed: {f.Reason}"); }); // the outcome then goes to the observer directly
        ReceiveAny(m => _log.Warning("server: dropped unexpected {0} from {1}", m.GetType().Name, Sender));
    }

    bool Register(RegisterNode r)
    {
        var claim = _members.Admit(r.NodeId, Sender, _setup.Hosts);
        if (claim.News is { } n) _log.Log(n.Level, n.Line);
        if (claim.Refusal is { } refusal) Send(Sender, new RegistrationRefused(r.NodeId, refusal));
        if (!claim.Admitted) return false;
        if (claim.Replaced is { } replaced)
        {
            Context.Unwatch(replaced);
            Send(replaced, new RegistrationReplaced(r.NodeId)); // it stops: its votes would be dropped
        }
        Send(Context.Watch(Sender), new NodeRegistered(r.NodeId, LastClosed));
        if (_open is { } open && open.Invites(r.NodeId) && open.VoteOf(r.NodeId) is null) Send(Sender, open.Start); // a restarted node need not wait for the resend
        if (_open is { } waiting && Timers.IsTimerActive(nameof(NoNodeLeft)))
        {
            Timers.Cancel(nameof(NoNodeLeft));
            ArmWaits(waiting.Round); // a node again: the round's usual waits
        }
        return true;
    }

    void NodeGone(Terminated t)
    {
        if (_members.Lose(t.ActorRef, _finished, _spec.FaultPlan, LastClosed + 1) is not { } news) return;
        _log.Log(news.Level, news.Line);
        if (news.Happening is { } happening) _ledger.Note(happening);
    }

    void StartRound(long t)
    {
        _open = new OpenRound(_server.Start(t), Participation.For(_spec.Participation, _spec.Seed, t, _spec.Nodes, _spec.FaultPlan));
        Context.System.EventStream.Publish(new RoundOpened(t));
        foreach (var (j, node) in _members.All)
        {
            if (_open.Invites(j)) _open.Invited++;
            // A configured crash happens as its round starts, drawn or not (simulation knowledge, like wait-all's).
            if (_open.Invites(j) || _spec.FaultPlan.For(j).Crash?.AtRound == t) Send(node, _open.Start);
        }
        if (_spec.RoundPolicy.Kind == RoundPolicyKind.Deadline) Timers.StartSingleTimer(nameof(RoundDeadline), new RoundDeadline(t), TimeSpan.FromMilliseconds(_spec.RoundPolicy.DeadlineMs));
        ArmWaits(t);
        Become(InRound);
    }

    /// <summary>
    /// Resend and watchdog count from the round's last progress (its start, or an accepted vote): a
    /// round of 10,000 nodes on two cores, or of votes crossing a slow link one after another, is
    /// slow, not stuck.
    /// </summary>
    void ArmWaits(long t)
    {
        Timers.StartSingleTimer(nameof(ResendStart), new ResendStart(t), _timing.ResendAfter);
        Timers.StartSingleTimer(nameof(WatchdogTimeout), new WatchdogTimeout(t), _timing.WatchdogAfter);
    }

    TimeSpan RejoinWait => TimeSpan.FromMilliseconds(_options.RejoinWaitMs);

    /// <summary>
    /// No node is left to vote (every worker host lost): nobody can send the round's votes, so the
    /// watchdog's wait (20 × the median round) would only hold the run. The server waits for
    /// registrations for rejoin-wait instead (a host restarted, a scheduler's requeue), then stops.
    /// </summary>
    void AwaitRejoin(long t)
    {
        Timers.Cancel(nameof(ResendStart));
        Timers.Cancel(nameof(WatchdogTimeout));
        Timers.StartSingleTimer(nameof(NoNodeLeft), new NoNodeLeft(t), RejoinWait);
        _log.Warning("server: no node left in round {0}; waiting {1:F0} s for registrations (signactors.rejoin-wait-ms)", t, RejoinWait.TotalSeconds);
    }

    bool AllExpectedVoted() => _open is { } open && RoundClosing.AllExpectedVoted(open.Voted, _members.Ids, _spec.FaultPlan, open.Round, open.Participants);

    void OnDeadline(RoundDeadline deadline)
    {
        var (policy, open) = (_spec.RoundPolicy, _open!);
        var decision = RoundClosing.AtDeadline(policy, open.Voted.Count, open.Extensions);
        if (decision == DeadlineDecision.Close) CloseRound();
        else if (decision == DeadlineDecision.Fail) Fail(StopReasons.BelowQuorum(open.Round, open.Voted.Count, policy, LastClosed));
        else
        {
            _log.Warning(StopReasons.Extension(open.Round, open.Voted.Count, policy, ++open.Extensions));
            Timers.StartSingleTimer(nameof(RoundDeadline), deadline, TimeSpan.FromMilliseconds(policy.DeadlineMs));
        }
    }

    void OnVote(Vote vote)
    {
        var verdict = _server.Admit(vote, _open!, _members.Speaks(vote.NodeId, Sender));
        if (verdict == VoteVerdict.Accepted && !_open!.Invites(vote.NodeId)) verdict = VoteVerdict.NotParticipant;
        if (verdict == VoteVerdict.Accepted)
        {
            _open!.Accept(vote);
            ArmWaits(vote.Round);
        }
        else Drop(vote, verdict);
        if (AllExpectedVoted()) CloseRound(); // a drop changes nothing: the round was open before it
    }

    /// <summary>A protocol message to a node, in order with everything else the server sends it.</summary>
    void Send(IActorRef node, object message) => _links.Send(node, message, Self);

    void Drop(Vote vote, VoteVerdict verdict)
    {
        _drops[verdict] = _drops.GetValueOrDefault(verdict) + 1;
        _open?.Dropped(verdict, vote.NodeId);
        _log.Log(VoteAdmission.LogLevelOf(verdict), null, "server: dropped vote of node {0} for round {1} from {2}: {3}", vote.NodeId, vote.Round, Sender, verdict);
    }

    void CloseRound()
    {
        var (round, closing) = (_open!, Stopwatch.StartNew());
        (long t, var votes, _open) = (round.Round, round.Votes(), null);
        Timers.CancelAll();
        var aggregate = _server.Aggregate(round, votes);
        _ledger.Close(t, j => round.VoteOf(j) is not null ? ParticipationLedger.Voted
            : new NodeInRound(false, _spec.FaultPlan.IsDown(j, t), round.Invites(j), _members.Holds(j), _members.EverRegistered(j), round.DroppedFrom(j),
                !_members.Holds(j) || _setup.Hosts.StateOf(_members.ActorOf(j).Path.Address) == HostState.Live,
                _members.Rejoining(j) && _spec.FaultPlan.For(j).Crash is null)); // a configured crash's return is the plan's
        foreach (int j in round.Voted) _members.Voted(j);
        foreach (var node in _members.Actors) Send(node, aggregate);
        var (wallMs, elapsed, recipients) = (round.Clock.Elapsed.TotalMilliseconds, _runClock.Elapsed.TotalSeconds, _members.Count);
        _timing.Record(round.Clock.Elapsed);
        var next = RoundClosing.After(t, _spec.Rounds, _options.CheckpointsAfter(t, _spec.Rounds), _stopReason is not null, _options.CheckpointPath is not null);
        if (next == AfterClose.NextRound) StartRound(t + 1); // before the books: nodes compute meanwhile
        _reporter.Tell(_server.Apply(round, votes, aggregate, recipients, _setup.Train.Count, wallMs, elapsed, closing.Elapsed.TotalMilliseconds));
        switch (next)
        {
            case AfterClose.Checkpoint: // a child gathers the nodes' states; rounds go on (or the run stops) once it has
                Context.ActorOf(NodeStateCollector.Props(_server.Checkpoint(NoStates), _members.All.ToDictionary(n => n.Key, n => n.Value), _options.CheckpointPath!, _reporter, StateWait));
                Become(CollectingStates);
                break;
            case AfterClose.Stop: ContinueOrStop(t + 1, null); break;
            case AfterClose.Finish:
                Timers.StartSingleTimer(nameof(FinalHashTimeout), new FinalHashTimeout(t), FinalHashWait);
                Become(Finishing);
                CompleteWhenConfirmed(); // at once without verify-replicas, or with no node left to confirm
                break;
        }
    }

    void ContinueOrStop(long next, string? checkpoint)
    {
        if (_stopReason is null) StartRound(next);
        else Finish(Outcome(false, StopReasons.Stopped(_stopReason, next - 1, checkpoint), stopped: true));
    }

    /// <summary>Where a stop inside a round keeps the global model: none before round 1 has closed.</summary>
    string? WithCheckpoint => LastClosed > 0 ? _options.CheckpointPath : null;

    /// <summary>
    /// A round that cannot close (no vote for 20 × the median round time, or no node left): stop
    /// with the reason and keep the global model. Nodes that voted have moved their estimators on,
    /// so the checkpoint holds the global model only.
    /// </summary>
    void StopWithCheckpoint(string reason)
    {
        if (WithCheckpoint is { } path) _reporter.Tell(new WriteCheckpoint(_server.Checkpoint(NoStates), path));
        Fail(reason);
    }

    void OnSnapshotRequest(SnapshotRequest request)
    {
        if (!_members.Speaks(request.NodeId, Sender))
        {
            _log.Warning("server: ignored snapshot request for node {0} from unregistered {1}", request.NodeId, Sender);
            return;
        }
        _log.Info("server: node {0} is at round {1}; sending the global model after round {2}", request.NodeId, request.LastAppliedRound, LastClosed);
        Send(Sender, _server.Snapshot());
        if (_open is not null && _open.Invites(request.NodeId) && _open.VoteOf(request.NodeId) is null) Send(Sender, _open.Start);
    }

    void OnReplicaHash(ReplicaHash h)
    {
        string? expected = _server.Replicas.Expected(h.Round);
        if (_server.Replicas.Report(h.Round, h.NodeId, h.Sha256, _members.Ids) == HashVerdict.Diverged) Fail(StopReasons.Divergence(h.NodeId, h.Round, h.Sha256, expected!));
    }

    void CompleteWhenConfirmed()
    {
        if (!_server.Replicas.Unconfirmed(_spec.Rounds, _members.Ids).Any()) Finish(Outcome(true, StopReasons.Completed(_spec.Rounds, _spec.VerifyReplicas, _members.Count)));
    }

    void Fail(string reason)
    {
        _log.Error("server: stopping the run: {0}", reason);
        Finish(Outcome(false, reason));
    }

    RunOutcome Outcome(bool completed, string message, bool stopped = false) =>
        _server.Outcome(completed, message, _drops, stopped) with { Participation = new ParticipationReport(_ledger.Summary(), _ledger.Csv(), _ledger.Degraded) };

    void Finish(RunOutcome outcome)
    {
        (_finished, _open) = (true, null);
        Timers.CancelAll();
        foreach (var node in _members.Actors) Send(node, new RunFinished(LastClosed, outcome.Message));
        Become(Finished);
        if (_reporter.IsNobody()) _setup.Observer.Finished(outcome);
        else _reporter.Tell(new ReportOutcome(outcome)); // after the rows and checkpoints sent before it
    }
}
