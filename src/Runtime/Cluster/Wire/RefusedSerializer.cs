using Akka.Actor;
using Akka.Configuration;
using Akka.Serialization;

namespace SignActors.Runtime.Cluster.Wire;

/// <summary>
/// Takes the identifier of a serializer that a cluster host must not run — Newtonsoft JSON (which
/// builds whatever .NET type a peer names), protobuf by type name, remote deployment, bare strings
/// and bytes, reliable delivery — and refuses everything, both ways: nothing this host sends goes
/// out that way, and a peer's frame naming it is dropped without its manifest being resolved to a
/// type (a string-manifest serializer is handed the manifest as text).
/// </summary>
public sealed class RefusedSerializer : SerializerWithStringManifest
{
    readonly string _name;

    /// <param name="settings">akka.actor.serialization-settings.&lt;name&gt;: <c>refused-identifier</c> and <c>refused-name</c>.</param>
    public RefusedSerializer(ExtendedActorSystem system, Config settings) : base(system)
    {
        Identifier = settings.GetInt("refused-identifier", -1);
        _name = settings.GetString("refused-name", "?");
        if (Identifier < 0) throw new ConfigurationException($"{nameof(RefusedSerializer)} needs serialization-settings.<name>.refused-identifier");
    }

    public override int Identifier { get; }

    public override string Manifest(object o) => throw Refused($"{o.GetType().FullName} would be sent");
    public override byte[] ToBinary(object obj) => throw Refused($"{obj.GetType().FullName} would be sent");
    public override object FromBinary(byte[] bytes, string manifest) => throw Refused($"a frame of {bytes.Length} bytes naming \"{Trim(manifest)}\" was dropped");

    WireRefusedException Refused(string what) =>
        new($"serializer {_name} ({Identifier}) is not accepted on this cluster's wire (only the round protocol and what Akka.Cluster needs): {what}");

    static string Trim(string manifest) => manifest.Length <= 120 ? manifest : manifest[..120] + "…";
}
