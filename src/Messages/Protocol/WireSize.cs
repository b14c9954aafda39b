namespace SignActors.Messages.Protocol;

/// <summary>
/// Bytes a protocol message occupies on the wire: its fixed header plus the payload body, which
/// is the packed bytes as they are (SPEC §6: no per-coordinate overhead). The binary serializer
/// writes exactly these layouts (little-endian):
/// <list type="bullet">
/// <item>payload header: kind (1), d (4), voters of a count payload or 0 (1) — 6 bytes;</item>
/// <item><see cref="Vote"/>: format version (1), round (8), node id (4), compute ms (4), four
///   float32 scalars (16), payload header (6) — 39 bytes, then the body;</item>
/// <item><see cref="Aggregate"/>: format version (1), round (8), η (4), payload header (6) —
///   19 bytes, then the body.</item>
/// </list>
/// </summary>
public static class WireSize
{
    public const int PayloadHeaderBytes = 1 + 4 + 1;
    public const int VoteHeaderBytes = 1 + 8 + 4 + 4 + 4 * sizeof(float) + PayloadHeaderBytes;
    public const int AggregateHeaderBytes = 1 + 8 + 4 + PayloadHeaderBytes;

    public static long Of(Vote vote) => VoteHeaderBytes + (long)vote.Payload.BodyBytes;

    public static long Of(Aggregate aggregate) => AggregateHeaderBytes + (long)aggregate.Payload.BodyBytes;
}
