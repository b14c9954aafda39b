using Akka.Actor;
using Akka.Dispatch.SysMsg;
using Akka.Remote.Serialization;
using Akka.Serialization;

namespace SignActors.Runtime.Cluster.Wire;

/// <summary>
/// Akka.Remote's system-message serializer (same identifier, 22) limited to remote DeathWatch —
/// Watch, Unwatch and DeathWatchNotification, so the coordinator still learns that a node actor on
/// a live host stopped. Create, Recreate, Suspend, Resume, Terminate, Supervise and Failed are
/// refused: a member could otherwise suspend the coordinator. Its manifest is a short name, never
/// a type name for Akka to resolve.
/// </summary>
public sealed class ClusterSystemMessageSerializer(ExtendedActorSystem system) : SerializerWithStringManifest(system)
{
    static readonly IReadOnlyDictionary<string, Type> Accepted = new Dictionary<string, Type>
    {
        ["W"] = typeof(Watch), ["U"] = typeof(Unwatch), ["D"] = typeof(DeathWatchNotification),
    };

    readonly SystemMessageSerializer _akka = new(system);

    public override int Identifier => 22;

    public override string Manifest(object o) => o switch
    {
        Watch => "W",
        Unwatch => "U",
        DeathWatchNotification => "D",
        _ => throw new WireRefusedException($"system message {o.GetType().Name} does not cross between this cluster's hosts: only remote DeathWatch does"),
    };

    public override byte[] ToBinary(object obj)
    {
        Manifest(obj);
        return _akka.ToBinary(obj);
    }

    public override object FromBinary(byte[] bytes, string manifest) => Accepted.TryGetValue(manifest, out var type) ? _akka.FromBinary(bytes, type)
        : throw new WireRefusedException($"system message \"{(manifest.Length <= 120 ? manifest : manifest[..120] + "…")}\" does not cross between this cluster's hosts: only Watch, Unwatch and DeathWatchNotification do");
}
