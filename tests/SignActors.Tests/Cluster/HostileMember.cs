using System.Text;
using Akka.Actor;
using Akka.Configuration;
using Akka.Dispatch.SysMsg;
using Akka.Serialization;

namespace SignActors.Tests.Cluster;

/// <summary>What a hostile member tries to smuggle in.</summary>
public sealed record Smuggled(string Payload);

/// <summary>
/// Stands in for Akka's JSON serializer (identifier 1) on the hostile member: its frames name
/// System.Diagnostics.Process, a type a JSON serializer that honours the peer's manifest would build.
/// </summary>
public sealed class ImpostorJsonSerializer(ExtendedActorSystem system) : SerializerWithStringManifest(system)
{
    /// <summary>Akka passes the json alias its serialization-settings.</summary>
    public ImpostorJsonSerializer(ExtendedActorSystem system, Config settings) : this(system) { }

    public override int Identifier => 1;
    public override string Manifest(object o) => "System.Diagnostics.Process, System.Diagnostics.Process";
    public override byte[] ToBinary(object obj) => Encoding.UTF8.GetBytes("""{"StartInfo":{"FileName":"touch","Arguments":"/tmp/signactors-smuggled"}}""");
    public override object FromBinary(byte[] bytes, string manifest) => throw new NotSupportedException();
}

/// <summary>
/// A process's own ActorSystem that joins the federation's cluster as a member (it knows the
/// system name and reaches the port: what loopback without TLS allows) and sends the coordinator
/// and a node what Akka would let an ordinary member send: PoisonPill and Kill by actor selection
/// and by resolved reference, a frame for the JSON serializer naming an arbitrary type, and
/// Suspend and Terminate system messages.
/// </summary>
public static class HostileMember
{
    /// <returns>What it did, a line each (for the test's failure message).</returns>
    public static async Task<IReadOnlyList<string>> Attack(int serverPort, TimeSpan patience)
    {
        var config = ConfigurationFactory.ParseString($$"""
            akka.actor.provider = cluster
            akka.remote.dot-netty.tcp { hostname = "127.0.0.1", port = 0 }
            akka.cluster.roles = [intruder]
            akka.actor.serializers.json = "{{typeof(ImpostorJsonSerializer).AssemblyQualifiedName}}"
            akka.actor.serialization-bindings { "{{typeof(Smuggled).AssemblyQualifiedName}}" = json }
            akka.loglevel = OFF
            akka.stdout-loglevel = OFF
            akka.coordinated-shutdown.run-by-clr-shutdown-hook = off
            """);
        var done = new List<string>();
        var system = ActorSystem.Create("signactors", config);
        try
        {
            var cluster = Akka.Cluster.Cluster.Get(system);
            var server = Address.Parse($"akka.tcp://signactors@127.0.0.1:{serverPort}");
            cluster.Join(server);
            var until = DateTime.UtcNow + patience;
            while (cluster.SelfMember.Status != Akka.Cluster.MemberStatus.Up && DateTime.UtcNow < until) await Task.Delay(100);
            done.Add($"member status {cluster.SelfMember.Status}");
            string coordinator = $"{server}/user/federation/server";
            var selection = system.ActorSelection(coordinator);
            selection.Tell(PoisonPill.Instance);
            selection.Tell(Kill.Instance);
            selection.Tell(new Smuggled("by selection"));
            foreach (var worker in cluster.State.Members.Where(m => m.HasRole("worker")))
            {
                system.ActorSelection($"{worker.Address}/user/worker/node-0").Tell(PoisonPill.Instance);
                system.ActorSelection($"{worker.Address}/user/worker/node-0").Tell(Kill.Instance);
                done.Add($"sent PoisonPill and Kill to node 0 at {worker.Address}");
            }
            IActorRef resolved;
            try { resolved = await selection.ResolveOne(TimeSpan.FromSeconds(10)); }
            catch (ActorNotFoundException) // the selection's PoisonPill went through: the coordinator is gone
            {
                done.Add("the coordinator did not answer Identify after the PoisonPill by selection");
                return done;
            }
            done.Add($"resolved {resolved.Path}");
            resolved.Tell(PoisonPill.Instance);
            resolved.Tell(Kill.Instance);
            resolved.Tell(new Smuggled("by reference"));
            ((IInternalActorRef)resolved).SendSystemMessage(new Suspend());
            ((IInternalActorRef)resolved).SendSystemMessage(new Terminate());
            done.Add("sent PoisonPill, Kill, a JSON frame naming System.Diagnostics.Process, Suspend and Terminate to the coordinator");
            await Task.Delay(500);
            await cluster.LeaveAsync(new CancellationTokenSource(TimeSpan.FromSeconds(10)).Token).ContinueWith(_ => { });
        }
        finally
        {
            await system.Terminate().WaitAsync(TimeSpan.FromSeconds(10)).ContinueWith(_ => { });
        }
        return done;
    }
}
