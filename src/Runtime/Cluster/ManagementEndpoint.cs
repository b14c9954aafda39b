using System.Net;
using Akka.Actor;
using Akka.Cluster;
using Akka.Configuration;
using SignActors.Runtime.Federation;
using SignActors.Server;

namespace SignActors.Runtime.Cluster;

/// <summary>
/// A host's HTTP management endpoint for an orchestrator's probes: <c>GET /alive</c> (the
/// ActorSystem runs and this member is not leaving or down) and <c>GET /ready</c> (this member is
/// Up, and on the server every expected node has registered). 200 with a one-line reason, or 503
/// with what is missing. Closed by CoordinatedShutdown when the host stops.
/// </summary>
public sealed class ManagementEndpoint
{
    readonly ActorSystem _system;
    readonly HttpListener _listener = new();

    ManagementEndpoint(ActorSystem system, string prefix)
    {
        _system = system;
        _listener.Prefixes.Add(prefix);
    }

    public static void Start(ActorSystem system, ManagementSettings settings)
    {
        var endpoint = new ManagementEndpoint(system, $"http://{settings.Hostname}:{settings.Port}/");
        try { endpoint._listener.Start(); }
        catch (HttpListenerException e)
        {
            throw new ConfigurationException($"signactors.cluster.management: cannot listen on {settings.Hostname}:{settings.Port}: {e.Message}");
        }
        CoordinatedShutdown.Get(system).AddTask(CoordinatedShutdown.PhaseServiceUnbind, "signactors-management", () =>
        {
            endpoint._listener.Close();
            return Task.FromResult(Akka.Done.Instance);
        });
        _ = Task.Run(endpoint.Serve);
    }

    async Task Serve()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try { context = await _listener.GetContextAsync(); }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException) { return; }
            _ = Task.Run(() => Answer(context));
        }
    }

    async Task Answer(HttpListenerContext context)
    {
        using var response = context.Response;
        var (status, line) = context.Request.HttpMethod != "GET" ? (405, "GET only")
            : context.Request.Url?.AbsolutePath.TrimEnd('/') switch
            {
                "/alive" => Alive(),
                "/ready" => await Ready(),
                _ => (404, "not found: /alive or /ready"),
            };
        response.StatusCode = status;
        response.ContentType = "text/plain; charset=utf-8";
        byte[] body = System.Text.Encoding.UTF8.GetBytes(line + "\n");
        try { await response.OutputStream.WriteAsync(body); }
        catch (HttpListenerException) { } // the prober went away
    }

    (int, string) Alive()
    {
        if (_system.WhenTerminated.IsCompleted) return (503, "the actor system has stopped");
        var status = Akka.Cluster.Cluster.Get(_system).SelfMember.Status;
        return status switch
        {
            MemberStatus.Down or MemberStatus.Exiting => (503, $"member {status}"),
            MemberStatus.Removed => (200, "alive: not yet in a cluster"), // before joining, Akka's self member reads Removed
            _ => (200, $"alive: member {status}"),
        };
    }

    async Task<(int, string)> Ready()
    {
        var cluster = Akka.Cluster.Cluster.Get(_system);
        if (cluster.SelfMember.Status != MemberStatus.Up) return (503, $"member {cluster.SelfMember.Status}, not yet Up");
        if (!cluster.SelfMember.HasRole(ClusterSettings.ServerRole)) return (200, "ready: worker member Up");
        try
        {
            var r = await _system.ActorSelection(FederationSupervisor.ServerPath).Ask<Registrations>(GetRegistrations.Instance, TimeSpan.FromSeconds(2));
            return r.Ready ? (200, $"ready: {r.Registered} of {r.Expected} nodes registered") : (503, $"{r.Registered} of {r.Expected} nodes registered");
        }
        catch (Exception e) when (e is AskTimeoutException or ActorNotFoundException) { return (503, "the round coordinator does not answer"); }
    }
}
