using SignActors.Messages.Transport;
using Akka.Actor;
using Akka.Configuration;
using Microsoft.Extensions.Logging;
using SignActors.Runtime.Cluster.Tls;
using SignActors.Runtime.Federation;
using SignActors.Runtime.Hosting;
using SignActors.Runtime.Logging;
using SignActors.Node;
using SignActors.Node.Replicas;
using SignActors.Server;
using SignActors.Training.Data;
using SignActors.Training.Runs;
using TorchSharp;

namespace SignActors.Runtime.Cluster;

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
    /// <param name="say">Gets the line on how close the worker hosts' heartbeats came to the failure detector's limit.</param>
    public static RunOutcome RunServer(FederationRun run, IRunObserver observer, ClusterSettings cluster, StopSignals? signals = null, Action<string>? say = null)
    {
        torch.set_num_threads(run.Contract.TorchThreads);
        var outcome = new TaskCompletionSource<RunOutcome>(TaskCreationOptions.RunContinuationsAsynchronously);
        var (host, _) = Start(run, cluster, ClusterSettings.ServerRole, signals,
            (system, registry) => InProcessFederation.StartSupervisor(system, registry, run, shards: null, observer, outcome, new ClusterHostDirectory(Akka.Cluster.Cluster.Get(system))),
            (system, signal) => InProcessFederation.StopCleanly(system, signal, outcome.Task));
        using var _ = host;
        var result = outcome.Task.GetAwaiter().GetResult();
        var server = host.System.ActorSelection(FederationSupervisor.ServerPath);
        // Leave the cluster only once every node has acted on RunFinished (their actors stopped).
        try { server.Ask<NodesGone>(AwaitNodesGone.Instance, TimeSpan.FromSeconds(20)).GetAwaiter().GetResult(); }
        catch (AskTimeoutException) { }
        if (HeartbeatLine(host.System) is { } heartbeats) say?.Invoke(heartbeats);
        host.Stop(); // CoordinatedShutdown: leave the cluster, then stop
        return result;
    }

    /// <returns>A line saying how this worker's part ended.</returns>
    public static string RunWorker(FederationRun run, IReadOnlyList<int> nodeIds, ClusterSettings cluster, TextWriter log, StopSignals? signals = null)
    {
        torch.set_num_threads(run.Contract.TorchThreads);
        var done = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        // A signal: CoordinatedShutdown leaves the cluster gracefully; the server counts these nodes as crashed.
        var (host, refusals) = Start(run, cluster, ClusterSettings.WorkerRole, signals, (_, _) => { }, null);
        using var _ = host;
        var system = host.System;
        system.WhenTerminated.ContinueWith(_ => done.TrySetResult($"stopped by {signals?.Signal ?? "shutdown"}: left the cluster; the server goes on without nodes {string.Join(", ", nodeIds)}"));
        // Under discovery the other hosts may start minutes later (a scheduler's queue): wait longer for them.
        if (ResolveServer(system, cluster, log, TimeSpan.FromMinutes(cluster.Formation == ClusterFormation.Discovery ? 10 : 2)) is { } server)
        {
            var setups = nodeIds.Select(j => new NodeSetup(j, run.Contract, run.Train, run.Shards[j].Records, server, run.Options)).ToArray();
            Akka.Hosting.ActorRegistry.For(system).Register<WorkerSupervisor>(
                system.ActorOf(Props.Create(() => new WorkerSupervisor(setups, run.Host.Replicas, server, done)), "worker"));
        }
        var result = done.Task.GetAwaiter().GetResult(); // a signal while waiting for the server stops the system: done says so
        host.Stop();
        // Akka.Remote ends a host whose outbound TLS handshake failed: say why, as a refusal.
        if (CoordinatedShutdown.Get(system).ShutdownReason?.GetType().Name == "TlsHandshakeFailureReason")
            throw new ConfigurationException($"TLS: could not join the cluster: {WhyRefused(cluster, refusals)}");
        return result;
    }

    static (ActorSystemHost Host, TlsRefusals? Refusals) Start(FederationRun run, ClusterSettings cluster, string role, StopSignals? signals,
        Action<ActorSystem, Akka.Hosting.IActorRegistry> actors, Func<ActorSystem, string, Task>? stopCleanly)
    {
        if (cluster.InsecureWarning is { } insecure) LogSetup.Logger("run").LogWarning("{Warning}", insecure);
        var refusals = cluster.Tls is { } identity ? new TlsRefusals(identity) : null;
        try
        {
            var host = ActorSystemHost.Start(ClusterSettings.SystemName, InProcessFederation.AkkaConfig(run.Host), run.Akka, LogSetup.AkkaLevel(run.Host.LogLevel),
                akka => cluster.Configure(akka, role, refusals), (system, registry) =>
                {
                    if (refusals is not null) system.ActorOf(TlsRefusalMonitor.Props(refusals), "tls");
                    Links.Of(system).Link = system.ActorOf(HostLink.Props(cluster.LinkSizes), HostLink.Name); // before any protocol actor sends
                    system.ActorOf(HeartbeatWatch.Props(), HeartbeatWatch.Name);
                    actors(system, registry);
                }, signals, stopCleanly);
            try
            {
                if (cluster.Management is { } management) ManagementEndpoint.Start(host.System, management);
            }
            catch
            {
                host.Dispose();
                throw;
            }
            if (cluster.Discovery is { } discovery) DiscoveryFormation.Start(host.System, discovery, cluster.Scheme);
            return (host, refusals);
        }
        catch (Exception e) when (SocketError(e) is { } socket)
        {
            throw new ConfigurationException($"signactors.cluster: cannot listen on {cluster.Hostname}:{cluster.Port}: {socket.Message}");
        }
    }

    static string? HeartbeatLine(ActorSystem system)
    {
        try
        {
            var gaps = system.ActorSelection("/user/" + HeartbeatWatch.Name).Ask<HeartbeatWatch.Gaps>(HeartbeatWatch.Longest.Instance, TimeSpan.FromSeconds(5)).GetAwaiter().GetResult();
            return HeartbeatWatch.Line(gaps, Akka.Cluster.Cluster.Get(system).Settings.FailureDetectorConfig.GetTimeSpan("acceptable-heartbeat-pause"));
        }
        catch (AskTimeoutException) { return null; }
    }

    /// <summary>The socket error under Akka.Remote's nest of aggregate and transport exceptions, if that is what it is.</summary>
    static System.Net.Sockets.SocketException? SocketError(Exception e)
    {
        for (Exception? inner = e; inner is not null; inner = inner is AggregateException { InnerExceptions.Count: 1 } one ? one.InnerExceptions[0] : inner.InnerException)
            if (inner is System.Net.Sockets.SocketException socket) return socket;
        return null;
    }

    /// <summary>
    /// The coordinator, at the member with role server, once this host is in the cluster (by seed
    /// list or discovery), within <paramref name="patience"/>.
    /// </summary>
    /// <returns>null when the system stopped meanwhile (a signal).</returns>
    static IActorRef? ResolveServer(ActorSystem system, ClusterSettings settings, TextWriter log, TimeSpan patience)
    {
        var cluster = Akka.Cluster.Cluster.Get(system);
        var deadline = DateTime.UtcNow + patience;
        // A worker without TLS that has not joined after 4 s probes its seeds for TLS, then every 15 s.
        var (said, nextProbe) = (DateTime.MinValue, DateTime.UtcNow.AddSeconds(4));
        while (!system.WhenTerminated.IsCompleted)
        {
            if (settings.Tls is null && cluster.SelfMember.Status != Akka.Cluster.MemberStatus.Up && DateTime.UtcNow > nextProbe)
            {
                // A TLS host drops this host's plain frames without a word: find out, and say so.
                if (PeersSpeakingTls(settings, cluster.SelfAddress).FirstOrDefault() is { } tls)
                    throw new ConfigurationException($"TLS: the host at {tls} speaks TLS and this host has it off (signactors.cluster.tls): give this host the cluster's ca, certificate and key as on the others");
                nextProbe = DateTime.UtcNow.AddSeconds(15);
            }
            var server = cluster.State.Members.FirstOrDefault(m => m.HasRole(ClusterSettings.ServerRole) && m.Status == Akka.Cluster.MemberStatus.Up);
            if (server is not null)
            {
                try { return system.ActorSelection(server.Address + FederationSupervisor.ServerPath).ResolveOne(TimeSpan.FromSeconds(2)).GetAwaiter().GetResult(); }
                catch (ActorNotFoundException) when (DateTime.UtcNow < deadline) { }
            }
            if (DateTime.UtcNow >= deadline)
                throw new ConfigurationException(server is null
                    ? $"no member with role server joined the cluster within {patience.TotalMinutes:F0} minutes; is `signactors server` running, and does this host reach it (seed-nodes, or discovery's contact points)?"
                    : $"the server member {server.Address} did not answer at {FederationSupervisor.ServerPath} within {patience.TotalMinutes:F0} minutes");
            if (DateTime.UtcNow - said > TimeSpan.FromSeconds(5))
            {
                log.WriteLine(server is null ? "waiting for the cluster to form and the server to join …" : $"waiting for the server at {server.Address} …");
                said = DateTime.UtcNow;
            }
            Thread.Sleep(250); // back-off on the host's main thread (no actor blocks)
        }
        return null;
    }

    /// <summary>
    /// Why this host's outbound handshake failed. This host's check of the peer says so when it ran;
    /// under TLS 1.3 the peer may refuse this host first, so the peer's certificate is looked at again.
    /// </summary>
    public static string WhyRefused(ClusterSettings cluster, TlsRefusals? refusals)
    {
        if (refusals?.Outbound is { } outbound && !outbound.Contains(TlsRefusals.Undiagnosed, StringComparison.Ordinal)) return outbound;
        if (cluster.Tls is { } identity)
            foreach (var (host, port) in Peers(cluster, null))
                if (TlsProbe.Certificate(host, port, TimeSpan.FromSeconds(2)) is { } shown && PeerCertificates.Check(shown, identity.Ca, DateTime.UtcNow) is { } reason)
                    return $"the peer at {host}:{port}: {reason}";
        return refusals?.Outbound ?? "the TLS handshake with the server failed";
    }

    static IEnumerable<(string Host, int Port)> Peers(ClusterSettings settings, Address? self) =>
        settings.SeedNodes.Select(Address.Parse).Select(a => (a.Host!, a.Port ?? 0))
            .Concat(settings.Discovery?.ContactPoints.Select(p => (p.Host, p.Port)) ?? [])
            .Where(p => self is null || p != (self.Host, self.Port ?? 0)).Distinct();

    /// <summary>The seeds or contact points other than this host that answer a TLS handshake with a certificate.</summary>
    static IEnumerable<string> PeersSpeakingTls(ClusterSettings settings, Address self) =>
        Peers(settings, self).Where(p => TlsProbe.SpeaksTls(p.Host, p.Port, TimeSpan.FromSeconds(2))).Select(p => $"{p.Host}:{p.Port}");

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

        // The ids belong to another live host: this host ends, saying why (exit 2), and leaves the cluster.
        protected override void OnRefused(NodeRefused refused) =>
            _done.TrySetException(new ConfigurationException($"the server refused node {refused.NodeId}: {refused.Reason}; start this worker with other --nodes, or stop that host first"));
    }
}
