using Akka.Actor;
using Akka.Configuration;
using SignActors.Host.Federation;
using SignActors.Node;
using SignActors.Node.Replicas;
using SignActors.Server;
using SignActors.Training.Data;
using SignActors.Training.Runs;
using TorchSharp;

namespace SignActors.Host.Cluster;

/// <summary>
/// The two roles of SPEC §12 as processes. The server host runs the round coordinator at
/// <c>/user/server</c> and waits for the federation's registrations; a worker host runs a range of
/// node ids and points them at the server's address. The round logic is the same as in one
/// process: a member that is downed (unreachable past stable-after) has its node actors
/// terminated, which the coordinator treats as crashed nodes; a worker host that comes back
/// registers again and is synced by ModelSnapshot.
/// </summary>
public static class ClusterHosts
{
    public static RunOutcome RunServer(FederationRun run, IRunObserver observer, ClusterSettings cluster, StopSignals? signals = null)
    {
        torch.set_num_threads(run.Contract.TorchThreads);
        var outcome = new TaskCompletionSource<RunOutcome>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var system = ActorSystem.Create(ClusterSettings.SystemName, cluster.AkkaConfig("server", Dimension(run), run.Host, run.Akka));
        system.ActorOf(Props.Create(() => new FederationSupervisor(run, null, new CompletingObserver(observer, outcome), reason => outcome.TrySetResult(RunOutcome.Aborted(reason)))), FederationSupervisor.Name);
        signals?.Attach(system, signal => InProcessFederation.StopCleanly(system, signal, outcome.Task));
        system.WhenTerminated.ContinueWith(_ => outcome.TrySetResult(RunOutcome.Aborted("the actor system stopped before the run ended")));
        var result = outcome.Task.GetAwaiter().GetResult();
        var server = system.ActorSelection(FederationSupervisor.ServerPath);
        // Leave the cluster only once every node has acted on RunFinished (their actors stopped).
        try { server.Ask<NodesGone>(AwaitNodesGone.Instance, TimeSpan.FromSeconds(20)).GetAwaiter().GetResult(); }
        catch (AskTimeoutException) { }
        CoordinatedShutdown.Get(system).Run(CoordinatedShutdown.ClrExitReason.Instance).Wait(TimeSpan.FromSeconds(20));
        return result;
    }

    /// <returns>A line saying how this worker's part ended.</returns>
    public static string RunWorker(FederationRun run, IReadOnlyList<int> nodeIds, ClusterSettings cluster, TextWriter log, StopSignals? signals = null)
    {
        torch.set_num_threads(run.Contract.TorchThreads);
        using var system = ActorSystem.Create(ClusterSettings.SystemName, cluster.AkkaConfig("worker", Dimension(run), run.Host, run.Akka));
        var server = ResolveServer(system, cluster, log);
        var done = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var setups = nodeIds.Select(j => new NodeSetup(j, run.Contract, run.Train, run.Shards[j].Records, server, run.Options)).ToArray();
        system.ActorOf(Props.Create(() => new WorkerSupervisor(setups, run.Host.Replicas, server, done)), "worker");
        // A signal: CoordinatedShutdown leaves the cluster gracefully; the server counts these nodes as crashed.
        signals?.Attach(system, _ => Task.CompletedTask);
        system.WhenTerminated.ContinueWith(_ => done.TrySetResult($"stopped by {signals?.Signal ?? "shutdown"}: left the cluster; the server goes on without nodes {string.Join(", ", nodeIds)}"));
        var result = done.Task.GetAwaiter().GetResult();
        CoordinatedShutdown.Get(system).Run(CoordinatedShutdown.ClrExitReason.Instance).Wait(TimeSpan.FromSeconds(20));
        return result;
    }

    /// <summary>The model's d, which sizes Akka.Remote's frames.</summary>
    static int Dimension(FederationRun run) => Training.Models.ModelZoo.Dimension(Training.Models.ModelSpec.For(run.Contract.Model, run.Train));

    /// <summary>The coordinator at the first seed node, retried until the cluster has formed (two minutes at most).</summary>
    static IActorRef ResolveServer(ActorSystem system, ClusterSettings cluster, TextWriter log)
    {
        string path = cluster.SeedNodes[0] + ClusterSettings.ServerPath;
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(2);
        while (true)
        {
            try { return system.ActorSelection(path).ResolveOne(TimeSpan.FromSeconds(2)).GetAwaiter().GetResult(); }
            catch (ActorNotFoundException) when (DateTime.UtcNow < deadline)
            {
                log.WriteLine($"waiting for the server at {path} …");
                Thread.Sleep(1000); // back-off between tries on the host's main thread (no actor blocks): a refused association fails at once
            }
            catch (ActorNotFoundException)
            {
                throw new ConfigurationException($"no server answered at {path} within 2 minutes; is `signactors server` running and is it the first seed node?");
            }
        }
    }

    /// <summary>Parent of this host's node actors; done when they have all stopped, or when the server is gone.</summary>
    sealed class WorkerSupervisor : NodeParent
    {
        readonly IActorRef _server;
        readonly TaskCompletionSource<string> _done;

        public WorkerSupervisor(NodeSetup[] nodes, ReplicaMode replicas, IActorRef server, TaskCompletionSource<string> done)
            : base(nodes, replicas, reason => done.TrySetResult($"stopped: {reason}"))
        {
            _server = server;
            _done = done;
            Context.Watch(server);
        }

        protected override void OnTerminated(Terminated terminated)
        {
            if (terminated.ActorRef.Equals(_server)) _done.TrySetResult("the server is gone");
            else base.OnTerminated(terminated);
        }

        protected override void AllNodesStopped() => _done.TrySetResult("every node finished its run");
    }
}
