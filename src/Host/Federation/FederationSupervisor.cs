using Akka.Actor;
using SignActors.Node;
using SignActors.Server;
using SignActors.Training.Data;
using SignActors.Training.Runs;

namespace SignActors.Host.Federation;

/// <summary>
/// Parent of the server and the node actors of one in-process federation. A node that throws is
/// restarted: it rebuilds its replica, re-registers and resynchronises through a snapshot, so
/// the invariant holds. An actor that cannot even start (or a failing server) ends the run with
/// the reason instead of leaving it waiting for a vote that will never come.
/// </summary>
public sealed class FederationSupervisor : ReceiveActor
{
    public const string ComputeDispatcher = "signactors-dispatchers.compute";
    public const string ServerDispatcher = "signactors-dispatchers.server";

    readonly Action<string> _abort;
    readonly NodeSetup[] _nodes;
    readonly Dictionary<int, long> _crashed = new(); // node id → the round it rejoins

    public FederationSupervisor(FederationSpec spec, Cifar100Set train, Cifar100Set test, Shard[] shards, IRunObserver observer, Action<string> abort)
    {
        _abort = abort;
        var server = Context.ActorOf(RoundCoordinator.Props(new CoordinatorSetup(spec, train, test, observer), ServerDispatcher), "server");
        _nodes = Enumerable.Range(0, spec.Nodes).Select(j => new NodeSetup(j, spec, train, shards[j].Records, server)).ToArray();
        foreach (var node in _nodes) Context.ActorOf(NodeActor.Props(node, ComputeDispatcher), $"node-{node.NodeId}");

        // SPEC §7 crash and rejoin: the crashed actor is gone; a fresh one (new replica, no estimator
        // state) starts when its rejoin round opens, registers and syncs from a ModelSnapshot.
        Receive<NodeCrashed>(c => _crashed[c.NodeId] = c.RejoinRound);
        Receive<RoundOpened>(opened =>
        {
            foreach (var (j, rejoin) in _crashed.Where(c => c.Value <= opened.Round).ToArray())
            {
                _crashed.Remove(j);
                Context.ActorOf(NodeActor.Props(_nodes[j], ComputeDispatcher), $"node-{j}-from-round-{opened.Round}");
            }
        });
    }

    protected override void PreStart() => Context.System.EventStream.Subscribe(Self, typeof(RoundOpened));

    protected override void PostStop() => Context.System.EventStream.Unsubscribe(Self);

    protected override SupervisorStrategy SupervisorStrategy() => new OneForOneStrategy(e =>
    {
        switch (e)
        {
            case ActorInitializationException init:
                _abort($"{init.Actor?.Path.Name ?? "an actor"} could not start: {Innermost(e).Message}");
                return Directive.Stop;
            default:
                return Directive.Restart;
        }
    });

    static Exception Innermost(Exception e) => e.InnerException is null ? e : Innermost(e.InnerException);
}
