using Akka.Actor;
using Akka.Event;
using SignActors.Messages.Protocol;
using SignActors.Node;
using SignActors.Node.Replicas;
using SignActors.Server;
using SignActors.Server.Rounds;
using SignActors.Training.Data;
using SignActors.Training.Runs;

namespace SignActors.Runtime.Federation;

/// <summary>
/// Parent of node actors (and, in one process, of the server). A node that throws is restarted:
/// it rebuilds its replica, re-registers and resynchronises through a snapshot, so the invariant
/// holds; a node whose vote throws again in the same round stops the run (NodeFailed). An actor that cannot even start ends the run with the reason instead of leaving it
/// waiting for a vote that will never come. A node that crashes on purpose (SPEC §7) is started
/// afresh when its rejoin round opens. With per-host replicas the parent owns the replica its nodes
/// share.
/// </summary>
public class NodeParent : ReceiveActor
{
    public const string ComputeDispatcher = "signactors-dispatchers.compute";
    public const string ServerDispatcher = "signactors-dispatchers.server";
    public const string ReportDispatcher = "signactors-dispatchers.report";

    readonly Action<string> _abort;
    readonly Dictionary<int, NodeSetup> _setups;
    readonly Dictionary<int, long> _crashed = new(); // node id → the round it rejoins
    readonly HashSet<(int Node, long Round)> _failedVotes = new();
    readonly HostReplica? _host;

    protected NodeParent(IReadOnlyCollection<NodeSetup> nodes, ReplicaMode replicas, Action<string> abort)
    {
        _abort = abort;
        if (replicas == ReplicaMode.PerHost && nodes.FirstOrDefault() is { } any)
        {
            var log = Context.GetLogger();
            _host = new HostReplica(any.Contract, any.Train, any.Options, line => log.Info(line));
        }
        _setups = nodes.ToDictionary(n => n.NodeId, n => n with { Host = _host });
        foreach (var node in _setups.Values) Context.Watch(Context.ActorOf(NodeActor.Props(node, ComputeDispatcher), $"node-{node.NodeId}"));

        Receive<NodeCrashed>(c => _crashed[c.NodeId] = c.RejoinRound);
        Receive<NodeRefused>(OnRefused);
        Receive<RoundOpened>(opened =>
        {
            foreach (var (j, _) in _crashed.Where(c => c.Value <= opened.Round).ToArray())
            {
                _crashed.Remove(j);
                // A crash lost the node's state: it starts fresh, not from the run's checkpoint, and resyncs.
                var fresh = _setups[j] with { RunOptions = _setups[j].Options with { ResumeFrom = null } };
                Context.Watch(Context.ActorOf(NodeActor.Props(fresh, ComputeDispatcher), $"node-{j}-from-round-{opened.Round}"));
            }
        });
        Receive<Terminated>(OnTerminated);
    }

    /// <summary>A watched actor stopped; by default, checks whether every node actor here has.</summary>
    protected virtual void OnTerminated(Terminated terminated)
    {
        if (_crashed.Count == 0 && !Context.GetChildren().Any(c => c.Path.Name.StartsWith("node-", StringComparison.Ordinal))) AllNodesStopped();
    }

    /// <summary>The server refused a node's registration (its id belongs to another live host): by default, the run cannot go on here.</summary>
    protected virtual void OnRefused(NodeRefused refused) => _abort($"node {refused.NodeId} was refused: {refused.Reason}");

    /// <summary>Every node actor here has stopped (the run is over for this host).</summary>
    protected virtual void AllNodesStopped() { }

    protected override void PreStart() => Context.System.EventStream.Subscribe(Self, typeof(RoundOpened));

    protected override void PostStop() // the node actors, children, have stopped
    {
        Context.System.EventStream.Unsubscribe(Self);
        _host?.Dispose();
    }

    protected override SupervisorStrategy SupervisorStrategy() => new OneForOneStrategy(e =>
    {
        switch (e)
        {
            case ActorInitializationException init:
                _abort($"{init.Actor?.Path.Name ?? "an actor"} could not start: {FirstLine(Innermost(e).Message)}");
                return Directive.Stop;
            case NodeVoteException vote when !_failedVotes.Add((vote.NodeId, vote.Round)):
                // The same round failed after a restart and a resync: it will fail every time.
                _setups[vote.NodeId].Server.Tell(new NodeFailed(vote.NodeId, vote.Round, $"threw again after a restart: {Innermost(e).GetType().Name}: {FirstLine(Innermost(e).Message)}"));
                return Directive.Stop;
            default:
                return Directive.Restart;
        }
    });

    static Exception Innermost(Exception e) => e.InnerException is null ? e : Innermost(e.InnerException);

    static string FirstLine(string message) => message.Split('\n', 2)[0].Trim(); // libtorch appends its C++ stack
}

/// <summary>
/// The server and, in one process, every node; on a cluster's server host the server alone
/// (no shards). A server that cannot start ends the run with the reason.
/// </summary>
public sealed class FederationSupervisor : NodeParent
{
    public const string Name = "federation";

    /// <summary>Where the coordinator lives in the server's ActorSystem.</summary>
    public const string ServerPath = "/user/" + Name + "/server";

    public FederationSupervisor(FederationRun run, Shard[]? shards, IRunObserver observer, Action<string> abort, IHostDirectory? hosts = null)
        : base(Nodes(run, shards, Context.ActorOf(RoundCoordinator.Props(new CoordinatorSetup(run.Contract, run.Train, run.Test, observer, run.Options, ReportDispatcher, hosts), ServerDispatcher), "server")), run.Host.Replicas, abort)
    {
    }

    static NodeSetup[] Nodes(FederationRun run, Shard[]? shards, IActorRef server) =>
        shards is null ? [] : Enumerable.Range(0, run.Contract.Nodes).Select(j => new NodeSetup(j, run.Contract, run.Train, shards[j].Records, server, run.Options)).ToArray();
}
