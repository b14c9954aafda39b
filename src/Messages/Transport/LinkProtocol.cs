namespace SignActors.Messages.Transport;

/// <summary>
/// Marker of the host link's own messages (<see cref="HostLink"/>): chunks of a large message and
/// their acknowledgements, bound to the protocol serializer like the round protocol.
/// </summary>
public interface ILinkProtocol;

/// <summary>
/// Where a transfer's message goes and how to read it, carried by its first chunk: the target's and
/// sender's serialized actor paths, the serializer and manifest of the message's bytes, and their length.
/// </summary>
public sealed record LinkHeader(string Target, string? Sender, int SerializerId, string Manifest, int Length);

/// <summary>
/// Host → host: chunk <paramref name="Index"/> of <paramref name="Count"/> of transfer
/// <paramref name="Transfer"/>, the next bytes of the message in order; the first chunk carries the header.
/// </summary>
public sealed record LinkChunk(long Transfer, int Index, int Count, LinkHeader? Header, byte[] Bytes) : ILinkProtocol;

/// <summary>Host → host: chunk <paramref name="Index"/> of transfer <paramref name="Transfer"/> arrived, so one more may go on the wire.</summary>
public sealed record LinkAck(long Transfer, int Index) : ILinkProtocol;

/// <summary>
/// A message whose receiver should hear of it as soon as it starts to travel: a vote still arriving
/// over a slow link is not asked for again. The link sends <see cref="Announcement"/> (small, direct)
/// when the message's first chunk goes on the wire.
/// </summary>
public interface IAnnounced
{
    object Announcement { get; }
}
