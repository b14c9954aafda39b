using System.Runtime.Serialization;
using Akka.Actor;
using Akka.Configuration;
using Akka.Dispatch.SysMsg;
using Akka.Serialization;
using SignActors.Runtime.Cluster.Wire;
using SignActors.Runtime.Federation;
using SignActors.Messages.Protocol;
using SignActors.Messages.Serialization;
using Xunit;

namespace SignActors.Tests.Cluster;

/// <summary>
/// A cluster host's serializers: only the round protocol's and what Akka.Cluster needs run; a frame
/// for any other serializer id, or a misc or system message the cluster does not need, is refused
/// in one line without its manifest being resolved to a type.
/// </summary>
public sealed class ClusterWireTests : IDisposable
{
    readonly ActorSystem _system = ActorSystem.Create("signactors", ConfigurationFactory.ParseString(ClusterWire.Hocon + """

        akka.actor.provider = remote
        akka.remote.dot-netty.tcp { hostname = "127.0.0.1", port = 0 }
        akka.loglevel = OFF
        akka.stdout-loglevel = OFF
        """).WithFallback(ConfigurationFactory.ParseString(InProcessFederation.EmbeddedAkkaText)));

    Serialization Wire => _system.Serialization;

    public void Dispose() => _system.Terminate().Wait(TimeSpan.FromSeconds(10));

    static void OneLine(Exception e)
    {
        Assert.IsType<WireRefusedException>(e);
        Assert.DoesNotContain('\n', e.ToString());
        Assert.DoesNotContain(" at ", e.ToString());
    }

    [Fact]
    public void Every_serializer_a_cluster_host_runs_is_ours_akka_clusters_or_a_refusal()
    {
        var allowed = new HashSet<string>
        {
            typeof(ProtocolSerializer).FullName!, typeof(ClusterMiscSerializer).FullName!, typeof(ClusterSystemMessageSerializer).FullName!,
            typeof(RefusedSerializer).FullName!, "Akka.Cluster.Serialization.ClusterMessageSerializer", "Akka.Remote.Serialization.MessageContainerSerializer",
        };
        var aliases = _system.Settings.Config.GetConfig("akka.actor.serializers").AsEnumerable().ToArray();
        Assert.True(aliases.Length >= 10);
        foreach (var (alias, value) in aliases)
            Assert.True(allowed.Contains(value.GetString().Split(',')[0].Trim()), $"serializer {alias} = {value.GetString()} runs on a cluster host");
        foreach (var (alias, id) in ClusterWire.Refused)
            OneLine(Assert.ThrowsAny<SerializationException>(() => Wire.Deserialize(new byte[4], id, "x")));
        Assert.True(_system.Settings.Config.GetBoolean("akka.remote.untrusted-mode"));
        Assert.Contains(FederationSupervisor.ServerPath, _system.Settings.Config.GetStringList("akka.remote.trusted-selection-paths"));
    }

    [Theory]
    [InlineData(1, "System.Diagnostics.Process, System.Diagnostics.Process")]  // Newtonsoft JSON would build it
    [InlineData(2, "Google.Protobuf.WellKnownTypes.Any, Google.Protobuf")]
    [InlineData(3, "")]                                                           // remote deployment
    [InlineData(4, "")]
    [InlineData(17, "S")]
    [InlineData(36, "a")]                                                         // reliable delivery
    public void A_frame_for_a_refused_serializer_is_dropped_whatever_type_it_names(int serializer, string manifest)
    {
        var refusal = Assert.ThrowsAny<SerializationException>(() => Wire.Deserialize("""{"StartInfo":{"FileName":"touch"}}"""u8.ToArray(), serializer, manifest));
        OneLine(refusal);
        Assert.Contains("is not accepted on this cluster's wire", refusal.Message);
    }

    [Fact]
    public void Nothing_leaves_a_cluster_host_as_json_bytes_or_a_bare_string()
    {
        foreach (var message in new object[] { new Uri("http://x"), new byte[] { 1 }, "text", 42 })
            OneLine(Assert.ThrowsAny<SerializationException>(() => Wire.FindSerializerFor(message).ToBinary(message)));
        Assert.IsType<ProtocolSerializer>(Wire.FindSerializerFor(new RegisterNode(1)));
    }

    [Fact]
    public void Of_Akkas_miscellaneous_messages_only_identification_and_heartbeats_cross()
    {
        var misc = Assert.IsType<ClusterMiscSerializer>(Wire.FindSerializerForType(typeof(Identify)));
        Assert.Equal(16, misc.Identifier);
        var identify = new Identify(null); // as ResolveOne asks
        Assert.IsType<Identify>(misc.FromBinary(misc.ToBinary(identify), misc.Manifest(identify)));
        OneLine(Assert.ThrowsAny<SerializationException>(() => misc.ToBinary(new Identify("who")))); // a nested payload meets the same refusals
        foreach (var manifest in new[] { "PP", "K", "STF", "STS", "RS", "CF", "RORRP" })
            OneLine(Assert.ThrowsAny<SerializationException>(() => misc.FromBinary(new byte[8], manifest)));
        OneLine(Assert.ThrowsAny<SerializationException>(() => misc.ToBinary(PoisonPill.Instance)));
        OneLine(Assert.ThrowsAny<SerializationException>(() => misc.ToBinary(Kill.Instance)));
    }

    [Fact]
    public void Of_system_messages_only_remote_DeathWatch_crosses()
    {
        var system = Assert.IsType<ClusterSystemMessageSerializer>(Wire.FindSerializerForType(typeof(Watch)));
        Assert.Equal(22, system.Identifier);
        var actor = (IInternalActorRef)_system.DeadLetters;
        var watch = new Watch(actor, actor);
        Assert.IsType<Watch>(system.FromBinary(system.ToBinary(watch), system.Manifest(watch)));
        var notification = new DeathWatchNotification(actor, true, false);
        Assert.IsType<DeathWatchNotification>(system.FromBinary(system.ToBinary(notification), system.Manifest(notification)));
        foreach (var manifest in new[] { "Akka.Dispatch.SysMsg.Suspend, Akka", "Akka.Dispatch.SysMsg.Terminate, Akka", "S", "" })
            OneLine(Assert.ThrowsAny<SerializationException>(() => system.FromBinary(new byte[8], manifest)));
        OneLine(Assert.ThrowsAny<SerializationException>(() => system.ToBinary(new Suspend())));
    }
}
