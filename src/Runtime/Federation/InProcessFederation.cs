using Akka.Actor;
using Akka.Configuration;
using SignActors.Runtime.Configuration;
using SignActors.Runtime.Logging;
using SignActors.Server;
using SignActors.Training.Data;
using SignActors.Training.Runs;
using TorchSharp;

namespace SignActors.Runtime.Federation;

/// <summary>
/// One ActorSystem holding the server and all node actors (SPEC §12, in-process), started on
/// Microsoft.Extensions.Hosting by <see cref="Hosting.ActorSystemHost"/>: nodes on the compute
/// dispatcher (a dedicated pool of <c>compute.threads</c> threads), the server on a pinned thread
/// of its own, Akka's log through Microsoft.Extensions.Logging to NLog. Blocks the calling
/// (non-actor) thread until the run ends.
/// </summary>
public static class InProcessFederation
{
    /// <param name="serializeMessages">Send every local message through the wire format (tests), as Akka.Remote would.</param>
    public static RunOutcome Run(FederationRun run, IRunObserver observer, StopSignals? signals = null, bool serializeMessages = false)
    {
        if (run.Shards.Length != run.Contract.Nodes) throw new ArgumentException($"{run.Shards.Length} shards for {run.Contract.Nodes} nodes", nameof(run));
        // Process-wide and read by every thread that runs a torch op: the per-gradient thread count of SPEC §10.
        torch.set_num_threads(run.Contract.TorchThreads);
        var outcome = new TaskCompletionSource<RunOutcome>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var host = Hosting.ActorSystemHost.Start("signactors", AkkaConfig(run.Host, serializeMessages), run.Akka, LogSetup.AkkaLevel(run.Host.LogLevel), configure: null,
            (system, registry) => StartSupervisor(system, registry, run, run.Shards, observer, outcome),
            signals, (system, signal) => StopCleanly(system, signal, outcome.Task));
        var result = outcome.Task.GetAwaiter().GetResult();
        host.Stop();
        return result;
    }

    /// <summary>
    /// Starts and registers the federation's supervisor (the server, and the nodes given their
    /// <paramref name="shards"/>); <paramref name="outcome"/> completes with the run's outcome, or
    /// with an abort if the supervisor fails or the system stops first.
    /// </summary>
    internal static void StartSupervisor(ActorSystem system, Akka.Hosting.IActorRegistry registry, FederationRun run, Shard[]? shards,
        IRunObserver observer, TaskCompletionSource<RunOutcome> outcome, Server.Rounds.IHostDirectory? hosts = null)
    {
        registry.Register<FederationSupervisor>(system.ActorOf(Props.Create(() =>
            new FederationSupervisor(run, shards, new CompletingObserver(observer, outcome), reason => outcome.TrySetResult(RunOutcome.Aborted(reason)), hosts)), FederationSupervisor.Name));
        system.WhenTerminated.ContinueWith(_ => outcome.TrySetResult(RunOutcome.Aborted("the actor system stopped before the run ended")));
    }

    /// <summary>Asks the server to finish its round and checkpoint; done when it has reported the outcome.</summary>
    public static Task StopCleanly(ActorSystem system, string signal, Task<RunOutcome> outcome)
    {
        system.ActorSelection(FederationSupervisor.ServerPath).Tell(new StopRun(signal));
        return outcome;
    }

    /// <summary>The embedded akka.conf with what this host computes: the compute pool's size and the log level.</summary>
    public static Config AkkaConfig(HostSettings host, bool serializeMessages = false) =>
        ConfigurationFactory.ParseString($$"""
            akka.actor.serialize-messages = {{(serializeMessages ? "on" : "off")}}
            akka.loglevel = {{host.LogLevel.ToUpperInvariant()}}
            signactors-dispatchers.compute.dedicated-thread-pool.thread-count = {{host.ComputeThreads}}
            """).WithFallback(EmbeddedAkka);

    /// <summary>The text of the embedded akka.conf (tests start their systems from it).</summary>
    public static string EmbeddedAkkaText { get; } = RunConfig.ReadResource("SignActors.akka.conf");

    static Config EmbeddedAkka { get; } = ConfigurationFactory.ParseString(EmbeddedAkkaText);
}

/// <summary>Passes a run's reports on, and completes the host's wait when the coordinator reports the outcome.</summary>
public sealed class CompletingObserver(IRunObserver inner, TaskCompletionSource<RunOutcome> outcome) : IRunObserver
{
    public void RoundClosed(Server.Metrics.RoundMetrics metrics) => inner.RoundClosed(metrics);

    public void Finished(RunOutcome result)
    {
        inner.Finished(result);
        outcome.TrySetResult(result);
    }
}
