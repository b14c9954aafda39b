using Akka.Actor;
using Akka.Remote.Serialization;
using Akka.Serialization;

namespace SignActors.Runtime.Cluster.Wire;

/// <summary>
/// Akka.Remote's miscellaneous-message serializer (same identifier, 16) limited to what a cluster
/// host needs: Identify / ActorIdentity (a worker resolves the server) and actor references, and
/// the remote watcher's heartbeats. PoisonPill, Kill, Status replies (whose exceptions are built by
/// a type name the peer chooses), scopes, routers and configs are refused, so a member cannot stop
/// or restart the coordinator or a node by sending them.
/// </summary>
public sealed class ClusterMiscSerializer(ExtendedActorSystem system) : SerializerWithStringManifest(system)
{
    /// <summary>The manifests of <see cref="MiscMessageSerializer"/> that cross between our hosts.</summary>
    public static readonly IReadOnlySet<string> Accepted = new HashSet<string> { "ID", "AID", "AR", "RWHB", "RWHR" };

    readonly MiscMessageSerializer _akka = new(system);

    public override int Identifier => 16;
    public override string Manifest(object o) => Check(_akka.Manifest(o), o.GetType().Name);
    public override byte[] ToBinary(object obj)
    {
        Manifest(obj); // refuses what does not cross
        return _akka.ToBinary(obj);
    }
    public override object FromBinary(byte[] bytes, string manifest) => _akka.FromBinary(bytes, Check(manifest, manifest));

    static string Check(string manifest, string what) => Accepted.Contains(manifest) ? manifest
        : throw new WireRefusedException($"{what} (misc manifest \"{manifest}\") does not cross between this cluster's hosts: only Identify, ActorIdentity, actor references and watch heartbeats do");
}
