using System.Net.Sockets;
using Akka.Actor;
using Akka.Discovery;
using Microsoft.Extensions.Logging;
using SignActors.Runtime.Logging;

namespace SignActors.Runtime.Cluster;

/// <summary>
/// Forms or joins the cluster without a hand-listed seed list: contact points come from
/// Akka.Discovery (the config list, or the Kubernetes API), each is probed with a TCP connect to
/// its Akka.Remote port, and <see cref="ContactPointFormation"/> decides when to join and through
/// which seeds. Runs on a thread of its own until this member is up or the system stops.
/// </summary>
public static class DiscoveryFormation
{
    static readonly ILogger Log = LogSetup.Logger("cluster-formation");
    static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(500), ConnectTimeout = TimeSpan.FromMilliseconds(500);

    public static Task Start(ActorSystem system, DiscoverySettings settings, string scheme) => Task.Run(async () =>
    {
        var cluster = Akka.Cluster.Cluster.Get(system);
        var discovery = Discovery.Get(system).LoadServiceDiscovery(settings.Method == "kubernetes" ? "kubernetes-api" : "config");
        var previous = Array.Empty<ContactPoint>();
        string? said = null;
        while (!system.WhenTerminated.IsCompleted && !cluster.IsJoining())
        {
            var lookup = new Lookup(ClusterSettings.ServiceName, settings.Method == "kubernetes" ? settings.PortName : null, settings.Method == "kubernetes" ? "tcp" : null);
            ServiceDiscovery.Resolved resolved;
            try { resolved = await discovery.Lookup(lookup, TimeSpan.FromSeconds(5)); }
            catch (Exception e) // the Kubernetes API unreachable, a lookup timing out: try again
            {
                Log.LogWarning("cluster formation: {Method} discovery failed: {Reason}; trying again", settings.Method, e.GetBaseException().Message);
                await Task.Delay(TimeSpan.FromSeconds(2));
                continue;
            }
            var points = resolved.Addresses.Where(a => a.Port is not null).Select(a => new ContactPoint(a.Address?.ToString() ?? a.Host, a.Port!.Value)).Distinct().ToArray();
            var answering = (await Task.WhenAll(points.Select(async p => (p, await Answers(p))))).Where(x => x.Item2).Select(x => x.p).ToArray();
            var step = ContactPointFormation.Decide(answering, previous, settings.RequiredContactPoints);
            previous = answering;
            if (step is FormationStep.Join join)
            {
                Log.LogInformation("joining through {Seeds} (discovered by {Method})", string.Join(", ", join.Seeds), settings.Method);
                cluster.JoinSeedNodes(join.Seeds.Select(s => Address.Parse(s.Address(scheme))));
                return;
            }
            var why = ((FormationStep.Wait)step).Why;
            if (why != said) Log.LogInformation("cluster formation: {Why}; probing again", why);
            said = why;
            await Task.Delay(Interval);
        }
    });

    static async Task<bool> Answers(ContactPoint point)
    {
        using var client = new TcpClient();
        using var timeout = new CancellationTokenSource(ConnectTimeout);
        try { await client.ConnectAsync(point.Host, point.Port, timeout.Token); return true; }
        catch (Exception e) when (e is SocketException or OperationCanceledException) { return false; }
    }

    static bool IsJoining(this Akka.Cluster.Cluster cluster) => cluster.SelfMember.Status is Akka.Cluster.MemberStatus.Up or Akka.Cluster.MemberStatus.Joining or Akka.Cluster.MemberStatus.WeaklyUp;
}
