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

    public FederationSupervisor(FederationSpec spec, Cifar100Set train, Cifar100Set test, Shard[] shards, IRunObserver observer, Action<string> abort)
    {
        _abort = abort;
        var server = Context.ActorOf(RoundCoordinator.Props(new CoordinatorSetup(spec, train, test, observer, new HashSet<int>()), ServerDispatcher), "server");
        for (int j = 0; j < spec.Nodes; j++)
            Context.ActorOf(NodeActor.Props(new NodeSetup(j, spec, train, shards[j].Records, server), ComputeDispatcher), $"node-{j}");
    }

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
